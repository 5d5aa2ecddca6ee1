import { strict as assert } from "node:assert";
import { unprotectedObjects } from "../../policy/protectedObjects";
import { TYPES } from "./policyHarness";

const resource = (type: string, name: string, protect: boolean) => ({ type, name, protect, urn: `urn:pulumi:s::p::${type}::${name}` });

describe("policy tenant-objects-protected (advisory)", () => {
    it("passes when the app registration, service principal and user are protected", () => {
        assert.deepEqual(unprotectedObjects([
            resource(TYPES.app, "app", true), resource(TYPES.sp, "sp", true), resource(TYPES.user, "user", true),
            // Secrets, grants and the owner link are meant to be replaced; they need no protection.
            resource(TYPES.password, "secret-a", false), resource(TYPES.grant, "grant", false), resource(TYPES.owner, "owner", false),
        ]), []);
    });

    it("reports each unprotected object with its URN and the protect key", () => {
        const found = unprotectedObjects([
            resource(TYPES.app, "app", false), resource(TYPES.sp, "sp", true), resource(TYPES.user, "user", false),
        ]);
        assert.deepEqual(found.map((v) => v.urn), [`urn:pulumi:s::p::${TYPES.app}::app`, `urn:pulumi:s::p::${TYPES.user}::user`]);
        assert.match(found[0].message, /app \(ApplicationRegistration\) is not protected/);
        assert.match(found[1].message, /pulumi config set protect true/);
    });
});
