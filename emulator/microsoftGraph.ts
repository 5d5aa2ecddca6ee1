// Microsoft Graph's own service principal as every tenant has it. The IDs are the real ones
// (../shared/reference/entra-and-graph.md; AuditLog.Read.All, which the credential activity report needs, from
// learn.microsoft.com/graph/permissions-reference#auditlogreadall) so code that resolves permissions by name gets
// realistic GUIDs.
import type { ServicePrincipalRecord } from "./types";

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const GRAPH_PUBLIC_ENDPOINT = "https://graph.microsoft.com";

export const GRAPH_DELEGATED_SCOPES: readonly { id: string; value: string }[] = [
    { id: "76bc735e-aecd-4a1d-8b4c-2b915deabb79", value: "Presence.Read" },
    { id: "9c7a330d-35b3-4aa1-963d-cb2b9f927841", value: "Presence.Read.All" },
    { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", value: "User.Read" },
    { id: "b340eb25-3456-403f-be2f-af7a0d370277", value: "User.ReadBasic.All" },
    { id: "a154be20-db9c-4678-8ab7-66f6cc099a59", value: "User.Read.All" },
    { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", value: "offline_access" },
    // What a deployer signed in as a user holds through the Azure CLI (the azuread provider's default).
    { id: "0e263e50-5827-48a4-b97c-d940288653c7", value: "Directory.AccessAsUser.All" },
    { id: "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", value: "AuditLog.Read.All" },
];

export const GRAPH_APP_ROLES: readonly { id: string; value: string }[] = [
    { id: "a70e0c2d-e793-494c-94c4-118fa0a67f42", value: "Presence.Read.All" },
    { id: "97235f07-e226-4f63-ace3-39588e11d3a1", value: "User.ReadBasic.All" },
    { id: "df021288-bdef-4463-88db-98f22de89214", value: "User.Read.All" },
    // The application permissions a deploying service principal may hold (README, "What to ask of the customer's administrator").
    { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", value: "Application.Read.All" },
    { id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", value: "Application.ReadWrite.All" },
    { id: "18a4783c-866b-4cc7-a460-3d5e5662c884", value: "Application.ReadWrite.OwnedBy" },
    { id: "06b708a9-e830-4db3-a914-8e69da51d44f", value: "AppRoleAssignment.ReadWrite.All" },
    { id: "8e8e4742-1d95-4f68-9d56-6ee75648c72a", value: "DelegatedPermissionGrant.ReadWrite.All" },
    { id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61", value: "Directory.Read.All" },
    { id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", value: "Directory.ReadWrite.All" },
    { id: "741f803b-c850-494e-b5df-cde7c675a1ca", value: "User.ReadWrite.All" },
    // What reading the credential activity report needs (AuditLog.Read.All).
    { id: "b0afded3-3588-46d8-8b3d-9842eff778da", value: "AuditLog.Read.All" },
];

export function createGraphServicePrincipal(id: string): ServicePrincipalRecord {
    return {
        id,
        appId: GRAPH_APP_ID,
        displayName: "Microsoft Graph",
        oauth2PermissionScopes: GRAPH_DELEGATED_SCOPES.map((s) => ({ ...s })),
        appRoles: GRAPH_APP_ROLES.map((r) => ({ ...r })),
        ownerIds: [],
        // Present since the tenant was created, so replication delays never hide it.
        createdAt: new Date(0),
    };
}
