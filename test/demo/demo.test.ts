import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStatusOutputs, pickStatusOutputs } from "../../fleet/status";
import { readHandoffFile } from "../../handoff/fileShape";
import { parseNow, runDemoCli } from "../../cli/demo";
import { runDemo, type DemoOptions } from "../../demo/runDemo";
import type { Handoff } from "../../handoff/types";
import { DEFAULT_TENANT_ID } from "../../emulator/index";

interface Run { code: number; out: string[]; err: string[]; handoff?: Handoff }

async function demo(options: Partial<DemoOptions> = {}): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [] };
    run.code = await runDemo({
        stdout: (l) => run.out.push(l), stderr: (l) => run.err.push(l),
        onHandoff: (h) => { run.handoff = h; }, ...options,
    });
    return run;
}

function assertNoSecret(run: Run): void {
    const text = [...run.out, ...run.err].join("\n");
    assert.ok(run.handoff, "the demo never produced a handoff");
    for (const secret of [run.handoff.secretValue, run.handoff.userPassword]) {
        assert.ok(!text.includes(secret), "a secret appears in the demo's output");
    }
}

describe("npm run demo", function () {
    this.timeout(120_000);
    let ok: Run;

    before(async () => {
        ok = await demo({ now: new Date("2026-11-27T09:00:00Z") });
    });

    it("provisions every resource through the emulator, verifies, and exits 0", () => {
        assert.equal(ok.code, 0, ok.out.join("\n"));
        const text = ok.out.join("\n");
        for (const step of [
            "+ password generated (32 characters)", '+ app registration "jtel Teams Presence"', "+ service principal ",
            "+ permissions declared on Microsoft Graph: 3", "+ service user jtel-presence@contoso.example",
            "+ service user made an owner of the app", "+ admin consent granted: Presence.Read.All User.Read User.ReadBasic.All (tenant-wide)",
            '+ client secret "jtel presence b 2026-06-19" (expires 2027-02-14)',
        ]) assert.ok(text.includes(step), `missing step: ${step}`);
        assert.match(text, /verified: scopes Presence.Read.All User.Read User.ReadBasic.All; service user PresenceUnknown; agents 4\/4 read, without Teams presence: dan.nolicence@contoso.example/);
        // The plan check: a second pulumi up against what the emulator's Graph returns would change nothing.
        assert.ok(text.includes("redeploy check: a pulumi up a minute later, planned against what the tenant returns, changes nothing (same 8)"), text);
        assert.deepEqual(ok.out.filter((l) => /^\[\d\/4\]/.test(l)).map((l) => l.slice(0, 5)), ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]);
    });

    it("prints the seed guide's handoff table with every row, secrets masked", () => {
        const h = ok.handoff!;
        const table = ok.out.slice(ok.out.findIndex((l) => l.startsWith("Data ")));
        assert.deepEqual(table.slice(0, 6), [
            "Data                    | Value",
            `Application (client) ID | ${h.applicationClientId}`,
            `Directory (tenant) ID   | ${DEFAULT_TENANT_ID}`,
            "Secret Value            | ********",
            "User email address      | jtel-presence@contoso.example",
            "User password           | ********",
        ]);
        assert.match(h.applicationClientId, /^[0-9a-f-]{36}$/);
        assert.ok(table.includes("The client secret (Secret Value) expires on 2027-02-14 00:00 UTC."));
        assert.ok(table.some((l) => l.startsWith("The next rotation is due on 2026-12-16 00:00 UTC")));
    });

    it("prints no secret anywhere without --show-secrets", () => assertNoSecret(ok));

    it("prints the secret and password with --show-secrets", async () => {
        const shown = await demo({ showSecrets: true });
        assert.equal(shown.code, 0);
        assert.ok(shown.out.includes(`Secret Value            | ${shown.handoff!.secretValue}`));
        assert.ok(shown.out.includes(`User password           | ${shown.handoff!.userPassword}`));
    });

    it("runs the program at --now, showing the rotation: both secret slots and the previous secret's deadline", async () => {
        const later = await runCli(["--now", "2027-01-10"]);
        assert.equal(later.code, 0);
        const text = later.out.join("\n");
        assert.ok(text.includes('+ client secret "jtel presence a 2026-12-16" (expires 2027-08-13)'));
        assert.ok(text.includes('+ client secret "jtel presence b 2026-06-19" (expires 2027-02-14)'));
        assert.ok(text.includes("After the last rotation the previous secret stops working on 2027-02-14 00:00 UTC; update the connector before then."));
        assert.ok(text.includes("changes nothing (same 9)"), "both slots read back as sent");
    });

    it("walks through connector-not-switched: the rotation, the connector on the old secret, the warning with days left, and the remedy", async () => {
        const handoffs: Handoff[] = [];
        const run = await demo({ scenario: "connector-not-switched", now: new Date("2026-11-27T09:00:00Z"), onHandoff: (h) => handoffs.push(h) });
        assert.equal(run.code, 0, run.out.join("\n"));
        const text = run.out.join("\n");
        // First up two days before the 2026-06-19 boundary (the start of --now's period); the second 50 days after
        // it, 10 before the old secret expires on 2026-08-18.
        assert.match(text, /pulumi up: the stack program .* at 2026-06-17T00:00:00\.000Z/);
        assert.match(text, /\[rotation 2\/4\] The daily pulumi up at 2026-08-08 00:00 UTC/);
        // The rotation's new secret, created by that up (its start date, the stack output currentSecretCreatedAt).
        assert.match(text, /newest secret key ID [0-9a-f-]{36} \(created 2026-08-08 00:00 UTC, expires 2027-02-14\)/);
        assert.match(text, /connector sign-in with the OLD secret: ok \(still valid\)/);
        assert.match(text, /connector secret: not-switched \(9 days left\)/);
        assert.match(text, /still signs in with the previous client secret .*before 2026-08-18 \(9 days left\)/);
        assert.match(text, /npm run status: secret-not-switched: .*within 14 days/);
        assert.match(text, /npm run status exits 1/);
        assert.match(text, /connector secret: switched; The connector uses the newest client secret/);
        assert.equal(handoffs.length, 2, "the first up's handoff and the rotation's");
        assert.notEqual(handoffs[0].secretValue, handoffs[1].secretValue);
        for (const h of handoffs) for (const secret of [h.secretValue, h.userPassword]) assert.ok(!text.includes(secret), "a secret appears in the demo's output");
    });

    it("diagnoses the mfa-required scenario with its remedy and exits 1", async () => {
        const run = await demo({ scenario: "mfa-required" });
        assert.equal(run.code, 1);
        const text = run.out.join("\n");
        assert.match(text, /code: mfa_required \(AADSTS50076\)/);
        assert.match(text, /Exclude the service user from MFA with a Conditional Access policy/);
        assert.ok(!text.includes("[4/4]"), "no handoff table after a failed verification");
        assertNoSecret(run);
    });

    it("diagnoses the expired-password scenario with its remedy and exits 1", async () => {
        const run = await demo({ scenario: "expired-password" });
        assert.equal(run.code, 1);
        const text = run.out.join("\n");
        assert.match(text, /code: password_expired \(AADSTS50055\)/);
        assert.match(text, /DisablePasswordExpiration/);
        assertNoSecret(run);
    });

    it("verifies the service-user-unlicensed scenario with a note and exits 0: the connector needs no Teams licence for its service user", async () => {
        const run = await runCli(["--scenario", "service-user-unlicensed"]);
        assert.equal(run.code, 0, run.out.join("\n"));
        const text = run.out.join("\n");
        assert.match(text, /verify: Note: The service user has no Teams presence \(Microsoft Graph answered HTTP 404 for it\) — expected without a Teams licence; agents need one/);
        assert.match(text, /verified: scopes .*; service user without Teams presence; agents 4\/4 read/);
        assert.ok(text.includes("[4/4] Handoff for the jtel contact:"));
    });

    it("saves the stack's outputs with --save-outputs, 0600, as pulumi stack output --json --show-secrets prints them, which handoff and status read", async () => {
        const dir = mkdtempSync(join(tmpdir(), "demo-outputs-"));
        try {
            const file = join(dir, "contoso.json");
            writeFileSync(file, "old", { mode: 0o644 });
            const run = await demo({ now: new Date("2026-11-27T09:00:00Z"), saveOutputs: file });
            assert.equal(run.code, 0, run.out.join("\n"));
            assert.equal(statSync(file).mode & 0o777, 0o600);
            const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
            assert.deepEqual(saved.handoff, run.handoff);
            assert.equal(saved.secretExpiresAt, "2027-02-14T00:00:00Z");
            assert.equal(saved.previousSecretExpiresAt, null);
            assert.equal(readHandoffFile(saved, file).shape, "stack outputs");
            assert.equal(parseStatusOutputs(pickStatusOutputs(saved, file), file).verification?.status, "verified");
            assert.ok(run.out.includes(`Outputs saved to ${file} (0600: it holds the secret and the password; delete it when done).`));
            assertNoSecret(run);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses --save-outputs into a folder that does not exist before deploying anything", async () => {
        const run = await runCli(["--save-outputs", join(tmpdir(), "no-such-folder", "contoso.json")]);
        assert.equal(run.code, 2);
        assert.deepEqual(run.out, []);
        assert.match(run.err.join("\n"), /^--save-outputs ".*no-such-folder\/contoso\.json" must name a file in an existing folder \(it is written with mode 0600\)\nRun with --help for usage\.$/);
    });

    it("rejects an unknown scenario or date, naming the flag and what is allowed", async () => {
        const scenario = await runCli(["--scenario", "nope"]);
        assert.equal(scenario.code, 2);
        assert.match(scenario.err.join("\n"), /--scenario "nope" is not a scenario; choose one of: mfa-required, slow-replication, consent-revoked, expired-password, conditional-access-block, service-user-unlicensed, connector-not-switched/);
        const date = await runCli(["--now", "soon"]);
        assert.equal(date.code, 2);
        assert.match(date.err.join("\n"), /--now "soon" must be a calendar date in ISO 8601 such as 2027-01-15/);
        const impossible = await runCli(["--now", "2027-02-30"]);
        assert.equal(impossible.code, 2);
        assert.match(impossible.err.join("\n"), /--now "2027-02-30" must be a calendar date/);
        const flag = await runCli(["--colour"]);
        assert.equal(flag.code, 2);
        assert.match(flag.err.join("\n"), /--colour/);
    });
});

async function runCli(argv: string[]): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [] };
    run.code = await runDemoCli(argv, { stdout: (l) => run.out.push(l), stderr: (l) => run.err.push(l) });
    return run;
}

describe("the demo's --now", () => {
    it("takes a date as midnight UTC and a date-time with its zone", () => {
        assert.equal(parseNow("2027-01-15")?.toISOString(), "2027-01-15T00:00:00.000Z");
        assert.equal(parseNow("2028-02-29")?.toISOString(), "2028-02-29T00:00:00.000Z");
        assert.equal(parseNow("2027-01-15T09:30:00Z")?.toISOString(), "2027-01-15T09:30:00.000Z");
        assert.equal(parseNow("2027-01-15T09:30+01:00")?.toISOString(), "2027-01-15T08:30:00.000Z");
    });

    for (const text of ["2027-02-30", "2027-02-29", "2027-13-01", "2027-04-31", "2027-01-15T24:00Z", "2027-01-15T09:00", "15.01.2027", "2027-1-5", "soon"]) {
        it(`refuses ${text} instead of rolling it over or reading it as local time`, () => assert.equal(parseNow(text), undefined));
    }
});
