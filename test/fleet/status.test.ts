// Fleet status: the pure function over recorded outputs, thresholds and a clock, and `npm run status`.
// test/fleet/recorded/ holds what `pulumi stack output --json` (without --show-secrets) prints for three
// stacks on 2026-11-27: contoso is healthy (R = 180, O = 60 days); fabrikam's daily `up` has failed since
// 2026-11-20, so its verification is a week old; northwind (R = 30, O = 14) missed the 2026-11-21 rotation,
// so its secret expires within 14 days, and was deployed before the secrets' key IDs were exported; litware
// (R = 30, O = 14) rotated on 2026-11-16. Beside each, <stack>.usage.json is the credential activity report the
// daily workflow read before that day's up: contoso's connector uses the newest secret, fabrikam's has signed in
// with nothing since the verification of 2026-11-19, northwind's tenant has no Entra ID P1 licence, and
// litware's connector still uses the previous secret, which expires on 2026-11-30.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { TokenCredential } from "@azure/identity";
import { runStatusCli, statusOutputArgs, type ExecWithEnv, type StatusCliIo } from "../../cli/status";
import { addReportReader, startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { postToken, ropcForm, TestClock } from "../emulator/support";
import {
    COLUMNS, DEFAULT_THRESHOLDS, fleetStatus, formatJson, formatTable, parseStatusOutputs, pickStatusOutputs, problemsOf,
    StatusOutputsError, STATUS_OUTPUT_KEYS, usageProblems, type StackSource, type StatusOutputs,
} from "../../fleet/status";
import { usageRecordSchema, type UsageRecord } from "../../verifier/secretUsage";

const recordedDir = join(__dirname, "recorded");
const NOW = new Date("2026-11-27T06:00:00Z");
const recorded = (stack: string): unknown => JSON.parse(readFileSync(join(recordedDir, `${stack}.json`), "utf8"));
const outputs = (stack: string): StatusOutputs => parseStatusOutputs(recorded(stack), stack);
const usage = (stack: string): UsageRecord => usageRecordSchema.parse(JSON.parse(readFileSync(join(recordedDir, `${stack}.usage.json`), "utf8")));
const withUsage = (stack: string): StackSource => ({ stack, outputs: outputs(stack), usage: usage(stack) });
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
        assert.deepEqual(codes(outputs("northwind"), new Date("2026-12-05T00:00:00Z"), { ...DEFAULT_THRESHOLDS, secretExpiryDays: 14, verificationAgeDays: 0 }), ["secret-expired", "rotation-overdue"]);
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
        assert.deepEqual(codes(outputs("fabrikam"), NOW, { ...DEFAULT_THRESHOLDS, secretExpiryDays: 14, verificationAgeDays: 0 }), []);
        assert.deepEqual(codes(outputs("northwind"), NOW, { ...DEFAULT_THRESHOLDS, secretExpiryDays: 0, verificationAgeDays: 0 }), ["rotation-overdue"]);
    });

    it("flags a secret exactly when it has less than the threshold left", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -5_000_000, max: 5_000_000 }), (thresholdDays, offsetMs) => {
            const expires = new Date(NOW.getTime() + thresholdDays * 864e5 + offsetMs).toISOString();
            const flagged = codes({ secretExpiresAt: expires, verification: { status: "verified", verifiedAt: NOW.toISOString() } }, NOW, { ...DEFAULT_THRESHOLDS, secretExpiryDays: thresholdDays, verificationAgeDays: 2 });
            assert.equal(flagged.includes("secret-expiring"), offsetMs < 0);
        }));
    });

    it("flags a verification exactly when it is older than the threshold", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: -5_000_000, max: 5_000_000 }), (thresholdDays, offsetMs) => {
            const verifiedAt = new Date(NOW.getTime() - thresholdDays * 864e5 - offsetMs).toISOString();
            const flagged = codes({ secretExpiresAt: "2030-01-01T00:00:00Z", verification: { status: "verified", verifiedAt } }, NOW, { ...DEFAULT_THRESHOLDS, secretExpiryDays: 14, verificationAgeDays: thresholdDays });
            assert.equal(flagged.includes("verification-stale"), offsetMs > 0);
        }));
    });

    it("reads only the allowlisted outputs, so a handoff read with --show-secrets never reaches a report", () => {
        const withSecrets = { ...(recorded("contoso") as object), handoff: { secretValue: SECRET, userPassword: PASSWORD }, userEmail: "jtel-presence@contoso.com" };
        const picked = pickStatusOutputs(withSecrets, "test");
        assert.deepEqual(Object.keys(picked).sort(), [...STATUS_OUTPUT_KEYS].sort());
        assert.deepEqual(Object.keys(picked.verification as object).sort(), ["elapsedMs", "status", "verifiedAt"]);
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
        assert.equal(table[2], "| contoso | 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 | 6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19 | 2026-11-27 03:20Z | ok | 2027-02-14 | — | 2026-12-16 | — | ok |");
        assert.match(table[4], /^\| northwind \|.*\| secret-expiring, rotation-overdue, verification-stale \|$/);
        const json = JSON.parse(formatJson(status)) as { ok: boolean; stacks: Record<string, unknown>[] };
        assert.deepEqual(Object.keys(json.stacks[0]), ["stack", ...COLUMNS.map((c) => c.key), "secretUsage", "problems"]);
        assert.equal(json.stacks[0].verifiedAt, "2026-11-27T03:20:11.123Z");
        assert.equal(json.stacks[0].verificationCode, "ok");
        assert.equal(fleetStatus([{ stack: "contoso", outputs: outputs("contoso") }], DEFAULT_THRESHOLDS, NOW).ok, true);
    });

    it("shows which client secret each connector uses, from the report recorded before the day's up", () => {
        const status = fleetStatus(["contoso", "fabrikam", "northwind", "litware"].map(withUsage), DEFAULT_THRESHOLDS, NOW);
        const byStack = Object.fromEntries(status.stacks.map((s) => [s.stack, s]));
        assert.deepEqual(status.stacks.map((s) => s.cells.connectorSecret), ["switched", "idle since 2026-11-19", "not-switched (2 days left)", "unknown (licence)"]);
        assert.deepEqual(status.stacks.map((s) => s.values.connectorSecret), ["switched", "idle", "not-switched", "unknown"]);
        assert.deepEqual(byStack.litware.problems.map((p) => p.code), ["secret-not-switched"]);
        assert.match(byStack.litware.problems[0].message, /previous client secret \(key ID b7a69584-7362-4514-a3b2-c1d0e9f8a7b6\), which expires on 2026-11-30, within 14 days/);
        assert.deepEqual(byStack.fabrikam.problems.map((p) => p.code), ["verification-stale", "connector-idle"]);
        assert.deepEqual(byStack.contoso.problems, []);
        assert.ok(!byStack.northwind.problems.some((p) => p.code.startsWith("connector") || p.code === "secret-not-switched"), "an unknown report is never a problem");
        const json = JSON.parse(formatJson(status)) as { stacks: { stack: string; secretUsage: { kind: string; reason?: string; daysLeft?: number } }[] };
        assert.deepEqual(json.stacks.map((s) => [s.stack, s.secretUsage.kind, s.secretUsage.reason ?? s.secretUsage.daysLeft ?? null]),
            [["contoso", "switched", null], ["fabrikam", "idle", null], ["litware", "not-switched", 2], ["northwind", "unknown", "licence"]]);
    });

    it("flags a connector on an old secret only within the switch deadline, listing it as a pending handover before", () => {
        const early = fleetStatus([withUsage("litware")], { ...DEFAULT_THRESHOLDS, switchDeadlineDays: 2 }, NOW);
        assert.deepEqual(early.stacks[0].problems, []);
        assert.match(formatTable(early), /Handover pending[^\n]*\n- `litware` not-switched \(2 days left\): the connector still uses an old client secret/);
        assert.deepEqual(fleetStatus([withUsage("litware")], { ...DEFAULT_THRESHOLDS, switchDeadlineDays: 0 }, NOW).stacks[0].problems, []);
        fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -5_000_000, max: 5_000_000 }), (deadlineDays, offsetMs) => {
            const expiresAt = new Date(NOW.getTime() + deadlineDays * 864e5 + offsetMs).toISOString();
            const problems = usageProblems({ kind: "not-switched", keyId: "k", slot: "previous", lastUsedAt: NOW.toISOString(), expiresAt, daysLeft: deadlineDays, newestUsedAt: null }, { ...DEFAULT_THRESHOLDS, switchDeadlineDays: deadlineDays }, NOW);
            assert.equal(problems.length === 1, offsetMs < 0);
        }));
    });

    it("flags an idle connector, and turns the check off with an idle threshold of 0", () => {
        assert.ok(fleetStatus([withUsage("fabrikam")], DEFAULT_THRESHOLDS, NOW).stacks[0].problems.some((p) => p.code === "connector-idle"));
        const off = fleetStatus([withUsage("fabrikam")], { ...DEFAULT_THRESHOLDS, idleHours: 0, verificationAgeDays: 0 }, NOW);
        assert.deepEqual([off.stacks[0].problems, off.stacks[0].cells.connectorSecret], [[], "idle since 2026-11-19"]);
    });

    it("shows an unreadable stack as a problem row, not as a crash", () => {
        const status = fleetStatus([{ stack: "tailspin", error: "`pulumi stack output` failed: no stack named tailspin" }], DEFAULT_THRESHOLDS, NOW);
        assert.equal(status.ok, false);
        assert.match(formatTable(status), /\| tailspin \| — \| — \| — \| — \| — \| — \| — \| — \| unreadable \|[\s\S]*no stack named tailspin/);
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

    async function status(argv: string[], exec?: ExecWithEnv, credential?: TokenCredential): Promise<Run> {
        const run: Run = { code: -1, stdout: "", stderr: "", calls: [] };
        const io: StatusCliIo = {
            ...(credential ? { credential: () => credential } : {}),
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

    it("reads the recorded report beside the outputs and exits 1 for a connector still on a secret expiring within the deadline", async () => {
        const run = await status(["--outputs", recordedDir, "--stack", "litware", "--stack", "contoso"]);
        assert.equal(run.code, 1);
        assert.match(run.stdout, /\| litware \|.*\| not-switched \(2 days left\) \| secret-not-switched \|/);
        assert.match(run.stdout, /`litware` secret-not-switched: the connector still signs in with the previous client secret/);
        assert.equal((await status(["--outputs", recordedDir, "--stack", "litware", "--switch-deadline-days", "2"])).code, 0);
        assert.equal((await status(["--outputs", recordedDir, "--stack", "northwind", "--secret-expiry-days", "0", "--verification-age-days", "0"])).code, 1, "rotation-overdue still counts");
        const unknownOnly = await status(["--outputs", recordedDir, "--stack", "northwind", "--json"]);
        assert.equal((JSON.parse(unknownOnly.stdout) as { stacks: { connectorSecret: string }[] }).stacks[0].connectorSecret, "unknown");
    });

    describe("reading the report live, against the emulator", () => {
        let clock: TestClock;
        let emulator: Emulator;
        let handoff: Handoff;
        let outputsJson: string;
        let previousSecret: string;
        let newestSecret: string;
        beforeEach(async () => {
            clock = new TestClock("2026-11-26T03:19:00Z");
            emulator = await startEmulator({ now: clock.now });
            const seeded = emulator.directory.seedPresenceSetup({ secretEndDateTime: new Date("2026-11-30T00:00:00Z") });
            handoff = seeded.handoff;
            previousSecret = handoff.secretValue;
            const previousKeyId = emulator.directory.applications()[0].passwordCredentials[0].keyId;
            const newest = emulator.directory.addPassword(seeded.applicationObjectId, { endDateTime: new Date("2026-12-30T00:00:00Z") });
            newestSecret = newest.secretText;
            outputsJson = JSON.stringify({
                directoryTenantId: emulator.tenantId, applicationClientId: handoff.applicationClientId, cloud: "public", handoff: "[secret]",
                secretExpiresAt: "2026-12-30T00:00:00.000Z", previousSecretExpiresAt: "2026-11-30T00:00:00.000Z", nextRotationAt: "2026-12-16T00:00:00.000Z",
                currentSecretKeyId: newest.keyId, previousSecretKeyId: previousKeyId,
                verification: { status: "verified", verifiedAt: "2026-11-26T03:19:02.000Z", elapsedMs: 2000 },
            });
        });
        afterEach(() => emulator.close());

        const pulumi: ExecWithEnv = async () => ({ stdout: outputsJson, stderr: "" });
        async function signIn(secretValue: string): Promise<void> {
            assert.equal((await postToken(emulator, ropcForm({ ...handoff, secretValue }))).status, 200);
        }

        it("classifies the connector from Graph's report as the deployer, saves it beside the outputs, and reads it back", async () => {
            await signIn(newestSecret); // the verification
            clock.advance(23 * 3_600_000);
            await signIn(previousSecret); // the connector, still on the previous secret
            const reader = addReportReader(emulator);
            const run = await status(["--stack", "contoso", "--graph-endpoint", emulator.url, "--save", "saved", "--json"], pulumi, reader.credential);
            assert.equal(run.code, 1, run.stderr);
            const json = JSON.parse(run.stdout) as { stacks: { connectorSecret: string; secretUsage: { daysLeft: number }; problems: { code: string }[] }[] };
            assert.equal(json.stacks[0].connectorSecret, "not-switched");
            assert.equal(json.stacks[0].secretUsage.daysLeft, 2);
            assert.ok(json.stacks[0].problems.some((p) => p.code === "secret-not-switched"));
            const saved = readFileSync(join(dir, "saved", "contoso.usage.json"), "utf8");
            assert.ok(!saved.includes(previousSecret) && !saved.includes(newestSecret), "the saved report holds no secret");
            const fromFiles = await status(["--stack", "contoso", "--outputs", "saved", "--json"]);
            assert.equal(fromFiles.stdout, run.stdout);
            // After the up: --usage skip refreshes the outputs and keeps the report read before it.
            assert.equal((await status(["--stack", "contoso", "--save", "saved", "--usage", "skip", "--exit-zero"], pulumi, reader.credential)).code, 0);
            assert.equal(readFileSync(join(dir, "saved", "contoso.usage.json"), "utf8"), saved);
        });

        it("runs the daily workflow's sequence: outputs with the state sign-in, the report from them with the deployer's, the fleet from the files", async () => {
            await signIn(newestSecret);
            clock.advance(23 * 3_600_000);
            await signIn(newestSecret); // the connector switched
            const reader = addReportReader(emulator);
            assert.equal((await status(["--stack", "contoso", "--save", "fleet-status", "--usage", "skip", "--exit-zero"], pulumi)).code, 0);
            assert.ok(!existsSync(join(dir, "fleet-status", "contoso.usage.json")));
            const report = await status(["--stack", "contoso", "--outputs", "fleet-status", "--usage", "read", "--graph-endpoint", emulator.url, "--save", "fleet-status", "--exit-zero"], undefined, reader.credential);
            assert.equal(report.calls.length, 0, "no pulumi call with the deployer's sign-in");
            const fleet = await status(["--stack", "contoso", "--outputs", "fleet-status"]);
            assert.match(fleet.stdout, /\| switched \| ok \|/);
            assert.equal(fleet.code, 0);
        });

        it("keeps the verification's canary through the saved outputs, and says not-recording instead of idle when the report never shows ROPC sign-ins", async () => {
            emulator.faults.reportSkipsPasswordSignIns = true;
            const outputs = JSON.parse(outputsJson) as { verification: Record<string, unknown> };
            outputs.verification.passwordSignInAt = "2026-11-26T03:19:00.000Z";
            outputsJson = JSON.stringify(outputs);
            await signIn(newestSecret); // the verification's password sign-in, which this report never shows
            clock.advance(23 * 3_600_000);
            await signIn(newestSecret); // the connector, by ROPC too
            const reader = addReportReader(emulator);
            assert.equal((await status(["--stack", "contoso", "--save", "fleet-status", "--usage", "skip", "--exit-zero"], pulumi)).code, 0);
            const saved = JSON.parse(readFileSync(join(dir, "fleet-status", "contoso.json"), "utf8")) as { verification: Record<string, unknown> };
            assert.equal(saved.verification.passwordSignInAt, "2026-11-26T03:19:00.000Z");
            await status(["--stack", "contoso", "--outputs", "fleet-status", "--usage", "read", "--graph-endpoint", emulator.url, "--save", "fleet-status", "--exit-zero"], undefined, reader.credential);
            const fleet = await status(["--stack", "contoso", "--outputs", "fleet-status", "--secret-expiry-days", "0"]);
            assert.match(fleet.stdout, /\| unknown \(not-recording\) \| ok \|/);
            assert.equal(fleet.code, 0, "never a failure, unlike the idle this silence would otherwise give");
        });

        it("shows unknown, never a failure, when the deployer may not read the report", async () => {
            await signIn(newestSecret);
            clock.advance(26 * 3_600_000);
            await signIn(newestSecret);
            const run = await status(["--stack", "contoso", "--graph-endpoint", emulator.url, "--secret-expiry-days", "0"], pulumi, addReportReader(emulator, { auditLogRead: false }).credential);
            assert.equal(run.code, 0, run.stdout);
            assert.match(run.stdout, /\| unknown \(permission\) \| ok \|/);
            emulator.faults.withoutPremiumLicence = true;
            const licence = await status(["--stack", "contoso", "--graph-endpoint", emulator.url, "--secret-expiry-days", "0"], pulumi, addReportReader(emulator).credential);
            assert.match(licence.stdout, /\| unknown \(licence\) \| ok \|/);
            emulator.faults.withoutPremiumLicence = false;
            const switched = await status(["--stack", "contoso", "--graph-endpoint", emulator.url, "--secret-expiry-days", "0"], pulumi, addReportReader(emulator).credential);
            assert.match(switched.stdout, /\| switched \| ok \|/);
        });
    });

    const bad: [string, string[], RegExp][] = [
        ["a fractional idle threshold", ["--idle-hours", "1.5"], /--idle-hours "1\.5" must be a whole number of hours from 0 to 8760/],
        ["a negative switch deadline", ["--switch-deadline-days=-3"], /--switch-deadline-days "-3" must be a whole number of days/],
        ["a Graph endpoint in clear text off this machine", ["--graph-endpoint", "http://graph.example.com"], /--graph-endpoint "http:\/\/graph\.example\.com" must use https:\/\/, or http:\/\/ only for a loopback host/],
        ["--graph-endpoint with --outputs", ["--outputs", "x", "--graph-endpoint", "https://graph.microsoft.com"], /--graph-endpoint applies only when the credential activity report is read \(--usage read\), not with --usage saved/],
        ["an unknown --usage", ["--usage", "live"], /--usage "live" must be one of read, saved, skip/],
        ["--usage saved without --outputs", ["--usage", "saved"], /--usage saved reads the report saved beside the outputs: pass --outputs DIR\|FILE too/],
        ["an unknown flag", ["--show-secrets"], /Unknown option '--show-secrets'.*the options are --stack/],
        ["--stack with --all", ["--stack", "contoso", "--all"], /either --stack NAME or --all/],
        ["a stack name with upper case", ["--stack", "Contoso"], /--stack "Contoso" must be a stack name: lower-case letters/],
        ["a negative threshold", ["--secret-expiry-days=-1"], /--secret-expiry-days "-1" must be a whole number of days from 0 to 3650/],
        ["a negative threshold written as a separate word", ["--secret-expiry-days", "-3"], /^--secret-expiry-days "-3" must be a whole number of days from 0 to 3650 \(0 turns the check off\)\n/],
        ["a negative idle threshold written as a separate word", ["--idle-hours", "-0.5"], /^--idle-hours "-0\.5" must be a whole number of hours from 0 to 8760/],
        ["a threshold that is not a number", ["--verification-age-days", "two"], /^--verification-age-days "two" must be a whole number of days from 0 to 3650/],
        ["outputs from stdin", ["--outputs", "-"], /^--outputs - \(stdin\) is not read by status: pass a folder saved by --save, or a file/],
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
            assert.match(run.stderr, /^[^\n]+\nRun with --help for usage\.\n$/, "one line and the pointer to --help; no \"Nothing was written\" on a command that reads");
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

    it("counts a stack as unreadable, exit 1 as docs/gitops.md says, when the pulumi CLI is missing, and says how to install it", async () => {
        const run = await status(["--stack", "contoso", "--stack", "fabrikam"], async () => { throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }); });
        assert.equal(run.code, 1, run.stderr);
        assert.equal(run.stderr, "");
        for (const stack of ["contoso", "fabrikam"]) assert.match(run.stdout, new RegExp(`\`${stack}\` unreadable: the pulumi CLI was not found on PATH; install it .* or pass --outputs`));
    });

    describe("--outputs FILE: one stack's outputs, as `pulumi stack output --json` prints them", () => {
        it("reads the file for the stack its name gives, with its saved report beside it", async () => {
            const run = await status(["--outputs", join(recordedDir, "litware.json"), "--json"]);
            const json = JSON.parse(run.stdout);
            assert.deepEqual(json.stacks.map((row: { stack: string }) => row.stack), ["litware"]);
            assert.match(JSON.stringify(json), /not-switched/, "litware.usage.json beside it was read");
            assert.equal(run.code, 1, "litware's connector is on an old secret that expires within 14 days");
        });

        it("takes the stack's name from --stack for any file name, and the whole outputs with secrets without showing them", async () => {
            const file = join(dir, "outputs.json");
            writeFileSync(file, JSON.stringify({ ...(recorded("contoso") as object), handoff: { secretValue: SECRET, userPassword: PASSWORD } }), { mode: 0o600 });
            const run = await status(["--outputs", file, "--stack", "contoso"]);
            assert.equal(run.code, 0, run.stdout + run.stderr);
            assert.match(run.stdout, /\| contoso \|/);
            assert.ok(!run.stdout.includes(SECRET) && !run.stdout.includes(PASSWORD));
        });

        it("counts the stacks of a folder or file that does not exist as unreadable (exit 1), as when no job saved them", async () => {
            const folder = await status(["--outputs", "nowhere", "--stack", "contoso"]);
            assert.equal(folder.code, 1);
            assert.match(folder.stdout, /`contoso` unreadable: --outputs nowhere\/contoso\.json: no outputs were recorded/);
            const file = await status(["--outputs", "nowhere/contoso.json"]);
            assert.equal(file.code, 1);
            assert.match(file.stdout, /`contoso` unreadable: --outputs nowhere\/contoso\.json: no outputs were recorded/);
        });

        it("refuses a file whose stack it cannot name, several stacks, or the handoff object, saying what to pass", async () => {
            const file = join(dir, "Outputs.JSON");
            writeFileSync(file, JSON.stringify(recorded("contoso")));
            const unnamed = await status(["--outputs", file]);
            assert.equal(unnamed.code, 2);
            assert.match(unnamed.stderr, /^--outputs \S+Outputs\.JSON: name its stack with --stack NAME/);
            const several = await status(["--outputs", file, "--stack", "contoso", "--stack", "fabrikam"]);
            assert.equal(several.code, 2);
            assert.match(several.stderr, /holds one stack's outputs: pass at most one --stack NAME, or a folder saved by --save/);
            // A file of its own: `mode` applies only when a file is created, and this one holds a secret.
            const handoffFile = join(dir, "handoff.json");
            writeFileSync(handoffFile, JSON.stringify({ applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211", secretValue: SECRET }), { mode: 0o600 });
            const handoff = await status(["--outputs", handoffFile, "--stack", "contoso"]);
            assert.equal(handoff.code, 2);
            assert.match(handoff.stderr, /is the handoff object \(the five values\), which has nothing status reads; pass the stack's outputs as `pulumi stack output --json` prints them/);
            assert.ok(!handoff.stderr.includes(SECRET));
        });
    });
});
