// The planner on hand-written states: the bridge's comparison rules and the replacements Graph refuses
// under Pulumi's default create-before-delete.
import { strict as assert } from "node:assert";
import { importMismatch, planResource, planRun, summarize, type Registration, type StateEntry } from "../../planner/plan";
import {
    APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, APPLICATION_REGISTRATION, DELEGATED_GRANT, KEY_VAULT_SECRET,
    RANDOM_PASSWORD, storedState, USER,
} from "../../planner/tables";

const APP = "/applications/11111111-1111-4111-8111-111111111111";
const SP = "22222222-2222-4222-8222-222222222222";
const GRAPH = "5b2c1a7e-0d0f-4c77-9a43-6f7e4d9b1c01";
const USER_ID = "33333333-3333-4333-8333-333333333333";

function entry(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<StateEntry> = {}): StateEntry {
    return { type, name, id: `id-${name}`, inputs, outputs: storedState(type, inputs), ...extra };
}

const planned = (r: Registration) => storedState(r.type, r.inputs);

describe("the provider-faithful planner", () => {
    it("replaces a client secret whose end date is sent with milliseconds, and keeps one sent as the provider stores it", () => {
        const sent = { applicationId: APP, displayName: "jtel presence b 2026-06-19", endDate: "2027-02-14T00:00:00Z" };
        const previous = entry(APPLICATION_PASSWORD.token, "secret-b", sent);
        assert.equal(planResource(previous, { type: APPLICATION_PASSWORD.token, name: "secret-b", inputs: sent }).op, "same");
        const step = planResource(previous, { type: APPLICATION_PASSWORD.token, name: "secret-b", inputs: { ...sent, endDate: "2027-02-14T00:00:00.000Z" } });
        assert.equal(step.op, "replace");
        assert.deepEqual(step.replacedBy, ["endDate"]);
    });

    it("compares sets as sets: reordered scope IDs or claim values change nothing", () => {
        const access = { applicationId: APP, apiClientId: "00000003-0000-0000-c000-000000000000", scopeIds: ["a", "b"], roleIds: [] };
        assert.equal(planResource(entry(APPLICATION_API_ACCESS.token, "x", access), { type: APPLICATION_API_ACCESS.token, name: "x", inputs: { ...access, scopeIds: ["b", "a"] } }).op, "same");
        const grant = { servicePrincipalObjectId: SP, resourceServicePrincipalObjectId: GRAPH, claimValues: ["User.Read", "Presence.Read.All"] };
        assert.equal(planResource(entry(DELEGATED_GRANT.token, "g", grant), { type: DELEGATED_GRANT.token, name: "g", inputs: { ...grant, claimValues: ["Presence.Read.All", "User.Read"] } }).op, "same");
        const more = planResource(entry(DELEGATED_GRANT.token, "g", grant), { type: DELEGATED_GRANT.token, name: "g", inputs: { ...grant, claimValues: ["User.Read", "Presence.Read.All", "User.ReadBasic.All"] } });
        assert.equal(more.op, "update");
    });

    it("treats tenant-wide consent's stored \"\" user as the absent input, and a user as a ForceNew change", () => {
        const grant = { servicePrincipalObjectId: SP, resourceServicePrincipalObjectId: GRAPH, claimValues: ["User.Read"] };
        const previous = entry(DELEGATED_GRANT.token, "g", grant);
        assert.equal(previous.outputs.userObjectId, "");
        assert.equal(planResource(previous, { type: DELEGATED_GRANT.token, name: "g", inputs: grant }).op, "same");
        assert.deepEqual(planResource(previous, { type: DELEGATED_GRANT.token, name: "g", inputs: { ...grant, userObjectId: USER_ID } }).replacedBy, ["userObjectId"]);
    });

    it("applies the provider's default to a property the program does not send (an app read with token version 0 updates)", () => {
        const previous: StateEntry = { type: APPLICATION_REGISTRATION.token, name: "app", id: APP, inputs: { displayName: "x" }, outputs: { displayName: "x", signInAudience: "AzureADMyOrg", requestedAccessTokenVersion: 0 } };
        const step = planResource(previous, { type: APPLICATION_REGISTRATION.token, name: "app", inputs: { displayName: "x", signInAudience: "AzureADMyOrg" } });
        assert.deepEqual([step.op, step.changed], ["update", ["requestedAccessTokenVersion"]]);
        assert.deepEqual(importMismatch({ type: APPLICATION_REGISTRATION.token, name: "app", importId: APP, inputs: { displayName: "x" }, ignoreChanges: ["requestedAccessTokenVersion"] }, previous.outputs), []);
    });

    it("keeps a write-only password out of the comparison only while it is ignored, and updates it once it is not", () => {
        const read = { userPrincipalName: "a@contoso.com", displayName: "A", accountEnabled: true, disablePasswordExpiration: true, showInAddressList: true, objectId: USER_ID };
        const previous: StateEntry = { type: USER.token, name: "user", id: `/users/${USER_ID}`, inputs: read, outputs: read };
        const inputs = { userPrincipalName: "a@contoso.com", displayName: "A", password: "Pw-1234567890", forcePasswordChange: false, disablePasswordExpiration: true, accountEnabled: true };
        assert.equal(planResource(previous, { type: USER.token, name: "user", inputs, ignoreChanges: ["password"] }).op, "same");
        assert.deepEqual(planResource(previous, { type: USER.token, name: "user", inputs }).changed, ["password"]);
    });

    it("replaces a random password on any changed input and compares azure-native inputs with the stored inputs", () => {
        const spec = { length: 32, special: true, overrideSpecial: "!@" };
        assert.deepEqual(planResource(entry(RANDOM_PASSWORD.token, "pw", spec), { type: RANDOM_PASSWORD.token, name: "pw", inputs: { ...spec, length: 40 } }).replacedBy, ["length"]);
        const secret = { resourceGroupName: "rg", vaultName: "kv", secretName: "s", properties: { value: "v1", attributes: { enabled: true } } };
        const stored: StateEntry = { type: KEY_VAULT_SECRET.token, name: "s", id: "kv/s", inputs: secret, outputs: { name: "s" } };
        assert.equal(planResource(stored, { type: KEY_VAULT_SECRET.token, name: "s", inputs: secret }).op, "same");
        assert.equal(planResource(stored, { type: KEY_VAULT_SECRET.token, name: "s", inputs: { ...secret, properties: { value: "v2", attributes: { enabled: true } } } }).op, "update");
        assert.equal(planResource(stored, { type: KEY_VAULT_SECRET.token, name: "s", inputs: { ...secret, secretName: "t" } }).op, "replace");
    });

    describe("imports as Pulumi CLI 3.174+ does (the project pins 3.276.0)", () => {
        const read = { displayName: "jtel Presence Connector", signInAudience: "AzureADMyOrg", notes: "", requestedAccessTokenVersion: 0, objectId: "o", clientId: "c" };
        const app = (ignoreChanges: string[]): Registration => ({
            type: APPLICATION_REGISTRATION.token, name: "app", importId: APP, ignoreChanges,
            inputs: { displayName: "jtel Teams Presence", signInAudience: "AzureADMyOrg", notes: "Managed" },
        });

        it("imports an object that differs from the program's inputs and updates those inputs in the same run", () => {
            const steps = planRun([], [app([])], { planned, readImport: () => read });
            assert.deepEqual(steps.map((s) => [s.op, s.changed, s.refusal]), [
                ["import", [], undefined], ["update", ["displayName", "notes", "requestedAccessTokenVersion"], undefined],
            ]);
        });

        it("only imports when every differing input is in ignoreChanges", () => {
            const steps = planRun([], [app(["displayName", "notes", "requestedAccessTokenVersion"])], { planned, readImport: () => read });
            assert.deepEqual(steps.map((s) => s.op), ["import"]);
        });

        it("stops an import whose ForceNew input differs: previously-imported resources may not be replaced", () => {
            const grant = { servicePrincipalObjectId: SP, resourceServicePrincipalObjectId: GRAPH, userObjectId: "", claimValues: ["User.Read"] };
            const steps = planRun([], [{ type: DELEGATED_GRANT.token, name: "g", importId: "/oauth2PermissionGrants/x", inputs: { ...grant, userObjectId: USER_ID } }],
                { planned, readImport: () => grant });
            assert.deepEqual(steps.map((s) => [s.op, s.replacedBy]), [["import", ["userObjectId"]]]);
            assert.match(steps[0].refusal ?? "", /^previously-imported resources that still specify an ID may not be replaced; please remove the `import` declaration from your program \(userObjectId differs/);
        });
    });

    it("never sees a difference in an ignored property, even when no previous input holds it (the bridge drops it from the provider's diff)", () => {
        const previous: StateEntry = { type: APPLICATION_REGISTRATION.token, name: "app", id: APP, inputs: { displayName: "x" }, outputs: { displayName: "x", signInAudience: "AzureADMyOrg", requestedAccessTokenVersion: 0 } };
        const registration = { type: APPLICATION_REGISTRATION.token, name: "app", inputs: { displayName: "x", signInAudience: "AzureADMyOrg" } };
        assert.equal(planResource(previous, { ...registration, ignoreChanges: ["requestedAccessTokenVersion"] }).op, "same");
        assert.equal(planResource(previous, registration).op, "update");
    });

    it("stops on an input the tables do not describe instead of guessing", () => {
        assert.throws(() => planResource(entry(USER.token, "u", { userPrincipalName: "a@contoso.com", displayName: "A" }), { type: USER.token, name: "u", inputs: { userPrincipalName: "a@contoso.com", displayName: "A", jobTitle: "x" } }),
            /the provider table has no entry for jobTitle/);
    });

    describe("flags what Graph refuses under create-before-delete", () => {
        it("a replacement user with the same UPN (Graph: another object with the same userPrincipalName)", () => {
            const user = { userPrincipalName: "jtel-presence@contoso.com", displayName: "A", password: "Pw-1234567890" };
            // usageLocation is not ForceNew; force a replacement the way a future ForceNew property would, by registering
            // the same UPN under a new name while the old resource still exists.
            const steps = planRun([entry(USER.token, "user-old", user)], [{ type: USER.token, name: "user-new", inputs: user }], { planned });
            const create = steps.find((s) => s.name === "user-new")!;
            assert.equal(create.op, "create");
            assert.match(create.refusal ?? "", /Another object with the same value for property userPrincipalName already exists/);
            assert.equal(steps.find((s) => s.name === "user-old")?.op, "delete");
        });

        it("a second delegated grant for the same client, resource, consent type and principal (409 Permission entry already exists)", () => {
            const grant = { servicePrincipalObjectId: SP, resourceServicePrincipalObjectId: GRAPH, claimValues: ["User.Read"] };
            const steps = planRun([entry(DELEGATED_GRANT.token, "grant-a", grant)], [{ type: DELEGATED_GRANT.token, name: "grant-b", inputs: grant }], { planned });
            assert.match(steps[0].refusal ?? "", /409 Request_MultipleObjectsWithSameKeyValue "Permission entry already exists\."/);
            // The consent switch replaces the grant under a different key: Graph accepts it.
            const switched = planRun([entry(DELEGATED_GRANT.token, "grant-a", grant)], [{ type: DELEGATED_GRANT.token, name: "grant-a", inputs: { ...grant, userObjectId: USER_ID } }], { planned });
            assert.deepEqual(switched.map((s) => [s.op, s.refusal]), [["replace", undefined]]);
        });

        it("a second owner link for the same user (requires import / owners already exist)", () => {
            const owner = { applicationId: APP, ownerObjectId: USER_ID };
            const steps = planRun([entry(APPLICATION_OWNER.token, "owner", owner)], [{ type: APPLICATION_OWNER.token, name: "owner-2", inputs: owner }], { planned });
            assert.match(steps[0].refusal ?? "", /added object references already exist for the following modified properties: 'owners'/);
        });

        it("a second declaration of an API the app already declares (requires import)", () => {
            const access = { applicationId: APP, apiClientId: "00000003-0000-0000-c000-000000000000", scopeIds: ["a"] };
            const steps = planRun([entry(APPLICATION_API_ACCESS.token, "access", access)], [{ type: APPLICATION_API_ACCESS.token, name: "access-2", inputs: access }], { planned });
            assert.match(steps[0].refusal ?? "", /requires import/);
        });

        it("a replacement or deletion of a protected resource", () => {
            const app = { displayName: "x", signInAudience: "AzureADMyOrg" };
            const steps = planRun([entry(APPLICATION_REGISTRATION.token, "app", app, { protect: true })], [], { planned });
            assert.deepEqual(steps.map((s) => s.op), ["delete"]);
            assert.match(steps[0].refusal ?? "", /protected/);
        });
    });

    it("summarizes a plan in a fixed order", () => {
        const steps = planRun([entry(APPLICATION_OWNER.token, "gone", { applicationId: APP, ownerObjectId: USER_ID })],
            [{ type: APPLICATION_REGISTRATION.token, name: "app", inputs: { displayName: "x" } }], { planned });
        assert.equal(summarize(steps), "create 1, delete 1");
    });
});
