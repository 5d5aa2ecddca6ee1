// Presence pacing on a fake clock: Graph allows 1,500 presence requests in any 30 s per app and tenant
// (presence-get.md, cloudcommunications-getpresencesbyuserid.md), so the verifier never sends more.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { GraphRequestSpec, GraphSession } from "../../verifier/graph";
import { pacePresenceRequests, PRESENCE_REQUEST_LIMIT, PRESENCE_WINDOW_MS, WindowPacer } from "../../verifier/pacing";
import type { AttemptOutcome } from "../../verifier/retry";

class FakeClock {
    t = 0;
    readonly sleeps: number[] = [];
    readonly now = (): number => this.t;
    readonly sleep = async (ms: number): Promise<void> => {
        this.sleeps.push(ms);
        this.t += ms;
    };
}

/** The largest number of starts inside any window [t, t + windowMs); checking windows that begin at a start suffices. */
function busiestWindow(starts: readonly number[], windowMs: number): number {
    const sorted = [...starts].sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
        while (j < sorted.length && sorted[j] < sorted[i] + windowMs) j++;
        best = Math.max(best, j - i);
    }
    return best;
}

describe("presence request pacing", () => {
    it("lets 1,500 presence requests start at once and holds the 1,501st until 30 s after the first", async () => {
        const clock = new FakeClock();
        const pacer = new WindowPacer(PRESENCE_REQUEST_LIMIT, PRESENCE_WINDOW_MS, clock);
        for (let i = 0; i < 1_500; i++) assert.equal(await pacer.acquire(), 0);
        assert.equal(clock.t, 0);
        assert.equal(await pacer.acquire(), 30_000);
        assert.equal(clock.t, 30_000);
        assert.deepEqual(clock.sleeps, [30_000]);
    });

    it("never starts more than the limit in any window, and never waits when the trailing window has room (property)", async () => {
        const arrivals = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 120 });
        await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 100, max: 2_000 }), arrivals, async (limit, windowMs, gaps) => {
            const clock = new FakeClock();
            const pacer = new WindowPacer(limit, windowMs, clock);
            const starts: number[] = [];
            for (const gap of gaps) {
                clock.t += gap; // time the caller spends between requests
                const before = clock.t;
                const inWindow = starts.filter((s) => s > before - windowMs).length;
                const waited = await pacer.acquire();
                assert.equal(waited === 0, inWindow < limit, "waits exactly when the trailing window is full");
                starts.push(clock.t);
            }
            return busiestWindow(starts, windowMs) <= limit;
        }), { numRuns: 300 });
    });

    it("returns the time a caller really waited on a clock that reads the time of day, not its start time", async () => {
        // The caller takes this wait off its remaining time (pacePresenceRequests), so it must be a duration.
        const clock = new FakeClock();
        clock.t = Date.UTC(2026, 11, 2, 9, 0, 0);
        const pacer = new WindowPacer(1, 1_000, clock);
        assert.equal(await pacer.acquire(), 0);
        // A caller with 5 s left can afford the 1 s wait: only the wait counts against its time, not the clock.
        assert.equal(await pacer.acquire(5_000), 1_000);
    });

    it("serves concurrent callers one at a time, so together they still keep the limit", async () => {
        const clock = new FakeClock();
        const pacer = new WindowPacer(3, 1_000, clock);
        const starts: number[] = [];
        await Promise.all(Array.from({ length: 10 }, () => pacer.acquire().then(() => starts.push(clock.t))));
        assert.deepEqual(starts, [0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 3_000]);
    });

    it("refuses to wait past the caller's deadline and records nothing then", async () => {
        const clock = new FakeClock();
        const pacer = new WindowPacer(1, 1_000, clock);
        assert.equal(await pacer.acquire(500), 0);
        assert.equal(await pacer.acquire(500), undefined);
        assert.equal(clock.t, 0);
        assert.equal(await pacer.acquire(), 1_000);
    });

    it("paces every presence request the session sends (each retry is one) and nothing else", async () => {
        const clock = new FakeClock();
        const sent: { stage: string; at: number; budget: number }[] = [];
        const inner: GraphSession = {
            attempt: async (spec: GraphRequestSpec, remainingMs: number): Promise<AttemptOutcome<unknown>> => {
                sent.push({ stage: spec.stage, at: clock.t, budget: remainingMs });
                return { ok: true, value: {} };
            },
            retry: async () => ({ ok: true, value: undefined as never }),
        };
        const session = pacePresenceRequests(inner, clock, new WindowPacer(2, 30_000, clock));
        const presence: GraphRequestSpec = { method: "POST", path: "/communications/getPresencesByUserId", where: "p", stage: "presence" };
        const lookup: GraphRequestSpec = { method: "POST", path: "/$batch", where: "l", stage: "userLookup" };
        for (const spec of [presence, lookup, lookup, presence, lookup, presence]) await session.attempt(spec, 100_000);
        assert.deepEqual(sent.map((s) => `${s.stage}@${s.at}`), ["presence@0", "userLookup@0", "userLookup@0", "presence@0", "userLookup@0", "presence@30000"]);
        assert.equal(sent[5].budget, 70_000, "the wait comes out of the request's time budget");
        await session.attempt(presence, 100_000); // the window from 30 s on is full again
        const refused = await session.attempt(presence, 1_000);
        assert.ok(!refused.ok && refused.diagnosis.code === "throttled" && refused.diagnosis.transient);
        assert.equal(refused.diagnosis.message, "p: waiting for Graph's presence budget (1500 requests per 30 s) would pass the verification's deadline.");
    });

    it("refuses a limit that is not a positive whole number and a window that is not positive, saying what it got", () => {
        const clock = new FakeClock();
        for (const limit of [0, -1, 1.5, Number.NaN]) {
            assert.throws(() => new WindowPacer(limit, 1_000, clock), { name: "RangeError", message: `limit must be a positive integer, got ${limit}` });
        }
        for (const windowMs of [0, -5, Number.NaN]) {
            assert.throws(() => new WindowPacer(1, windowMs, clock), { name: "RangeError", message: `windowMs must be positive, got ${windowMs}` });
        }
        assert.equal(new WindowPacer(1, 0.5, clock).limit, 1);
    });

    it("refuses a wait that would use up the caller's whole remaining time, leaving none for the request", async () => {
        const clock = new FakeClock();
        const pacer = new WindowPacer(1, 1_000, clock);
        assert.equal(await pacer.acquire(), 0);
        assert.equal(await pacer.acquire(1_000), undefined);
        assert.equal(await pacer.acquire(1_001), 1_000);
    });

    it("counts a request from when it really started when the timer wakes late, so the next one still keeps the window", async () => {
        const clock = new FakeClock();
        const late = { now: clock.now, sleep: (ms: number) => clock.sleep(ms + 100) };
        const pacer = new WindowPacer(1, 1_000, late);
        const starts: number[] = [];
        for (let i = 0; i < 4; i++) {
            await pacer.acquire();
            starts.push(clock.t);
        }
        assert.deepEqual(starts, [0, 1_100, 2_200, 3_300]);
    });
    it("never lets limit + 1 requests start in one window when the timer wakes early, but sleeps again until there is room", async () => {
        const clock = new FakeClock();
        let early = true;
        const wakesEarlyOnce = { now: clock.now, sleep: async (ms: number) => {
            await clock.sleep(early ? ms - 1 : ms);
            early = false;
        } };
        const pacer = new WindowPacer(2, 1_000, wakesEarlyOnce);
        const starts: number[] = [];
        const waits: (number | undefined)[] = [];
        for (let i = 0; i < 6; i++) {
            waits.push(await pacer.acquire());
            starts.push(clock.t);
        }
        assert.equal(busiestWindow(starts, 1_000), 2);
        assert.deepEqual(clock.sleeps, [999, 1, 1_000], "after waking 1 ms early it sleeps the last millisecond again");
        assert.deepEqual(starts, [0, 0, 1_000, 1_000, 2_000, 2_000]);
        assert.deepEqual(waits, [0, 0, 1_000, 0, 1_000, 0], "each wait is the time really spent waiting");
    });
});
