// The read-only Microsoft Graph permissions a presence tenant may hold, by name and ID. The program resolves
// IDs from the tenant's Graph service principal; the policy cannot look anything up, so it pins them. Graph
// permission IDs are the same in every tenant (../../shared/reference/entra-and-graph.md); a consistency
// test checks them against the fixture the program's tests use.

/** Microsoft Graph's application (client) ID, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Delegated scopes (name -> scope ID) the connector may be consented: sign-in, presence, user look-up. */
export const READ_ONLY_DELEGATED_SCOPES: Readonly<Record<string, string>> = {
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Presence.Read": "76bc735e-aecd-4a1d-8b4c-2b915deabb79",
    "Presence.Read.All": "9c7a330d-35b3-4aa1-963d-cb2b9f927841",
    "User.ReadBasic.All": "b340eb25-3456-403f-be2f-af7a0d370277",
    "User.Read.All": "a154be20-db9c-4678-8ab7-66f6cc099a59",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
};

/** Application permissions (name -> app role ID) the app may be assigned. */
export const READ_ONLY_APP_ROLES: Readonly<Record<string, string>> = {
    "Presence.Read.All": "a70e0c2d-e793-494c-94c4-118fa0a67f42",
    "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
};

/** True when `name` is an allowlisted delegated scope (own keys only: "constructor" is not a scope). */
export function isReadOnlyScopeName(name: string): boolean {
    return Object.hasOwn(READ_ONLY_DELEGATED_SCOPES, name);
}

/** The allowlisted permission whose ID is `id` (GUIDs compare case-insensitively), if any. */
export function permissionNameForId(allowlist: Readonly<Record<string, string>>, id: string): string | undefined {
    const wanted = id.toLowerCase();
    return Object.keys(allowlist).find((name) => allowlist[name] === wanted);
}

/** "User.Read, Presence.Read, …" for messages. */
export function listNames(allowlist: Readonly<Record<string, string>>): string {
    return Object.keys(allowlist).join(", ");
}

/** "Presence.Read.All (a70e…), …" for messages about IDs. */
export function listNamesWithIds(allowlist: Readonly<Record<string, string>>): string {
    return Object.entries(allowlist).map(([name, id]) => `${name} (${id})`).join(", ");
}

/** Why a secret leaving the tenant makes every extra permission matter; shared by the permission messages. */
export const WHY_READ_ONLY = "the client secret and the service user's password leave the tenant in the handoff, " +
    "so every permission beyond reading presence and users is access the jtel connector does not need";
