// `npm run verify` with a wrong Secret Value, run as a user would: outside a fresh deployment AADSTS7000215 is the
// wrong value, not replication, so it is named after two tries instead of at the 600 s timeout. The time asserted
// is the verifier's own (injected) clock, never the wall clock.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVerifyCli, type CliIo } from "../../cli/verify";
import type { Handoff } from "../../verifier/index";
import { assertNoSecrets, startTenant, type Tenant } from "./support";

const WRONG_SECRET = "Wrong~Secret.Value_123456789012345678";
const DAY_MS = 86_400_000;

describe("npm run verify with a wrong Secret Value", () => {
    let tenant: Tenant;
    let dir: string;
    beforeEach(async () => {
        tenant = await startTenant();
        dir = await mkdtemp(join(tmpdir(), "verify-secret-"));
    });
    afterEach(async () => {
        await tenant.emulator.close();
        await rm(dir, { recursive: true, force: true });
    });

    const local = () => ["--authority-host", tenant.emulator.url, "--graph-endpoint", tenant.emulator.url];

    async function cli(argv: string[], outputs?: Record<string, unknown>): Promise<{ code: number; stdout: string; stderr: string }> {
        let stdout = "";
        let stderr = "";
        const io: CliIo = {
            stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, readStdin: async () => "",
            readFile: (path) => readFile(path, "utf8"),
            execFile: async () => {
                if (!outputs) throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
                return { stdout: JSON.stringify(outputs), stderr: "" };
            },
            verifyOverrides: { clock: tenant.time.now, sleep: tenant.time.sleep, random: () => 0.5 },
        };
        return { code: await runVerifyCli(argv, io), stdout, stderr };
    }

    async function handoffFile(handoff: Handoff): Promise<string> {
        const path = join(dir, "handoff.json");
        await writeFile(path, JSON.stringify(handoff), { mode: 0o600 });
        return path;
    }

    it("is diagnosed within 15 s after two tries and exits 1, from a handoff file", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const wrong = { ...seed.handoff, secretValue: WRONG_SECRET };
        const out = await cli(["--handoff", await handoffFile(wrong), ...local(), "--json"]);
        assert.equal(out.code, 1, out.stdout);
        const json = JSON.parse(out.stdout);
        assert.equal(json.code, "invalid_client_secret");
        assert.equal(json.aadsts, 7000215);
        assert.deepEqual(json.attempts, { clientCredentials: 2, password: 0, graph: 0 });
        assert.ok(json.elapsedMs <= 15_000, `diagnosed after ${json.elapsedMs} ms of the verifier's clock`);
        assert.match(json.message, /Nothing says the newest client secret was created or changed in the last 10 minutes/);
        assert.match(json.remedy, /Secret ID/);
        assertNoSecrets(out.stdout + out.stderr, wrong);
    });

    it("is diagnosed the same way from --stack when the outputs say the secret is a day old", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const wrong = { ...seed.handoff, secretValue: WRONG_SECRET };
        const createdAt = new Date(tenant.time.ms - DAY_MS).toISOString();
        const out = await cli(["--stack", "contoso", ...local()], { handoff: wrong, currentSecretCreatedAt: createdAt });
        assert.equal(out.code, 1, out.stdout);
        assert.match(out.stdout, /^FAILED: invalid_client_secret \(AADSTS7000215\)/);
        assert.ok(out.stdout.includes(`The newest client secret was created or last changed at ${createdAt}`), out.stdout);
        assert.match(out.stdout, /attempts: client credentials 2, password 0, Graph 0; 0\.\d s/);
    });

    it("waits out replication from --stack when the outputs say the secret was created a minute ago", async () => {
        tenant.emulator.faults.replicationDelayMs = 30_000;
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const createdAt = new Date(tenant.time.ms - 60_000).toISOString();
        const out = await cli(["--stack", "contoso", ...local(), "--json"], { handoff: seed.handoff, currentSecretCreatedAt: createdAt });
        assert.equal(out.code, 0, out.stdout);
    });

    it("waits out replication with --fresh, and without it names the missing app after two tries", async () => {
        tenant.emulator.faults.replicationDelayMs = 30_000;
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const file = await handoffFile(seed.handoff);
        const stale = await cli(["--handoff", file, ...local(), "--json"]);
        assert.equal(stale.code, 1);
        assert.equal(JSON.parse(stale.stdout).code, "app_not_found");
        assert.equal(JSON.parse(stale.stdout).attempts.clientCredentials, 2);
        const fresh = await cli(["--handoff", file, ...local(), "--fresh", "--json"]);
        assert.equal(fresh.code, 0, fresh.stdout);
    });

    it("refuses a currentSecretCreatedAt output that is not a date-time, naming the output (exit 2)", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const out = await cli(["--stack", "contoso", ...local()], { handoff: seed.handoff, currentSecretCreatedAt: "yesterday" });
        assert.equal(out.code, 2);
        assert.match(out.stderr, /^--stack contoso output currentSecretCreatedAt "yesterday" must be null or the newest client secret's creation time as an ISO 8601 date-time/);
        assert.equal(tenant.emulator.requests.length, 0);
    });
});
