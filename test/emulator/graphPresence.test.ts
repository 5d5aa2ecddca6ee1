import { strict as assert } from "node:assert";
import { SignJWT } from "jose";
import { generateKeyPairSync } from "node:crypto";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { appToken, graph, signIn, TestClock } from "./support";

/** The two properties the connector reads, from a presence with all of Graph's properties. */
const core = ({ id, availability, activity }: { id: string; availability: string | null; activity: string | null }) => ({ id, availability, activity });

describe("emulator Graph: authentication and errors", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let token: string;

    before(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
        token = await signIn(emulator, emulator.directory.seedPresenceSetup().handoff);
    });

    after(() => emulator.close());

    it("answers 401 InvalidAuthenticationToken in Graph's error shape when no token is sent", async () => {
        const result = await graph(emulator, "GET", "/me/presence", { headers: { "client-request-id": "abc-123" } });
        assert.equal(result.status, 401);
        assert.equal(result.body.error.code, "InvalidAuthenticationToken");
        assert.equal(result.body.error.message, "Access token is empty.");
        assert.deepEqual(Object.keys(result.body.error.innerError).sort(), ["client-request-id", "date", "request-id"]);
        assert.equal(result.body.error.innerError["client-request-id"], "abc-123");
        assert.equal(result.headers.get("client-request-id"), "abc-123");
    });

    it("answers 401 to a malformed token", async () => {
        const result = await graph(emulator, "GET", "/me/presence", { token: "not.a.jwt" });
        assert.equal(result.status, 401);
        assert.equal(result.body.error.code, "InvalidAuthenticationToken");
    });

    it("answers 401 to a token signed by another key", async () => {
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const forged = await new SignJWT({ tid: emulator.tenantId, oid: "x", scp: "Presence.Read.All" })
            .setProtectedHeader({ alg: "RS256" })
            .setIssuer(`https://sts.windows.net/${emulator.tenantId}/`)
            .setAudience("https://graph.microsoft.com")
            .setExpirationTime("1h")
            .sign(privateKey);
        assert.equal((await graph(emulator, "GET", "/me/presence", { token: forged })).status, 401);
    });

    it("answers 401 to a token from another emulator instance", async () => {
        const other = await startEmulator({ now: clock.now });
        try {
            const otherToken = await signIn(other, other.directory.seedPresenceSetup().handoff);
            assert.equal((await graph(emulator, "GET", "/me/presence", { token: otherToken })).status, 401);
        } finally {
            await other.close();
        }
    });

    it("answers 401 'Lifetime validation failed' once the token has expired on the emulator clock", async () => {
        const fresh = await signIn(emulator, emulator.directory.seedPresenceSetup().handoff);
        clock.advance(3600 * 1000);
        const result = await graph(emulator, "GET", "/me/presence", { token: fresh });
        assert.equal(result.status, 401);
        assert.match(result.body.error.message, /Lifetime validation failed/);
        clock.advance(-3600 * 1000);
    });

    it("answers 404 with a Graph error body for a route it does not serve", async () => {
        const result = await graph(emulator, "GET", "/sites/root", { token });
        assert.equal(result.status, 404);
        assert.equal(result.body.error.code, "NotFound");
        const outside = await fetch(`${emulator.url}/beta/me`);
        assert.equal(outside.status, 404);
        assert.equal((await outside.json()).error.code, "NotFound");
    });

    it("answers 400 to a body that is not JSON", async () => {
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: "{not json" });
        assert.equal(result.status, 400);
        assert.equal(result.body.error.code, "BadRequest");
    });
});

describe("emulator Graph: presence", () => {
    let emulator: Emulator;
    let handoff: Handoff;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    before(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({
            agents: [
                { userPrincipalName: "anna@contoso.example", availability: "Available" },
                { userPrincipalName: "ben@contoso.example", availability: "Busy", activity: "InACall" },
            ],
        });
        handoff = seed.handoff;
        emulator.directory.setPresence(seed.serviceUserObjectId, "Away", "Away");
        token = await signIn(emulator, handoff);
    });

    after(() => emulator.close());

    it("returns the signed-in user's presence at GET /me/presence", async () => {
        const result = await graph(emulator, "GET", "/me/presence", { token });
        assert.equal(result.status, 200);
        assert.equal(result.body.id, seed.serviceUserObjectId);
        assert.equal(result.body.availability, "Away");
        assert.equal(result.body.activity, "Away");
        assert.equal(result.body["@odata.context"], `${emulator.url}/v1.0/$metadata#users('${seed.serviceUserObjectId}')/presence/$entity`);
    });

    it("refuses GET /me/presence with 403 Forbidden when scp has no presence permission", async () => {
        const narrow = emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
        const narrowToken = await signIn(emulator, narrow.handoff);
        const result = await graph(emulator, "GET", "/me/presence", { token: narrowToken });
        assert.equal(result.status, 403);
        assert.equal(result.body.error.code, "Forbidden");
    });

    it("allows GET /me/presence with delegated Presence.Read alone", async () => {
        const own = emulator.directory.seedPresenceSetup({ delegatedScopes: ["Presence.Read"] });
        assert.equal((await graph(emulator, "GET", "/me/presence", { token: await signIn(emulator, own.handoff) })).status, 200);
    });

    it("refuses /me with 400 for an app-only token", async () => {
        const result = await graph(emulator, "GET", "/me/presence", { token: await appToken(emulator, ["Presence.Read.All"]) });
        assert.equal(result.status, 400);
    });

    it("returns another user's presence at GET /users/{id}/presence with Presence.Read.All", async () => {
        const result = await graph(emulator, "GET", `/users/${seed.agentObjectIds[1]}/presence`, { token });
        assert.equal(result.status, 200);
        assert.deepEqual([result.body.id, result.body.availability, result.body.activity], [seed.agentObjectIds[1], "Busy", "InACall"]);
    });

    it("refuses GET /users/{id}/presence with 403 when the token has only Presence.Read", async () => {
        const own = emulator.directory.seedPresenceSetup({ delegatedScopes: ["Presence.Read"] });
        const result = await graph(emulator, "GET", `/users/${seed.agentObjectIds[0]}/presence`, { token: await signIn(emulator, own.handoff) });
        assert.equal(result.status, 403);
    });

    it("allows GET /users/{id}/presence with the Presence.Read.All app role", async () => {
        const result = await graph(emulator, "GET", `/users/${seed.agentObjectIds[0]}/presence`, { token: await appToken(emulator, ["Presence.Read.All"]) });
        assert.equal(result.status, 200);
        assert.equal(result.body.availability, "Available");
    });

    it("answers 404 to GET /users/{id}/presence for an unknown object ID or a UPN", async () => {
        assert.equal((await graph(emulator, "GET", "/users/00000000-0000-0000-0000-000000000001/presence", { token })).status, 404);
        assert.equal((await graph(emulator, "GET", "/users/anna@contoso.example/presence", { token })).status, 404);
    });

    it("returns the presences of known IDs from getPresencesByUserId and leaves unknown IDs out", async () => {
        const unknown = "00000000-0000-0000-0000-000000000001";
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [...seed.agentObjectIds, unknown] } });
        assert.equal(result.status, 200);
        assert.deepEqual(result.body.value.map(core), [
            { id: seed.agentObjectIds[0], availability: "Available", activity: "Available" },
            { id: seed.agentObjectIds[1], availability: "Busy", activity: "InACall" },
        ]);
    });

    it("answers every property of Graph's presence entity (msgraph-metadata cleanMetadata.xml, EntityType presence)", async () => {
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [seed.agentObjectIds[1]] } });
        const presence = result.body.value[0];
        assert.deepEqual(Object.keys(presence).sort(), ["activity", "availability", "id", "outOfOfficeSettings", "sequenceNumber", "statusMessage", "workLocation"]);
        assert.deepEqual([presence.statusMessage, presence.outOfOfficeSettings, presence.workLocation],
            [null, { message: null, isOutOfOffice: false }, { workLocationType: "unspecified", source: "none", placeId: null }]);
        const me = await graph(emulator, "GET", "/me/presence", { token });
        assert.ok(["statusMessage", "outOfOfficeSettings", "sequenceNumber", "workLocation"].every((k) => k in me.body), "GET /me/presence has the same shape");
    });

    it("moves sequenceNumber forward when a user's presence changes", async () => {
        const read = async () => (await graph(emulator, "GET", `/users/${seed.agentObjectIds[0]}/presence`, { token })).body.sequenceNumber as string;
        const before = await read();
        emulator.directory.setPresence(seed.agentObjectIds[0], "Away", "Away");
        const after = await read();
        assert.ok(typeof before === "string" && typeof after === "string" && after > before, `${after} must sort after ${before}`);
        emulator.directory.setPresence(seed.agentObjectIds[0], "Available", "Available");
    });

    it("matches object IDs whatever their case and answers each user once", async () => {
        const id = seed.agentObjectIds[0];
        const upper = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [id.toUpperCase()] } });
        assert.deepEqual(upper.body.value.map(core), [{ id, availability: "Available", activity: "Available" }]);
        const both = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [id.toUpperCase(), id] } });
        assert.deepEqual(both.body.value.map(core), [{ id, availability: "Available", activity: "Available" }]);
        const single = await graph(emulator, "GET", `/users/${id.toUpperCase()}/presence`, { token });
        assert.deepEqual([single.status, single.body.id], [200, id]);
    });

    it("accepts 650 IDs in getPresencesByUserId and refuses 651 with 400", async () => {
        const ids = Array.from({ length: 651 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);
        assert.equal((await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: ids.slice(0, 650) } })).status, 200);
        const tooMany = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids } });
        assert.equal(tooMany.status, 400);
        assert.equal(tooMany.body.error.code, "BadRequest");
        assert.match(tooMany.body.error.message, /651/);
    });

    it("refuses getPresencesByUserId with 400 when ids is empty or not an array of strings", async () => {
        assert.equal((await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [] } })).status, 400);
        assert.equal((await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [1] } })).status, 400);
        assert.equal((await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: {} })).status, 400);
    });

    it("refuses getPresencesByUserId with 403 without Presence.Read.All", async () => {
        const own = emulator.directory.seedPresenceSetup({ delegatedScopes: ["Presence.Read", "User.Read"] });
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token: await signIn(emulator, own.handoff), body: { ids: seed.agentObjectIds } });
        assert.equal(result.status, 403);
    });

    it("serves getPresencesByUserId to an app-only token holding the Presence.Read.All role", async () => {
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token: await appToken(emulator, ["Presence.Read.All"]), body: { ids: seed.agentObjectIds } });
        assert.equal(result.status, 200);
        assert.equal(result.body.value.length, 2);
    });
});

describe("emulator Graph: a user without Teams (faults.withoutTeams)", () => {
    // Microsoft documents presence as "only supported for Microsoft Teams users"
    // (learn.microsoft.com/graph/api/resources/presence) and not the answer for anyone else; the emulator plays both.
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    beforeEach(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({ agents: [{ userPrincipalName: "anna@contoso.example", availability: "Busy", activity: "InACall" }] });
        emulator.directory.setPresence(seed.serviceUserObjectId, "Available");
        token = await signIn(emulator, seed.handoff);
    });

    afterEach(() => emulator.close());

    const byId = (ids: string[]) => graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids } });

    it("is off by default: a user's presence is what setPresence said", async () => {
        assert.equal((await graph(emulator, "GET", "/me/presence", { token })).body.availability, "Available");
    });

    it("answers PresenceUnknown for a listed user on every presence route in the PresenceUnknown variant, whatever setPresence said", async () => {
        emulator.faults.withoutTeams.add(seed.handoff.userEmail.toUpperCase());
        const me = await graph(emulator, "GET", "/me/presence", { token });
        assert.deepEqual([me.status, me.body.availability, me.body.activity], [200, "PresenceUnknown", "PresenceUnknown"]);
        const user = await graph(emulator, "GET", `/users/${seed.serviceUserObjectId}/presence`, { token });
        assert.deepEqual([user.status, user.body.availability], [200, "PresenceUnknown"]);
        const both = await byId([seed.serviceUserObjectId, seed.agentObjectIds[0]]);
        assert.deepEqual(both.body.value.map(core), [
            { id: seed.serviceUserObjectId, availability: "PresenceUnknown", activity: "PresenceUnknown" },
            { id: seed.agentObjectIds[0], availability: "Busy", activity: "InACall" },
        ]);
    });

    it("answers 404 NotFound for a listed user in the NotFound variant, and leaves it out when others are asked for too", async () => {
        emulator.faults.withoutTeams.add(seed.serviceUserObjectId);
        emulator.faults.withoutTeamsPresence = "NotFound";
        const me = await graph(emulator, "GET", "/me/presence", { token });
        assert.deepEqual([me.status, me.body.error.code], [404, "NotFound"]);
        assert.equal((await graph(emulator, "GET", `/users/${seed.serviceUserObjectId}/presence`, { token })).status, 404);
        const alone = await byId([seed.serviceUserObjectId]);
        assert.deepEqual([alone.status, alone.body.error.code], [404, "NotFound"]);
        const withAgent = await byId([seed.serviceUserObjectId, seed.agentObjectIds[0]]);
        assert.equal(withAgent.status, 200);
        assert.deepEqual(withAgent.body.value.map((p: { id: string }) => p.id), [seed.agentObjectIds[0]]);
        // An unknown ID alone is still a 200 with an empty value: the 404 belongs to users without Teams.
        assert.deepEqual((await byId(["00000000-0000-0000-0000-000000000001"])).body.value, []);
    });

    it("still refuses a token without Presence.Read.All with 403 before answering 404", async () => {
        emulator.faults.withoutTeamsPresence = "NotFound";
        const narrow = emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
        emulator.faults.withoutTeams.add(narrow.serviceUserObjectId);
        const result = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token: await signIn(emulator, narrow.handoff), body: { ids: [narrow.serviceUserObjectId] } });
        assert.equal(result.status, 403);
    });
});

describe("emulator Graph: presence answered with nulls (faults.nullAvailability, faults.nullActivity)", () => {
    // Graph's metadata declares both properties without Nullable="false", so null is a legal answer
    // (microsoftgraph/msgraph-metadata schemas/v1.0-Prod.csdl, EntityType "presence"; OData CSDL: Nullable defaults to true).
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    beforeEach(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({
            agents: [
                { userPrincipalName: "anna@contoso.example", availability: "Busy", activity: "InACall" },
                { userPrincipalName: "ben@contoso.example", availability: "Away", activity: "Away" },
            ],
        });
        token = await signIn(emulator, seed.handoff);
    });

    afterEach(() => emulator.close());

    it("answers null availability and activity for the listed users only, on every presence route", async () => {
        emulator.faults.nullAvailability.add("ANNA@contoso.example");
        emulator.faults.nullActivity.add(seed.agentObjectIds[0]);
        emulator.faults.nullActivity.add(seed.agentObjectIds[1]);
        const both = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: seed.agentObjectIds } });
        assert.equal(both.status, 200);
        assert.deepEqual(both.body.value.map(core), [
            { id: seed.agentObjectIds[0], availability: null, activity: null },
            { id: seed.agentObjectIds[1], availability: "Away", activity: null },
        ]);
        const one = await graph(emulator, "GET", `/users/${seed.agentObjectIds[0]}/presence`, { token });
        assert.deepEqual([one.status, one.body.availability, one.body.activity], [200, null, null]);
        const me = await graph(emulator, "GET", "/me/presence", { token });
        assert.equal(me.body.availability, "PresenceUnknown", "users not listed answer as before");
    });
});

describe("emulator Graph: user look-up", () => {
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let basicToken: string;
    let userReadOnlyToken: string;

    before(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({
            delegatedScopes: ["User.ReadBasic.All", "Presence.Read.All"],
            agents: [{ userPrincipalName: "anna@contoso.example", availability: "Available" }],
        });
        basicToken = await signIn(emulator, seed.handoff);
        userReadOnlyToken = await signIn(emulator, emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read", "Presence.Read.All"] }).handoff);
    });

    after(() => emulator.close());

    it("resolves a UPN to id, userPrincipalName and displayName with User.ReadBasic.All", async () => {
        const result = await graph(emulator, "GET", "/users/anna@contoso.example", { token: basicToken });
        assert.equal(result.status, 200);
        assert.equal(result.body.id, seed.agentObjectIds[0]);
        assert.equal(result.body.userPrincipalName, "anna@contoso.example");
        assert.equal(result.body.displayName, "anna");
    });

    it("returns only the properties named in $select", async () => {
        const result = await graph(emulator, "GET", "/users/ANNA%40contoso.example?$select=id,userPrincipalName", { token: basicToken });
        assert.equal(result.status, 200);
        const { "@odata.context": _context, ...rest } = result.body;
        assert.deepEqual(rest, { id: seed.agentObjectIds[0], userPrincipalName: "anna@contoso.example" });
    });

    it("answers 404 Request_ResourceNotFound for an unknown user", async () => {
        const result = await graph(emulator, "GET", "/users/ghost@contoso.example", { token: basicToken });
        assert.equal(result.status, 404);
        assert.equal(result.body.error.code, "Request_ResourceNotFound");
    });

    it("refuses another user's record with 403 Authorization_RequestDenied when the token holds only User.Read", async () => {
        const result = await graph(emulator, "GET", "/users/anna@contoso.example", { token: userReadOnlyToken });
        assert.equal(result.status, 403);
        assert.equal(result.body.error.code, "Authorization_RequestDenied");
    });

    it("lets User.Read read the signed-in user itself, by /me or by UPN", async () => {
        assert.equal((await graph(emulator, "GET", "/me", { token: userReadOnlyToken })).status, 200);
        const upn = claimsUpn(userReadOnlyToken);
        assert.equal((await graph(emulator, "GET", `/users/${upn}`, { token: userReadOnlyToken })).body.userPrincipalName, upn);
    });

    it("resolves users for an app-only token holding User.Read.All", async () => {
        const result = await graph(emulator, "GET", "/users/anna@contoso.example?$select=id", { token: await appToken(emulator, ["User.Read.All"]) });
        assert.equal(result.status, 200);
        assert.equal(result.body.id, seed.agentObjectIds[0]);
    });
});

function claimsUpn(token: string): string {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).upn;
}

describe("emulator Graph: $batch", () => {
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    before(async () => {
        emulator = await startEmulator();
        seed = emulator.directory.seedPresenceSetup({
            delegatedScopes: ["User.ReadBasic.All", "Presence.Read.All"],
            agents: [
                { userPrincipalName: "anna@contoso.example", availability: "Available" },
                { userPrincipalName: "ben@contoso.example", availability: "Busy" },
            ],
        });
        token = await signIn(emulator, seed.handoff);
    });

    after(() => emulator.close());

    it("dispatches each step through the same routes and returns one response per id", async () => {
        const result = await graph(emulator, "POST", "/$batch", {
            token,
            body: {
                requests: [
                    { id: "1", method: "GET", url: "/users/anna@contoso.example?$select=id" },
                    { id: "2", method: "GET", url: "users/ghost@contoso.example?$select=id" },
                    { id: "3", method: "POST", url: "/communications/getPresencesByUserId", headers: { "Content-Type": "application/json" }, body: { ids: [seed.agentObjectIds[1]] } },
                ],
            },
        });
        assert.equal(result.status, 200);
        const byId = new Map(result.body.responses.map((r: { id: string }) => [r.id, r]));
        const one = byId.get("1") as { status: number; body: { id: string }; headers: Record<string, string> };
        assert.equal(one.status, 200);
        assert.equal(one.body.id, seed.agentObjectIds[0]);
        assert.equal(one.headers["Content-Type"], "application/json");
        assert.equal((byId.get("2") as { status: number }).status, 404);
        assert.equal((byId.get("3") as { body: { value: { availability: string }[] } }).body.value[0].availability, "Busy");
    });

    it("logs each step as its own request, marked inBatch", async () => {
        const before = emulator.requests.length;
        await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ id: "a", method: "GET", url: "/users/ben@contoso.example" }] } });
        const added = emulator.requests.slice(before);
        assert.deepEqual(added.map((r) => [r.method, r.path, r.status, r.inBatch ?? false]), [
            ["GET", "/v1.0/users/ben@contoso.example", 200, true],
            ["POST", "/v1.0/$batch", 200, false],
        ]);
    });

    it("accepts 20 steps and refuses 21 with 400", async () => {
        const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: "GET", url: "/users/anna@contoso.example?$select=id" }));
        const twenty = await graph(emulator, "POST", "/$batch", { token, body: { requests: steps(20) } });
        assert.equal(twenty.status, 200);
        assert.equal(twenty.body.responses.length, 20);
        const tooMany = await graph(emulator, "POST", "/$batch", { token, body: { requests: steps(21) } });
        assert.equal(tooMany.status, 400);
        assert.match(tooMany.body.error.message, /maximum of 20/);
    });

    it("refuses a batch with duplicate step ids or absolute URLs with 400", async () => {
        const dup = await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ id: "1", method: "GET", url: "/me" }, { id: "1", method: "GET", url: "/me" }] } });
        assert.equal(dup.status, 400);
        const absolute = await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ id: "1", method: "GET", url: "https://graph.microsoft.com/v1.0/me" }] } });
        assert.equal(absolute.status, 400);
    });

    // microsoft-graph-docs-contrib concepts/json-batching.md: an id is "Not case-sensitive. Must be unique in the
    // batch"; "When a body is included with the request, the headers object must contain a value for Content-Type".
    it("treats step ids as not case-sensitive: 'a' and 'A' in one batch are a duplicate (400)", async () => {
        const dup = await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ id: "a", method: "GET", url: "/me" }, { id: "A", method: "GET", url: "/me" }] } });
        assert.deepEqual([dup.status, dup.body.error.code], [400, "BadRequest"]);
        assert.match(dup.body.error.message, /'A' is used more than once/);
    });

    it("refuses a step with a body but no Content-Type header with 400, and runs it once the header is there (any case)", async () => {
        const step = { id: "1", method: "POST", url: "/communications/getPresencesByUserId", body: { ids: [seed.agentObjectIds[0]] } };
        const bare = await graph(emulator, "POST", "/$batch", { token, body: { requests: [step] } });
        assert.deepEqual([bare.status, bare.body.error.code], [400, "BadRequest"]);
        assert.match(bare.body.error.message, /'1' has a body but no Content-Type header/);
        const typed = await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ ...step, headers: { "content-type": "application/json" } }] } });
        assert.equal(typed.status, 200);
        assert.deepEqual([typed.body.responses[0].status, typed.body.responses[0].body.value[0].availability], [200, "Available"]);
    });

    it("answers 401 to a batch without a token", async () => {
        assert.equal((await graph(emulator, "POST", "/$batch", { body: { requests: [{ id: "1", method: "GET", url: "/me" }] } })).status, 401);
    });
});

describe("emulator Graph: faults", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let token: string;

    beforeEach(async () => {
        clock = new TestClock();
        emulator = await startEmulator({ now: clock.now });
        seed = emulator.directory.seedPresenceSetup({ agents: [{ userPrincipalName: "anna@contoso.example", availability: "Available" }] });
        token = await signIn(emulator, seed.handoff);
    });

    afterEach(() => emulator.close());

    it("throttles every n-th Graph request with 429 and a Retry-After header", async () => {
        emulator.faults.throttleEvery = 3;
        emulator.faults.retryAfterSeconds = 7;
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i < 6; i++) {
            const result = await graph(emulator, "GET", "/me/presence", { token });
            statuses.push(result.status);
            if (result.status === 429) {
                retryAfter = result.headers.get("retry-after");
                assert.equal(result.body.error.code, "TooManyRequests");
            }
        }
        assert.deepEqual(statuses, [200, 200, 429, 200, 200, 429]);
        assert.equal(retryAfter, "7");
    });

    it("never throttles the token endpoint", async () => {
        emulator.faults.throttleEvery = 1;
        assert.equal(typeof (await signIn(emulator, seed.handoff)), "string");
        assert.equal((await graph(emulator, "GET", "/me/presence", { token })).status, 429);
    });

    it("throttles batch steps individually, not the envelope", async () => {
        emulator.faults.throttleEvery = 2;
        const result = await graph(emulator, "POST", "/$batch", {
            token,
            body: { requests: [1, 2, 3, 4].map((i) => ({ id: String(i), method: "GET", url: "/me/presence" })) },
        });
        assert.equal(result.status, 200);
        assert.deepEqual(result.body.responses.map((r: { status: number }) => r.status), [200, 429, 200, 429]);
        assert.equal(result.body.responses[1].headers["Retry-After"], "1");
    });

    it("fails every n-th request, token endpoint included, with 503", async () => {
        emulator.faults.serverErrorEvery = 2;
        const first = await graph(emulator, "GET", "/me/presence", { token });
        const second = await graph(emulator, "GET", "/me/presence", { token });
        assert.deepEqual([first.status, second.status], [200, 503]);
        assert.equal(second.body.error.code, "serviceNotAvailable");
        const tokenOk = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, { method: "POST", body: "" });
        await tokenOk.text();
        const tokenFail = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, { method: "POST", body: "" });
        assert.equal(tokenFail.status, 503);
        assert.deepEqual((await tokenFail.json()).error_codes, [90033]);
    });

    it("adds the configured latency to each request", async () => {
        emulator.faults.latencyMs = 60;
        const started = Date.now();
        assert.equal((await graph(emulator, "GET", "/me/presence", { token })).status, 200);
        assert.ok(Date.now() - started >= 55, `took ${Date.now() - started} ms`);
    });

    it("hides users from Graph until they have replicated", async () => {
        const appOnly = await appToken(emulator, ["User.Read.All"]);
        emulator.faults.replicationDelayMs = 20_000;
        const late = emulator.directory.createUser({ userPrincipalName: "late@contoso.example", displayName: "Late", password: "Late-Passw0rd-1" });
        clock.advance(20_000);
        const freshUser = emulator.directory.createUser({ userPrincipalName: "later@contoso.example", displayName: "Later", password: "Late-Passw0rd-1" });
        assert.equal((await graph(emulator, "GET", `/users/${late.id}`, { token: appOnly })).status, 200);
        assert.equal((await graph(emulator, "GET", `/users/${freshUser.id}`, { token: appOnly })).status, 404);
        const presences = await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: [late.id, freshUser.id] } });
        assert.deepEqual(presences.body.value.map((p: { id: string }) => p.id), [late.id]);
    });
});
