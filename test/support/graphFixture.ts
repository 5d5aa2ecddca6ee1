// Microsoft Graph's permission IDs as the reference notes list them (../shared/reference/entra-and-graph.md).
// Tests and the emulator-backed mocks use them; the program resolves them from the tenant instead.
export const GRAPH_SCOPE_IDS: Record<string, string> = {
    "Presence.Read": "76bc735e-aecd-4a1d-8b4c-2b915deabb79",
    "Presence.Read.All": "9c7a330d-35b3-4aa1-963d-cb2b9f927841",
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "User.ReadBasic.All": "b340eb25-3456-403f-be2f-af7a0d370277",
    "User.Read.All": "a154be20-db9c-4678-8ab7-66f6cc099a59",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
};

export const GRAPH_ROLE_IDS: Record<string, string> = {
    "Presence.Read.All": "a70e0c2d-e793-494c-94c4-118fa0a67f42",
    "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
};

export { GRAPH_SP_OBJECT_ID } from "../../planner/tenantModel";
