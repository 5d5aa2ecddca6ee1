import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHandoffCli } from "../../cli/handoff";
import { runVerifyCli, type CliIo } from "../../cli/verify";
import type { Handoff } from "../../verifier/index";
import { startFake } from "./fakeTenant";
import { assertNoSecrets, startTenant, type Tenant } from "./support";

interface Captured {
    code: number;
    stdout: string;
    stderr: string;
    execCalls: { file: string; args: readonly string[] }[];
}

describe("npm run verify", () => {
    let tenant: Tenant;
    let dir: string;
    beforeEach(async () => {
        tenant = await startTenant();
        dir = await mkdtemp(join(tmpdir(), "verify-cli-"));
    });
    afterEach(async () => {
        await tenant.emulator.close();
        await rm(dir, { recursive: true, force: true });
    });

    async function cli(argv: string[], extra: Partial<CliIo> = {}): Promise<Captured> {
        let stdout = "";
        let stderr = "";
        const execCalls: Captured["execCalls"] = [];
        const io: CliIo = {
            stdout: (t) => {
                stdout += t;
            },
            stderr: (t) => {
                stderr += t;
            },
            readStdin: async () => "",
            readFile: (path) => readFile(path, "utf8"),
            execFile: async (file, args) => {
                execCalls.push({ file, args });
                throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
            },
            verifyOverrides: { clock: tenant.time.now, sleep: tenant.time.sleep, random: () => 0.5 },
            ...extra,
        };
        const code = await runVerifyCli(argv, io);
        return { code, stdout, stderr, execCalls };
    }

    async function handoffFile(handoff: unknown): Promise<string> {
        const path = join(dir, "handoff.json");
        // It holds the secret and the password: readable by this user only, as any handoff file should be.
        await writeFile(path, JSON.stringify(handoff), { mode: 0o600 });
        return path;
    }

    const local = (): string[] => ["--authority-host", tenant.emulator.url, "--graph-endpoint", `${tenant.emulator.url}/`];

    function assertClean(out: Captured, handoff: Handoff): void {
        assertNoSecrets(out.stdout, handoff);
        assertNoSecrets(out.stderr, handoff);
    }

    it("exits 0 and prints status, scopes and presence when the handoff values work", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local()]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.match(out.stdout, /^VERIFIED: ok/);
        assert.match(out.stdout, /scopes: +User\.Read Presence\.Read\.All/);
        assert.match(out.stdout, new RegExp(`presence: .*${seed.serviceUserObjectId}`));
        assertClean(out, seed.handoff);
    });

    it("prints exactly one JSON object with the documented keys under --json", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({ agents: [{ userPrincipalName: "ann@contoso.example", availability: "Busy" }] });
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local(), "--json", "--agents", seed.agentObjectIds[0]]);
        assert.equal(out.code, 0);
        const json = JSON.parse(out.stdout);
        assert.deepEqual(Object.keys(json), ["ok", "code", "aadsts", "message", "remedy", "grantedScopes", "attempts", "elapsedMs", "agents", "serviceUserPresence", "notes"]);
        assert.equal(json.ok, true);
        // The seeded service user has no Teams presence: information, never a failure (#14).
        assert.equal(json.serviceUserPresence, "PresenceUnknown");
        assert.match(json.notes[0], /no Teams presence/);
        assert.equal(json.aadsts, null);
        assert.deepEqual(json.attempts, { clientCredentials: 1, password: 1, graph: 2 });
        assert.equal(json.agents.resolved, 1);
        assertClean(out, seed.handoff);
    });

    it("exits 1 with the code, AADSTS number and remedy on a terminal diagnosis", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        tenant.emulator.faults.mfaRequired.add(seed.handoff.userEmail);
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local()]);
        assert.equal(out.code, 1);
        assert.match(out.stdout, /FAILED: mfa_required \(AADSTS50076\)/);
        assert.match(out.stdout, /remedy: .*Conditional Access/);
        assertClean(out, seed.handoff);
    });

    it("exits 3 when it gave up on an error that stayed transient, and reports that error's code", async () => {
        tenant.emulator.faults.replicationDelayMs = 3_600_000;
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local(), "--timeout", "30", "--fresh", "--json"]);
        assert.equal(out.code, 3);
        const json = JSON.parse(out.stdout);
        assert.equal(json.code, "app_not_found");
        assert.equal(json.aadsts, 700016);
        assert.match(out.stderr, /retrying in/);
        assertClean(out, seed.handoff);
    });

    it("keeps a wrong password out of every output and stays within 5 password attempts", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const wrong = { ...seed.handoff, userPassword: "Wrong-Password-123!" };
        const out = await cli(["--handoff", await handoffFile(wrong), ...local(), "--json"]);
        assert.equal(out.code, 3);
        assert.equal(JSON.parse(out.stdout).attempts.password, 5);
        assert.ok(tenant.emulator.failedPasswordAttempts(seed.serviceUserObjectId) <= 5);
        assertClean(out, wrong);
        assertClean(out, seed.handoff);
    });

    it("reads the handoff from stdin with --handoff -", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const out = await cli(["--handoff", "-", ...local()], { readStdin: async () => JSON.stringify(seed.handoff) });
        assert.equal(out.code, 0, out.stderr);
    });

    it("reads agents from --agents-file, skipping comments and blank lines, together with --agents", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({
            agents: [
                { userPrincipalName: "ann@contoso.example", availability: "Busy" },
                { userPrincipalName: "bob@contoso.example", availability: "Away" },
            ],
        });
        const agentsPath = join(dir, "agents.txt");
        await writeFile(agentsPath, `# the roster\n${seed.agentObjectIds[0]}  # Ann\n\n`);
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local(), "--agents-file", agentsPath, "--agents", seed.agentObjectIds[1], "--json"]);
        const json = JSON.parse(out.stdout);
        assert.equal(json.agents.requested, 2);
        assert.deepEqual(json.agents.availability, { Busy: 1, Away: 1 });
    });

    it("takes the handoff output of a Pulumi stack with --stack", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const out = await cli(["--stack", "contoso", ...local()], {
            execFile: async () => ({ stdout: JSON.stringify({ handoff: seed.handoff, other: 1 }), stderr: "" }),
        });
        assert.equal(out.code, 0, out.stderr);
    });

    it("runs pulumi stack output --json --show-secrets for --stack", async () => {
        const out = await cli(["--stack", "contoso"]);
        assert.deepEqual(out.execCalls, [{ file: "pulumi", args: ["stack", "output", "--json", "--show-secrets", "--stack", "contoso"] }]);
    });

    it("reports an internal failure on stderr without secrets and exits 1", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        tenant.emulator.faults.serverErrorEvery = 1;
        const out = await cli(["--handoff", await handoffFile(seed.handoff), ...local()], {
            verifyOverrides: {
                clock: tenant.time.now,
                random: () => 0.5,
                sleep: async () => {
                    throw new Error(`hook failed with ${seed.handoff.secretValue} and ${seed.handoff.userPassword}`);
                },
            },
        });
        assert.equal(out.code, 1);
        assert.match(out.stderr, /Internal error: Error: hook failed/);
        assertClean(out, seed.handoff);
    });

    describe("exits 2 on bad usage or input", () => {
        it("says pulumi is missing and suggests --handoff", async () => {
            const out = await cli(["--stack", "contoso"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /pulumi CLI was not found/);
            assert.match(out.stderr, /--handoff/);
        });

        it("exits the way `npm run handoff --stack` does when the pulumi CLI is missing or fails", async () => {
            const failures = [
                async () => { throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }); },
                async () => { throw Object.assign(new Error("Command failed"), { code: 255, stderr: "error: no stack named 'contoso' found" }); },
                async () => ({ stdout: "not json", stderr: "" }),
            ];
            for (const execFile of failures) {
                const verify = await cli(["--stack", "contoso"], { execFile });
                const handoff = await runHandoffCli(["--stack", "contoso"], { stdout: () => undefined, stderr: () => undefined, readStdin: async () => "", readFile: async () => "", execFile });
                assert.equal(verify.code, 2);
                assert.equal(handoff, verify.code);
            }
        });

        it("refuses an empty --stack name before running pulumi", async () => {
            const out = await cli(["--stack", ""]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--stack "" must name a stack/);
            assert.deepEqual(out.execCalls, []);
        });

        it("names a stack without a handoff output", async () => {
            const out = await cli(["--stack", "contoso"], { execFile: async () => ({ stdout: "{}", stderr: "" }) });
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--stack contoso: the stack has no `handoff` output/);
        });

        it("names an unknown flag and lists the options", async () => {
            const out = await cli(["--handof", "x"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /^Unknown option '--handof'; the options are --stack NAME, --handoff FILE\|-, --cloud NAME, --authority-host URL, --graph-endpoint URL, --agents LIST, --agents-file FILE, --password-attempts N, --timeout SECONDS, --fresh, --json, --help\n/);
        });

        it("asks for --stack or --handoff when neither is given", async () => {
            const out = await cli([]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--stack NAME or --handoff FILE/);
        });

        it("names --cloud and the allowed clouds", async () => {
            const out = await cli(["--handoff", "-", "--cloud", "germany"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--cloud "germany" must be one of public, usgovernment, usgovernmentdod/);
        });

        it("names --timeout and what it accepts", async () => {
            const out = await cli(["--handoff", "-", "--timeout", "soon"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--timeout "soon" must be a positive number of seconds/);
        });

        it("refuses --stack and --handoff together", async () => {
            const out = await cli(["--stack", "contoso", "--handoff", "-"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /either --stack NAME or --handoff FILE\|-, not both/);
        });

        it("names --agents when it lists nobody", async () => {
            const out = await cli(["--handoff", "-", "--agents", " , "]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--agents " , " must list at least one sign-in name or object ID/);
        });

        it("names --agents-file when it cannot be read", async () => {
            const out = await cli(["--handoff", "-", "--agents-file", join(dir, "missing.txt")]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--agents-file .*missing\.txt: cannot read the file \(ENOENT\)/);
        });

        it("names directoryTenantId and userEmail with their bad values and what is allowed", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const out = await cli(["--handoff", await handoffFile({ ...seed.handoff, directoryTenantId: "contoso", userEmail: "bob" })]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /directoryTenantId "contoso" must be the Directory \(tenant\) ID, a GUID/);
            assert.match(out.stderr, /userEmail "bob" must be the service user's sign-in name, an email-like UPN/);
            assertClean(out, seed.handoff);
        });

        it("names --authority-host when it is not a URL", async () => {
            const out = await cli(["--handoff", "-", "--authority-host", "login.microsoftonline.com"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--authority-host "login.microsoftonline.com" must be an absolute URL/);
        });

        it("refuses a plain-http --authority-host or --graph-endpoint off loopback, and sends nothing there", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const remote = await startFake(() => ({ status: 200, body: {} }), { host: "0.0.0.0" });
            try {
                const url = remote.url;
                for (const flags of [["--authority-host", url], ["--graph-endpoint", url]]) {
                    const out = await cli(["--handoff", await handoffFile(seed.handoff), ...flags]);
                    assert.equal(out.code, 2);
                    assert.match(out.stderr, new RegExp(`${flags[0]} "http://0\\.0\\.0\\.0:\\d+" must use https://, or http:// only for a loopback host`));
                }
                assert.deepEqual(remote.requests, []);
            } finally {
                await remote.close();
            }
        });

        it("refuses a Secret ID handed over as the Secret Value, as `npm run handoff` does", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const out = await cli(["--handoff", await handoffFile({ ...seed.handoff, secretValue: "9a3f0c1e-5b7d-4e2a-8c6f-1d2e3f4a5b6c" }), ...local()]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /secretValue is shaped like a GUID, which is what a Secret ID looks like/);
            assert.equal(tenant.emulator.requests.length, 0, "nothing was sent to the token endpoint");
        });

        it("names a missing handoff key and an unexpected one, without echoing any secret", async () => {
            const secret = "Abc8Q~super-secret-value-0123456789abcdefg";
            const out = await cli(["--handoff", await handoffFile({ applicationClientId: "not-a-guid", secretValue: secret, extra: secret })]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /applicationClientId "not-a-guid" must be the Application \(client\) ID/);
            assert.match(out.stderr, /missing directoryTenantId/);
            assert.match(out.stderr, /missing userPassword/);
            assert.match(out.stderr, /unexpected key\(s\) extra/);
            assert.ok(!out.stderr.includes(secret));
        });

        it("names userPassword with surrounding whitespace without echoing it", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const padded = { ...seed.handoff, userPassword: ` ${seed.handoff.userPassword} ` };
            const out = await cli(["--handoff", await handoffFile(padded)]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /userPassword must be a non-empty string without leading or trailing whitespace/);
            assertClean(out, seed.handoff);
        });

        it("rejects a handoff file that is not JSON without quoting its content", async () => {
            const path = join(dir, "broken.json");
            await writeFile(path, '{"secretValue": "Abc8Q~leaky-secret-0123456789" ', { mode: 0o600 });
            const out = await cli(["--handoff", path]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /is not valid JSON/);
            assert.ok(!out.stderr.includes("leaky-secret"));
        });
    });
});
