// A few lines of node:http standing in for the token endpoint and Graph, for cases the emulator does not
// play (opaque tokens, odd status codes, unknown AADSTS numbers, servers that echo secrets).
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { UnsecuredJWT } from "jose";

export interface FakeRequest {
    method: string;
    path: string;
    headers: IncomingMessage["headers"];
    body: string;
}

export interface FakeResponse {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
}

export interface FakeTenant {
    url: string;
    requests: FakeRequest[];
    close(): Promise<void>;
}

export interface FakeOptions {
    /** Address to listen on; 127.0.0.1 by default. */
    host?: string;
    /** Serve https with this certificate and key (PEM) instead of http. */
    tls?: { cert: string; key: string };
}

export async function startFake(handler: (request: FakeRequest, index: number) => FakeResponse, options: FakeOptions = {}): Promise<FakeTenant> {
    const requests: FakeRequest[] = [];
    const listener: RequestListener = (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const request = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            requests.push(request);
            const answer = handler(request, requests.length - 1);
            const text = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status, { "Content-Type": typeof answer.body === "string" ? "text/plain" : "application/json", ...answer.headers });
            res.end(text);
        });
    };
    const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `${options.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

export function tokenBody(scp = "User.Read Presence.Read.All"): FakeResponse {
    return { status: 200, body: { token_type: "Bearer", expires_in: 3599, access_token: new UnsecuredJWT({ scp }).encode() } };
}

export function aadError(code: number, status = 400, extra: Record<string, unknown> = {}): FakeResponse {
    return { status, body: { error: "invalid_grant", error_description: `AADSTS${code}: text`, error_codes: [code], ...extra } };
}
