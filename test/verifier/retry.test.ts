import assert from "node:assert/strict";
import fc from "fast-check";
import type { Diagnosis } from "../../verifier/diagnosis";
import { backoffDelay, parseRetryAfter, retryUntilSettled, shouldRetry, type AttemptOutcome, type RetryRuntime } from "../../verifier/retry";

const input = fc.record({
    retry: fc.integer({ min: 0, max: 60 }),
    baseMs: fc.integer({ min: 1, max: 5_000 }),
    capMs: fc.integer({ min: 0, max: 60_000 }),
    remainingMs: fc.integer({ min: -1_000, max: 600_000 }),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
    random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

const transient = (code: Diagnosis["code"] = "consent_missing", extra: Partial<Diagnosis> = {}): Diagnosis => ({ code, transient: true, message: code, ...extra });

function runtime(deadlineMs: number): RetryRuntime & { t: number; waits: number[] } {
    const rt = {
        t: 0,
        waits: [] as number[],
        now: () => rt.t,
        sleep: async (ms: number) => {
            rt.waits.push(ms);
            rt.t += ms;
        },
        random: () => 0.5,
        deadlineMs,
        capMs: 10_000,
        progress: () => undefined,
    };
    return rt;
}

describe("backoff schedule", () => {
    it("never waits longer than the cap (property)", () => {
        fc.assert(fc.property(input, (i) => {
            const d = backoffDelay(i);
            return !d.retry || d.waitMs <= i.capMs;
        }));
    });

    it("never waits into the deadline (property)", () => {
        fc.assert(fc.property(input, (i) => {
            const d = backoffDelay(i);
            return !d.retry || (d.waitMs >= 0 && d.waitMs < i.remainingMs);
        }));
    });

    it("honours Retry-After: it waits exactly that long, or gives up rather than retrying early (property)", () => {
        fc.assert(fc.property(input, (i) => {
            const d = backoffDelay(i);
            if (i.retryAfterMs === undefined) return true;
            return d.retry ? d.waitMs === i.retryAfterMs : i.retryAfterMs > i.capMs || i.retryAfterMs >= i.remainingMs || i.remainingMs <= 0;
        }));
    });

    it("draws full jitter from [0, min(cap, base * 2^retry)) (property)", () => {
        fc.assert(fc.property(input, (i) => {
            const d = backoffDelay({ ...i, retryAfterMs: undefined, remainingMs: Number.MAX_SAFE_INTEGER });
            return d.retry && d.waitMs <= Math.min(i.capMs, i.baseMs * 2 ** i.retry);
        }));
    });

    it("waits a Retry-After of exactly maxWaitSeconds, and gives up on one a millisecond longer", () => {
        // The cap (VerifyOptions.maxWaitSeconds) is the longest single wait the verifier accepts: the cap itself is allowed.
        const at = { retry: 0, baseMs: 500, capMs: 10_000, remainingMs: 60_000, random: 0.5 };
        assert.deepEqual(backoffDelay({ ...at, retryAfterMs: 10_000 }), { retry: true, waitMs: 10_000 });
        assert.deepEqual(backoffDelay({ ...at, retryAfterMs: 10_001 }), { retry: false, reason: "retry_after_beyond_cap" });
    });

    it("gives up once no time is left", () => {
        assert.deepEqual(backoffDelay({ retry: 0, baseMs: 500, capMs: 10_000, remainingMs: 0, random: 0.5 }), { retry: false, reason: "deadline" });
    });
});

describe("Retry-After parsing", () => {
    it("reads delay-seconds", () => assert.equal(parseRetryAfter("7", 0), 7000));
    it("reads an HTTP date relative to the clock", () => assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:30 GMT", 10_000), 20_000));
    it("ignores a missing or malformed header", () => {
        assert.equal(parseRetryAfter(null, 0), undefined);
        assert.equal(parseRetryAfter("soon", 0), undefined);
    });
});

describe("retry loop", () => {
    it("never retries account_locked, even though it is a password failure", () => {
        assert.equal(shouldRetry({ code: "account_locked", transient: true, message: "" }), false);
        assert.equal(shouldRetry(transient()), true);
    });

    it("stops after maxAttempts requests and says it gave up on the budget", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 2000, maxAttempts: 5 }, rt, async () => {
            calls += 1;
            return { ok: false, diagnosis: transient("invalid_credentials") };
        });
        assert.equal(calls, 5);
        assert.equal(rt.waits.length, 4);
        assert.ok(!settled.ok && settled.gaveUp && settled.reason === "attempt_budget");
    });

    it("stops at once on a terminal error", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async (): Promise<AttemptOutcome<never>> => {
            calls += 1;
            return { ok: false, diagnosis: { code: "mfa_required", transient: false, message: "" } };
        });
        assert.equal(calls, 1);
        assert.ok(!settled.ok && !settled.gaveUp);
    });

    it("reports the last answered error, not a later request that got no response, when it gives up", async () => {
        const rt = runtime(30_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async (): Promise<AttemptOutcome<never>> => {
            calls += 1;
            rt.t += 1_000;
            return { ok: false, diagnosis: calls === 1 ? transient("app_not_found") : { code: "timeout", transient: true, noResponse: true, message: "" } };
        });
        assert.ok(!settled.ok && settled.gaveUp);
        assert.equal(settled.diagnosis.code, "app_not_found");
    });

    it("keeps the whole loop inside the deadline (property)", async () => {
        const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
        await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 600_000 }), draw, fc.integer({ min: 1, max: 2_000 }), async (deadline, r, requestMs) => {
            const rt = runtime(deadline);
            rt.random = () => r;
            const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async () => {
                rt.t += requestMs; // every request takes some time
                return { ok: false, diagnosis: transient() };
            });
            // the last request may start just before the deadline and end after it; no wait crosses it
            return !settled.ok && settled.gaveUp && rt.t - requestMs < deadline && rt.waits.every((w) => w <= rt.capMs);
        }), { numRuns: 50 });
    });
});

describe("waits bounded by a share of the time spent", () => {
    it("never computes a wait above maxBackoffMs, yet honours a longer Retry-After up to the cap (property)", () => {
        fc.assert(fc.property(input, fc.integer({ min: 0, max: 60_000 }), (i, bound) => {
            const d = backoffDelay({ ...i, maxBackoffMs: bound });
            if (!d.retry) return true;
            return i.retryAfterMs !== undefined ? d.waitMs === i.retryAfterMs : d.waitMs <= bound;
        }));
    });

    it("keeps each wait within max(base, share x time since the step's first attempt) (property)", async () => {
        await fc.assert(fc.asyncProperty(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 3_000 }), async (r, requestMs) => {
            const rt = runtime(600_000);
            rt.random = () => r;
            const waitsAt: { wait: number; spent: number }[] = [];
            let calls = 0;
            const started = rt.t;
            const sleep = rt.sleep;
            rt.sleep = async (ms: number) => {
                waitsAt.push({ wait: ms, spent: rt.t - started });
                await sleep(ms);
            };
            await retryUntilSettled({ label: "cc", baseMs: 500, maxWaitShare: 0.2 }, rt, async () => {
                calls += 1;
                rt.t += requestMs;
                return calls < 30 ? { ok: false, diagnosis: transient("app_not_found") } : { ok: true, value: 1 };
            });
            return waitsAt.every(({ wait, spent }) => wait <= Math.max(500, 0.2 * spent));
        }), { numRuns: 100 });
    });
});

describe("password-attempt spacing", () => {
    it("keeps every wait at least minFraction of its ceiling, so five attempts span replication delays", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, random) => {
            const decision = backoffDelay({ retry, baseMs: 10_000, capMs: 10_000, remainingMs: 600_000, random, minFraction: 0.75 });
            assert.ok(decision.retry && decision.waitMs >= 7_500 && decision.waitMs <= 10_000, JSON.stringify(decision));
        }));
    });
});

describe("backoff schedule, exactly", () => {
    const plain = { retry: 0, baseMs: 1000, capMs: 10_000, remainingMs: 600_000, random: 0.5 };

    it("waits half the first ceiling for a mid-range draw with the default full jitter", () => {
        assert.deepEqual(backoffDelay(plain), { retry: true, waitMs: 500 });
    });

    it("doubles the ceiling with every retry: the third retry draws from base x 4", () => {
        assert.deepEqual(backoffDelay({ ...plain, retry: 2 }), { retry: true, waitMs: 2000 });
    });

    it("keeps minFraction of the ceiling and jitters only the rest", () => {
        assert.deepEqual(backoffDelay({ ...plain, minFraction: 0.5 }), { retry: true, waitMs: 750 });
    });

    it("says the deadline, not the cap, when no time is left even if Retry-After is beyond the cap", () => {
        assert.deepEqual(backoffDelay({ ...plain, remainingMs: 0, retryAfterMs: 20_000 }), { retry: false, reason: "deadline" });
    });

    it("gives up rather than honour a Retry-After that ends exactly at the deadline", () => {
        assert.deepEqual(backoffDelay({ ...plain, remainingMs: 3000, retryAfterMs: 3000 }), { retry: false, reason: "deadline" });
        assert.deepEqual(backoffDelay({ ...plain, remainingMs: 3001, retryAfterMs: 3000 }), { retry: true, waitMs: 3000 });
    });

    it("gives up rather than wait until exactly the deadline", () => {
        assert.deepEqual(backoffDelay({ ...plain, remainingMs: 500 }), { retry: false, reason: "deadline" });
        assert.deepEqual(backoffDelay({ ...plain, remainingMs: 501 }), { retry: true, waitMs: 500 });
    });
});

describe("Retry-After parsing, strictly", () => {
    // Graph $batch answers carry headers as JSON values, which no HTTP stack has trimmed (verifier/roster.ts).
    it("reads delay-seconds with surrounding whitespace", () => assert.equal(parseRetryAfter(" 7 ", 0), 7000));
    it("ignores a value that is neither whole delay-seconds nor a date", () => {
        assert.equal(parseRetryAfter("x5", 0), undefined);
        assert.equal(parseRetryAfter("5x", 0), undefined);
    });
});

describe("retry loop, what the admin is told", () => {
    const noResponse: Diagnosis = { code: "timeout", transient: true, noResponse: true, message: "no answer" };

    it("sends nothing once the deadline has passed and says no request could be sent before the timeout", async () => {
        const rt = runtime(5_000);
        rt.t = 5_000;
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async () => {
            calls += 1;
            return { ok: true, value: 1 };
        });
        assert.equal(calls, 0);
        assert.deepEqual(settled, {
            ok: false,
            diagnosis: { code: "timeout", transient: true, noResponse: true, message: "No request could be sent before the timeout." },
            gaveUp: true,
            reason: "deadline",
            attempts: 0,
        });
    });

    it("sends nothing with a budget of zero requests and says the budget, not the deadline, ended it", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500, maxAttempts: 0 }, rt, async () => {
            calls += 1;
            return { ok: true, value: 1 };
        });
        assert.equal(calls, 0);
        assert.ok(!settled.ok && settled.reason === "attempt_budget" && settled.attempts === 0);
    });

    it("reports the last answered error when a wait overruns the deadline after a request that got no response", async () => {
        const rt = runtime(10_000);
        rt.sleep = async (ms: number) => {
            rt.waits.push(ms);
            rt.t += rt.waits.length === 2 ? 60_000 : ms; // a suspended laptop: the second wait overruns
        };
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async (): Promise<AttemptOutcome<never>> => {
            calls += 1;
            return { ok: false, diagnosis: calls === 1 ? transient("app_not_found") : noResponse };
        });
        assert.equal(calls, 2);
        assert.ok(!settled.ok && settled.gaveUp && settled.reason === "deadline");
        assert.equal(settled.diagnosis.code, "app_not_found");
    });

    it("counts the requests sent when a terminal error stops the loop", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async (): Promise<AttemptOutcome<never>> => {
            calls += 1;
            return { ok: false, diagnosis: calls === 1 ? transient() : { code: "mfa_required", transient: false, message: "" } };
        });
        assert.ok(!settled.ok && !settled.gaveUp && settled.attempts === 2);
    });

    it("spends the whole password budget, counts every request, and reports the last answered error", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        const settled = await retryUntilSettled({ label: "p", baseMs: 500, maxAttempts: 3 }, rt, async (): Promise<AttemptOutcome<never>> => {
            calls += 1;
            return { ok: false, diagnosis: calls === 1 ? transient("invalid_credentials") : noResponse };
        });
        assert.ok(!settled.ok && settled.gaveUp && settled.reason === "attempt_budget" && settled.attempts === 3);
        assert.equal(settled.diagnosis.code, "invalid_credentials");
    });

    it("refuses a Retry-After beyond the cap after one request and counts that request", async () => {
        const rt = runtime(600_000);
        const settled = await retryUntilSettled({ label: "p", baseMs: 500 }, rt, async () => ({ ok: false, diagnosis: transient("throttled", { retryAfterMs: 20_000 }) }));
        assert.ok(!settled.ok && settled.gaveUp && settled.reason === "retry_after_beyond_cap" && settled.attempts === 1);
    });

    it("lets waits grow with the time the step has spent, up to the share of it", async () => {
        const rt = runtime(600_000);
        let calls = 0;
        await retryUntilSettled({ label: "cc", baseMs: 500, maxWaitShare: 0.5 }, rt, async () => {
            calls += 1;
            rt.t += 8_000; // each request takes 8 s, so the share never binds below base x 2^retry
            return calls < 5 ? { ok: false, diagnosis: transient("app_not_found") } : { ok: true, value: 1 };
        });
        assert.deepEqual(rt.waits, [250, 500, 1000, 2000]);
    });

    it("tells the admin the error, its AADSTS number when there is one, and the wait in seconds", async () => {
        const rt = runtime(600_000);
        const lines: string[] = [];
        rt.progress = (line) => lines.push(line);
        let calls = 0;
        await retryUntilSettled({ label: "Password sign-in", baseMs: 1000 }, rt, async () => {
            calls += 1;
            if (calls === 1) return { ok: false, diagnosis: transient("app_not_found", { aadsts: 700016 }) };
            if (calls === 2) return { ok: false, diagnosis: transient("consent_missing") };
            return { ok: true, value: 1 };
        });
        assert.deepEqual(lines, [
            "Password sign-in: app_not_found (AADSTS700016), retrying in 0.5 s",
            "Password sign-in: consent_missing, retrying in 1.0 s",
        ]);
    });
});
