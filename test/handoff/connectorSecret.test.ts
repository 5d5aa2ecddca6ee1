// `npm run handoff` says which client secret the connector last used (stderr, for the operator), from Graph's
// credential activity report read as the deployer against the emulator; that line never changes the exit code
// and never shows a secret.
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/identity";
import { runHandoffCli, type HandoffCliIo } from "../../cli/handoff";
import { addReportReader, startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { postToken, ropcForm, TestClock } from "../emulator/support";

describe("npm run handoff: which client secret the connector last used", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let previous: Handoff;
    let newestSecret: string;
    let outputs: Record<string, unknown>;

    beforeEach(async () => {
        clock = new TestClock("2026-11-26T03:19:00Z");
        emulator = await startEmulator({ now: clock.now });
        const seeded = emulator.directory.seedPresenceSetup({ secretEndDateTime: new Date("2026-12-10T00:00:00Z") });
        previous = seeded.handoff;
        const previousKeyId = emulator.directory.applications()[0].passwordCredentials[0].keyId;
        const newest = emulator.directory.addPassword(seeded.applicationObjectId, { endDateTime: new Date("2027-01-09T00:00:00Z") });
        newestSecret = newest.secretText;
        outputs = {
            handoff: { ...previous, secretValue: newestSecret },
            applicationClientId: previous.applicationClientId, directoryTenantId: emulator.tenantId, cloud: "public",
            secretExpiresAt: "2027-01-09T00:00:00.000Z", previousSecretExpiresAt: "2026-12-10T00:00:00.000Z", nextRotationAt: "2026-12-26T00:00:00.000Z",
            currentSecretKeyId: newest.keyId, previousSecretKeyId: previousKeyId,
            verification: { status: "verified", verifiedAt: "2026-11-26T03:19:01.000Z", elapsedMs: 1500 },
        };
    });
    afterEach(() => emulator.close());

    async function signIn(secretValue: string): Promise<void> {
        assert.equal((await postToken(emulator, ropcForm({ ...previous, secretValue }))).status, 200);
    }

    async function handoff(argv: string[], credential?: TokenCredential) {
        const out = { code: -1, stdout: "", stderr: "" };
        const io: HandoffCliIo = {
            stdout: (t) => { out.stdout += t; },
            stderr: (t) => { out.stderr += t; },
            readStdin: async () => JSON.stringify(outputs),
            readFile: async () => { throw new Error("no files here"); },
            execFile: async () => ({ stdout: JSON.stringify(outputs), stderr: "" }),
            now: clock.now,
            ...(credential ? { credential: () => credential } : {}),
        };
        out.code = await runHandoffCli(argv, io);
        for (const text of [out.stdout, out.stderr]) {
            assert.ok(!text.includes(newestSecret) && !text.includes(previous.secretValue) && !text.includes(previous.userPassword), "a secret was printed");
        }
        return out;
    }

    it("prints that the connector still uses the previous secret, with the deadline and the command for this stack", async () => {
        await signIn(newestSecret); // the verification
        clock.advance(5 * 3_600_000);
        await signIn(previous.secretValue); // the connector
        const out = await handoff(["--stack", "contoso", "--graph-endpoint", emulator.url], addReportReader(emulator).credential);
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stderr, /still signs in with the previous client secret .*`npm run handoff -- --stack contoso`.*before 2026-12-10 \(13 days left\)/);
        assert.doesNotMatch(out.stdout, /still signs in/, "the table for the jtel contact stays as it was");
    });

    it("prints that the connector uses the newest secret once it switched", async () => {
        await signIn(newestSecret);
        clock.advance(5 * 3_600_000);
        await signIn(newestSecret);
        const out = await handoff(["--outputs", "-", "--usage", "read", "--format", "json", "--graph-endpoint", emulator.url], addReportReader(emulator).credential);
        assert.equal(out.code, 0);
        assert.match(out.stderr, /The connector uses the newest client secret \(key ID [0-9a-f-]+\); last sign-in 2026-11-26 08:19 UTC/);
        assert.deepEqual(Object.keys(JSON.parse(out.stdout)).includes("secretValue"), true, "stdout stays the JSON object");
    });

    it("says unknown with the reason, and still exits 0, when the deployer may not read the report", async () => {
        const out = await handoff(["--stack", "contoso", "--graph-endpoint", emulator.url], addReportReader(emulator, { auditLogRead: false }).credential);
        assert.equal(out.code, 0);
        assert.match(out.stderr, /unknown: the deployer may not read the report: grant .*AuditLog\.Read\.All.*Reports Reader role \(HTTP 403 Authentication_MSGraphPermissionMissing\)/);
    });

    it("reads nothing for a file unless --usage read is given: the deployer's credential is never asked for", async () => {
        const out = await handoff(["--outputs", "-"], { getToken: () => { throw new Error("the credential was asked for a token"); } });
        assert.equal(out.code, 0, out.stderr);
        assert.doesNotMatch(out.stderr, /connector|credential/);
        assert.equal(emulator.requests.filter((r) => r.path.startsWith("/beta")).length, 0);
    });

    it("reads nothing with --usage skip or --skip-usage, and refuses --graph-endpoint without --usage read", async () => {
        for (const flags of [["--usage", "skip"], ["--skip-usage"]]) {
            const out = await handoff(["--stack", "contoso", ...flags], { getToken: () => { throw new Error("the credential was asked for a token"); } });
            assert.equal(out.code, 0, out.stderr);
            assert.doesNotMatch(out.stderr, /connector/);
        }
        const endpoint = await handoff(["--outputs", "-", "--graph-endpoint", emulator.url]);
        assert.equal(endpoint.code, 2);
        assert.match(endpoint.stderr, /^--graph-endpoint applies only when the credential activity report is read; add --usage read/);
        const contradiction = await handoff(["--stack", "contoso", "--skip-usage", "--usage", "read"]);
        assert.equal(contradiction.code, 2);
        assert.match(contradiction.stderr, /--skip-usage and --usage read contradict each other/);
        const mode = await handoff(["--stack", "contoso", "--usage", "saved"]);
        assert.equal(mode.code, 2);
        assert.match(mode.stderr, /--usage "saved" must be read .* or skip/);
    });

    it("reads nothing with --skip-usage", async () => {
        const out = await handoff(["--stack", "contoso", "--skip-usage"], addReportReader(emulator).credential);
        assert.equal(out.code, 0);
        assert.doesNotMatch(out.stderr, /connector/);
        assert.equal(emulator.requests.filter((r) => r.path.startsWith("/beta")).length, 0);
    });

    it("refuses a Graph endpoint off this machine over http, naming the flag", async () => {
        const out = await handoff(["--stack", "contoso", "--graph-endpoint", "http://graph.example.com"], addReportReader(emulator).credential);
        assert.equal(out.code, 2);
        assert.match(out.stderr, /--graph-endpoint "http:\/\/graph\.example\.com" must use https:\/\//);
    });
});
