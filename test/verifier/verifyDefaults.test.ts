// The verifier's documented defaults and the edge of its non-negative wait cap (docs/verification.md: `--timeout SECONDS`,
// default 600; each wait capped at 10 s): a default moved by a second must fail a test.
import assert from "node:assert/strict";
import { settingsFrom } from "../../verifier/verify";
import { missingScopes } from "../../verifier/scopes";

describe("verifier option defaults", () => {
    it("bounds the whole verification at 600 seconds unless told otherwise", () => {
        assert.equal(settingsFrom({}).timeoutMs, 600_000);
    });

    it("caps each wait between retries at 10 seconds unless told otherwise", () => {
        assert.equal(settingsFrom({}).capMs, 10_000);
    });

    it("refuses a wait cap of half a second below zero, not only whole negative seconds", () => {
        assert.throws(() => settingsFrom({ maxWaitSeconds: -0.5 }), { name: "RangeError", message: "maxWaitSeconds must be a non-negative number of seconds, got -0.5" });
    });

    // The delegated scopes a fresh setup consents (delegatedPermissions' default), one by one: a token without
    // either fails the default verification, as the connector's sign-in would.
    for (const scope of ["User.Read", "Presence.Read.All"]) {
        it(`expects ${scope} in the token by default`, () => {
            const granted = ["User.Read", "Presence.Read.All", "offline_access"].filter((s) => s !== scope);
            assert.deepEqual(missingScopes(settingsFrom({}).expectedScopes, granted), [scope]);
        });
    }
});
