// AADSTS50053 has two causes (Entra error reference, https://learn.microsoft.com/entra/identity-platform/reference-error-codes;
// MicrosoftDocs/entra-docs docs/identity-platform/reference-error-codes.md): smart lockout after too many failed
// sign-ins, or a sign-in blocked because it came from an IP address with malicious activity. The sign-in logs'
// "Failure reason" for error code 50053 tells them apart.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnoseTokenError, REMEDIES } from "../../verifier/diagnosis";
import { verifyPresenceAccess } from "../../verifier/index";
import { startTenant } from "./support";

describe("a locked account (AADSTS50053)", () => {
    it("names both causes in the diagnosis: smart lockout and a sign-in from an IP address with malicious activity", () => {
        const diagnosis = diagnoseTokenError("Password sign-in (ROPC)", 400, { error: "invalid_grant", error_codes: [50053] });
        assert.equal(diagnosis.code, "account_locked");
        assert.match(diagnosis.message, /smart lockout locked the service user after too many failed sign-ins/);
        assert.match(diagnosis.message, /blocked the sign-in because it came from an IP address with malicious activity/);
    });

    it("gives a remedy for each cause and says how to tell them apart in the sign-in logs", () => {
        const remedy = REMEDIES.account_locked;
        assert.match(remedy, /Sign-in logs/);
        assert.match(remedy, /error code 50053/);
        assert.match(remedy, /Failure reason/);
        assert.match(remedy, /lockout/i);
        assert.match(remedy, /malicious/);
        assert.match(remedy, /IP address/);
    });

    it("reaches the verification report when the emulated tenant locks the account, with no further password attempt", async () => {
        const tenant = await startTenant();
        try {
            tenant.emulator.faults.lockoutThreshold = 1;
            const seed = tenant.emulator.directory.seedPresenceSetup();
            await verifyPresenceAccess({ ...seed.handoff, userPassword: "Wrong-Password-123!" }, tenant.options({ maxPasswordAttempts: 1 }));
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.code, "account_locked");
            assert.equal(report.attempts.password, 1);
            assert.match(report.remedy, /Failure reason/);
            assert.match(report.remedy, /malicious/);
        } finally {
            await tenant.emulator.close();
        }
    });

    it("is described with both causes in docs/verification.md's code table, and README's short one", () => {
        const verification = readFileSync(join(__dirname, "..", "..", "docs", "verification.md"), "utf8");
        const row = verification.split("\n").find((line) => line.startsWith("| `account_locked` |"));
        assert.ok(row, "docs/verification.md has no account_locked row");
        assert.match(row, /AADSTS50053/);
        assert.match(row, /lockout/);
        assert.match(row, /malicious/);
        assert.match(row, /Failure reason/);
        const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
        const short = readme.split("\n").find((line) => line.startsWith("| `account_locked` |"));
        assert.ok(short, "README's short table has no account_locked row");
        assert.match(short, /lockout/);
        assert.match(short, /IP address/);
        assert.match(short, /Failure reason/);
    });
});
