// Edges of the stack configuration that a tenant admin meets when a value is written slightly off: a number with
// spaces or a leading zero, a number of days that is not whole, an owner list with entries that are not IDs. Each
// problem is reported once and truthfully; nothing else is claimed about the values.
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig, RawConfig } from "../../stack/config";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const VALID: RawConfig = { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" };

function problems(overrides: Record<string, string>): string[] {
    try {
        parseStackConfig({ ...VALID, ...overrides });
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    assert.fail(`the configuration ${JSON.stringify(overrides)} was accepted`);
}

describe("stack configuration values written slightly off", () => {
    describe("verifyPasswordAttempts is read as the number it was accepted as", () => {
        for (const text of [" 3", "3 ", " 3 ", "03", "\t4\n"]) {
            it(`${JSON.stringify(text)} is the password budget ${Number(text)}, a number the verifier can count down`, () => {
                const config = parseStackConfig({ ...VALID, verifyPasswordAttempts: text });
                assert.equal(config.verifyPasswordAttempts, Number(text));
            });
        }
    });

    describe("a number of days that is not whole is reported alone", () => {
        const cases: [string, string, string][] = [
            ["secretRotationDays", "1.5", 'secretRotationDays "1.5" must be a whole number of days from 1 to 730'],
            ["secretOverlapDays", "100.5", 'secretOverlapDays "100.5" must be a whole number of days from 1 to 730'],
            ["secretMaxLifetimeDays", "1.5", 'secretMaxLifetimeDays "1.5" must be a whole number of days from 2 to 730'],
            ["secretMaxLifetimeDays", "abc", 'secretMaxLifetimeDays "abc" must be a whole number of days from 2 to 730'],
        ];
        for (const [key, value, message] of cases) {
            it(`${key} ${value}: only that problem, no rotation/overlap/lifetime sum computed from it`, () => {
                assert.deepEqual(problems({ [key]: value }), [message]);
            });
        }
    });

    it("servicePrincipalOwners entries that are not object IDs are not claimed to name the same owner", () => {
        // "ß" and "ss" are different text (upper-casing both gives "SS", lower-casing keeps them apart).
        assert.deepEqual(problems({ servicePrincipalOwners: JSON.stringify(["ß", "ss"]) }), [
            'servicePrincipalOwners entry "ß" must be an object ID (a GUID) of a user or service principal',
            'servicePrincipalOwners entry "ss" must be an object ID (a GUID) of a user or service principal',
        ]);
    });

    it("servicePrincipalOwners: the same object ID in upper and lower case is one owner listed twice", () => {
        const id = "0f1e2d3c-4b5a-4697-8877-665544332211";
        assert.deepEqual(problems({ servicePrincipalOwners: JSON.stringify([id, id.toUpperCase()]) }),
            [`servicePrincipalOwners ${JSON.stringify([id, id.toUpperCase()])} lists an owner twice`]);
    });
});
