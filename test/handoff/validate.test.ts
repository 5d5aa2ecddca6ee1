// The rules each of the five values must meet before `npm run handoff` prints it or `npm run verify` signs in
// with it (handoff/validate.ts), checked value by value.
import assert from "node:assert/strict";
import { HANDOFF_RULES, HandoffInvalidError, validateHandoff, type Handoff } from "../../handoff/index";

const VALID: Handoff = {
    applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
    directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
    secretValue: "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Tr0ub4dor'Horse-9!zQ",
};
const LABELS = { handoff: "--handoff h.json", key: (key: string) => `--handoff h.json ${key}` };

function problemsOf(input: unknown): string[] {
    try {
        validateHandoff(input, LABELS);
    } catch (error) {
        assert.ok(error instanceof HandoffInvalidError, String(error));
        assert.equal(error.name, "HandoffInvalidError");
        assert.equal(error.message, error.problems.join("\n"), "one problem per line");
        return error.problems;
    }
    return [];
}

describe("the handoff values' rules", () => {
    it("accepts the five values and returns exactly them, in the seed guide's order", () => {
        const shuffled = { userPassword: VALID.userPassword, userEmail: VALID.userEmail, secretValue: VALID.secretValue, directoryTenantId: VALID.directoryTenantId, applicationClientId: VALID.applicationClientId };
        assert.deepEqual(validateHandoff(shuffled, LABELS), VALID);
        assert.deepEqual(Object.keys(validateHandoff(shuffled, LABELS)), Object.keys(VALID));
    });

    it("takes only a whole GUID as a client or tenant ID: nothing before or after it", () => {
        for (const key of ["applicationClientId", "directoryTenantId"] as const) {
            for (const bad of [`x${VALID[key]}`, `${VALID[key]}0`, `{${VALID[key]}}`, VALID[key].replace(/-/g, "")]) {
                assert.deepEqual(problemsOf({ ...VALID, [key]: bad }), [`--handoff h.json ${key} ${JSON.stringify(bad)} ${HANDOFF_RULES[key]}`], bad);
            }
            assert.deepEqual(problemsOf({ ...VALID, [key]: VALID[key].toUpperCase() }), [], "GUIDs are case-insensitive");
        }
    });

    it("gives the GUID example in the client and tenant ID rules", () => {
        assert.equal(HANDOFF_RULES.applicationClientId, "must be the Application (client) ID, a GUID such as 11111111-2222-3333-4444-555555555555");
        assert.equal(HANDOFF_RULES.directoryTenantId, "must be the Directory (tenant) ID, a GUID such as 11111111-2222-3333-4444-555555555555");
    });

    it("takes only a whole sign-in name as the user email: no spaces, nothing around it", () => {
        for (const bad of ["jtel presence@contoso.com", "jtel-presence@contoso.com extra", "jtel@presence@contoso.com", "@contoso.com", "jtel-presence@contoso"]) {
            assert.deepEqual(problemsOf({ ...VALID, userEmail: bad }), [`--handoff h.json userEmail ${JSON.stringify(bad)} ${HANDOFF_RULES.userEmail}`], bad);
        }
    });

    it("calls a GUID-shaped secret value a Secret ID even with spaces around it, with the seed guide's warning and where the Value is", () => {
        const [problem] = problemsOf({ ...VALID, secretValue: " 9a3f0c1e-5b7d-4e2a-8c6f-1d2e3f4a5b6c\n" });
        assert.equal(problem, "--handoff h.json secretValue is shaped like a GUID, which is what a Secret ID looks like, not a secret's Value " +
            "(the seed guide: \"The Secret Value is required, not the Secret ID\"); hand over the Value column, shown once when the secret is created " +
            "(Entra admin center > App registrations > the app > Certificates & secrets), or the stack's handoff.secretValue");
    });

    it("names a key that is present but undefined as missing", () => {
        assert.deepEqual(problemsOf({ ...VALID, userPassword: undefined }), [`--handoff h.json is missing userPassword, which ${HANDOFF_RULES.userPassword}`]);
    });

    it("lists every unexpected key, comma-separated", () => {
        assert.deepEqual(problemsOf({ ...VALID, secretId: "x", tenant: "y" }),
            ["--handoff h.json has unexpected key(s) secretId, tenant; allowed are exactly applicationClientId, directoryTenantId, secretValue, userEmail, userPassword"]);
    });

    it("quotes at most 80 characters of a bad non-secret value", () => {
        const long = `${"a".repeat(80)}${"b".repeat(40)}`;
        assert.deepEqual(problemsOf({ ...VALID, applicationClientId: long }), [`--handoff h.json applicationClientId "${"a".repeat(80)}" ${HANDOFF_RULES.applicationClientId}`]);
    });

    it("puts each broken rule on a line of its own in the message a person reads", () => {
        assert.throws(() => validateHandoff({ ...VALID, applicationClientId: "app", userEmail: "jtel" }, LABELS), {
            name: "HandoffInvalidError",
            message: `--handoff h.json applicationClientId "app" ${HANDOFF_RULES.applicationClientId}\n--handoff h.json userEmail "jtel" ${HANDOFF_RULES.userEmail}`,
        });
    });

    it("refuses null as the handoff, naming the five keys", () => {
        assert.deepEqual(problemsOf(null), ["--handoff h.json must be an object with exactly the keys applicationClientId, directoryTenantId, secretValue, userEmail, userPassword"]);
    });
});
