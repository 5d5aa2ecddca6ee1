// The generated-password policy at its edges: each character the connector rejects on its own, spelled out here
// (a character dropped from the pack's list or from its check fails its own test), and the length at 15 and 16.
import { strict as assert } from "node:assert";
import { passwordGeneratorViolations } from "../../policy/passwordGenerator";

const SAFE = "!@%^*-_+=:,.~";

describe("policy service-user-password-connector-safe, one character at a time", () => {
    for (const c of ["[", "]", "<", ">", "?", "#", "&"]) {
        it(`rejects an overrideSpecial whose only unsafe symbol is ${c}, naming it`, () => {
            const messages = passwordGeneratorViolations({ length: 32, special: true, overrideSpecial: `${SAFE}${c}` });
            assert.equal(messages.length, 1, messages.join("\n"));
            assert.ok(messages[0].includes(`include ${JSON.stringify(c)}: the connector rejects`), messages[0]);
        });
    }

    for (const [c, name] of [[" ", "a space"], ["\t", "a tab"], ["\n", "a line break"]]) {
        it(`rejects an overrideSpecial holding ${name}, which ROPC would refuse at either end`, () => {
            const messages = passwordGeneratorViolations({ length: 32, special: true, overrideSpecial: `${SAFE}${c}` });
            assert.equal(messages.length, 1, messages.join("\n"));
            assert.ok(messages[0].includes(`include ${JSON.stringify(c)}:`), messages[0]);
        });
    }

    it("names every unsafe symbol of @pulumi/random's default set when overrideSpecial is unset", () => {
        const [message] = passwordGeneratorViolations({ length: 32 });
        assert.ok(message.includes('include "#", "&", "[", "]", "<", ">", "?":'), message);
    });

    it("passes a generated length of 16, the shortest passwordLength", () => {
        assert.deepEqual(passwordGeneratorViolations({ length: 16, overrideSpecial: SAFE }), []);
    });

    it("rejects a generated length of 15", () => {
        const messages = passwordGeneratorViolations({ length: 15, overrideSpecial: SAFE });
        assert.equal(messages.length, 1);
        assert.match(messages[0], /^the generated password's length 15 is below 16:/);
    });
});
