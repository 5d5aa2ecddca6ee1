// How the roster check reads each answer Graph gives (verifier/roster.ts, verifier/presence.ts), driven by a
// scripted GraphSession on a fake clock so every status, header and body is exactly what a test says.
// JSON batching returns each step's own status and headers (microsoftgraph/microsoft-graph-docs-contrib,
// concepts/json-batching.md); header names are case-insensitive (RFC 9110 section 5.1).
import assert from "node:assert/strict";
import type { GraphOutcome, GraphRequestSpec, GraphSession } from "../../verifier/graph";
import { readPresences, readServiceUserPresence } from "../../verifier/presence";
import { checkAgents } from "../../verifier/roster";
import { FakeTime, scriptedGraph } from "./support";

const LOOKUP = "Graph POST /$batch (users by sign-in name)";
const ANN = "00000000-0000-4000-8000-00000000000a";
const BOB = "00000000-0000-4000-8000-00000000000b";

type Step = { status: number; body?: unknown; headers?: Record<string, string> };

/** Graph as a script: `batch` answers each $batch call's steps (by call number), presence answers every ID. */
function scripted(batch: (call: number, urls: string[]) => GraphOutcome | { id: string; status: number; body?: unknown; headers?: Record<string, string> }[], presence: (ids: string[]) => GraphOutcome = (ids) => ({ ok: true, value: { value: ids.map((id) => ({ id, availability: "PresenceUnknown", activity: "PresenceUnknown" })) } })) {
    const time = new FakeTime();
    const batches: string[][] = [];
    const session = scriptedGraph(async (spec: GraphRequestSpec): Promise<GraphOutcome> => {
        if (spec.path === "/$batch") {
            const urls = (spec.body as { requests: { url: string }[] }).requests.map((r) => r.url);
            batches.push(urls);
            const answer = batch(batches.length - 1, urls);
            return Array.isArray(answer) ? { ok: true, value: { responses: answer } } : answer;
        }
        return presence((spec.body as { ids: string[] }).ids);
    }, time);
    return { session, sleeps: time.sleeps, batches, now: time.now };
}

const found = (upn: string, id: string): Step => ({ status: 200, body: { value: [{ id, userPrincipalName: upn }] } });

describe("roster answers, step by step", () => {
    it("honours a step's Retry-After whatever the case of its name, among other headers", async () => {
        const g = scripted((call) => call === 0
            ? [{ id: "1", status: 429, headers: { "Content-Type": "application/json", "Retry-After": "7" } }]
            : [{ id: "1", ...found("ann@x.com", ANN) }]);
        const result = await checkAgents(g.session, ["ann@x.com"], g.now);
        assert.equal(result.summary.resolved, 1);
        assert.deepEqual(g.sleeps, [7_000]);
    });

    for (const order of [["9", "3"], ["3", "9"]]) {
        it(`waits for the longest Retry-After among a batch's throttled steps (${order.join(" then ")} s)`, async () => {
            const names = Array.from({ length: 16 }, (_, i) => `a${i}@x.com`);
            const g = scripted((call, urls) => call === 0
                ? urls.map((_, i) => ({ id: String(i + 1), status: 429, headers: { "retry-after": order[i] } }))
                : urls.map((_, i) => ({ id: String(i + 1), status: 200, body: { value: [] } })));
            const result = await checkAgents(g.session, names, g.now);
            assert.equal(result.failure, undefined);
            assert.deepEqual(g.sleeps, [9_000]);
        });
    }

    for (const first of [429, 503]) {
        it(`reports the first throttled step's answer when two steps ask for the same wait (HTTP ${first} first)`, async () => {
            // Equal Retry-After: the wait is the same either way, so the report keeps to the order of the batch.
            const second = first === 429 ? 503 : 429;
            const names = Array.from({ length: 16 }, (_, i) => `a${i}@x.com`);
            const g = scripted((_, urls) => urls.map((__, i) => ({ id: String(i + 1), status: i === 0 ? first : second, headers: { "Retry-After": "5" } })));
            const result = await checkAgents(g.session, names, g.now);
            assert.equal(result.failure?.ok, false);
            assert.equal(result.failure?.diagnosis.code, first === 429 ? "throttled" : "service_unavailable");
        });
    }

    it("retries a step that answered HTTP 500 as it was, not name by name", async () => {
        const g = scripted((call) => [call === 0 ? { id: "1", status: 500 } : { id: "1", ...found("ann@x.com", ANN) }]);
        const result = await checkAgents(g.session, ["ann@x.com"], g.now);
        assert.equal(result.summary.resolved, 1);
        assert.equal(g.batches.length, 2);
        assert.deepEqual(g.batches[1], g.batches[0], "the same filter step, sent again");
    });

    it("asks again for a step the $batch answer left out, instead of calling its names unknown", async () => {
        const g = scripted((call) => (call === 0 ? [] : [{ id: "1", ...found("ann@x.com", ANN) }]));
        const result = await checkAgents(g.session, ["ann@x.com"], g.now);
        assert.equal(result.summary.resolved, 1);
        assert.deepEqual(result.summary.unresolved, []);
        assert.equal(g.batches.length, 2);
    });

    it("resolves a name only from a 200 answer: a user-shaped body on a 400 filter or a 404 single read resolves nothing", async () => {
        const userShaped = { value: [{ id: ANN, userPrincipalName: "ann@x.com" }] };
        const g = scripted((call) => [call === 0 ? { id: "1", status: 400, body: userShaped } : { id: "1", status: 404, body: { id: ANN, userPrincipalName: "ann@x.com" } }]);
        const result = await checkAgents(g.session, ["ann@x.com"], g.now);
        assert.deepEqual(result.summary.unresolved, ["ann@x.com"]);
        assert.equal(result.summary.resolved, 0);
        assert.equal(g.batches.length, 2, "the refused filter fell back to a single read");
        assert.match(g.batches[1][0], /^\/users\/ann%40x\.com\?/);
    });

    it("stops at once on a $batch body it does not recognise, saying where", async () => {
        const g = scripted(() => ({ ok: true, value: { nope: true } }));
        const result = await checkAgents(g.session, ["ann@x.com"], g.now);
        assert.deepEqual(result.failure, {
            ok: false, gaveUp: false, attempts: 1,
            diagnosis: { code: "unknown_error", transient: false, message: `${LOOKUP}: Microsoft Graph answered with a body the verifier does not recognise.` },
        });
        assert.equal(g.batches.length, 1, "not retried");
    });

    it("treats a whole $batch refused for User.ReadBasic.All like refused steps: names unresolved, agents by ID still read, labelled as written", async () => {
        const g = scripted(() => ({ ok: false, status: 403, diagnosis: { code: "consent_missing", transient: false, missingScopes: ["User.ReadBasic.All"], message: "refused" } }));
        const result = await checkAgents(g.session, ["ann@x.com", BOB.toUpperCase()], g.now);
        assert.deepEqual(result.summary, {
            requested: 2, resolved: 1, unresolved: ["ann@x.com"], presenceUnknown: [BOB.toUpperCase()], presenceNull: [], userLookupForbidden: true, availability: { PresenceUnknown: 1 },
        });
        assert.deepEqual(result.failure, {
            ok: false, gaveUp: false, attempts: 1,
            diagnosis: {
                code: "consent_missing", transient: false, missingScopes: ["User.ReadBasic.All"],
                message: `${LOOKUP}: Microsoft Graph refused to look up agents by sign-in name (HTTP 403); the delegated permission User.ReadBasic.All is missing.`,
            },
        });
    });

    it("fails the roster check with the look-up's own failure when a whole $batch fails for another reason, reading no presence", async () => {
        const refused = { code: "consent_missing" as const, transient: false, missingScopes: ["User.Read"], message: "other scope" };
        let presenceReads = 0;
        const g = scripted(() => ({ ok: false, status: 403, diagnosis: refused }), (ids) => {
            presenceReads += 1;
            return { ok: true, value: { value: ids.map((id) => ({ id, availability: "Available", activity: "Available" })) } };
        });
        const result = await checkAgents(g.session, ["ann@x.com", BOB], g.now);
        assert.deepEqual(result, {
            summary: { requested: 2, resolved: 0, unresolved: [], presenceUnknown: [], presenceNull: [], userLookupForbidden: false, availability: {} },
            failure: { ok: false, gaveUp: false, attempts: 1, diagnosis: refused },
        });
        assert.equal(presenceReads, 0);
    });

    it("keeps the label the admin wrote for an object ID that a sign-in name also resolves to, and reads it once", async () => {
        const g = scripted(() => [{ id: "1", ...found("ann@x.com", ANN) }]);
        const result = await checkAgents(g.session, [ANN.toUpperCase(), "ann@x.com"], g.now);
        assert.deepEqual(result.summary.presenceUnknown, [ANN.toUpperCase()]);
        assert.equal(result.summary.resolved, 1);
    });

    it("reports an agent whose availability Graph answered null as one the connector gets no state for, even with an activity", async () => {
        const g = scripted(() => [], () => ({ ok: true, value: { value: [{ id: ANN, availability: null, activity: "Available" }] } }));
        const result = await checkAgents(g.session, [ANN], g.now);
        assert.equal(result.failure, undefined);
        assert.equal(result.summary.resolved, 1);
        assert.deepEqual(result.summary.presenceNull, [ANN]);
        assert.deepEqual(result.summary.availability, {});
    });
});

describe("presence answers the verifier does not recognise", () => {
    const unreadable = (): GraphOutcome => ({ ok: true, value: { value: "not a list" } });

    it("fails the agents' presence read at once, naming the call", async () => {
        const g = scripted(() => [], unreadable);
        let calls = 0;
        const counting: GraphSession = { ...g.session, attempt: (spec, ms) => { calls += 1; return g.session.attempt(spec, ms); } };
        assert.deepEqual(await readPresences(counting, [ANN]), {
            ok: false, gaveUp: false, attempts: 1,
            diagnosis: { code: "unknown_error", transient: false, message: "Graph POST /communications/getPresencesByUserId: Microsoft Graph answered with a body the verifier does not recognise." },
        });
        assert.equal(calls, 1, "not retried");
    });

    it("fails the service user's presence read at once, naming it as the service user's", async () => {
        const g = scripted(() => [], unreadable);
        assert.deepEqual(await readServiceUserPresence(g.session, ANN), {
            ok: false, gaveUp: false, attempts: 1,
            diagnosis: { code: "unknown_error", transient: false, message: "Graph POST /communications/getPresencesByUserId (service user): Microsoft Graph answered with a body the verifier does not recognise." },
        });
    });
});
