import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AZUREAD_TYPES, BASE_CONFIG, OTHER_TENANT_ID, TENANT_ID, tenantMocks } from "../support/tenantMocks";
import { GRAPH_ROLE_IDS, GRAPH_SCOPE_IDS, GRAPH_SP_OBJECT_ID } from "../support/graphFixture";
import { asMockSecret, installMocks, RecordingMocks, valueOf } from "../support/pulumiHarness";
import { passwordProblems } from "../../components/passwordPolicy";

const T = AZUREAD_TYPES;

type Main = typeof import("../../stack/main").main;
type Outputs = Awaited<ReturnType<Main>>;

async function run(config: Record<string, string>, options: { preview?: boolean; signedInTenantId?: string; now?: Date } = {}) {
    const now = options.now ?? new Date("2026-11-27T10:00:00Z");
    const mocks = tenantMocks({ signedInTenantId: options.signedInTenantId, now });
    await installMocks(mocks, { config, preview: options.preview });
    const { main } = await import("../../stack/main");
    const outputs = await main({ now });
    // Resolving every output waits for every registration the program started.
    const values = Object.fromEntries(await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await valueOf(v as pulumi.Input<unknown>)])));
    return { mocks, outputs, values: values as { [K in keyof Outputs]: unknown } & Record<string, unknown> };
}

describe("the stack program under Pulumi mocks", function () {
    let mocks: RecordingMocks;
    let outputs: Outputs;
    let values: Record<string, unknown>;

    before(async () => {
        ({ mocks, outputs, values } = await run(BASE_CONFIG));
    });

    it("creates exactly the resources a tenant needs", () => {
        const counts = Object.fromEntries(Object.values(T).map((t) => [t, mocks.byType(t).length]));
        assert.deepEqual(counts, {
            [T.app]: 1, [T.sp]: 1, [T.access]: 1, [T.user]: 1, [T.owner]: 1, [T.grant]: 1, [T.role]: 0,
            // On 2026-11-27 the previous period's secret (ended 2026-08-18) has expired: one slot is declared.
            [T.password]: 1, [T.random]: 1,
        });
    });

    it("registers a single-tenant app registration and its service principal", () => {
        const app = mocks.one(T.app);
        // Object IDs are real values in these tests, so the wiring assertions below compare something.
        for (const r of [app, mocks.one(T.sp), mocks.one(T.user)]) assert.match(String(r.state.objectId), /^[0-9a-f-]{36}$/);
        assert.equal(app.inputs.signInAudience, "AzureADMyOrg");
        assert.equal(app.inputs.displayName, "jtel Teams Presence");
        // What a tenant admin reads on the app's overview page: who manages it and why it exists.
        assert.equal(app.inputs.notes, "Managed by jtel-teams-presence (Pulumi). The jtel ACD signs in through this app to read Teams presence.");
        assert.equal(mocks.one(T.sp).inputs.clientId, app.state.clientId);
    });

    it("declares the configured Graph permissions on the app with IDs from the Graph service principal", () => {
        const access = mocks.one(T.access);
        assert.equal(access.inputs.applicationId, mocks.one(T.app).id);
        assert.equal(access.inputs.apiClientId, "00000003-0000-0000-c000-000000000000");
        assert.deepEqual(access.inputs.scopeIds, [GRAPH_SCOPE_IDS["User.Read"], GRAPH_SCOPE_IDS["Presence.Read.All"]]);
        assert.deepEqual(access.inputs.roleIds ?? [], []);
    });

    it("creates the service user with a generated password that is never forced to change", () => {
        const user = mocks.one(T.user);
        assert.equal(user.inputs.userPrincipalName, "jtel-presence@contoso.com");
        assert.equal(user.inputs.displayName, "jtel Teams Presence Service");
        assert.equal(user.inputs.forcePasswordChange, false);
        assert.equal(user.inputs.disablePasswordExpiration, true);
        assert.equal(user.inputs.accountEnabled, true);
        // The password reaches the provider as a secret, never as plain text.
        assert.deepEqual(user.inputs.password, asMockSecret(mocks.one(T.random).state.result));
    });

    it("generates the password with the connector-safe alphabet and at least 32 characters", () => {
        const random = mocks.one(T.random);
        assert.equal(random.inputs.length, 32);
        assert.equal(random.inputs.overrideSpecial, "!@%^*-_+=:,.~");
        for (const key of ["minUpper", "minLower", "minNumeric", "minSpecial"]) assert.equal(random.inputs[key], 1, key);
        assert.deepEqual(passwordProblems(String(random.state.result), 32), []);
    });

    it("makes the service user an owner of the app registration", () => {
        const owner = mocks.one(T.owner);
        assert.equal(owner.inputs.applicationId, mocks.one(T.app).id);
        assert.equal(owner.inputs.ownerObjectId, mocks.one(T.user).state.objectId);
    });

    it("grants tenant-wide consent from the app's service principal to the Microsoft Graph service principal", () => {
        const grant = mocks.one(T.grant);
        assert.equal(grant.inputs.servicePrincipalObjectId, mocks.one(T.sp).state.objectId);
        assert.equal(grant.inputs.resourceServicePrincipalObjectId, GRAPH_SP_OBJECT_ID);
        assert.deepEqual(grant.inputs.claimValues, ["Presence.Read.All", "User.Read"]);
        assert.equal(grant.inputs.userObjectId, undefined);
    });

    it("issues the client secret on the app registration with an end date and no start date", () => {
        for (const password of mocks.byType(T.password)) {
            assert.equal(password.inputs.applicationId, mocks.one(T.app).id);
            // RFC 3339 with whole seconds and Z, as the provider stores it (test/planner/forceNewInputs.test.ts).
            assert.match(String(password.inputs.endDate), /^\d{4}-\d\d-\d\dT00:00:00Z$/);
            assert.equal(password.inputs.startDate, undefined);
        }
    });

    it("parents every resource under the jtel:presence components", () => {
        const components = mocks.resources.filter((r) => !r.custom);
        assert.deepEqual(components.map((c) => c.type).sort(), [
            "jtel:presence:AppRegistration", "jtel:presence:GraphConsent", "jtel:presence:PresenceTenant",
            "jtel:presence:RotatingSecret", "jtel:presence:ServiceUser",
        ]);
        const top = mocks.one("jtel:presence:PresenceTenant");
        for (const r of mocks.resources.filter((x) => x !== top)) {
            assert.notEqual(r.parent, "", `${r.name} has no parent`);
            assert.ok(r.parent.includes("jtel:presence:"), `${r.name} is parented to ${r.parent}`);
            assert.ok(r.name.startsWith("jtel-presence-"), `${r.name} does not derive from the component name`);
        }
        assert.ok(mocks.one(T.grant).parent.endsWith("jtel:presence:GraphConsent::jtel-presence-consent"));
        assert.ok(mocks.one(T.user).parent.endsWith("jtel:presence:ServiceUser::jtel-presence-service-user"));
    });

    it("protects the app registration, service principal and user, and nothing else", () => {
        const protectedTypes = mocks.resources.filter((r) => r.protect).map((r) => r.type).sort();
        assert.deepEqual(protectedTypes, [T.sp, T.app, T.user].sort());
    });

    it("exports the handoff with exactly the seed guide's five values, as a secret", async () => {
        assert.equal(await pulumi.isSecret(outputs.handoff), true);
        const handoff = values.handoff as Record<string, string>;
        assert.deepEqual(Object.keys(handoff), ["applicationClientId", "directoryTenantId", "secretValue", "userEmail", "userPassword"]);
        assert.equal(handoff.applicationClientId, mocks.one(T.app).state.clientId);
        assert.equal(handoff.directoryTenantId, TENANT_ID);
        assert.equal(handoff.userEmail, "jtel-presence@contoso.com");
        assert.equal(handoff.userPassword, mocks.one(T.random).state.result);
        const newest = mocks.byType(T.password).find((p) => p.inputs.endDate === values.secretExpiresAt);
        assert.equal(handoff.secretValue, newest?.state.value);
    });

    it("exports the non-secret outputs with the right IDs, and no secret value in them", async () => {
        assert.equal(values.applicationClientId, mocks.one(T.app).state.clientId);
        assert.equal(values.applicationObjectId, mocks.one(T.app).state.objectId);
        assert.equal(values.servicePrincipalObjectId, mocks.one(T.sp).state.objectId);
        assert.equal(values.serviceUserObjectId, mocks.one(T.user).state.objectId);
        assert.equal(values.directoryTenantId, TENANT_ID);
        assert.equal(values.userEmail, "jtel-presence@contoso.com");
        assert.deepEqual(values.delegatedPermissions, ["User.Read", "Presence.Read.All"]);
        assert.deepEqual(values.applicationPermissions, []);
        for (const key of ["secretExpiresAt", "nextRotationAt"]) assert.match(String(values[key]), /^\d{4}-\d\d-\d\dT/);
        const secrets = [String(mocks.one(T.random).state.result), ...mocks.byType(T.password).map((p) => String(p.state.value))];
        for (const [key, output] of Object.entries(outputs)) {
            if (key === "handoff") continue;
            assert.notEqual(await pulumi.isSecret(output as pulumi.Output<unknown>), true, `${key} should not be secret`);
            const text = JSON.stringify(values[key]);
            for (const s of secrets) assert.ok(!text.includes(s), `${key} leaks a secret`);
        }
    });
});

describe("the stack program's options", function () {
    it("consents only on behalf of the service user when consent is serviceUser", async () => {
        const { mocks } = await run({ ...BASE_CONFIG, consent: "serviceUser" });
        assert.equal(mocks.one(T.grant).inputs.userObjectId, mocks.one(T.user).state.objectId);
    });

    it("assigns one app role per configured application permission to the Graph service principal", async () => {
        const { mocks, values } = await run({ ...BASE_CONFIG, applicationPermissions: '["Presence.Read.All","User.ReadBasic.All"]' });
        const roles = mocks.byType(T.role);
        assert.deepEqual(roles.map((r) => r.inputs.appRoleId).sort(), [GRAPH_ROLE_IDS["Presence.Read.All"], GRAPH_ROLE_IDS["User.ReadBasic.All"]].sort());
        for (const r of roles) {
            assert.equal(r.inputs.principalObjectId, mocks.one(T.sp).state.objectId);
            assert.equal(r.inputs.resourceObjectId, GRAPH_SP_OBJECT_ID);
        }
        assert.deepEqual(mocks.one(T.access).inputs.roleIds, [GRAPH_ROLE_IDS["Presence.Read.All"], GRAPH_ROLE_IDS["User.ReadBasic.All"]]);
        assert.deepEqual(values.applicationPermissions, ["Presence.Read.All", "User.ReadBasic.All"]);
    });

    it("lets the password expire when passwordNeverExpires is false and honours passwordLength", async () => {
        const { mocks } = await run({ ...BASE_CONFIG, passwordNeverExpires: "false", passwordLength: "40" });
        assert.equal(mocks.one(T.user).inputs.disablePasswordExpiration, false);
        assert.equal(mocks.one(T.random).inputs.length, 40);
    });

    it("protects nothing when protect is false", async () => {
        const { mocks } = await run({ ...BASE_CONFIG, protect: "false" });
        assert.deepEqual(mocks.resources.filter((r) => r.protect).map((r) => r.name), []);
    });

    it("declares both secret slots right after a rotation boundary and only the newest once the older expired", async () => {
        // 2026-06-19 is a boundary for the default 180-day period (day 900 counted from 2024-01-01).
        const early = await run(BASE_CONFIG, { now: new Date("2026-06-20T08:00:00Z") });
        const slots = early.mocks.byType(T.password).map((p) => p.name).sort();
        assert.deepEqual(slots, ["jtel-presence-secret-a", "jtel-presence-secret-b"]);
        assert.equal(early.values.previousSecretExpiresAt, "2026-08-18T00:00:00Z");
        // The key IDs name each slot's ApplicationPassword as the provider stored it (non-secret outputs).
        const keyIdOf = (name: string) => early.mocks.byType(T.password).find((p) => p.name === name)?.state.keyId;
        assert.ok(keyIdOf("jtel-presence-secret-b"), "the mock gives each password a key ID");
        assert.deepEqual([early.values.currentSecretKeyId, early.values.previousSecretKeyId], [keyIdOf("jtel-presence-secret-b"), keyIdOf("jtel-presence-secret-a")]);
        assert.equal(early.values.cloud, "public");
        assert.equal(early.values.secretExpiresAt, "2027-02-14T00:00:00Z");
        assert.equal(early.values.nextRotationAt, "2026-12-16T00:00:00Z");
        const late = await run(BASE_CONFIG, { now: new Date("2026-11-27T00:00:00Z") });
        assert.equal(late.mocks.byType(T.password).length, 1);
        assert.equal(late.values.previousSecretExpiresAt, null);
        assert.equal(late.values.previousSecretKeyId, null);
        assert.equal(late.values.currentSecretKeyId, late.mocks.one(T.password).state.keyId);
    });
});

describe("the stack program's guards", function () {
    it("stops before registering any resource when the signed-in tenant is not the configured one", async () => {
        const mocks = tenantMocks({ signedInTenantId: OTHER_TENANT_ID });
        await installMocks(mocks, { config: BASE_CONFIG });
        const { main } = await import("../../stack/main");
        await assert.rejects(main(), (e: Error) => {
            assert.equal(e.name, "TenantMismatchError");
            assert.ok(e.message.includes(TENANT_ID) && e.message.includes(OTHER_TENANT_ID), e.message);
            return true;
        });
        assert.deepEqual(mocks.resources, []);
        // Nothing after the guard ran: not even the Graph service principal look-up.
        assert.deepEqual(mocks.invokes.map((i) => i.token), ["azuread:index/getClientConfig:getClientConfig"]);
    });

    it("stops before any look-up or resource when the configuration is invalid", async () => {
        const mocks = tenantMocks();
        await installMocks(mocks, { config: { ...BASE_CONFIG, serviceUserPrincipalName: "bob" } });
        const { main } = await import("../../stack/main");
        await assert.rejects(main(), /serviceUserPrincipalName "bob" must be an email-like UPN/);
        assert.deepEqual(mocks.resources, []);
        assert.deepEqual(mocks.invokes, []);
    });

    it("stops with the closest names when a permission name is unknown, before any resource", async () => {
        const mocks = tenantMocks();
        await installMocks(mocks, { config: { ...BASE_CONFIG, delegatedPermissions: '["User.Read","Presence.Read.All","Presense.Read"]' } });
        const { main } = await import("../../stack/main");
        await assert.rejects(main(), (e: Error) => {
            assert.match(e.message, /delegatedPermissions/);
            assert.match(e.message, /"Presense.Read" is not a Microsoft Graph delegated permission; closest: Presence.Read,/);
            return true;
        });
        assert.deepEqual(mocks.resources, []);
    });

    it("rejects a name that exists only as the other permission type", async () => {
        const mocks = tenantMocks();
        await installMocks(mocks, { config: { ...BASE_CONFIG, applicationPermissions: '["User.Read"]' } });
        const { main } = await import("../../stack/main");
        await assert.rejects(main(), /applicationPermissions[\s\S]*"User.Read" is not a Microsoft Graph application permission/);
        assert.deepEqual(mocks.resources, []);
    });
});

describe("the stack program across runs", function () {
    it("declares identical client-secret inputs for two runs inside one period", async () => {
        const secretsAt = async (now: string) => (await run(BASE_CONFIG, { now: new Date(now) })).mocks.byType(T.password)
            // The app's object ID is random per mock run; in a real stack it is the same app.
            .map((p) => ({ name: p.name, inputs: { ...p.inputs, applicationId: undefined } })).sort((a, b) => a.name.localeCompare(b.name));
        const first = await secretsAt("2026-06-20T08:00:00Z");
        assert.equal(first.length, 2);
        assert.deepEqual(await secretsAt("2026-08-01T17:30:00Z"), first);
    });

    it("replaces only the older slot at the next rotation boundary", async () => {
        const before = (await run(BASE_CONFIG, { now: new Date("2026-12-15T23:00:00Z") })).mocks.byType(T.password);
        const after = (await run(BASE_CONFIG, { now: new Date("2026-12-16T01:00:00Z") })).mocks.byType(T.password);
        const inputsOf = (list: typeof before, name: string) => {
            const found = list.find((p) => p.name === name);
            return found ? { ...found.inputs, applicationId: undefined } as Record<string, unknown> : undefined;
        };
        // Slot b (issued 2026-06-19) is unchanged; slot a gets the new period's secret.
        assert.deepEqual(inputsOf(after, "jtel-presence-secret-b"), inputsOf(before, "jtel-presence-secret-b"));
        assert.equal(inputsOf(before, "jtel-presence-secret-a"), undefined);
        assert.equal(inputsOf(after, "jtel-presence-secret-a")?.endDate, "2027-08-13T00:00:00Z");
    });
});
