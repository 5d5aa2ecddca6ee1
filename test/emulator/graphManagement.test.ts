import { strict as assert } from "node:assert";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { aadstsOf, appToken, claims, DEPLOYER_ROLES, graph, postToken, ropcForm, signIn, TestClock } from "./support";

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const PRESENCE_READ_ALL_SCOPE = "9c7a330d-35b3-4aa1-963d-cb2b9f927841";
const PRESENCE_READ_ALL_ROLE = "a70e0c2d-e793-494c-94c4-118fa0a67f42";
const USER_READ_SCOPE = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

describe("emulator Graph: directory management through HTTP", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let admin: string;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
        // A deployer as README's least-privileged table describes it, plus the User Administrator role some
        // tests need for password resets (test/emulator/deployerPermissions.test.ts proves each permission).
        admin = await appToken(emulator, DEPLOYER_ROLES, ["User Administrator"]);
    });

    afterEach(() => emulator.close());

    async function call(method: string, path: string, body?: unknown): Promise<Awaited<ReturnType<typeof graph>>> {
        return graph(emulator, method, path, { token: admin, ...(body !== undefined ? { body } : {}) });
    }

    /** Provisions the presence setup the way @pulumi/azuread would, call by call. */
    async function provision(): Promise<{ handoff: Handoff; appObjectId: string; spId: string; userId: string; grantId: string }> {
        const graphSp = (await call("GET", `/servicePrincipals?$filter=appId eq '${GRAPH_APP_ID}'`)).body.value[0];
        assert.ok(graphSp.oauth2PermissionScopes.some((s: { id: string; value: string }) => s.value === "Presence.Read.All" && s.id === PRESENCE_READ_ALL_SCOPE));

        const app = await call("POST", "/applications", {
            displayName: "jtel presence", signInAudience: "AzureADMyOrg",
            requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: PRESENCE_READ_ALL_SCOPE, type: "Scope" }, { id: USER_READ_SCOPE, type: "Scope" }] }],
        });
        assert.equal(app.status, 201);
        assert.equal(app.body.requiredResourceAccess[0].resourceAccess.length, 2);
        const sp = await call("POST", "/servicePrincipals", { appId: app.body.appId });
        assert.equal(sp.status, 201);
        const secret = await call("POST", `/applications/${app.body.id}/addPassword`, { passwordCredential: { displayName: "slot-a", endDateTime: "2027-01-01T00:00:00Z" } });
        assert.equal(secret.status, 200);
        assert.equal(typeof secret.body.secretText, "string");
        const user = await call("POST", "/users", {
            accountEnabled: true, displayName: "jtel presence", mailNickname: "jtel-presence", userPrincipalName: "jtel-presence@contoso.example",
            passwordProfile: { password: "Correct-Horse-7-Battery", forceChangePasswordNextSignIn: false }, passwordPolicies: "DisablePasswordExpiration",
        });
        assert.equal(user.status, 201);
        assert.equal(user.body.passwordPolicies, "DisablePasswordExpiration");
        assert.equal((await call("POST", `/applications/${app.body.id}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${user.body.id}` })).status, 204);
        const grant = await call("POST", "/oauth2PermissionGrants", { clientId: sp.body.id, consentType: "AllPrincipals", resourceId: graphSp.id, scope: "User.Read Presence.Read.All" });
        assert.equal(grant.status, 201);
        return {
            handoff: {
                applicationClientId: app.body.appId, directoryTenantId: emulator.tenantId, secretValue: secret.body.secretText,
                userEmail: "jtel-presence@contoso.example", userPassword: "Correct-Horse-7-Battery",
            },
            appObjectId: app.body.id, spId: sp.body.id, userId: user.body.id, grantId: grant.body.id,
        };
    }

    it("provisions a working presence setup entirely through Graph calls", async () => {
        const { handoff } = await provision();
        const token = await signIn(emulator, handoff);
        assert.equal(claims(token).scp, "User.Read Presence.Read.All");
        assert.equal((await graph(emulator, "GET", "/me/presence", { token })).status, 200);
    });

    it("returns secretText from addPassword only, and a hint and null secretText when the app is read back", async () => {
        const { appObjectId, handoff } = await provision();
        const app = await call("GET", `/applications/${appObjectId}`);
        assert.equal(app.status, 200);
        assert.equal(app.body.passwordCredentials.length, 1);
        assert.equal(app.body.passwordCredentials[0].secretText, null);
        assert.equal(app.body.passwordCredentials[0].hint, handoff.secretValue.slice(0, 3));
        assert.equal(app.body.passwordCredentials[0].displayName, "slot-a");
        assert.ok(!app.text.includes(handoff.secretValue));
    });

    it("lists the owners added through owners/$ref", async () => {
        const { appObjectId, userId } = await provision();
        const owners = await call("GET", `/applications/${appObjectId}/owners`);
        assert.deepEqual(owners.body.value.map((o: { id: string; "@odata.type": string }) => [o.id, o["@odata.type"]]), [[userId, "#microsoft.graph.user"]]);
    });

    it("binds a service principal's owners at creation, lists, adds and removes them through owners/$ref, apart from the app's", async () => {
        const { appObjectId, userId } = await provision();
        const other = (await call("POST", "/applications", { displayName: "owned" })).body;
        const ref = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;
        const sp = await call("POST", "/servicePrincipals", { appId: other.appId, "owners@odata.bind": [ref(userId)] });
        assert.equal(sp.status, 201);
        const ownersOf = async () => (await call("GET", `/servicePrincipals/${sp.body.id}/owners`)).body.value.map((o: { id: string; "@odata.type": string }) => [o.id, o["@odata.type"]]);
        assert.deepEqual(await ownersOf(), [[userId, "#microsoft.graph.user"]]);
        const again = await call("POST", `/servicePrincipals/${sp.body.id}/owners/$ref`, { "@odata.id": ref(userId) });
        assert.deepEqual([again.status, again.body.error.message], [400, "One or more added object references already exist for the following modified properties: 'owners'."]);
        const graphSpId = emulator.directory.graphServicePrincipal.id;
        assert.equal((await call("POST", `/servicePrincipals/${sp.body.id}/owners/$ref`, { "@odata.id": ref(graphSpId) })).status, 204);
        assert.equal((await call("DELETE", `/servicePrincipals/${sp.body.id}/owners/${userId}/$ref`)).status, 204);
        assert.deepEqual(await ownersOf(), [[graphSpId, "#microsoft.graph.servicePrincipal"]]);
        const gone = await call("DELETE", `/servicePrincipals/${sp.body.id}/owners/${userId}/$ref`);
        assert.deepEqual([gone.status, gone.body.error.message], [400, "One or more removed object references do not exist for the following modified properties: 'owners'."]);
        // The app registration's owners are another list.
        assert.deepEqual((await call("GET", `/applications/${appObjectId}/owners`)).body.value.map((o: { id: string }) => o.id), [userId]);
        assert.equal((await call("POST", "/servicePrincipals", { appId: (await call("POST", "/applications", { displayName: "x" })).body.appId, "owners@odata.bind": [ref("0f1e2d3c-4b5a-4697-8877-665544332211")] })).status, 404);
    });

    it("refuses to change a service principal's owners without Application.ReadWrite.All (and Directory.Read.All to add one) with 403", async () => {
        const { spId, userId } = await provision();
        const reader = await appToken(emulator, ["Application.Read.All", "Directory.Read.All"]);
        const add = await graph(emulator, "POST", `/servicePrincipals/${spId}/owners/$ref`, { token: reader, body: { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` } });
        assert.equal(add.status, 403);
        assert.equal((await graph(emulator, "GET", `/servicePrincipals/${spId}/owners`, { token: reader })).status, 200);
        const writerWithoutDirectory = await appToken(emulator, ["Application.ReadWrite.All"]);
        assert.equal((await graph(emulator, "POST", `/servicePrincipals/${spId}/owners/$ref`, { token: writerWithoutDirectory, body: { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` } })).status, 403);
        emulator.directory.addServicePrincipalOwner(spId, userId);
        assert.equal((await graph(emulator, "DELETE", `/servicePrincipals/${spId}/owners/${userId}/$ref`, { token: reader })).status, 403);
        assert.equal((await graph(emulator, "DELETE", `/servicePrincipals/${spId}/owners/${userId}/$ref`, { token: writerWithoutDirectory })).status, 204);
    });

    it("refuses a second delegated grant for the same client, resource and principal with 409", async () => {
        const { spId } = await provision();
        const graphSpId = emulator.directory.graphServicePrincipal.id;
        const again = await call("POST", "/oauth2PermissionGrants", { clientId: spId, consentType: "AllPrincipals", resourceId: graphSpId, scope: "User.Read" });
        assert.equal(again.status, 409);
        assert.ok(again.body.error.code);
    });

    it("accepts a Principal grant next to the AllPrincipals grant and lists both by clientId", async () => {
        const { spId, userId } = await provision();
        const graphSpId = emulator.directory.graphServicePrincipal.id;
        const principal = await call("POST", "/oauth2PermissionGrants", { clientId: spId, consentType: "Principal", principalId: userId, resourceId: graphSpId, scope: "Presence.Read" });
        assert.equal(principal.status, 201);
        const listed = await call("GET", `/oauth2PermissionGrants?$filter=clientId eq '${spId}'`);
        assert.deepEqual(listed.body.value.map((g: { consentType: string }) => g.consentType).sort(), ["AllPrincipals", "Principal"]);
    });

    it("refuses a grant with an unknown scope name or a missing principalId with 400", async () => {
        const { spId } = await provision();
        const graphSpId = emulator.directory.graphServicePrincipal.id;
        assert.equal((await call("POST", "/oauth2PermissionGrants", { clientId: spId, consentType: "Principal", resourceId: graphSpId, scope: "User.Read" })).status, 400);
        const misspelt = await call("POST", "/oauth2PermissionGrants", { clientId: spId, consentType: "Principal", principalId: emulator.directory.users()[0].id, resourceId: graphSpId, scope: "Presense.Read" });
        assert.equal(misspelt.status, 400);
        assert.match(misspelt.body.error.message, /Presense\.Read/);
    });

    it("makes sign-in fail with AADSTS65001 once the grant is deleted", async () => {
        const { handoff, grantId } = await provision();
        assert.equal((await call("DELETE", `/oauth2PermissionGrants/${grantId}`)).status, 204);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 65001);
    });

    it("updates a grant's scope with PATCH", async () => {
        const { handoff, grantId } = await provision();
        assert.equal((await call("PATCH", `/oauth2PermissionGrants/${grantId}`, { scope: "Presence.Read.All" })).status, 204);
        assert.equal(claims(await signIn(emulator, handoff)).scp, "Presence.Read.All");
    });

    it("assigns an app role through appRoleAssignments, lists it, and puts it into client-credentials roles", async () => {
        const { handoff, spId } = await provision();
        const graphSpId = emulator.directory.graphServicePrincipal.id;
        const assigned = await call("POST", `/servicePrincipals/${spId}/appRoleAssignments`, { principalId: spId, resourceId: graphSpId, appRoleId: PRESENCE_READ_ALL_ROLE });
        assert.equal(assigned.status, 201);
        const listed = await call("GET", `/servicePrincipals/${spId}/appRoleAssignments`);
        assert.deepEqual(listed.body.value.map((a: { appRoleId: string }) => a.appRoleId), [PRESENCE_READ_ALL_ROLE]);
        const cc = await postToken(emulator, { grant_type: "client_credentials", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, scope: "https://graph.microsoft.com/.default" });
        assert.deepEqual(claims(cc.body.access_token).roles, ["Presence.Read.All"]);
        const single = await call("GET", `/servicePrincipals/${graphSpId}/appRoleAssignedTo/${assigned.body.id}`);
        assert.deepEqual([single.status, single.body.appRoleId, single.body.principalId], [200, PRESENCE_READ_ALL_ROLE, spId]);
        assert.equal((await call("DELETE", `/servicePrincipals/${spId}/appRoleAssignments/${assigned.body.id}`)).status, 204);
        assert.equal((await call("GET", `/servicePrincipals/${spId}/appRoleAssignments`)).body.value.length, 0);
    });

    it("refuses an app role assignment for a role the resource does not define with 400", async () => {
        const { spId } = await provision();
        const result = await call("POST", `/servicePrincipals/${spId}/appRoleAssignments`, { principalId: spId, resourceId: emulator.directory.graphServicePrincipal.id, appRoleId: PRESENCE_READ_ALL_SCOPE });
        assert.equal(result.status, 400);
    });

    it("refuses a service principal for an unknown appId with 400 and a second one for the same app with 409", async () => {
        assert.equal((await call("POST", "/servicePrincipals", { appId: "11111111-2222-3333-4444-555555555555" })).status, 400);
        const { handoff } = await provision();
        assert.equal((await call("POST", "/servicePrincipals", { appId: handoff.applicationClientId })).status, 409);
    });

    for (const [rule, password] of [
        ["fewer than 8 characters", "Ab1-xyz"],
        ["only two character classes", "alllowercase123"],
        ["a non-ASCII character", "Pässwort-1234"],
        ["more than 256 characters", `Aa1-${"x".repeat(253)}`],
    ] as const) {
        it(`refuses a user whose password has ${rule} with 400 and says why`, async () => {
            const result = await call("POST", "/users", {
                accountEnabled: true, displayName: "weak", mailNickname: "weak", userPrincipalName: "weak@contoso.example",
                passwordProfile: { password, forceChangePasswordNextSignIn: false },
            });
            assert.equal(result.status, 400);
            assert.match(result.body.error.message, /password complexity/);
            assert.ok(!result.text.includes(password), "the error must not echo the password");
        });
    }

    for (const missing of ["accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"]) {
        // learn.microsoft.com/graph/api/user-post-users lists the five as required; Graph's message for a missing
        // one is quoted in msgraph-sdk-powershell#230 ("Property mailNickname value is required but is empty or missing.").
        it(`refuses a new user without ${missing} with Graph's 400`, async () => {
            const complete: Record<string, unknown> = {
                accountEnabled: true, displayName: "new", mailNickname: "new", userPrincipalName: "new@contoso.example",
                passwordProfile: { password: "Good-Passw0rd!", forceChangePasswordNextSignIn: false },
            };
            const { [missing]: _left, ...body } = complete;
            const result = await call("POST", "/users", body);
            assert.deepEqual([result.status, result.body.error.code, result.body.error.message],
                [400, "Request_BadRequest", `Property ${missing} value is required but is empty or missing.`]);
            assert.equal((await call("POST", "/users", complete)).status, 201, "the complete body is accepted");
        });
    }

    it("refuses a user outside the tenant's verified domain or with a duplicate UPN with 400", async () => {
        const body = (upn: string) => ({ accountEnabled: true, displayName: "x", mailNickname: "x", userPrincipalName: upn, passwordProfile: { password: "Good-Passw0rd!" } });
        assert.equal((await call("POST", "/users", body("x@elsewhere.example"))).status, 400);
        assert.equal((await call("POST", "/users", body("x@contoso.example"))).status, 201);
        assert.equal((await call("POST", "/users", body("X@contoso.example"))).status, 400);
    });

    it("forces a password change at next sign-in when passwordProfile does not say otherwise (AADSTS50055)", async () => {
        const { handoff, userId } = await provision();
        assert.equal((await call("PATCH", `/users/${userId}`, { passwordProfile: { password: "Another-Passw0rd-9" } })).status, 204);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff, { password: "Another-Passw0rd-9" }))), 50055);
    });

    it("disables sign-in (AADSTS50057) when PATCH sets accountEnabled false", async () => {
        const { handoff, userId } = await provision();
        assert.equal((await call("PATCH", `/users/${userId}`, { accountEnabled: false })).status, 204);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 50057);
        const read = await call("GET", `/users/${userId}?$select=accountEnabled,passwordPolicies`);
        assert.equal(read.body.accountEnabled, false);
        assert.equal(read.body.passwordPolicies, "DisablePasswordExpiration");
    });

    it("makes the old secret fail with AADSTS7000215 after removePassword", async () => {
        const { handoff, appObjectId } = await provision();
        const keyId = (await call("GET", `/applications/${appObjectId}`)).body.passwordCredentials[0].keyId;
        assert.equal((await call("POST", `/applications/${appObjectId}/removePassword`, { keyId })).status, 204);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 7000215);
    });

    it("deletes an app with its service principal, so sign-in fails with AADSTS700016", async () => {
        const { handoff, appObjectId, spId } = await provision();
        assert.equal((await call("DELETE", `/applications/${appObjectId}`)).status, 204);
        assert.equal((await call("GET", `/applications/${appObjectId}`)).status, 404);
        assert.equal((await call("GET", `/servicePrincipals/${spId}`)).status, 404);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 700016);
    });

    it("deletes a user, so sign-in fails with AADSTS50034", async () => {
        const { handoff, userId } = await provision();
        assert.equal((await call("DELETE", `/users/${userId}`)).status, 204);
        assert.equal(aadstsOf(await postToken(emulator, ropcForm(handoff))), 50034);
    });

    it("finds applications by $filter=appId and refuses unsupported filters with 400", async () => {
        const { handoff, appObjectId } = await provision();
        const found = await call("GET", `/applications?$filter=appId eq '${handoff.applicationClientId}'`);
        assert.deepEqual(found.body.value.map((a: { id: string }) => a.id), [appObjectId]);
        assert.equal((await call("GET", "/applications?$filter=startswith(displayName,'j')")).status, 400);
    });

    it("hides a just-created application from Graph reads until it has replicated", async () => {
        emulator.faults.replicationDelayMs = 15_000;
        const app = await call("POST", "/applications", { displayName: "eventually" });
        assert.equal(app.status, 201);
        assert.equal((await call("GET", `/applications/${app.body.id}`)).status, 404);
        assert.equal((await call("POST", "/servicePrincipals", { appId: app.body.appId })).status, 400);
        clock.advance(15_000);
        assert.equal((await call("GET", `/applications/${app.body.id}`)).status, 200);
    });

    it("requires a valid token on management routes", async () => {
        const result = await graph(emulator, "POST", "/applications", { body: { displayName: "anonymous" } });
        assert.equal(result.status, 401);
        assert.equal(emulator.directory.applications().filter((a) => a.displayName === "anonymous").length, 0);
    });

    it("refuses the connector's own token on management routes with Graph's 403 body", async () => {
        const { handoff } = await provision();
        const token = await signIn(emulator, handoff);
        const refused = await graph(emulator, "POST", "/applications", { token, body: { displayName: "by a user" } });
        assert.equal(refused.status, 403);
        assert.deepEqual([refused.body.error.code, refused.body.error.message], ["Authorization_RequestDenied", "Insufficient privileges to complete the operation."]);
        assert.equal(emulator.directory.applications().filter((a) => a.displayName === "by a user").length, 0);
    });

    it("writes date-times back as Graph does: whole seconds with Z, fractions only when there are some", async () => {
        const { appObjectId } = await provision();
        const added = await call("POST", `/applications/${appObjectId}/addPassword`, { passwordCredential: { displayName: "b", endDateTime: "2027-02-14T00:00:00.000Z" } });
        assert.equal(added.body.endDateTime, "2027-02-14T00:00:00Z");
        const credential = (await call("GET", `/applications/${appObjectId}`)).body.passwordCredentials.find((c: { keyId: string }) => c.keyId === added.body.keyId);
        assert.equal(credential.endDateTime, "2027-02-14T00:00:00Z");
        // The emulator clock (TestClock) sits on a whole second; Graph writes no ".000".
        assert.equal(credential.startDateTime, "2026-03-02T09:00:00Z");
    });

    it("refuses a secret whose end date is not after its start (now) with Graph's 400", async () => {
        const { appObjectId } = await provision();
        const past = await call("POST", `/applications/${appObjectId}/addPassword`, { passwordCredential: { displayName: "late", endDateTime: "2026-03-01T00:00:00Z" } });
        assert.equal(past.status, 400);
        assert.deepEqual([past.body.error.code, past.body.error.message], ["Request_BadRequest", "Key credential end date is invalid."]);
    });

    it("answers a second user with the same UPN with Graph's body, including the ObjectConflict detail", async () => {
        await provision();
        const again = await call("POST", "/users", {
            accountEnabled: true, displayName: "dup", mailNickname: "dup", userPrincipalName: "JTEL-presence@contoso.example", passwordProfile: { password: "Another-Passw0rd-9" },
        });
        assert.equal(again.status, 400);
        assert.equal(again.body.error.code, "Request_BadRequest");
        assert.equal(again.body.error.message, "Another object with the same value for property userPrincipalName already exists.");
        assert.deepEqual(again.body.error.details.map((d: { code: string; target: string }) => [d.code, d.target]), [["ObjectConflict", "userPrincipalName"]]);
    });

    it("refuses a second owner link for the same user with Graph's 400", async () => {
        const { appObjectId, userId } = await provision();
        const again = await call("POST", `/applications/${appObjectId}/owners/$ref`, { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` });
        assert.equal(again.status, 400);
        assert.equal(again.body.error.message, "One or more added object references already exist for the following modified properties: 'owners'.");
    });

    it("stores notes and the token version the provider sends, and reads null for what nobody set", async () => {
        const sent = await call("POST", "/applications", { displayName: "noted", notes: "Managed by Pulumi", api: { requestedAccessTokenVersion: 2 } });
        assert.deepEqual([sent.body.notes, sent.body.api], ["Managed by Pulumi", { requestedAccessTokenVersion: 2 }]);
        const bare = await call("POST", "/applications", { displayName: "bare" });
        assert.deepEqual([bare.body.notes, bare.body.api], [null, { requestedAccessTokenVersion: null }]);
        const user = await call("POST", "/users", { accountEnabled: true, displayName: "u", mailNickname: "u", userPrincipalName: "u@contoso.example", passwordProfile: { password: "Good-Passw0rd!" } });
        const read = await call("GET", `/users/${user.body.id}?$select=mailNickname,showInAddressList`);
        assert.deepEqual(read.body, { "@odata.context": read.body["@odata.context"], mailNickname: "u", showInAddressList: null });
    });

    it("answers 405 to a method a known path does not support", async () => {
        assert.equal((await call("PUT", "/applications")).status, 405);
    });
});
