import assert from "node:assert/strict";
import type { Availability } from "../../emulator/index";
import { verifyPresenceAccess } from "../../verifier/index";
import { classifyAgents, rosterRequests } from "../../verifier/roster";
import { assertNoSecrets, startTenant, type Tenant } from "./support";

const WITH_LOOKUP = ["User.Read", "Presence.Read.All", "User.ReadBasic.All"];

describe("agent roster check", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    function agents(count: number, availability: Availability = "Available"): { userPrincipalName: string; availability: Availability }[] {
        return Array.from({ length: count }, (_, i) => ({ userPrincipalName: `agent${i}@contoso.example`, availability }));
    }

    function requestsTo(path: string): number {
        return tenant.emulator.requests.filter((r) => r.path === path && !(r as { inBatch?: boolean }).inBatch).length;
    }

    it("resolves sign-in names and object IDs, and lists unresolved agents and those with PresenceUnknown", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({
            delegatedScopes: WITH_LOOKUP,
            agents: [
                { userPrincipalName: "ann@contoso.example", availability: "Available" },
                { userPrincipalName: "bob@contoso.example", availability: "Busy", activity: "InACall" },
                { userPrincipalName: "cy@contoso.example", availability: "PresenceUnknown" },
            ],
        });
        const [, bobId] = seed.agentObjectIds;
        const missingId = "00000000-1111-2222-3333-444444444444";
        const report = await verifyPresenceAccess(
            seed.handoff,
            tenant.options({ agents: ["ann@contoso.example", bobId.toUpperCase(), "cy@contoso.example", "nobody@contoso.example", missingId, "ANN@contoso.example"] }),
        );
        assert.equal(report.ok, true, report.message);
        assert.deepEqual(report.agents, {
            requested: 5,
            resolved: 3,
            unresolved: ["nobody@contoso.example", missingId],
            presenceUnknown: ["cy@contoso.example"],
            presenceNull: [],
            userLookupForbidden: false,
            availability: { Available: 1, Busy: 1, PresenceUnknown: 1 },
        });
        assert.match(report.message, /2 unresolved/);
        assertNoSecrets(JSON.stringify(report), seed.handoff);
    });

    it("resolves 300 sign-in names per $batch request: 20 steps, each a userPrincipalName in (...) filter of at most 15 names", async () => {
        const roster = agents(620);
        const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: WITH_LOOKUP, agents: roster });
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: roster.map((a) => a.userPrincipalName) }));
        assert.equal(report.ok, true, report.message);
        assert.equal(report.agents?.resolved, 620);
        assert.equal(requestsTo("/v1.0/$batch"), 3);
        const steps = tenant.emulator.requests.filter((r) => r.inBatch);
        // 20 + 20 + 2 filter steps, every one answered 200: a step over 15 names would get 400 and fall back to single look-ups
        assert.deepEqual(steps.map((r) => `${r.path} ${r.status}`), Array.from({ length: 42 }, () => "/v1.0/users 200"));
    });

    for (const count of [1, 15, 16, 300, 301, 650, 651, 1000]) {
        it(`makes ceil(N/300) + ceil(N/650) + 1 Graph requests for N = ${count} agents by sign-in name, within the target of + 3`, async () => {
            const roster = agents(count);
            const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: WITH_LOOKUP, agents: roster });
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: roster.map((a) => a.userPrincipalName) }));
            assert.equal(report.ok, true, report.message);
            assert.equal(report.agents?.resolved, count);
            const graph = tenant.emulator.requests.filter((r) => r.path.startsWith("/v1.0/") && !r.inBatch).length;
            const { lookupBatches, presenceRequests } = rosterRequests(count, count);
            // + getPresencesByUserId for the service user
            assert.equal(graph, lookupBatches + presenceRequests + 1);
            assert.ok(graph <= Math.ceil(count / 300) + Math.ceil(count / 650) + 3);
            assert.equal(report.attempts.graph, graph);
        });
    }

    it("reads more than 650 agents in getPresencesByUserId chunks of at most 650", async () => {
        const roster = agents(700, "Away");
        const seed = tenant.emulator.directory.seedPresenceSetup({ agents: roster });
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: seed.agentObjectIds }));
        assert.equal(report.ok, true, report.message);
        assert.equal(report.agents?.resolved, 700);
        assert.deepEqual(report.agents?.availability, { Away: 700 });
        // one call for the service user, two for the roster
        assert.equal(requestsTo("/v1.0/communications/getPresencesByUserId"), 3);
    });

    it("reports one agent answered with null availability and activity among 1,000 for that agent alone, and reads the other 999", async () => {
        // Graph's metadata declares both nullable (msgraph-metadata schemas/v1.0-Prod.csdl, EntityType "presence").
        const roster = agents(1000, "Busy");
        const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: WITH_LOOKUP, agents: roster });
        tenant.emulator.faults.nullAvailability.add("agent437@contoso.example");
        tenant.emulator.faults.nullActivity.add("agent437@contoso.example");
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: roster.map((a) => a.userPrincipalName) }));
        assert.equal(report.ok, true, report.message);
        assert.equal(report.agents?.resolved, 1000);
        assert.deepEqual(report.agents?.unresolved, []);
        assert.deepEqual(report.agents?.presenceNull, ["agent437@contoso.example"]);
        assert.deepEqual(report.agents?.availability, { Busy: 999 }, "an agent without availability is counted under none");
        assert.match(report.message, /1 answered with a null availability or activity \(agent437@contoso\.example\)/);
    });

    it("counts an agent with a null activity under its availability and names it too", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({ agents: agents(2, "Away") });
        tenant.emulator.faults.nullActivity.add(seed.agentObjectIds[1]);
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: seed.agentObjectIds }));
        assert.equal(report.ok, true, report.message);
        assert.deepEqual(report.agents?.availability, { Away: 2 });
        assert.deepEqual(report.agents?.presenceNull, [seed.agentObjectIds[1]]);
    });

    it("reports missing User.ReadBasic.All as such when sign-in names cannot be looked up, and still reads agents given by ID", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({ agents: agents(2, "Busy") });
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: ["agent0@contoso.example", seed.agentObjectIds[1]] }));
        assert.equal(report.ok, false);
        assert.equal(report.code, "consent_missing");
        assert.deepEqual(report.missingScopes, ["User.ReadBasic.All"]);
        assert.match(report.message, /User\.ReadBasic\.All/);
        assert.equal(report.agents?.userLookupForbidden, true);
        assert.deepEqual(report.agents?.unresolved, ["agent0@contoso.example"]);
        assert.equal(report.agents?.resolved, 1);
    });

    it("retries only the throttled steps of a $batch and resolves every name", async () => {
        const roster = agents(40);
        const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: WITH_LOOKUP, agents: roster });
        // Graph request 3 is the second of the three filter steps (after the service user's getPresencesByUserId and step one)
        tenant.emulator.faults.throttleEvery = 3;
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: roster.map((a) => a.userPrincipalName) }));
        assert.equal(report.ok, true, report.message);
        assert.equal(report.agents?.resolved, 40);
        assert.deepEqual(report.agents?.unresolved, []);
        const steps = tenant.emulator.requests.filter((r) => r.inBatch);
        assert.deepEqual(steps.map((r) => r.status), [200, 429, 200, 200], "three steps, the throttled one sent again on its own");
        assert.equal(requestsTo("/v1.0/$batch"), 2);
    });

    it("treats GUIDs as object IDs and everything else as sign-in names, dropping duplicates and blanks", () => {
        const id = "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e";
        assert.deepEqual(classifyAgents([" ann@x.com ", id, "ANN@x.com", "", id.toUpperCase()]), { ids: [id], names: ["ann@x.com"] });
    });
});
