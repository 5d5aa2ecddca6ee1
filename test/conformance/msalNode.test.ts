// Conformance with a client nobody here wrote: an unmodified @azure/msal-node, in its own process that
// trusts the HTTPS emulator's CA through NODE_EXTRA_CA_CERTS, signs in the ways an application (such as
// a connector under development) would. How MSAL resolves an authority: msal-common
// src/authority/Authority.ts (resolveEndpointsAsync, getCloudDiscoveryMetadataFromNetwork,
// defaultOpenIdConfigurationEndpoint, validateIssuer).
import { strict as assert } from "node:assert";
import { request } from "node:https";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import type { AppConfig, ResultSummary } from "./realClient";
import { ClientError, RealClients } from "./support";

const NAMED_SCOPES = ["User.Read", "Presence.Read.All"];

function getJson(url: string, ca: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
        request(url, { ca }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve(JSON.parse(text)));
        }).on("error", reject).end();
    });
}

async function expectServerError(promise: Promise<unknown>, errorCode: string, aadsts: number): Promise<ClientError> {
    let caught: unknown;
    try {
        await promise;
    } catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof ClientError, `expected MSAL to fail with AADSTS${aadsts}`);
    assert.equal(caught.summary.errorCode, errorCode);
    assert.equal(caught.summary.errorNo, String(aadsts));
    return caught;
}

describe("conformance: @azure/msal-node against the HTTPS emulator", function () {
    // The client process compiles MSAL and this suite's client on start; the emulator makes a CA.
    this.timeout(60_000);
    let emulator: Emulator;
    let clients: RealClients;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let handoff: Handoff;
    let host: string;
    let appCount = 0;

    before(async () => {
        emulator = await startEmulator({ https: true });
        seed = emulator.directory.seedPresenceSetup();
        handoff = seed.handoff;
        host = new URL(emulator.url).host;
        clients = await RealClients.start(emulator.caFile as string);
    });

    after(async () => {
        await clients?.stop();
        await emulator?.close();
    });

    /** A fresh ConfidentialClientApplication (own token cache) configured as docs/emulator.md tells a developer to. */
    async function msalApp(overrides: Partial<AppConfig> = {}): Promise<string> {
        const name = `app${++appCount}`;
        const config: AppConfig = {
            clientId: handoff.applicationClientId,
            clientSecret: handoff.secretValue,
            authority: `${emulator.url}/${emulator.tenantId}`,
            knownAuthorities: [host],
            ...overrides,
        };
        await clients.call({ op: "configure", name, config });
        return name;
    }

    function ropc(app: string, scopes = NAMED_SCOPES, username = handoff.userEmail, password = handoff.userPassword, correlationId?: string): Promise<ResultSummary> {
        return clients.call<ResultSummary>({ op: "ropc", app, scopes, username, password, ...(correlationId ? { correlationId } : {}) });
    }

    it("signs in with ROPC and the documented named scopes, and gets an account from id_token and client_info", async () => {
        const before = emulator.requests.length;
        const result = await ropc(await msalApp());
        assert.equal(result.tokenType, "Bearer");
        assert.equal(result.fromCache, false);
        assert.deepEqual(result.accessTokenClaims.scp, "User.Read Presence.Read.All");
        assert.equal(result.accessTokenClaims.aud, "https://graph.microsoft.com");
        assert.ok(NAMED_SCOPES.every((s) => result.scopes.includes(s)));
        assert.deepEqual(result.account, {
            homeAccountId: `${seed.serviceUserObjectId}.${emulator.tenantId}`,
            environment: host,
            tenantId: emulator.tenantId,
            username: handoff.userEmail,
            localAccountId: seed.serviceUserObjectId,
        });
        assert.equal(result.idTokenClaims.aud, handoff.applicationClientId);
        assert.equal(result.idTokenClaims.iss, `${emulator.url}/${emulator.tenantId}/v2.0`);
        // MSAL found the endpoints in the emulator's OpenID configuration, then posted the password grant.
        const calls = emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`);
        assert.deepEqual(calls, [
            `GET /${emulator.tenantId}/v2.0/.well-known/openid-configuration 200`,
            `POST /${emulator.tenantId}/oauth2/v2.0/token 200`,
        ]);
    });

    it("refuses a plain-http authority with authority_uri_insecure, which is why the emulator serves https", async () => {
        // msal-common src/url/UrlString.ts validateAsUri: the authority's protocol must be https:.
        const error = await (async () => {
            const app = await msalApp({ authority: `http://127.0.0.1:${new URL(emulator.url).port}/${emulator.tenantId}` });
            await ropc(app);
        })().then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof ClientError);
        assert.equal(error.summary.errorCode, "authority_uri_insecure");
    });

    it("signs in with ROPC and {graph}/.default, the connector's request, through MSAL", async () => {
        const result = await ropc(await msalApp(), ["https://graph.microsoft.com/.default"]);
        assert.equal(result.accessTokenClaims.scp, "User.Read Presence.Read.All");
        assert.ok(result.account);
    });

    it("renews silently: from its cache first, then with the refresh token when forced", async () => {
        const app = await msalApp();
        const first = await ropc(app);
        const requestsBefore = emulator.requests.length;
        const cached = await clients.call<ResultSummary>({ op: "silent", app, scopes: NAMED_SCOPES, forceRefresh: false });
        assert.equal(cached.fromCache, true);
        assert.equal(emulator.requests.length, requestsBefore, "a cached token needs no request");
        const renewed = await clients.call<ResultSummary>({ op: "silent", app, scopes: NAMED_SCOPES, forceRefresh: true });
        assert.equal(renewed.fromCache, false);
        assert.notEqual(renewed.accessTokenClaims.uti, first.accessTokenClaims.uti);
        assert.equal(renewed.account?.homeAccountId, first.account?.homeAccountId);
        const last = emulator.requests.at(-1);
        assert.deepEqual([last?.grantType, last?.status], ["refresh_token", 200]);
    });

    it("fails silent renewal with AADSTS50173 after the user's password was reset", async () => {
        const dir = emulator.directory;
        const user = dir.createUser({ userPrincipalName: "reset@contoso.example", displayName: "Reset", password: "First-Passw0rd-1", forceChangePasswordNextSignIn: false });
        const app = await msalApp();
        await ropc(app, NAMED_SCOPES, user.userPrincipalName, "First-Passw0rd-1");
        // The reset must be later than the refresh token on the emulator's (real) clock.
        await new Promise((resolve) => setTimeout(resolve, 5));
        dir.setPassword(user.id, "Second-Passw0rd-2", false);
        await expectServerError(clients.call({ op: "silent", app, scopes: NAMED_SCOPES, forceRefresh: true }), "invalid_grant", 50173);
    });

    it("gets an app-only token with client credentials", async () => {
        const dir = emulator.directory;
        const daemon = dir.createApplication({ displayName: "daemon" });
        const sp = dir.createServicePrincipal({ appId: daemon.appId });
        const role = dir.graphServicePrincipal.appRoles.find((r) => r.value === "Presence.Read.All");
        assert.ok(role);
        dir.assignAppRole({ appRoleId: role.id, principalId: sp.id, resourceId: dir.graphServicePrincipal.id });
        const app = await msalApp({ clientId: daemon.appId, clientSecret: dir.addPassword(daemon.id, {}).secretText });
        const result = await clients.call<ResultSummary>({ op: "clientCredentials", app, scopes: ["https://graph.microsoft.com/.default"] });
        assert.deepEqual(result.accessTokenClaims.roles, ["Presence.Read.All"]);
        assert.equal(result.accessTokenClaims.idtyp, "app");
        assert.equal(result.account, null);
    });

    it("surfaces a wrong password as ServerError invalid_grant AADSTS50126 carrying its own correlation ID", async () => {
        const correlationId = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
        const error = await expectServerError(ropc(await msalApp(), NAMED_SCOPES, handoff.userEmail, "Wrong-Passw0rd-9", correlationId), "invalid_grant", 50126);
        assert.equal(error.summary.correlationId, correlationId);
    });

    it("surfaces an unknown user as AADSTS50034", async () => {
        await expectServerError(ropc(await msalApp(), NAMED_SCOPES, "nobody@contoso.example"), "invalid_grant", 50034);
    });

    it("surfaces a wrong client secret as invalid_client AADSTS7000215", async () => {
        await expectServerError(ropc(await msalApp({ clientSecret: "abc8Q~not-the-secret-value" })), "invalid_client", 7000215);
    });

    it("signs in through the 'organizations' authority into the emulated tenant", async () => {
        const result = await ropc(await msalApp({ authority: `${emulator.url}/organizations` }));
        assert.equal(result.tenantId, emulator.tenantId);
        assert.equal(emulator.requests.at(-1)?.path, "/organizations/oauth2/v2.0/token");
    });

    it("signs in through an authority named by the tenant's domain", async () => {
        // MSAL reads the tenant ID from authorization_endpoint but keeps the configured segment in the
        // path it posts to (Authority.replacePath), so the token endpoint must answer to the domain too.
        const result = await ropc(await msalApp({ authority: `${emulator.url}/${emulator.directory.domain}` }));
        assert.equal(result.tenantId, emulator.tenantId);
        assert.equal(emulator.requests.at(-1)?.path, `/${emulator.directory.domain}/oauth2/v2.0/token`);
    });

    it("trusts the emulator through its instance discovery document passed as cloudDiscoveryMetadata", async () => {
        const authorize = `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/authorize`;
        const metadata = await getJson(`${emulator.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`, emulator.caCertificate as string);
        const app = await msalApp({ knownAuthorities: undefined, cloudDiscoveryMetadata: JSON.stringify(metadata) });
        assert.ok((await ropc(app)).account);
    });

    it("would ask login.microsoftonline.com for instance discovery without either option, so docs/emulator.md names them", async () => {
        assert.deepEqual(await clients.call<string[]>({ op: "outside" }), [], "every earlier sign-in stayed on loopback");
        const app = await msalApp({ knownAuthorities: undefined });
        const error = await ropc(app).then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof ClientError);
        // Authority.getCloudDiscoveryMetadataFromNetwork asks Constants.AAD_INSTANCE_DISCOVERY_ENDPT,
        // always on login.microsoftonline.com; with no answer MSAL gives up resolving the authority.
        assert.equal(error.summary.errorCode, "endpoints_resolution_error");
        const outside = await clients.call<string[]>({ op: "outside" });
        assert.deepEqual(outside, ["https://login.microsoftonline.com/common/discovery/instance"]);
    });
});
