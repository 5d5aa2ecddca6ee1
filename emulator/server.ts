// The loopback HTTP(S) server: applies the request-wide faults (latency, 503), routes to the identity
// endpoints (token, discovery, keys) or Graph, and writes the request log. The log is built from method,
// path, status and a few named form fields only, never from bodies or headers, so no secret can reach it.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { aadErrorBody, correlationIdOf } from "./aadError";
import { classifyTenantSegment, instanceDiscovery, openIdConfiguration, tenantNotFound } from "./discovery";
import type { FaultCounters } from "./faults";
import { UNREADABLE_BODY, type GraphApi } from "./graph";
import type { TokenService } from "./tokens";
import type { Faults, LoggedRequest } from "./types";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i;
const KEYS_PATH = /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys\/?$/i;
const OPENID_CONFIGURATION_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/i;
const INSTANCE_DISCOVERY_PATH = /^\/([^/]+)\/discovery\/instance\/?$/i;
const INTERACTIVE_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|devicecode|logout)\/?$/i;

export interface ServerParts {
    /** PEM key and certificate: serve HTTPS instead of plain HTTP. */
    tls?: { key: string; cert: string };
    /** The tenant the emulator plays: its ID and verified domain, as sign-in URLs may name either. */
    tenant: { id: string; domain: string };
    tokens: TokenService;
    graph: GraphApi;
    faults: Faults;
    counters: FaultCounters;
    now: () => Date;
    log: (entry: LoggedRequest) => void;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
        return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(text)),
        "Cache-Control": "no-store",
        ...headers,
    });
    res.end(text);
}

function aadServiceError(now: Date, correlationId: string): Record<string, unknown> {
    return aadErrorBody({ error: "temporarily_unavailable", code: 90033, description: "A transient error has occurred. Please try again." }, now, correlationId);
}

function graphError(code: string, message: string, now: Date): Record<string, unknown> {
    const requestId = randomUUID();
    return { error: { code, message, innerError: { date: now.toISOString().replace(/\.\d+Z$/, ""), "request-id": requestId, "client-request-id": requestId } } };
}

export function createEmulatorServer(parts: ServerParts): Server {
    const { tenant, tokens, graph, faults, counters, now, log } = parts;

    /** The identity endpoints other than the token endpoint; undefined when the path is none of them. */
    function identityMetadata(method: string, path: string, query: URLSearchParams, correlationId: string): { status: number; body: unknown } | undefined {
        if (method !== "GET") return undefined;
        const configuration = OPENID_CONFIGURATION_PATH.exec(path);
        if (configuration) {
            const segment = decodeURIComponent(configuration[1]);
            const kind = classifyTenantSegment(segment, tenant.id, tenant.domain);
            if (kind === "unknown" || kind === "consumers") return { status: 400, body: aadErrorBody(tenantNotFound(segment), now(), correlationId) };
            return { status: 200, body: openIdConfiguration(tokens.baseUrl, kind, tenant.id) };
        }
        const discovery = INSTANCE_DISCOVERY_PATH.exec(path);
        if (discovery) {
            const result = instanceDiscovery(tokens.baseUrl, query.get("authorization_endpoint"), discovery[1]);
            return "failure" in result
                ? { status: result.status, body: aadErrorBody(result.failure, now(), correlationId) }
                : { status: result.status, body: result.body };
        }
        return undefined;
    }

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const path = url.pathname;
        const record = (status: number, extra: Partial<LoggedRequest> = {}): void => {
            log({ at: now(), method, path, status, ...extra });
        };

        let raw: string;
        try {
            raw = await readBody(req);
        } catch (e) {
            if (!(e instanceof BodyTooLarge)) throw e;
            send(res, 413, graphError("RequestEntityTooLarge", "The request body is larger than this emulator accepts.", now()));
            record(413);
            return;
        }
        if (faults.latencyMs > 0) await sleep(faults.latencyMs);

        const tokenMatch = TOKEN_PATH.exec(path);
        const form = tokenMatch ? new URLSearchParams(raw) : undefined;
        const headerRequestId = req.headers["client-request-id"];
        const correlationId = correlationIdOf(
            typeof headerRequestId === "string" ? headerRequestId : undefined, url.searchParams.get("client-request-id"), form?.get("client-request-id"),
        );
        if (counters.nextRequestFails()) {
            if (tokenMatch) send(res, 503, aadServiceError(now(), correlationId));
            else send(res, 503, graphError("serviceNotAvailable", "The service is temporarily unavailable. Please retry.", now()), { "Retry-After": "1" });
            record(503, tokenMatch ? { aadsts: 90033 } : {});
            return;
        }

        if (tokenMatch) {
            if (method !== "POST") {
                send(res, 405, aadErrorBody({ error: "invalid_request", code: 900561, description: `The endpoint only accepts POST requests. Received a ${method} request.` }, now(), correlationId));
                record(405, { aadsts: 900561 });
                return;
            }
            const result = await tokens.handle({
                tenantSegment: decodeURIComponent(tokenMatch[1]),
                form: form ?? new URLSearchParams(),
                ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
                correlationId,
            });
            // Entra ID names each request in x-ms-request-id, which MSAL reads from the token response's headers
            // (@azure/msal-common src/protocol/Token.ts, HeaderNames.X_MS_REQUEST_ID).
            send(res, result.status, result.body, { Pragma: "no-cache", "x-ms-request-id": result.requestId });
            record(result.status, {
                ...(result.grantType ? { grantType: result.grantType } : {}),
                ...(result.username ? { username: result.username } : {}),
                ...(result.aadsts ? { aadsts: result.aadsts } : {}),
            });
            return;
        }

        if (method === "GET" && KEYS_PATH.test(path)) {
            send(res, 200, await tokens.jwks());
            record(200);
            return;
        }

        const metadata = identityMetadata(method, path, url.searchParams, correlationId);
        if (metadata) {
            send(res, metadata.status, metadata.body);
            record(metadata.status);
            return;
        }

        if (INTERACTIVE_PATH.test(path)) {
            // Advertised in the OpenID configuration because MSAL requires the field; a browser or
            // device-code sign-in has nothing to talk to here.
            send(res, 501, { error: "not_implemented", error_description: "This emulator serves no interactive or device-code sign-in; use the token endpoint (password, client_credentials or refresh_token grant)." });
            record(501);
            return;
        }

        if (/^\/(v1\.0|beta)(\/|$)/i.test(path)) {
            let body: unknown;
            if (raw.trim() !== "") {
                try {
                    body = JSON.parse(raw);
                } catch {
                    body = UNREADABLE_BODY;
                }
            }
            const clientRequestId = req.headers["client-request-id"];
            const result = await graph.dispatch({
                method,
                // Beta routes are registered with their /beta prefix, so v1.0 never serves them.
                path: /^\/beta/i.test(path) ? path : path.slice("/v1.0".length) || "/",
                query: url.searchParams,
                body,
                ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
                ...(typeof clientRequestId === "string" ? { clientRequestId } : {}),
            });
            send(res, result.status, result.body, result.headers);
            record(result.status);
            return;
        }

        send(res, 404, graphError("NotFound", `This emulator serves /{tenant}/oauth2/v2.0/token, /{tenant}/v2.0/.well-known/openid-configuration, /common/discovery/instance, /{tenant}/discovery/v2.0/keys and /v1.0/...; nothing at ${path}.`, now()));
        record(404);
    }

    const listener = (req: IncomingMessage, res: ServerResponse): void => {
        handle(req, res).catch((e: unknown) => {
            // An emulator bug must surface as a 500 the test sees, not as a hung request.
            if (!res.headersSent) send(res, 500, graphError("InternalServerError", `Emulator error: ${(e as Error).message}`, now()));
            else res.destroy();
        });
    };
    // node:https's Server extends tls.Server, not http.Server, but offers the same listen/close API and
    // closeAllConnections (Node >= 18.2), which is all the emulator uses.
    const server = parts.tls ? createHttpsServer({ key: parts.tls.key, cert: parts.tls.cert }, listener) as unknown as Server : createServer(listener);
    // The client closes idle connections, never the emulator. With Node's default (the server drops a connection
    // idle for 5 s), a client in the same process whose event loop was blocked longer (a module loaded under load)
    // sent its next request on a connection the server was closing in that very tick: ECONNRESET on a POST, which
    // no client may retry. 0 turns the server's idle timeout off (nodejs.org/api/http.html#serverkeepalivetimeout);
    // close() still ends every connection (closeServer).
    server.keepAliveTimeout = 0;
    return server;
}

export async function listen(server: Server, port: number, scheme: "http" | "https" = "http"): Promise<string> {
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        // Loopback only: the emulator accepts any well-formed credentials it issued and must not be reachable from elsewhere.
        server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    return `${scheme}://127.0.0.1:${address.port}`;
}

export async function closeServer(server: Server): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    server.closeAllConnections();
    await closed;
}
