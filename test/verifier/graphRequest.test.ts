// One Graph request as the connector makes it (verifier/graph.ts): the bearer token goes to the Graph origin only,
// whatever shape the request's headers take; the request's own headers travel with it; a Graph that does not answer
// in time is reported as "no response" and leaves nothing running; a failure that is not the network's is not
// passed off as one. The Headers-object branch mirrors @microsoft/microsoft-graph-client's Context.options
// (RequestInit, whose headers may be a Headers instance: lib/src/IContext.d.ts).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { createGraphClient, graphAttempt, GraphOriginAuthenticationHandler, type GraphRequestSpec } from "../../verifier/graph";

const GRAPH = "https://graph.example";
const SPEC: GraphRequestSpec = { method: "GET", path: "/me/presence", where: "Graph GET /me/presence", stage: "presence" };

/** The handler with a next step that records what it was given. */
function chain(token = "deployer-token"): { handler: GraphOriginAuthenticationHandler; seen: Context[] } {
    const seen: Context[] = [];
    const handler = new GraphOriginAuthenticationHandler(GRAPH, { getAccessToken: () => Promise.resolve(token) });
    const next: Middleware = { execute: (context) => { seen.push(context); return Promise.resolve(); } };
    handler.setNext(next);
    return { handler, seen };
}

function headerOf(context: Context, name: string): string | null | undefined {
    const headers = context.options?.headers;
    return headers instanceof Headers ? headers.get(name) : (headers as Record<string, string> | undefined)?.[name];
}

describe("a Graph request: where the bearer token goes", () => {
    it("attaches the bearer token to a Graph-origin request whose headers are a Headers object, keeping its other headers", async () => {
        const { handler, seen } = chain();
        await handler.execute({ request: `${GRAPH}/v1.0/me/presence`, options: { headers: new Headers({ "Content-Type": "application/json" }) } });
        assert.equal(headerOf(seen[0], "Authorization"), "Bearer deployer-token");
        assert.equal(headerOf(seen[0], "Content-Type"), "application/json");
        assert.equal(seen[0].options?.redirect, "manual");
    });

    it("removes any Authorization header from a request to another origin, whether its headers are a Headers object or a record", async () => {
        const { handler, seen } = chain();
        await handler.execute({ request: "https://elsewhere.example/v1.0/me", options: { headers: new Headers({ Authorization: "Bearer stale", Accept: "application/json" }) } });
        await handler.execute({ request: "https://elsewhere.example/v1.0/me", options: { headers: { Authorization: "Bearer stale", Accept: "application/json" } } });
        for (const context of seen) {
            assert.equal(headerOf(context, "Authorization") ?? undefined, undefined);
            assert.equal(headerOf(context, "Accept"), "application/json");
        }
    });

    it("keeps the request's own headers (a POST body's Content-Type) next to the token when they come as a record", async () => {
        const { handler, seen } = chain();
        await handler.execute({ request: `${GRAPH}/v1.0/users/getByIds`, options: { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer stale" } } });
        assert.deepEqual(seen[0].options?.headers, { "Content-Type": "application/json", Authorization: "Bearer deployer-token" });
    });

    it("says which handler is missing its next step when the chain is built without one", async () => {
        const handler = new GraphOriginAuthenticationHandler(GRAPH, { getAccessToken: () => Promise.resolve("t") });
        await assert.rejects(handler.execute({ request: `${GRAPH}/v1.0/me`, options: {} }), { message: "GraphOriginAuthenticationHandler has no next middleware" });
    });
});

describe("a Graph request: time and failures", () => {
    let server: Server;
    let url = "";
    let delayMs = 0;
    before(async () => {
        server = createServer((_req, res) => {
            setTimeout(() => { res.writeHead(200, { "Content-Type": "application/json" }); res.end(JSON.stringify({ availability: "Available" })); }, delayMs);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

    it("reports no response (timeout, transient) when Graph has not answered within the request's time, without waiting for it", async () => {
        delayMs = 1_500;
        const started = Date.now();
        const outcome = await graphAttempt(createGraphClient(url, { getAccessToken: () => Promise.resolve("t") }), SPEC, 100, Date.now);
        assert.deepEqual(outcome, { ok: false, diagnosis: { code: "timeout", transient: true, noResponse: true, message: "Graph GET /me/presence: no response arrived before the timeout." } });
        assert.ok(Date.now() - started < 1_000, `waited ${Date.now() - started} ms for a request allowed 100 ms`);
    });

    it("leaves no timer running once Graph has answered, so a finished verification does not hold the process open", async () => {
        delayMs = 0;
        const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
        const client = createGraphClient(url, { getAccessToken: () => Promise.resolve("t") });
        await graphAttempt(client, SPEC, 60_000, Date.now); // warm up the connection pool's own timers
        const before = timers();
        const outcome = await graphAttempt(client, SPEC, 60_000, Date.now);
        assert.deepEqual(outcome, { ok: true, value: { availability: "Available" } });
        // At most as many: a timer another test left behind may expire meanwhile, but this request must add none.
        assert.ok(timers() <= before, `${timers() - before} timer(s) left running after the request returned`);
    });

    it("lets a failure that is not the network's (no token to send) surface as itself, not as a network error to retry", async () => {
        delayMs = 0;
        const client = createGraphClient(url, { getAccessToken: () => Promise.reject(new Error("the token provider failed")) });
        await assert.rejects(graphAttempt(client, SPEC, 5_000, Date.now), { message: "the token provider failed" });
    });
});
