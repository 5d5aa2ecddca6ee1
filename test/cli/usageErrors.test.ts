// Every command in cli/ answers bad usage the same way: exit 2, one line that names the flag, the bad value and
// what is allowed, then a pointer to --help (new-tenant, which writes, also says that nothing was written). A
// negative or non-numeric number is refused by the flag's own rule, never with node's "argument is ambiguous".
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemoCli } from "../../cli/demo";
import { parseEmulatorArgs, UsageError, USAGE as EMULATOR_USAGE } from "../../cli/emulator";
import { joinNegativeNumbers } from "../../cli/flags";
import { EXIT as HANDOFF_EXIT, runHandoffCli, USAGE as HANDOFF_USAGE } from "../../cli/handoff";
import { EXIT as NEW_TENANT_EXIT, runNewTenantCli, USAGE as NEW_TENANT_USAGE } from "../../cli/newTenant";
import { EXIT as STATUS_EXIT, runStatusCli, USAGE as STATUS_USAGE } from "../../cli/status";
import { EXIT as VERIFY_EXIT, runVerifyCli, USAGE as VERIFY_USAGE } from "../../cli/verify";
import { USAGE as DEMO_USAGE } from "../../cli/demo";

const ROOT = join(__dirname, "..", "..");
const notCalled = async (): Promise<never> => { throw new Error("no file, stdin or program may be read for bad usage"); };

type Runner = (argv: string[]) => Promise<{ code: number; stderr: string }>;

function captured(run: (argv: string[], stderr: (text: string) => void) => Promise<number>): Runner {
    return async (argv) => {
        let stderr = "";
        const code = await run(argv, (text) => { stderr += text; });
        return { code, stderr };
    };
}

describe("bad usage, in every command", () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), "usage-")); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const commands: [string, Runner, string[], RegExp][] = [
        ["verify", captured((argv, stderr) => runVerifyCli(argv, { stdout: () => undefined, stderr, readStdin: notCalled, readFile: notCalled, execFile: notCalled })),
            ["--handoff", "-", "--timeout", "-5"], /^--timeout "-5" must be a positive number of seconds, such as 600$/m],
        ["handoff", captured((argv, stderr) => runHandoffCli(argv, { stdout: () => undefined, stderr, readStdin: notCalled, readFile: notCalled, execFile: notCalled })),
            ["--stack", "contoso", "--format", "-1"], /^--format "-1" must be one of table, json, env$/m],
        ["status", captured((argv, stderr) => runStatusCli(argv, { stdout: () => undefined, stderr, cwd: dir, exec: notCalled, now: () => new Date() })),
            ["--stack", "contoso", "--secret-expiry-days", "-3"], /^--secret-expiry-days "-3" must be a whole number of days from 0 to 3650 \(0 turns the check off\)$/m],
        ["new-tenant", captured((argv, stderr) => runNewTenantCli(argv, { stdout: () => undefined, stderr, cwd: dir })),
            ["--stack", "contoso", "--tenant-id", "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001", "--service-user", "j@contoso.com", "--password-length", "-20"],
            /^ {2}- --password-length: passwordLength -20 must be a whole number of characters from 16 to 256$/m],
        ["demo", captured((argv, stderr) => runDemoCli(argv, { stdout: () => undefined, stderr })),
            ["--scenario", "-1"], /^--scenario "-1" is not a scenario; choose one of: /],
    ];

    for (const [name, run, negative, refusal] of commands) {
        it(`${name}: an unknown flag is one line naming it, then the pointer to --help, exit 2`, async () => {
            const out = await run(["--bogus"]);
            assert.equal(out.code, 2);
            const lines = out.stderr.trimEnd().split("\n");
            assert.match(lines[0], /^Unknown option '--bogus'; /);
            assert.match(lines.at(-1)!, /Run with --help for usage\.$/);
            assert.ok(lines.length <= 2, out.stderr);
        });

        it(`${name}: a negative number is refused by the flag's own rule, naming the flag and what is allowed`, async () => {
            const out = await run(negative);
            assert.equal(out.code, 2, out.stderr);
            assert.doesNotMatch(out.stderr, /ambiguous/);
            assert.match(out.stderr, refusal);
            assert.match(out.stderr, /Run with --help for usage\.\n?$/);
        });
    }

    it("emulator: an unknown flag or a negative number is a usage error naming the flag and the range", () => {
        assert.throws(() => parseEmulatorArgs(["--bogus"]), (e: unknown) => e instanceof UsageError && /^Unknown option '--bogus'; the options are --port, --http, /.test(e.message));
        assert.throws(() => parseEmulatorArgs(["--latency-ms", "-5"]), (e: unknown) => e instanceof UsageError && e.message === '--latency-ms "-5" must be a whole number from 0 to 9007199254740991');
        assert.throws(() => parseEmulatorArgs(["--port", "-1"]), (e: unknown) => e instanceof UsageError && e.message === '--port "-1" must be a whole number from 0 to 65535');
    });

    it("emulator, the running command: one line and the pointer to --help, not the whole usage, exit 2", function () {
        this.timeout(60_000);
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/emulator.ts", "--latency-ms", "-5"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(result.status, 2);
        assert.equal(result.stderr, '--latency-ms "-5" must be a whole number from 0 to 9007199254740991\nRun with --help for usage.\n');
        assert.equal(result.stdout, "");
    });

    it("takes a negative number after a flag as its value, and nothing else", () => {
        const options = { days: { type: "string" }, json: { type: "boolean" } } as const;
        assert.deepEqual(joinNegativeNumbers(["--days", "-3", "--json"], options), ["--days=-3", "--json"]);
        assert.deepEqual(joinNegativeNumbers(["--days", "-.5"], options), ["--days=-.5"]);
        // A flag after a value-taking flag is still a flag; a boolean flag takes no value; "--" ends the flags.
        assert.deepEqual(joinNegativeNumbers(["--days", "--json"], options), ["--days", "--json"]);
        assert.deepEqual(joinNegativeNumbers(["--json", "-3"], options), ["--json", "-3"]);
        assert.deepEqual(joinNegativeNumbers(["--", "--days", "-3"], options), ["--", "--days", "-3"]);
        assert.deepEqual(joinNegativeNumbers(["--toString", "-3"], options), ["--toString", "-3"]);
    });
});

describe("--help, in every command", () => {
    const usages: [string, string, Readonly<Record<string, number>> | undefined][] = [
        ["verify", VERIFY_USAGE, VERIFY_EXIT], ["handoff", HANDOFF_USAGE, HANDOFF_EXIT], ["status", STATUS_USAGE, STATUS_EXIT],
        ["new-tenant", NEW_TENANT_USAGE, NEW_TENANT_EXIT], ["demo", DEMO_USAGE, undefined], ["emulator", EMULATOR_USAGE, undefined],
    ];
    for (const [name, usage, exit] of usages) {
        it(`${name}: states its exit codes${exit ? ", every one the command uses" : ""}`, () => {
            const stated = /\nExit codes: ([\s\S]*)$/.exec(usage)?.[1];
            assert.ok(stated, `${name}'s --help has no "Exit codes:" paragraph`);
            for (const code of Object.values(exit ?? {})) assert.match(stated, new RegExp(`(^|[\\s,])${code} `), `${name}'s --help does not state exit ${code}`);
        });
    }
});
