// Proves the real @microsoft/microsoft-graph-client parses what the emulator sends, and pins a quirk
// of that library that anyone pointing it at the emulator must know about.
import { strict as assert } from "node:assert";
import {
    BatchRequestContent, BatchResponseContent, Client, GraphError, HTTPMessageHandler, type Context, type Middleware,
} from "@microsoft/microsoft-graph-client";
import { startEmulator, type Emulator } from "../../emulator/index";
import { signIn } from "./support";

/** Adds the bearer token to every request, whatever the host; the library's own handler will not over http. */
class BearerToEveryHost implements Middleware {
    private next?: Middleware;
    constructor(private readonly token: string) {}
    async execute(context: Context): Promise<void> {
        context.options = context.options ?? {};
        context.options.headers = { ...(context.options.headers as Record<string, string>), Authorization: `Bearer ${this.token}` };
        if (!this.next) throw new Error("BearerToEveryHost must not be the last middleware");
        await this.next.execute(context);
    }
    setNext(next: Middleware): void {
        this.next = next;
    }
}

function clientFor(emulator: Emulator, token: string): Client {
    const bearer = new BearerToEveryHost(token);
    bearer.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({ middleware: bearer, baseUrl: emulator.url, defaultVersion: "v1.0" });
}

describe("emulator responses through @microsoft/microsoft-graph-client", () => {
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    before(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({
            delegatedScopes: ["User.Read", "Presence.Read.All", "User.ReadBasic.All"],
            agents: [
                { userPrincipalName: "anna@contoso.example", availability: "DoNotDisturb", activity: "Presenting" },
                { userPrincipalName: "ben@contoso.example", availability: "Offline", activity: "OffWork" },
            ],
        });
        emulator.directory.setPresence(seed.serviceUserObjectId, "Available");
        token = await signIn(emulator, seed.handoff);
    });

    after(() => emulator.close());

    it("sends no bearer token to an http:// emulator even with customHosts, so Graph answers 401", async () => {
        // GraphRequestUtil.isValidEndpoint only recognises https:// URLs, so customHosts cannot help over
        // loopback http: the AuthenticationHandler skips the provider and strips any Authorization header.
        const host = new URL(emulator.url).host;
        for (const customHost of [host, new URL(emulator.url).hostname]) {
            let asked = 0;
            const client = Client.init({
                authProvider: (done) => {
                    asked++;
                    done(null, token);
                },
                baseUrl: emulator.url,
                defaultVersion: "v1.0",
                customHosts: new Set([customHost]),
            });
            await assert.rejects(client.api("/me/presence").get(), (e: unknown) => {
                assert.ok(e instanceof GraphError);
                assert.equal(e.statusCode, 401);
                assert.equal(e.code, "InvalidAuthenticationToken");
                return true;
            });
            assert.equal(asked, 0, "the auth provider is never consulted for a non-https host");
        }
    });

    it("parses GET /me/presence", async () => {
        const presence = await clientFor(emulator, token).api("/me/presence").get();
        assert.equal(presence.id, seed.serviceUserObjectId);
        assert.equal(presence.availability, "Available");
        assert.equal(presence.activity, "Available");
    });

    it("parses POST /communications/getPresencesByUserId", async () => {
        const result = await clientFor(emulator, token).api("/communications/getPresencesByUserId").post({ ids: seed.agentObjectIds });
        assert.deepEqual(result.value.map((p: { availability: string; activity: string }) => [p.availability, p.activity]), [
            ["DoNotDisturb", "Presenting"],
            ["Offline", "OffWork"],
        ]);
    });

    it("surfaces a 403 as a GraphError with statusCode 403 and Graph's error code", async () => {
        const narrow = emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
        const narrowToken = await signIn(emulator, narrow.handoff);
        await assert.rejects(clientFor(emulator, narrowToken).api("/communications/getPresencesByUserId").post({ ids: seed.agentObjectIds }), (e: unknown) => {
            assert.ok(e instanceof GraphError);
            assert.equal(e.statusCode, 403);
            assert.equal(e.code, "Forbidden");
            assert.match(e.message, /Presence\.Read\.All/);
            assert.ok(e.requestId, "innerError request-id reaches GraphError.requestId");
            return true;
        });
    });

    it("parses a $batch built and read with the library's BatchRequestContent and BatchResponseContent", async () => {
        const content = new BatchRequestContent([
            { id: "anna", request: new Request(`${emulator.url}/v1.0/users/anna@contoso.example?$select=id`, { method: "GET" }) },
            { id: "ghost", request: new Request(`${emulator.url}/v1.0/users/ghost@contoso.example?$select=id`, { method: "GET" }) },
        ]);
        const raw = await clientFor(emulator, token).api("/$batch").post(await content.getContent());
        const responses = new BatchResponseContent(raw);
        const anna = responses.getResponseById("anna");
        assert.equal(anna.status, 200);
        assert.equal((await anna.json()).id, seed.agentObjectIds[0]);
        assert.equal(responses.getResponseById("ghost").status, 404);
    });
});
