// The service user's object ID when the access token is opaque (verifier/serviceUser.ts): GET /me?$select=id,
// which the default consent User.Read allows (microsoftgraph/microsoft-graph-docs-contrib,
// api-reference/v1.0/api/user-get.md). Driven by a scripted GraphSession so each answer is exactly the test's.
import assert from "node:assert/strict";
import type { GraphOutcome, GraphSession } from "../../verifier/graph";
import { serviceUserObjectId } from "../../verifier/serviceUser";
import { scriptedGraph } from "./support";

const WHERE = "Graph GET /me (the service user's object ID; the access token is opaque)";

/** Graph answering every GET /me with `answer`, counting the requests. */
function session(answer: GraphOutcome): GraphSession & { calls: number } {
    const graph = { calls: 0 };
    return Object.assign(graph, scriptedGraph(async () => {
        graph.calls += 1;
        return answer;
    }));
}

describe("the service user's object ID from GET /me", () => {
    it("says User.Read is missing when Graph refuses GET /me without an error code, and does not ask again", async () => {
        const graph = session({ ok: false, status: 403, diagnosis: { code: "unknown_error", transient: false, message: "refused" } });
        const settled = await serviceUserObjectId(graph, "opaque");
        assert.deepEqual(settled, {
            ok: false,
            gaveUp: false,
            attempts: 1,
            diagnosis: {
                code: "consent_missing",
                transient: false,
                missingScopes: ["User.Read"],
                message: `${WHERE}: Microsoft Graph refused to read the signed-in user (HTTP 403); the delegated permission User.Read is missing.`,
            },
        });
        assert.equal(graph.calls, 1);
    });

    it("names Graph's error code in that message when there is one", async () => {
        const graph = session({ ok: false, status: 403, graphCode: "Authorization_RequestDenied", diagnosis: { code: "unknown_error", transient: false, message: "refused" } });
        const settled = await serviceUserObjectId(graph, "opaque");
        assert.equal(settled.ok ? "" : settled.diagnosis.message, `${WHERE}: Microsoft Graph refused to read the signed-in user (HTTP 403 Authorization_RequestDenied); the delegated permission User.Read is missing.`);
    });

    for (const [body, what] of [[{ displayName: "jtel" }, "no id"], [{ id: "not-a-guid" }, "an id that is no object ID"], [undefined, "no body"]] as const) {
        it(`fails at once, without retrying, on an answer with ${what}`, async () => {
            const graph = session({ ok: true, value: body });
            const settled = await serviceUserObjectId(graph, "opaque");
            assert.deepEqual(settled, {
                ok: false,
                gaveUp: false,
                attempts: 1,
                diagnosis: { code: "unknown_error", transient: false, message: `${WHERE}: Microsoft Graph answered with a body the verifier does not recognise.` },
            });
            assert.equal(graph.calls, 1);
        });
    }

    it("returns the object ID Graph gives in lower case, as Graph's object IDs compare", async () => {
        const graph = session({ ok: true, value: { id: "0A0B0C0D-0000-4000-8000-00000000000E" } });
        assert.deepEqual(await serviceUserObjectId(graph, "opaque"), { ok: true, value: { id: "0a0b0c0d-0000-4000-8000-00000000000e", source: "me" } });
    });
});
