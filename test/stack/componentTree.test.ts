// The component tree as `pulumi up` records it: each child's parent is part of its URN (a different parent is a
// delete and create of a real tenant object), and each component's registerOutputs is what the state shows
// for it (`pulumi stack export`). STYLE.md: every child gets { parent: this }, registerOutputs with the same keys.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AZUREAD_TYPES, BASE_CONFIG, tenantMocks } from "../support/tenantMocks";
import { installMocks, RecordingMocks, settle, valueOf } from "../support/pulumiHarness";

const T = AZUREAD_TYPES;
const SECRET_SIG = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig };
const VAULT = '{"subscriptionId":"44444444-4444-4444-4444-444444444444","resourceGroupName":"rg","vaultName":"kv-jtel"}';

/** Runs the program and records, per component name, the outputs it registered (as the engine receives them). */
async function run(config: Record<string, string>) {
    const mocks = tenantMocks({ now: new Date("2026-11-27T10:00:00Z") });
    await installMocks(mocks, { config: { ...BASE_CONFIG, ...config } });
    const registered = new Map<string, Record<string, unknown>>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResourceOutputs = (req: any, callback: any) => {
        registered.set(String(req.getUrn()).split("::").pop() ?? "", req.getOutputs()?.toJavaScript() ?? {});
        return registerOutputs(req, callback);
    };
    const { main } = await import("../../stack/main");
    const outputs = await main({ now: new Date("2026-11-27T10:00:00Z") });
    await Promise.all(Object.values(outputs).map((v) => valueOf(v as pulumi.Input<unknown>)));
    for (let i = 0; i < 5 && !registered.has("jtel-presence"); i++) await settle();
    return { mocks, registered };
}

const PREFIX = "urn:pulumi:test::jtel-teams-presence::";
const TOP = `${PREFIX}jtel:presence:PresenceTenant::jtel-presence`;
const under = (type: string, name: string) => `${PREFIX}jtel:presence:PresenceTenant$jtel:presence:${type}::${name}`;

describe("the component tree as pulumi up records it", function () {
    let mocks: RecordingMocks;
    let registered: Map<string, Record<string, unknown>>;

    before(async () => {
        ({ mocks, registered } = await run({ applicationPermissions: '["Presence.Read.All"]', handoffKeyVault: VAULT }));
    });

    it("parents every resource to the component that creates it, so no URN changes between runs", () => {
        const parents = Object.fromEntries(mocks.resources.map((r) => [r.name, r.parent]));
        assert.deepEqual(parents, {
            "jtel-presence": "",
            "jtel-presence-registration": TOP,
            "jtel-presence-service-user": TOP,
            "jtel-presence-owner": TOP,
            "jtel-presence-consent": TOP,
            "jtel-presence-secret": TOP,
            "jtel-presence-vault": TOP,
            "jtel-presence-registration-app": under("AppRegistration", "jtel-presence-registration"),
            "jtel-presence-registration-sp": under("AppRegistration", "jtel-presence-registration"),
            "jtel-presence-registration-graph-access": under("AppRegistration", "jtel-presence-registration"),
            "jtel-presence-service-user-password": under("ServiceUser", "jtel-presence-service-user"),
            "jtel-presence-service-user-user": under("ServiceUser", "jtel-presence-service-user"),
            "jtel-presence-consent-delegated": under("GraphConsent", "jtel-presence-consent"),
            "jtel-presence-consent-role-Presence.Read.All": under("GraphConsent", "jtel-presence-consent"),
            "jtel-presence-secret-b": under("RotatingSecret", "jtel-presence-secret"),
            "jtel-presence-vault-azure": under("HandoffVault", "jtel-presence-vault"),
            "jtel-presence-vault-application-client-id": under("HandoffVault", "jtel-presence-vault"),
            "jtel-presence-vault-directory-tenant-id": under("HandoffVault", "jtel-presence-vault"),
            "jtel-presence-vault-secret-value": under("HandoffVault", "jtel-presence-vault"),
            "jtel-presence-vault-user-email": under("HandoffVault", "jtel-presence-vault"),
            "jtel-presence-vault-user-password": under("HandoffVault", "jtel-presence-vault"),
        });
    });

    it("records each component's outputs in the state under the names of its fields", () => {
        const app = mocks.one(T.app).state;
        const sp = mocks.one(T.sp).state;
        const user = mocks.one(T.user).state;
        const owner = mocks.one(T.owner);
        const grant = mocks.one(T.grant);
        const role = mocks.one(T.role);
        const secret = mocks.one(T.password);
        assert.deepEqual(registered.get("jtel-presence-registration"), {
            applicationId: mocks.one(T.app).id, applicationObjectId: app.objectId, clientId: app.clientId,
            servicePrincipalObjectId: sp.objectId,
        });
        assert.deepEqual(registered.get("jtel-presence-service-user"), {
            objectId: user.objectId, userPrincipalName: "jtel-presence@contoso.com", password: { ...SECRET_SIG, value: user.password },
        });
        assert.deepEqual(registered.get("jtel-presence-consent"), { delegatedGrantId: grant.id, appRoleAssignmentIds: [role.id] });
        assert.deepEqual(registered.get("jtel-presence-secret"), {
            value: { ...SECRET_SIG, value: secret.state.value }, keyId: secret.state.keyId, createdAt: secret.state.startDate, previousKeyId: null, slot: "b",
            expiresAt: "2027-02-14T00:00:00Z", previousExpiresAt: null, nextRotationAt: "2026-12-16T00:00:00Z",
        });
        assert.deepEqual(registered.get("jtel-presence-vault"), {
            secretNames: {
                applicationClientId: "jtel-presence-application-client-id", directoryTenantId: "jtel-presence-directory-tenant-id",
                secretValue: "jtel-presence-secret-value", userEmail: "jtel-presence-user-email", userPassword: "jtel-presence-user-password",
            },
        });
        const top = registered.get("jtel-presence") ?? {};
        assert.deepEqual(Object.keys(top).sort(), [
            "applicationClientId", "applicationObjectId", "currentSecretCreatedAt", "currentSecretKeyId", "directoryTenantId", "handoff", "keyVaultSecretNames",
            "nextRotationAt", "previousSecretExpiresAt", "previousSecretKeyId", "provisioned", "secretExpiresAt", "secretValue",
            "servicePrincipalObjectId", "serviceUserObjectId", "userEmail", "userPassword",
        ]);
        // What the post-deploy verification waits for: the owner link, the grant, each app role assignment, the secret.
        assert.deepEqual(top.provisioned, [owner.id, grant.id, role.id, secret.state.keyId]);
    });
});
