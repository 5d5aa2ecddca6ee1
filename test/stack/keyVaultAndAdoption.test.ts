import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { BASE_CONFIG, tenantMocks } from "../support/tenantMocks";
import { asMockSecret, installMocks, RecordingMocks, valueOf } from "../support/pulumiHarness";

const ADOPT = {
    applicationObjectId: "11111111-1111-1111-1111-111111111111",
    servicePrincipalObjectId: "22222222-2222-2222-2222-222222222222",
    serviceUserObjectId: "33333333-3333-3333-3333-333333333333",
    delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
};

async function run(config: Record<string, string>, now = new Date("2026-11-27T10:00:00Z")) {
    // When adopting, the tenant holds what the manual guide made, so the imports find something to read.
    const mocks: RecordingMocks = tenantMocks({ now, ...(config.adopt ? { handMadeSetup: ADOPT } : {}) });
    // existingUserPassword is set with `pulumi config set --secret`, as the program insists.
    await installMocks(mocks, { config: { ...BASE_CONFIG, ...config }, secretKeys: ["existingUserPassword"] });
    const { main } = await import("../../stack/main");
    const outputs = await main({ now });
    for (const output of Object.values(outputs)) await valueOf(output as pulumi.Input<unknown>);
    return { mocks, outputs };
}

describe("handoff delivery through Key Vault", () => {
    it("writes the five values as secrets in the existing vault, named and typed as documented", async () => {
        const { mocks, outputs } = await run({ handoffKeyVault: '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence"}' });
        const order = ["application-client-id", "directory-tenant-id", "secret-value", "user-email", "user-password"];
        const secrets = mocks.byType("azure-native:keyvault:Secret")
            .sort((a, b) => order.indexOf(a.name.replace("jtel-presence-vault-", "")) - order.indexOf(b.name.replace("jtel-presence-vault-", "")));
        assert.deepEqual(secrets.map((s) => s.inputs.secretName), [
            "jtel-presence-application-client-id", "jtel-presence-directory-tenant-id", "jtel-presence-secret-value",
            "jtel-presence-user-email", "jtel-presence-user-password",
        ]);
        const handoff = await valueOf(outputs.handoff);
        const values = [handoff.applicationClientId, handoff.directoryTenantId, handoff.secretValue, handoff.userEmail, handoff.userPassword];
        secrets.forEach((s, i) => {
            assert.equal(s.inputs.resourceGroupName, "rg-jtel");
            assert.equal(s.inputs.vaultName, "kv-jtel-presence");
            // Every value reaches Key Vault as a Pulumi secret (the whole properties block), never as plain text in the state.
            const wrapped = s.inputs.properties as { value: { value: string; contentType: string } };
            assert.deepEqual(wrapped, asMockSecret(wrapped.value));
            const properties = wrapped.value;
            assert.equal(properties.value, values[i]);
            assert.match(properties.contentType, /^jtel handoff: /);
            assert.ok(s.parent.endsWith("jtel:presence:HandoffVault::jtel-presence-vault"));
        });
        assert.deepEqual(await valueOf(outputs.keyVaultSecretNames), {
            applicationClientId: "jtel-presence-application-client-id", directoryTenantId: "jtel-presence-directory-tenant-id",
            secretValue: "jtel-presence-secret-value", userEmail: "jtel-presence-user-email", userPassword: "jtel-presence-user-password",
        });
    });

    it("expires the Secret Value entry with the client secret, and follows each rotation", async () => {
        const config = { handoffKeyVault: '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence","secretNamePrefix":"contoso"}' };
        const expiresOf = (mocks: RecordingMocks) => {
            const entry = mocks.byType("azure-native:keyvault:Secret").find((s) => s.inputs.secretName === "contoso-secret-value");
            return (entry?.inputs.properties as { value: { attributes: { expires?: number } } }).value.attributes.expires;
        };
        const before = await run(config, new Date("2026-11-27T10:00:00Z"));
        const after = await run(config, new Date("2026-12-17T10:00:00Z"));
        assert.equal(expiresOf(before.mocks), Date.parse(String(await valueOf(before.outputs.secretExpiresAt))) / 1000);
        assert.equal(expiresOf(before.mocks), Date.parse("2027-02-14T00:00:00Z") / 1000);
        assert.equal(expiresOf(after.mocks), Date.parse("2027-08-13T00:00:00Z") / 1000);
        const otherEntries = before.mocks.byType("azure-native:keyvault:Secret").filter((s) => s.inputs.secretName !== "contoso-secret-value");
        for (const s of otherEntries) assert.equal((s.inputs.properties as { value: { attributes: { expires?: number } } }).value.attributes.expires, undefined);
    });

    it("uses an explicit azure-native provider for the vault's subscription when one is given", async () => {
        const { mocks } = await run({ handoffKeyVault: '{"subscriptionId":"44444444-4444-4444-4444-444444444444","resourceGroupName":"rg","vaultName":"kv-jtel"}' });
        const provider = mocks.one("pulumi:providers:azure-native");
        assert.equal(provider.inputs.subscriptionId, "44444444-4444-4444-4444-444444444444");
    });

    it("writes every entry enabled (a disabled secret cannot be read) and tagged as managed by this project", async () => {
        const { mocks } = await run({ handoffKeyVault: '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence"}' });
        const secrets = mocks.byType("azure-native:keyvault:Secret");
        assert.equal(secrets.length, 5);
        for (const s of secrets) {
            const properties = (s.inputs.properties as { value: { attributes: { enabled?: boolean } } }).value;
            assert.equal(properties.attributes.enabled, true, s.name);
            assert.deepEqual(s.inputs.tags, { "managed-by": "jtel-teams-presence" }, s.name);
        }
    });

    it("creates no vault secrets without handoffKeyVault", async () => {
        const { mocks, outputs } = await run({});
        assert.equal(mocks.byType("azure-native:keyvault:Secret").length, 0);
        assert.equal(await valueOf(outputs.keyVaultSecretNames), null);
    });
});

describe("adopting a setup made with the manual guide", () => {
    let mocks: RecordingMocks;
    let outputs: Awaited<ReturnType<typeof run>>["outputs"];
    const existingPassword = "Current-Passw0rd!Kept";

    before(async () => {
        ({ mocks, outputs } = await run({ adopt: JSON.stringify(ADOPT), existingUserPassword: existingPassword }));
    });

    it("imports the app, service principal, user, owner link, declared permissions and consent grant by their IDs", () => {
        const imports = Object.fromEntries(mocks.resources.filter((r) => r.importId).map((r) => [r.type.split(":").pop(), r.importId]));
        assert.deepEqual(imports, {
            ApplicationRegistration: "/applications/11111111-1111-1111-1111-111111111111",
            ServicePrincipal: "/servicePrincipals/22222222-2222-2222-2222-222222222222",
            User: "/users/33333333-3333-3333-3333-333333333333",
            ApplicationOwner: "/applications/11111111-1111-1111-1111-111111111111/owners/33333333-3333-3333-3333-333333333333",
            ApplicationApiAccess: "/applications/11111111-1111-1111-1111-111111111111/apiAccess/00000003-0000-0000-c000-000000000000",
            ServicePrincipalDelegatedPermissionGrant: "/oauth2PermissionGrants/aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
        });
    });

    it("creates nothing twice: each object is registered once, and only the client secret is new", () => {
        const types = mocks.resources.filter((r) => r.custom).map((r) => r.type.split(":").pop());
        assert.deepEqual(types.sort(), ["ApplicationApiAccess", "ApplicationOwner", "ApplicationPassword", "ApplicationRegistration", "ServicePrincipal", "ServicePrincipalDelegatedPermissionGrant", "User"]);
        assert.equal(mocks.byType("azuread:index/applicationPassword:ApplicationPassword")[0].importId, undefined);
    });

    it("keeps the user's existing password by default: no password is generated and the handoff carries the kept one", async () => {
        assert.equal(mocks.byType("random:index/randomPassword:RandomPassword").length, 0);
        const user = mocks.one("azuread:index/user:User");
        assert.deepEqual(user.inputs.password, asMockSecret(existingPassword));
        assert.equal((await valueOf(outputs.handoff)).userPassword, existingPassword);
        assert.equal(await pulumi.isSecret(outputs.handoff), true);
        // The new objects' IDs are the adopted ones.
        assert.equal(await valueOf(outputs.serviceUserObjectId), ADOPT.serviceUserObjectId);
        assert.equal(await valueOf(outputs.applicationObjectId), ADOPT.applicationObjectId);
    });

    it("generates and sets a new password once existingUserPassword is removed (an explicit reset)", async () => {
        const reset = await run({});
        assert.equal(reset.mocks.byType("random:index/randomPassword:RandomPassword").length, 1);
    });
});
