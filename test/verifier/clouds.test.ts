// The clouds table (verifier/clouds.ts) against Microsoft's documentation, and every place a cloud name is accepted.
import { strict as assert } from "node:assert";
import type { TokenCredential } from "@azure/identity";
import { CLOUD_NAMES, CLOUDS, cloudEndpoints, PRESENCE_CLOUD_NAMES, type CloudName } from "../../verifier/clouds";
import { EndpointError, resolveEndpoints } from "../../verifier/endpoints";
import { readCredentialActivity } from "../../verifier/usageReport";
import { ConfigError, parseStackConfig } from "../../stack/config";
import { NewTenantError, validateTenant } from "../../fleet/newTenant";
import { runVerifyCli } from "../../cli/verify";
import { BASE_CONFIG, tenantMocks } from "../support/tenantMocks";
import { installMocks } from "../support/pulumiHarness";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const LEARN_PRESENCE_PAGE = "https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid";

describe("the clouds table", () => {
    // Learn, "Microsoft Graph national cloud deployments" (https://learn.microsoft.com/graph/deployments):
    // "App registration and token service root endpoints" and "Microsoft Graph and Graph Explorer service root
    // endpoints". Both US Government clouds sign in at login.microsoftonline.us; L5 (DOD) reads Graph at dod-graph.
    it("pins each cloud's sign-in and Graph hosts to Learn's national cloud deployments page", () => {
        assert.deepEqual(Object.fromEntries(CLOUD_NAMES.map((name) => [name, cloudEndpoints(name)])), {
            public: { authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com" },
            usgovernment: { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us" },
            usgovernmentdod: { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://dod-graph.microsoft.us" },
            china: { authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn" },
        });
    });

    // Learn, "cloudCommunications: getPresencesByUserId" and "Get presence" (v1.0): global ✅, US Government L4 ✅,
    // L5 (DOD) ✅, China operated by 21Vianet ❌.
    it("has Graph's presence API in the global service and both US Government clouds, not in China (21Vianet)", () => {
        assert.deepEqual(Object.fromEntries(CLOUD_NAMES.map((name) => [name, CLOUDS[name].presence])),
            { public: true, usgovernment: true, usgovernmentdod: true, china: false });
        assert.deepEqual(PRESENCE_CLOUD_NAMES, ["public", "usgovernment", "usgovernmentdod"]);
    });

    // Entra docs, "Protect user accounts from attacks with Microsoft Entra smart lockout": 10 failed attempts in
    // Azure Public and 21Vianet tenants, 3 in Azure US Government tenants.
    it("keeps smart lockout's default thresholds and a password budget below each, at most 2 in US Government", () => {
        assert.deepEqual(Object.fromEntries(CLOUD_NAMES.map((name) => [name, CLOUDS[name].lockoutThreshold])),
            { public: 10, usgovernment: 3, usgovernmentdod: 3, china: 10 });
        for (const name of CLOUD_NAMES) assert.ok(CLOUDS[name].passwordAttempts >= 1 && CLOUDS[name].passwordAttempts < CLOUDS[name].lockoutThreshold, name);
        assert.ok(CLOUDS.usgovernment.passwordAttempts <= 2 && CLOUDS.usgovernmentdod.passwordAttempts <= 2);
    });

    // Learn, "List appCredentialSignInActivities" (beta): global service ✅, US Government L4, L5 (DOD) and China ❌.
    it("has the credential activity report in the global service only", () => {
        assert.deepEqual(Object.fromEntries(CLOUD_NAMES.map((name) => [name, CLOUDS[name].credentialReport])),
            { public: true, usgovernment: false, usgovernmentdod: false, china: false });
    });
});

describe("every place a cloud name is accepted", () => {
    function configProblems(cloud: string): string[] {
        try {
            parseStackConfig({ "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com", cloud });
        } catch (error) {
            assert.ok(error instanceof ConfigError, String(error));
            return error.problems;
        }
        return [];
    }

    it("refuses cloud china in the stack config, naming the reason and Learn's page", () => {
        const [problem, ...rest] = configProblems("china");
        assert.deepEqual(rest, []);
        assert.match(problem, /^cloud "china" \(Microsoft Azure operated by 21Vianet\) cannot be used: Microsoft Graph's presence API is not available there/);
        assert.ok(problem.includes(LEARN_PRESENCE_PAGE), problem);
        assert.match(problem, /use one of public, usgovernment, usgovernmentdod$/);
    });

    it("accepts usgovernmentdod in the stack config and names the allowed clouds for an unknown one", () => {
        assert.deepEqual(configProblems("usgovernmentdod"), []);
        assert.deepEqual(configProblems("germany"), ['cloud "germany" must be one of public, usgovernment, usgovernmentdod']);
    });

    it("refuses cloud china before registering anything, naming Learn's page", async () => {
        const mocks = tenantMocks();
        await installMocks(mocks, { config: { ...BASE_CONFIG, cloud: "china" } });
        const { main } = await import("../../stack/main");
        await assert.rejects(main({ now: new Date("2026-11-27T10:00:00Z") }), (error: Error) => {
            assert.ok(error instanceof ConfigError);
            assert.ok(error.message.includes(LEARN_PRESENCE_PAGE));
            return true;
        });
        assert.deepEqual(mocks.resources, [], "nothing was registered");
        assert.deepEqual(mocks.invokes, [], "not even the tenant guard's look-up ran");
    });

    it("refuses china in the verifier's endpoint choice and resolves usgovernmentdod to the DoD hosts", () => {
        assert.throws(() => resolveEndpoints({ cloud: "china" }), (error: Error) => error instanceof EndpointError && error.message.startsWith('cloud "china" (Microsoft Azure operated by 21Vianet) cannot be used'));
        assert.throws(() => resolveEndpoints({ cloud: "germany" as CloudName }), { message: 'cloud "germany" must be one of public, usgovernment, usgovernmentdod' });
        assert.deepEqual(resolveEndpoints({ cloud: "usgovernmentdod" }), { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://dod-graph.microsoft.us" });
    });

    it("refuses npm run verify --cloud china with exit 2 before reading any handoff, naming the flag and Learn's page", async () => {
        let stderr = "";
        let read = 0;
        const code = await runVerifyCli(["--cloud", "china", "--handoff", "handoff.json"], {
            stdout: () => undefined, stderr: (t) => { stderr += t; }, readStdin: async () => "",
            readFile: async () => { read++; return "{}"; },
            execFile: async () => { throw new Error("no pulumi here"); },
        });
        assert.equal(code, 2);
        assert.match(stderr, /^--cloud "china" \(Microsoft Azure operated by 21Vianet\) cannot be used/);
        assert.ok(stderr.includes(LEARN_PRESENCE_PAGE));
        assert.equal(read, 0);
    });

    it("refuses new-tenant --cloud china, naming the flag, and writes nothing", () => {
        assert.throws(() => validateTenant({ stack: "contoso", tenantId: TENANT, serviceUser: "jtel-presence@contoso.com", config: { cloud: "china" } }), (error: Error) => {
            assert.ok(error instanceof NewTenantError);
            assert.match(error.problems[0], /^--cloud: cloud "china" \(Microsoft Azure operated by 21Vianet\) cannot be used/);
            return true;
        });
        assert.equal(validateTenant({ stack: "contoso", tenantId: TENANT, serviceUser: "jtel-presence@contoso.com", config: { cloud: "usgovernmentdod" } }).config.cloud, "usgovernmentdod");
    });

    it("reads the credential activity report only where the table has it: no request at all in either US Government cloud", async () => {
        let asked = 0;
        const counting: TokenCredential = { getToken: async () => { asked++; return { token: "x", expiresOnTimestamp: 0 }; } };
        for (const cloud of ["usgovernment", "usgovernmentdod"] as const) {
            const report = await readCredentialActivity({ tenantId: TENANT, appId: "11111111-2222-3333-4444-555555555555", cloud, credential: counting, graphEndpoint: "http://127.0.0.1:9" });
            assert.equal(report.available === false && report.reason, "sovereign-cloud", cloud);
        }
        assert.equal(asked, 0);
    });
});
