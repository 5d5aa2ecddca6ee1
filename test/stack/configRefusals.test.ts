// What the stack's configuration accepts and refuses, and the exact words the person running `pulumi up` reads
// for each refusal: IDs, sign-in names, permission lists, the hand-off vault and endpoint settings.
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig, RawConfig } from "../../stack/config";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const VALID: RawConfig = { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" };
const PERMISSIONS_RULE = 'must be a JSON list of permission names such as ["User.Read","Presence.Read.All"]';

function problems(raw: RawConfig): string[] {
    try {
        parseStackConfig({ ...VALID, ...raw });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    assert.fail(`the configuration was accepted: ${JSON.stringify(raw)}`);
}

const accepts = (raw: RawConfig) => parseStackConfig({ ...VALID, ...raw });

describe("stack configuration: what is accepted, and the message for each refusal", () => {
    describe("azuread:tenantId is exactly one GUID", () => {
        it("refuses a GUID with text before it", () => {
            assert.deepEqual(problems({ "azuread:tenantId": `x${TENANT}` }), [
                `azuread:tenantId "x${TENANT}" must be a Directory (tenant) ID: a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47`]);
        });
        it("refuses a GUID with text after it", () => {
            assert.deepEqual(problems({ "azuread:tenantId": `${TENANT}0` }), [
                `azuread:tenantId "${TENANT}0" must be a Directory (tenant) ID: a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47`]);
        });
    });

    describe("serviceUserPrincipalName follows Entra ID's UPN rules", () => {
        const refusal = (upn: string) => [`serviceUserPrincipalName ${JSON.stringify(upn)} must be an email-like UPN such as jtel-presence@contoso.com (up to 64 characters before the @, 48 after)`];
        it("refuses a space in the name before the @", () => {
            assert.deepEqual(problems({ serviceUserPrincipalName: "jtel presence@contoso.com" }), refusal("jtel presence@contoso.com"));
        });
        it("refuses more than 64 characters before the @", () => {
            const upn = `${"a".repeat(65)}@contoso.com`;
            assert.deepEqual(problems({ serviceUserPrincipalName: upn }), refusal(upn));
            assert.equal(accepts({ serviceUserPrincipalName: `${"a".repeat(64)}@contoso.com` }).serviceUserPrincipalName, `${"a".repeat(64)}@contoso.com`);
        });
        it("refuses a top-level domain that is not all letters", () => {
            assert.deepEqual(problems({ serviceUserPrincipalName: "jtel@contoso.com1" }), refusal("jtel@contoso.com1"));
        });
        it("takes a domain of 48 characters after the @ and refuses 49", () => {
            const domain48 = `${"d".repeat(44)}.com`;
            assert.equal(domain48.length, 48);
            assert.equal(accepts({ serviceUserPrincipalName: `jtel@${domain48}` }).serviceUserPrincipalName, `jtel@${domain48}`);
            const upn = `jtel@d${domain48}`;
            assert.deepEqual(problems({ serviceUserPrincipalName: upn }), refusal(upn));
        });
        it("takes a domain with subdomains and one-character labels", () => {
            assert.equal(accepts({ serviceUserPrincipalName: "jtel@mail.contoso.com" }).serviceUserPrincipalName, "jtel@mail.contoso.com");
            assert.equal(accepts({ serviceUserPrincipalName: "jtel@x.contoso.com" }).serviceUserPrincipalName, "jtel@x.contoso.com");
            assert.equal(accepts({ serviceUserPrincipalName: "jtel@x.io" }).serviceUserPrincipalName, "jtel@x.io");
        });
    });

    describe("texts, switches and numbers name the key, the value and the rule", () => {
        it("a display name longer than its limit", () => {
            const name = "a".repeat(121);
            assert.deepEqual(problems({ appDisplayName: name }), [`appDisplayName "${name}" is longer than 120 characters`]);
        });
        it("a switch that is neither true nor false", () => {
            assert.deepEqual(problems({ passwordNeverExpires: "yes" }), ['passwordNeverExpires "yes" must be true or false']);
        });
        it("a number that is not a number", () => {
            assert.deepEqual(problems({ passwordLength: "twelve" }), ['passwordLength "twelve" must be a whole number of characters from 16 to 256']);
        });
        it("a number below its range", () => {
            assert.deepEqual(problems({ passwordLength: "1" }), ["passwordLength 1 must be a whole number of characters from 16 to 256"]);
            assert.deepEqual(problems({ verifyTimeoutSeconds: "5" }), ["verifyTimeoutSeconds 5 must be a whole number of seconds from 10 to 3600"]);
        });
        it("a number above its range", () => {
            assert.deepEqual(problems({ passwordLength: "999" }), ["passwordLength 999 must be a whole number of characters from 16 to 256"]);
            assert.deepEqual(problems({ verifyTimeoutSeconds: "4000" }), ["verifyTimeoutSeconds 4000 must be a whole number of seconds from 10 to 3600"]);
        });
    });

    describe("permission lists are JSON lists of Graph permission names, each once", () => {
        it("refuses a bare name that is not a JSON list", () => {
            assert.deepEqual(problems({ delegatedPermissions: "User.Read" }), [`delegatedPermissions "User.Read" ${PERMISSIONS_RULE}`]);
        });
        it("refuses an entry that is not a string", () => {
            assert.deepEqual(problems({ delegatedPermissions: '[1,"Presence.Read.All"]' }), [`delegatedPermissions 1 ${PERMISSIONS_RULE}`]);
        });
        it("refuses a name that does not start with a letter", () => {
            assert.deepEqual(problems({ delegatedPermissions: '["1User.Read","Presence.Read.All"]' }), [`delegatedPermissions "1User.Read" ${PERMISSIONS_RULE}`]);
        });
        it("refuses a name with a character Graph's permission names never have", () => {
            assert.deepEqual(problems({ delegatedPermissions: '["User.Read!","Presence.Read.All"]' }), [`delegatedPermissions "User.Read!" ${PERMISSIONS_RULE}`]);
        });
        it("refuses a permission listed twice", () => {
            assert.deepEqual(problems({ delegatedPermissions: '["User.Read","User.Read","Presence.Read.All"]' }),
                ['delegatedPermissions ["User.Read","User.Read","Presence.Read.All"] lists a permission twice']);
        });
    });

    describe("endpoint settings", () => {
        it("keeps the authority host the person set, without its trailing slashes", () => {
            const c = accepts({ authorityHost: "https://login.example.com//", graphEndpoint: "https://graph.example.com/" });
            assert.equal(c.authorityHost, "https://login.example.com");
            assert.equal(c.graphEndpoint, "https://graph.example.com");
        });
    });

    describe("handoffKeyVault", () => {
        const vault = (v: Record<string, string>) => ({ handoffKeyVault: JSON.stringify(v) });
        it("names a subscription ID that is not a GUID", () => {
            assert.deepEqual(problems(vault({ subscriptionId: "nope", resourceGroupName: "rg", vaultName: "jtelvault" })),
                ['handoffKeyVault.subscriptionId "nope" must be a GUID']);
        });
        it("says the resource group is required when it is missing", () => {
            assert.deepEqual(problems(vault({ vaultName: "jtelvault" })), ["handoffKeyVault.resourceGroupName is required (the vault's resource group)"]);
        });
        it("takes a resource group of Azure's allowed characters, from one to 90", () => {
            for (const name of ["r", "rg", "rg-presence_1.(x)", "a".repeat(90)]) {
                assert.equal(accepts(vault({ resourceGroupName: name, vaultName: "jtelvault" })).handoffKeyVault?.resourceGroupName, name);
            }
        });
        it("refuses a vault name that does not start with a letter or ends with a hyphen, as Azure does", () => {
            for (const name of ["1jtelvault", "-jtelvault", "jtelvault-", "jtel vault"]) {
                assert.deepEqual(problems(vault({ resourceGroupName: "rg", vaultName: name })),
                    [`handoffKeyVault.vaultName ${JSON.stringify(name)} must be 3-24 letters, digits and hyphens, starting with a letter`]);
            }
            assert.equal(accepts(vault({ resourceGroupName: "rg", vaultName: "j-1" })).handoffKeyVault?.vaultName, "j-1");
        });
        it("refuses a resource group with another character anywhere, or longer than 90", () => {
            for (const name of ["!rg", "rg!", "r g", "a".repeat(91)]) {
                assert.deepEqual(problems(vault({ resourceGroupName: name, vaultName: "jtelvault" })),
                    [`handoffKeyVault.resourceGroupName ${JSON.stringify(name)} must be 1-90 letters, digits, - _ . ( )`]);
            }
        });
    });
});
