// Rules a person reading a message relies on: how much of a bad currentSecretCreatedAt output a message quotes, why a
// replication-like error stopped the verifier and after how many tries, and the endpoint rule spelled out when an
// endpoint is refused.
import assert from "node:assert/strict";
import { HandoffOutputsError, secretCreatedAtOf } from "../../handoff/outputs";
import { notReplication, type Diagnosis } from "../../verifier/diagnosis";
import { checkEndpoint, endpointProblem } from "../../verifier/endpoints";

describe("a currentSecretCreatedAt output that is not a date-time", () => {
    it("is quoted with its first 80 characters only", () => {
        const value = `${"x".repeat(80)}TAIL-BEYOND-EIGHTY`;
        assert.throws(() => secretCreatedAtOf({ currentSecretCreatedAt: value }, "--stack contoso"), (e: Error) => {
            assert.ok(e instanceof HandoffOutputsError);
            assert.ok(e.message.startsWith(`--stack contoso output currentSecretCreatedAt "${"x".repeat(80)}" must be null or`), e.message);
            assert.ok(!e.message.includes("TAIL"), e.message);
            return true;
        });
    });
});

describe("an error replication could explain, seen when it cannot", () => {
    const failure: Diagnosis = { code: "invalid_client_secret", transient: true, replicates: "secret", message: "The token endpoint refused the client secret." };

    it("says where the creation time comes from when nothing gives one", () => {
        const message = notReplication(failure, undefined, 30 * 60_000, 3).message;
        assert.equal(message, "The token endpoint refused the client secret. Nothing says the newest client secret was created or changed in the " +
            "last 30 minutes, when Entra ID's replication could explain this (npm run verify takes that from the stack's " +
            "currentSecretCreatedAt output, or from --fresh right after a change); the verifier stopped after 3 tries.");
    });

    it("says an older change is not a replication delay", () => {
        const changedAt = Date.parse("2026-03-01T08:00:00.000Z");
        const message = notReplication(failure, changedAt, 30 * 60_000, 2).message;
        assert.equal(message, "The token endpoint refused the client secret. The newest client secret was created or last changed at " +
            "2026-03-01T08:00:00.000Z, more than 30 minutes before this try: longer than Entra ID's replication is taken to need, " +
            "so this is not a replication delay; the verifier stopped after 2 tries.");
    });

    it("counts one try as 'try' and more as 'tries'", () => {
        assert.match(notReplication(failure, undefined, 30 * 60_000, 1).message, /; the verifier stopped after 1 try\.$/);
        assert.match(notReplication(failure, undefined, 30 * 60_000, 2).message, /; the verifier stopped after 2 tries\.$/);
    });
});

describe("a refused endpoint", () => {
    it("is told the endpoint rule in full", () => {
        const rule = "https://, or http:// only for a loopback host (127.0.0.0/8, localhost or [::1])";
        assert.equal(endpointProblem("http://192.0.2.2:4000"), `must use ${rule}`);
        assert.equal(endpointProblem("login.microsoftonline.com"), `must be an absolute URL: ${rule}, such as https://login.microsoftonline.com`);
        assert.throws(() => checkEndpoint("authorityHost", 42), { name: "EndpointError", message: `authorityHost must be a URL: ${rule}` });
    });
});
