// Every policy violation is read by a person in a `pulumi preview`: it must say what is wrong, why it matters to the
// connector or the tenant, and what to change. These tests pin each rule's whole message, its edge cases, and that
// each resource policy reports through its own wiring (the analyzer's path, run in-process).
import { strict as assert } from "node:assert";
import { appRoleAssignmentViolations } from "../../policy/appRoleAssignment";
import { clientSecretRules, clientSecretViolations } from "../../policy/clientSecret";
import { declaredAccessViolations } from "../../policy/declaredAccess";
import { delegatedGrantViolations } from "../../policy/delegatedGrant";
import { passwordGeneratorViolations } from "../../policy/passwordGenerator";
import { createPolicies } from "../../policy/policies";
import { unprotectedObjects } from "../../policy/protectedObjects";
import { serviceUserViolations } from "../../policy/serviceUser";
import { signInAudienceViolations } from "../../policy/singleTenantApp";
import { runResourcePolicy, TYPES } from "./policyHarness";

const NOW = new Date("2026-11-27T10:00:00Z");
const rules = clientSecretRules({}, NOW);
const WHY = "the client secret and the service user's password leave the tenant in the handoff, so every permission beyond " +
    "reading presence and users is access the jtel connector does not need";
const ROLES = "Presence.Read.All (a70e0c2d-e793-494c-94c4-118fa0a67f42), User.ReadBasic.All (97235f07-e226-4f63-ace3-39588e11d3a1), " +
    "User.Read.All (df021288-bdef-4463-88db-98f22de89214)";
const SCOPES = "User.Read (e1fe6dd8-ba31-4d61-89e7-88639da4683d), Presence.Read (76bc735e-aecd-4a1d-8b4c-2b915deabb79), " +
    "Presence.Read.All (9c7a330d-35b3-4aa1-963d-cb2b9f927841), User.ReadBasic.All (b340eb25-3456-403f-be2f-af7a0d370277), " +
    "User.Read.All (a154be20-db9c-4678-8ab7-66f6cc099a59), offline_access (7427e0e9-2fba-42fe-b0c0-848c9e6a8182)";
const SCHEDULE = "Declare client secrets only through RotatingSecret (components/rotatingSecret.ts), which sets endDate from secretRotationDays + secretOverlapDays";

describe("policy violations say what is wrong, why it matters and what to change", () => {
    it("graph-app-roles-read-only: names the role (or its absence), the allowed roles with IDs, why, and the applicationPermissions commands", () => {
        assert.deepEqual(appRoleAssignmentViolations({}), [
            `the app role assignment gives the app "(no appRoleId)", which is not one of the read-only Graph application permissions it may hold (${ROLES}): ` +
            `an application permission works with the client secret alone, tenant-wide, without the service user, MFA or Conditional Access, and ${WHY}. ` +
            "Remove it from the applicationPermissions list in Pulumi.<stack>.yaml (or `pulumi config rm applicationPermissions` for none, " +
            "or `pulumi config set --path 'applicationPermissions[0]' Presence.Read.All`).",
        ]);
    });

    it("graph-declared-permissions-read-only: names the API, scope or role, the allowed ones with IDs, why, and the config key", () => {
        assert.deepEqual(declaredAccessViolations({ apiClientId: "00000002-0000-0000-c000-000000000000", scopeIds: ["x"], roleIds: ["y"] }), [
            "the app declares permissions on the API \"00000002-0000-0000-c000-000000000000\", not Microsoft Graph (00000003-0000-0000-c000-000000000000): " +
            `the connector only reads presence and users from Graph, and ${WHY}. Declare Graph permissions only, through delegatedPermissions and applicationPermissions.`,
            `the app declares the delegated permission "x", which is not one of the read-only Graph scopes it may declare (${SCOPES}): ${WHY}. Remove it from delegatedPermissions.`,
            `the app declares the application permission "y", which is not one of the read-only Graph app roles it may declare (${ROLES}): ${WHY}. Remove it from applicationPermissions.`,
        ]);
    });

    it("graph-consent-read-only: names the scope, flags a write permission as one that can change data, lists the allowed scopes, and how to go back", () => {
        const tail = `which is not one of the read-only Microsoft Graph scopes it may hold (User.Read, Presence.Read, Presence.Read.All, User.ReadBasic.All, User.Read.All, offline_access): ${WHY}. ` +
            "Remove it from the delegatedPermissions list in Pulumi.<stack>.yaml, or go back to the default with `pulumi config rm delegatedPermissions`.";
        assert.deepEqual(delegatedGrantViolations({ claimValues: ["Mail.ReadWrite", "Calendars.Read"] }), [
            `the delegated grant (admin consent) gives the app "Mail.ReadWrite", a permission that can change data, ${tail}`,
            `the delegated grant (admin consent) gives the app "Calendars.Read" ${tail}`,
        ]);
    });

    it("client-secret-bounded-lifetime: an unreadable end date, a long lifetime and an unreadable start date each say what to do", () => {
        assert.deepEqual(clientSecretViolations({ endDate: "soon" }, rules), [
            `the client secret's endDate "soon" is not an RFC 3339 date-time such as 2027-02-14T00:00:00Z, so Entra ID would reject it. ${SCHEDULE}.`,
        ]);
        assert.deepEqual(clientSecretViolations({ endDate: "2029-11-27T10:00:00Z" }, rules), [
            "the client secret's endDate 2029-11-27T10:00:00Z is 1096 days from now, more than the 730 days allowed (policy config maxSecretLifetimeDays): " +
            "a long-lived secret that leaves the tenant in the handoff stays usable long after it should have rotated, and Entra ID rejects it where an " +
            "app management policy caps lifetimes lower. Lower secretRotationDays + secretOverlapDays (they must also fit secretMaxLifetimeDays).",
        ]);
        assert.deepEqual(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z", startDate: "yesterday" }, rules), [
            "the client secret's startDate \"yesterday\" is not an RFC 3339 date-time. Leave startDate unset: the secret is then valid from its creation.",
        ]);
    });

    it("service-user-password-connector-safe: says why length matters and which symbols break the connector, and where safe ones are", () => {
        assert.deepEqual(passwordGeneratorViolations({ length: 8, special: true }), [
            "the generated password's length 8 is below 16: the service user signs in with a password alone (no MFA), so its length is its only strength. Set passwordLength to 16 or more (default 32).",
            "the generated password's symbols (@pulumi/random's default set, as overrideSpecial is unset) include \"#\", \"&\", \"[\", \"]\", \"<\", \">\", \"?\": " +
            "the connector rejects [ ] < > ? # & in a password and ROPC rejects surrounding whitespace, so a password drawn with them can break sign-in at random. " +
            "Draw symbols from PASSWORD_SYMBOLS (components/passwordPolicy.ts) via overrideSpecial.",
        ]);
        assert.deepEqual(passwordGeneratorViolations({ length: 20, overrideSpecial: "!#" }), [
            "the generated password's symbols include \"#\": the connector rejects [ ] < > ? # & in a password and ROPC rejects surrounding whitespace, " +
            "so a password drawn with them can break sign-in at random. Draw symbols from PASSWORD_SYMBOLS (components/passwordPolicy.ts) via overrideSpecial.",
        ]);
        assert.match(passwordGeneratorViolations({ special: false })[0], /^the generated password's length \(unset\) is below 16/);
    });

    it("tenant-objects-protected: says what deleting the object costs the connector and how to keep it", () => {
        assert.deepEqual(unprotectedObjects([{ type: "azuread:index/user:User", urn: "urn:u", name: "jtel-presence-service-user-user", protect: false }]), [{
            urn: "urn:u",
            message: "jtel-presence-service-user-user (User) is not protected: pulumi destroy, or a rename without aliases, would delete it, and the connector " +
                "would need a new client ID or a new service user and a fresh handoff. Keep protect true (pulumi config set protect true); set it false only to tear the tenant down.",
        }]);
    });

    it("service-user-can-sign-in: names the AADSTS code each setting causes and the way out", () => {
        assert.deepEqual(serviceUserViolations({ forcePasswordChange: true, accountEnabled: false }), [
            "the service user has forcePasswordChange: true: Entra ID then demands a new password at the next sign-in, which the connector's password sign-in (ROPC) cannot do, " +
            "so it fails with AADSTS50055 until someone resets the password by hand. Keep forcePasswordChange false (components/serviceUser.ts); to get a new password, " +
            "`pulumi config rm existingUserPassword` and `pulumi up` instead.",
            "the service user has accountEnabled: false: a disabled account cannot sign in (AADSTS50057), so the jtel ACD loses presence for every agent. " +
            "Keep accountEnabled true (components/serviceUser.ts); to retire the tenant, follow the README's clean-up (pulumi config set protect false, then pulumi destroy).",
        ]);
    });

    it("app-registration-single-tenant: names the audience and who could sign in", () => {
        assert.deepEqual(signInAudienceViolations({ signInAudience: "AzureADMultipleOrgs" }), [
            "the app registration has signInAudience \"AzureADMultipleOrgs\": accounts from other tenants (or personal Microsoft accounts) could then sign in to it " +
            "and consent to its Graph permissions, while the connector only ever signs in to this one tenant. Keep signInAudience \"AzureADMyOrg\" " +
            "(components/appRegistration.ts; no stack config key changes it).",
        ]);
    });

    it("describes each policy in one sentence, as `pulumi preview` lists them", () => {
        assert.deepEqual(Object.fromEntries(createPolicies({ now: () => NOW }).map((p) => [p.name, p.description])), {
            "service-user-can-sign-in": "The service user is enabled and never forced to change its password, so the connector's ROPC sign-in keeps working.",
            "app-registration-single-tenant": "The app registration is single-tenant (signInAudience AzureADMyOrg).",
            "graph-consent-read-only": "Admin consent (the delegated permission grant) holds only read-only Microsoft Graph scopes.",
            "graph-declared-permissions-read-only": "The app registration declares only read-only Microsoft Graph permissions.",
            "graph-app-roles-read-only": "App role assignments (application permissions) are limited to Presence.Read.All, User.ReadBasic.All and User.Read.All.",
            "client-secret-bounded-lifetime": "Client secrets have an RFC 3339 endDate in the form the provider stores (UTC, whole seconds, Z), at most maxSecretLifetimeDays (default 730) days away, and no startDate in the past.",
            "tenant-objects-protected": "The app registration, service principal and service user are protected from deletion (advisory: protect=false is how a tenant is cleaned up).",
            "service-user-password-connector-safe": "Generated passwords have at least 16 characters and no [ ] < > ? # & or whitespace among their symbols.",
        });
    });
});

describe("policy edge cases", () => {
    it("an end date exactly now has already expired; a start date exactly now is not in the past", () => {
        assert.match(clientSecretViolations({ endDate: "2026-11-27T10:00:00Z" }, rules)[0], /endDate 2026-11-27T10:00:00Z is not in the future/);
        assert.deepEqual(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z", startDate: "2026-11-27T10:00:00Z" }, rules), []);
    });

    it("reads an empty startDate as unset", () => {
        assert.deepEqual(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z", startDate: "" }, rules), []);
    });

    it("takes a start date with a UTC offset, and refuses one with anything around the date-time or a malformed offset", () => {
        assert.deepEqual(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z", startDate: "2026-12-01T01:00:00+01:00" }, rules), []);
        for (const startDate of ["x2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z x", "2026-12-01T01:00:00*01:00", "2026-12-01T01:00:00+0x:00", "2026-12-01T01:00:00+01:0x", "2026-12-01T01:00:00+x1:00", "2026-12-01T01:00:00+01:x0"]) {
            assert.match(clientSecretViolations({ endDate: "2027-02-14T00:00:00Z", startDate }, rules)[0] ?? "", /startDate .* is not an RFC 3339 date-time/, startDate);
        }
    });

    it("reads a grant without claimValues as holding no scope, and ignores the spaces around space-separated scopes", () => {
        assert.deepEqual(delegatedGrantViolations({}), []);
        assert.deepEqual(delegatedGrantViolations({ claimValues: [" User.Read  Presence.Read.All ", ""] }), []);
    });

    it("treats an empty overrideSpecial like an unset one: @pulumi/random then draws from its default symbols", () => {
        assert.match(passwordGeneratorViolations({ length: 32, special: true, overrideSpecial: "" })[0], /\(@pulumi\/random's default set, as overrideSpecial is unset\)/);
    });

    it("warns about an unprotected legacy azuread.Application as about the app registration", () => {
        assert.equal(unprotectedObjects([{ type: "azuread:index/application:Application", urn: "urn:a", name: "app", protect: false }]).length, 1);
    });

    it("reports a violating app role assignment, declared permission and password generator through each policy's own wiring", async () => {
        const policies = createPolicies({ now: () => NOW });
        const run = (name: string, type: string, props: Record<string, unknown>) => runResourcePolicy(policies.find((p) => p.name === name)!, type, props);
        assert.deepEqual(await run("graph-app-roles-read-only", TYPES.role, { appRoleId: "a70e0c2d-e793-494c-94c4-118fa0a67f42" }), []);
        assert.deepEqual(await run("graph-app-roles-read-only", TYPES.role, { appRoleId: "19dbc75e-c2e2-444c-a770-ec69d8559fc7" }), appRoleAssignmentViolations({ appRoleId: "19dbc75e-c2e2-444c-a770-ec69d8559fc7" }));
        const access = { apiClientId: "00000003-0000-0000-c000-000000000000", scopeIds: ["x"], roleIds: ["y"] };
        assert.deepEqual(await run("graph-declared-permissions-read-only", TYPES.access, access), declaredAccessViolations(access));
        assert.deepEqual(await run("service-user-password-connector-safe", TYPES.random, { length: 8, special: true, overrideSpecial: "!" }), passwordGeneratorViolations({ length: 8, special: true, overrideSpecial: "!" }));
    });

    it("checks each requiredResourceAccess entry of a legacy azuread.Application by its type: Scope against the scopes, anything else against the roles", async () => {
        const policies = createPolicies({ now: () => NOW });
        const app = {
            requiredResourceAccesses: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccesses: [
                { id: "9c7a330d-35b3-4aa1-963d-cb2b9f927841", type: "Scope" }, { id: "a70e0c2d-e793-494c-94c4-118fa0a67f42", type: "Role" },
            ] }],
        };
        assert.deepEqual(await runResourcePolicy(policies.find((p) => p.name === "graph-declared-permissions-read-only")!, TYPES.legacyApp, app), []);
    });
});
