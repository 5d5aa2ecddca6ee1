// `npm run verify --handoff FILE` takes either file a person has for the five values: the handoff object
// (`pulumi stack output handoff --show-secrets`, or the emulator's file with its endpoints and CA) and the stack's
// outputs (`pulumi stack output --json --show-secrets`), and says on stderr which one it got.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseEndpoints, runVerifyCli, type CliIo } from "../../cli/verify";
import { assertNoSecrets, startTenant, type Tenant } from "./support";

interface Captured { code: number; stdout: string; stderr: string; restarts: { caFile: string; stdin: string | undefined }[] }

describe("npm run verify --handoff: the file's shape and endpoints", () => {
    let tenant: Tenant;
    let dir: string;
    beforeEach(async () => {
        tenant = await startTenant();
        dir = await mkdtemp(join(tmpdir(), "verify-file-"));
    });
    afterEach(async () => {
        await tenant.emulator.close();
        await rm(dir, { recursive: true, force: true });
    });

    async function cli(argv: string[], extra: Partial<CliIo> = {}): Promise<Captured> {
        const out: Captured = { code: -1, stdout: "", stderr: "", restarts: [] };
        const io: CliIo = {
            stdout: (t) => { out.stdout += t; },
            stderr: (t) => { out.stderr += t; },
            readStdin: async () => "",
            readFile: (path) => readFile(path, "utf8"),
            execFile: async () => { throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }); },
            verifyOverrides: { clock: tenant.time.now, sleep: tenant.time.sleep, random: () => 0.5 },
            restartTrustingCa: async (caFile, stdin) => {
                out.restarts.push({ caFile, stdin });
                return 42;
            },
            ...extra,
        };
        out.code = await runVerifyCli(argv, io);
        return out;
    }

    async function file(content: unknown): Promise<string> {
        const path = join(dir, "h.json");
        // It holds the secret and the password: readable by this user only, as any handoff file should be.
        await writeFile(path, JSON.stringify(content), { mode: 0o600 });
        return path;
    }

    it("verifies the stack's whole outputs, using their handoff output, and says so", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const outputs = { handoff: seed.handoff, applicationClientId: seed.handoff.applicationClientId, secretExpiresAt: "2027-05-26T09:00:00.000Z", cloud: "public", verification: { status: "verified" } };
        const path = await file(outputs);
        const out = await cli(["--handoff", path, "--authority-host", tenant.emulator.url, "--graph-endpoint", tenant.emulator.url]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.match(out.stdout, /^VERIFIED: ok/);
        assert.equal(out.stderr.split("\n")[0], `--handoff ${path}: the stack's outputs (as \`pulumi stack output --json --show-secrets\` prints them); using their handoff output`);
        assertNoSecrets(out.stdout + out.stderr, seed.handoff);
    });

    it("names the outputs' handoff output in a value's refusal, and refuses outputs read without --show-secrets", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const bad = await cli(["--handoff", await file({ handoff: { ...seed.handoff, userEmail: "nobody" }, secretExpiresAt: "2027-05-26T09:00:00.000Z" })]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /h\.json output handoff userEmail "nobody" must be the service user's sign-in name/);
        const masked = await cli(["--handoff", await file({ handoff: "[secret]", secretExpiresAt: "2027-05-26T09:00:00.000Z" })]);
        assert.equal(masked.code, 2);
        assert.match(masked.stderr, /the `handoff` output is "\[secret\]" because the outputs were read without --show-secrets/);
    });

    it("signs in where the emulator's file says, with no endpoint flag, naming the file's keys", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const path = await file({ ...seed.handoff, authorityHost: tenant.emulator.url, graphEndpoint: tenant.emulator.url });
        const out = await cli(["--handoff", path]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
        assert.equal(out.stderr.split("\n")[0], `--handoff ${path}: the handoff object (as \`pulumi stack output handoff --show-secrets\` prints it), with authorityHost, graphEndpoint`);
        assert.ok(tenant.emulator.requests.some((r) => r.path.endsWith("/oauth2/v2.0/token")), "the emulator was not asked for a token");
        assert.deepEqual(out.restarts, [], "http needs no CA");
        const refused = await cli(["--handoff", await file({ ...seed.handoff, authorityHost: "http://login.example.com" })]);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /h\.json authorityHost "http:\/\/login\.example\.com" is not a loopback address: a handoff file may name only the local emulator's endpoints/);
        const notHttp = await cli(["--handoff", await file({ ...seed.handoff, authorityHost: "ftp://127.0.0.1:21" })]);
        assert.equal(notHttp.code, 2);
        assert.match(notHttp.stderr, /h\.json authorityHost "ftp:\/\/127\.0\.0\.1:21" must use https:\/\//);
    });

    it("lets an endpoint flag win over the file's endpoint", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        // Nothing listens on port 9: the file's endpoints would fail.
        const out = await cli(["--handoff", await file({ ...seed.handoff, authorityHost: "http://127.0.0.1:9", graphEndpoint: "http://127.0.0.1:9" }),
            "--authority-host", tenant.emulator.url, "--graph-endpoint", tenant.emulator.url]);
        assert.equal(out.code, 0, out.stdout + out.stderr);
    });

    it("restarts itself trusting the file's CA when it does not trust it yet, handing on what it read from stdin", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const content = { ...seed.handoff, authorityHost: "https://127.0.0.1:9", graphEndpoint: "https://127.0.0.1:9", caFile: join(dir, "ca.pem") };
        const fromFile = await cli(["--handoff", await file(content)]);
        assert.equal(fromFile.code, 42, "the restarted command's exit code");
        assert.deepEqual(fromFile.restarts, [{ caFile: join(dir, "ca.pem"), stdin: undefined }]);
        assert.equal(fromFile.stdout + fromFile.stderr, "", "the restarted command does the printing");
        const fromStdin = await cli(["--handoff", "-"], { readStdin: async () => JSON.stringify(content) });
        assert.deepEqual(fromStdin.restarts, [{ caFile: join(dir, "ca.pem"), stdin: JSON.stringify(content) }]);
        const trusted = await cli(["--handoff", await file({ ...content, authorityHost: tenant.emulator.url, graphEndpoint: tenant.emulator.url })], { trustedCaFile: join(dir, "ca.pem") });
        assert.deepEqual(trusted.restarts, [], "NODE_EXTRA_CA_CERTS already names it");
        assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
    });

    it("refuses a file that is neither shape, saying which commands print one", async () => {
        const out = await cli(["--handoff", await file({ clientId: "x" })]);
        assert.equal(out.code, 2);
        assert.match(out.stderr, /^--handoff \S+h\.json is neither the handoff object nor a stack's outputs: .*; pass what `pulumi stack output handoff --show-secrets` or `pulumi stack output --json --show-secrets` prints/);
        assert.match(out.stderr, /\nRun with --help for usage\.\n$/);
    });
});

describe("where verify signs in, given flags and a handoff file's endpoints", () => {
    const FILE = { authorityHost: "https://127.0.0.1:4000", graphEndpoint: "https://127.0.0.1:4000", caFile: "/tmp/x/ca.pem" };

    it("takes the file's endpoints and CA when no flag names a host or a cloud", () => {
        assert.deepEqual(chooseEndpoints({}, FILE, "--handoff h.json"), {
            choice: { authorityHost: FILE.authorityHost, graphEndpoint: FILE.graphEndpoint },
            names: { cloud: "--cloud", authorityHost: "--handoff h.json authorityHost", graphEndpoint: "--handoff h.json graphEndpoint" },
            caFile: FILE.caFile,
        });
    });

    it("lets each host flag win over the file, keeping the CA for the host still taken from the file", () => {
        const one = chooseEndpoints({ authorityHost: "https://login.example.com" }, FILE, "--handoff h.json");
        assert.deepEqual(one.choice, { authorityHost: "https://login.example.com", graphEndpoint: FILE.graphEndpoint });
        assert.equal(one.names.authorityHost, "--authority-host");
        assert.equal(one.caFile, FILE.caFile);
        const both = chooseEndpoints({ authorityHost: "https://a.example.com", graphEndpoint: "https://g.example.com" }, FILE, "--handoff h.json");
        assert.equal(both.caFile, undefined, "no endpoint of the file is used, so neither is its CA");
    });

    it("refuses a file naming an endpoint off loopback, so a file never sends the secret and password elsewhere nor installs its CA", () => {
        const elsewhere = { authorityHost: "https://login.example.com", graphEndpoint: FILE.graphEndpoint, caFile: "/tmp/x/evil.pem" };
        assert.throws(() => chooseEndpoints({}, elsewhere, "--handoff h.json"), {
            message: '--handoff h.json authorityHost "https://login.example.com" is not a loopback address: a handoff file may name only the local emulator\'s endpoints; pass --authority-host URL (or --cloud NAME) to sign in elsewhere',
        });
        assert.throws(() => chooseEndpoints({}, { graphEndpoint: "https://graph.example.com" }, "--handoff h.json"), /^Error: --handoff h\.json graphEndpoint "https:\/\/graph\.example\.com" is not a loopback address/);
        // Named on the command line, the same host is the operator's choice, and the file's CA is not used for it.
        assert.deepEqual(chooseEndpoints({ authorityHost: "https://login.example.com" }, { authorityHost: "https://login.example.com", caFile: "/tmp/x/evil.pem" }, "--handoff h.json"), {
            choice: { authorityHost: "https://login.example.com" },
            names: { cloud: "--cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" },
        });
        for (const host of ["http://localhost:4000", "https://[::1]:4000", "http://127.8.9.10:4000"]) {
            assert.equal(chooseEndpoints({}, { authorityHost: host }, "--handoff h.json").choice.authorityHost, host);
        }
    });

    it("uses none of the file's endpoints when --cloud names a cloud", () => {
        assert.deepEqual(chooseEndpoints({ cloud: "usgovernment" }, FILE, "--handoff h.json"), {
            choice: { cloud: "usgovernment" },
            names: { cloud: "--cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" },
        });
    });

    it("takes a stack's cloud output where no flag names a cloud, and names it in messages; --cloud still wins", () => {
        assert.deepEqual(chooseEndpoints({}, {}, "--stack contoso", "usgovernmentdod"), {
            choice: { cloud: "usgovernmentdod" },
            names: { cloud: "--stack contoso output cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" },
        });
        assert.deepEqual(chooseEndpoints({ cloud: "public" }, {}, "--stack contoso", "usgovernment").choice, { cloud: "public" });
    });
});

describe("npm run verify --stack with a stack deployed to another cloud", () => {
    async function verifyStack(argv: string[], outputs: Record<string, unknown>): Promise<{ code: number; stderr: string; sent: boolean }> {
        let stderr = "";
        let sent = false;
        const io: CliIo = {
            stdout: () => undefined,
            stderr: (t) => {
                stderr += t;
            },
            readStdin: async () => "",
            readFile: async () => "",
            execFile: async () => ({ stdout: JSON.stringify(outputs), stderr: "" }),
            // Nothing may be sent: each case is refused before the verification starts, and a verification that
            // starts stops at its first reading of the clock, before any request.
            verifyOverrides: {
                clock: () => {
                    sent = true;
                    throw new Error("the verification started");
                },
            },
        };
        const code = await runVerifyCli(["--stack", "contoso", ...argv], io);
        return { code, stderr, sent };
    }
    const HANDOFF = {
        applicationClientId: "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001", directoryTenantId: "8a7b6c5d-4e3f-4a21-9b0c-d1e2f3a4b5c6",
        secretValue: "abc~Def.ghi_JKL-mnoPQRstuVWXyz0123456789", userEmail: "jtel-presence@contoso.com", userPassword: "Str0ng!Passw0rd-For-Tests",
    };

    it("refuses a china stack, naming the output, before anything is sent (exit 2)", async () => {
        const out = await verifyStack([], { handoff: HANDOFF, cloud: "china" });
        assert.equal(out.code, 2);
        assert.match(out.stderr, /^--stack contoso output cloud "china"/);
        assert.equal(out.sent, false);
    });

    it("holds --password-attempts to the stack's cloud's budget (usgovernment: at most 2)", async () => {
        const out = await verifyStack(["--password-attempts", "3"], { handoff: HANDOFF, cloud: "usgovernment" });
        assert.equal(out.code, 2);
        assert.match(out.stderr, /^--password-attempts 3 must be a whole number from 1 to 2 in cloud usgovernment/);
        assert.equal(out.sent, false);
    });
});

