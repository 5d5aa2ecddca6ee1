// The client-secret policy's time bounds at their edges, one second either side: the provider stores whole
// seconds, so a second is the smallest step a declared date can take.
import { strict as assert } from "node:assert";
import { clientSecretRules, clientSecretViolations } from "../../policy/clientSecret";

const NOW = new Date("2026-11-27T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const rules = clientSecretRules({}, NOW);
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString().replace(".000Z", "Z");

describe("policy client-secret-bounded-lifetime at its edges", () => {
    it("passes an end date one second from now", () => assert.deepEqual(clientSecretViolations({ endDate: at(1000) }, rules), []));

    it("passes an end date exactly maxSecretLifetimeDays (730) from now", () => assert.deepEqual(clientSecretViolations({ endDate: at(730 * DAY) }, rules), []));

    it("rejects an end date one second past maxSecretLifetimeDays", () => {
        const [message, ...rest] = clientSecretViolations({ endDate: at(730 * DAY + 1000) }, rules);
        assert.deepEqual(rest, []);
        assert.match(message, /^the client secret's endDate 2028-11-26T10:00:01Z is 731 days from now, more than the 730 days allowed/);
    });

    it("follows a lowered maxSecretLifetimeDays to its edge: 365 days pass, a second more does not", () => {
        const lowered = clientSecretRules({ maxSecretLifetimeDays: 365 }, NOW);
        assert.deepEqual(clientSecretViolations({ endDate: at(365 * DAY) }, lowered), []);
        assert.equal(clientSecretViolations({ endDate: at(365 * DAY + 1000) }, lowered).length, 1);
    });

    it("rejects a start date one second before now as in the past", () => {
        const [message, ...rest] = clientSecretViolations({ endDate: at(200 * DAY), startDate: at(-1000) }, rules);
        assert.deepEqual(rest, []);
        assert.match(message, /^the client secret's startDate 2026-11-27T09:59:59Z is in the past/);
    });
});
