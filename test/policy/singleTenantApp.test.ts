import { strict as assert } from "node:assert";
import fc from "fast-check";
import { signInAudienceViolations } from "../../policy/singleTenantApp";

describe("policy app-registration-single-tenant", () => {
    it("passes AzureADMyOrg and the provider default (unset, which is AzureADMyOrg)", () => {
        assert.deepEqual(signInAudienceViolations({ signInAudience: "AzureADMyOrg" }), []);
        assert.deepEqual(signInAudienceViolations({}), []);
    });

    it("rejects a multi-tenant or personal-account audience, naming it", () => {
        for (const audience of ["AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]) {
            const [message, ...rest] = signInAudienceViolations({ signInAudience: audience });
            assert.equal(rest.length, 0);
            assert.ok(message.includes(`"${audience}"`), message);
            assert.match(message, /other tenants/);
            assert.match(message, /components\/appRegistration\.ts/);
        }
    });

    it("rejects every audience other than AzureADMyOrg", () => {
        fc.assert(fc.property(fc.string().filter((s) => s !== "AzureADMyOrg"), (audience) => {
            assert.equal(signInAudienceViolations({ signInAudience: audience }).length, 1);
        }), { numRuns: 300 });
    });
});
