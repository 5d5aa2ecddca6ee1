import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseEmulatorArgs, UsageError } from "../../cli/emulator";
import { GRAPH_DELEGATED_SCOPES, type Emulator, type Handoff } from "../../emulator/index";
import { postToken, ropcForm } from "./support";

describe("npm run emulator: arguments", () => {
    it("maps the fault flags onto the emulator's faults and the service user", () => {
        const config = parseEmulatorArgs(["--port", "4000", "--replication-delay-ms", "30000", "--throttle-every", "5", "--mfa", "--ca-block"]);
        assert.equal(config.options.port, 4000);
        assert.deepEqual(config.options.faults, { replicationDelayMs: 30000, throttleEvery: 5 });
        assert.deepEqual(config.serviceUserFaults, ["mfaRequired", "conditionalAccessBlocked"]);
    });

    it("serves https unless --http is given, and prints JSON with --json", () => {
        assert.equal(parseEmulatorArgs([]).options.https, true);
        assert.equal(parseEmulatorArgs([]).json, false);
        assert.equal(parseEmulatorArgs(["--http"]).options.https, false);
        assert.equal(parseEmulatorArgs(["--json"]).json, true);
    });

    it("switches the service user to no Teams licence with either answer of --service-user-without-teams", () => {
        const notFound = parseEmulatorArgs(["--service-user-without-teams", "not-found"]);
        assert.deepEqual(notFound.options.faults, { withoutTeamsPresence: "NotFound" });
        assert.deepEqual(notFound.serviceUserFaults, ["withoutTeams"]);
        assert.equal(parseEmulatorArgs(["--service-user-without-teams", "presence-unknown"]).options.faults.withoutTeamsPresence, "PresenceUnknown");
        assert.throws(() => parseEmulatorArgs(["--service-user-without-teams", "toString"]),
            (e: unknown) => e instanceof UsageError && /--service-user-without-teams "toString" must be one of: presence-unknown, not-found/.test(e.message));
    });

    it("takes the delegated scopes as a comma-separated list", () => {
        assert.deepEqual(parseEmulatorArgs(["--scopes", "User.Read, Presence.Read.All,User.ReadBasic.All"]).delegatedScopes, ["User.Read", "Presence.Read.All", "User.ReadBasic.All"]);
    });

    for (const [rule, argv] of [
        ["a port that is not a number", ["--port", "abc"]],
        ["a port above 65535", ["--port", "70000"]],
        ["a negative latency", ["--latency-ms", "-5"]],
        ["a tenant ID that is not a GUID", ["--tenant-id", "contoso"]],
        ["a lockout threshold of 0", ["--lockout-threshold", "0"]],
        ["an unknown flag", ["--bogus"]],
        ["a scope the emulator does not know", ["--scopes", "User.Read,Nope.Read"]],
    ] as const) {
        it(`refuses ${rule} with a usage error naming the flag`, () => {
            assert.throws(() => parseEmulatorArgs([...argv]), (e: unknown) => e instanceof UsageError && e.message.includes(argv[0].replace(/^--/, "")));
        });
    }

    it("names the allowed scopes, not an internal function, for an unknown --scopes entry", () => {
        assert.throws(() => parseEmulatorArgs(["--scopes", "Nope.Read"]), (e: Error) => {
            assert.ok(e instanceof UsageError);
            assert.equal(e.message, `--scopes "Nope.Read" must list delegated Microsoft Graph permissions the emulator knows, comma-separated: ${GRAPH_DELEGATED_SCOPES.map((s) => s.value).join(", ")}`);
            assert.match(e.message, /Presence\.Read\.All, User\.Read\b/);
            return true;
        });
    });
});

describe("npm run emulator -- --http: the running process", function () {
    // ts-node compiles the CLI on start-up; a cold start can take a few seconds.
    this.timeout(30_000);
    let child: ChildProcess;
    let stdout = "";

    before(async () => {
        const root = join(__dirname, "..", "..");
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/emulator.ts", "--http", "--lockout-threshold", "5"], {
            cwd: root, stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout?.setEncoding("utf8");
        await new Promise<void>((resolve, reject) => {
            child.stdout?.on("data", (chunk: string) => {
                stdout += chunk;
                if (stdout.includes("Ctrl+C")) resolve();
            });
            child.once("exit", (code) => reject(new Error(`emulator exited early with ${code}`)));
        });
    });

    after(async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }
        // The handoff file holds the secret and the password: gone even if the emulator could not remove it.
        const file = /handoff file:\s+(\S+)/.exec(stdout)?.[1];
        if (file) rmSync(dirname(file), { recursive: true, force: true });
    });

    it("prints the URL, tenant ID and a 0600 handoff file that signs in, but never the secret or password", async () => {
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        const file = /handoff file:\s+(\S+)/.exec(stdout)?.[1];
        assert.ok(url && file, stdout);
        assert.equal(statSync(file).mode & 0o777, 0o600);
        const handoff = JSON.parse(readFileSync(file, "utf8")) as Handoff;
        assert.ok(stdout.includes(`tenant ID:     ${handoff.directoryTenantId}`));
        assert.ok(!stdout.includes(handoff.secretValue), "stdout shows the secret");
        assert.ok(!stdout.includes(handoff.userPassword), "stdout shows the password");
        // The file names this emulator's endpoints (plain http: no CA), so the command needs no endpoint flags.
        assert.match(stdout, new RegExp(`\n  npm run verify -- --handoff ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} --agents [0-9a-f-]{36},`));
        const written = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
        assert.deepEqual([written.authorityHost, written.graphEndpoint, written.caFile], [url, url, undefined]);
        const asEmulator = { url, tenantId: handoff.directoryTenantId } as Emulator;
        assert.equal((await postToken(asEmulator, ropcForm(handoff))).status, 200);
    });

    it("stops on SIGTERM with exit code 0 and deletes the handoff file", async () => {
        const file = /handoff file:\s+(\S+)/.exec(stdout)?.[1];
        assert.ok(file);
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        assert.equal(await exited, 0);
        assert.equal(existsSync(file), false);
    });
});

/** POST over https trusting only `ca`, the way a client given the CA file would. */
function postForm(url: string, form: Record<string, string>, ca: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = request(url, { method: "POST", ca, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(new URLSearchParams(form).toString());
    });
}

describe("npm run --silent emulator -- --json: HTTPS, the default, for scripts", function () {
    this.timeout(30_000);
    let npm: ChildProcess;
    let stdout = "";
    let line: { url: string; caFile: string; tenantId: string; handoffFile: string; verifyCommand: string };

    before(async () => {
        // --silent is npm's own flag: without it npm prints its "> script" banner on stdout first.
        npm = spawn("npm", ["run", "--silent", "emulator", "--", "--json"], { cwd: join(__dirname, "..", ".."), stdio: ["ignore", "pipe", "pipe"] });
        npm.stdout?.setEncoding("utf8");
        await new Promise<void>((resolve, reject) => {
            npm.stdout?.on("data", (chunk: string) => {
                stdout += chunk;
                if (stdout.includes("\n")) resolve();
            });
            npm.once("exit", (code) => reject(new Error(`npm exited early with ${code}`)));
        });
        line = JSON.parse(stdout.split("\n")[0]);
    });

    after(() => {
        if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
    });

    it("prints one JSON line first with url (https), caFile, tenantId, handoffFile and the verify command, and nothing secret", async () => {
        assert.deepEqual(Object.keys(line), ["url", "caFile", "tenantId", "handoffFile", "verifyCommand"]);
        assert.ok(line.verifyCommand.startsWith(`NODE_EXTRA_CA_CERTS=${line.caFile} npm run verify -- --handoff ${line.handoffFile} --agents `), line.verifyCommand);
        assert.match(line.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(statSync(line.caFile).mode & 0o777, 0o600);
        assert.equal(statSync(line.handoffFile).mode & 0o777, 0o600);
        const handoff = JSON.parse(readFileSync(line.handoffFile, "utf8")) as Handoff;
        assert.equal(handoff.directoryTenantId, line.tenantId);
        assert.ok(!stdout.includes(handoff.secretValue) && !stdout.includes(handoff.userPassword));
        // The tenant ID and handoff file are enough to sign in, trusting only the printed CA.
        const ca = readFileSync(line.caFile, "utf8");
        const form = { grant_type: "password", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, username: handoff.userEmail, password: handoff.userPassword, scope: "https://graph.microsoft.com/.default" };
        assert.equal(await postForm(`${line.url}/${line.tenantId}/oauth2/v2.0/token`, form, ca), 200);
    });

    it("stops when npm gets SIGTERM, removing the CA and handoff files and closing the port, having printed nothing more", async () => {
        const exited = new Promise<void>((resolve) => npm.once("exit", () => resolve()));
        npm.kill("SIGTERM");
        await exited;
        // npm forwards the signal only to its `sh -c`; the emulator notices its parent is gone.
        const deadline = Date.now() + 10_000;
        while ((existsSync(line.caFile) || existsSync(line.handoffFile)) && Date.now() < deadline) await sleep(100);
        assert.equal(existsSync(line.caFile), false);
        assert.equal(existsSync(line.handoffFile), false);
        await assert.rejects(postForm(`${line.url}/${line.tenantId}/oauth2/v2.0/token`, {}, ""), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
        assert.equal(stdout.trimEnd().split("\n").length, 1);
    });
});
