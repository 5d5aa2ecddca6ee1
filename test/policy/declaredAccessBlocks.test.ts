// graph-declared-permissions-read-only on azuread.Application: a requiredResourceAccess block lists delegated
// scopes (type "Scope") and app roles (type "Role") together (terraform-provider-azuread docs/resources/application.md,
// resource_access), and each kind must be checked against its own allowlist.
import { strict as assert } from "node:assert";
import { declaredAccessViolations, fromRequiredResourceAccess } from "../../policy/declaredAccess";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const WHY = "the client secret and the service user's password leave the tenant in the handoff, so every permission beyond " +
    "reading presence and users is access the jtel connector does not need";
const SCOPES = "User.Read (e1fe6dd8-ba31-4d61-89e7-88639da4683d), Presence.Read (76bc735e-aecd-4a1d-8b4c-2b915deabb79), " +
    "Presence.Read.All (9c7a330d-35b3-4aa1-963d-cb2b9f927841), User.ReadBasic.All (b340eb25-3456-403f-be2f-af7a0d370277), " +
    "User.Read.All (a154be20-db9c-4678-8ab7-66f6cc099a59), offline_access (7427e0e9-2fba-42fe-b0c0-848c9e6a8182)";
const OUTSIDE_SCOPE = "0e263e50-5827-48a4-b97c-d940288653c7";

describe("graph-declared-permissions-read-only: an app registration's requiredResourceAccess blocks", () => {
    it("reports a delegated scope outside the allowlist as a delegated permission to remove from delegatedPermissions", () => {
        const block = { resourceAppId: GRAPH, resourceAccesses: [{ id: OUTSIDE_SCOPE, type: "Scope" }] };
        assert.deepEqual(declaredAccessViolations(fromRequiredResourceAccess(block)), [
            `the app declares the delegated permission "${OUTSIDE_SCOPE}", which is not one of the read-only Graph scopes it may declare (${SCOPES}): ${WHY}. Remove it from delegatedPermissions.`,
        ]);
    });

    it("accepts the default delegated scopes declared as type Scope", () => {
        const block = { resourceAppId: GRAPH, resourceAccesses: [
            { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" }, { id: "9c7a330d-35b3-4aa1-963d-cb2b9f927841", type: "Scope" },
        ] };
        assert.deepEqual(declaredAccessViolations(fromRequiredResourceAccess(block)), []);
    });
});
