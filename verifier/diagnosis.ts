// Every outcome of a verification maps to exactly one stable code with one remedy. The code is decided from
// `error_codes` (AADSTS numbers), HTTP status and transport failures, never from description text, which
// Microsoft rewords and localises.

export const DIAGNOSIS_CODES = [
    "ok",
    "invalid_credentials",
    "user_not_found",
    "app_not_found",
    "invalid_client_secret",
    "client_secret_expired",
    "consent_missing",
    "mfa_required",
    "mfa_registration_required",
    "blocked_by_conditional_access",
    "password_expired",
    "user_disabled",
    "account_locked",
    "tenant_not_found",
    "presence_forbidden",
    "throttled",
    "service_unavailable",
    "timeout",
    "network_error",
    "redirected",
    "unknown_error",
] as const;

export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** A new object whose replication can explain an error for a while (verifier/retry.ts, REPLICATION_WINDOW_MS). */
export type ReplicatedObject = "secret" | "app" | "user";

/** One failed request, classified. `message` may contain remote text and must be redacted before use. */
export interface Diagnosis {
    code: DiagnosisCode;
    aadsts?: number;
    message: string;
    /** Worth retrying: replication delay, throttling, a server or network hiccup. */
    transient: boolean;
    /** What the server asked for (Retry-After), in milliseconds. */
    retryAfterMs?: number;
    /** Delegated permissions the token lacks, for consent_missing. */
    missingScopes?: string[];
    /** The request was cut off at the deadline before any response arrived. */
    noResponse?: boolean;
    /** Transient only while this object is new enough for Entra ID's replication to explain the error. */
    replicates?: ReplicatedObject;
}

interface AadstsEntry {
    code: DiagnosisCode;
    /** Transient right after provisioning (see the reference's eventual-consistency notes). */
    transient: boolean;
    meaning: string;
    /** The new object whose replication explains it; outside that window it is not transient (verifier/retry.ts). */
    replicates?: ReplicatedObject;
}

/** AADSTS numbers the verifier knows, from /work/shared/reference/entra-and-graph.md. */
export const AADSTS_TABLE: Readonly<Record<number, AadstsEntry>> = {
    50126: { code: "invalid_credentials", transient: true, meaning: "the user name or password is wrong (a user or password set in the last minutes may not have replicated yet)" },
    50034: { code: "user_not_found", transient: true, replicates: "user", meaning: "the user does not exist in this directory (a new user may not have replicated yet)" },
    700016: { code: "app_not_found", transient: true, replicates: "app", meaning: "no application with this client ID exists in the tenant (a new registration may not have replicated yet)" },
    7000215: { code: "invalid_client_secret", transient: true, replicates: "secret", meaning: "the client secret is invalid (often the secret ID was sent instead of its value; a new secret takes seconds to replicate)" },
    7000218: { code: "invalid_client_secret", transient: false, meaning: "the request carried no client secret, but the application is a confidential client" },
    700025: { code: "invalid_client_secret", transient: false, meaning: "the application is configured as a public client, which must not send a client secret" },
    7000222: { code: "client_secret_expired", transient: false, meaning: "the client secret has expired" },
    65001: { code: "consent_missing", transient: true, meaning: "no delegated permission has been consented for this user and application (new consent takes about 30 seconds to apply)" },
    500011: { code: "consent_missing", transient: true, meaning: "the Microsoft Graph service principal was not found in the tenant" },
    50076: { code: "mfa_required", transient: false, meaning: "multi-factor authentication is required for the service user" },
    50079: { code: "mfa_registration_required", transient: false, meaning: "the service user must register for multi-factor authentication" },
    53003: { code: "blocked_by_conditional_access", transient: false, meaning: "a Conditional Access policy blocked the sign-in" },
    50055: { code: "password_expired", transient: false, meaning: "the service user's password has expired" },
    50057: { code: "user_disabled", transient: false, meaning: "the service user's account is disabled" },
    // Two causes (Entra error reference, AADSTS50053; the smart lockout page's "Default protections"): a lockout, or
    // Entra ID's own block of a sign-in from an IP address with malicious activity, whatever the password.
    50053: { code: "account_locked", transient: false, meaning: "the sign-in is blocked: either smart lockout locked the service user after too many failed sign-ins, or Entra ID blocked the sign-in because it came from an IP address with malicious activity" },
    90002: { code: "tenant_not_found", transient: false, meaning: "no tenant with this directory ID exists in this cloud" },
    50173: { code: "invalid_credentials", transient: false, meaning: "the grant was revoked, usually because the password changed after the values were handed over" },
};

/** The one remedy per code, written for the tenant's Entra ID administrator. */
export const REMEDIES: Readonly<Record<DiagnosisCode, string>> = {
    ok: "Nothing to do: hand the five values to the jtel contact.",
    invalid_credentials:
        "Check that userPassword is the service user's current password. If it was reset after the handover, run `pulumi up` (or Entra admin center > Users > the service user > Reset password, without forcing a change at next sign-in) and hand over the new password. Wrong passwords count toward smart lockout, so fix the value before verifying again.",
    user_not_found:
        "Check that userEmail is the service user's user principal name in this tenant (Entra admin center > Users). A user created in the last minutes may not have replicated yet; verify again in a few minutes.",
    app_not_found:
        "Check that applicationClientId is the Application (client) ID from Entra admin center > App registrations > the app > Overview (not its Object ID) and that directoryTenantId names the same tenant. A new registration can take a few minutes to replicate.",
    invalid_client_secret:
        "Hand over the client secret's Value, not its Secret ID: Entra admin center > App registrations > the app > Certificates & secrets shows the Value only once, right after creation, so create a new client secret there (or take `secretValue` from the stack outputs) and copy the Value column. The app must stay a confidential client (Authentication > Allow public client flows: No).",
    client_secret_expired:
        "Create a new client secret (run `pulumi up` to rotate it, or Entra admin center > App registrations > the app > Certificates & secrets > New client secret), hand over its Value and delete the expired one.",
    consent_missing:
        "Grant admin consent for the missing delegated Microsoft Graph permissions: list them in the stack's `delegatedPermissions` config, keep `consent` enabled and run `pulumi up`; or in Entra admin center > App registrations > the app > API permissions add them and click \"Grant admin consent\". New consent takes about 30 seconds to apply.",
    mfa_required:
        "The connector's password sign-in cannot answer an MFA prompt. Exclude the service user from MFA with a Conditional Access policy (Entra admin center > Protection > Conditional Access > the policy requiring MFA > Users > Exclude) and turn off per-user MFA for it. Security defaults allow no exclusions, so a tenant that uses them must move to Conditional Access first.",
    mfa_registration_required:
        "The service user is asked to register for MFA, which the connector's password sign-in cannot do. Exclude the service user from the MFA registration campaign and registration policy (Entra admin center > Protection > Authentication methods > Registration campaign) and from MFA via a Conditional Access exclusion; security defaults allow no exclusions.",
    blocked_by_conditional_access:
        "A Conditional Access policy blocks this sign-in. Open Entra admin center > Users > the service user > Sign-in logs > Conditional Access to see which policy applied, then exclude the service user from it or allow the network location the jtel connector signs in from.",
    password_expired:
        "Set a new password for the service user without forcing a change at next sign-in (run `pulumi up`, or Reset password and untick the forced change; via Graph `forceChangePasswordNextSignIn: false`) and stop it expiring with passwordPolicies `DisablePasswordExpiration`, then hand over the new password.",
    user_disabled:
        "Enable the service user: Entra admin center > Users > the service user > Properties > Account enabled = Yes (or `accountEnabled: true`).",
    account_locked:
        "AADSTS50053 has two causes; the verifier stopped at once so as not to extend a lockout. Tell them apart in Entra admin center > Entra ID > Monitoring & health > Sign-in logs: open the service user's sign-in with error code 50053 and read its Failure reason. " +
        "If smart lockout locked the account after too many failed sign-ins: fix the password the connector uses, then wait for the lockout duration (Entra ID > Authentication methods > Password protection; one minute at first, longer after repeated lockouts) or have an administrator reset the password, which unlocks it, and verify again. " +
        "If the sign-in was blocked because it came from an IP address with malicious activity: that block applies whatever the password, so changing it does not help; note the IP address in that log entry, run the connector and this verification from a network address that is not flagged, or ask Microsoft support with the sign-in's correlation ID.",
    tenant_not_found:
        "Check directoryTenantId: it must be the Directory (tenant) ID from Entra admin center > Overview, and the cloud must match the tenant (--cloud public|usgovernment|usgovernmentdod, or `authorityHost`).",
    presence_forbidden:
        "Microsoft Graph refused to read presence: grant the delegated permission Presence.Read.All (add it to `delegatedPermissions`, keep `consent` enabled and run `pulumi up`; or App registrations > the app > API permissions > Grant admin consent), then verify again.",
    throttled:
        "Microsoft throttled the requests (HTTP 429) until the verifier gave up. Presence allows 1,500 requests per 30 seconds per app and tenant: pause other jobs that use this app, then verify again or raise --timeout.",
    service_unavailable:
        "Microsoft's service answered with server errors (HTTP 5xx) until the verifier gave up; this is not a tenant setting. Check Microsoft 365 service health (Microsoft 365 admin center > Health) and verify again later.",
    timeout:
        "No response arrived before the timeout. Check that this machine reaches the authority host and Graph endpoint (proxy, firewall, DNS), then verify again or raise --timeout.",
    network_error:
        "The endpoint could not be reached. Check DNS, proxy and firewall rules for the authority host and Graph endpoint, and that --cloud (or --authority-host/--graph-endpoint) names the tenant's cloud.",
    redirected:
        "The endpoint answered with a redirect, which the verifier never follows: the client secret, password and access token go only to the configured hosts. A redirect here means a proxy that intercepts the traffic or a wrong authority host or Graph endpoint. Use the cloud's documented hosts (`cloud`, or --cloud public|usgovernment|usgovernmentdod, with no override), or point `authorityHost`/`graphEndpoint` (--authority-host/--graph-endpoint) at the host the redirect names only if it is the real Entra ID or Graph host; exempt those hosts from an intercepting proxy.",
    unknown_error:
        "The verifier has no remedy on file for this error. Look the code up at https://login.microsoftonline.com/error and in Entra admin center > Users > the service user > Sign-in logs, then verify again.",
};

export function remedyFor(code: DiagnosisCode): string {
    return REMEDIES[code];
}

/** Token endpoint error body fields the verifier reacts to (plus IDs worth quoting in a support case). */
export interface TokenErrorBody {
    error?: unknown;
    error_codes?: unknown;
    trace_id?: unknown;
    correlation_id?: unknown;
}

function tracing(body: TokenErrorBody): string {
    const ids: string[] = [];
    if (typeof body.trace_id === "string") ids.push(`trace ID ${body.trace_id}`);
    if (typeof body.correlation_id === "string") ids.push(`correlation ID ${body.correlation_id}`);
    return ids.length > 0 ? ` (${ids.join(", ")})` : "";
}

/** Classifies a failed token request from its HTTP status and `error`/`error_codes`. */
export function diagnoseTokenError(where: string, status: number, body: TokenErrorBody | undefined, retryAfterMs?: number): Diagnosis {
    const codes = Array.isArray(body?.error_codes) ? body.error_codes.filter((c): c is number => typeof c === "number") : [];
    const aadsts = codes[0];
    const suffix = body ? tracing(body) : "";
    if (aadsts !== undefined) {
        const entry = AADSTS_TABLE[aadsts];
        if (entry) {
            return {
                code: entry.code, aadsts, transient: entry.transient, retryAfterMs, message: `${where}: AADSTS${aadsts}: ${entry.meaning}${suffix}.`,
                ...(entry.replicates ? { replicates: entry.replicates } : {}),
            };
        }
        // A server error carries its own AADSTS number (e.g. 90033, "a transient error has occurred"); the
        // status already says what to do with it.
        if (status >= 500 || status === 429) {
            const base = status === 429 ? throttled(where, retryAfterMs) : serverError(where, status, retryAfterMs);
            return { ...base, aadsts, message: `${base.message.slice(0, -1)} with AADSTS${aadsts}${suffix}.` };
        }
        return {
            code: "unknown_error",
            aadsts,
            transient: false,
            message: `${where}: AADSTS${aadsts} is not in the verifier's table of known sign-in errors (see https://login.microsoftonline.com/error?code=${aadsts})${suffix}.`,
        };
    }
    const error = typeof body?.error === "string" ? body.error : undefined;
    if (status === 429) return throttled(where, retryAfterMs);
    if (status >= 500 || error === "temporarily_unavailable" || error === "server_error") {
        return serverError(where, status, retryAfterMs);
    }
    if (error === "invalid_client") {
        return { code: "invalid_client_secret", transient: false, message: `${where}: the token endpoint rejected the client (error invalid_client)${suffix}.` };
    }
    return {
        code: "unknown_error",
        transient: false,
        message: `${where}: the token endpoint answered HTTP ${status}${error ? ` with error ${error}` : ""} and no AADSTS code${suffix}.`,
    };
}

/** Which Graph call failed decides what a 403 means. */
export type GraphStage = "presence" | "userLookup";

/** Classifies a failed Microsoft Graph response. */
export function diagnoseGraphError(where: string, stage: GraphStage, status: number, graphCode: string | undefined, retryAfterMs?: number): Diagnosis {
    const detail = `HTTP ${status}${graphCode ? ` ${graphCode}` : ""}`;
    if (status === 429) return throttled(where, retryAfterMs);
    if (status >= 500) return serverError(where, status, retryAfterMs);
    if (status === 403 && stage === "presence") {
        return { code: "presence_forbidden", transient: false, message: `${where}: Microsoft Graph refused to read presence (${detail}); the token lacks a presence permission the call needs.` };
    }
    if (status === 403 && stage === "userLookup") {
        return {
            code: "consent_missing",
            transient: false,
            missingScopes: ["User.ReadBasic.All"],
            message: `${where}: Microsoft Graph refused to look up agents by sign-in name (${detail}); the delegated permission User.ReadBasic.All is missing.`,
        };
    }
    if (status === 401) {
        return {
            code: "unknown_error",
            transient: false,
            message: `${where}: Microsoft Graph rejected the access token (${detail}); the Graph endpoint probably belongs to another cloud than the authority host.`,
        };
    }
    return { code: "unknown_error", transient: false, message: `${where}: Microsoft Graph answered ${detail}, which the verifier does not expect here.` };
}

const REPLICATED_NAMES: Readonly<Record<ReplicatedObject, string>> = {
    secret: "newest client secret",
    app: "app registration",
    user: "service user",
};

/**
 * An error replication could explain (`replicates`), seen when it cannot: terminal, saying why. `changedAt` is when
 * the object was created or last changed (ms since the epoch), undefined when nothing says.
 */
export function notReplication(diagnosis: Diagnosis, changedAt: number | undefined, windowMs: number, tries: number): Diagnosis {
    const what = REPLICATED_NAMES[diagnosis.replicates ?? "secret"];
    const minutes = `${Math.round(windowMs / 60_000)} minutes`;
    const why = changedAt === undefined
        ? `Nothing says the ${what} was created or changed in the last ${minutes}, when Entra ID's replication could explain this ` +
          "(npm run verify takes that from the stack's currentSecretCreatedAt output, or from --fresh right after a change)"
        : `The ${what} was created or last changed at ${new Date(changedAt).toISOString()}, more than ${minutes} before this try: ` +
          "longer than Entra ID's replication is taken to need, so this is not a replication delay";
    const { replicates: _replicates, ...rest } = diagnosis;
    return { ...rest, transient: false, message: `${diagnosis.message} ${why}; the verifier stopped after ${tries} ${tries === 1 ? "try" : "tries"}.` };
}

export function diagnoseNetworkError(where: string, detail: string): Diagnosis {
    return { code: "network_error", transient: true, message: `${where}: the request failed before any response arrived (${detail}).` };
}

/** HTTP 3xx: never followed, so no credential or token is re-sent to wherever the redirect points. */
export function diagnoseRedirect(where: string, status: number, location: string | null): Diagnosis {
    const target = redirectTarget(location);
    return {
        code: "redirected",
        transient: false,
        message: `${where}: the endpoint answered HTTP ${status}${target ? ` redirecting to ${target}` : " (a redirect)"}; the verifier does not follow redirects, so nothing was sent there.`,
    };
}

/** Only the scheme, host and port of a Location header: its path or query could carry anything. */
function redirectTarget(location: string | null): string | undefined {
    if (!location) return undefined;
    try {
        return new URL(location).origin;
    } catch {
        return "a relative location on the same host";
    }
}

export function isRedirectStatus(status: number): boolean {
    return status >= 300 && status < 400;
}

export function diagnoseNoResponse(where: string): Diagnosis {
    return { code: "timeout", transient: true, noResponse: true, message: `${where}: no response arrived before the timeout.` };
}

export function diagnoseMissingScopes(missing: readonly string[], granted: readonly string[]): Diagnosis {
    const grantedText = granted.length > 0 ? granted.join(" ") : "none";
    return {
        code: "consent_missing",
        transient: false,
        missingScopes: [...missing],
        message: `The access token lacks the delegated permission${missing.length === 1 ? "" : "s"} ${missing.join(", ")} (granted: ${grantedText}).`,
    };
}

function throttled(where: string, retryAfterMs: number | undefined): Diagnosis {
    const hint = retryAfterMs !== undefined ? `, Retry-After ${Math.round(retryAfterMs / 1000)} s` : "";
    return { code: "throttled", transient: true, retryAfterMs, message: `${where}: the request was throttled (HTTP 429${hint}).` };
}

function serverError(where: string, status: number, retryAfterMs: number | undefined): Diagnosis {
    return { code: "service_unavailable", transient: true, retryAfterMs, message: `${where}: the service answered HTTP ${status}.` };
}
