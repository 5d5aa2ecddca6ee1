import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AZUREAD_TYPES, azureInvokeHandlers, azureResourceHandlers, BASE_CONFIG, MockTenant, tenantMocks } from "../support/tenantMocks";
import { installMocks, RecordingMocks, settled, valueOf } from "../support/pulumiHarness";
import type { Handoff } from "../../handoff/types";
import type { VerificationReport, VerifyOptions } from "../../verifier/index";
import { REMEDIES } from "../../verifier/index";
import { VerificationFailedError } from "../../stack/postDeployVerification";

function report(overrides: Partial<VerificationReport> = {}): VerificationReport {
    return {
        ok: true, code: "ok", message: "verified", remedy: REMEDIES.ok, transient: false, gaveUp: false,
        grantedScopes: ["Presence.Read.All", "User.Read"], availability: "Available", activity: "Available",
        serviceUserObjectId: "u-1", attempts: { clientCredentials: 1, password: 1, graph: 2 }, elapsedMs: 1234,
        verifiedAt: "2026-11-27T10:00:05.000Z", ...overrides,
    };
}

async function run(config: Record<string, string>, result: VerificationReport, preview = false) {
    const calls: { handoff: Handoff; options: VerifyOptions }[] = [];
    const mocks = tenantMocks();
    await installMocks(mocks, { config: { ...BASE_CONFIG, verify: "true", ...config }, preview });
    const { main } = await import("../../stack/main");
    const outputs = await main({
        now: new Date("2026-11-27T10:00:00Z"),
        verify: async (handoff, options) => { calls.push({ handoff, options }); return result; },
    });
    return { calls, outputs, mocks };
}

describe("the post-deploy verification inside pulumi up", () => {
    it("signs in with the five handoff values once the resources exist, and exports the summary without secrets", async () => {
        const { calls, outputs, mocks } = await run({ verifyAgents: '["agent@contoso.com"]', verifyTimeoutSeconds: "120" }, report());
        const summary = await valueOf(outputs.verification);
        assert.equal(calls.length, 1);
        const handoff = await valueOf(outputs.handoff);
        assert.deepEqual(calls[0].handoff, handoff);
        assert.equal(calls[0].options.authorityHost, "https://login.microsoftonline.com");
        assert.equal(calls[0].options.graphEndpoint, "https://graph.microsoft.com");
        assert.deepEqual(calls[0].options.expectedScopes, ["User.Read", "Presence.Read.All"]);
        assert.deepEqual(calls[0].options.agents, ["agent@contoso.com"]);
        assert.equal(calls[0].options.timeoutSeconds, 120);
        assert.deepEqual(summary, {
            status: "verified", verifiedAt: "2026-11-27T10:00:05.000Z", grantedScopes: ["Presence.Read.All", "User.Read"],
            availability: "Available", activity: "Available", attempts: { clientCredentials: 1, password: 1, graph: 2 }, elapsedMs: 1234,
        });
        assert.notEqual(await pulumi.isSecret(outputs.verification), true);
        // Every resource the sign-in depends on was registered before the verifier ran.
        for (const type of ["ApplicationOwner", "ServicePrincipalDelegatedPermissionGrant", "ApplicationPassword", "User"]) {
            assert.ok(mocks.resources.some((r) => r.type.endsWith(`:${type}`)), type);
        }
    });

    it("exports how Graph answered for the service user and the note when it has no Teams presence, as a verified run", async () => {
        const note = "The service user has no Teams presence (Microsoft Graph answered HTTP 404 for it) — expected without a Teams licence; agents need one.";
        const { outputs } = await run({}, report({ availability: undefined, activity: undefined, serviceUserPresence: "notFound", notes: [note] }));
        const summary = await valueOf(outputs.verification);
        assert.equal(summary.status, "verified");
        assert.equal(summary.serviceUserPresence, "notFound");
        assert.deepEqual(summary.notes, [note]);
        assert.equal(summary.availability, undefined);
    });

    it("uses the chosen cloud's hosts, and explicit overrides over them", async () => {
        const gov = await run({ cloud: "usgovernment" }, report());
        await valueOf(gov.outputs.verification);
        assert.equal(gov.calls[0].options.authorityHost, "https://login.microsoftonline.us");
        assert.equal(gov.calls[0].options.graphEndpoint, "https://graph.microsoft.us");
        const local = await run({ authorityHost: "http://127.0.0.1:9999", graphEndpoint: "http://127.0.0.1:9999/" }, report());
        await valueOf(local.outputs.verification);
        assert.equal(local.calls[0].options.authorityHost, "http://127.0.0.1:9999");
        assert.equal(local.calls[0].options.graphEndpoint, "http://127.0.0.1:9999");
    });

    it("does not sign in during preview", async () => {
        const { calls, outputs } = await run({}, report(), true);
        assert.deepEqual(await valueOf(outputs.verification), { status: "skipped", reason: "preview: verification runs during pulumi up" });
        assert.equal(calls.length, 0);
    });

    it("does not sign in when verify is false", async () => {
        const { calls, outputs } = await run({ verify: "false" }, report());
        assert.deepEqual(await valueOf(outputs.verification), { status: "disabled", reason: "verify is false" });
        assert.equal(calls.length, 0);
    });

    it("fails the update with the diagnosis and remedy when verification fails, without any secret", async () => {
        const failed = report({ ok: false, code: "mfa_required", aadsts: 50076, message: "The service user must complete MFA.", remedy: REMEDIES.mfa_required, grantedScopes: [] });
        const { outputs } = await run({}, failed);
        const handoff = await valueOf(outputs.handoff);
        // The stack output rejects, which fails `pulumi up`.
        const error = await settled(outputs.verification).then(() => new Error("verification did not fail"), (e: Error) => e);
        assert.equal(error.name, "VerificationFailedError");
        assert.match(error.message, /code: mfa_required \(AADSTS50076\)/);
        assert.ok(error.message.includes(REMEDIES.mfa_required));
        for (const secret of [handoff.secretValue, handoff.userPassword]) assert.ok(!error.message.includes(secret));
    });
});

describe("what pulumi up prints when the post-deploy verification fails", () => {
    const closing = "The resources exist; fix the cause and run `pulumi up` again, or check later with `npm run verify -- --stack <stack>`.";

    it("names the AADSTS code, and says the failure outlasted the retries when the verification gave up", () => {
        const error = new VerificationFailedError(report({
            ok: false, code: "user_not_found", aadsts: 50034, gaveUp: true, message: "The service user does not exist yet.", remedy: "Wait for replication.",
        }));
        assert.equal(error.message, [
            "Post-deploy verification failed: the jtel connector could not sign in and read presence with the handoff values.",
            "  code: user_not_found (AADSTS50034), still failing when the verification gave up",
            "  what happened: The service user does not exist yet.",
            "  what to do: Wait for replication.",
            closing,
        ].join("\n"));
    });

    it("shows only the diagnosis code when Entra ID gave no AADSTS code and the first answer was final", () => {
        const error = new VerificationFailedError(report({
            ok: false, code: "presence_forbidden", gaveUp: false, message: "Graph answered 403 for presence.", remedy: "Grant admin consent.",
        }));
        assert.equal(error.message, [
            "Post-deploy verification failed: the jtel connector could not sign in and read presence with the handoff values.",
            "  code: presence_forbidden",
            "  what happened: Graph answered 403 for presence.",
            "  what to do: Grant admin consent.",
            closing,
        ].join("\n"));
    });

    it("shows the verifier's progress in the pulumi up log, marked as the verification's", async () => {
        const logged: string[] = [];
        const info = pulumi.log.info;
        pulumi.log.info = (message: string) => { logged.push(message); return Promise.resolve(); };
        try {
            const mocks = tenantMocks();
            await installMocks(mocks, { config: { ...BASE_CONFIG, verify: "true" } });
            const { main } = await import("../../stack/main");
            const outputs = await main({
                now: new Date("2026-11-27T10:00:00Z"),
                verify: async (_handoff, options) => { options.onProgress?.("password sign-in succeeded"); return report(); },
            });
            await valueOf(outputs.verification);
        } finally {
            pulumi.log.info = info;
        }
        assert.deepEqual(logged.filter((line) => line.startsWith("verify")), ["verify: password sign-in succeeded"]);
    });
});

/** A promise the test resolves by hand: the tenant answers a registration only when released. */
function gate() {
    let release!: () => void;
    const opened = new Promise<void>((resolve) => { release = resolve; });
    return { opened, release };
}

describe("the post-deploy verification waits for what the sign-in depends on", () => {
    const T = AZUREAD_TYPES;
    // Without the owner link Graph may refuse the connector's app, without the grant the sign-in is AADSTS65001
    // (consent missing), without the secret 7000215; each early attempt spends one of the five password attempts.
    const held: { what: string; type: string; config: Record<string, string> }[] = [
        { what: "the delegated grant (admin consent)", type: T.grant, config: {} },
        { what: "the owner link", type: T.owner, config: {} },
        { what: "the client secret", type: T.password, config: {} },
        { what: "an application permission's app role assignment", type: T.role, config: { applicationPermissions: '["Presence.Read.All"]' } },
    ];

    for (const { what, type, config } of held) {
        it(`signs in only after ${what} exists`, async () => {
            const events: string[] = [];
            const hold = gate();
            const tenant = new MockTenant({ now: new Date("2026-11-27T10:00:00Z") });
            const handlers = azureResourceHandlers(tenant);
            const mocks = new RecordingMocks(azureInvokeHandlers(), {
                ...handlers,
                [type]: async (args) => {
                    await hold.opened;
                    const created = await handlers[type](args);
                    events.push(`created ${args.name}`);
                    return created;
                },
            });
            await installMocks(mocks, { config: { ...BASE_CONFIG, verify: "true", ...config } });
            const { main } = await import("../../stack/main");
            const outputs = await main({
                now: new Date("2026-11-27T10:00:00Z"),
                verify: async () => { events.push("sign-in"); return report(); },
            });
            // Wait until everything else exists in the tenant: only the held resource is missing.
            const others = [T.app, T.sp, T.access, T.user, T.random, T.owner, T.grant, T.password, ...(config.applicationPermissions ? [T.role] : [])]
                .filter((t) => t !== type);
            const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
            for (let i = 0; i < 1000 && !others.every((t) => mocks.byType(t).length > 0); i++) await tick();
            assert.deepEqual(others.filter((t) => mocks.byType(t).length === 0), [], "resources the test did not hold back never registered");
            for (let i = 0; i < 20; i++) await tick();
            assert.equal(mocks.byType(type).length, 0, `${type} was registered before the test released it`);
            assert.equal(events.join(", "), "", `the verifier signed in before ${what} existed`);

            hold.release();
            assert.equal((await valueOf(outputs.verification)).status, "verified");
            assert.equal(events.filter((e) => e === "sign-in").length, 1);
            assert.equal(events.at(-1), "sign-in", `signed in before ${what} existed: ${events.join(", ")}`);
            assert.ok(events.some((e) => e.startsWith("created ")), events.join(", "));
        });
    }
});
