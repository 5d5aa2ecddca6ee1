// Conformance with Microsoft's Graph SDK (@microsoft/microsoft-graph-client) as an application uses it:
// Client.init with an auth provider that asks MSAL for the token, its default middleware chain
// (AuthenticationHandler, RetryHandler, RedirectHandler, TelemetryHandler, HTTPMessageHandler), in the
// client process that trusts the HTTPS emulator's CA. Over https the SDK's own AuthenticationHandler
// sends the token to a host listed in customHosts (src/GraphRequestUtil.ts isCustomHost), which it
// never does over plain http (test/emulator/graphClientCompatibility.test.ts).
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { RealClients } from "./support";

const SCOPES = ["User.Read", "Presence.Read.All"];

interface GraphAnswer { ok: boolean; body?: Record<string, unknown>; statusCode?: number; code?: string; elapsedMs: number }
interface BatchAnswer { id: string; status: number; retryAfter: string | null; body?: Record<string, unknown> }

describe("conformance: @microsoft/microsoft-graph-client against the HTTPS emulator", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let clients: RealClients;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;

    before(async () => {
        emulator = await startEmulator({ https: true });
        seed = emulator.directory.seedPresenceSetup({
            agents: [
                { userPrincipalName: "anna@contoso.example", availability: "Busy", activity: "InACall" },
                { userPrincipalName: "ben@contoso.example", availability: "Away", activity: "BeRightBack" },
            ],
        });
        emulator.directory.setPresence(seed.serviceUserObjectId, "Available", "Available");
        clients = await RealClients.start(emulator.caFile as string);
        await clients.call({
            op: "configure", name: "connector",
            config: {
                clientId: seed.handoff.applicationClientId, clientSecret: seed.handoff.secretValue,
                authority: `${emulator.url}/${emulator.tenantId}`, knownAuthorities: [new URL(emulator.url).host],
            },
        });
        await clients.call({ op: "ropc", app: "connector", scopes: SCOPES, username: seed.handoff.userEmail, password: seed.handoff.userPassword });
    });

    after(async () => {
        await clients?.stop();
        await emulator?.close();
    });

    afterEach(() => {
        emulator.faults.throttleEvery = 0;
    });

    function graph(method: "GET" | "POST", path: string, body?: unknown): Promise<GraphAnswer> {
        return clients.call<GraphAnswer>({ op: "graph", app: "connector", scopes: SCOPES, baseUrl: emulator.url, method, path, ...(body !== undefined ? { body } : {}) });
    }

    it("reads /me/presence with the token MSAL hands the SDK's own AuthenticationHandler", async () => {
        const answer = await graph("GET", "/me/presence");
        assert.equal(answer.ok, true);
        assert.equal(answer.body?.id, seed.serviceUserObjectId);
        assert.equal(answer.body?.availability, "Available");
        assert.equal(answer.body?.activity, "Available");
    });

    it("reads many users' presence with POST /communications/getPresencesByUserId", async () => {
        const answer = await graph("POST", "/communications/getPresencesByUserId", { ids: seed.agentObjectIds });
        assert.equal(answer.ok, true);
        const value = answer.body?.value as { id: string; availability: string; activity: string }[];
        assert.deepEqual(value.map((p) => [p.id, p.availability, p.activity]), [
            [seed.agentObjectIds[0], "Busy", "InACall"],
            [seed.agentObjectIds[1], "Away", "BeRightBack"],
        ]);
    });

    it("runs a $batch built with BatchRequestContent and read with BatchResponseContent", async () => {
        const steps = seed.agentObjectIds.map((id, i) => ({ id: `agent${i}`, method: "GET", url: `/users/${id}/presence` }));
        const answers = await clients.call<BatchAnswer[]>({ op: "batch", app: "connector", scopes: SCOPES, baseUrl: emulator.url, steps });
        assert.deepEqual(answers.map((a) => [a.id, a.status, a.body?.availability]), [["agent0", 200, "Busy"], ["agent1", 200, "Away"]]);
    });

    it("retries a 429 in the SDK's RetryHandler after the Retry-After seconds, then succeeds", async () => {
        // Without Retry-After the SDK would wait its default 3 s plus up to 1 s of jitter
        // (RetryHandlerOptions.DEFAULT_DELAY); waiting 5 s shows it read the header.
        emulator.faults.retryAfterSeconds = 5;
        // "Every n-th" counts from the switch: request 1 passes, request 2 (the one under test) gets 429,
        // the SDK's retry is request 3.
        emulator.faults.throttleEvery = 2;
        assert.equal((await graph("GET", "/me")).ok, true);
        const before = emulator.requests.length;
        const answer = await graph("GET", "/me/presence");
        assert.equal(answer.ok, true);
        const attempts = emulator.requests.slice(before).filter((r) => r.path === "/v1.0/me/presence");
        assert.deepEqual(attempts.map((r) => r.status), [429, 200]);
        const waited = attempts[1].at.getTime() - attempts[0].at.getTime();
        assert.ok(waited >= 5000, `the SDK waited ${waited} ms, less than Retry-After`);
    });

    it("gives up after the SDK's three retries when every request is throttled, surfacing 429 TooManyRequests", async () => {
        emulator.faults.retryAfterSeconds = 0;
        emulator.faults.throttleEvery = 1;
        const before = emulator.requests.length;
        const answer = await graph("GET", "/me/presence");
        assert.equal(answer.ok, false);
        assert.equal(answer.statusCode, 429);
        assert.equal(answer.code, "TooManyRequests");
        // RetryHandlerOptions.DEFAULT_MAX_RETRIES is 3: one request and three retries.
        assert.equal(emulator.requests.slice(before).filter((r) => r.path === "/v1.0/me/presence").length, 4);
    });

    it("hands a throttled $batch step back with 429 and Retry-After, as Graph does, for the caller to retry", async () => {
        emulator.faults.retryAfterSeconds = 7;
        emulator.faults.throttleEvery = 2;
        const steps = seed.agentObjectIds.map((id, i) => ({ id: `agent${i}`, method: "GET", url: `/users/${id}/presence` }));
        const answers = await clients.call<BatchAnswer[]>({ op: "batch", app: "connector", scopes: SCOPES, baseUrl: emulator.url, steps });
        assert.deepEqual(answers.map((a) => [a.status, a.retryAfter]), [[200, null], [429, "7"]]);
    });
});
