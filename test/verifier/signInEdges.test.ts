// Edges of the token answer and of the agents' presence answer that the report relies on: the x-ms-request-id
// the report's canary quotes, however the header is padded, and an agent whose availability Graph left null
// while it still gave an activity (the connector gets no state for that agent).
import assert from "node:assert/strict";
import type { GraphOutcome, GraphRequestSpec } from "../../verifier/graph";
import type { Handoff } from "../../verifier/index";
import { checkAgents } from "../../verifier/roster";
import { requestToken } from "../../verifier/signIn";
import { startFake, tokenBody, type FakeTenant } from "./fakeTenant";
import { FakeTime, scriptedGraph } from "./support";

const handoff: Handoff = {
    applicationClientId: "11111111-2222-3333-4444-555555555555",
    directoryTenantId: "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60",
    secretValue: "Abc8Q~fake-secret-value-0123456789abcdefg",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Pw with spaces+&=/ 1234!",
};

describe("sign-in and roster edges", () => {
    let fake: FakeTenant | undefined;
    afterEach(async () => {
        await fake?.close();
        fake = undefined;
    });

    it("keeps the token answer's x-ms-request-id GUID for the canary even when the header pads it with a no-break space", async () => {
        const id = "0D4C2B1A-9F8E-4D7C-8B6A-5F4E3D2C1B0A";
        const time = new FakeTime();
        // HTTP header values may carry obs-text bytes (RFC 9110 section 5.5); 0xA0 reads as U+00A0, which fetch keeps.
        fake = await startFake(() => ({ ...tokenBody(), headers: { "x-ms-request-id": `\u00a0${id}\u00a0` } }));
        const outcome = await requestToken("password", handoff, { authorityHost: fake.url, graphEndpoint: fake.url }, 20_000, time.now);
        assert.equal(outcome.ok && outcome.value.requestId, id.toLowerCase());
    });

    it("reports an agent whose availability Graph answered null as one the connector gets no state for, even with an activity", async () => {
        const ann = "00000000-0000-4000-8000-00000000000a";
        const time = new FakeTime();
        const session = scriptedGraph(async (spec: GraphRequestSpec): Promise<GraphOutcome> => {
            assert.equal(spec.path, "/communications/getPresencesByUserId");
            return { ok: true, value: { value: [{ id: ann, availability: null, activity: "Available" }] } };
        }, time);
        const result = await checkAgents(session, [ann], time.now);
        assert.equal(result.failure, undefined);
        assert.equal(result.summary.resolved, 1);
        assert.deepEqual(result.summary.presenceNull, [ann]);
        assert.deepEqual(result.summary.availability, {});
    });
});
