// The roster's request plan without HTTP: chunking at Graph's limits (15 values per `in`, 20 steps per
// $batch, 650 IDs per getPresencesByUserId), the request count formula, and how each step's answer is read,
// against an in-memory GraphSession so every case is deterministic.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { GraphOutcome, GraphRequestSpec } from "../../verifier/graph";
import { PRESENCE_BATCH_LIMIT } from "../../verifier/presence";
import { BATCH_LIMIT, checkAgents, IN_FILTER_LIMIT, NAMES_PER_BATCH, planNameLookups, rosterRequests, stepUrl, type LookupStep } from "../../verifier/roster";
import { FakeTime, scriptedGraph } from "./support";

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `agent${i}@contoso.example`);

describe("roster request plan", () => {
    it("uses Graph's limits: 15 values per in filter, 20 steps per $batch, 650 IDs per presence request", () => {
        assert.equal(IN_FILTER_LIMIT, 15);
        assert.equal(BATCH_LIMIT, 20);
        assert.equal(NAMES_PER_BATCH, 300);
        assert.equal(PRESENCE_BATCH_LIMIT, 650);
    });

    it("puts every name in exactly one filter step, in order, with at most 15 per step and 20 steps per batch (property)", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 2_000 }), (n) => {
            const plan = planNameLookups(names(n));
            const steps = plan.flat();
            assert.ok(plan.every((batch) => batch.length >= 1 && batch.length <= BATCH_LIMIT));
            assert.ok(steps.every((s) => s.kind === "filter" && s.names.length >= 1 && s.names.length <= IN_FILTER_LIMIT));
            assert.deepEqual(steps.flatMap((s) => (s.kind === "filter" ? s.names : [])), names(n));
            assert.equal(plan.length, Math.ceil(n / NAMES_PER_BATCH));
            // only the last step and the last batch may be short
            assert.ok(steps.slice(0, -1).every((s) => s.kind === "filter" && s.names.length === IN_FILTER_LIMIT));
            assert.ok(plan.slice(0, -1).every((batch) => batch.length === BATCH_LIMIT));
        }), { numRuns: 200 });
    });

    it("counts ceil(N/300) look-up requests and ceil(IDs/650) presence requests", () => {
        assert.deepEqual(rosterRequests(0, 0), { lookupBatches: 0, presenceRequests: 0 });
        assert.deepEqual(rosterRequests(300, 650), { lookupBatches: 1, presenceRequests: 1 });
        assert.deepEqual(rosterRequests(301, 651), { lookupBatches: 2, presenceRequests: 2 });
        assert.deepEqual(rosterRequests(5_000, 5_000), { lookupBatches: 17, presenceRequests: 8 });
    });

    it("writes each filter as an encoded OData in-list with quotes doubled, and a single look-up by path", () => {
        const filter: LookupStep = { kind: "filter", names: ["ann@x.com", "o'neil@x.com", "guest_y.com#EXT#@x.com"] };
        assert.equal(stepUrl(filter), `/users?$filter=${encodeURIComponent("userPrincipalName in ('ann@x.com','o''neil@x.com','guest_y.com#EXT#@x.com')")}&$select=id,userPrincipalName`);
        assert.equal(new URL(stepUrl(filter), "https://graph.invalid").searchParams.get("$filter"), "userPrincipalName in ('ann@x.com','o''neil@x.com','guest_y.com#EXT#@x.com')");
        assert.equal(stepUrl({ kind: "single", name: "ann@x.com" }), "/users/ann%40x.com?$select=id,userPrincipalName");
    });
});

/** A tenant in memory: answers $batch steps and getPresencesByUserId the way Graph does, with hooks for faults. */
function memoryTenant(upns: readonly string[], answerStep?: (url: string) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined) {
    const ids = new Map(upns.map((upn, i) => [upn.toLowerCase(), `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`]));
    const sent: { path: string; steps: string[] }[] = [];
    const time = new FakeTime();
    const graph = (url: string) => {
        const custom = answerStep?.(url);
        if (custom) return custom;
        const parsed = new URL(url, "https://graph.invalid");
        const filter = parsed.searchParams.get("$filter");
        if (filter) {
            const wanted = [...filter.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));
            if (wanted.length > IN_FILTER_LIMIT) return { status: 400, body: { error: { code: "Request_UnsupportedQuery" } } };
            return { status: 200, body: { value: wanted.filter((w) => ids.has(w.toLowerCase())).map((w) => ({ id: ids.get(w.toLowerCase()), userPrincipalName: w.toLowerCase() })) } };
        }
        const upn = decodeURIComponent(parsed.pathname.split("/")[2]);
        return ids.has(upn.toLowerCase()) ? { status: 200, body: { id: ids.get(upn.toLowerCase()) } } : { status: 404, body: { error: { code: "Request_ResourceNotFound" } } };
    };
    const session = scriptedGraph(async (spec: GraphRequestSpec): Promise<GraphOutcome> => {
        time.ms += 10;
        if (spec.path === "/$batch") {
            const requests = (spec.body as { requests: { id: string; url: string }[] }).requests;
            sent.push({ path: spec.path, steps: requests.map((r) => r.url) });
            return { ok: true, value: { responses: requests.map((r) => ({ id: r.id, ...graph(r.url) })) } };
        }
        const wanted = (spec.body as { ids: string[] }).ids;
        sent.push({ path: spec.path, steps: [] });
        return { ok: true, value: { value: wanted.map((id) => ({ id, availability: "Available" })) } };
    }, time);
    return { session, sent, ids, now: time.now };
}

describe("roster look-up against an in-memory Graph", () => {
    it("sends 17 look-up and 8 presence requests for 5,000 sign-in names", async () => {
        const roster = names(5_000);
        const tenant = memoryTenant(roster);
        const result = await checkAgents(tenant.session, roster, tenant.now);
        assert.equal(result.summary.resolved, 5_000);
        assert.equal(tenant.sent.filter((s) => s.path === "/$batch").length, 17);
        assert.equal(tenant.sent.filter((s) => s.path === "/communications/getPresencesByUserId").length, 8);
        assert.equal(tenant.sent.flatMap((s) => s.steps).length, Math.ceil(5_000 / 15));
    });

    it("falls back to one look-up per name when Graph refuses a filter step, so one odd name cannot hide the others", async () => {
        const roster = ["ann@x.com", "bob@x.com", "weird'name@x.com", "cy@x.com"];
        const tenant = memoryTenant(["ann@x.com", "bob@x.com", "cy@x.com"], (url) =>
            url.includes("$filter") && decodeURIComponent(url).includes("weird") ? { status: 400, body: { error: { code: "BadRequest" } } } : undefined);
        const result = await checkAgents(tenant.session, roster, tenant.now);
        assert.equal(result.failure, undefined);
        assert.equal(result.summary.resolved, 3);
        assert.deepEqual(result.summary.unresolved, ["weird'name@x.com"]);
        const steps = tenant.sent.filter((s) => s.path === "/$batch").map((s) => s.steps.map((u) => (u.includes("$filter") ? "filter" : "single")));
        assert.deepEqual(steps, [["filter"], ["single", "single", "single", "single"]]);
    });

    it("keeps the names' own spelling in the report and matches Graph's answer case-insensitively", async () => {
        const tenant = memoryTenant(["ann@x.com"]);
        const result = await checkAgents(tenant.session, ["ANN@X.com", "nobody@x.com", "Ann@x.com"], tenant.now);
        assert.equal(result.summary.requested, 2);
        assert.equal(result.summary.resolved, 1);
        assert.deepEqual(result.summary.unresolved, ["nobody@x.com"]);
    });

    it("stops looking up after a 403 and reports every name not yet resolved as unresolved", async () => {
        const roster = names(700);
        let batches = 0;
        const tenant = memoryTenant(roster, (url) => (decodeURIComponent(url).includes("agent300@") ? { status: 403, body: { error: { code: "Authorization_RequestDenied" } } } : undefined));
        const original = tenant.session.attempt;
        tenant.session.attempt = (spec, remaining) => {
            if (spec.path === "/$batch") batches += 1;
            return original(spec, remaining);
        };
        const result = await checkAgents(tenant.session, roster, tenant.now);
        assert.equal(batches, 2, "the second batch holds the refused step; the third is never sent");
        assert.equal(result.summary.userLookupForbidden, true);
        // the refused step's 15 names and the third batch's 100
        assert.deepEqual(result.summary.unresolved, [...roster.slice(300, 315), ...roster.slice(600)]);
        assert.equal(result.summary.resolved, 585);
        assert.equal(result.failure?.diagnosis.code, "consent_missing");
    });
});
