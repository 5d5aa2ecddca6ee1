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
    { id: "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", value: "AuditLog.Read.All" },
];

export const GRAPH_APP_ROLES: readonly { id: string; value: string }[] = [
    { id: "a70e0c2d-e793-494c-94c4-118fa0a67f42", value: "Presence.Read.All" },
    { id: "97235f07-e226-4f63-ace3-39588e11d3a1", value: "User.ReadBasic.All" },
    { id: "df021288-bdef-4463-88db-98f22de89214", value: "User.Read.All" },
    { id: "b0afded3-3588-46d8-8b3d-9842eff778da", value: "AuditLog.Read.All" },
];

export function createGraphServicePrincipal(id: string): ServicePrincipalRecord {
    return {
        id,
        appId: GRAPH_APP_ID,
        displayName: "Microsoft Graph",
        oauth2PermissionScopes: GRAPH_DELEGATED_SCOPES.map((s) => ({ ...s })),
        appRoles: GRAPH_APP_ROLES.map((r) => ({ ...r })),
        // Present since the tenant was created, so replication delays never hide it.
        createdAt: new Date(0),
    };
}
