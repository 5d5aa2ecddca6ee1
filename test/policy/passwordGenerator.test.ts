import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    CONNECTOR_FORBIDDEN_CHARACTERS, MIN_GENERATED_PASSWORD_LENGTH, passwordGeneratorViolations, RANDOM_DEFAULT_SPECIAL,
} from "../../policy/passwordGenerator";
import { passwordSpec } from "../../components/passwordPolicy";

const SAFE = "!@%^*-_+=:,.~";

describe("policy service-user-password-connector-safe", () => {
    it("passes 16 or more characters drawn with a connector-safe overrideSpecial", () => {
        assert.deepEqual(passwordGeneratorViolations({ length: 16, special: true, overrideSpecial: SAFE }), []);
        assert.deepEqual(passwordGeneratorViolations({ length: 64, special: false }), []);
    });

    it("rejects a length below 16, naming passwordLength", () => {
        const [message, ...rest] = passwordGeneratorViolations({ length: 15, overrideSpecial: SAFE });
        assert.equal(rest.length, 0);
        assert.match(message, /length 15 is below 16/);
        assert.match(message, /passwordLength/);
        assert.equal(MIN_GENERATED_PASSWORD_LENGTH, 16);
    });

    it("rejects special symbols left at @pulumi/random's default set, which holds [ ] < > ? # &", () => {
        for (const c of "[]<>?#&") assert.ok(RANDOM_DEFAULT_SPECIAL.includes(c), c);
        const [message] = passwordGeneratorViolations({ length: 32 });
        assert.match(message, /default set/);
        assert.match(message, /"#", "&"/);
    });

    it("rejects any overrideSpecial containing [ ] < > ? # & or whitespace, naming the character", () => {
        const forbidden = fc.constantFrom(...CONNECTOR_FORBIDDEN_CHARACTERS, " ", "\t", "\n");
        fc.assert(fc.property(fc.string(), forbidden, fc.string(), fc.boolean(), (before, bad, after, special) => {
            const messages = passwordGeneratorViolations({ length: 32, special, overrideSpecial: `${before}${bad}${after}` });
            assert.equal(messages.length, 1);
            assert.ok(messages[0].includes(JSON.stringify(bad)), messages[0]);
        }), { numRuns: 500 });
    });

    it("passes every spec the service user's passwordSpec produces", () => {
        fc.assert(fc.property(fc.integer({ min: 16, max: 256 }), (length) => {
            assert.deepEqual(passwordGeneratorViolations(passwordSpec(length)), []);
        }), { numRuns: 200 });
    });
});
