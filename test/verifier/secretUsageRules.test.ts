// Which client secret the connector uses: the boundaries and the exact words a tenant admin reads. Same scene as
// secretUsage.test.ts: newest secret N, previous secret P (valid until 2027-01-19), the `pulumi up` verified at
// 03:20:11 on 2026-11-27 taking 2.314 s (its window: 03:18:08.686 to 03:22:11, two minutes' slack each side).
import assert from "node:assert/strict";
import { classifySecretUsage, describeUsage, usageCell, type Classification, type CredentialActivity, type UsageRecord } from "../../verifier/secretUsage";

const N = "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47";
const P = "a8e5d1c3-0b7f-4e29-8d64-5f3a2b1c0e98";
const HANDMADE = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f";
const READ_AT = "2026-11-27T06:00:00.000Z";
const NOW = new Date("2026-11-27T06:30:00Z");
const OPTIONS = { now: NOW, idleHours: 12 };
const WINDOW_START = "2026-11-27T03:18:08.686Z";
const WINDOW_END = "2026-11-27T03:22:11.000Z";

function record(credentials: CredentialActivity[], extra: Partial<UsageRecord> = {}): UsageRecord {
    return {
        readAt: READ_AT,
        currentSecretKeyId: N,
        previousSecretKeyId: P,
        previousSecretExpiresAt: "2027-01-19T00:00:00.000Z",
        verification: { verifiedAt: "2026-11-27T03:20:11.000Z", elapsedMs: 2_314 },
        report: { available: true, credentials },
        ...extra,
    };
}
const used = (keyId: string, lastUsedAt: string | null, expiresAt: string | null = null): CredentialActivity => ({ keyId, lastUsedAt, expiresAt });
const classify = (r: UsageRecord, options = OPTIONS): Classification => classifySecretUsage(r, options);
const kind = (c: Classification): string => (c.kind === "unknown" ? `unknown ${c.reason}` : c.kind);

describe("which client secret the connector uses: boundaries and the admin's words", () => {
    it("refuses a record whose readAt is not a date-time, quoting it", () => {
        assert.throws(() => classify(record([used(N, READ_AT)], { readAt: "today" })), { name: "RangeError", message: 'readAt "today" is not a date-time' });
    });

    it("names the non-newest secret the connector used last, whatever the report's order", () => {
        const earlier = used(P, "2026-11-27T05:00:00.000Z");
        const later = used(HANDMADE, "2026-11-27T05:30:00.000Z", "2027-03-01T00:00:00Z");
        for (const credentials of [[earlier, later], [later, earlier]]) {
            const c = classify(record(credentials, { verification: null }));
            assert.equal(c.kind === "not-switched" && `${c.keyId} ${c.lastUsedAt}`, `${HANDMADE} 2026-11-27T05:30:00.000Z`);
        }
    });

    it("names the first-listed of two non-newest secrets last used at the same moment", () => {
        const c = classify(record([used(P, "2026-11-27T05:30:00.000Z"), used(HANDMADE, "2026-11-27T05:30:00.000Z")], { verification: null }));
        assert.equal(c.kind === "not-switched" && c.slot, "previous");
    });

    it("counts a newest-secret sign-in exactly at either edge of the verification's window as the verification's", () => {
        for (const edge of [WINDOW_START, WINDOW_END]) {
            assert.equal(kind(classify(record([used(N, edge)], { readAt: "2026-11-27T03:30:00.000Z" }))), "unknown verification-masked", edge);
        }
    });

    it("is not-switched when the newest secret was never used and the previous one was used before the verification", () => {
        const c = classify(record([used(N, null), used(P, "2026-11-27T01:00:00.000Z")]));
        assert.equal(kind(c), "not-switched");
    });

    it("is switched when the newest and the previous secret were last used at the same moment", () => {
        assert.equal(kind(classify(record([used(N, "2026-11-27T05:00:00.000Z"), used(P, "2026-11-27T05:00:00.000Z")]))), "switched");
    });

    it("is idle only after more than idleHours of silence: a use exactly idleHours ago still counts", () => {
        const exactly = "2026-11-26T18:00:00.000Z";
        assert.equal(kind(classify(record([used(P, exactly)], { verification: null }))), "not-switched");
        assert.equal(kind(classify(record([used(N, exactly)], { verification: null }))), "switched");
    });

    it("is idle exactly idleHours after the verification's window when nothing else signed in", () => {
        const c = classify(record([used(N, "2026-11-27T03:20:10.000Z")], { readAt: "2026-11-27T15:22:11.000Z" }));
        assert.deepEqual(c, { kind: "idle", lastUsedAt: null, silentSince: WINDOW_END });
        assert.equal(usageCell(c), "idle since 2026-11-27");
    });

    it("is idle (never used), not masked, when no secret has any sign-in although a verification ran", () => {
        const c = classify(record([used(N, null), used(P, null)]));
        assert.deepEqual(c, { kind: "idle", lastUsedAt: null, silentSince: null });
        assert.equal(describeUsage(c),
            "No sign-in with any of the app's client secrets is recorded: the jtel connector has not used this app yet. Is it configured with the handoff values?");
    });

    it("tells the admin to hand over the newest secret before an old secret of unknown expiry expires", () => {
        const c = classify(record([used(N, null), used(HANDMADE, "2026-11-27T05:00:00.000Z")]));
        assert.equal(usageCell(c), "not-switched");
        assert.equal(describeUsage(c),
            `The connector still signs in with a client secret this stack does not manage (key ID ${HANDMADE}; last sign-in 2026-11-27 05:00 UTC). ` +
            "Hand the newest Secret Value to the jtel contact (`npm run handoff`, or the Key Vault) and have the connector updated before it expires.");
    });

    it("on the previous secret's last day (0 days left), asks for the switch before it expires rather than calling it expired", () => {
        const c = classify(record([used(N, null), used(P, "2026-11-27T05:00:00.000Z", "2026-11-27T20:00:00Z")]));
        assert.equal(c.kind === "not-switched" && c.daysLeft, 0);
        assert.equal(usageCell(c), "not-switched (0 days left)");
        assert.equal(describeUsage(c),
            `The connector still signs in with the previous client secret (key ID ${P}; last sign-in 2026-11-27 05:00 UTC). ` +
            "Hand the newest Secret Value to the jtel contact (`npm run handoff`, or the Key Vault) and have the connector updated before 2026-11-27 (0 days left), when it stops working.");
    });
});
