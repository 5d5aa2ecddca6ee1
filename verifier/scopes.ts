import { decodeJwt } from "jose";

/** The user-facing Graph permissions a fresh setup consents; `offline_access`, `openid` etc. are extras. */
export const DEFAULT_EXPECTED_SCOPES: readonly string[] = ["User.Read", "Presence.Read.All"];

function splitScopes(text: string): string[] {
    // The token response's `scope` may prefix each name with the resource (https://graph.microsoft.com/User.Read).
    return text.split(/\s+/).filter(Boolean).map((s) => s.slice(s.lastIndexOf("/") + 1)).filter(Boolean);
}

/**
 * Delegated scopes granted to the connector: the access token's `scp` claim, or the token response's
 * `scope` field when the token is not a JWT the verifier can read (Graph tokens may be opaque one day).
 */
export function grantedScopes(accessToken: string, responseScope?: string): string[] {
    try {
        const claims = decodeJwt(accessToken);
        if (typeof claims.scp === "string") return splitScopes(claims.scp);
    } catch {
        // Not a JWT; fall back to the response field below.
    }
    return typeof responseScope === "string" ? splitScopes(responseScope) : [];
}

/** Expected scopes the token lacks; Entra ID treats scope names case-insensitively. */
export function missingScopes(expected: readonly string[], granted: readonly string[]): string[] {
    const have = new Set(granted.map((s) => s.toLowerCase()));
    return expected.filter((s) => !have.has(s.toLowerCase()));
}
