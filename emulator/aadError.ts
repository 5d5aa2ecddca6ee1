// Entra ID's error body, shared by the token endpoint and the discovery endpoints.
// Shape: learn.microsoft.com/entra/identity-platform/reference-error-codes (and v2-oauth2-auth-code-flow,
// "Error response"): error, error_description starting "AADSTSnnnn: ", error_codes, timestamp, trace_id,
// correlation_id, error_uri.
import { randomUUID } from "node:crypto";

export interface AadError {
    error: string;
    code: number;
    description: string;
    suberror?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The correlation ID Entra ID reports: the client's `client-request-id` (MSAL sends it as a query and
 * form parameter, the Graph SDK and others as a header) when it is a GUID, else a fresh one. Only a GUID
 * is echoed, so nothing else a client sends can come back in a response.
 */
export function correlationIdOf(...candidates: (string | null | undefined)[]): string {
    for (const candidate of candidates) {
        if (candidate && GUID.test(candidate.trim())) return candidate.trim().toLowerCase();
    }
    return randomUUID();
}

/** "2026-03-02 09:00:00Z", the timestamp format of Entra ID's error bodies. */
export function aadTimestamp(now: Date): string {
    return now.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** `traceId` is the request's ID, the `x-ms-request-id` the token endpoint answers with. */
export function aadErrorBody(failure: AadError, now: Date, correlationId: string = randomUUID(), traceId: string = randomUUID()): Record<string, unknown> {
    const timestamp = aadTimestamp(now);
    return {
        error: failure.error,
        error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [failure.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
        ...(failure.suberror ? { suberror: failure.suberror } : {}),
    };
}
