// Commands given a file make no network call unless asked to: `npm run handoff -- --outputs FILE` hands the values
// over without reading the credential activity report (that takes `--usage read`), and `npm run verify` given the
// emulator's handoff file signs in at the emulator the file names, never at login.microsoftonline.com. Every
// process these commands start is preloaded with test/support/offlineGuard.cjs, which fails and says so on
// stderr when @azure/identity is loaded or a connection leaves this machine.
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const GUARD = join(ROOT, "test", "support", "offlineGuard.cjs");
const GUARDED = { ...process.env, NODE_OPTIONS: `--require ${GUARD}`, npm_config_update_notifier: "false", NODE_EXTRA_CA_CERTS: "" };

interface Run { code: number | null; stdout: string; stderr: string }

function run(command: string, args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: ROOT, env: GUARDED, stdio: ["ignore", "pipe", "pipe"] });
        const out: Run = { code: null, stdout: "", stderr: "" };
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => { out.stdout += chunk; });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { out.stderr += chunk; });
        child.once("error", reject);
        child.once("exit", (code) => resolve({ ...out, code }));
    });
}

const DAY_MS = 86_400_000;
const HANDOFF = {
    applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
    directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
    secretValue: "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Tr0ub4dor-Horse-9!zQ",
};

describe("commands given a file stay on this machine", function () {
    // Each command is a TypeScript process started through npm; verify restarts itself once to trust the CA.
    this.timeout(240_000);
    let dir: string;

    before(() => {
        dir = mkdtempSync(join(tmpdir(), "offline-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("npm run handoff -- --outputs FILE: neither the credential chain nor a connection off this machine, for either file shape", async () => {
        const outputs = {
            handoff: HANDOFF, applicationClientId: HANDOFF.applicationClientId, directoryTenantId: HANDOFF.directoryTenantId, cloud: "public",
            secretExpiresAt: new Date(Date.now() + 200 * DAY_MS).toISOString(), previousSecretExpiresAt: null, nextRotationAt: new Date(Date.now() + 100 * DAY_MS).toISOString(),
            currentSecretKeyId: "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d", previousSecretKeyId: null,
        };
        const files = ([["outputs.json", outputs], ["handoff.json", HANDOFF]] as const).map(([name, content]) => {
            const file = join(dir, name);
            writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
            return file;
        });
        for (const result of await Promise.all(files.map((file) => run("npm", ["run", "--silent", "handoff", "--", "--outputs", file])))) {
            assert.doesNotMatch(result.stderr, /OFFLINE-GUARD/, result.stderr);
            assert.equal(result.code, 0, result.stderr);
            assert.match(result.stdout, /^Data +\| Value\nApplication \(client\) ID \| 0f1e2d3c-/);
        }
    });

    describe("npm run verify with the emulator's handoff file", () => {
        let emulator: ChildProcess;
        let line: { url: string; caFile: string; handoffFile: string; verifyCommand: string };
        let emulatorErr = "";
        let asPrinted: Promise<Run>;
        let fileAlone: Promise<Run>;

        before(async () => {
            emulator = spawn("npm", ["run", "--silent", "emulator", "--", "--json"], { cwd: ROOT, env: GUARDED, stdio: ["ignore", "pipe", "pipe"], detached: true });
            emulator.stderr?.setEncoding("utf8").on("data", (chunk: string) => { emulatorErr += chunk; });
            let stdout = "";
            await new Promise<void>((resolve, reject) => {
                emulator.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
                    stdout += chunk;
                    if (stdout.includes("\n")) resolve();
                });
                emulator.once("exit", (code) => reject(new Error(`the emulator exited with ${code}: ${emulatorErr}`)));
            });
            line = JSON.parse(stdout.split("\n")[0]);
            // Both ways of verifying run side by side; each test awaits its own.
            asPrinted = run("sh", ["-c", line.verifyCommand]);
            fileAlone = run("npm", ["run", "--silent", "verify", "--", "--handoff", line.handoffFile]);
        });

        after(async () => {
            await Promise.allSettled([asPrinted, fileAlone]);
            // SIGTERM to npm, its shell and the emulator: the emulator removes its CA and handoff files.
            const exited = new Promise((resolve) => emulator.once("exit", resolve));
            if (emulator.exitCode === null && emulator.signalCode === null) process.kill(-emulator.pid!, "SIGTERM");
            await exited;
        });

        it("writes the five values with this emulator's endpoints and CA, and prints a verify command that needs no more flags", () => {
            const file = JSON.parse(readFileSync(line.handoffFile, "utf8")) as Record<string, string>;
            assert.deepEqual(Object.keys(file), ["applicationClientId", "directoryTenantId", "secretValue", "userEmail", "userPassword", "authorityHost", "graphEndpoint", "caFile"]);
            assert.deepEqual([file.authorityHost, file.graphEndpoint, file.caFile], [line.url, line.url, line.caFile]);
            assert.match(line.verifyCommand, /^NODE_EXTRA_CA_CERTS=\S+ca\.pem npm run verify -- --handoff \S+handoff\.json --agents [0-9a-f-]{36}(,[0-9a-f-]{36}){2}$/);
            assert.ok(!line.verifyCommand.includes(file.secretValue) && !line.verifyCommand.includes(file.userPassword));
        });

        it("verifies with the command the emulator printed, run as written, and never leaves this machine", async () => {
            const result = await asPrinted;
            assert.doesNotMatch(result.stderr, /OFFLINE-GUARD/, result.stderr);
            assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
            // npm's "> script" banner comes first: the command is for a person, not --silent.
            assert.match(result.stdout, /^VERIFIED: ok/m);
            assert.match(result.stdout, /agents: +3 requested, 3 resolved/);
            assert.doesNotMatch(emulatorErr, /OFFLINE-GUARD/, emulatorErr);
        });

        it("verifies with --handoff FILE alone: the file's endpoints, its CA trusted by a restart", async () => {
            const result = await fileAlone;
            assert.doesNotMatch(result.stderr, /OFFLINE-GUARD/, result.stderr);
            assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
            assert.match(result.stdout, /^VERIFIED: ok/);
            assert.match(result.stderr, /the handoff object \(as `pulumi stack output handoff --show-secrets` prints it\), with authorityHost, graphEndpoint, caFile/);
        });
    });
});
