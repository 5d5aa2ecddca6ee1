// client-secret-bounded-lifetime: the whole message a person reads in `pulumi preview` when a secret's end date
// is missing or is not the RFC 3339 form the azuread provider takes (terraform-provider-azuread
// internal/services/applications/application_password_resource.go validates end_date as RFC 3339).
import { strict as assert } from "node:assert";
import { clientSecretRules, clientSecretViolations } from "../../policy/clientSecret";

const rules = clientSecretRules({}, new Date("2026-11-27T10:00:00Z"));
const SCHEDULE = "Declare client secrets only through RotatingSecret (components/rotatingSecret.ts), which sets endDate from secretRotationDays + secretOverlapDays";
const NO_END = ": its expiry then follows the provider's default or the time of the run, not the rotation schedule, so it can " +
    `expire unannounced or live on after rotation. ${SCHEDULE}.`;

describe("client-secret-bounded-lifetime: a missing or unreadable end date", () => {
    it("says a secret without endDate escapes the rotation schedule, and what to declare instead", () => {
        assert.deepEqual(clientSecretViolations({}, rules), [`the client secret has no endDate${NO_END}`]);
        assert.deepEqual(clientSecretViolations({ endDate: "" }, rules), [`the client secret has no endDate${NO_END}`]);
    });

    it("names the deprecated endDateRelative when it is all a secret has", () => {
        assert.deepEqual(clientSecretViolations({ endDateRelative: "17520h" }, rules),
            [`the client secret has no endDate (only the deprecated endDateRelative "17520h")${NO_END}`]);
    });

    it("rejects an expanded-year date such as +002027-02-14T00:00:00Z as not RFC 3339, though JavaScript reads it", () => {
        assert.deepEqual(clientSecretViolations({ endDate: "+002027-02-14T00:00:00Z" }, rules), [
            `the client secret's endDate "+002027-02-14T00:00:00Z" is not an RFC 3339 date-time such as 2027-02-14T00:00:00Z, so Entra ID would reject it. ${SCHEDULE}.`,
        ]);
    });
});
