import { strict as assert } from "node:assert";
import fc from "fast-check";
import { clientSecretRules, clientSecretViolations, DEFAULT_MAX_SECRET_LIFETIME_DAYS } from "../../policy/clientSecret";
import { planRotation, providerDateTime } from "../../components/rotationSchedule";

const NOW = new Date("2026-11-27T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const rules = clientSecretRules({}, NOW);
/** An end date as components/rotatingSecret.ts sends it: whole seconds, `Z`. */
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString().replace(".000Z", "Z");

describe("policy client-secret-bounded-lifetime", () => {
    it("defaults maxSecretLifetimeDays to 730 and takes the policy config's value", () => {
        assert.equal(rules.maxLifetimeDays, DEFAULT_MAX_SECRET_LIFETIME_DAYS);
        assert.equal(DEFAULT_MAX_SECRET_LIFETIME_DAYS, 730);
        assert.equal(clientSecretRules({ maxSecretLifetimeDays: 365 }, NOW).maxLifetimeDays, 365);
    });

    it("passes an end date inside the limit with no start date", () => {
        assert.deepEqual(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z" }, rules), []);
        assert.deepEqual(clientSecretViolations({ endDate: inDays(730) }, rules), []);
    });

    for (const endDate of ["2027-02-14T00:00:00.000Z", "2027-02-14T01:00:00+01:00", "2027-02-14T00:00:00.5Z", "2027-02-14t00:00:00z"]) {
        it(`rejects the end date ${endDate}, which the provider stores in another form and so replaces on every pulumi up`, () => {
            const [message, ...rest] = clientSecretViolations({ endDate }, rules);
            assert.equal(rest.length, 0);
            assert.match(message, /not written as the azuread provider stores it \(2027-02-14T00:00:0\dZ: UTC, whole seconds, Z\)/);
            assert.match(message, /replaced .* on every pulumi up/);
        });
    }

    it("requires an endDate, and says so when only endDateRelative is set", () => {
        const [message] = clientSecretViolations({}, rules);
        assert.match(message, /no endDate/);
        assert.match(message, /secretRotationDays/);
        assert.match(clientSecretViolations({ endDateRelative: "17520h" }, rules)[0], /deprecated endDateRelative "17520h"/);
    });

    it("rejects an endDate more than maxSecretLifetimeDays from now, naming the config keys", () => {
        const [message, ...rest] = clientSecretViolations({ endDate: inDays(731) }, rules);
        assert.equal(rest.length, 0);
        assert.match(message, /731 days from now, more than the 730 days allowed \(policy config maxSecretLifetimeDays\)/);
        assert.match(message, /secretRotationDays \+ secretOverlapDays/);
        assert.equal(clientSecretViolations({ endDate: inDays(366) }, clientSecretRules({ maxSecretLifetimeDays: 365 }, NOW)).length, 1);
    });

    it("rejects any endDate beyond the limit and passes any inside it", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 730 }), fc.integer({ min: 1, max: 5000 }), (max, days) => {
            const found = clientSecretViolations({ endDate: inDays(days) }, clientSecretRules({ maxSecretLifetimeDays: max }, NOW));
            assert.equal(found.length, days > max ? 1 : 0);
        }), { numRuns: 500 });
    });

    it("rejects an endDate that is not in the future or not RFC 3339", () => {
        assert.match(clientSecretViolations({ endDate: inDays(-1) }, rules)[0], /not in the future.*AADSTS7000222/);
        assert.match(clientSecretViolations({ endDate: "2027-02-14" }, rules)[0], /not an RFC 3339 date-time/);
        assert.match(clientSecretViolations({ endDate: "next year" }, rules)[0], /not an RFC 3339 date-time/);
    });

    it("rejects a startDate in the past: Microsoft rejects it when the secret is re-created", () => {
        const [message, ...rest] = clientSecretViolations({ endDate: inDays(200), startDate: inDays(-1) }, rules);
        assert.equal(rest.length, 0);
        assert.match(message, /startDate .* is in the past/);
        assert.match(message, /KeyCredentialsInvalidStartDate/);
        assert.match(message, /Leave startDate unset/);
    });

    it("passes a startDate in the future", () => {
        assert.deepEqual(clientSecretViolations({ endDate: inDays(200), startDate: inDays(1) }, rules), []);
    });

    it("passes every secret the rotation schedule declares, at any instant, for every valid R and O", () => {
        // The stack allows R + O <= secretMaxLifetimeDays <= 730 and O <= R.
        const settings = fc.integer({ min: 1, max: 729 }).chain((r) =>
            fc.record({ rotationDays: fc.constant(r), overlapDays: fc.integer({ min: 1, max: Math.min(r, 730 - r) }) }));
        const instant = fc.date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2035-12-31T23:59:59Z"), noInvalidDate: true });
        fc.assert(fc.property(settings, instant, (s, now) => {
            const plan = planRotation(now, s);
            for (const secret of [plan.current, plan.previous]) {
                if (!secret) continue;
                assert.deepEqual(clientSecretViolations({ endDate: providerDateTime(secret.endDate) }, clientSecretRules({}, now)), []);
            }
        }), { numRuns: 1000 });
    });
});
