// The handoff's expiry rules at their edges: a secret is handed over up to the last millisecond before it
// expires, and the previous secret may expire together with the newest but never after it.
import assert from "node:assert/strict";
import { HandoffOutputsError, parseHandoffOutputs } from "../../handoff/index";

const EXPIRES = "2027-05-26T09:00:00.000Z";

function raw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        handoff: {
            applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211", directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
            secretValue: "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL", userEmail: "jtel-presence@contoso.example", userPassword: "Tr0ub4dor'Horse-9!zQ",
        },
        secretExpiresAt: EXPIRES, previousSecretExpiresAt: "2026-12-11T09:00:00.000Z", nextRotationAt: "2027-02-25T09:00:00.000Z",
        ...overrides,
    };
}
const parse = (input: unknown, now: Date) => parseHandoffOutputs(input, "--outputs o.json", "NEXT STEP", now);
const refused = (input: unknown, now: Date, pattern: RegExp) => assert.throws(() => parse(input, now), (e: Error) => {
    assert.ok(e instanceof HandoffOutputsError);
    assert.match(e.message, pattern);
    return true;
});

describe("handoff outputs at the edges of their dates", () => {
    it("hands over a secret one millisecond before it expires", () => {
        assert.equal(parse(raw(), new Date(Date.parse(EXPIRES) - 1)).secretExpiresAt, EXPIRES);
    });

    it("refuses a secret at the instant it expires", () => {
        refused(raw(), new Date(EXPIRES), /the client secret expired on 2027-05-26 09:00 UTC/);
    });

    it("accepts a previous secret that expires together with the newest", () => {
        assert.equal(parse(raw({ previousSecretExpiresAt: EXPIRES }), new Date("2026-11-27T10:00:00Z")).previousSecretExpiresAt, EXPIRES);
    });

    it("refuses a previous secret that expires one millisecond after the newest", () => {
        refused(raw({ previousSecretExpiresAt: "2027-05-26T09:00:00.001Z" }), new Date("2026-11-27T10:00:00Z"),
            /previousSecretExpiresAt "2027-05-26T09:00:00.001Z" is after secretExpiresAt/);
    });
});
