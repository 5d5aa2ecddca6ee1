import { strict as assert } from "node:assert";
import fc from "fast-check";
import { CONNECTOR_FORBIDDEN_CHARACTERS, ENTRA_PASSWORD_SYMBOLS, handMadePasswordProblems, PASSWORD_SYMBOLS, passwordProblems, passwordSpec } from "../../components/passwordPolicy";
import { randomPasswordLike } from "../support/tenantMocks";

// Entra ID's allowed symbols (../shared/reference/entra-and-graph.md), without space.
const ENTRA_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<>";

/** The connector's forbidden characters, each on its own (the manual guide's list), spelled out. */
const CONNECTOR_REJECTS_EACH: readonly (readonly [string, string])[] = [
    ["[", "an opening bracket ["], ["]", "a closing bracket ]"], ["<", "a less-than sign <"], [">", "a greater-than sign >"],
    ["?", "a question mark ?"], ["#", "a hash #"], ["&", "an ampersand &"],
];
const CONNECTOR_RULE = "contains a character the connector rejects ([ ] < > ? # &)";

/** Entra ID's password symbols (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy), each spelled out. */
const ENTRA_SYMBOLS_EACH: readonly (readonly [string, string])[] = [
    ["@", "@"], ["#", "#"], ["$", "$"], ["%", "%"], ["^", "^"], ["&", "&"], ["*", "*"], ["-", "-"], ["_", "_"], ["!", "!"],
    ["+", "+"], ["=", "="], ["[", "["], ["]", "]"], ["{", "{"], ["}", "}"], ["|", "|"], ["\\", "a backslash"], [":", ":"],
    ["'", "an apostrophe"], [",", ","], [".", "."], ["?", "?"], ["/", "/"], ["`", "a backtick"], ["~", "~"],
    ['"', "a double quote"], ["(", "("], [")", ")"], [";", ";"], ["<", "<"], [">", ">"], [" ", "a space"],
];

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

    // One test per character, spelled out here rather than read from CONNECTOR_FORBIDDEN_CHARACTERS: a character
    // dropped from the rule (or from the constant) must fail its own test, not silently shrink the loop.
    for (const [c, name] of CONNECTOR_REJECTS_EACH) {
        it(`refuses a generated password holding ${name} and nothing else wrong, naming the connector's rule`, () => {
            assert.deepEqual(passwordProblems(`Abcd1234!efgh${c}ijkl`), [CONNECTOR_RULE]);
        });
    }

    it("accepts the password those tests start from, so each refusal above is the character's alone", () => {
        assert.deepEqual(passwordProblems("Abcd1234!efghijkl"), []);
    });

    it("takes 16 characters, the shortest passwordLength, and names 15 as too short", () => {
        assert.deepEqual(passwordProblems("Abcd1234!efghijk"), []);
        assert.deepEqual(passwordProblems("Abcd1234!efghij"), ["shorter than 16 characters"]);
    });

    it("measures against the configured length when given one: 32 is enough for 32, 31 is not", () => {
        assert.deepEqual(passwordProblems("Ab1!".repeat(8), 32), []);
        assert.deepEqual(passwordProblems("Ab1!".repeat(8).slice(1), 32), ["shorter than 32 characters"]);
    });

    it("takes ! and ~, the first and last printable ASCII symbols, and names DEL past ~ as outside ASCII's printable range", () => {
        assert.deepEqual(passwordProblems("Abcd1234efghijk!~"), []);
        assert.deepEqual(passwordProblems("Abcd1234!efghijk\x7f"), ["contains a non-ASCII character"]);
    });
});

describe("the generator's password length (passwordSpec)", () => {
    it("takes 16, the shortest length", () => assert.equal(passwordSpec(16).length, 16));
    it("refuses 15, one below the shortest", () => assert.throws(() => passwordSpec(15), /^RangeError: password length 15 must be a whole number from 16 to 256$/));
    it("takes 256, the longest length", () => assert.equal(passwordSpec(256).length, 256));
    it("refuses 257, one above the longest", () => assert.throws(() => passwordSpec(257), /^RangeError: password length 257 must be a whole number from 16 to 256$/));
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

    for (const [c, name] of CONNECTOR_REJECTS_EACH) {
        it(`is refused for ${name} alone, naming exactly the connector's rule`, () => {
            assert.deepEqual(handMadePasswordProblems(`Current-Passw0rd${c}`), [CONNECTOR_RULE]);
        });
    }

    it("is accepted at 8 characters, Entra ID's shortest, and refused at 7", () => {
        assert.deepEqual(handMadePasswordProblems("Curr3nt!"), []);
        assert.deepEqual(handMadePasswordProblems("Curr3nt"), ["is shorter than 8 characters (Entra ID needs 8 to 256)"]);
    });

    it("is accepted at 256 characters, Entra ID's longest, and refused at 257", () => {
        assert.deepEqual(handMadePasswordProblems(`Curr3nt!${"x".repeat(248)}`), []);
        assert.deepEqual(handMadePasswordProblems(`Curr3nt!${"x".repeat(249)}`), ["is longer than 256 characters (Entra ID needs 8 to 256)"]);
    });

    // Entra ID's symbols one by one: "current" + symbol + "passw0rd" has lower-case letters and a digit, so it
    // reaches three classes only if the symbol counts, and is refused outright if the symbol is not allowed.
    for (const [c, name] of ENTRA_SYMBOLS_EACH) {
        const expected = "[]<>?#&".includes(c) ? [CONNECTOR_RULE] : [];
        it(`counts ${name} as one of Entra ID's symbols${expected.length > 0 ? " (which the connector still rejects)" : ""}`, () => {
            assert.deepEqual(handMadePasswordProblems(`current${c}passw0rd`), expected);
        });
    }

    it("knows exactly the 33 symbols those tests name, space included", () => {
        assert.equal(ENTRA_PASSWORD_SYMBOLS.length, 33);
        assert.deepEqual([...ENTRA_PASSWORD_SYMBOLS].sort(), ENTRA_SYMBOLS_EACH.map(([c]) => c).sort());
    });

    // Each class is a range; the characters just inside count for it, those just outside are symbols.
    for (const [c, other] of [["a", "ABCD1234"], ["z", "ABCD1234"], ["A", "abcd1234"], ["Z", "abcd1234"], ["0", "abcdEFGH"], ["9", "abcdEFGH"]]) {
        it(`counts ${c}, at the edge of its range, as a letter or digit that makes a third class`, () => {
            assert.deepEqual(handMadePasswordProblems(`${other}${c}`), []);
        });
    }
    for (const [c, letters, missing] of [
        ["`", "ABCDEFGH", "lower-case letter and no digit"], ["{", "ABCDEFGH", "lower-case letter and no digit"],
        ["@", "abcdefgh", "upper-case letter and no digit"], ["/", "abcdefgh", "upper-case letter and no digit"],
        [":", "abcdefgh", "upper-case letter and no digit"],
    ]) {
        it(`counts ${c}, just outside a letter or digit range, as a symbol only`, () => {
            assert.deepEqual(handMadePasswordProblems(`${letters}${c}`), [`uses 2 of the 4 character classes, Entra ID needs 3: it has no ${missing}`]);
        });
    }
    it("counts [, just past Z, as a symbol only (and one the connector rejects)", () => {
        assert.deepEqual(handMadePasswordProblems("abcdefgh["), [CONNECTOR_RULE, "uses 2 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no digit"]);
    });
});
