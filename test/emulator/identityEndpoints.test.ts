// The identity side as MSAL and other OIDC clients meet it: discovery documents, ID and refresh tokens,
// client_info, named scopes, tenant segments, HTTP Basic client authentication and correlation IDs.
// Over plain http in-process; test/emulator/httpsTransport.test.ts covers TLS and test/conformance/ the
// real clients.
import { strict as assert } from "node:assert";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { aadstsOf, claims, GRAPH_SCOPE, ropcForm, TestClock, type HttpResult } from "./support";

const DOCUMENTED_ROPC_SCOPE = "User.Read Presence.Read.All openid profile offline_access";

async function request(url: string, init: { method?: string; form?: Record<string, string | undefined>; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.form) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(init.form)) if (v !== undefined) params.set(k, v);
        body = params.toString();
        headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const response = await fetch(url, { method: init.method ?? (body ? "POST" : "GET"), headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

function token(emulator: Emulator, form: Record<string, string | undefined>, options: { tenant?: string; headers?: Record<string, string>; query?: string } = {}): Promise<HttpResult> {
    return request(`${emulator.url}/${options.tenant ?? emulator.tenantId}/oauth2/v2.0/token${options.query ?? ""}`, { form, ...(options.headers ? { headers: options.headers } : {}) });
}

/** RFC 6749 §2.3.1: each part form-urlencoded, joined by ":", base64. */
function basic(clientId: string, secret: string): string {
    return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

function refreshForm(handoff: Handoff, refreshToken: string, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { grant_type: "refresh_token", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, refresh_token: refreshToken, ...overrides };
}

describe("emulator identity metadata: OpenID configuration, instance discovery, keys", () => {
    let emulator: Emulator;
    let handoff: Handoff;

    before(async () => {
        emulator = await startEmulator();
        handoff = emulator.directory.seedPresenceSetup().handoff;
    });

    after(() => emulator.close());

    it("serves the v2.0 OpenID configuration with the fields MSAL requires, on the authority's own origin", async () => {
        // msal-common src/authority/OpenIdConfigResponse.ts requires these four; Authority.validateIssuer the origin.
        const result = await request(`${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
        assert.equal(result.status, 200);
        const base = `${emulator.url}/${emulator.tenantId}`;
        assert.equal(result.body.token_endpoint, `${base}/oauth2/v2.0/token`);
        assert.equal(result.body.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
        assert.equal(result.body.jwks_uri, `${base}/discovery/v2.0/keys`);
        assert.equal(result.body.issuer, `${base}/v2.0`);
        assert.deepEqual(result.body.token_endpoint_auth_methods_supported, ["client_secret_post", "client_secret_basic"]);
        assert.deepEqual(result.body.id_token_signing_alg_values_supported, ["RS256"]);
        assert.deepEqual(result.body.scopes_supported, ["openid", "profile", "email", "offline_access"]);
    });

    it("answers for the tenant's domain with endpoints that carry the tenant ID, as Entra ID does", async () => {
        const result = await request(`${emulator.url}/${emulator.directory.domain}/v2.0/.well-known/openid-configuration`);
        assert.equal(result.status, 200);
        assert.equal(result.body.token_endpoint, `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`);
        assert.equal(result.body.issuer, `${emulator.url}/${emulator.tenantId}/v2.0`);
    });

    for (const segment of ["organizations", "common"]) {
        it(`keeps '${segment}' in the endpoints and the {tenantid} placeholder in the issuer`, async () => {
            const result = await request(`${emulator.url}/${segment}/v2.0/.well-known/openid-configuration`);
            assert.equal(result.status, 200);
            assert.equal(result.body.token_endpoint, `${emulator.url}/${segment}/oauth2/v2.0/token`);
            assert.equal(result.body.issuer, `${emulator.url}/{tenantid}/v2.0`);
        });
    }

    it("answers an unknown tenant with AADSTS90002 and HTTP 400", async () => {
        const result = await request(`${emulator.url}/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration`);
        assert.equal(result.status, 400);
        assert.equal(aadstsOf(result), 90002);
        assert.equal(result.body.error, "invalid_tenant");
    });

    it("publishes at jwks_uri the key that verifies its ID tokens against the advertised issuer", async () => {
        const configuration = (await request(`${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)).body;
        const keys = (await request(configuration.jwks_uri)).body;
        const signedIn = await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE }));
        assert.equal(signedIn.status, 200);
        const { payload } = await jwtVerify(signedIn.body.id_token, createLocalJWKSet(keys), {
            issuer: configuration.issuer, audience: handoff.applicationClientId,
        });
        assert.equal(payload.tid, emulator.tenantId);
    });

    it("answers instance discovery with the emulator's host as preferred network, cache and alias", async () => {
        const authorize = `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/authorize`;
        const result = await request(`${emulator.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`);
        assert.equal(result.status, 200);
        const host = new URL(emulator.url).host;
        assert.equal(result.body.tenant_discovery_endpoint, `${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
        assert.equal(result.body["api-version"], "1.1");
        assert.deepEqual(result.body.metadata, [{ preferred_network: host, preferred_cache: host, aliases: [host, `localhost:${new URL(emulator.url).port}`] }]);
    });

    it("refuses instance discovery for another host with invalid_instance (AADSTS50049), and a malformed one with AADSTS50050", async () => {
        const other = await request(`${emulator.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://login.microsoftonline.com/common/oauth2/v2.0/authorize")}`);
        assert.equal(other.status, 400);
        assert.equal(other.body.error, "invalid_instance");
        assert.equal(aadstsOf(other), 50049);
        const malformed = await request(`${emulator.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=not-a-url`);
        assert.equal(aadstsOf(malformed), 50050);
    });

    it("answers the interactive endpoints it advertises with 501 and says they are not emulated", async () => {
        const result = await request(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/authorize?client_id=x`);
        assert.equal(result.status, 501);
        assert.match(result.body.error_description, /no interactive/);
    });
});

describe("emulator token endpoint: OpenID Connect scopes, ID tokens and client_info", () => {
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let handoff: Handoff;

    beforeEach(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup();
        handoff = seed.handoff;
    });

    afterEach(() => emulator.close());

    it("answers the documented ROPC request (named scopes, openid profile offline_access) with an id_token and a refresh_token", async () => {
        // learn.microsoft.com/entra/identity-platform/v2-oauth-ropc: id_token for openid, refresh_token for offline_access.
        const result = await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE }));
        assert.equal(result.status, 200);
        assert.equal(typeof result.body.id_token, "string");
        assert.equal(typeof result.body.refresh_token, "string");
        // The response lists the OIDC scopes the way the documentation's example does.
        assert.equal(result.body.scope, "User.Read Presence.Read.All profile openid email");
        assert.equal(claims(result.body.access_token).scp, "User.Read Presence.Read.All");
        assert.equal(claims(result.body.access_token).aud, "https://graph.microsoft.com");
    });

    it("keeps the connector's {graph}/.default request as it was: no id_token, no refresh_token, no client_info", async () => {
        const result = await token(emulator, ropcForm(handoff));
        assert.equal(result.status, 200);
        assert.deepEqual(Object.keys(result.body).sort(), ["access_token", "expires_in", "ext_expires_in", "scope", "token_type"]);
    });

    it("accepts named permissions case-insensitively and fully qualified, like the documented 'user.read'", async () => {
        for (const scope of ["user.read", "https://graph.microsoft.com/Presence.Read.All openid", "00000003-0000-0000-c000-000000000000/User.Read"]) {
            const result = await token(emulator, ropcForm(handoff, { scope }));
            assert.equal(result.status, 200, scope);
            assert.equal(claims(result.body.access_token).scp, "User.Read Presence.Read.All", scope);
        }
    });

    it("refuses a named permission nobody consented with AADSTS65001, because ROPC cannot prompt", async () => {
        const result = await token(emulator, ropcForm(handoff, { scope: "User.Read User.ReadBasic.All offline_access" }));
        assert.equal(aadstsOf(result), 65001);
        assert.equal(result.body.suberror, "consent_required");
    });

    for (const [rule, scope] of [
        [".default combined with a named permission", "https://graph.microsoft.com/.default User.Read"],
        ["permissions of two resources", "User.Read api://other-api/Read"],
        ["only OpenID Connect scopes", "openid profile offline_access"],
    ] as const) {
        it(`refuses ${rule} with AADSTS70011`, async () => {
            assert.equal(aadstsOf(await token(emulator, ropcForm(handoff, { scope }))), 70011);
        });
    }

    it("refuses named permissions in client credentials with AADSTS70011: only {resource}/.default", async () => {
        const result = await token(emulator, { grant_type: "client_credentials", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, scope: "User.Read" });
        assert.equal(aadstsOf(result), 70011);
    });

    it("puts aud = client, the v2.0 issuer, tid and ver 2.0 into the id_token, with oid, name and preferred_username only for profile", async () => {
        const withProfile = decodeJwt((await token(emulator, ropcForm(handoff, { scope: "User.Read openid profile" }))).body.id_token);
        assert.equal(withProfile.aud, handoff.applicationClientId);
        assert.equal(withProfile.iss, `${emulator.url}/${emulator.tenantId}/v2.0`);
        assert.equal(withProfile.tid, emulator.tenantId);
        assert.equal(withProfile.ver, "2.0");
        assert.equal(withProfile.oid, seed.serviceUserObjectId);
        assert.equal(withProfile.preferred_username, handoff.userEmail);
        assert.equal(withProfile.name, "jtel Presence Service");
        const bare = decodeJwt((await token(emulator, ropcForm(handoff, { scope: "User.Read openid" }))).body.id_token);
        assert.equal(bare.oid, undefined);
        assert.equal(bare.preferred_username, undefined);
        assert.equal(bare.sub, withProfile.sub, "sub is stable for one user and app");
    });

    it("makes the id_token's sub pairwise: another app sees another sub for the same user", async () => {
        const dir = emulator.directory;
        const other = dir.createApplication({ displayName: "other" });
        const otherSp = dir.createServicePrincipal({ appId: other.appId });
        dir.grantDelegated({ clientId: otherSp.id, resourceId: dir.graphServicePrincipal.id, scope: "User.Read" });
        const secret = dir.addPassword(other.id, {}).secretText;
        const mine = decodeJwt((await token(emulator, ropcForm(handoff, { scope: "User.Read openid" }))).body.id_token).sub;
        const theirs = decodeJwt((await token(emulator, ropcForm(handoff, { scope: "User.Read openid", client_id: other.appId, client_secret: secret }))).body.id_token).sub;
        assert.ok(mine && theirs);
        assert.notEqual(mine, theirs);
    });

    it("returns client_info {uid, utid} only when the client sends client_info=1, as MSAL does", async () => {
        const without = await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE }));
        assert.equal(without.body.client_info, undefined);
        const withInfo = await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE, client_info: "1" }));
        assert.deepEqual(JSON.parse(Buffer.from(withInfo.body.client_info, "base64url").toString("utf8")), { uid: seed.serviceUserObjectId, utid: emulator.tenantId });
    });
});

describe("emulator token endpoint: refresh-token grant", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let handoff: Handoff;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
        seed = emulator.directory.seedPresenceSetup();
        handoff = seed.handoff;
    });

    afterEach(() => emulator.close());

    async function refreshToken(): Promise<string> {
        const result = await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE }));
        assert.equal(result.status, 200);
        return result.body.refresh_token as string;
    }

    it("redeems a refresh token for a new access token, ID token and refresh token; the old one stays valid", async () => {
        // v2-oauth2-auth-code-flow, "Refresh the access token": refresh tokens aren't revoked when used.
        const first = await refreshToken();
        clock.advance(3600_000);
        const renewed = await token(emulator, refreshForm(handoff, first, { scope: "User.Read Presence.Read.All openid profile offline_access", client_info: "1" }));
        assert.equal(renewed.status, 200);
        assert.equal(claims(renewed.body.access_token).scp, "User.Read Presence.Read.All");
        assert.equal(claims(renewed.body.access_token).iat, Math.floor(clock.now().getTime() / 1000));
        assert.equal(typeof renewed.body.id_token, "string");
        assert.equal(typeof renewed.body.client_info, "string");
        assert.notEqual(renewed.body.refresh_token, first);
        assert.equal((await token(emulator, refreshForm(handoff, first))).status, 200);
        assert.equal((await token(emulator, refreshForm(handoff, renewed.body.refresh_token))).status, 200);
        assert.equal(emulator.requests.at(-1)?.grantType, "refresh_token");
    });

    it("reuses the original resource and OpenID scopes when the refresh request sends no scope", async () => {
        const result = await token(emulator, refreshForm(handoff, await refreshToken()));
        assert.equal(result.status, 200);
        assert.equal(claims(result.body.access_token).aud, "https://graph.microsoft.com");
        assert.equal(typeof result.body.id_token, "string");
    });

    it("issues the current consent on refresh, not the consent at sign-in", async () => {
        const rt = await refreshToken();
        const dir = emulator.directory;
        dir.grantDelegated({ clientId: seed.servicePrincipalObjectId, resourceId: dir.graphServicePrincipal.id, scope: "User.ReadBasic.All", principalId: seed.serviceUserObjectId });
        assert.equal(claims((await token(emulator, refreshForm(handoff, rt))).body.access_token).scp, "User.Read Presence.Read.All User.ReadBasic.All");
        for (const g of dir.delegatedGrants()) dir.revokeDelegated(g.id);
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt))), 65001);
    });

    it("refuses a refresh token it never issued with AADSTS9002313", async () => {
        const result = await token(emulator, refreshForm(handoff, "0.AXQAnot-a-token"));
        assert.equal(result.status, 400);
        assert.equal(aadstsOf(result), 9002313);
    });

    it("refuses a refresh token issued to another client with AADSTS70000", async () => {
        const rt = await refreshToken();
        const other = emulator.directory.seedPresenceSetup().handoff;
        assert.equal(aadstsOf(await token(emulator, refreshForm(other, rt))), 70000);
    });

    it("refuses a refresh token unused for 90 days with AADSTS700082", async () => {
        const rt = await refreshToken();
        clock.advance(90 * 24 * 3600_000 - 1);
        assert.equal((await token(emulator, refreshForm(handoff, rt))).status, 200);
        clock.advance(1);
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt))), 700082);
    });

    it("revokes refresh tokens with AADSTS50173 once a password reset has replicated", async () => {
        emulator.faults.replicationDelayMs = 10_000;
        clock.advance(10_000);
        const rt = await refreshToken();
        clock.advance(1000);
        emulator.directory.setPassword(seed.serviceUserObjectId, "Brand-New-Passw0rd", false);
        assert.equal((await token(emulator, refreshForm(handoff, rt))).status, 200, "the reset has not replicated yet");
        clock.advance(10_000);
        const revoked = await token(emulator, refreshForm(handoff, rt));
        assert.equal(aadstsOf(revoked), 50173);
        assert.equal(revoked.body.error, "invalid_grant");
    });

    for (const [rule, code, arrange] of [
        ["a disabled account", 50057, (e: Emulator, s: typeof seed) => e.directory.updateUser(s.serviceUserObjectId, { accountEnabled: false })],
        ["an MFA requirement", 50076, (e: Emulator, s: typeof seed) => e.faults.mfaRequired.add(s.serviceUserObjectId)],
        ["a Conditional Access block", 53003, (e: Emulator, s: typeof seed) => e.faults.conditionalAccessBlocked.add(s.serviceUserObjectId)],
        ["an expired password", 50055, (e: Emulator, s: typeof seed) => e.faults.passwordExpired.add(s.serviceUserObjectId)],
    ] as const) {
        it(`checks the account again on refresh: ${rule} gives AADSTS${code}`, async () => {
            const rt = await refreshToken();
            arrange(emulator, seed);
            assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt))), code);
        });
    }

    it("requires the confidential client's secret on refresh: none is AADSTS7000218, a wrong one AADSTS7000215", async () => {
        const rt = await refreshToken();
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt, { client_secret: undefined }))), 7000218);
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt, { client_secret: "abc8Q~wrong" }))), 7000215);
    });

    it("requires refresh_token with AADSTS900144", async () => {
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, "", { refresh_token: undefined }))), 900144);
    });
});

describe("emulator token endpoint: tenant segments", () => {
    let emulator: Emulator;
    let handoff: Handoff;

    before(async () => {
        emulator = await startEmulator();
        handoff = emulator.directory.seedPresenceSetup().handoff;
    });

    after(() => emulator.close());

    it("signs a user in through 'organizations' into this tenant", async () => {
        const result = await token(emulator, ropcForm(handoff), { tenant: "organizations" });
        assert.equal(result.status, 200);
        assert.equal(claims(result.body.access_token).tid, emulator.tenantId);
    });

    for (const tenant of ["common", "consumers"]) {
        it(`refuses ROPC over '${tenant}' with AADSTS9001023, as v2-oauth-ropc documents`, async () => {
            const result = await token(emulator, ropcForm(handoff), { tenant });
            assert.equal(aadstsOf(result), 9001023);
            assert.equal(result.body.error, "invalid_request");
        });
    }

    for (const tenant of ["organizations", "common"]) {
        it(`refuses client credentials over '${tenant}' with AADSTS50059: no user names the tenant`, async () => {
            const result = await token(emulator, { grant_type: "client_credentials", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, scope: GRAPH_SCOPE }, { tenant });
            assert.equal(aadstsOf(result), 50059);
        });
    }

    it("redeems a refresh token over 'common' and 'organizations' but not 'consumers' (AADSTS9002332)", async () => {
        const rt = (await token(emulator, ropcForm(handoff, { scope: DOCUMENTED_ROPC_SCOPE }))).body.refresh_token as string;
        assert.equal((await token(emulator, refreshForm(handoff, rt), { tenant: "common" })).status, 200);
        assert.equal((await token(emulator, refreshForm(handoff, rt), { tenant: "organizations" })).status, 200);
        assert.equal(aadstsOf(await token(emulator, refreshForm(handoff, rt), { tenant: "consumers" })), 9002332);
    });
});

describe("emulator token endpoint: client authentication and correlation", () => {
    let emulator: Emulator;
    let handoff: Handoff;

    before(async () => {
        emulator = await startEmulator();
        handoff = emulator.directory.seedPresenceSetup().handoff;
    });

    after(() => emulator.close());

    it("accepts the client secret in HTTP Basic (RFC 6749 §2.3.1) for client credentials and ROPC, client_id then optional in the body", async () => {
        const headers = { Authorization: basic(handoff.applicationClientId, handoff.secretValue) };
        const cc = await token(emulator, { grant_type: "client_credentials", scope: GRAPH_SCOPE }, { headers });
        assert.equal(cc.status, 200);
        assert.equal(claims(cc.body.access_token).appid, handoff.applicationClientId);
        const ropc = await token(emulator, ropcForm(handoff, { client_secret: undefined }), { headers });
        assert.equal(ropc.status, 200);
    });

    it("answers a wrong secret in HTTP Basic with AADSTS7000215 and HTTP 401, like one in the body", async () => {
        const result = await token(emulator, { grant_type: "client_credentials", scope: GRAPH_SCOPE }, { headers: { Authorization: basic(handoff.applicationClientId, "abc8Q~wrong") } });
        assert.equal(result.status, 401);
        assert.equal(aadstsOf(result), 7000215);
    });

    for (const [rule, form, header] of [
        ["a secret in both the header and the body (RFC 6749 §2.3)", { client_secret: "x" }, () => basic("a", "b")],
        ["a body client_id other than the header's", { client_id: "11111111-2222-3333-4444-555555555555" }, () => basic("22222222-2222-3333-4444-555555555555", "b")],
        ["a Basic header that is not base64 of id:secret", {}, () => "Basic %%%"],
    ] as const) {
        it(`refuses ${rule} with AADSTS90100 and echoes nothing of it`, async () => {
            const authorization = header();
            const result = await token(emulator, { grant_type: "client_credentials", scope: GRAPH_SCOPE, ...form }, { headers: { Authorization: authorization } });
            assert.equal(result.status, 400);
            assert.equal(aadstsOf(result), 90100);
            assert.ok(!result.text.includes(authorization.slice(6)));
        });
    }

    it("reports the client's client-request-id as correlation_id, from the header or the query and form parameter MSAL sends", async () => {
        const id = "5b7e6a1c-3f2d-4e8a-9c1b-0d2e3f4a5b6c";
        const wrong = ropcForm(handoff, { password: "Wrong-Passw0rd" });
        const viaHeader = await token(emulator, wrong, { headers: { "client-request-id": id } });
        assert.equal(viaHeader.body.correlation_id, id);
        assert.ok(String(viaHeader.body.error_description).includes(`Correlation ID: ${id}`));
        assert.equal((await token(emulator, wrong, { query: `?client-request-id=${id}` })).body.correlation_id, id);
        assert.equal((await token(emulator, { ...wrong, "client-request-id": id })).body.correlation_id, id);
    });

    it("makes up a correlation ID when client-request-id is missing or not a GUID, and never echoes the non-GUID", async () => {
        const wrong = ropcForm(handoff, { password: "Wrong-Passw0rd" });
        const none = await token(emulator, wrong);
        assert.match(none.body.correlation_id, /^[0-9a-f-]{36}$/);
        const odd = await token(emulator, wrong, { headers: { "client-request-id": "not-a-guid-secret" } });
        assert.match(odd.body.correlation_id, /^[0-9a-f-]{36}$/);
        assert.ok(!odd.text.includes("not-a-guid-secret"));
    });

    it("keeps refresh tokens, ID tokens and Basic credentials out of the request log", async () => {
        const headers = { Authorization: basic(handoff.applicationClientId, handoff.secretValue) };
        const signedIn = await token(emulator, ropcForm(handoff, { client_secret: undefined, scope: DOCUMENTED_ROPC_SCOPE }), { headers });
        const renewed = await token(emulator, refreshForm(handoff, signedIn.body.refresh_token, { client_secret: undefined }), { headers });
        assert.equal(renewed.status, 200);
        const log = JSON.stringify(emulator.requests);
        for (const value of [handoff.secretValue, handoff.userPassword, signedIn.body.refresh_token, renewed.body.refresh_token, signedIn.body.id_token, headers.Authorization.slice(6)]) {
            assert.ok(!log.includes(value), "the request log holds a credential or token");
        }
        assert.equal(emulator.requests.at(-1)?.username, undefined, "refresh requests log no user name");
    });
});
