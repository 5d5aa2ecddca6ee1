import { strict as assert } from "node:assert";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { aadstsOf, claims, GRAPH_SCOPE, postToken, ropcForm, signIn, TestClock } from "./support";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

describe("emulator token endpoint: password grant (ROPC)", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let handoff: Handoff;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
        seed = emulator.directory.seedPresenceSetup();
        handoff = seed.handoff;
    });

    afterEach(() => emulator.close());

    async function expectAadsts(form: Record<string, string | undefined>, code: number, status = 400, tenant?: string): Promise<void> {
        const result = await postToken(emulator, form, tenant);
        // On a mismatch, say what came back without printing a token the emulator may have issued.
        assert.equal(aadstsOf(result), code, `expected AADSTS${code}, got HTTP ${result.status} with error ${String(result.body.error ?? "none")}`);
        assert.equal(result.status, status);
        assert.ok(String(result.body.error_description).startsWith(`AADSTS${code}: `));
    }

    it("issues a Bearer token whose scp is the tenant-wide consent's scopes", async () => {
        const result = await postToken(emulator, ropcForm(handoff));
        assert.equal(result.status, 200);
        assert.equal(result.body.token_type, "Bearer");
        assert.equal(result.body.expires_in, 3599);
        assert.equal(result.body.ext_expires_in, 3599);
        assert.equal(result.body.scope, "User.Read Presence.Read.All");
        const c = claims(result.body.access_token);
        assert.equal(c.aud, "https://graph.microsoft.com");
        assert.equal(c.tid, emulator.tenantId);
        assert.equal(c.iss, `https://sts.windows.net/${emulator.tenantId}/`);
        assert.equal(c.oid, seed.serviceUserObjectId);
        assert.equal(c.upn, handoff.userEmail);
        assert.equal(c.appid, handoff.applicationClientId);
        assert.equal(c.scp, "User.Read Presence.Read.All");
        assert.equal((c.exp ?? 0) - (c.iat ?? 0), 3599);
        assert.equal(c.iat, Math.floor(clock.now().getTime() / 1000));
    });

    it("accepts the emulator's own URL as the Graph endpoint in the scope", async () => {
        const result = await postToken(emulator, ropcForm(handoff, { scope: `${emulator.url}/.default` }));
        assert.equal(result.status, 200);
        assert.equal(claims(result.body.access_token).aud, emulator.url);
    });

    it("answers in Microsoft's error shape with exactly the documented fields", async () => {
        const result = await postToken(emulator, ropcForm(handoff, { password: "Wrong-Password-1" }));
        assert.equal(result.status, 400);
        assert.deepEqual(Object.keys(result.body).sort(), ["correlation_id", "error", "error_codes", "error_description", "error_uri", "timestamp", "trace_id"]);
        assert.equal(result.body.error, "invalid_grant");
        assert.deepEqual(result.body.error_codes, [50126]);
        assert.match(result.body.trace_id, /^[0-9a-f-]{36}$/);
        assert.match(result.body.error_uri, /code=50126$/);
    });

    it("rejects an unknown tenant with AADSTS90002", async () => {
        await expectAadsts(ropcForm(handoff), 90002, 400, "11111111-2222-3333-4444-555555555555");
    });

    it("rejects an unknown client ID with AADSTS700016", async () => {
        await expectAadsts(ropcForm(handoff, { client_id: "11111111-2222-3333-4444-555555555555" }), 700016);
    });

    it("rejects a request without a client secret with AADSTS7000218 and HTTP 401", async () => {
        await expectAadsts(ropcForm(handoff, { client_secret: undefined }), 7000218, 401);
    });

    it("rejects a wrong client secret with AADSTS7000215 and HTTP 401", async () => {
        await expectAadsts(ropcForm(handoff, { client_secret: "abc8Q~notTheSecretAtAll" }), 7000215, 401);
    });

    it("rejects the secret's key ID sent instead of its value with AADSTS7000215", async () => {
        const keyId = emulator.directory.applications().find((a) => a.appId === handoff.applicationClientId)?.passwordCredentials[0].keyId;
        assert.ok(keyId);
        await expectAadsts(ropcForm(handoff, { client_secret: keyId }), 7000215, 401);
    });

    it("rejects an expired client secret with AADSTS7000222", async () => {
        clock.advance(366 * 24 * 3600 * 1000);
        await expectAadsts(ropcForm(handoff), 7000222, 401);
    });

    it("rejects an unknown user with AADSTS50034", async () => {
        await expectAadsts(ropcForm(handoff, { username: "nobody@contoso.example" }), 50034);
    });

    it("rejects a wrong password with AADSTS50126 and counts the failed attempt", async () => {
        await expectAadsts(ropcForm(handoff, { password: "Wrong-Password-1" }), 50126);
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 1);
    });

    it("rejects a password with leading or trailing whitespace with AADSTS50126 without counting it", async () => {
        await expectAadsts(ropcForm(handoff, { password: ` ${handoff.userPassword}` }), 50126);
        await expectAadsts(ropcForm(handoff, { password: `${handoff.userPassword}\t` }), 50126);
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 0);
    });

    it("locks the account with AADSTS50053 after lockoutThreshold wrong passwords, even for the right password", async () => {
        emulator.faults.lockoutThreshold = 3;
        for (let i = 0; i < 3; i++) await expectAadsts(ropcForm(handoff, { password: "Wrong-Password-1" }), 50126);
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 3);
        await expectAadsts(ropcForm(handoff), 50053);
    });

    it("locks after 10 wrong passwords by default, like Entra ID smart lockout", async () => {
        assert.equal(emulator.faults.lockoutThreshold, 10);
        for (let i = 0; i < 9; i++) await expectAadsts(ropcForm(handoff, { password: "Wrong-Password-1" }), 50126);
        await expectAadsts(ropcForm(handoff, { password: "Wrong-Password-1" }), 50126);
        await expectAadsts(ropcForm(handoff, { password: "Wrong-Password-1" }), 50053);
    });

    it("unlocks the account once the lockout duration has passed on the emulator clock", async () => {
        emulator.faults.lockoutThreshold = 2;
        emulator.faults.lockoutDurationMs = 60_000;
        for (let i = 0; i < 2; i++) await postToken(emulator, ropcForm(handoff, { password: "Wrong-Password-1" }));
        await expectAadsts(ropcForm(handoff), 50053);
        clock.advance(60_000);
        assert.equal((await postToken(emulator, ropcForm(handoff))).status, 200);
    });

    it("resets the failed-attempt counter after a successful sign-in", async () => {
        await postToken(emulator, ropcForm(handoff, { password: "Wrong-Password-1" }));
        await postToken(emulator, ropcForm(handoff, { password: "Wrong-Password-2" }));
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 2);
        await signIn(emulator, handoff);
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 0);
    });

    it("rejects a disabled user with AADSTS50057", async () => {
        emulator.directory.updateUser(seed.serviceUserObjectId, { accountEnabled: false });
        await expectAadsts(ropcForm(handoff), 50057);
    });

    it("rejects a user who must change the password at next sign-in with AADSTS50055", async () => {
        emulator.directory.setPassword(seed.serviceUserObjectId, "Fresh-Passw0rd-42");
        await expectAadsts(ropcForm(handoff, { password: "Fresh-Passw0rd-42" }), 50055);
    });

    it("rejects a user listed in the passwordExpired fault with AADSTS50055", async () => {
        emulator.faults.passwordExpired.add(seed.serviceUserObjectId);
        await expectAadsts(ropcForm(handoff), 50055);
    });

    it("rejects a user who must register for MFA with AADSTS50079", async () => {
        emulator.faults.mfaRegistrationRequired.add(handoff.userEmail);
        await expectAadsts(ropcForm(handoff), 50079);
    });

    it("rejects a user who needs MFA with AADSTS50076, matching the UPN case-insensitively", async () => {
        emulator.faults.mfaRequired.add(handoff.userEmail.toUpperCase());
        await expectAadsts(ropcForm(handoff), 50076);
    });

    it("rejects a user blocked by Conditional Access with AADSTS53003", async () => {
        emulator.faults.conditionalAccessBlocked.add(seed.serviceUserObjectId);
        await expectAadsts(ropcForm(handoff), 53003);
    });

    it("rejects a sign-in with AADSTS500011 when the Microsoft Graph service principal is missing", async () => {
        emulator.directory.deleteServicePrincipal?.(emulator.directory.graphServicePrincipal.id);
        await expectAadsts(ropcForm(handoff), 500011);
    });

    it("rejects a scope for a resource other than Microsoft Graph with AADSTS500011", async () => {
        await expectAadsts(ropcForm(handoff, { scope: "api://someone-else/.default" }), 500011);
    });

    it("rejects a sign-in with AADSTS65001 when no delegated grant exists", async () => {
        for (const g of emulator.directory.delegatedGrants()) emulator.directory.revokeDelegated(g.id);
        await expectAadsts(ropcForm(handoff), 65001);
    });

    it("rejects a sign-in with AADSTS65001 when the only grant is a Principal grant for another user", async () => {
        const dir = emulator.directory;
        for (const g of dir.delegatedGrants()) dir.revokeDelegated(g.id);
        const other = dir.createUser({ userPrincipalName: "other@contoso.example", displayName: "Other", password: "Other-Passw0rd-1", forceChangePasswordNextSignIn: false });
        dir.grantDelegated({ clientId: seed.servicePrincipalObjectId, resourceId: dir.graphServicePrincipal.id, scope: "Presence.Read.All", principalId: other.id });
        await expectAadsts(ropcForm(handoff), 65001);
    });

    it("puts the scopes of a Principal grant for this user into scp", async () => {
        const dir = emulator.directory;
        for (const g of dir.delegatedGrants()) dir.revokeDelegated(g.id);
        dir.grantDelegated({ clientId: seed.servicePrincipalObjectId, resourceId: dir.graphServicePrincipal.id, scope: "Presence.Read", principalId: seed.serviceUserObjectId });
        assert.equal(claims(await signIn(emulator, handoff)).scp, "Presence.Read");
    });

    it("puts the union of the AllPrincipals grant and the user's Principal grant into scp", async () => {
        const dir = emulator.directory;
        dir.grantDelegated({ clientId: seed.servicePrincipalObjectId, resourceId: dir.graphServicePrincipal.id, scope: "User.ReadBasic.All Presence.Read.All", principalId: seed.serviceUserObjectId });
        assert.equal(claims(await signIn(emulator, handoff)).scp, "User.Read Presence.Read.All User.ReadBasic.All");
    });

    it("accepts a consented named permission as well as {graph}/.default (more in identityEndpoints.test.ts)", async () => {
        const result = await postToken(emulator, ropcForm(handoff, { scope: "User.Read" }));
        assert.equal(result.status, 200);
        assert.equal(claims(result.body.access_token).scp, "User.Read Presence.Read.All");
    });

    it("rejects a scope that names no resource with AADSTS70011", async () => {
        await expectAadsts(ropcForm(handoff, { scope: "openid profile" }), 70011);
    });

    it("rejects a request without a username with AADSTS900144", async () => {
        await expectAadsts(ropcForm(handoff, { username: undefined }), 900144);
    });

    it("rejects an unsupported grant type with AADSTS70003", async () => {
        await expectAadsts(ropcForm(handoff, { grant_type: "device_code" }), 70003);
    });

    it("checks the client secret before the password, like Entra ID", async () => {
        await expectAadsts(ropcForm(handoff, { client_secret: "abc8Q~wrong", password: "Wrong-Password-1" }), 7000215, 401);
        assert.equal(emulator.failedPasswordAttempts(seed.serviceUserObjectId), 0);
    });

    it("accepts the tenant's domain name in place of its ID", async () => {
        assert.equal((await postToken(emulator, ropcForm(handoff), "contoso.example")).status, 200);
    });

    it("answers AADSTS900561 with HTTP 405 to a GET on the token endpoint", async () => {
        const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`);
        assert.equal(response.status, 405);
        assert.deepEqual((await response.json()).error_codes, [900561]);
    });
});

describe("emulator token endpoint: replication delay", () => {
    let clock: TestClock;
    let emulator: Emulator;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now, faults: { replicationDelayMs: 30_000 } });
    });

    afterEach(() => emulator.close());

    it("hides a new app (AADSTS700016) until the replication delay has passed on the emulator clock", async () => {
        const { handoff } = emulator.directory.seedPresenceSetup();
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 700016);
        clock.advance(29_999);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 700016);
        clock.advance(1);
        assert.equal((await postToken(emulator, ropcForm(handoff))).status, 200);
    });

    it("hides a new client secret (AADSTS7000215) until it has replicated", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        clock.advance(30_000);
        const fresh = emulator.directory.addPassword(seed.applicationObjectId, {});
        const form = ropcForm(seed.handoff, { client_secret: fresh.secretText });
        assert.equal(aadstsOf(await postToken(emulator, form)), 7000215);
        clock.advance(30_000);
        assert.equal((await postToken(emulator, form)).status, 200);
    });

    it("hides a new user (AADSTS50034) until it has replicated", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        clock.advance(30_000);
        const dir = emulator.directory;
        const user = dir.createUser({ userPrincipalName: "late@contoso.example", displayName: "Late", password: "Late-Passw0rd-1", forceChangePasswordNextSignIn: false });
        const form = ropcForm(seed.handoff, { username: user.userPrincipalName, password: "Late-Passw0rd-1" });
        assert.equal(aadstsOf(await postToken(emulator, form)), 50034);
        clock.advance(30_000);
        assert.equal((await postToken(emulator, form)).status, 200);
    });

    it("keeps the old password valid and the new one failing (AADSTS50126) until a reset has replicated", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        clock.advance(30_000);
        emulator.directory.setPassword(seed.serviceUserObjectId, "Brand-New-Passw0rd", false);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(seed.handoff, { password: "Brand-New-Passw0rd" }))), 50126);
        assert.equal((await postToken(emulator, ropcForm(seed.handoff))).status, 200);
        clock.advance(30_000);
        assert.equal((await postToken(emulator, ropcForm(seed.handoff, { password: "Brand-New-Passw0rd" }))).status, 200);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(seed.handoff))), 50126);
    });

    it("reports missing consent (AADSTS65001) until a new grant has replicated", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        const dir = emulator.directory;
        for (const g of dir.delegatedGrants()) dir.revokeDelegated(g.id);
        clock.advance(30_000);
        dir.grantDelegated({ clientId: seed.servicePrincipalObjectId, resourceId: dir.graphServicePrincipal.id, scope: "Presence.Read.All" });
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(seed.handoff))), 65001);
        clock.advance(30_000);
        assert.equal(claims(await signIn(emulator, seed.handoff)).scp, "Presence.Read.All");
    });
});

describe("emulator token endpoint: client credentials", () => {
    let clock: TestClock;
    let emulator: Emulator;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
    });

    afterEach(() => emulator.close());

    function daemon(): { appId: string; spId: string; secret: string } {
        const dir = emulator.directory;
        const app = dir.createApplication({ displayName: "daemon" });
        const sp = dir.createServicePrincipal({ appId: app.appId });
        return { appId: app.appId, spId: sp.id, secret: dir.addPassword(app.id, {}).secretText };
    }

    function assign(spId: string, role: string): void {
        const dir = emulator.directory;
        const appRoleId = dir.graphServicePrincipal.appRoles.find((r) => r.value === role)?.id;
        assert.ok(appRoleId);
        dir.assignAppRole({ appRoleId, principalId: spId, resourceId: dir.graphServicePrincipal.id });
    }

    it("puts the app role assignments on Microsoft Graph into roles and sends no scp", async () => {
        const d = daemon();
        assign(d.spId, "Presence.Read.All");
        assign(d.spId, "User.ReadBasic.All");
        const result = await postToken(emulator, { grant_type: "client_credentials", client_id: d.appId, client_secret: d.secret, scope: GRAPH_SCOPE });
        assert.equal(result.status, 200);
        assert.equal(result.body.scope, undefined);
        const c = claims(result.body.access_token);
        assert.deepEqual(c.roles, ["Presence.Read.All", "User.ReadBasic.All"]);
        assert.equal(c.scp, undefined);
        assert.equal(c.idtyp, "app");
        assert.equal(c.oid, d.spId);
        assert.equal(c.aud, "https://graph.microsoft.com");
    });

    it("issues a token without a roles claim when nothing is assigned", async () => {
        const d = daemon();
        const result = await postToken(emulator, { grant_type: "client_credentials", client_id: d.appId, client_secret: d.secret, scope: GRAPH_SCOPE });
        assert.equal(result.status, 200);
        assert.equal(claims(result.body.access_token).roles, undefined);
    });

    it("leaves an app role assignment out of roles until it has replicated", async () => {
        const d = daemon();
        emulator.faults.replicationDelayMs = 10_000;
        clock.advance(10_000);
        assign(d.spId, "Presence.Read.All");
        const form = { grant_type: "client_credentials", client_id: d.appId, client_secret: d.secret, scope: GRAPH_SCOPE };
        assert.equal(claims((await postToken(emulator, form)).body.access_token).roles, undefined);
        clock.advance(10_000);
        assert.deepEqual(claims((await postToken(emulator, form)).body.access_token).roles, ["Presence.Read.All"]);
    });

    it("rejects a wrong client secret with AADSTS7000215", async () => {
        const d = daemon();
        const result = await postToken(emulator, { grant_type: "client_credentials", client_id: d.appId, client_secret: "nope", scope: GRAPH_SCOPE });
        assert.equal(result.status, 401);
        assert.equal(aadstsOf(result), 7000215);
    });

    it("accepts Microsoft Graph's app ID as the resource in the scope", async () => {
        const d = daemon();
        const result = await postToken(emulator, { grant_type: "client_credentials", client_id: d.appId, client_secret: d.secret, scope: `${GRAPH_APP_ID}/.default` });
        assert.equal(result.status, 200);
    });
});
