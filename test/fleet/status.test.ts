// Fleet status: the pure function over recorded outputs, thresholds and a clock, and `npm run status`.
// test/fleet/recorded/ holds what `pulumi stack output --json` (without --show-secrets) prints for three
// stacks on 2026-11-27: contoso is healthy (R = 180, O = 60 days); fabrikam's daily `up` has failed since
// 2026-11-20, so its verification is a week old; northwind (R = 30, O = 14) missed the 2026-11-21 rotation,
// so its secret expires within 14 days.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { runStatusCli, statusOutputArgs, type ExecWithEnv, type StatusCliIo } from "../../cli/status";
import {
    COLUMNS, DEFAULT_THRESHOLDS, fleetStatus, formatJson, formatTable, parseStatusOutputs, pickStatusOutputs, problemsOf,
    StatusOutputsError, STATUS_OUTPUT_KEYS, type StatusOutputs,
} from "../../fleet/status";

const recordedDir = join(__dirname, "recorded");
const NOW = new Date("2026-11-27T06:00:00Z");
const recorded = (stack: string): unknown => JSON.parse(readFileSync(join(recordedDir, `${stack}.json`), "utf8"));
const outputs = (stack: string): StatusOutputs => parseStatusOutputs(recorded(stack), stack);
const codes = (o: StatusOutputs, now = NOW, thresholds = DEFAULT_THRESHOLDS) => problemsOf(o, thresholds, now).map((p) => p.code);

const SECRET = "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL";
const PASSWORD = "Tr0ub4dor-Horse-9!zQ";

describe("fleet status (pure)", () => {
    it("finds nothing wrong with a stack verified today whose secret has months left", () => {
        assert.deepEqual(codes(outputs("contoso")), []);
    });

    it("reports a verification older than the threshold, with its age", () => {
        const problems = problemsOf(outputs("fabrikam"), DEFAULT_THRESHOLDS, NOW);
        assert.deepEqual(problems.map((p) => p.code), ["verification-stale"]);
        assert.match(problems[0].message, /8 days ago \(more than 2\)/);
    });

    it("reports a missed rotation and a secret expiring within the threshold", () => {
        assert.deepEqual(codes(outputs("northwind")), ["secret-expiring", "rotation-overdue", "verification-stale"]);
    });

    it("reports an expired secret as expired, not as expiring", () => {
        assert.deepEqual(codes(outputs("northwind"), new Date("2026-12-05T00:00:00Z"), { secretExpiryDays: 14, verificationAgeDays: 0 }), ["secret-expired", "rotation-overdue"]);
    });

    it("reports a stack without a successful up as not deployed, and nothing else", () => {
        assert.deepEqual(codes({ verification: undefined }), ["not-deployed"]);
    });

    it("reports a stack that records no verification, naming verify: false when that is why", () => {
        const { verification: _v, ...rest } = outputs("contoso");
        assert.deepEqual(codes(rest), ["never-verified"]);
        const disabled = problemsOf({ ...rest, verification: { status: "disabled", reason: "verify is false" } }, DEFAULT_THRESHOLDS, NOW);
        assert.match(disabled[0].message, /verify is false/);
    });

    it("turns a check off with a threshold of 0", () => {
        assert.deepEqual(codes(outputs("fabrikam"), NOW, { secretExpiryDays: 14, verificationAgeDays: 0 }), []);
        assert.deepEqual(codes(outputs("northwind"), NOW, { secretExpiryDays: 0, verificationAgeDays: 0 }), ["rotation-overdue"]);
    });

    it("flags a secret exactly when it has less than the threshold left", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -5_000_000, max: 5_000_000 }), (thresholdDays, offsetMs) => {
            const expires = new Date(NOW.getTime() + thresholdDays * 864e5 + offsetMs).toISOString();
            const flagged = codes({ secretExpiresAt: expires, verification: { status: "verified", verifiedAt: NOW.toISOString() } }, NOW, { secretExpiryDays: thresholdDays, verificationAgeDays: 2 });
            assert.equal(flagged.includes("secret-expiring"), offsetMs < 0);
        }));
    });

    it("flags a verification exactly when it is older than the threshold", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: -5_000_000, max: 5_000_000 }), (thresholdDays, offsetMs) => {
            const verifiedAt = new Date(NOW.getTime() - thresholdDays * 864e5 - offsetMs).toISOString();
            const flagged = codes({ secretExpiresAt: "2030-01-01T00:00:00Z", verification: { status: "verified", verifiedAt } }, NOW, { secretExpiryDays: 14, verificationAgeDays: thresholdDays });
            assert.equal(flagged.includes("verification-stale"), offsetMs > 0);
        }));
    });

    it("reads only the allowlisted outputs, so a handoff read with --show-secrets never reaches a report", () => {
        const withSecrets = { ...(recorded("contoso") as object), handoff: { secretValue: SECRET, userPassword: PASSWORD }, userEmail: "jtel-presence@contoso.com" };
        const picked = pickStatusOutputs(withSecrets, "test");
        assert.deepEqual(Object.keys(picked).sort(), [...STATUS_OUTPUT_KEYS].sort());
        assert.deepEqual(Object.keys(picked.verification as object).sort(), ["status", "verifiedAt"]);
        const status = fleetStatus([{ stack: "contoso", outputs: parseStatusOutputs(withSecrets, "test") }], DEFAULT_THRESHOLDS, NOW);
        for (const text of [formatTable(status), formatJson(status)]) {
            for (const secret of [SECRET, PASSWORD, "[secret]", "jtel-presence@contoso.com"]) assert.ok(!text.includes(secret), `${secret} reached the report`);
        }
    });

    it("refuses malformed outputs naming the source and the key", () => {
        assert.throws(() => parseStatusOutputs([], "x.json"), (e: Error) => e instanceof StatusOutputsError && /x\.json must be the JSON object/.test(e.message));
        assert.throws(() => parseStatusOutputs({ secretExpiresAt: "soon" }, "x.json"), /x\.json: secretExpiresAt must be an ISO 8601 date-time/);
        assert.throws(() => parseStatusOutputs({ verification: "yes" }, "x.json"), /x\.json: verification must be the object/);
        assert.throws(() => parseStatusOutputs({ verification: { status: "verified", verifiedAt: "yesterday" } }, "x.json"), /verification\.verifiedAt must be an ISO 8601/);
    });

    it("shows one row per stack in name order with every column, and ok only when no stack has a problem", () => {
        const status = fleetStatus(["northwind", "contoso", "fabrikam"].map((stack) => ({ stack, outputs: outputs(stack) })), DEFAULT_THRESHOLDS, NOW);
        assert.deepEqual(status.stacks.map((s) => s.stack), ["contoso", "fabrikam", "northwind"]);
        assert.equal(status.ok, false);
        const table = formatTable(status).split("\n");
        assert.equal(table[0], `| stack | ${COLUMNS.map((c) => c.header).join(" | ")} | state |`);
        assert.equal(table[2], "| contoso | 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 | 6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19 | 2026-11-27 03:20Z | ok | 2027-02-14 | — | 2026-12-16 | ok |");
        assert.match(table[4], /^\| northwind \|.*\| secret-expiring, rotation-overdue, verification-stale \|$/);
        const json = JSON.parse(formatJson(status)) as { ok: boolean; stacks: Record<string, unknown>[] };
        assert.deepEqual(Object.keys(json.stacks[0]), ["stack", ...COLUMNS.map((c) => c.key), "problems"]);
        assert.equal(json.stacks[0].verifiedAt, "2026-11-27T03:20:11.123Z");
        assert.equal(json.stacks[0].verificationCode, "ok");
        assert.equal(fleetStatus([{ stack: "contoso", outputs: outputs("contoso") }], DEFAULT_THRESHOLDS, NOW).ok, true);
    });

    it("shows an unreadable stack as a problem row, not as a crash", () => {
        const status = fleetStatus([{ stack: "tailspin", error: "`pulumi stack output` failed: no stack named tailspin" }], DEFAULT_THRESHOLDS, NOW);
        assert.equal(status.ok, false);
        assert.match(formatTable(status), /\| tailspin \| — \| — \| — \| — \| — \| — \| — \| unreadable \|[\s\S]*no stack named tailspin/);
    });
});

describe("npm run status", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "status-"));
        for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.contoso.yaml", "Pulumi.fabrikam.yaml", "Pulumi.northwind.yaml"]) writeFileSync(join(dir, file), "config: {}\n");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    interface Run { code: number; stdout: string; stderr: string; calls: { file: string; args: readonly string[]; env: Record<string, string> }[] }

    async function status(argv: string[], exec?: ExecWithEnv): Promise<Run> {
        const run: Run = { code: -1, stdout: "", stderr: "", calls: [] };
        const io: StatusCliIo = {
            stdout: (t) => { run.stdout += t; },
            stderr: (t) => { run.stderr += t; },
            cwd: dir,
            now: () => NOW,
            exec: async (file, args, env) => {
                run.calls.push({ file, args, env: { ...env } });
                if (!exec) throw new Error("no pulumi in this test");
                return exec(file, args, env);
            },
        };
        run.code = await runStatusCli(argv, io);
        return run;
    }

    const fromRecorded: ExecWithEnv = async (_file, args) => ({ stdout: readFileSync(join(recordedDir, `${args[args.indexOf("--stack") + 1]}.json`), "utf8"), stderr: "" });

    it("reads every committed stack with `pulumi stack output --json`, never --show-secrets, and exits 1 past a threshold", async () => {
        const run = await status([], fromRecorded);
        assert.equal(run.code, 1);
        assert.deepEqual(run.calls.map((c) => c.args), ["contoso", "fabrikam", "northwind"].map(statusOutputArgs));
        for (const call of run.calls) {
            assert.equal(call.file, "pulumi");
            assert.deepEqual(call.args.slice(0, 3), ["stack", "output", "--json"]);
            assert.ok(!call.args.some((a) => a.includes("secret")), "status must never pass --show-secrets");
        }
        assert.match(run.stdout, /^\| stack \| tenant \| client ID \|/);
        assert.match(run.stdout, /`fabrikam` verification-stale/);
    });

    it("exits 0 for stacks within thresholds, and with --exit-zero", async () => {
        assert.equal((await status(["--stack", "contoso"], fromRecorded)).code, 0);
        assert.equal((await status(["--exit-zero"], fromRecorded)).code, 0);
        assert.equal((await status(["--stack", "fabrikam", "--verification-age-days", "10"], fromRecorded)).code, 0);
    });

    it("points pulumi at each tenant's own state with --backend-url", async () => {
        const run = await status(["--stack", "contoso", "--stack", "fabrikam", "--backend-url", "azblob://tenant-{stack}?storage_account=jtelstate"], fromRecorded);
        assert.deepEqual(run.calls.map((c) => c.env.PULUMI_BACKEND_URL), ["azblob://tenant-contoso?storage_account=jtelstate", "azblob://tenant-fabrikam?storage_account=jtelstate"]);
    });

    it("prints JSON on request", async () => {
        const run = await status(["--json", "--stack", "northwind"], fromRecorded);
        const json = JSON.parse(run.stdout) as { ok: boolean; thresholds: object; stacks: { stack: string; problems: { code: string }[] }[] };
        assert.equal(json.ok, false);
        assert.deepEqual(json.thresholds, DEFAULT_THRESHOLDS);
        assert.deepEqual(json.stacks[0].problems.map((p) => p.code), ["secret-expiring", "rotation-overdue", "verification-stale"]);
    });

    it("saves the allowlisted outputs with --save and reads them back with --outputs, without pulumi", async () => {
        const secretPulumi: ExecWithEnv = async (file, args, env) => {
            const out = JSON.parse((await fromRecorded(file, args, env)).stdout) as Record<string, unknown>;
            return { stdout: JSON.stringify({ ...out, handoff: { secretValue: SECRET, userPassword: PASSWORD } }), stderr: "" };
        };
        assert.equal((await status(["--save", "saved", "--exit-zero"], secretPulumi)).code, 0);
        assert.deepEqual(readdirSync(join(dir, "saved")).sort(), ["contoso.json", "fabrikam.json", "northwind.json"]);
        for (const file of readdirSync(join(dir, "saved"))) {
            const text = readFileSync(join(dir, "saved", file), "utf8");
            assert.ok(!text.includes(SECRET) && !text.includes(PASSWORD) && !text.includes("handoff"), `${file} holds more than the allowlist`);
        }
        const fromPulumi = await status(["--json"], fromRecorded);
        const fromFiles = await status(["--json", "--outputs", "saved"]);
        assert.equal(fromFiles.calls.length, 0);
        assert.equal(fromFiles.stdout, fromPulumi.stdout);
        assert.equal(fromFiles.code, 1);
    });

    it("reports a stack whose outputs were not recorded, or whose pulumi call failed, as unreadable", async () => {
        const run = await status(["--outputs", recordedDir, "--stack", "contoso", "--stack", "tailspin"]);
        assert.equal(run.code, 1);
        assert.match(run.stdout, /`tailspin` unreadable: --outputs .*tailspin\.json: no outputs were recorded/);
        const failing: ExecWithEnv = async () => { throw Object.assign(new Error("exit 255"), { code: 255, stderr: "error: no stack named 'tailspin' found\n" }); };
        const failed = await status(["--stack", "tailspin"], failing);
        assert.equal(failed.code, 1);
        assert.match(failed.stdout, /`tailspin` unreadable: `pulumi stack output` failed: error: no stack named 'tailspin' found/);
    });

    const bad: [string, string[], RegExp][] = [
        ["an unknown flag", ["--show-secrets"], /Unknown option '--show-secrets'.*the options are --stack/],
        ["--stack with --all", ["--stack", "contoso", "--all"], /either --stack NAME or --all/],
        ["a stack name with upper case", ["--stack", "Contoso"], /--stack "Contoso" must be a stack name: lower-case letters/],
        ["a negative threshold", ["--secret-expiry-days=-1"], /--secret-expiry-days "-1" must be a whole number of days from 0 to 3650/],
        ["a fractional threshold", ["--verification-age-days", "1.5"], /--verification-age-days "1\.5" must be a whole number/],
        ["a bad date", ["--now", "tomorrow"], /--now "tomorrow" must be an ISO 8601 date/],
        ["a backend URL shared by every tenant", ["--backend-url", "azblob://state?storage_account=x"], /must contain \{stack\}/],
        ["--backend-url with --outputs", ["--outputs", "x", "--backend-url", "azblob://tenant-{stack}"], /--backend-url applies only when pulumi is run/],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} with exit 2, naming the flag, and writes nothing`, async () => {
            const run = await status([...argv, "--save", "saved"], fromRecorded);
            assert.equal(run.code, 2, run.stderr);
            assert.match(run.stderr, message);
            assert.match(run.stderr, /Nothing was written/);
            assert.equal(run.stdout, "");
            assert.equal(existsSync(join(dir, "saved")), false);
        });
    }

    it("refuses a recorded file that is not JSON or has a malformed date, naming the file and key, and writes nothing", async () => {
        writeFileSync(join(dir, "contoso.json"), "{not json");
        writeFileSync(join(dir, "fabrikam.json"), JSON.stringify({ secretExpiresAt: "next week" }));
        const notJson = await status(["--outputs", ".", "--stack", "contoso", "--save", "saved"]);
        assert.equal(notJson.code, 2);
        assert.match(notJson.stderr, /--outputs contoso\.json is not valid JSON/);
        const badDate = await status(["--outputs", ".", "--stack", "fabrikam", "--save", "saved"]);
        assert.equal(badDate.code, 2);
        assert.match(badDate.stderr, /--outputs fabrikam\.json: secretExpiresAt must be an ISO 8601 date-time/);
        assert.equal(existsSync(join(dir, "saved")), false);
    });

    it("refuses a committed stack file whose name breaks the rule", async () => {
        writeFileSync(join(dir, "Pulumi.Tailspin.yaml"), "config: {}\n");
        const run = await status(["--outputs", recordedDir]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /Pulumi\.Tailspin\.yaml: a stack name must be lower-case/);
    });

    it("says how to install pulumi when it is missing", async () => {
        const run = await status(["--stack", "contoso"], async () => { throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }); });
        assert.equal(run.code, 2);
        assert.match(run.stderr, /pulumi CLI was not found on PATH.*--outputs DIR/);
    });
});
