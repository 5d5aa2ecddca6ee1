// Where the verifier's numeric bounds cut, each edge a test: the last 4xx and the first 5xx (a server error is
// waited out, a refusal is not), the ends of the 3xx redirect range, the smallest idle window, and the ends of
// 127.0.0.0/8. A bound moved one step outwards passes every test that probes far from it.
import assert from "node:assert/strict";
import { diagnoseGraphError, diagnoseTokenError, isRedirectStatus } from "../../verifier/diagnosis";
import { isLoopbackHost } from "../../verifier/endpoints";
import type { GraphOutcome, GraphRequestSpec } from "../../verifier/graph";
import { checkAgents } from "../../verifier/roster";
import { classifySecretUsage } from "../../verifier/secretUsage";
import { FakeTime, scriptedGraph } from "./support";

describe("the verifier's status bounds at their edges", () => {
    it("reads a token endpoint's HTTP 499 without an AADSTS code as a refusal, not a server error to wait out", () => {
        assert.deepEqual(diagnoseTokenError("x", 499, undefined), {
            code: "unknown_error", transient: false, message: "x: the token endpoint answered HTTP 499 and no AADSTS code.",
        });
    });

    it("reads a token endpoint's HTTP 500 without an AADSTS code as a server error to wait out", () => {
        assert.deepEqual(diagnoseTokenError("x", 500, undefined), { code: "service_unavailable", transient: true, retryAfterMs: undefined, message: "x: the service answered HTTP 500." });
    });

    it("reads an unknown AADSTS code with HTTP 499 as unknown, not as a server error", () => {
        const d = diagnoseTokenError("x", 499, { error_codes: [90033] });
        assert.deepEqual([d.code, d.transient, d.aadsts], ["unknown_error", false, 90033]);
    });

    it("reads an unknown AADSTS code with HTTP 500 as a server error that carries it", () => {
        const d = diagnoseTokenError("x", 500, { error_codes: [90033] });
        assert.deepEqual([d.code, d.transient, d.aadsts, d.message], ["service_unavailable", true, 90033, "x: the service answered HTTP 500 with AADSTS90033."]);
    });

    it("reads Graph's HTTP 499 as unexpected, not as a server error", () => {
        assert.deepEqual([diagnoseGraphError("x", "presence", 499, undefined).code, diagnoseGraphError("x", "presence", 499, undefined).transient], ["unknown_error", false]);
    });

    it("reads Graph's HTTP 500 as a server error to wait out", () => {
        assert.deepEqual([diagnoseGraphError("x", "presence", 500, undefined).code, diagnoseGraphError("x", "presence", 500, undefined).transient], ["service_unavailable", true]);
    });

    it("counts 300 and 399 as redirects, and 299 and 400 not", () => {
        assert.deepEqual([299, 300, 399, 400].map(isRedirectStatus), [false, true, true, false]);
    });

    it("asks a name filter that Graph answered with HTTP 499 name by name, instead of sending it again as after a server error", async () => {
        const time = new FakeTime();
        const batches: string[][] = [];
        const session = scriptedGraph(async (spec: GraphRequestSpec): Promise<GraphOutcome> => {
            if (spec.path !== "/$batch") return { ok: true, value: { value: (spec.body as { ids: string[] }).ids.map((id) => ({ id, availability: "Available" })) } };
            const urls = (spec.body as { requests: { url: string }[] }).requests.map((r) => r.url);
            batches.push(urls);
            const step = batches.length === 1
                ? { id: "1", status: 499 }
                : { id: "1", status: 200, body: { id: "00000000-0000-4000-8000-00000000000a", userPrincipalName: "ann@x.com" } };
            return { ok: true, value: { responses: [step] } };
        }, time);
        const result = await checkAgents(session, ["ann@x.com"], time.now);
        assert.equal(batches.length, 2);
        assert.match(batches[0][0], /^\/users\?\$filter=/);
        assert.match(batches[1][0], /^\/users\/ann%40x\.com\?/);
        assert.equal(result.summary.resolved, 1);
    });
});

describe("the verifier's other bounds at their edges", () => {
    const record = {
        readAt: "2026-11-27T06:00:00.000Z", currentSecretKeyId: "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47", previousSecretKeyId: null,
        previousSecretExpiresAt: null, verification: null, report: { available: true as const, credentials: [] },
    };
    const now = new Date("2026-11-27T06:30:00Z");

    it("takes an idle window of 1 hour, the shortest", () => {
        assert.equal(classifySecretUsage(record, { now, idleHours: 1 }).kind, "idle");
    });

    it("refuses an idle window just under 1 hour", () => {
        assert.throws(() => classifySecretUsage(record, { now, idleHours: 0.99 }), { name: "RangeError", message: "idleHours 0.99 must be at least 1" });
    });

    it("takes 127.0.0.0 and 127.255.255.255, both ends of 127.0.0.0/8, as loopback, and neither 126.255.255.255 nor 128.0.0.0", () => {
        assert.deepEqual(["127.0.0.0", "127.255.255.255", "126.255.255.255", "128.0.0.0"].map(isLoopbackHost), [true, true, false, false]);
    });

    it("takes no octet of four digits", () => {
        assert.equal(isLoopbackHost("127.0.0.1000"), false);
        assert.equal(isLoopbackHost("127.0.0100.1"), false);
    });
});
