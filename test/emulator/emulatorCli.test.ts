import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseEmulatorArgs, UsageError } from "../../cli/emulator";
import type { Emulator, Handoff } from "../../emulator";
import { postToken, ropcForm } from "./support";

describe("npm run emulator: arguments", () => {
    it("maps the fault flags onto the emulator's faults and the service user", () => {
        const config = parseEmulatorArgs(["--port", "4000", "--replication-delay-ms", "30000", "--throttle-every", "5", "--mfa", "--ca-block"]);
        assert.equal(config.options.port, 4000);
        assert.deepEqual(config.options.faults, { replicationDelayMs: 30000, throttleEvery: 5 });
        assert.deepEqual(config.serviceUserFaults, ["mfaRequired", "conditionalAccessBlocked"]);
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
    ] as const) {
        it(`refuses ${rule} with a usage error naming the flag`, () => {
            assert.throws(() => parseEmulatorArgs([...argv]), (e: unknown) => e instanceof UsageError && e.message.includes(argv[0].replace(/^--/, "")));
        });
    }
});

describe("npm run emulator: the running process", function () {
    // ts-node compiles the CLI on start-up; a cold start can take a few seconds.
    this.timeout(30_000);
    let child: ChildProcess;
    let stdout = "";

    before(async () => {
        const root = join(__dirname, "..", "..");
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/emulator.ts", "--lockout-threshold", "5"], {
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

    after(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
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
        assert.match(stdout, new RegExp(`npm run verify -- --handoff ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} --authority-host ${url} --graph-endpoint ${url}`));
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
