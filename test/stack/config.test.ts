import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError, parseStackConfig, RawConfig } from "../../stack/config";
import { UserError } from "../../components/userError";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const ADOPT = JSON.stringify({
    applicationObjectId: "11111111-1111-1111-1111-111111111111", servicePrincipalObjectId: "22222222-2222-2222-2222-222222222222",
    serviceUserObjectId: "33333333-3333-3333-3333-333333333333", delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
});
const VALID: RawConfig = { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" };
/** existingUserPassword as `pulumi config set --secret` stores it. */
const SECRET = new Set(["existingUserPassword"]);

function problems(raw: RawConfig, secretKeys: ReadonlySet<string> = SECRET): string[] {
    try {
        parseStackConfig(raw, secretKeys);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        assert.ok(e instanceof UserError, "a ConfigError is a user error, printed without a stack");
        assert.match(e.message, /nothing was created/);
        return e.problems;
    }
    assert.fail("the configuration was accepted");
}

function rejects(overrides: Record<string, string | undefined>, expected: RegExp) {
    const found = problems({ ...VALID, ...overrides });
    assert.ok(found.some((p) => expected.test(p)), `no problem matched ${expected}:\n${found.join("\n")}`);
}

describe("the stack configuration", () => {
    it("fills in the documented defaults", () => {
        assert.deepEqual(parseStackConfig(VALID), {
            tenantId: TENANT,
            serviceUserPrincipalName: "jtel-presence@contoso.com",
            appDisplayName: "jtel Teams Presence",
            serviceUserDisplayName: "jtel Teams Presence Service",
            delegatedPermissions: ["User.Read", "Presence.Read.All"],
            applicationPermissions: [],
            consent: "tenant",
            passwordNeverExpires: true,
            passwordLength: 32,
            secretRotationDays: 180,
            secretOverlapDays: 60,
            secretMaxLifetimeDays: 730,
            protect: true,
            verify: true,
            verifyTimeoutSeconds: 600,
            verifyAgents: [],
            verifyPasswordAttempts: undefined,
            cloud: "public",
            authorityHost: undefined,
            graphEndpoint: undefined,
            handoffKeyVault: undefined,
            adopt: undefined,
            existingUserPassword: undefined,
            servicePrincipalOwners: [],
        });
    });

    it("reads every value as the program receives it: strings, with lists and objects as JSON text", () => {
        const c = parseStackConfig({
            ...VALID, consent: "serviceUser", passwordNeverExpires: "false", secretRotationDays: "90", secretOverlapDays: "30",
            applicationPermissions: '["Presence.Read.All"]', verifyAgents: '["a@contoso.com","0f1e2d3c-4b5a-6978-8a9b-acbdcedff002"]',
            cloud: "usgovernment", authorityHost: "https://login.example.com/", graphEndpoint: "http://127.0.0.1:8080",
            handoffKeyVault: '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence"}',
            adopt: ADOPT, existingUserPassword: "Current-Passw0rd!",
        }, SECRET);
        assert.equal(c.consent, "serviceUser");
        assert.equal(c.passwordNeverExpires, false);
        assert.equal(c.secretRotationDays, 90);
        assert.deepEqual(c.applicationPermissions, ["Presence.Read.All"]);
        assert.equal(c.cloud, "usgovernment");
        assert.equal(c.authorityHost, "https://login.example.com");
        assert.equal(c.graphEndpoint, "http://127.0.0.1:8080");
        assert.deepEqual(c.handoffKeyVault, { resourceGroupName: "rg-jtel", vaultName: "kv-jtel-presence", secretNamePrefix: "jtel-presence" });
        assert.equal(c.adopt?.delegatedGrantId, "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz");
        assert.equal(c.existingUserPassword, "Current-Passw0rd!");
    });

    it("accepts any valid combination of rotation settings (property)", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 365 }), fc.integer({ min: 1, max: 365 }), (R, O) => {
            fc.pre(O <= R && R + O <= 730);
            const c = parseStackConfig({ ...VALID, secretRotationDays: String(R), secretOverlapDays: String(O) });
            assert.deepEqual([c.secretRotationDays, c.secretOverlapDays], [R, O]);
        }));
    });

    it("takes a tenant ID in any letter case and keeps it lower-case, as Entra ID writes it", () => {
        assert.equal(parseStackConfig({ ...VALID, "azuread:tenantId": TENANT.toUpperCase() }).tenantId, TENANT);
    });

    it("takes an object ID or a sign-in name as an agent, in any letter case", () => {
        const agents = ["0F1E2D3C-4B5A-6978-8A9B-ACBDCEDFF001", "Anna.Berg@Contoso.com"];
        assert.deepEqual(parseStackConfig({ ...VALID, verifyAgents: JSON.stringify(agents) }).verifyAgents, agents);
    });

    it("lists every problem at once", () => {
        assert.equal(problems({ serviceUserPrincipalName: "bob", consent: "all" }).length, 3);
    });

    it("reads servicePrincipalOwners' object IDs in lower case, as Graph lists owners (the provider compares them as written)", () => {
        assert.deepEqual(parseStackConfig({ ...VALID, servicePrincipalOwners: '["0F1E2D3C-4B5A-4697-8877-665544332211"]' }).servicePrincipalOwners, ["0f1e2d3c-4b5a-4697-8877-665544332211"]);
    });

    describe("rejects", () => {
        it("a missing azuread:tenantId", () => rejects({ "azuread:tenantId": undefined }, /^azuread:tenantId is required: the customer's Directory \(tenant\) ID/));
        it("an azuread:tenantId that is not a GUID", () => rejects({ "azuread:tenantId": "contoso.com" }, /^azuread:tenantId "contoso.com" must be a Directory \(tenant\) ID: a GUID/));
        it("a missing serviceUserPrincipalName", () => rejects({ serviceUserPrincipalName: undefined }, /^serviceUserPrincipalName is required/));
        it("a serviceUserPrincipalName that is not an email-like UPN", () => rejects({ serviceUserPrincipalName: "bob" }, /^serviceUserPrincipalName "bob" must be an email-like UPN such as jtel-presence@contoso.com \(up to 64 characters before the @, 48 after\)$/));
        it("a serviceUserPrincipalName with a space", () => rejects({ serviceUserPrincipalName: "jtel presence@contoso.com" }, /serviceUserPrincipalName "jtel presence@contoso.com"/));
        it("an appDisplayName over 120 characters", () => rejects({ appDisplayName: "x".repeat(121) }, /^appDisplayName "x+" is longer than 120 characters$/));
        it("a serviceUserDisplayName over 256 characters", () => rejects({ serviceUserDisplayName: "y".repeat(257) }, /^serviceUserDisplayName "y+" is longer than 256 characters$/));
        it("delegatedPermissions that are not a JSON list", () => rejects({ delegatedPermissions: "User.Read" }, /^delegatedPermissions "User.Read" must be a JSON list of permission names such as \["User.Read","Presence.Read.All"\]$/));
        it("delegatedPermissions with a malformed name", () => rejects({ delegatedPermissions: '["Presence.Read.All","User Read"]' }, /^delegatedPermissions "User Read" must be a JSON list of permission names/));
        it("delegatedPermissions listing a name twice", () => rejects({ delegatedPermissions: '["Presence.Read.All","Presence.Read.All"]' }, /^delegatedPermissions \["Presence.Read.All","Presence.Read.All"\] lists a permission twice$/));
        it("delegatedPermissions without Presence.Read.All", () => rejects({ delegatedPermissions: '["User.Read"]' }, /^delegatedPermissions \["User.Read"\] must include "Presence.Read.All": the connector signs in as the service user/));
        it("applicationPermissions that are not a JSON list", () => rejects({ applicationPermissions: "{}" }, /^applicationPermissions \{\} must be a JSON list of permission names such as \["Presence.Read.All"\]$/));
        it("a consent other than tenant or serviceUser", () => rejects({ consent: "all" }, /^consent "all" must be "tenant" or "serviceUser"$/));
        it("a passwordNeverExpires that is not a boolean", () => rejects({ passwordNeverExpires: "yes" }, /^passwordNeverExpires "yes" must be true or false$/));
        it("a passwordLength below 16", () => rejects({ passwordLength: "12" }, /^passwordLength 12 must be a whole number of characters from 16 to 256$/));
        it("a passwordLength that is not a number", () => rejects({ passwordLength: "long" }, /^passwordLength "long" must be a whole number of characters from 16 to 256$/));
        it("a secretRotationDays of 0", () => rejects({ secretRotationDays: "0" }, /^secretRotationDays 0 must be a whole number of days from 1 to 730$/));
        it("a fractional secretOverlapDays", () => rejects({ secretOverlapDays: "1.5" }, /^secretOverlapDays "1.5" must be a whole number of days from 1 to 730$/));
        it("a secretMaxLifetimeDays above Microsoft's 730-day portal cap", () => rejects({ secretMaxLifetimeDays: "731" }, /^secretMaxLifetimeDays 731 must be a whole number of days from 2 to 730$/));
        it("rotation plus overlap longer than secretMaxLifetimeDays", () => rejects({ secretRotationDays: "300", secretOverlapDays: "100", secretMaxLifetimeDays: "365" }, /^secretRotationDays \(300\) \+ secretOverlapDays \(100\) = 400 days must not exceed secretMaxLifetimeDays \(365\)/));
        it("an overlap longer than the rotation period", () => rejects({ secretRotationDays: "30", secretOverlapDays: "40" }, /^secretOverlapDays \(40\) must not exceed secretRotationDays \(30\)/));
        it("a protect that is not a boolean", () => rejects({ protect: "1" }, /^protect "1" must be true or false$/));
        it("a verify that is not a boolean", () => rejects({ verify: "no" }, /^verify "no" must be true or false$/));
        it("a verifyTimeoutSeconds below 10", () => rejects({ verifyTimeoutSeconds: "5" }, /^verifyTimeoutSeconds 5 must be a whole number of seconds from 10 to 3600$/));
        it("verifyAgents that are not a JSON list", () => rejects({ verifyAgents: "a@contoso.com" }, /^verifyAgents "a@contoso.com" must be a JSON list such as/));
        it("says how Pulumi takes a list, item by item with --path, since it refuses a JSON string for a list key", () => {
            assert.throws(() => parseStackConfig({ ...VALID, verifyAgents: "a@contoso.com" }), /a list item by item with `pulumi config set --path 'KEY\[0\]' VALUE` \(or as a YAML list in Pulumi.<stack>.yaml\)/);
        });
        it("a verifyAgents entry that is neither an object ID nor a sign-in name", () => rejects({ verifyAgents: '["agent one"]' }, /^verifyAgents entry "agent one" must be an object ID \(GUID\) or a sign-in name/));
        it("servicePrincipalOwners that are not a JSON list", () => rejects({ servicePrincipalOwners: "0f1e2d3c-4b5a-4697-8877-665544332211" }, /^servicePrincipalOwners "0f1e2d3c-4b5a-4697-8877-665544332211" must be a JSON list of object IDs \(GUIDs\) of users or service principals/));
        it("a servicePrincipalOwners entry that is not an object ID", () => rejects({ servicePrincipalOwners: '["admin@contoso.com"]' }, /^servicePrincipalOwners entry "admin@contoso.com" must be an object ID \(a GUID\) of a user or service principal$/));
        it("servicePrincipalOwners listing an owner twice, in any case", () => rejects({ servicePrincipalOwners: '["0f1e2d3c-4b5a-4697-8877-665544332211","0F1E2D3C-4B5A-4697-8877-665544332211"]' }, /^servicePrincipalOwners \[.*\] lists an owner twice$/));
        it("an unknown cloud", () => rejects({ cloud: "germany" }, /^cloud "germany" must be one of public, usgovernment, usgovernmentdod$/));
        it("an authorityHost over plain http to a remote host", () => rejects({ authorityHost: "http://login.example.com" }, /^authorityHost "http:\/\/login.example.com" must use https:\/\/, or http:\/\/ only for a loopback host \(127.0.0.0\/8, localhost or \[::1\]\)$/));
        it("an authorityHost over plain http to an address that is not loopback", () => rejects({ authorityHost: "http://192.0.2.2:8080" }, /^authorityHost "http:\/\/192.0.2.2:8080" must use https:\/\//));
        it("a graphEndpoint with a user name and password in it, without showing the password", () => {
            const found = problems({ ...VALID, graphEndpoint: "https://bob:hunter2@graph.example" });
            assert.deepEqual(found, ['graphEndpoint "https://***@graph.example/" must not carry a user name or password']);
        });
        it("a graphEndpoint that is not a URL", () => rejects({ graphEndpoint: "graph" }, /^graphEndpoint "graph" must be an absolute URL: https:\/\/, or http:\/\/ only for a loopback host/));
        it("a handoffKeyVault without a vault name", () => rejects({ handoffKeyVault: '{"resourceGroupName":"rg"}' }, /^handoffKeyVault.vaultName is required$/));
        it("a handoffKeyVault with an invalid vault name", () => rejects({ handoffKeyVault: '{"resourceGroupName":"rg","vaultName":"1kv"}' }, /^handoffKeyVault.vaultName "1kv" must be 3-24 letters/));
        it("a handoffKeyVault with an invalid subscription ID", () => rejects({ handoffKeyVault: '{"subscriptionId":"sub","resourceGroupName":"rg","vaultName":"kv-jtel"}' }, /^handoffKeyVault.subscriptionId "sub" must be a GUID$/));
        it("a handoffKeyVault that is not an object", () => rejects({ handoffKeyVault: "kv-jtel" }, /^handoffKeyVault "kv-jtel" must be an object/));
        it("an adopt with an object ID that is not a GUID", () => rejects({ adopt: '{"applicationObjectId":"app","servicePrincipalObjectId":"22222222-2222-2222-2222-222222222222","serviceUserObjectId":"33333333-3333-3333-3333-333333333333"}' }, /^adopt.applicationObjectId "app" must be an object ID \(a GUID\)$/));
        it("an adopt missing an object ID", () => rejects({ adopt: '{"applicationObjectId":"11111111-1111-1111-1111-111111111111"}' }, /^adopt.servicePrincipalObjectId is required$/));
        it("a handoffKeyVault.secretNamePrefix with characters Key Vault does not allow", () => rejects({ handoffKeyVault: '{"resourceGroupName":"rg","vaultName":"kv-jtel","secretNamePrefix":"jtel_presence"}' }, /^handoffKeyVault.secretNamePrefix "jtel_presence" must be 1-80 letters, digits and hyphens$/));
        it("an adopt without the admin-consent grant's ID", () => rejects({ adopt: JSON.stringify({ ...JSON.parse(ADOPT), delegatedGrantId: undefined }), existingUserPassword: "Current-Passw0rd!" }, /^adopt.delegatedGrantId is required: the ID of the oauth2PermissionGrant/));
        it("an adopt without existingUserPassword", () => rejects({ adopt: ADOPT }, /^adopt keeps the service user's current password so the connector keeps working: set it with `pulumi config set --secret existingUserPassword`/));
        it("an existingUserPassword the connector cannot use, naming each rule it breaks without showing it", () => {
            const secret = "short#1";
            const found = problems({ ...VALID, existingUserPassword: secret });
            const reset = "; the connector cannot sign in with it, so reset it instead: pulumi config rm existingUserPassword";
            assert.deepEqual(found, [
                `existingUserPassword (secret, not shown) is shorter than 8 characters (Entra ID needs 8 to 256)${reset}`,
                `existingUserPassword (secret, not shown) contains a character the connector rejects ([ ] < > ? # &)${reset}`,
            ]);
            for (const p of found) assert.ok(!p.includes(secret));
        });
        it("accepts a hand-made existingUserPassword with three of the four character classes, as Entra ID does", () => {
            assert.equal(parseStackConfig({ ...VALID, adopt: ADOPT, existingUserPassword: "CurrentPassw0rd" }, SECRET).existingUserPassword, "CurrentPassw0rd");
        });
        it("an existingUserPassword stored in plain text, without showing it", () => {
            const found = problems({ ...VALID, existingUserPassword: "Current-Passw0rd!" }, new Set());
            assert.deepEqual(found, ["existingUserPassword is stored in plain text in the stack's settings file (and in git, where stacks are committed); store it encrypted with `pulumi config set --secret existingUserPassword` (it prompts for the value), then change the password if that file was shared"]);
        });
        it("an unknown key, naming the known ones", () => rejects({ serviceUserPrincipleName: "x@contoso.com" }, /^serviceUserPrincipleName is not a configuration key of this project; known keys: serviceUserPrincipalName,/));
        it("a tenant ID, subscription ID or adopted object ID with anything before or after the GUID", () => {
            const guid = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
            const startsWith = (found: string[], start: string) => assert.ok(found.some((p) => p.startsWith(start)), `no problem starts with ${start}:\n${found.join("\n")}`);
            for (const bad of [`x${guid}`, `${guid}0`, `{${guid}}`, guid.replace(/-/g, ""), guid.replace("0f1e", "0g1e")]) {
                startsWith(problems({ ...VALID, "azuread:tenantId": bad }), `azuread:tenantId ${JSON.stringify(bad)} must be a Directory (tenant) ID: a GUID`);
                startsWith(problems({ ...VALID, handoffKeyVault: JSON.stringify({ subscriptionId: bad, resourceGroupName: "rg", vaultName: "kv-jtel" }) }),
                    `handoffKeyVault.subscriptionId ${JSON.stringify(bad)} must be a GUID`);
                startsWith(problems({ ...VALID, adopt: JSON.stringify({ ...JSON.parse(ADOPT), serviceUserObjectId: bad }), existingUserPassword: "Current-Passw0rd!" }),
                    `adopt.serviceUserObjectId ${JSON.stringify(bad)} must be an object ID (a GUID)`);
            }
        });
        it("an existingUserPassword with any one of the characters the connector rejects", () => {
            for (const c of "[]<>?#&") {
                assert.deepEqual(problems({ ...VALID, adopt: ADOPT, existingUserPassword: `Current-Passw0rd${c}x` }), [
                    "existingUserPassword (secret, not shown) contains a character the connector rejects ([ ] < > ? # &); the connector cannot sign in with it, so reset it instead: pulumi config rm existingUserPassword",
                ], c);
            }
        });
    });
});
