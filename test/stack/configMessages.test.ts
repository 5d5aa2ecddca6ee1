// The whole text of configuration errors as the person running `pulumi up` reads them, and the values the
// program takes in the forms Pulumi and hand-edited stack files hand it over.
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig, RawConfig } from "../../stack/config";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const VALID: RawConfig = { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" };
const ADOPT = {
    applicationObjectId: "11111111-1111-1111-1111-111111111111", servicePrincipalObjectId: "22222222-2222-2222-2222-222222222222",
    serviceUserObjectId: "33333333-3333-3333-3333-333333333333", delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
};
const HOW_TO_SET = "\nSet a value with `pulumi config set KEY VALUE`, a list item by item with `pulumi config set --path 'KEY[0]' VALUE` " +
    "(or as a YAML list in Pulumi.<stack>.yaml), a secret with `pulumi config set --secret KEY`.";

function configError(raw: RawConfig, secretKeys: ReadonlySet<string> = new Set(["existingUserPassword"])): ConfigError {
    try {
        parseStackConfig(raw, secretKeys);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e;
    }
    assert.fail("the configuration was accepted");
}

const problems = (raw: RawConfig) => configError({ ...VALID, ...raw }).problems;

describe("configuration errors as the person running `pulumi up` reads them", () => {
    it("counts a single problem as one problem, and lists each problem on its own line", () => {
        const e = configError({ ...VALID, consent: "all" });
        assert.equal(e.message, "The stack configuration is not valid (1 problem); nothing was created:\n" +
            '  - consent "all" must be "tenant" or "serviceUser"' + HOW_TO_SET);
    });

    it("counts several problems in the plural, one line each", () => {
        const e = configError({ ...VALID, consent: "all", protect: "1" });
        assert.equal(e.message, "The stack configuration is not valid (2 problems); nothing was created:\n" +
            '  - consent "all" must be "tenant" or "serviceUser"\n' +
            '  - protect "1" must be true or false' + HOW_TO_SET);
    });

    it("is a ConfigError whose stack is its name and message only, with no frames for util.inspect to hang on", () => {
        const e = configError({ ...VALID, consent: "all" });
        assert.equal(e.name, "ConfigError");
        assert.equal(String(e), `ConfigError: ${e.message}`);
        assert.equal(e.stack, `ConfigError: ${e.message}`);
    });

    it("reports a fractional rotation setting once, without also comparing it with the other rotation settings", () => {
        const limits: Record<string, string> = { secretRotationDays: "1 to 730", secretOverlapDays: "1 to 730", secretMaxLifetimeDays: "2 to 730" };
        for (const [key, range] of Object.entries(limits)) {
            assert.deepEqual(problems({ [key]: "1.5" }), [`${key} "1.5" must be a whole number of days from ${range}`], key);
        }
    });

    it("names a handoffKeyVault without its resource group", () => {
        assert.deepEqual(problems({ handoffKeyVault: '{"vaultName":"kv-jtel"}' }),
            ["handoffKeyVault.resourceGroupName is required (the vault's resource group)"]);
    });

    it("names a handoffKeyVault resource group Azure does not allow", () => {
        assert.deepEqual(problems({ handoffKeyVault: '{"resourceGroupName":"rg jtel","vaultName":"kv-jtel"}' }),
            ['handoffKeyVault.resourceGroupName "rg jtel" must be 1-90 letters, digits, - _ . ( )']);
    });

    it("names an adopted delegatedGrantId that is not an oauth2PermissionGrant ID", () => {
        assert.deepEqual(problems({ adopt: JSON.stringify({ ...ADOPT, delegatedGrantId: "grant id" }), existingUserPassword: "Current-Passw0rd!" }),
            ['adopt.delegatedGrantId "grant id" must be an oauth2PermissionGrant ID (letters, digits, - and _)']);
    });

    it("names an adopt that is not an object and the four IDs it must hold", () => {
        assert.deepEqual(problems({ adopt: "app-123", existingUserPassword: "Current-Passw0rd!" }),
            ['adopt "app-123" must be an object with applicationObjectId, servicePrincipalObjectId, serviceUserObjectId and delegatedGrantId']);
    });
});

describe("configuration values as a stack file hands them over", () => {
    it("takes an empty display name as unset and uses the default", () => {
        const c = parseStackConfig({ ...VALID, appDisplayName: "", serviceUserDisplayName: "" });
        assert.equal(c.appDisplayName, "jtel Teams Presence");
        assert.equal(c.serviceUserDisplayName, "jtel Teams Presence Service");
    });

    it("takes a whole number with spaces around it, as a hand-edited stack file may hold it", () => {
        assert.equal(parseStackConfig({ ...VALID, secretRotationDays: " 90 ", secretOverlapDays: "30\n" }).secretRotationDays, 90);
    });

    it("drops every trailing slash from an endpoint, so paths joined to it have exactly one", () => {
        const c = parseStackConfig({ ...VALID, authorityHost: "https://login.example.com//", graphEndpoint: "https://graph.example.com///" });
        assert.equal(c.authorityHost, "https://login.example.com");
        assert.equal(c.graphEndpoint, "https://graph.example.com");
    });
});
