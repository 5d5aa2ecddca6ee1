import assert from "node:assert/strict";
import fc from "fast-check";
import { REDACTED, redact } from "../../verifier/redact";

// Longer than "[redacted]", so a secret can never reappear inside the replacement itself.
const secret = fc.string({ minLength: 12, maxLength: 40 });

describe("redaction", () => {
    it("removes every occurrence of every secret (property)", () => {
        fc.assert(fc.property(secret, secret, fc.array(fc.string(), { maxLength: 5 }), (a, b, noise) => {
            const text = [...noise, a, b, a].join(" ");
            const out = redact(text, [a, b]);
            return !out.includes(a) && !out.includes(b);
        }));
    });

    it("removes the form-encoded and URI-encoded spellings of a secret", () => {
        const password = "Pa ss+w&rd=1/é";
        const text = `password=${new URLSearchParams({ p: password }).toString().slice(2)} or ${encodeURIComponent(password)}`;
        const out = redact(text, [password]);
        assert.ok(!out.includes(encodeURIComponent(password)));
        assert.ok(!out.includes(new URLSearchParams({ p: password }).toString().slice(2)));
    });

    it("removes a secret's JSON-escaped spelling inside a longer JSON string a server echoed back", () => {
        const password = 'Pa"ss\\w0rd-42';
        const text = JSON.stringify({ error: `password ${password} was refused` });
        assert.equal(redact(text, [password]), `{"error":"password ${REDACTED} was refused"}`);
    });

    it("removes a secret that contains another secret whole, leaving no tail of it", () => {
        const short = "Tenant-Secret-01";
        const long = "Tenant-Secret-01-and-its-longer-sibling";
        assert.equal(redact(`first ${long} then ${short}`, [short, long]), `first ${REDACTED} then ${REDACTED}`);
        assert.equal(redact(`first ${long} then ${short}`, [long, short]), `first ${REDACTED} then ${REDACTED}`);
    });

    it("removes anything shaped like a JWT even when it was not listed", () => {
        const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJVc2VyLlJlYWQifQ.c2lnbmF0dXJl";
        assert.equal(redact(`Bearer ${jwt}`, []), `Bearer ${REDACTED}`);
    });

    it("leaves text without secrets unchanged and ignores empty secrets", () => {
        assert.equal(redact("AADSTS50126: invalid password", ["", undefined]), "AADSTS50126: invalid password");
    });
});
