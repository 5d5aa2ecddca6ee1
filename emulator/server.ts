// The loopback HTTP server: applies the request-wide faults (latency, 503), routes to the token
// endpoint or Graph, and writes the request log. The log is built from method, path, status and a few
// named form fields only, never from bodies or headers, so no secret can reach it.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FaultCounters } from "./faults";
import { UNREADABLE_BODY, type GraphApi } from "./graph";
import type { TokenService } from "./tokens";
import type { Faults, LoggedRequest } from "./types";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i;
const KEYS_PATH = /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys\/?$/i;

export interface ServerParts {
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

function aadServiceError(now: Date): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = now.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    return {
        error: "temporarily_unavailable",
        error_description: `AADSTS90033: A transient error has occurred. Please try again. Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [90033],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: "https://login.microsoftonline.com/error?code=90033",
    };
}

function graphError(code: string, message: string, now: Date): Record<string, unknown> {
    const requestId = randomUUID();
    return { error: { code, message, innerError: { date: now.toISOString().replace(/\.\d+Z$/, ""), "request-id": requestId, "client-request-id": requestId } } };
}

export function createEmulatorServer(parts: ServerParts): Server {
    const { tokens, graph, faults, counters, now, log } = parts;

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
        if (counters.nextRequestFails()) {
            if (tokenMatch) send(res, 503, aadServiceError(now()));
            else send(res, 503, graphError("serviceNotAvailable", "The service is temporarily unavailable. Please retry.", now()), { "Retry-After": "1" });
            record(503, tokenMatch ? { aadsts: 90033 } : {});
            return;
        }

        if (tokenMatch) {
            if (method !== "POST") {
                send(res, 405, { error: "invalid_request", error_description: "AADSTS900561: The endpoint only accepts POST requests.", error_codes: [900561] });
                record(405, { aadsts: 900561 });
                return;
            }
            const result = await tokens.handle(decodeURIComponent(tokenMatch[1]), new URLSearchParams(raw));
            send(res, result.status, result.body, { Pragma: "no-cache" });
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

        send(res, 404, graphError("NotFound", `This emulator serves /{tenant}/oauth2/v2.0/token and /v1.0/...; nothing at ${path}.`, now()));
        record(404);
    }

    return createServer((req, res) => {
        handle(req, res).catch((e: unknown) => {
            // An emulator bug must surface as a 500 the test sees, not as a hung request.
            if (!res.headersSent) send(res, 500, graphError("InternalServerError", `Emulator error: ${(e as Error).message}`, now()));
            else res.destroy();
        });
    });
}

export async function listen(server: Server, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        // Loopback only: the emulator accepts any well-formed credentials it issued and must not be reachable from elsewhere.
        server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
}

export async function closeServer(server: Server): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    server.closeAllConnections();
    await closed;
}
