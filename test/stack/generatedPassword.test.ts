// The generated password is checked before the service user gets it: the password sign-in (ROPC) accepts
// [ ] < > ? # &, so the post-deploy verification would pass with such a password and only the connector fail.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { checkedGeneratedPassword, GeneratedPasswordError } from "../../components/serviceUser";
import { UserError } from "../../components/userError";
import { AZUREAD_TYPES, azureInvokeHandlers, azureResourceHandlers, BASE_CONFIG, MockTenant } from "../support/tenantMocks";
import { installMocks, RecordingMocks } from "../support/pulumiHarness";

const T = AZUREAD_TYPES;
const NOW = new Date("2026-11-27T10:00:00Z");

/** Runs the program with @pulumi/random drawing `drawn`; returns the mocks and how each output settled. */
async function runDrawing(drawn: string) {
    const resources = azureResourceHandlers(new MockTenant({ now: NOW }));
    const mocks = new RecordingMocks(azureInvokeHandlers(), {
        ...resources,
        [T.random]: async (args) => ({ ...(await resources[T.random](args)), result: drawn }),
    });
    await installMocks(mocks, { config: BASE_CONFIG });
    const { main } = await import("../../stack/main");
    const outputs = await main({ now: NOW });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const settled = await Promise.allSettled(Object.values(outputs).map((v) => (pulumi.Output.isInstance(v) ? (v as any).promise() : v)));
    return { mocks, failures: settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : [])) };
}

describe("a generated password the connector cannot take", function () {
    const drawn = "Abcd1234!efgh[ijklmnopqrstuvwxyz";

    it("is never set on the service user: the update fails with GeneratedPasswordError naming the rule, not the password", async () => {
        const { mocks, failures } = await runDrawing(drawn);
        assert.equal(mocks.byType(T.random).length, 1);
        assert.deepEqual(mocks.byType(T.user), []);
        assert.ok(failures.length > 0, "no output failed");
        for (const failure of failures) {
            assert.ok(failure instanceof GeneratedPasswordError, String(failure));
            assert.ok(failure instanceof UserError, "pulumi up prints only the message");
            assert.deepEqual(failure.problems, ["contains a character the connector rejects ([ ] < > ? # &)"]);
            assert.ok(!failure.message.includes(drawn), "the message quotes the password");
        }
    });

    it("says what happened, why and what to do", () => {
        assert.throws(() => checkedGeneratedPassword("Abcd1234!efgh[ijkl", 16), (e: Error) => {
            assert.equal(e.message,
                "The password generated for the service user breaks a rule of Entra ID or the connector (contains a character " +
                "the connector rejects ([ ] < > ? # &)), so it was not set on the user. The alphabet passwordSpec hands " +
                "@pulumi/random (components/passwordPolicy.ts) allows what it must not: fix it and run pulumi up again; " +
                "a changed alphabet draws a new password.");
            assert.equal(e.name, "GeneratedPasswordError");
            return true;
        });
    });

    it("is measured against the configured passwordLength: 31 characters are refused for 32", () => {
        assert.throws(() => checkedGeneratedPassword("Ab1!".repeat(8).slice(1), 32), (e: GeneratedPasswordError) => {
            assert.deepEqual(e.problems, ["shorter than 32 characters"]);
            return true;
        });
    });

    it("passes a password that meets every rule through unchanged", () => {
        assert.equal(checkedGeneratedPassword("Ab1!".repeat(8), 32), "Ab1!".repeat(8));
    });

    it("lets a good drawn password reach the service user", async () => {
        const { mocks, failures } = await runDrawing("Abcd1234!efgh~ijklmnopqrstuvwxyz");
        assert.deepEqual(failures, []);
        assert.equal(mocks.byType(T.user).length, 1);
    });
});
