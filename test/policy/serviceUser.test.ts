import { strict as assert } from "node:assert";
import { serviceUserViolations } from "../../policy/serviceUser";

describe("policy service-user-can-sign-in", () => {
    it("passes the service user as the program declares it", () => {
        assert.deepEqual(serviceUserViolations({ forcePasswordChange: false, accountEnabled: true }), []);
        assert.deepEqual(serviceUserViolations({}), []);
    });

    it("rejects forcePasswordChange true: a forced change breaks the connector's ROPC sign-in", () => {
        const [message, ...rest] = serviceUserViolations({ forcePasswordChange: true, accountEnabled: true });
        assert.equal(rest.length, 0);
        assert.match(message, /forcePasswordChange: true/);
        assert.match(message, /ROPC/);
        assert.match(message, /AADSTS50055/);
    });

    it("rejects accountEnabled false: a disabled user cannot sign in", () => {
        const [message, ...rest] = serviceUserViolations({ forcePasswordChange: false, accountEnabled: false });
        assert.equal(rest.length, 0);
        assert.match(message, /accountEnabled: false/);
        assert.match(message, /AADSTS50057/);
        assert.match(message, /protect false/);
    });

    it("reports both problems when both are wrong", () => {
        assert.equal(serviceUserViolations({ forcePasswordChange: true, accountEnabled: false }).length, 2);
    });
});
