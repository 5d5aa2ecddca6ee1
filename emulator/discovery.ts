// The metadata documents a client reads before it asks for a token, shaped like Entra ID's:
// - OpenID Connect discovery, `/{tenant}/v2.0/.well-known/openid-configuration`: MSAL fetches it for any
//   authority it has no built-in metadata for and needs authorization_endpoint, token_endpoint, issuer
//   and jwks_uri (msal-common src/authority/OpenIdConfigResponse.ts, isOpenIdConfigResponse); since
//   msal-common 16 it also requires the issuer to be on the authority's own scheme and host
//   (src/authority/Authority.ts, validateIssuer).
// - Instance discovery, `/common/discovery/instance?api-version=1.1&authorization_endpoint=...`: the
//   answer MSAL expects is `{tenant_discovery_endpoint, metadata:[{preferred_network, preferred_cache,
//   aliases}]}` (src/authority/CloudInstanceDiscoveryResponse.ts; Entra's own values are hard-coded in
//   src/authority/AuthorityMetadata.ts). MSAL asks login.microsoftonline.com for it, never the authority
//   (Constants.AAD_INSTANCE_DISCOVERY_ENDPT), so a client passes this document as
//   `cloudDiscoveryMetadata` or names the emulator's host in `knownAuthorities` instead.
import type { AadError } from "./aadError";

/** What the first path segment of a sign-in URL names, as Entra ID reads it. */
export type TenantSegment = "tenant" | "organizations" | "common" | "consumers" | "unknown";

export function classifyTenantSegment(segment: string, tenantId: string, domain: string): TenantSegment {
    const lower = segment.toLowerCase();
    if (lower === tenantId.toLowerCase() || lower === domain.toLowerCase()) return "tenant";
    if (lower === "organizations" || lower === "common" || lower === "consumers") return lower;
    return "unknown";
}

export function tenantNotFound(segment: string): AadError {
    return {
        error: "invalid_tenant",
        code: 90002,
        description: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    };
}

/** `host:port` of the emulator, the form MSAL compares aliases and knownAuthorities in. */
export function hostAndPort(baseUrl: string): string {
    return new URL(baseUrl).host.toLowerCase();
}

/** Hosts that reach this emulator: 127.0.0.1 and localhost on its port (the certificate covers both). */
export function emulatorAliases(baseUrl: string): string[] {
    const url = new URL(baseUrl);
    return [url.host.toLowerCase(), `localhost:${url.port}`];
}

/**
 * The v2.0 OpenID configuration for a tenant segment. For the tenant (by ID or domain) every endpoint
 * carries the tenant ID, as Entra ID answers; for `organizations` and `common` the endpoints keep the
 * segment and the issuer keeps the `{tenantid}` placeholder, because the tenant is only known per user.
 * Only what this emulator serves is advertised, plus the fields OpenID Connect Discovery 1.0 §3 requires.
 */
export function openIdConfiguration(baseUrl: string, segment: Exclude<TenantSegment, "unknown" | "consumers">, tenantId: string): Record<string, unknown> {
    const pathTenant = segment === "tenant" ? tenantId : segment;
    const issuerTenant = segment === "tenant" ? tenantId : "{tenantid}";
    const base = `${baseUrl}/${pathTenant}`;
    return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        // Entra ID also lists private_key_jwt; this emulator takes client secrets only.
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        grant_types_supported: ["password", "client_credentials", "refresh_token"],
        issuer: `${baseUrl}/${issuerTenant}/v2.0`,
        request_uri_parameter_supported: false,
        // Required by MSAL and by OIDC Discovery; interactive sign-in itself is not emulated (the emulator
        // answers it with an error that says so).
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "preferred_username", "oid", "tid", "ver", "uti"],
        tenant_region_scope: null,
        cloud_instance_name: hostAndPort(baseUrl),
        // Entra ID names Graph's host here (graph.microsoft.com); the emulator serves Graph itself.
        msgraph_host: hostAndPort(baseUrl),
    };
}

/** Instance discovery for an `authorization_endpoint` on this emulator, or the error Entra ID gives. */
export function instanceDiscovery(baseUrl: string, authorizationEndpoint: string | null, pathSegment: string): { status: number; body: Record<string, unknown> } | { status: number; failure: AadError } {
    const aliases = emulatorAliases(baseUrl);
    let tenant = pathSegment;
    if (authorizationEndpoint !== null) {
        let url: URL;
        try {
            url = new URL(authorizationEndpoint);
        } catch {
            return { status: 400, failure: { error: "invalid_request", code: 50050, description: "The request is malformed: 'authorization_endpoint' must be an absolute URL." } };
        }
        if (url.protocol !== "https:" && url.protocol !== "http:") {
            return { status: 400, failure: { error: "invalid_request", code: 50050, description: "The request is malformed: 'authorization_endpoint' must be an absolute URL." } };
        }
        if (!aliases.includes(url.host.toLowerCase())) {
            // The host is echoed: it is a host name the client chose, never a credential.
            return { status: 400, failure: { error: "invalid_instance", code: 50049, description: `Unknown or invalid instance. This emulator answers for ${aliases.join(" and ")}, not ${url.host}.` } };
        }
        tenant = url.pathname.split("/").filter(Boolean)[0] ?? pathSegment;
    }
    return {
        status: 200,
        body: {
            tenant_discovery_endpoint: `${baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [{ preferred_network: aliases[0], preferred_cache: aliases[0], aliases }],
        },
    };
}
