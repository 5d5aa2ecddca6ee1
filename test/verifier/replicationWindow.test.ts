// AADSTS7000215 (secret), 700016 (app) and 50034 (user) are Entra ID's replication delay only while the object is
// new: within REPLICATION_WINDOW_MS of when it was created or changed. Outside that window, or when nothing says
// when, such an error gets two tries and is then reported as terminal, so a wrong Secret Value is named in seconds
// instead of at the timeout.
import assert from "node:assert/strict";
import type { Diagnosis } from "../../verifier/diagnosis";
import { diagnoseTokenError } from "../../verifier/diagnosis";
import { REPLICATION_WINDOW_MS, replicationCanExplain, retryUntilSettled, type AttemptOutcome, type RetryRuntime } from "../../verifier/retry";
import { JUST_PROVISIONED, verifyPresenceAccess } from "../../verifier/index";
import { startTenant, type Tenant } from "./support";

function runtime(changedAt?: RetryRuntime["changedAt"]): RetryRuntime & { t: number } {
    const rt = {
        t: 1_000_000,
        now: () => rt.t,
        sleep: async (ms: number) => { rt.t += ms; },
        random: () => 0.5,
        deadlineMs: 1_000_000 + 3_600_000,
        capMs: 10_000,
        progress: () => undefined,
        startedMs: 1_000_000,
        ...(changedAt ? { changedAt } : {}),
    };
    return rt;
}

const wrongSecret = (): AttemptOutcome<never> => ({ ok: false, diagnosis: diagnoseTokenError("Client credentials check", 401, { error: "invalid_client", error_codes: [7000215] }) });

describe("when replication can explain an error", () => {
    it("only within the window after the object was created or changed, or after the verification's start for \"now\"", () => {
        const started = 5_000_000;
        assert.equal(replicationCanExplain("secret", undefined, started, started), false);
        assert.equal(replicationCanExplain("secret", { app: "now" }, started, started), false, "another object's time says nothing about the secret");
        assert.equal(replicationCanExplain("secret", { secret: started - REPLICATION_WINDOW_MS + 1 }, started, started), true);
        assert.equal(replicationCanExplain("secret", { secret: started - REPLICATION_WINDOW_MS }, started, started), false);
        assert.equal(replicationCanExplain("user", { user: "now" }, started, started + REPLICATION_WINDOW_MS - 1), true);
        assert.equal(replicationCanExplain("user", { user: "now" }, started, started + REPLICATION_WINDOW_MS), false);
        // A clock behind the service's: a start date "in the future" is as new as it gets.
        assert.equal(replicationCanExplain("app", { app: started + 60_000 }, started, started), true);
    });

    it("marks exactly AADSTS7000215, 700016 and 50034 with the object whose replication could explain them", () => {
        const of = (code: number) => diagnoseTokenError("x", 400, { error_codes: [code] }).replicates;
        assert.deepEqual([7000215, 700016, 50034, 50126, 65001, 7000218].map(of), ["secret", "app", "user", undefined, undefined, undefined]);
    });
});

describe("retrying an error replication cannot explain", () => {
    it("stops after two tries with a terminal diagnosis that says why it is not replication", async () => {
        let tries = 0;
        const rt = runtime();
        const settled = await retryUntilSettled({ label: "Client credentials check", baseMs: 500 }, rt, async () => { tries++; return wrongSecret(); });
        assert.equal(tries, 2);
        assert.ok(!settled.ok);
        assert.equal(settled.gaveUp, false);
        assert.equal(settled.diagnosis.transient, false);
        assert.equal(settled.diagnosis.code, "invalid_client_secret");
        assert.match(settled.diagnosis.message, /Nothing says the newest client secret was created or changed in the last 10 minutes/);
        assert.ok(rt.t - 1_000_000 < 15_000);
    });

    it("names the time it knows when the object is older than the window", async () => {
        const settled = await retryUntilSettled({ label: "x", baseMs: 500 }, runtime({ secret: 1_000_000 - 86_400_000 }), async () => wrongSecret());
        assert.ok(!settled.ok);
        assert.match(settled.diagnosis.message, /The newest client secret was created or last changed at 1969-12-31T00:16:40\.000Z, more than 10 minutes before this try/);
    });

    it("keeps waiting while the object is new, then gives it two more tries once the window has passed", async () => {
        let tries = 0;
        const rt = runtime({ secret: "now" });
        const settled = await retryUntilSettled({ label: "x", baseMs: 500 }, rt, async () => { tries++; return wrongSecret(); });
        assert.ok(!settled.ok);
        assert.equal(settled.gaveUp, false);
        assert.ok(rt.t - 1_000_000 >= REPLICATION_WINDOW_MS, "it waited out the window");
        assert.ok(rt.t - 1_000_000 < REPLICATION_WINDOW_MS + 15_000);
        assert.ok(tries > 20);
    });

    it("reports the last try as terminal, not as a spent budget, when the budget allows a single try", async () => {
        const settled = await retryUntilSettled({ label: "x", baseMs: 500, maxAttempts: 1 }, runtime(), async () => ({ ok: false, diagnosis: diagnoseTokenError("x", 400, { error_codes: [50034] }) }));
        assert.ok(!settled.ok);
        assert.equal(settled.gaveUp, false);
        assert.equal(settled.attempts, 1);
        assert.match(settled.diagnosis.message, /Nothing says the service user was created or changed/);
    });

    it("leaves other transient errors alone: consent still waits for the deadline", async () => {
        let tries = 0;
        const consent: Diagnosis = diagnoseTokenError("x", 400, { error_codes: [65001] });
        const settled = await retryUntilSettled({ label: "x", baseMs: 500 }, runtime(), async () => { tries++; return { ok: false, diagnosis: consent }; });
        assert.ok(!settled.ok && settled.gaveUp);
        assert.ok(tries > 2);
    });
});

describe("a verification against the emulated tenant", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    it("diagnoses a wrong Secret Value after two client-credentials tries and within 15 s of its clock, spending no password attempt", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const report = await verifyPresenceAccess({ ...seed.handoff, secretValue: "Wrong~Secret.Value_123456789012345678" }, tenant.options());
        assert.equal(report.code, "invalid_client_secret");
        assert.equal(report.aadsts, 7000215);
        assert.equal(report.gaveUp, false);
        assert.equal(report.transient, false);
        assert.deepEqual(report.attempts, { clientCredentials: 2, password: 0, graph: 0 });
        assert.ok(report.elapsedMs <= 15_000, `diagnosed after ${report.elapsedMs} ms of the verifier's clock`);
        assert.equal(tenant.emulator.requests.filter((r) => r.grantType === "client_credentials").length, 2);
    });

    it("waits out a 30 s replication delay for a setup provisioned just before it", async () => {
        tenant.emulator.faults.replicationDelayMs = 30_000;
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const report = await verifyPresenceAccess(seed.handoff, tenant.options({ changedAt: JUST_PROVISIONED }));
        assert.equal(report.ok, true, report.message);
        assert.ok(report.elapsedMs >= 30_000);
    });

    it("reports a user that never appears as user_not_found after two password tries when the user is known to be old", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const dayAgo = tenant.time.ms - 86_400_000;
        const report = await verifyPresenceAccess({ ...seed.handoff, userEmail: "nobody@contoso.example" }, tenant.options({ changedAt: { secret: dayAgo, app: dayAgo, user: dayAgo } }));
        assert.equal(report.code, "user_not_found");
        assert.equal(report.gaveUp, false);
        assert.equal(report.attempts.password, 2);
    });
});
