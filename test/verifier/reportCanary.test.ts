// The verification as a canary, end to end through the emulator: a real verification (client-credentials check,
// then the connector's ROPC sign-in) exports its password sign-in's time and the request IDs; the stack output is
// read the way `npm run status` and `npm run handoff` read it (cli/secretUsage.ts), the credential activity report
// is read as the deployer, and the classification says whether the report's silence means anything. The emulator
// plays the three ways the report can treat those sign-ins: recorded at once, recorded late, never recorded.
import assert from "node:assert/strict";
import { pickUsageOutputs, readUsageRecord } from "../../cli/secretUsage";
import { addReportReader, type Handoff } from "../../emulator/index";
import { summarize } from "../../stack/postDeployVerification";
import { JUST_PROVISIONED, verifyPresenceAccess, type VerificationReport } from "../../verifier/index";
import { CANARY_GRACE_HOURS, classifySecretUsage, type Classification } from "../../verifier/secretUsage";
import { postToken, ropcForm } from "../emulator/support";
import { startTenant, type Tenant } from "./support";

const HOUR = 3_600_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("the verification as a canary for the credential activity report (emulator)", () => {
    let tenant: Tenant;
    let handoff: Handoff;
    let keyId: string;
    let verification: VerificationReport;

    beforeEach(async () => {
        tenant = await startTenant();
        const seed = tenant.emulator.directory.seedPresenceSetup();
        handoff = seed.handoff;
        keyId = tenant.emulator.directory.applications().find((a) => a.id === seed.applicationObjectId)!.passwordCredentials[0].keyId;
    });
    afterEach(() => tenant.emulator.close());

    async function verify(): Promise<void> {
        verification = await verifyPresenceAccess(handoff, tenant.options());
        assert.equal(verification.ok, true, verification.message);
    }

    /** What `npm run status` decides `hours` after the verification, from the stack's outputs and the report. */
    async function statusAfter(hours: number): Promise<Classification> {
        tenant.time.ms = Date.parse(verification.verifiedAt) + hours * HOUR;
        const outputs = pickUsageOutputs(JSON.parse(JSON.stringify({
            directoryTenantId: tenant.emulator.tenantId, applicationClientId: handoff.applicationClientId, cloud: "public",
            currentSecretKeyId: keyId, previousSecretKeyId: null, previousSecretExpiresAt: null, verification: summarize(verification),
        })));
        const record = await readUsageRecord(outputs, { credential: () => addReportReader(tenant.emulator).credential, graphEndpoint: tenant.emulator.url, now: tenant.time.date });
        assert.ok(record);
        return classifySecretUsage(record, { now: tenant.time.date(), idleHours: 12 });
    }

    async function connectorSignsInAfter(hours: number): Promise<void> {
        tenant.time.ms = Date.parse(verification.verifiedAt) + hours * HOUR;
        assert.equal((await postToken(tenant.emulator, ropcForm(handoff))).status, 200);
    }

    const reason = (c: Classification) => (c.kind === "unknown" ? c.reason : c.kind);

    it("exports the password sign-in's time and both sign-ins' request IDs, as the token endpoint gave them", async () => {
        await verify();
        const signInSent = tenant.emulator.requests.find((r) => r.grantType === "password")!.at.toISOString();
        assert.equal(verification.passwordSignInAt, signInSent);
        assert.match(verification.passwordSignInRequestId ?? "", GUID);
        assert.match(verification.clientCredentialsRequestId ?? "", GUID);
        assert.notEqual(verification.passwordSignInRequestId, verification.clientCredentialsRequestId);
        const summary = summarize(verification);
        assert.deepEqual([summary.passwordSignInAt, summary.passwordSignInRequestId, summary.clientCredentialsRequestId],
            [verification.passwordSignInAt, verification.passwordSignInRequestId, verification.clientCredentialsRequestId]);
    });

    it("recording normally: the report shows the verification's sign-in, so silence is idle and a connector's use is switched", async () => {
        await verify();
        assert.equal(reason(await statusAfter(CANARY_GRACE_HOURS + 1)), "idle");
        await connectorSignsInAfter(CANARY_GRACE_HOURS + 2);
        assert.equal(reason(await statusAfter(CANARY_GRACE_HOURS + 3)), "switched");
    });

    it(`ROPC sign-ins never recorded: unknown (not-recording) ${CANARY_GRACE_HOURS} hours after the verification, never idle, though its client-credentials check is recorded`, async () => {
        tenant.emulator.faults.reportSkipsPasswordSignIns = true;
        await verify();
        await connectorSignsInAfter(2);
        assert.equal(reason(await statusAfter(3)), "verification-masked", "within the grace, as before");
        assert.equal(reason(await statusAfter(13)), "not-recorded-yet");
        const late = await statusAfter(CANARY_GRACE_HOURS + 1);
        assert.equal(reason(late), "not-recording");
        assert.match(late.kind === "unknown" ? late.message : "", /only the verification's client-credentials check/);
    });

    it("recording delayed, right after an adoption: not-recorded-yet (not malformed) while the report lists only the hand-made secret, then not-switched", async () => {
        tenant.emulator.faults.reportDelayMs = 6 * HOUR;
        // The connector signs in with the secret made by hand; a day later `pulumi up` adopts the setup, adds the
        // stack's own secret and verifies with it, and the connector keeps the hand-made one.
        const handMade = keyId;
        tenant.time.ms += 24 * HOUR;
        assert.equal((await postToken(tenant.emulator, ropcForm(handoff))).status, 200);
        const app = tenant.emulator.directory.applications().find((a) => a.appId === handoff.applicationClientId)!;
        const managed = tenant.emulator.directory.addPassword(app.id, { displayName: "jtel-presence-secret-b" });
        const connectorHandoff = handoff;
        handoff = { ...handoff, secretValue: managed.secretText };
        keyId = managed.keyId;
        verification = await verifyPresenceAccess(handoff, tenant.options({ changedAt: JUST_PROVISIONED }));
        assert.equal(verification.ok, true, verification.message);
        handoff = connectorHandoff;
        await connectorSignsInAfter(1);
        const lagging = await statusAfter(3);
        assert.equal(reason(lagging), "not-recorded-yet", "the report does not list the new secret yet: not a shape this reader misplaces");
        const caughtUp = await statusAfter(8);
        assert.equal(reason(caughtUp), "not-switched");
        assert.deepEqual(caughtUp.kind === "not-switched" ? [caughtUp.keyId, caughtUp.slot] : [], [handMade, "other"]);
    });

    it("recording delayed: not-recorded-yet while the report lags, then the right classification, never not-recording", async () => {
        tenant.emulator.faults.reportDelayMs = 6 * HOUR;
        await verify();
        assert.equal(reason(await statusAfter(3)), "not-recorded-yet", "not idle: the report does not show a sign-in that happened");
        await connectorSignsInAfter(4);
        assert.equal(reason(await statusAfter(11)), "switched");
        assert.equal(reason(await statusAfter(CANARY_GRACE_HOURS + 6)), "idle", "a connector silent for 12 hours after the report caught up");
    });
});
