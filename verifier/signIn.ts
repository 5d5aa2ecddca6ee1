import type { Handoff } from "../handoff/types";
import { diagnoseNetworkError, diagnoseNoResponse, diagnoseRedirect, diagnoseTokenError, isRedirectStatus, type TokenErrorBody } from "./diagnosis";
import { parseRetryAfter, type AttemptOutcome } from "./retry";

export type TokenGrant = "client_credentials" | "password";

export interface TokenEndpoint {
    authorityHost: string;
    graphEndpoint: string;
}

export interface IssuedToken {
    accessToken: string;
    /** The response's `scope` field, a fallback when the token cannot be decoded. */
    scope?: string;
    /** When the request that got this token was sent (ms since the epoch, on the verifier's clock): Entra ID's
     * record of the sign-in is no earlier. */
    sentAt: number;
    /** The answer's `x-ms-request-id`, Entra ID's name for the request (MSAL reads the same header, @azure/msal-common
     * src/protocol/Token.ts), when it is a GUID. */
    requestId?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GRANT_LABELS: Record<TokenGrant, string> = {
    client_credentials: "Client credentials check",
    password: "Password sign-in (ROPC)",
};

export function tokenUrl(endpoint: TokenEndpoint, tenantId: string): string {
    return `${endpoint.authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/**
 * One token request, exactly as the jtel connector sends it: a plain confidential-client form post.
 * MSAL's ROPC API is deprecated, and the connector does not use it either. `client_credentials` checks
 * the app and secret without spending one of the service user's password attempts.
 */
export async function requestToken(
    grant: TokenGrant,
    handoff: Handoff,
    endpoint: TokenEndpoint,
    timeoutMs: number,
    now: () => number,
): Promise<AttemptOutcome<IssuedToken>> {
    const where = GRANT_LABELS[grant];
    const form = new URLSearchParams({
        grant_type: grant,
        client_id: handoff.applicationClientId,
        client_secret: handoff.secretValue,
        scope: `${endpoint.graphEndpoint}/.default`,
    });
    if (grant === "password") {
        form.set("username", handoff.userEmail);
        form.set("password", handoff.userPassword);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
    const sentAt = now();
    try {
        const response = await fetch(tokenUrl(endpoint, handoff.directoryTenantId), {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
            body: form.toString(),
            signal: controller.signal,
            // fetch's default re-posts this body (secret and password) on a 307/308 to whatever host the
            // Location names; the real token endpoint never redirects, so a redirect is reported instead.
            redirect: "manual",
        });
        if (isRedirectStatus(response.status)) {
            await response.body?.cancel();
            return { ok: false, diagnosis: diagnoseRedirect(where, response.status, response.headers.get("location")) };
        }
        const body = await readJson(response);
        if (response.ok && body && typeof body.access_token === "string") {
            const requestId = response.headers.get("x-ms-request-id")?.trim();
            return {
                ok: true,
                value: {
                    accessToken: body.access_token,
                    scope: typeof body.scope === "string" ? body.scope : undefined,
                    sentAt,
                    ...(requestId && GUID.test(requestId) ? { requestId: requestId.toLowerCase() } : {}),
                },
            };
        }
        const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
        return { ok: false, diagnosis: diagnoseTokenError(where, response.status, body as TokenErrorBody | undefined, retryAfterMs) };
    } catch (error) {
        if (controller.signal.aborted) return { ok: false, diagnosis: diagnoseNoResponse(where) };
        return { ok: false, diagnosis: diagnoseNetworkError(where, transportDetail(error)) };
    } finally {
        clearTimeout(timer);
    }
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
    const text = await response.text();
    try {
        const parsed: unknown = JSON.parse(text);
        return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`. */
export function transportDetail(error: unknown): string {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    if (cause && typeof cause.code === "string") return cause.code;
    if (cause && typeof cause.message === "string") return cause.message;
    return error instanceof Error ? error.message : String(error);
}
