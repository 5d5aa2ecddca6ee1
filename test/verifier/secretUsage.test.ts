// Which client secret the connector uses: the pure classification on a fixed clock. The scene: the stack rotated
// on 2026-11-20 (newest secret N, previous secret P valid until 2027-01-19); the daily `pulumi up` verified at
// 03:20 on 2026-11-27 (its own sign-in uses N); the report is read at 06:00 the same day.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    classifySecretUsage, describeUsage, usageCell, usageRecordSchema, type Classification, type CredentialActivity, type UsageRecord,
} from "../../verifier/secretUsage";

const N = "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47";
const P = "a8e5d1c3-0b7f-4e29-8d64-5f3a2b1c0e98";
const HANDMADE = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f";
const READ_AT = "2026-11-27T06:00:00.000Z";
const VERIFIED_AT = "2026-11-27T03:20:11.000Z";
const NOW = new Date("2026-11-27T06:30:00Z");
const PREVIOUS_EXPIRES = "2027-01-19T00:00:00.000Z";
const OPTIONS = { now: NOW, idleHours: 12 };

const hoursBefore = (iso: string, hours: number) => new Date(Date.parse(iso) - hours * 3_600_000).toISOString();

function record(credentials: CredentialActivity[], extra: Partial<UsageRecord> = {}): UsageRecord {
    return {
        readAt: READ_AT,
        currentSecretKeyId: N,
        previousSecretKeyId: P,
        previousSecretExpiresAt: PREVIOUS_EXPIRES,
        verification: { verifiedAt: VERIFIED_AT, elapsedMs: 2_314 },
        report: { available: true, credentials },
        ...extra,
    };
}
const used = (keyId: string, lastUsedAt: string | null, expiresAt: string | null = null): CredentialActivity => ({ keyId, lastUsedAt, expiresAt });
/** The verification's own sign-in with the newest secret, a second before it ended. */
const byVerification = used(N, "2026-11-27T03:20:10.000Z");
const classify = (r: UsageRecord, options = OPTIONS): Classification => classifySecretUsage(r, options);

describe("which client secret the connector uses (pure)", () => {
    it("is switched when the connector signed in with the newest secret after the verification", () => {
        const c = classify(record([used(N, "2026-11-27T05:41:00.000Z"), used(P, "2026-11-22T10:00:00.000Z")]));
        assert.deepEqual(c, { kind: "switched", keyId: N, lastUsedAt: "2026-11-27T05:41:00.000Z" });
        assert.equal(usageCell(c), "switched");
    });

    it("is not-switched when only the previous secret is used, with the days left until it expires", () => {
        const c = classify(record([byVerification, used(P, "2026-11-27T05:55:00.000Z")]));
        assert.equal(c.kind, "not-switched");
        assert.deepEqual(c, {
            kind: "not-switched", keyId: P, slot: "previous", lastUsedAt: "2026-11-27T05:55:00.000Z",
            expiresAt: PREVIOUS_EXPIRES, daysLeft: 52, newestUsedAt: null,
        });
        assert.equal(usageCell(c), "not-switched (52 days left)");
        assert.match(describeUsage(c, "npm run handoff -- --stack contoso"), /still signs in with the previous client secret \(key ID a8e5d1c3.*npm run handoff -- --stack contoso.*before 2027-01-19 \(52 days left\)/);
    });

    it("takes the expiry from the report when it has one, and counts the days from now", () => {
        const c = classify(record([byVerification, used(P, "2026-11-27T05:55:00.000Z", "2026-12-01T00:00:00Z")]), { now: new Date("2026-11-28T00:00:00Z"), idleHours: 12 });
        assert.equal(c.kind === "not-switched" && c.daysLeft, 3);
    });

    it("says expired when the connector still uses a previous secret that has expired", () => {
        const c = classify(record([byVerification, used(P, "2026-11-27T05:55:00.000Z")]), { now: new Date("2027-01-20T00:00:00Z"), idleHours: 12 });
        assert.equal(usageCell(c), "not-switched (expired)");
        assert.match(describeUsage(c), /it expired on 2027-01-19, so the connector cannot sign in/);
    });

    it("never counts the verification's own sign-in (the secret's use before the handover) as the connector's", () => {
        // Read a few minutes after the up: the newest secret's only use is the verification's.
        const c = classify(record([byVerification], { readAt: "2026-11-27T03:30:00.000Z" }));
        assert.deepEqual([c.kind, c.kind === "unknown" && c.reason], ["unknown", "verification-masked"]);
        // Whenever in the verification's window the sign-in falls, it never makes the tenant switched.
        fc.assert(fc.property(fc.integer({ min: 0, max: 2_314 + 120_000 }), fc.integer({ min: 0, max: 11 * 3_600_000 }), (beforeEnd, readAfter) => {
            const signIn = new Date(Date.parse(VERIFIED_AT) - beforeEnd).toISOString();
            const readAt = new Date(Date.parse(VERIFIED_AT) + readAfter).toISOString();
            assert.notEqual(classify(record([used(N, signIn)], { readAt })).kind, "switched");
        }));
    });

    it("takes an hour for the whole verification when its duration is not recorded", () => {
        const early = used(N, hoursBefore(VERIFIED_AT, 0.9));
        assert.equal(classify(record([early], { verification: { verifiedAt: VERIFIED_AT } })).kind, "unknown");
        assert.equal(classify(record([early])).kind, "switched");
    });

    it("counts every use of the newest secret when verify is off (no verification recorded)", () => {
        assert.equal(classify(record([byVerification], { verification: null })).kind, "switched");
    });

    it("decides by the secret used last when both were used since the handover", () => {
        const oldLast = classify(record([used(N, "2026-11-27T04:10:00.000Z"), used(P, "2026-11-27T05:50:00.000Z")]));
        assert.equal(oldLast.kind, "not-switched");
        assert.equal(oldLast.kind === "not-switched" && oldLast.newestUsedAt, "2026-11-27T04:10:00.000Z");
        assert.match(describeUsage(oldLast), /The newest secret was used too .*a second client, or a switch not finished/);
        const newLast = classify(record([used(N, "2026-11-27T05:50:00.000Z"), used(P, "2026-11-27T04:10:00.000Z")]));
        assert.equal(newLast.kind, "switched");
    });

    it("is not-switched for a hand-made secret the stack does not manage (an adopted setup), with that secret's expiry", () => {
        const c = classify(record([byVerification, used(P, null), used(HANDMADE, "2026-11-27T05:00:00.000Z", "2027-03-01T00:00:00Z")]));
        assert.equal(c.kind === "not-switched" && `${c.slot} ${c.keyId} ${c.expiresAt}`, `other ${HANDMADE} 2027-03-01T00:00:00.000Z`);
        assert.match(describeUsage(c), /a client secret this stack does not manage/);
    });

    it("without a previous secret: switched once the connector uses the newest, idle while nothing does", () => {
        const first = { previousSecretKeyId: null, previousSecretExpiresAt: null };
        assert.equal(classify(record([used(N, "2026-11-27T05:00:00.000Z")], first)).kind, "switched");
        const never = classify(record([used(N, null)], { ...first, verification: null }));
        assert.deepEqual(never, { kind: "idle", lastUsedAt: null, silentSince: null });
        assert.equal(usageCell(never), "idle (never used)");
        assert.equal(classify(record([], { ...first, verification: null })).kind, "idle");
    });

    it("is idle when no secret was used by the connector for idleHours, and not a moment earlier", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 72 }), fc.integer({ min: -1_800_000, max: 1_800_000 }), (idleHours, offsetMs) => {
            const lastUse = new Date(Date.parse(READ_AT) - idleHours * 3_600_000 + offsetMs).toISOString();
            const viaNewest = classify(record([used(N, lastUse)], { verification: null }), { now: NOW, idleHours });
            const viaPrevious = classify(record([used(P, lastUse)], { verification: null }), { now: NOW, idleHours });
            assert.equal(viaNewest.kind, offsetMs < 0 ? "idle" : "switched");
            assert.equal(viaPrevious.kind, offsetMs < 0 ? "idle" : "not-switched");
        }));
    });

    it("is idle when nothing but the verification used a secret for idleHours after it", () => {
        const c = classify(record([byVerification, used(P, "2026-11-20T02:00:00.000Z")], { readAt: "2026-11-28T03:10:00.000Z" }));
        assert.deepEqual(c, { kind: "idle", lastUsedAt: "2026-11-20T02:00:00.000Z", silentSince: "2026-11-27T03:22:11.000Z" });
        assert.match(describeUsage(c), /since 2026-11-27 03:22 UTC: is the jtel connector running/);
    });

    it("is unknown (malformed), never idle, when the report lists credentials but none with the stack's key IDs", () => {
        const c = classify(record([used(HANDMADE, null), used("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", null)], { verification: null }));
        assert.equal(c.kind === "unknown" && c.reason, "malformed");
        assert.match(c.kind === "unknown" ? c.message : "", /lists 2 client secrets for the app, none with the stack's key IDs/);
    });

    it("compares key IDs without regard to case", () => {
        assert.equal(classify(record([used(N.toUpperCase(), "2026-11-27T05:41:00.000Z")])).kind, "switched");
        assert.equal(classify(record([byVerification, used(P.toUpperCase(), "2026-11-27T05:41:00.000Z")])).kind === "not-switched", true);
    });

    it("is unknown with the report's reason when the report is unavailable", () => {
        const c = classify(record([], { report: { available: false, reason: "licence", message: "no P1 (HTTP 403)" } }));
        assert.deepEqual(c, { kind: "unknown", reason: "licence", message: "no P1 (HTTP 403)" });
        assert.equal(usageCell(c), "unknown (licence)");
    });

    it("is unknown when the stack's outputs have no currentSecretKeyId (deployed before it was exported)", () => {
        const c = classify(record([used(N, READ_AT)], { currentSecretKeyId: null }));
        assert.equal(c.kind === "unknown" && c.reason, "no-key-ids");
        assert.match(describeUsage(c), /run `pulumi up` with this version/);
    });

    it("refuses an idle window under an hour", () => {
        assert.throws(() => classify(record([]), { now: NOW, idleHours: 0 }), /idleHours 0 must be at least 1/);
    });

    it("validates a saved record, naming the key", () => {
        assert.ok(usageRecordSchema.safeParse(record([used(N, READ_AT)])).success);
        const bad = usageRecordSchema.safeParse({ ...record([]), readAt: "today" });
        assert.equal(bad.success, false);
        assert.deepEqual(bad.error?.issues.map((i) => i.path.join(".")), ["readAt"]);
        assert.equal(usageRecordSchema.safeParse({ ...record([]), report: { available: false, reason: "verification-masked", message: "x" } }).success, false);
    });
});
