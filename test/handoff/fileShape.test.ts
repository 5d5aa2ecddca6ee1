// Which of the two accepted shapes a handoff file has (handoff/fileShape.ts): the handoff object that
// `pulumi stack output handoff --show-secrets` prints (the emulator's file adds its endpoints) and the stack's
// outputs that `pulumi stack output --json --show-secrets` prints.
import assert from "node:assert/strict";
import { describeHandoffFile, HandoffFileError, readHandoffFile, type HandoffFile } from "../../handoff/index";

const HANDOFF = {
    applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
    directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
    secretValue: "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Tr0ub4dor'Horse-9!zQ",
};
const OUTPUTS = {
    handoff: HANDOFF, applicationClientId: HANDOFF.applicationClientId, directoryTenantId: HANDOFF.directoryTenantId, userEmail: HANDOFF.userEmail,
    secretExpiresAt: "2027-05-26T09:00:00.000Z", nextRotationAt: "2027-02-25T09:00:00.000Z", cloud: "public",
};

function refusal(json: unknown): string {
    try {
        readHandoffFile(json, "--handoff h.json");
    } catch (error) {
        assert.ok(error instanceof HandoffFileError);
        for (const secret of [HANDOFF.secretValue, HANDOFF.userPassword]) assert.ok(!error.message.includes(secret), "a secret was quoted");
        return error.message;
    }
    assert.fail("the file was accepted");
}

describe("a handoff file's shape", () => {
    it("is the stack's outputs when it has a handoff output, kept whole", () => {
        const file = readHandoffFile(OUTPUTS, "--handoff h.json");
        assert.deepEqual(file, { shape: "stack outputs", outputs: OUTPUTS });
    });

    it("is the stack's outputs when it has an output only the stack has, even without a handoff (refused later, with the next step)", () => {
        const { handoff: _h, ...withoutHandoff } = OUTPUTS;
        assert.equal(readHandoffFile(withoutHandoff, "--handoff h.json").shape, "stack outputs");
        assert.equal(readHandoffFile({ ...OUTPUTS, handoff: "[secret]" }, "--handoff h.json").shape, "stack outputs");
    });

    it("is the handoff object when it has any of the five keys and nothing only the outputs have; endpoint keys are set apart", () => {
        assert.deepEqual(readHandoffFile(HANDOFF, "--handoff h.json"), { shape: "handoff object", handoff: HANDOFF, endpoints: {} });
        const emulator = { ...HANDOFF, authorityHost: "https://127.0.0.1:4000", graphEndpoint: "https://127.0.0.1:4000", caFile: "/tmp/x/ca.pem" };
        assert.deepEqual(readHandoffFile(emulator, "--handoff h.json"), {
            shape: "handoff object", handoff: HANDOFF, endpoints: { authorityHost: "https://127.0.0.1:4000", graphEndpoint: "https://127.0.0.1:4000", caFile: "/tmp/x/ca.pem" },
        });
        // Unknown keys stay with the values, for the value rules to name them.
        assert.deepEqual(readHandoffFile({ userEmail: "x", extra: 1 }, "--handoff h.json"), { shape: "handoff object", handoff: { userEmail: "x", extra: 1 }, endpoints: {} });
    });

    it("is neither when it has none of the keys, or is not an object, and the refusal names both commands", () => {
        for (const json of [{}, { hello: "world" }, [HANDOFF], null, 42, "text"]) {
            assert.match(refusal(json), /^--handoff h\.json is neither the handoff object nor a stack's outputs: .*; pass what `pulumi stack output handoff --show-secrets` or `pulumi stack output --json --show-secrets` prints \(or the handoff file `npm run emulator` writes\)$/);
        }
        assert.match(refusal({ hello: "world" }), /it has none of the keys handoff, applicationClientId, directoryTenantId, secretValue, userEmail, userPassword/);
        assert.match(refusal([HANDOFF]), /it is not a JSON object/);
    });

    it("says a \"[secret]\" was printed without --show-secrets", () => {
        assert.equal(refusal("[secret]"), '--handoff h.json holds "[secret]": it was printed without --show-secrets; print it again with `pulumi stack output handoff --show-secrets`');
    });

    it("is described in one line naming the shape and the command that prints it", () => {
        const lines = ([readHandoffFile(OUTPUTS, "--outputs o.json"), readHandoffFile(HANDOFF, "--outputs o.json"), readHandoffFile({ ...HANDOFF, graphEndpoint: "x", caFile: "y" }, "--outputs o.json")] as HandoffFile[])
            .map((file) => describeHandoffFile(file, "--outputs o.json"));
        assert.deepEqual(lines, [
            "--outputs o.json: the stack's outputs (as `pulumi stack output --json --show-secrets` prints them); using their handoff output",
            "--outputs o.json: the handoff object (as `pulumi stack output handoff --show-secrets` prints it)",
            "--outputs o.json: the handoff object (as `pulumi stack output handoff --show-secrets` prints it), with graphEndpoint, caFile",
        ]);
    });
});

describe("a handoff file with a handoff key", () => {
    it("is a stack's outputs, even when its only other keys are handoff values", () => {
        const outputs = { handoff: HANDOFF, userEmail: HANDOFF.userEmail, directoryTenantId: HANDOFF.directoryTenantId };
        assert.deepEqual(readHandoffFile(outputs, "h.json"), { shape: "stack outputs", outputs });
        assert.deepEqual(readHandoffFile({ handoff: HANDOFF }, "h.json"), { shape: "stack outputs", outputs: { handoff: HANDOFF } });
    });
});
