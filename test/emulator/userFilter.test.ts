// GET /users?$filter=userPrincipalName in (...): how the verifier resolves agents by sign-in name, with the
// limit Graph enforces on `in` (known issues, query parameters; microsoft-graph-docs-contrib#1238).
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { MAX_IN_FILTER_VALUES } from "../../emulator/routes/users";
import { graph, signIn } from "./support";

function inFilter(values: readonly string[]): string {
    const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",");
    return `/users?$filter=${encodeURIComponent(`userPrincipalName in (${list})`)}&$select=id,userPrincipalName`;
}

describe("emulator Graph: users by $filter=userPrincipalName in (...)", () => {
    let emulator: Emulator;
    let token: string;
    let ids: Map<string, string>;

    before(async () => {
        emulator = await startEmulator();
        const agents = Array.from({ length: 20 }, (_, i) => ({ userPrincipalName: `agent${i}@contoso.example`, availability: "Available" as const }));
        agents.push({ userPrincipalName: "o'neil@contoso.example", availability: "Available" });
        const seed = emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.ReadBasic.All", "Presence.Read.All"], agents });
        ids = new Map(agents.map((a, i) => [a.userPrincipalName, seed.agentObjectIds[i]]));
        token = await signIn(emulator, seed.handoff);
    });

    after(() => emulator.close());

    it("returns the users named, matching case-insensitively and leaving unknown names out", async () => {
        const result = await graph(emulator, "GET", inFilter(["AGENT1@contoso.example", "agent2@contoso.example", "ghost@contoso.example"]), { token });
        assert.equal(result.status, 200);
        const found = (result.body.value as { id: string; userPrincipalName: string }[]).sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName));
        assert.deepEqual(found, [
            { id: ids.get("agent1@contoso.example"), userPrincipalName: "agent1@contoso.example" },
            { id: ids.get("agent2@contoso.example"), userPrincipalName: "agent2@contoso.example" },
        ]);
    });

    it("reads a quote doubled inside a value as one quote", async () => {
        const result = await graph(emulator, "GET", inFilter(["o'neil@contoso.example"]), { token });
        assert.equal(result.status, 200);
        assert.deepEqual(result.body.value.map((u: { id: string }) => u.id), [ids.get("o'neil@contoso.example")]);
    });

    it(`accepts ${MAX_IN_FILTER_VALUES} values and refuses ${MAX_IN_FILTER_VALUES + 1} with Graph's 400 Request_UnsupportedQuery`, async () => {
        const names = Array.from({ length: 16 }, (_, i) => `agent${i}@contoso.example`);
        const fifteen = await graph(emulator, "GET", inFilter(names.slice(0, 15)), { token });
        assert.equal(fifteen.status, 200);
        assert.equal(fifteen.body.value.length, 15);
        const sixteen = await graph(emulator, "GET", inFilter(names), { token });
        assert.equal(sixteen.status, 400);
        assert.equal(sixteen.body.error.code, "Request_UnsupportedQuery");
        assert.equal(sixteen.body.error.message, "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.");
    });

    it("serves the filter as a $batch step, each step answered on its own", async () => {
        const result = await graph(emulator, "POST", "/$batch", {
            token,
            body: { requests: [
                { id: "1", method: "GET", url: inFilter(["agent3@contoso.example", "agent4@contoso.example"]) },
                { id: "2", method: "GET", url: inFilter(Array.from({ length: 16 }, (_, i) => `agent${i}@contoso.example`)) },
            ] },
        });
        assert.equal(result.status, 200);
        const [first, second] = result.body.responses;
        assert.equal(first.status, 200);
        assert.equal(first.body.value.length, 2);
        assert.equal(second.status, 400);
        assert.equal(second.body.error.code, "Request_UnsupportedQuery");
    });

    it("refuses a malformed list with 400 BadRequest", async () => {
        for (const filter of ["userPrincipalName in ()", "userPrincipalName in ('a@x',)", "userPrincipalName in (a@x)"]) {
            const result = await graph(emulator, "GET", `/users?$filter=${encodeURIComponent(filter)}`, { token });
            assert.equal(result.status, 400, filter);
            assert.equal(result.body.error.code, "BadRequest", filter);
        }
    });

    it("refuses the look-up with 403 Authorization_RequestDenied without a user-read permission", async () => {
        const own = emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read", "Presence.Read.All"] });
        const result = await graph(emulator, "GET", inFilter(["agent1@contoso.example"]), { token: await signIn(emulator, own.handoff) });
        assert.equal(result.status, 403);
        assert.equal(result.body.error.code, "Authorization_RequestDenied");
    });
});
