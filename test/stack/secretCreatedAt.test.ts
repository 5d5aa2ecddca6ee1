// The program knows when its newest client secret was created: the ApplicationPassword's start date, which the
// azuread provider reads back from Graph's startDateTime after creating it (terraform-provider-azuread v3.8.0,
// internal/services/applications/application_password_resource.go: `start_date` is Optional+Computed, Read sets it
// from credential.StartDateTime; the program sends none, so Graph's default, the creation time, is what is stored).
// The post-deploy verification and `npm run verify --stack` use it to tell replication delay from a wrong value.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { VerificationReport, VerifyOptions } from "../../verifier/index";
import { JUST_PROVISIONED, REMEDIES } from "../../verifier/index";
import { diagnoseTokenError } from "../../verifier/diagnosis";
import { retryUntilSettled, UNEXPLAINED_TRIES } from "../../verifier/retry";
import { changedAtFor } from "../../stack/postDeployVerification";
import { BASE_CONFIG, deployAt, MockTenant, tenantMocks } from "../support/tenantMocks";
import { installMocks, valueOf } from "../support/pulumiHarness";

const NOW = new Date("2026-11-27T10:00:00Z");

const verified: VerificationReport = {
    ok: true, code: "ok", message: "verified", remedy: REMEDIES.ok, transient: false, gaveUp: false, grantedScopes: [],
    attempts: { clientCredentials: 1, password: 1, graph: 1 }, elapsedMs: 1, verifiedAt: "2026-11-27T10:00:05.000Z",
};

describe("the newest client secret's creation time", () => {
    it("is exported as currentSecretCreatedAt, in clear, as the provider read it back", async () => {
        await installMocks(tenantMocks({ now: NOW }), { config: BASE_CONFIG });
        const { main } = await import("../../stack/main");
        const outputs = await main({ now: NOW });
        assert.equal(await valueOf(outputs.currentSecretCreatedAt), "2026-11-27T10:00:00Z");
        assert.notEqual(await pulumi.isSecret(outputs.currentSecretCreatedAt), true);
    });

    it("reaches the post-deploy verification as the secret's time, with the app and user counted as just provisioned", async () => {
        const calls: VerifyOptions[] = [];
        await installMocks(tenantMocks({ now: NOW }), { config: { ...BASE_CONFIG, verify: "true" } });
        const { main } = await import("../../stack/main");
        const outputs = await main({ now: NOW, verify: async (_handoff, options) => { calls.push(options); return verified; } });
        await valueOf(outputs.verification);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].changedAt, { secret: Date.parse("2026-11-27T10:00:00Z"), app: "now", user: "now" });
    });

    it("counts as just created inside `pulumi up` when the provider read back no start date, as the app and user do", async () => {
        const calls: VerifyOptions[] = [];
        // Without a clock the tenant model stores no startDate, as when the provider could not read one back.
        await installMocks(tenantMocks(), { config: { ...BASE_CONFIG, verify: "true" } });
        const { main } = await import("../../stack/main");
        const outputs = await main({ now: NOW, verify: async (_handoff, options) => { calls.push(options); return verified; } });
        await valueOf(outputs.verification);
        assert.equal(await valueOf(outputs.currentSecretCreatedAt), null);
        assert.deepEqual(calls.map((c) => c.changedAt), [{ secret: "now", app: "now", user: "now" }]);
        for (const unread of [null, undefined, "", "not a date"]) assert.deepEqual(changedAtFor(unread), JUST_PROVISIONED, String(unread));
    });

    it("keeps retrying an invalid secret inside `pulumi up` when its start date is unknown, as replication can explain it", async () => {
        let tries = 0;
        let t = 1_000_000;
        const settled = await retryUntilSettled({ label: "Client credentials check", baseMs: 500 }, {
            now: () => t, sleep: async (ms) => { t += ms; }, random: () => 0.5, deadlineMs: t + 60_000, capMs: 10_000,
            progress: () => undefined, startedMs: t, changedAt: changedAtFor(null),
        }, async () => {
            tries++;
            return { ok: false, diagnosis: diagnoseTokenError("Client credentials check", 401, { error: "invalid_client", error_codes: [7000215] }) };
        });
        assert.ok(!settled.ok);
        assert.ok(tries > UNEXPLAINED_TRIES, `${tries} tries`);
        assert.equal(settled.gaveUp, true, "retried until the timeout, not stopped as a wrong value");
    });

    it("stays the first secret's on a redeploy a day later, which plans nothing", async () => {
        const tenant = new MockTenant();
        const first = await deployAt(tenant, [], BASE_CONFIG, NOW);
        const again = await deployAt(tenant, first.state, BASE_CONFIG, new Date(NOW.getTime() + 86_400_000));
        assert.deepEqual(again.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`), []);
        assert.equal(first.outputs.currentSecretCreatedAt, "2026-11-27T10:00:00Z");
        assert.equal(again.outputs.currentSecretCreatedAt, "2026-11-27T10:00:00Z");
    });
});

describe("currentSecretCreatedAt in the handoff outputs", () => {
    it("is read as an ISO 8601 date-time, may be absent or null on older stacks, and is refused by name otherwise", async () => {
        const { parseHandoffOutputs, secretCreatedAtOf, HandoffOutputsError } = await import("../../handoff/index");
        assert.equal(secretCreatedAtOf({ currentSecretCreatedAt: "2026-11-27T10:00:00Z" }, "--stack c"), Date.parse("2026-11-27T10:00:00Z"));
        assert.equal(secretCreatedAtOf({ currentSecretCreatedAt: "2026-11-27T10:00:00.1234567Z" }, "--stack c"), Date.parse("2026-11-27T10:00:00.123Z"));
        assert.equal(secretCreatedAtOf({}, "--stack c"), undefined);
        assert.equal(secretCreatedAtOf({ currentSecretCreatedAt: null }, "--stack c"), undefined);
        assert.throws(() => secretCreatedAtOf({ currentSecretCreatedAt: 5 }, "--stack c"), (e: Error) => e instanceof HandoffOutputsError && e.message.startsWith("--stack c output currentSecretCreatedAt must be null or the newest client secret's creation time"));
        const handoff = { applicationClientId: "0f1e2d3c-4b5a-6978-8a9b-acbdcedff002", directoryTenantId: "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", secretValue: "Abc8Q~a-secret-value-that-is-long-enough", userEmail: "jtel-presence@contoso.com", userPassword: "Pw-123456789!" };
        const outputs = { handoff, secretExpiresAt: "2027-05-26T00:00:00Z", nextRotationAt: "2027-01-01T00:00:00Z", previousSecretExpiresAt: null };
        assert.equal(parseHandoffOutputs({ ...outputs, currentSecretCreatedAt: "2026-11-27T10:00:00Z" }, "--outputs o.json", "NEXT", NOW).currentSecretCreatedAt, "2026-11-27T10:00:00Z");
        assert.throws(() => parseHandoffOutputs({ ...outputs, currentSecretCreatedAt: "soon" }, "--outputs o.json", "NEXT", NOW), /--outputs o\.json output currentSecretCreatedAt "soon" must be null or the newest client secret's creation time as an ISO 8601 date-time/);
    });
});
