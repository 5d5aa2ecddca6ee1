// The mocks refuse what the real provider and Graph refuse, and the emulator-backed tenant plans the same
// redeploys as the table model: both stand in for a real tenant, so neither may be more forgiving.
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { rowsFor, servicePrincipalDeployer, servicePrincipalGrants, type SignedInDeployer } from "../../demo/deployer";
import { deployToEmulator, emulatorConfig, redeployPlan } from "../../demo/runDemo";
import type { PlanStep, StateEntry } from "../../planner/plan";
import { APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, USER } from "../../planner/tables";
import { BASE_CONFIG, deployAt, MockTenant, MICROSOFT_GRAPH_CLIENT_ID } from "../support/tenantMocks";
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
        await assert.rejects(deployAt(new MockTenant(), [], { ...BASE_CONFIG, adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" }, NOW),
            /does not exist: Pulumi cannot import it/);
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
