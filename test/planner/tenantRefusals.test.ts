// The mocks refuse what the real provider and Graph refuse, and the emulator-backed tenant plans the same
// redeploys as the table model: both stand in for a real tenant, so neither may be more forgiving.
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { rowsFor, servicePrincipalDeployer, servicePrincipalGrants, type SignedInDeployer } from "../../demo/deployer";
import { deployToEmulator, emulatorConfig, redeployPlan } from "../../demo/runDemo";
import type { PlanStep, StateEntry } from "../../planner/plan";
import { APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, APPLICATION_REGISTRATION, USER } from "../../planner/tables";
import { BASE_CONFIG, deployAt, MockTenant, MICROSOFT_GRAPH_CLIENT_ID } from "../support/tenantMocks";
import { capturingWarnings } from "../support/pulumiHarness";
import { ADOPT, N, SCENARIOS } from "./scenarios";

const NOW = new Date("2026-11-27T10:00:00Z");

function planOf(steps: readonly PlanStep[]): Record<string, string[]> {
    const plan: Record<string, string[]> = {};
    for (const s of steps) if (s.op !== "same") (plan[s.op] ??= []).push(s.name);
    for (const names of Object.values(plan)) names.sort();
    return plan;
}

describe("the tenant model refuses what the provider and Graph refuse", () => {
    it("an ApplicationApiAccess for an API the app already declares: requires import (application_api_access_resource.go:131-135)", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT });
        await assert.rejects(tenant.create(APPLICATION_API_ACCESS.token, "access", {
            applicationId: `/applications/${ADOPT.applicationObjectId}`, apiClientId: MICROSOFT_GRAPH_CLIENT_ID, scopeIds: ["x"], roleIds: [],
        }), /requires import/);
    });

    it("an owner link that exists (application_owner_resource.go:90-96), and a second user with the same UPN", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT });
        await assert.rejects(tenant.create(APPLICATION_OWNER.token, "owner", { applicationId: `/applications/${ADOPT.applicationObjectId}`, ownerObjectId: ADOPT.serviceUserObjectId }),
            /added object references already exist for the following modified properties: 'owners'/);
        await assert.rejects(tenant.create(USER.token, "user", { userPrincipalName: "JTEL-PRESENCE@contoso.com", displayName: "x", password: "Pw-1234567890" }),
            /Another object with the same value for property userPrincipalName already exists/);
    });

    it("a client secret whose end date has passed (Graph: Key credential end date is invalid)", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT, now: NOW });
        await assert.rejects(tenant.create(APPLICATION_PASSWORD.token, "secret", { applicationId: `/applications/${ADOPT.applicationObjectId}`, displayName: "late", endDate: "2026-08-18T00:00:00Z" }),
            /Key credential end date is invalid/);
    });

    it("an adoption that forgets to import the declared permissions, as a real pulumi up would stop", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT });
        const first = await deployAt(tenant, [], { ...BASE_CONFIG, adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" }, NOW);
        // Remove the declared-permissions resource from the stack's state: the next run must create it, which the provider refuses.
        const withoutAccess = first.state.filter((e: StateEntry) => e.type !== APPLICATION_API_ACCESS.token);
        await assert.rejects(deployAt(tenant, withoutAccess, { ...BASE_CONFIG, existingUserPassword: "Current-Passw0rd!Kept" }, NOW), /requires import/);
    });

    it("an import of an object that does not exist", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT });
        const [app] = tenant.list(APPLICATION_REGISTRATION.token);
        await tenant.delete(APPLICATION_REGISTRATION.token, { id: `/applications/${String(app.objectId)}` } as StateEntry);
        await assert.rejects(deployAt(tenant, [], { ...BASE_CONFIG, adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" }, NOW),
            /does not exist: Pulumi cannot import it/);
    });

    it("an adoption of a service user that does not exist, before anything is registered (user_data_source.go:360)", async () => {
        const tenant = new MockTenant();
        await assert.rejects(tenant.invoke("azuread:index/getUser:getUser", { objectId: ADOPT.serviceUserObjectId }),
            /User not found with object ID: "33333333-3333-4333-8333-333333333333"/);
        await assert.rejects(deployAt(tenant, [], { ...BASE_CONFIG, adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" }, NOW));
        assert.deepEqual(tenant.list(APPLICATION_PASSWORD.token), []);
    });
});

describe("the emulator-backed tenant plans what the table model plans", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let deployer: SignedInDeployer;

    beforeEach(async () => {
        emulator = await startEmulator({ now: () => NOW });
        deployer = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor(["passwordSetAgain"])));
    });
    afterEach(() => emulator.close());

    const config = () => ({ ...emulatorConfig(emulator), "jtel-teams-presence:verify": "false" });

    it("a redeploy the next day, read back from the emulator's Graph, plans nothing", async () => {
        const first = await deployToEmulator({ emulator, deployer, config: config(), now: NOW });
        const next = await redeployPlan({ emulator, deployer, config: config(), now: new Date(NOW.getTime() + 86_400_000), previous: first.result.state });
        assert.deepEqual(planOf(next), {});
    });

    it("refuses ApplicationApiAccess for the API a hand-made app declares, like the provider (requires import)", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        const { EmulatorTenant } = await import("../../demo/emulatorMocks");
        const tenant = new EmulatorTenant({ url: emulator.url, tenantId: emulator.tenantId, accessToken: deployer.token, deployerClientId: deployer.clientId, deployerObjectId: deployer.objectId });
        await assert.rejects(tenant.create(APPLICATION_API_ACCESS.token, "access", { applicationId: `/applications/${seed.applicationObjectId}`, apiClientId: MICROSOFT_GRAPH_CLIENT_ID, scopeIds: [], roleIds: [] }),
            /requires import/);
        await assert.rejects(tenant.create(APPLICATION_OWNER.token, "owner", { applicationId: `/applications/${seed.applicationObjectId}`, ownerObjectId: seed.serviceUserObjectId }),
            /requires import/);
    });

    /** A user who registered the app without an admin role: Learn makes them owner of the app and of its enterprise app. */
    function registrant(): string {
        return emulator.directory.createUser({ userPrincipalName: `registrant@${emulator.directory.domain}`, displayName: "Registrant", password: "Correct-Horse-7-Battery" }).id;
    }

    it("leaves a new enterprise app with exactly servicePrincipalOwners: the deployer the provider binds is removed again, and an owner added by hand is drift", async () => {
        const plain = await deployToEmulator({ emulator, deployer, config: config(), now: NOW });
        const spId = String(plain.result.state.find((e) => e.name === N.sp)!.outputs.objectId);
        assert.deepEqual(emulator.directory.servicePrincipals().find((sp) => sp.id === spId)?.ownerIds, []);
        // Added in the portal later: `pulumi preview --refresh` (the weekly drift check) plans its removal.
        const byHand = registrant();
        emulator.directory.addServicePrincipalOwner(spId, byHand);
        const drift = await redeployPlan({ emulator, deployer, config: config(), now: NOW, previous: plain.result.state });
        assert.deepEqual(drift.filter((s) => s.op !== "same").map((s) => [s.op, s.name, s.changed]), [["update", N.sp, ["owners"]]]);
        // Declared, it is kept, and the next plan is empty.
        const declared = { ...config(), "jtel-teams-presence:servicePrincipalOwners": JSON.stringify([byHand]) };
        assert.deepEqual(planOf(await redeployPlan({ emulator, deployer, config: declared, now: NOW, previous: plain.result.state })), {});
    });

    it("adopting a setup whose enterprise app has an owner, then `pulumi config rm adopt`: kept while adopting, removed after, the app registration's owners untouched", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        const grant = emulator.directory.delegatedGrants().find((g) => g.clientId === seed.servicePrincipalObjectId)!;
        const owner = registrant();
        emulator.directory.addServicePrincipalOwner(seed.servicePrincipalObjectId, owner);
        emulator.directory.addOwner(seed.applicationObjectId, owner);
        const adopt = {
            "jtel-teams-presence:adopt": JSON.stringify({ applicationObjectId: seed.applicationObjectId, servicePrincipalObjectId: seed.servicePrincipalObjectId, serviceUserObjectId: seed.serviceUserObjectId, delegatedGrantId: grant.id }),
            "jtel-teams-presence:existingUserPassword": seed.handoff.userPassword,
        };
        const ownersNow = () => ({
            servicePrincipal: emulator.directory.servicePrincipals().find((sp) => sp.id === seed.servicePrincipalObjectId)?.ownerIds,
            application: emulator.directory.applications().find((a) => a.id === seed.applicationObjectId)?.ownerIds,
        });
        const expected = (name: string) => Object.fromEntries(Object.entries(SCENARIOS.find((s) => s.name === name)!.plan).map(([op, names]) => [op, [...names!].sort()]));
        const { result: adopted, warnings } = await capturingWarnings(() => deployToEmulator({ emulator, deployer, config: { ...config(), ...adopt }, now: NOW }));
        assert.deepEqual(planOf(adopted.result.steps), expected("adopt a hand-made setup whose enterprise app has an owner"));
        assert.deepEqual(warnings.map((w) => /does not list: ([^.]*)\./.exec(w)?.[1]), [owner]);
        assert.deepEqual(ownersNow(), { servicePrincipal: [owner], application: [seed.serviceUserObjectId, owner] });
        const { "jtel-teams-presence:adopt": _gone, ...rest } = adopt;
        const released = await deployToEmulator({ emulator, deployer, config: { ...config(), ...rest }, now: NOW, previous: adopted.result.state });
        assert.deepEqual(planOf(released.result.steps), expected("then `pulumi config rm adopt`, the owner not in servicePrincipalOwners"));
        assert.deepEqual(ownersNow(), { servicePrincipal: [], application: [seed.serviceUserObjectId, owner] });
        assert.deepEqual(planOf(await redeployPlan({ emulator, deployer, config: { ...config(), ...rest }, now: NOW, previous: released.result.state })), {});
    });

    it("adopting what the manual guide made, then `pulumi config rm adopt`: the scenario table's plans", async () => {
        const seed = emulator.directory.seedPresenceSetup();
        const grant = emulator.directory.delegatedGrants().find((g) => g.clientId === seed.servicePrincipalObjectId)!;
        const adopt = {
            "jtel-teams-presence:adopt": JSON.stringify({ applicationObjectId: seed.applicationObjectId, servicePrincipalObjectId: seed.servicePrincipalObjectId, serviceUserObjectId: seed.serviceUserObjectId, delegatedGrantId: grant.id }),
            "jtel-teams-presence:existingUserPassword": seed.handoff.userPassword,
        };
        const adopted = await deployToEmulator({ emulator, deployer, config: { ...config(), ...adopt }, now: NOW });
        const expected = (name: string) => SCENARIOS.find((s) => s.name === name)!.plan;
        assert.deepEqual(planOf(adopted.result.steps), Object.fromEntries(Object.entries(expected("adopt a hand-made setup")).map(([op, names]) => [op, [...names!].sort()])));
        const { "jtel-teams-presence:adopt": _gone, ...rest } = adopt;
        const released = await deployToEmulator({ emulator, deployer, config: { ...config(), ...rest }, now: NOW, previous: adopted.result.state });
        assert.deepEqual(planOf(released.result.steps), { update: [N.app, N.user].sort() });
        // And from then on, nothing changes.
        assert.deepEqual(planOf(await redeployPlan({ emulator, deployer, config: { ...config(), ...rest }, now: NOW, previous: released.result.state })), {});
    });
});
