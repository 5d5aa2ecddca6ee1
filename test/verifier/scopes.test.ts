import assert from "node:assert/strict";
import { UnsecuredJWT } from "jose";
import { cloudEndpoints } from "../../verifier/index";
import { grantedScopes, missingScopes } from "../../verifier/scopes";

describe("scope parsing", () => {
    it("reads the delegated scopes from the access token's scp claim", () => {
        const token = new UnsecuredJWT({ scp: "User.Read Presence.Read.All  profile" }).encode();
        assert.deepEqual(grantedScopes(token, "ignored"), ["User.Read", "Presence.Read.All", "profile"]);
    });

    it("falls back to the token response's scope field, without resource prefixes, when the token is opaque", () => {
        assert.deepEqual(grantedScopes("not-a-jwt", "https://graph.microsoft.com/User.Read https://graph.microsoft.com/Presence.Read.All openid"), [
            "User.Read",
            "Presence.Read.All",
            "openid",
        ]);
        assert.deepEqual(grantedScopes("not-a-jwt"), []);
    });

    it("lists no empty scope name for a bare resource prefix or stray spaces in the scope field", () => {
        assert.deepEqual(grantedScopes("not-a-jwt", " https://graph.microsoft.com/  User.Read\t"), ["User.Read"]);
    });

    it("lists expected scopes the token lacks, comparing names case-insensitively", () => {
        assert.deepEqual(missingScopes(["User.Read", "Presence.Read.All"], ["user.read"]), ["Presence.Read.All"]);
        assert.deepEqual(missingScopes(["User.Read"], ["User.Read", "Presence.Read.All"]), []);
    });
});

describe("sovereign clouds", () => {
    it("maps each cloud to its authority host and Graph endpoint", () => {
        assert.deepEqual(cloudEndpoints("public"), { authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com" });
        assert.deepEqual(cloudEndpoints("usgovernment"), { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us" });
        assert.deepEqual(cloudEndpoints("usgovernmentdod"), { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://dod-graph.microsoft.us" });
        assert.deepEqual(cloudEndpoints("china"), { authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn" });
    });

    it("rejects an unknown cloud, naming the allowed ones", () => {
        assert.throws(() => cloudEndpoints("germany" as never), /public, usgovernment, usgovernmentdod, china/);
    });
});
