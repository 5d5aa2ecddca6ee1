import assert from "node:assert/strict";
import type { Diagnosis } from "../../verifier/diagnosis";
import type { AgentSummary } from "../../verifier/roster";
import type { AttemptOutcome } from "../../verifier/retry";
import { describeAgents, secretIdCheck, settingsFrom } from "../../verifier/verify";

// Option mistakes throw a RangeError that names the option, what is allowed and the value given.
describe("verifier options", () => {
    it("rejects timeoutSeconds 0: the verifier needs some time to prove anything", () => {
        assert.throws(() => settingsFrom({ timeoutSeconds: 0 }), { name: "RangeError", message: "timeoutSeconds must be a positive number of seconds, got 0" });
    });

    it("accepts maxWaitSeconds 0 (never wait between retries) but rejects a negative maxWaitSeconds by name", () => {
        assert.equal(settingsFrom({ maxWaitSeconds: 0 }).capMs, 0);
        assert.throws(() => settingsFrom({ maxWaitSeconds: -1 }), { name: "RangeError", message: "maxWaitSeconds must be a non-negative number of seconds, got -1" });
    });

    it("accepts a timeoutSeconds just above zero", () => {
        assert.equal(settingsFrom({ timeoutSeconds: 0.5 }).timeoutMs, 500);
    });

    it("allows a single password attempt, and no fewer", () => {
        assert.equal(settingsFrom({ maxPasswordAttempts: 1 }).maxPasswordAttempts, 1);
        assert.throws(() => settingsFrom({ maxPasswordAttempts: 0 }), { name: "RangeError", message: "maxPasswordAttempts 0 must be a whole number from 1 to 9 in cloud public: smart lockout locks an account there after 10 failed sign-ins by default (a tenant with Entra ID P1 may set fewer; then choose fewer attempts still)" });
    });
});

describe("secret ID check", () => {
    const invalidSecret: AttemptOutcome<never> = {
        ok: false,
        diagnosis: { code: "invalid_client_secret", aadsts: 7000215, transient: true, message: "AADSTS7000215: the client secret is invalid." } as Diagnosis,
    };

    it("stops at once when the secretValue handed over is a GUID, even with spaces around it", () => {
        const checked = secretIdCheck(invalidSecret, "  0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n");
        assert.equal(checked.ok, false);
        assert.equal(!checked.ok && checked.diagnosis.transient, false);
    });

    it("keeps waiting for replication when a GUID-shaped secretValue meets another error than AADSTS7000215", () => {
        const other: AttemptOutcome<never> = { ok: false, diagnosis: { ...invalidSecret.diagnosis, aadsts: 700016, code: "app_not_found" } as Diagnosis };
        assert.deepEqual(secretIdCheck(other, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), other);
    });
});

describe("agent summary line", () => {
    const none: AgentSummary = { requested: 2, resolved: 2, unresolved: [], presenceUnknown: [], presenceNull: [], userLookupForbidden: false, availability: {} };

    it("says how many agents were requested and resolved, and nothing more when all went well", () => {
        assert.equal(describeAgents(none), "2 requested, 2 resolved");
    });

    it("names unresolved agents, agents with PresenceUnknown and a refused sign-in name look-up", () => {
        assert.equal(
            describeAgents({ ...none, requested: 4, resolved: 2, unresolved: ["a@contoso.com", "b@contoso.com"], presenceUnknown: ["c@contoso.com", "d@contoso.com"], userLookupForbidden: true }),
            "4 requested, 2 resolved, 2 unresolved (a@contoso.com, b@contoso.com), 2 PresenceUnknown, likely without a Teams licence (c@contoso.com, d@contoso.com), sign-in names could not be looked up (User.ReadBasic.All missing)",
        );
    });
});
