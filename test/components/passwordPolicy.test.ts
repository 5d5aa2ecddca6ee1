import { strict as assert } from "node:assert";
import fc from "fast-check";
import { CONNECTOR_FORBIDDEN_CHARACTERS, PASSWORD_SYMBOLS, passwordProblems, passwordSpec } from "../../components/passwordPolicy";
import { randomPasswordLike } from "../support/azureMocks";

// Entra ID's allowed symbols (../shared/reference/entra-and-graph.md), without space.
const ENTRA_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<>";

describe("the service user's password policy", () => {
    it("never puts [ ] < > ? # & in the service user's password", () => {
        for (const c of CONNECTOR_FORBIDDEN_CHARACTERS) assert.ok(!PASSWORD_SYMBOLS.includes(c), c);
        fc.assert(fc.property(fc.integer({ min: 16, max: 256 }), (length) => {
            const pw = randomPasswordLike(passwordSpec(length));
            assert.ok(![...CONNECTOR_FORBIDDEN_CHARACTERS].some((c) => pw.includes(c)));
        }), { numRuns: 300 });
    });

    it("draws symbols only from Entra ID's allowed set and no whitespace", () => {
        for (const c of PASSWORD_SYMBOLS) assert.ok(ENTRA_SYMBOLS.includes(c), `${c} is not an Entra ID symbol`);
        assert.ok(!/\s/.test(PASSWORD_SYMBOLS));
    });

    it("asks for at least one upper, lower, digit and symbol and 32 characters by default", () => {
        const spec = passwordSpec();
        assert.equal(spec.length, 32);
        assert.deepEqual([spec.minUpper, spec.minLower, spec.minNumeric, spec.minSpecial], [1, 1, 1, 1]);
        assert.equal(spec.overrideSpecial, PASSWORD_SYMBOLS);
    });

    it("every password drawn from the spec passes Entra ID's and the connector's rules", () => {
        fc.assert(fc.property(fc.integer({ min: 16, max: 256 }), (length) => {
            const pw = randomPasswordLike(passwordSpec(length));
            assert.equal(pw.length, length);
            assert.deepEqual(passwordProblems(pw), []);
        }), { numRuns: 500 });
    });

    it("rejects a length outside 16 to 256", () => {
        assert.throws(() => passwordSpec(15), /password length 15 must be a whole number from 16 to 256/);
        assert.throws(() => passwordSpec(257), /257/);
        assert.throws(() => passwordSpec(20.5), /20.5/);
    });

    it("names every problem of a bad password without quoting the password", () => {
        const bad = " ab#";
        const problems = passwordProblems(bad);
        assert.deepEqual(problems, [
            "shorter than 16 characters", "contains whitespace",
            "contains a character the connector rejects ([ ] < > ? # &)",
            "has no upper-case letter", "has no digit",
        ]);
        // Every reason is one of a fixed set of sentences, so none can carry the password or a piece of it.
        const fixed = new Set([
            "shorter than 16 characters", "longer than 256 characters", "contains whitespace",
            "contains a character the connector rejects ([ ] < > ? # &)", "contains a non-ASCII character",
            "has no upper-case letter", "has no lower-case letter", "has no digit", "has no symbol",
        ]);
        fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (pw) => {
            for (const p of passwordProblems(pw)) assert.ok(fixed.has(p), p);
        }));
        assert.deepEqual(passwordProblems("Ab1!Ab1!Ab1!Ab1!Ünï"), ["contains a non-ASCII character"]);
    });
});
