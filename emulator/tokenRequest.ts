// Pure parsing of a token request: how the client authenticated and which scopes it asked for.
// Nothing here echoes a submitted value into an error, so a secret sent in the wrong field cannot come
// back in a response.
import type { AadError } from "./aadError";
import { GRAPH_PUBLIC_ENDPOINT } from "./microsoftGraph";

/** The OpenID Connect scopes Entra ID takes alongside one resource's scopes. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

export interface ClientAuthentication {
    clientId?: string;
    secret?: string;
    /** `client_secret_basic` when the Authorization header carried the credentials (RFC 6749 §2.3.1). */
    method: "client_secret_post" | "client_secret_basic" | "none";
}

function invalidParameter(description: string): AadError {
    return { error: "invalid_request", code: 90100, description };
}

/** RFC 6749 §2.3.1: client ID and secret are each form-urlencoded, joined with ":", then base64. */
function formDecode(value: string): string {
    return decodeURIComponent(value.replace(/\+/g, " "));
}

/**
 * Reads the client's credentials from the form (`client_id`, `client_secret`) or from HTTP Basic. Entra
 * ID accepts both (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow, client_secret:
 * "The Basic auth pattern ... per RFC 6749 is also supported"). Using both at once is refused, as RFC
 * 6749 §2.3 forbids more than one authentication method per request.
 */
export function clientAuthentication(form: URLSearchParams, authorization: string | undefined): ClientAuthentication | AadError {
    const bodyId = form.get("client_id") || undefined;
    const bodySecret = form.get("client_secret") || undefined;
    const basic = /^Basic\s+(\S*)\s*$/i.exec(authorization ?? "");
    if (!basic) return { ...(bodyId ? { clientId: bodyId } : {}), ...(bodySecret ? { secret: bodySecret } : {}), method: bodySecret ? "client_secret_post" : "none" };

    const malformed = invalidParameter("The Authorization header is not valid HTTP Basic client authentication: expected base64 of form-urlencoded client_id ':' client_secret (RFC 6749 section 2.3.1).");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(basic[1])) return malformed;
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return malformed;
    let clientId: string;
    let secret: string;
    try {
        clientId = formDecode(decoded.slice(0, colon));
        secret = formDecode(decoded.slice(colon + 1));
    } catch {
        return malformed;
    }
    if (bodySecret) {
        return invalidParameter("The client authenticated twice: send the client secret either in the Authorization header or as client_secret in the body, not both (RFC 6749 section 2.3).");
    }
    if (bodyId && bodyId !== clientId) {
        return invalidParameter("The client_id in the body does not match the client ID in the Authorization header.");
    }
    return { clientId, ...(secret ? { secret } : {}), method: "client_secret_basic" };
}

export interface RequestedScopes {
    /** The resource every non-OIDC scope names (no trailing slash), e.g. https://graph.microsoft.com. */
    resource: string;
    /** True for `{resource}/.default`; otherwise `names` lists the named permissions. */
    isDefault: boolean;
    names: string[];
    /** OIDC scopes asked for, lower-case, in request order. */
    oidc: OidcScope[];
}

function invalidScope(): AadError {
    // The rejected value is not echoed: whatever was sent there could be something secret.
    return {
        error: "invalid_scope",
        code: 70011,
        description: `The provided value for the input parameter 'scope' is not valid. This emulator accepts '{resource}/.default' (e.g. '${GRAPH_PUBLIC_ENDPOINT}/.default') or, for user sign-ins, named permissions of one resource (e.g. 'User.Read Presence.Read.All'), each optionally with openid, profile, email and offline_access.`,
    };
}

/**
 * Parses `scope` the way the v2.0 endpoint reads it (learn.microsoft.com/entra/identity-platform/
 * scopes-oidc): a short name like `User.Read` means Microsoft Graph's permission; a qualified one like
 * `https://graph.microsoft.com/User.Read` names its resource; all non-OIDC scopes must name one resource
 * (v2-oauth2-auth-code-flow, `scope`); `.default` stands alone for its resource; client credentials take
 * only `.default` (v2-oauth2-client-creds-grant-flow).
 */
export function parseScopes(raw: string, grantType: string): RequestedScopes | AadError {
    const oidc: OidcScope[] = [];
    const resourceScopes: { resource: string; name: string }[] = [];
    for (const part of raw.split(/\s+/).filter(Boolean)) {
        const lower = part.toLowerCase();
        if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
            if (!oidc.includes(lower as OidcScope)) oidc.push(lower as OidcScope);
            continue;
        }
        const slash = part.lastIndexOf("/");
        const resource = slash < 0 ? GRAPH_PUBLIC_ENDPOINT : part.slice(0, slash).replace(/\/+$/, "");
        const name = slash < 0 ? part : part.slice(slash + 1);
        if (!resource || !name) return invalidScope();
        resourceScopes.push({ resource, name });
    }
    if (resourceScopes.length === 0) return invalidScope();
    const resource = resourceScopes[0].resource;
    if (resourceScopes.some((s) => s.resource.toLowerCase() !== resource.toLowerCase())) return invalidScope();
    const defaults = resourceScopes.filter((s) => s.name.toLowerCase() === ".default");
    if (defaults.length > 0 && resourceScopes.length > 1) return invalidScope();
    if (grantType === "client_credentials" && defaults.length === 0) return invalidScope();
    return { resource, isDefault: defaults.length === 1, names: defaults.length === 1 ? [] : resourceScopes.map((s) => s.name), oidc };
}
