import { strict as assert } from "node:assert";
import { createPolicies } from "../../policy/policies";
import { EXPECTED_POLICIES, runResourcePolicy, runStackPolicy, TYPES } from "./policyHarness";

// What `pulumi preview` sends for a value it cannot know yet (@pulumi/policy's unknownStringValue).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const NOW = new Date("2026-11-27T10:00:00Z");
const policies = createPolicies({ now: () => NOW });
const policy = (name: string) => {
    const found = policies.find((p) => p.name === name);
    if (!found) throw new Error(`no policy ${name}`);
    return found;
};

describe("the policy list", () => {
    it("holds the eight policies with their enforcement levels", () => {
        assert.deepEqual(Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel])), EXPECTED_POLICIES);
    });

    it("applies each resource policy only to its own resource types", async () => {
        const applies: Record<string, string[]> = {
            "service-user-can-sign-in": [TYPES.user],
            "app-registration-single-tenant": [TYPES.app, TYPES.legacyApp],
            "graph-consent-read-only": [TYPES.grant],
            "graph-declared-permissions-read-only": [TYPES.access, TYPES.legacyApp],
            "graph-app-roles-read-only": [TYPES.role],
            "client-secret-bounded-lifetime": [TYPES.password],
            "service-user-password-connector-safe": [TYPES.random],
        };
        for (const [name, types] of Object.entries(applies)) {
            for (const type of Object.values(TYPES)) {
                const result = await runResourcePolicy(policy(name), type, {});
                assert.equal(result !== "not applicable", types.includes(type), `${name} on ${type}`);
            }
        }
    });

    it("reports a violating user through the policy's own wiring", async () => {
        assert.deepEqual(await runResourcePolicy(policy("service-user-can-sign-in"), TYPES.user, { forcePasswordChange: false, accountEnabled: true }), []);
        const found = await runResourcePolicy(policy("service-user-can-sign-in"), TYPES.user, { forcePasswordChange: true, accountEnabled: true });
        assert.ok(Array.isArray(found) && found.length === 1 && found[0].includes("forcePasswordChange"));
    });

    it("never reads the password or IDs that preview cannot know yet", async () => {
        // The analyzer throws on reading an unknown value and skips the whole check; the rules must not need them.
        const user = { password: UNKNOWN, userPrincipalName: "jtel-presence@contoso.com", forcePasswordChange: false, accountEnabled: true };
        assert.deepEqual(await runResourcePolicy(policy("service-user-can-sign-in"), TYPES.user, user), []);
        const secret = { applicationId: UNKNOWN, displayName: "jtel presence a 2026-06-19", endDate: "2027-02-14T00:00:00Z" };
        assert.deepEqual(await runResourcePolicy(policy("client-secret-bounded-lifetime"), TYPES.password, secret), []);
        const grant = { servicePrincipalObjectId: UNKNOWN, resourceServicePrincipalObjectId: "x", claimValues: ["Presence.Read.All", "User.Read"] };
        assert.deepEqual(await runResourcePolicy(policy("graph-consent-read-only"), TYPES.grant, grant), []);
        const role = { appRoleId: "a70e0c2d-e793-494c-94c4-118fa0a67f42", principalObjectId: UNKNOWN, resourceObjectId: "x" };
        assert.deepEqual(await runResourcePolicy(policy("graph-app-roles-read-only"), TYPES.role, role), []);
        const access = { applicationId: UNKNOWN, apiClientId: "00000003-0000-0000-c000-000000000000", scopeIds: ["9c7a330d-35b3-4aa1-963d-cb2b9f927841"] };
        assert.deepEqual(await runResourcePolicy(policy("graph-declared-permissions-read-only"), TYPES.access, access), []);
    });

    it("checks requiredResourceAccess on azuread.Application too", async () => {
        const app = {
            signInAudience: "AzureADMultipleOrgs",
            requiredResourceAccesses: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccesses: [{ id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", type: "Role" }] }],
        };
        const declared = await runResourcePolicy(policy("graph-declared-permissions-read-only"), TYPES.legacyApp, app);
        assert.ok(Array.isArray(declared) && declared.length === 1 && declared[0].includes("19dbc75e-c2e2-444c-a770-ec69d8559fc7"));
        const audience = await runResourcePolicy(policy("app-registration-single-tenant"), TYPES.legacyApp, app);
        assert.ok(Array.isArray(audience) && audience.length === 1 && audience[0].includes("AzureADMultipleOrgs"));
    });

    it("uses the policy config's maxSecretLifetimeDays and the injected clock", async () => {
        const secret = { endDate: "2027-11-27T10:00:00Z" }; // 365 days after NOW
        assert.deepEqual(await runResourcePolicy(policy("client-secret-bounded-lifetime"), TYPES.password, secret, {}), []);
        assert.deepEqual(await runResourcePolicy(policy("client-secret-bounded-lifetime"), TYPES.password, secret, { maxSecretLifetimeDays: 365 }), []);
        const found = await runResourcePolicy(policy("client-secret-bounded-lifetime"), TYPES.password, secret, { maxSecretLifetimeDays: 180 });
        assert.ok(Array.isArray(found) && found.length === 1 && found[0].includes("365 days from now"), String(found));
    });

    it("declares maxSecretLifetimeDays in a config schema: an integer from 1 to 730, default 730", () => {
        assert.deepEqual(policy("client-secret-bounded-lifetime").configSchema?.properties.maxSecretLifetimeDays, {
            type: "integer", minimum: 1, maximum: 730, default: 730,
            description: "Longest time, in days, from now to a client secret's endDate. At most 730 (the portal's cap); lower it to match a tenant's app management policy.",
        });
    });

    it("reports unprotected tenant objects against their URNs", async () => {
        const found = await runStackPolicy(policy("tenant-objects-protected"), [
            { type: TYPES.app, name: "app", protect: true }, { type: TYPES.user, name: "user", protect: false },
        ]);
        assert.equal(found.length, 1);
        assert.equal(found[0].urn, `urn:pulumi:test::jtel-teams-presence::${TYPES.user}::user`);
    });
});
