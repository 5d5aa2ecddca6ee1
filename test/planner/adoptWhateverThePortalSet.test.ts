// Adopting a setup made by hand must work whatever the portal left in it, and change nothing while adopting: Pulumi
// (CLI 3.174+) imports an object and then, in the same `pulumi up`, updates every input that differs from what the
// provider reads, except the inputs listed in ignoreChanges (components/adoption.ts); a differing ForceNew input
// stops the import. Each case changes one setting of the hand-made setup away from what the stack would declare
// and runs the real program (index.ts) through the provider-faithful engine; without that input in ignoreChanges
// the adoption would already change it (or stop).
import { strict as assert } from "node:assert";
import { BASE_CONFIG, deployAt, MockTenant } from "../support/tenantMocks";
import { GRAPH_ROLE_IDS, GRAPH_SCOPE_IDS } from "../support/graphFixture";
import { APPLICATION_API_ACCESS, APPLICATION_REGISTRATION, DELEGATED_GRANT, USER } from "../../planner/tables";
import { ADOPT, ADOPT_CONFIG, N } from "./scenarios";

const NOW = new Date("2026-11-27T10:00:00Z");

/** The hand-made setup, with one object's settings changed as someone may have set them in the portal. */
function handMadeWith(type: string, settings: Record<string, unknown>): MockTenant {
    const tenant = new MockTenant({ handMadeSetup: ADOPT });
    const [object] = tenant.list(type);
    Object.assign(object, settings);
    return tenant;
}

describe("adopting a hand-made setup whatever the portal set (provider-faithful runs of index.ts)", function () {
    this.timeout(60_000);

    const cases: { setting: string; type: string; settings: Record<string, unknown>; resource: string }[] = [
        { setting: "a multi-tenant app (signInAudience AzureADMultipleOrgs)", type: APPLICATION_REGISTRATION.token, settings: { signInAudience: "AzureADMultipleOrgs" }, resource: N.app },
        { setting: "app notes written by hand", type: APPLICATION_REGISTRATION.token, settings: { notes: "made by Bob for jtel" }, resource: N.app },
        { setting: "a service user whose password expires", type: USER.token, settings: { disablePasswordExpiration: false }, resource: N.user },
        { setting: "a disabled service user", type: USER.token, settings: { accountEnabled: false }, resource: N.user },
        { setting: "a service user hidden from the address list", type: USER.token, settings: { showInAddressList: false, displayName: "Presence (jtel)" }, resource: N.user },
        { setting: "more delegated permissions declared", type: APPLICATION_API_ACCESS.token, settings: { scopeIds: [GRAPH_SCOPE_IDS["User.Read"], GRAPH_SCOPE_IDS["Presence.Read.All"], GRAPH_SCOPE_IDS["User.ReadBasic.All"]] }, resource: N.access },
        { setting: "an application permission declared", type: APPLICATION_API_ACCESS.token, settings: { roleIds: [GRAPH_ROLE_IDS["Presence.Read.All"]] }, resource: N.access },
        { setting: "consent to more scopes", type: DELEGATED_GRANT.token, settings: { claimValues: ["User.Read", "Presence.Read.All", "User.ReadBasic.All"] }, resource: N.grant },
        { setting: "consent given only on behalf of the service user", type: DELEGATED_GRANT.token, settings: { userObjectId: ADOPT.serviceUserObjectId }, resource: N.grant },
    ];

    for (const { setting, type, settings, resource } of cases) {
        it(`imports ${resource.replace("jtel-presence-", "")} with ${setting}, keeping that setting while adopting`, async () => {
            const tenant = handMadeWith(type, settings);
            const adopted = await deployAt(tenant, [], { ...BASE_CONFIG, ...ADOPT_CONFIG }, NOW);
            const step = adopted.steps.find((s) => s.name === resource);
            assert.equal(step?.refusal, undefined, `${resource}: ${step?.refusal}`);
            assert.equal(step?.op, "import");
            // The import changed nothing in the tenant: the setting is still the portal's.
            const [object] = tenant.list(type);
            for (const [key, value] of Object.entries(settings)) assert.deepEqual(object[key], value, key);
        });
    }

    it("refuses, before importing anything, to adopt a user whose sign-in name is not serviceUserPrincipalName (Pulumi would rename it)", async () => {
        const tenant = handMadeWith(USER.token, { userPrincipalName: "someone-else@contoso.com" });
        await assert.rejects(deployAt(tenant, [], { ...BASE_CONFIG, ...ADOPT_CONFIG }, NOW),
            /adopt\.serviceUserObjectId 33333333-3333-4333-8333-333333333333 is the user someone-else@contoso\.com, not serviceUserPrincipalName jtel-presence@contoso\.com: adopting it would rename it/);
        assert.equal(tenant.list(USER.token)[0].userPrincipalName, "someone-else@contoso.com");
    });

    it("adopts a user whose sign-in name differs from serviceUserPrincipalName only in case, and sets the configured case right after the import", async () => {
        const tenant = handMadeWith(USER.token, { userPrincipalName: "JTEL-Presence@contoso.com" });
        const adopted = await deployAt(tenant, [], { ...BASE_CONFIG, ...ADOPT_CONFIG }, NOW);
        assert.deepEqual(adopted.steps.filter((s) => s.name === N.user).map((s) => [s.op, s.changed, s.refusal]), [["import", [], undefined], ["update", ["userPrincipalName"], undefined]]);
        assert.equal(tenant.list(USER.token)[0].userPrincipalName, "jtel-presence@contoso.com");
    });

    it("changes nothing the portal set while adopting: every adopted object is only imported, none updated", async () => {
        const tenant = new MockTenant({ handMadeSetup: ADOPT });
        const adopted = await deployAt(tenant, [], { ...BASE_CONFIG, ...ADOPT_CONFIG }, NOW);
        assert.deepEqual(adopted.steps.filter((s) => s.op !== "same" && s.op !== "import").map((s) => `${s.op} ${s.name}`), [`create ${N.b}`]);
        // The portal's null token version (read as 0) and the never-set address-list flag (read as false) stay.
        assert.equal(tenant.list(APPLICATION_REGISTRATION.token)[0].requestedAccessTokenVersion, 0);
        assert.equal(tenant.list(USER.token)[0].showInAddressList, false);
    });
});
