// The verification's own sign-in hides the connector's use of the newest secret inside a window: from the
// verification's start (its recorded duration, or an hour, verifyTimeoutSeconds' upper bound, when none is
// recorded) to its end, each widened by two minutes of clock skew. Each edge of that window is a test.
import assert from "node:assert/strict";
import { classifySecretUsage, type UsageRecord } from "../../verifier/secretUsage";

const NEWEST = "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47";
const VERIFIED_AT = Date.parse("2026-11-27T03:20:11.000Z");
const READ_AT = "2026-11-27T06:00:00.000Z";
const MINUTE = 60_000;

function kindWhenNewestUsedAt(usedAt: number, elapsedMs?: number): string {
    const record: UsageRecord = {
        readAt: READ_AT, currentSecretKeyId: NEWEST, previousSecretKeyId: null, previousSecretExpiresAt: null,
        verification: { verifiedAt: new Date(VERIFIED_AT).toISOString(), ...(elapsedMs === undefined ? {} : { elapsedMs }) },
        report: { available: true, credentials: [{ keyId: NEWEST, lastUsedAt: new Date(usedAt).toISOString(), expiresAt: null }] },
    };
    const c = classifySecretUsage(record, { now: new Date(READ_AT), idleHours: 12 });
    return c.kind === "unknown" ? `unknown (${c.reason})` : c.kind;
}

describe("the verification's window in the credential activity report, at its edges", () => {
    it("counts a use two minutes after the verification ended as the verification's own", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT + 2 * MINUTE), "unknown (verification-masked)");
    });

    it("counts a use one second later as the connector's", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT + 2 * MINUTE + 1000), "switched");
    });

    it("counts a use two minutes before a recorded 10-second verification began as the verification's own", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT - 10_000 - 2 * MINUTE, 10_000), "unknown (verification-masked)");
    });

    it("counts a use one second earlier than that as the connector's", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT - 10_000 - 2 * MINUTE - 1000, 10_000), "switched");
    });

    it("takes an unrecorded duration as the longest a verification may run, one hour: a use an hour and two minutes before is masked", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT - 60 * MINUTE - 2 * MINUTE), "unknown (verification-masked)");
    });

    it("counts a use one second before that unrecorded hour and two minutes as the connector's", () => {
        assert.equal(kindWhenNewestUsedAt(VERIFIED_AT - 60 * MINUTE - 2 * MINUTE - 1000), "switched");
    });
});
