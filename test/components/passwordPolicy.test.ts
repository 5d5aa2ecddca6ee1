import { strict as assert } from "node:assert";
import fc from "fast-check";
import { CONNECTOR_FORBIDDEN_CHARACTERS, ENTRA_PASSWORD_SYMBOLS, handMadePasswordProblems, PASSWORD_SYMBOLS, passwordProblems, passwordSpec } from "../../components/passwordPolicy";
import { randomPasswordLike } from "../support/tenantMocks";

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

    it("takes up to 256 characters and names one more as too long", () => {
        assert.deepEqual(passwordProblems("Ab1!".repeat(64)), []);
        assert.deepEqual(passwordProblems(`${"Ab1!".repeat(64)}x`), ["longer than 256 characters"]);
    });

    it("names a password without a lower-case letter, and one without a symbol", () => {
        assert.deepEqual(passwordProblems("ABCD1234!ABCD1234"), ["has no lower-case letter"]);
        assert.deepEqual(passwordProblems("Abcd1234Abcd1234"), ["has no symbol"]);
    });
});

describe("a password set by hand (kept by adoption)", () => {
    it("is accepted when Entra ID and the connector accept it: 8 to 256 characters, 3 of the 4 classes, spaces inside", () => {
        for (const pw of ["CurrentPassw0rd", "current-passw0rd", "CURRENT-PASSW0RD", "Two words 4 you", "Aa1!Aa1!", "x".repeat(250) + "Aa1!-_"]) {
            assert.deepEqual(handMadePasswordProblems(pw), [], pw);
        }
    });

    for (const [rule, pw, problem] of [
        ["fewer than 8 characters", "Ab1!xyz", "is shorter than 8 characters (Entra ID needs 8 to 256)"],
        ["more than 256 characters", `Ab1!${"x".repeat(253)}`, "is longer than 256 characters (Entra ID needs 8 to 256)"],
        ["leading whitespace", " CurrentPassw0rd", "starts or ends with whitespace, which the password sign-in (ROPC) refuses"],
        ["trailing whitespace", "CurrentPassw0rd ", "starts or ends with whitespace, which the password sign-in (ROPC) refuses"],
        ["a character the connector rejects", "Current&Passw0rd", "contains a character the connector rejects ([ ] < > ? # &)"],
        ["a character Entra ID does not allow", "Current-Pässw0rd", "contains a character Entra ID does not allow (only A-Z, a-z, 0-9, space and Entra ID's symbols; no Unicode, no tabs)"],
        ["only two character classes", "currentpassw0rd", "uses 2 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no symbol"],
        ["only upper-case letters and digits", "CURRENTPASSW0RD", "uses 2 of the 4 character classes, Entra ID needs 3: it has no lower-case letter and no symbol"],
        ["only lower-case letters and symbols (a symbol is no digit)", "current-password!", "uses 2 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no digit"],
        ["only lower-case letters and 9s (9 is a digit)", "currentpassw9rd", "uses 2 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no symbol"],
        ["only one character class", "currentpassword", "uses 1 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no digit and no symbol"],
    ] as const) {
        it(`is refused for ${rule}, naming exactly that rule`, () => assert.deepEqual(handMadePasswordProblems(pw), [problem]));
    }

    it("says only fixed sentences, so no reason can carry the password or a piece of it", () => {
        const fixed = new Set([
            "is shorter than 8 characters (Entra ID needs 8 to 256)", "is longer than 256 characters (Entra ID needs 8 to 256)",
            "starts or ends with whitespace, which the password sign-in (ROPC) refuses",
            "contains a character the connector rejects ([ ] < > ? # &)",
            "contains a character Entra ID does not allow (only A-Z, a-z, 0-9, space and Entra ID's symbols; no Unicode, no tabs)",
        ]);
        const classes = /^uses [0-2] of the 4 character classes, Entra ID needs 3: it has no (lower-case letter|upper-case letter|digit|symbol)( and no (lower-case letter|upper-case letter|digit|symbol))+$/;
        fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (pw) => {
            for (const p of handMadePasswordProblems(pw)) assert.ok(fixed.has(p) || classes.test(p), p);
        }));
    });

    it("treats every character the generator draws as one Entra ID allows", () => {
        for (const c of PASSWORD_SYMBOLS) assert.ok(ENTRA_PASSWORD_SYMBOLS.includes(c), c);
    });
});
