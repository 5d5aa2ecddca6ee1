import { Client, GraphClientError, HTTPMessageHandler, ResponseType, type AuthenticationProvider, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { diagnoseGraphError, diagnoseNetworkError, diagnoseNoResponse, diagnoseRedirect, isRedirectStatus, type Diagnosis, type GraphStage } from "./diagnosis";
import { parseRetryAfter, type AttemptOutcome, type Settled } from "./retry";
import { transportDetail } from "./signIn";

/**
 * Attaches the bearer token only to requests for the configured Graph origin (scheme, host and port).
 * The library's AuthenticationHandler cannot serve here: it recognises Graph hosts and `customHosts` only
 * in https:// URLs, so the loopback emulator (http://127.0.0.1:PORT) would get no token at all.
 * It also turns transport failures into a GraphClientError, which GraphRequest passes through unchanged,
 * so the cause (ECONNREFUSED, ENOTFOUND) survives.
 *
 * Redirects are never followed (`redirect: "manual"`), so the bearer token cannot travel with one: fetch's own
 * "follow" keeps the header on a same-origin hop and re-sends a POST body on 307/308, and the library's
 * RedirectHandler (lib/src/middleware/RedirectHandler.js, shouldDropAuthorizationHeader) keeps it for a
 * relative Location. This chain has no RedirectHandler; a 3xx is reported as `redirected`.
 */
export class GraphOriginAuthenticationHandler implements Middleware {
    private nextMiddleware?: Middleware;

    constructor(
        private readonly graphOrigin: string,
        private readonly authProvider: AuthenticationProvider,
    ) {}

    async execute(context: Context): Promise<void> {
        const url = typeof context.request === "string" ? context.request : context.request.url;
        const options = (context.options ??= {});
        options.redirect = "manual";
        const headers = options.headers;
        const bearer = new URL(url).origin === this.graphOrigin ? `Bearer ${await this.authProvider.getAccessToken()}` : undefined;
        if (headers instanceof Headers) {
            if (bearer) headers.set("Authorization", bearer);
            else headers.delete("Authorization");
        } else {
            const record: Record<string, string> = { ...(headers as Record<string, string> | undefined) };
            delete record.Authorization;
            if (bearer) record.Authorization = bearer;
            options.headers = record;
        }
        if (!this.nextMiddleware) throw new GraphClientError("GraphOriginAuthenticationHandler has no next middleware");
        try {
            await this.nextMiddleware.execute(context);
        } catch (error) {
            const wrapped = new GraphClientError(transportDetail(error));
            wrapped.customError = { transport: true };
            throw wrapped;
        }
    }

    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}

/** Hands Graph the delegated token from the password sign-in; the connector never refreshes within a run. */
export class SignedInUserTokenProvider implements AuthenticationProvider {
    constructor(private readonly accessToken: string) {}

    getAccessToken(): Promise<string> {
        return Promise.resolve(this.accessToken);
    }
}

/**
 * A Graph client whose middleware chain has no RetryHandler: the verifier's own retry loop owns every
 * retry so the whole verification stays inside its timeout.
 */
export function createGraphClient(graphEndpoint: string, authProvider: AuthenticationProvider, version: "v1.0" | "beta" = "v1.0"): Client {
    return Client.initWithMiddleware({
        baseUrl: graphEndpoint,
        defaultVersion: version,
        middleware: [new GraphOriginAuthenticationHandler(new URL(graphEndpoint).origin, authProvider), new HTTPMessageHandler()],
    });
}

export interface GraphRequestSpec {
    method: "GET" | "POST";
    /** Path below the version segment, e.g. `/me/presence`. */
    path: string;
    body?: unknown;
    /** Names the step in messages. */
    where: string;
    /** Decides what a 403 means. */
    stage: GraphStage;
}

/** A refusal keeps Graph's HTTP status and error code for callers that give one its own meaning (a 404 for
 * the service user's presence is information, not a failure). */
export type GraphOutcome = { ok: true; value: unknown } | { ok: false; diagnosis: Diagnosis; status?: number; graphCode?: string };

/** One Graph request, classified; no retry. Returns the parsed JSON body on 2xx. */
export async function graphAttempt(client: Client, spec: GraphRequestSpec, timeoutMs: number, now: () => number): Promise<GraphOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
    try {
        // RAW keeps status and headers (Retry-After) even for non-JSON error bodies.
        const request = client.api(spec.path).option("signal", controller.signal).responseType(ResponseType.RAW);
        const response = (await (spec.method === "GET" ? request.get() : request.post(spec.body ?? {}))) as Response;
        if (isRedirectStatus(response.status)) {
            await response.body?.cancel();
            return { ok: false, diagnosis: diagnoseRedirect(spec.where, response.status, response.headers.get("location")) };
        }
        const text = await response.text();
        const body = parseJson(text);
        if (response.ok) return { ok: true, value: body };
        const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
        const graphCode = typeof code === "string" ? code : undefined;
        const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
        return {
            ok: false,
            diagnosis: diagnoseGraphError(spec.where, spec.stage, response.status, graphCode, retryAfterMs),
            status: response.status,
            ...(graphCode !== undefined ? { graphCode } : {}),
        };
    } catch (error) {
        if (controller.signal.aborted) return { ok: false, diagnosis: diagnoseNoResponse(spec.where) };
        const custom = error instanceof GraphClientError ? (error.customError as { transport?: boolean } | undefined) : undefined;
        if (custom?.transport) return { ok: false, diagnosis: diagnoseNetworkError(spec.where, error instanceof Error ? error.message : String(error)) };
        throw error;
    } finally {
        clearTimeout(timer);
    }
}

function parseJson(text: string): unknown {
    if (text.length === 0) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** What presence and roster reads need: single requests and the verification's retry loop. */
export interface GraphSession {
    /** One request, no retry. */
    attempt(spec: GraphRequestSpec, remainingMs: number): Promise<GraphOutcome>;
    /** Retries `attempt` within the verification's deadline. */
    retry<T>(label: string, attempt: (remainingMs: number) => Promise<AttemptOutcome<T>>): Promise<Settled<T>>;
}

/** A request retried until it settles. */
export function callGraph(session: GraphSession, spec: GraphRequestSpec): Promise<Settled<unknown>> {
    return session.retry(spec.where, (remainingMs) => session.attempt(spec, remainingMs));
}
