// The verification output's fields, carried from the stack's outputs into the usage record that `npm run status`
// judges (and saves with --save), and the agent summary a person reads after `npm run verify --agents`.
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/identity";
import { pickUsageOutputs, readUsageRecord } from "../../cli/secretUsage";
import { classifySecretUsage, type Classification, type UsageRecord } from "../../verifier/secretUsage";
import { describeAgents } from "../../verifier/verify";

const HOUR = 3_600_000;
const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "66666666-7777-4888-8999-aaaaaaaaaaaa";
const KEY = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff";
const PASSWORD_REQUEST = "0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e";
const CLIENT_REQUEST = "5f5f5f5f-6a6a-4b7b-8c8c-9d9d9d9d9d9d";
const VERIFIED_AT = "2026-11-02T10:00:00.000Z";

/** A deployer credential that yields no token: the report is then unknown, and no request leaves the machine. */
const noToken: TokenCredential = { getToken: () => Promise.resolve(null) };

async function recordFor(verification: Record<string, unknown>): Promise<UsageRecord> {
    const outputs = pickUsageOutputs(JSON.parse(JSON.stringify({
        directoryTenantId: TENANT, applicationClientId: APP, cloud: "public",
        currentSecretKeyId: KEY, previousSecretKeyId: null, previousSecretExpiresAt: null, verification,
    })));
    const record = await readUsageRecord(outputs, { credential: () => noToken, now: () => new Date(Date.parse(VERIFIED_AT) + HOUR) });
    assert.ok(record);
    return record;
}

/** The classification of the record against a report that lists the newest secret with this last use. */
function judged(record: UsageRecord, lastUsedAt: string, requestIds: string[], readAt: number): Classification {
    return classifySecretUsage(
        { ...record, readAt: new Date(readAt).toISOString(), report: { available: true, credentials: [{ keyId: KEY, lastUsedAt, expiresAt: null, requestIds }] } },
        { now: new Date(readAt), idleHours: 12 },
    );
}

describe("the verification output's fields in the credential activity record", () => {
    it("keeps the verification's duration and both sign-ins' request IDs in the record npm run status saves", async () => {
        const verification = {
            verifiedAt: VERIFIED_AT, elapsedMs: 12_345, passwordSignInAt: "2026-11-02T09:59:55.000Z",
            passwordSignInRequestId: PASSWORD_REQUEST, clientCredentialsRequestId: CLIENT_REQUEST,
        };
        const saved = JSON.parse(JSON.stringify(await recordFor(verification))) as UsageRecord;
        assert.deepEqual(saved.verification, verification);
    });

    it("leaves out the fields an older verification output does not carry", async () => {
        const saved = JSON.parse(JSON.stringify(await recordFor({ verifiedAt: VERIFIED_AT }))) as UsageRecord;
        assert.deepEqual(saved.verification, { verifiedAt: VERIFIED_AT });
    });

    it("counts the connector's use of the newest secret half an hour before a 12-second verification ended as the connector's, not the verification's", async () => {
        const record = await recordFor({ verifiedAt: VERIFIED_AT, elapsedMs: 12_000 });
        const used = new Date(Date.parse(VERIFIED_AT) - HOUR / 2).toISOString();
        const c = judged(record, used, [], Date.parse(VERIFIED_AT) + HOUR);
        assert.deepEqual(c, { kind: "switched", keyId: KEY, lastUsedAt: used });
    });

    it("takes the report listing the verification's password sign-in by its request ID as recorded, though that sign-in came seconds after its client-credentials check", async () => {
        const signInAt = "2026-11-02T09:59:55.000Z";
        const record = await recordFor({
            verifiedAt: VERIFIED_AT, elapsedMs: 12_000, passwordSignInAt: signInAt,
            passwordSignInRequestId: PASSWORD_REQUEST, clientCredentialsRequestId: CLIENT_REQUEST,
        });
        // A day later, with no use since the verification: the report records the connector's kind of sign-in and
        // the connector is silent (idle), not "not-recording".
        const c = judged(record, signInAt, [CLIENT_REQUEST, PASSWORD_REQUEST.toUpperCase()], Date.parse(VERIFIED_AT) + 24 * HOUR);
        assert.equal(c.kind, "idle", JSON.stringify(c));
    });
});

describe("the agent summary a person reads", () => {
    it("names every agent it lists, separated by commas, in each group: unresolved, PresenceUnknown and null answers", () => {
        const text = describeAgents({
            requested: 6, resolved: 4, unresolved: ["ann@contoso.example", "bob@contoso.example"],
            presenceUnknown: ["cid@contoso.example", "dee@contoso.example"], presenceNull: ["eve@contoso.example", "fay@contoso.example"],
            userLookupForbidden: false, availability: { Available: 2, PresenceUnknown: 2 },
        });
        assert.equal(text, "6 requested, 4 resolved, 2 unresolved (ann@contoso.example, bob@contoso.example), " +
            "2 PresenceUnknown, likely without a Teams licence (cid@contoso.example, dee@contoso.example), " +
            "2 answered with a null availability or activity (eve@contoso.example, fay@contoso.example)");
    });
});
