// How soon the verification notices that a new tenant setup has replicated: the client-credentials check
// waits at most a fifth of the time spent so far, so a replication delay D is verified by 1.2 x D plus one
// base wait (on the fake clock requests take no time; `npm run bench` measures it with real requests).
import assert from "node:assert/strict";
import { JUST_PROVISIONED, verifyPresenceAccess } from "../../verifier/index";
import { startTenant, type Tenant } from "./support";

describe("time to verified after a replication delay", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    for (const delayMs of [5_000, 30_000, 120_000]) {
        for (const random of [0, 0.5, 0.999]) {
            it(`verifies a setup that replicates after ${delayMs / 1000} s by 1.2 x that + 0.5 s, with one password attempt (jitter draw ${random})`, async () => {
                tenant.emulator.faults.replicationDelayMs = delayMs;
                const seed = tenant.emulator.directory.seedPresenceSetup();
                const report = await verifyPresenceAccess(seed.handoff, tenant.options({ random: () => random, changedAt: JUST_PROVISIONED }));
                assert.equal(report.ok, true, report.message);
                assert.ok(report.elapsedMs >= delayMs, "nothing could succeed before the delay");
                assert.ok(report.elapsedMs <= 1.2 * delayMs + 500, `verified after ${report.elapsedMs} ms`);
                assert.equal(report.attempts.password, 1);
            });
        }
    }
});
