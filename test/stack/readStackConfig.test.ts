// What the program reads from the stack before validating it: this project's keys and azuread:tenantId only
// (other providers' settings such as azuread:clientId belong to the provider, not to this program), and which
// keys Pulumi holds encrypted (PULUMI_CONFIG_SECRET_KEYS, passed by the language host: pulumi/pulumi
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go constructConfigSecretKeys; read by sdk/nodejs/runtime/config.ts).
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { readRawConfig, readSecretKeys } from "../../stack/main";

const PROJECT = "jtel-teams-presence";
const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
type Runtime = { isConfigSecret?: (key: string) => boolean };

async function stack(config: Record<string, string>, secretKeys: string[] = []) {
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, PROJECT, "test", false);
}

describe("reading the stack's configuration", () => {
    const runtime = pulumi.runtime as unknown as Runtime;
    const isConfigSecret = runtime.isConfigSecret;
    const env = process.env.PULUMI_CONFIG_SECRET_KEYS;
    afterEach(() => {
        runtime.isConfigSecret = isConfigSecret;
        if (env === undefined) delete process.env.PULUMI_CONFIG_SECRET_KEYS;
        else process.env.PULUMI_CONFIG_SECRET_KEYS = env;
    });

    it("reads this project's keys by their short names and azuread:tenantId, and leaves the provider's own settings alone", async () => {
        await stack({
            "azuread:tenantId": TENANT, "azuread:clientId": "11111111-1111-1111-1111-111111111111", "azuread:environment": "global",
            [`${PROJECT}:serviceUserPrincipalName`]: "jtel-presence@contoso.com", "other-project:verify": "false",
        });
        assert.deepEqual(readRawConfig(), { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" });
    });

    it("treats existingUserPassword as encrypted only when the stack holds it with --secret", async () => {
        await stack({ [`${PROJECT}:existingUserPassword`]: "Current-Passw0rd!" }, [`${PROJECT}:existingUserPassword`]);
        assert.deepEqual(readSecretKeys(), new Set(["existingUserPassword"]));
        await stack({ [`${PROJECT}:existingUserPassword`]: "Current-Passw0rd!" });
        assert.deepEqual(readSecretKeys(), new Set());
    });

    it("reads PULUMI_CONFIG_SECRET_KEYS itself on an SDK without runtime.isConfigSecret", async () => {
        await stack({});
        runtime.isConfigSecret = undefined;
        process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify([`${PROJECT}:existingUserPassword`]);
        assert.deepEqual(readSecretKeys(), new Set(["existingUserPassword"]));
        process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["other-project:existingUserPassword"]);
        assert.deepEqual(readSecretKeys(), new Set());
        process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify({ [`${PROJECT}:existingUserPassword`]: true });
        assert.deepEqual(readSecretKeys(), new Set());
        delete process.env.PULUMI_CONFIG_SECRET_KEYS;
        assert.deepEqual(readSecretKeys(), new Set());
    });
});
