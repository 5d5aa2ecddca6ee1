// The password (ROPC) budget fits the tenant's cloud: below smart lockout's default threshold there (10 in the global
// service, 3 in US Government; Entra docs, "Protect user accounts from attacks with Microsoft Entra smart lockout"),
// and lower still where the stack's verifyPasswordAttempts or npm run verify --password-attempts says so.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVerifyCli } from "../../cli/verify";
import { ConfigError, parseStackConfig } from "../../stack/config";
import { verifyPresenceAccess } from "../../verifier/index";
import { settingsFrom } from "../../verifier/verify";
import { BASE_CONFIG, tenantMocks } from "../support/tenantMocks";
import { installMocks, valueOf } from "../support/pulumiHarness";
import type { VerifyOptions } from "../../verifier/index";
import { startTenant, type Tenant } from "./support";

const WRONG = "Wrong-Password-123!";

describe("the password-attempt budget", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    const ropcRequests = () => tenant.emulator.requests.filter((r) => r.grantType === "password").length;

    it("makes at most 2 password attempts in a usgovernment verification with a wrong password, and never locks the account", async () => {
        // The emulator locks like a US Government tenant: after 3 failed sign-ins.
        tenant.emulator.faults.lockoutThreshold = 3;
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const report = await verifyPresenceAccess({ ...seed.handoff, userPassword: WRONG }, tenant.options({ cloud: "usgovernment", timeoutSeconds: 3600 }));
        assert.equal(report.code, "invalid_credentials");
        assert.equal(ropcRequests(), 2);
        assert.equal(report.attempts.password, 2);
        assert.ok(tenant.emulator.failedPasswordAttempts(seed.serviceUserObjectId) < 3, "the account was never locked");
        assert.match(report.message, /stopped after 2 password attempts, the budget in cloud usgovernment \(smart lockout locks an account there after 3 failed sign-ins by default\)/);
    });

    it("keeps 5 attempts in the global service and takes a lower budget when asked", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const wrong = { ...seed.handoff, userPassword: WRONG };
        assert.equal((await verifyPresenceAccess(wrong, tenant.options())).attempts.password, 5);
        assert.equal((await verifyPresenceAccess(wrong, tenant.options({ maxPasswordAttempts: 1 }))).attempts.password, 1);
        assert.equal(ropcRequests(), 6);
    });

    it("refuses a budget that reaches the cloud's lockout threshold, naming the option, the value and the range", () => {
        assert.equal(settingsFrom({ cloud: "usgovernmentdod" }).maxPasswordAttempts, 2);
        assert.throws(() => settingsFrom({ cloud: "usgovernment", maxPasswordAttempts: 3 }), {
            name: "RangeError",
            message: "maxPasswordAttempts 3 must be a whole number from 1 to 2 in cloud usgovernment: smart lockout locks an account there after 3 failed sign-ins by default (a tenant with Entra ID P1 may set fewer; then choose fewer attempts still)",
        });
        assert.throws(() => settingsFrom({ maxPasswordAttempts: 10 }), /^RangeError: maxPasswordAttempts 10 must be a whole number from 1 to 9 in cloud public/);
        assert.throws(() => settingsFrom({ maxPasswordAttempts: 0 }), /maxPasswordAttempts 0 must be a whole number from 1 to 9/);
    });
});

describe("verifyPasswordAttempts in the stack config", () => {
    const VALID = { "azuread:tenantId": "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", serviceUserPrincipalName: "jtel-presence@contoso.com" };
    function problems(raw: Record<string, string>): string[] {
        try {
            parseStackConfig({ ...VALID, ...raw });
        } catch (error) {
            assert.ok(error instanceof ConfigError, String(error));
            return error.problems;
        }
        return [];
    }

    it("is unset by default: the cloud's budget applies", () => {
        assert.equal(parseStackConfig(VALID).verifyPasswordAttempts, undefined);
        assert.equal(parseStackConfig({ ...VALID, verifyPasswordAttempts: "1", cloud: "usgovernment" }).verifyPasswordAttempts, 1);
    });

    it("must be a whole number below the cloud's lockout threshold, the message naming key, value and range", () => {
        assert.deepEqual(problems({ verifyPasswordAttempts: "3", cloud: "usgovernment" }), [
            "verifyPasswordAttempts 3 must be a whole number from 1 to 2 in cloud usgovernment: smart lockout locks an account there after 3 failed sign-ins by default (a tenant with Entra ID P1 may set fewer; then choose fewer attempts still)",
        ]);
        assert.match(problems({ verifyPasswordAttempts: "0" })[0], /^verifyPasswordAttempts 0 must be a whole number from 1 to 9 in cloud public/);
        assert.match(problems({ verifyPasswordAttempts: "two" })[0], /^verifyPasswordAttempts "two" must be a whole number from 1 to 9/);
        assert.match(problems({ verifyPasswordAttempts: "2.5" })[0], /^verifyPasswordAttempts "2.5" must be a whole number/);
        assert.deepEqual(problems({ verifyPasswordAttempts: "9" }), []);
    });

    it("is reported next to other mistakes, not only once they are fixed", () => {
        const found = problems({ verifyPasswordAttempts: "3", cloud: "usgovernment", passwordLength: "8" });
        assert.equal(found.length, 2);
        assert.ok(found.some((p) => p.startsWith("verifyPasswordAttempts 3 ")));
    });

    it("reaches the post-deploy verification with the cloud", async () => {
        const calls: VerifyOptions[] = [];
        const mocks = tenantMocks();
        await installMocks(mocks, { config: { ...BASE_CONFIG, verify: "true", cloud: "usgovernmentdod", verifyPasswordAttempts: "1" } });
        const { main } = await import("../../stack/main");
        const outputs = await main({
            now: new Date("2026-11-27T10:00:00Z"),
            verify: async (_handoff, options) => {
                calls.push(options);
                return { ok: true, code: "ok", message: "", remedy: "", transient: false, gaveUp: false, grantedScopes: [], attempts: { clientCredentials: 1, password: 1, graph: 1 }, elapsedMs: 1, verifiedAt: "2026-11-27T10:00:05.000Z" };
            },
        });
        await valueOf(outputs.verification);
        assert.equal(calls.length, 1);
        assert.equal(calls[0].cloud, "usgovernmentdod");
        assert.equal(calls[0].maxPasswordAttempts, 1);
        assert.equal(calls[0].graphEndpoint, "https://dod-graph.microsoft.us");
    });
});

describe("npm run verify --password-attempts", () => {
    let tenant: Tenant;
    let dir: string;
    beforeEach(async () => {
        tenant = await startTenant();
        dir = await mkdtemp(join(tmpdir(), "verify-budget-"));
    });
    afterEach(async () => {
        await tenant.emulator.close();
        await rm(dir, { recursive: true, force: true });
    });

    async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        let stdout = "";
        let stderr = "";
        const code = await runVerifyCli(argv, {
            stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, readStdin: async () => "",
            readFile: (path) => readFile(path, "utf8"), execFile: async () => { throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }); },
            verifyOverrides: { clock: tenant.time.now, sleep: tenant.time.sleep, random: () => 0.5 },
        });
        return { code, stdout, stderr };
    }

    it("spends no more than the flag allows, and is checked against --cloud before anything is sent", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const file = join(dir, "handoff.json");
        await writeFile(file, JSON.stringify({ ...seed.handoff, userPassword: WRONG }), { mode: 0o600 });
        const local = ["--authority-host", tenant.emulator.url, "--graph-endpoint", tenant.emulator.url];
        const one = await cli(["--handoff", file, ...local, "--password-attempts", "1", "--json"]);
        assert.equal(JSON.parse(one.stdout).attempts.password, 1);
        const before = tenant.emulator.requests.length;
        const refused = await cli(["--handoff", file, ...local, "--cloud", "usgovernment", "--password-attempts", "3"]);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /^--password-attempts 3 must be a whole number from 1 to 2 in cloud usgovernment: smart lockout/);
        assert.equal(tenant.emulator.requests.length, before, "nothing was sent");
        const gov = await cli(["--handoff", file, ...local, "--cloud", "usgovernment", "--json"]);
        assert.equal(JSON.parse(gov.stdout).attempts.password, 2);
    });
});
