import assert from "node:assert/strict";
import { AADSTS_TABLE, DIAGNOSIS_CODES, REMEDIES, diagnoseGraphError, diagnoseTokenError } from "../../verifier/diagnosis";

// The mapping, restated here so a change to the table has to be a deliberate one.
const EXPECTED: [number, string, boolean][] = [
    [50126, "invalid_credentials", true],
    [50034, "user_not_found", true],
    [700016, "app_not_found", true],
    [7000215, "invalid_client_secret", true],
    [7000218, "invalid_client_secret", false],
    [700025, "invalid_client_secret", false],
    [7000222, "client_secret_expired", false],
    [65001, "consent_missing", true],
    [500011, "consent_missing", true],
    [50076, "mfa_required", false],
    [50079, "mfa_registration_required", false],
    [53003, "blocked_by_conditional_access", false],
    [50055, "password_expired", false],
    [50057, "user_disabled", false],
    [50053, "account_locked", false],
    [90002, "tenant_not_found", false],
    [50173, "invalid_credentials", false],
];

function body(code: number, description = "anything"): Record<string, unknown> {
    return { error: "invalid_grant", error_description: description, error_codes: [code], trace_id: "t-1", correlation_id: "c-1" };
}

describe("diagnosis table", () => {
    for (const [aadsts, code, transient] of EXPECTED) {
        it(`maps AADSTS${aadsts} to ${code}${transient ? ", transient" : ", terminal"}`, () => {
            const d = diagnoseTokenError("Password sign-in (ROPC)", 400, body(aadsts));
            assert.equal(d.code, code);
            assert.equal(d.aadsts, aadsts);
            assert.equal(d.transient, transient);
        });
    }

    it("knows exactly the AADSTS numbers of the reference table", () => {
        assert.deepEqual(Object.keys(AADSTS_TABLE).map(Number).sort(), EXPECTED.map(([n]) => n).sort());
    });

    it("decides from error_codes, never from the description text", () => {
        const misleading = diagnoseTokenError("x", 400, body(50126, "AADSTS50076: you must use multi-factor authentication"));
        assert.equal(misleading.code, "invalid_credentials");
        const reworded = diagnoseTokenError("x", 400, body(50076, "Die Anmeldung erfordert MFA."));
        assert.equal(reworded.code, "mfa_required");
        assert.doesNotMatch(reworded.message, /Anmeldung/);
    });

    it("reports an AADSTS number outside the table as unknown_error and says so", () => {
        const d = diagnoseTokenError("x", 400, body(4242));
        assert.equal(d.code, "unknown_error");
        assert.equal(d.aadsts, 4242);
        assert.equal(d.transient, false);
        assert.match(d.message, /AADSTS4242 is not in the verifier's table/);
    });

    it("retries an unlisted AADSTS number that comes with HTTP 5xx as service_unavailable", () => {
        const d = diagnoseTokenError("x", 503, body(90033));
        assert.equal(d.code, "service_unavailable");
        assert.equal(d.aadsts, 90033);
        assert.equal(d.transient, true);
    });

    it("quotes trace and correlation IDs for a support case", () => {
        assert.match(diagnoseTokenError("x", 400, body(50057)).message, /trace ID t-1, correlation ID c-1/);
    });

    it("treats token endpoint 429 as throttled and 5xx without a code as service_unavailable, both transient", () => {
        const throttled = diagnoseTokenError("x", 429, undefined, 3000);
        assert.equal(throttled.code, "throttled");
        assert.equal(throttled.retryAfterMs, 3000);
        assert.equal(throttled.transient, true);
        const down = diagnoseTokenError("x", 503, undefined);
        assert.equal(down.code, "service_unavailable");
        assert.equal(down.transient, true);
    });

    it("maps a Graph 403 on presence to presence_forbidden and on user look-up to missing User.ReadBasic.All", () => {
        assert.equal(diagnoseGraphError("x", "presence", 403, "Forbidden").code, "presence_forbidden");
        const lookup = diagnoseGraphError("x", "userLookup", 403, "Authorization_RequestDenied");
        assert.equal(lookup.code, "consent_missing");
        assert.deepEqual(lookup.missingScopes, ["User.ReadBasic.All"]);
    });

    it("gives every code one remedy that an admin can act on", () => {
        for (const code of DIAGNOSIS_CODES) {
            assert.ok(REMEDIES[code].length > 40, `${code} has a real remedy`);
            assert.match(REMEDIES[code], /\.$/);
        }
    });

    it("asks for no Teams licence in any remedy: the connector does not need one for its service user (issue #14)", () => {
        for (const code of DIAGNOSIS_CODES) assert.doesNotMatch(REMEDIES[code], /licen[cs]e/i, code);
        assert.match(REMEDIES.presence_forbidden, /Presence\.Read\.All/);
    });

    it("names the secret ID versus value confusion for invalid_client_secret", () => {
        assert.match(REMEDIES.invalid_client_secret, /Value, not its Secret ID/);
    });

    it("tells the admin to exclude the service user from MFA via Conditional Access, as security defaults allow no exclusions", () => {
        assert.match(REMEDIES.mfa_required, /Conditional Access/);
        assert.match(REMEDIES.mfa_required, /[Ss]ecurity defaults allow no exclusions/);
    });

    it("mentions the forced change at next sign-in and DisablePasswordExpiration for password_expired", () => {
        assert.match(REMEDIES.password_expired, /forcing a change at next sign-in/);
        assert.match(REMEDIES.password_expired, /DisablePasswordExpiration/);
    });

    it("names the config keys delegatedPermissions and consent for consent_missing", () => {
        assert.match(REMEDIES.consent_missing, /`delegatedPermissions`/);
        assert.match(REMEDIES.consent_missing, /`consent`/);
    });
});
