// The verification as a canary (pure): every post-deploy verification signs in with the newest secret by ROPC
// at a recorded time, so a report that does not show that sign-in CANARY_GRACE_HOURS later does not record the
// connector's kind of sign-in, and its silence proves nothing. The scene of secretUsage.test.ts: newest secret N,
// previous P; the daily up verified at 03:20 on 2026-11-27, its password sign-in sent at 03:20:10.2.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    CANARY_GRACE_HOURS, classifySecretUsage, describeUsage, usageCell, usageRecordSchema, verificationCanary, type Classification, type CredentialActivity, type UsageRecord,
} from "../../verifier/secretUsage";

const N = "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47";
const P = "a8e5d1c3-0b7f-4e29-8d64-5f3a2b1c0e98";
const SIGN_IN_AT = "2026-11-27T03:20:10.200Z";
const ROPC_ID = "5d0c3e1a-2b4f-4c6d-9e8f-7a1b2c3d4e5f";
const CC_ID = "9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a5b";
const VERIFICATION = { verifiedAt: "2026-11-27T03:20:11.000Z", elapsedMs: 2_314, passwordSignInAt: SIGN_IN_AT, passwordSignInRequestId: ROPC_ID, clientCredentialsRequestId: CC_ID };
const HOUR = 3_600_000;
/** The verification window's clock slack (verifier/secretUsage.ts, VERIFICATION_SLACK_MS). */
const SLACK = 2 * 60 * 1000;

const after = (hours: number, from = SIGN_IN_AT) => new Date(Date.parse(from) + hours * HOUR).toISOString();
const used = (keyId: string, lastUsedAt: string | null, requestIds?: string[]): CredentialActivity => ({ keyId, lastUsedAt, expiresAt: null, ...(requestIds ? { requestIds } : {}) });

function record(credentials: CredentialActivity[], readAt: string, verification: UsageRecord["verification"] = VERIFICATION): UsageRecord {
    return {
        readAt, currentSecretKeyId: N, previousSecretKeyId: P, previousSecretExpiresAt: "2027-01-19T00:00:00.000Z", verification,
        report: { available: true, credentials },
    };
}
function classify(credentials: CredentialActivity[], readAt: string, verification: UsageRecord["verification"] = VERIFICATION): Classification {
    return classifySecretUsage(record(credentials, readAt, verification), { now: new Date(readAt), idleHours: 12 });
}
const message = (c: Classification): string => (c.kind === "unknown" ? c.message : assert.fail(`expected unknown, got ${c.kind}`));
const canaryState = (newest: CredentialActivity, readAt: string) => verificationCanary(record([newest], readAt), newest, Date.parse(readAt)).state;
const reason = (c: Classification) => (c.kind === "unknown" ? c.reason : c.kind);

describe("the verification as a canary: does the report record the connector's kind of sign-in?", () => {
    it(`is unknown (not-recording) ${CANARY_GRACE_HOURS} hours after the verification's password sign-in when the newest secret does not show it, instead of idle or not-switched`, () => {
        const silent = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(21));
        assert.equal(reason(silent), "not-recording");
        assert.equal(usageCell(silent), "unknown (not-recording)");
        assert.match(describeUsage(silent), /does not show the post-deploy verification's own password sign-in of 2026-11-27 03:20 UTC with the newest client secret \(key ID 3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47\)/);
        assert.match(describeUsage(silent), /check the sign-in logs by hand/);
        const oldInUse = classify([used(N, "2026-11-20T01:00:00.000Z"), used(P, after(20))], after(21));
        assert.equal(reason(oldInUse), "not-recording", "a not-switched built on the newest secret's silence");
    });

    it("takes a use that carries only the verification's client-credentials request ID for that check, not for its password sign-in", () => {
        // Seconds apart, the two sign-ins fall in one verification window; only the request ID tells them apart.
        const ccOnly = used(N, "2026-11-27T03:20:09.000Z", [CC_ID]);
        assert.equal(reason(classify([ccOnly], after(21))), "not-recording");
        assert.equal(reason(classify([ccOnly], after(3))), "verification-masked", "within the grace it is as before");
        assert.match(describeUsage(classify([ccOnly], after(21))), /only the verification's client-credentials check/);
    });

    it("counts the report as recording when it shows the password sign-in's request ID, a later use, or (without request IDs) a use at the sign-in", () => {
        assert.equal(reason(classify([used(N, "2026-11-27T03:20:10.000Z", [ROPC_ID, CC_ID])], after(21))), "idle");
        assert.equal(reason(classify([used(N, after(18), ["7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"])], after(21))), "switched");
        assert.equal(reason(classify([used(N, "2026-11-27T03:20:10.000Z")], after(21))), "idle");
        // The verification's clock may run ahead of Entra ID's by up to the two minutes the window allows.
        assert.equal(reason(classify([used(N, "2026-11-27T03:18:40.000Z")], after(21))), "idle");
        assert.equal(reason(classify([used(N, "2026-11-27T03:18:00.000Z")], after(21))), "not-recording");
    });

    it("within the grace, says not-recorded-yet instead of idle while the report does not show the sign-in; a not-switched stays", () => {
        const lagging = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(13));
        assert.equal(reason(lagging), "not-recorded-yet");
        assert.match(describeUsage(lagging), /does not show the post-deploy verification's own password sign-in of 2026-11-27 03:20 UTC yet/);
        assert.equal(reason(classify([used(N, null), used(P, after(2.5))], after(3))), "not-switched");
    });

    it("right after an adoption, a lagging report that lists only the hand-made secret is not-recorded-yet, not malformed; past the grace, or without a canary, malformed", () => {
        const HAND_MADE = "c4d3e2f1-a0b9-4c8d-9e7f-6a5b4c3d2e1f";
        const adopted = (readAt: string, verification: UsageRecord["verification"] = VERIFICATION) => classifySecretUsage({
            readAt, currentSecretKeyId: N, previousSecretKeyId: null, previousSecretExpiresAt: null, verification,
            // The connector still signs in with the secret made by hand; the report does not list the managed one yet.
            report: { available: true, credentials: [used(HAND_MADE, after(2))] },
        }, { now: new Date(readAt), idleHours: 12 });
        const lagging = adopted(after(3));
        assert.equal(reason(lagging), "not-recorded-yet");
        assert.match(describeUsage(lagging), /does not show the post-deploy verification's own password sign-in of 2026-11-27 03:20 UTC yet/);
        assert.equal(reason(adopted(after(CANARY_GRACE_HOURS))), "malformed");
        assert.equal(reason(adopted(after(3), null)), "malformed");
    });

    it(`decides not-recording exactly from ${CANARY_GRACE_HOURS} hours after the sign-in`, () => {
        const at = (offsetMs: number) => reason(classify([used(N, null)], new Date(Date.parse(SIGN_IN_AT) + CANARY_GRACE_HOURS * HOUR + offsetMs).toISOString()));
        assert.deepEqual([at(-1), at(0)], ["not-recorded-yet", "not-recording"]);
        fc.assert(fc.property(fc.integer({ min: -3_600_000, max: 3_600_000 }), (offsetMs) => {
            assert.equal(at(offsetMs), offsetMs >= 0 ? "not-recording" : "not-recorded-yet");
        }));
    });

    it("judges as before when no password sign-in is recorded: verify off, or outputs from before this version", () => {
        const { passwordSignInAt: _at, passwordSignInRequestId: _r, clientCredentialsRequestId: _c, ...older } = VERIFICATION;
        assert.equal(reason(classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(21), older)), "idle");
        assert.equal(reason(classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(21), null)), "idle");
    });

    it("leaves an unavailable report and missing key IDs to their own reasons", () => {
        const record: UsageRecord = {
            readAt: after(21), currentSecretKeyId: null, previousSecretKeyId: null, previousSecretExpiresAt: null, verification: VERIFICATION,
            report: { available: true, credentials: [used(N, null)] },
        };
        assert.equal(reason(classifySecretUsage(record, { now: new Date(), idleHours: 12 })), "no-key-ids");
        const unavailable = { ...record, currentSecretKeyId: N, report: { available: false as const, reason: "licence" as const, message: "no P1" } };
        assert.equal(reason(classifySecretUsage(unavailable, { now: new Date(), idleHours: 12 })), "licence");
    });

    it("saves and validates the canary's fields with the record", () => {
        const record: UsageRecord = {
            readAt: after(21), currentSecretKeyId: N, previousSecretKeyId: P, previousSecretExpiresAt: null, verification: VERIFICATION,
            report: { available: true, credentials: [used(N, SIGN_IN_AT, [ROPC_ID])] },
        };
        const parsed = usageRecordSchema.safeParse(JSON.parse(JSON.stringify(record)));
        assert.ok(parsed.success);
        assert.deepEqual(parsed.data, record);
        const bad = usageRecordSchema.safeParse({ ...record, verification: { ...VERIFICATION, passwordSignInAt: "at three" } });
        assert.deepEqual(bad.error?.issues.map((i) => i.path.join(".")), ["verification.passwordSignInAt"]);
    });
});

describe("the canary's edges: when the report counts as recording the verification's sign-in", () => {
    it("counts a use of the newest secret after the verification's window as recording, even when the report lists only the client-credentials request", () => {
        assert.equal(canaryState(used(N, "2026-11-27T03:30:00.000Z", [CC_ID]), after(21)), "seen");
    });

    it("does not count a client-credentials-only use at the very end of the verification's window (its slack) as a later use", () => {
        const end = new Date(Date.parse(VERIFICATION.verifiedAt) + SLACK).toISOString();
        assert.equal(canaryState(used(N, end, [CC_ID]), after(21)), "missing");
    });

    it("counts a use exactly the allowed clock slack before the password sign-in as that sign-in", () => {
        const earliest = new Date(Date.parse(SIGN_IN_AT) - SLACK).toISOString();
        assert.equal(canaryState(used(N, earliest), after(21)), "seen");
    });
});

describe("matching the verification's request IDs in the report", () => {
    it("takes a report request ID for the verification's password sign-in only when it is the same ID, whatever its case", () => {
        const id = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3dff";
        const rec: UsageRecord = { ...record([], after(21)), verification: { ...VERIFICATION, passwordSignInRequestId: id.toUpperCase() } };
        const state = (requestIds: string[]) => verificationCanary(rec, used(N, null, requestIds), Date.parse(after(21))).state;
        assert.equal(state([id]), "seen");
        // U+FB00 (the "ff" ligature) is not the letters f f; only its upper case is "FF".
        assert.equal(state([id.replace(/ff$/, "\uFB00")]), "missing");
    });
});

describe("what the operator reads when the report does not show the verification's sign-in", () => {
    it(`says within the grace that ${CANARY_GRACE_HOURS} hours without that sign-in turn the reason into not-recording`, () => {
        const lagging = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(13));
        assert.equal(lagging.kind === "unknown" && lagging.reason, "not-recorded-yet");
        assert.match(message(lagging), new RegExp(`; without that sign-in ${CANARY_GRACE_HOURS} hours after it, the reason becomes not-recording$`));
    });

    it("says how many whole hours later it read the report, that the secret shows no use, and where to check by hand", () => {
        const silent = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(21.5));
        assert.equal(silent.kind === "unknown" && silent.reason, "not-recording");
        const text = message(silent);
        assert.ok(text.includes(`(key ID ${N}) 21 hours later (it shows no use of that secret), so it does not record the connector's kind of ` +
            `sign-in (ROPC with a client secret) in this tenant, or lags more than ${CANARY_GRACE_HOURS} hours: its silence proves nothing. `), text);
        assert.ok(text.endsWith("Sign-in logs, user sign-ins (interactive and non-interactive) filtered by the Application (client) ID"), text);
    });

    it("names the newest secret's last use when the report shows an older one", () => {
        const old = classify([used(N, "2026-11-20T01:00:00.000Z"), used(P, after(20))], after(21));
        assert.equal(old.kind === "unknown" && old.reason, "not-recording");
        assert.ok(message(old).includes("21 hours later (that secret's last use it shows is 2026-11-20 01:00 UTC), so"), message(old));
    });

    it("counts one listed foreign client secret in the singular when the report lists none of the stack's", () => {
        const foreign = classify([used("11111111-2222-4333-8444-555555555555", "2026-11-20T01:00:00.000Z")], after(21));
        assert.equal(foreign.kind === "unknown" && foreign.reason, "malformed");
        assert.ok(message(foreign).endsWith(": it lists 1 client secret for the app, none with the stack's key IDs (currentSecretKeyId, previousSecretKeyId)"), message(foreign));
    });
});
