// Request pacing: Graph allows 1,500 presence requests in any 30-second period per app and tenant
// (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/presence-get.md and
// cloudcommunications-getpresencesbyuserid.md). The verifier shares that budget with the jtel connector
// polling the same app, so it keeps under it instead of spending the budget and waiting out 429s.
import type { Diagnosis } from "./diagnosis";
import type { GraphSession } from "./graph";

export const PRESENCE_REQUEST_LIMIT = 1_500;
export const PRESENCE_WINDOW_MS = 30_000;

export interface PacerClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

/**
 * A sliding-window limiter: at most `limit` requests start in any window of `windowMs`. Unlike a token
 * bucket it never lets a burst straddle two windows, so the bound holds for every window, not just aligned
 * ones. Callers are served one at a time, in order, so concurrent callers cannot overshoot together.
 */
export class WindowPacer {
    /** Start times of the requests still inside the trailing window, oldest first. */
    private readonly starts: number[] = [];
    private queue: Promise<unknown> = Promise.resolve();

    constructor(
        readonly limit: number,
        readonly windowMs: number,
        private readonly clock: PacerClock,
    ) {
        if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
        if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    }

    /**
     * Waits until one more request may start, records it and returns how long it waited. When that wait
     * would reach `maxWaitMs` it waits not at all, records nothing and returns undefined.
     */
    acquire(maxWaitMs = Number.POSITIVE_INFINITY): Promise<number | undefined> {
        const turn = this.queue.then(() => this.take(maxWaitMs));
        this.queue = turn.catch(() => undefined);
        return turn;
    }

    /**
     * Loops rather than trusting one sleep: Node's timers run on a monotonic clock while `now` is usually
     * Date.now(), so a sleep can end a millisecond before the deadline by `now`, and a start recorded while the
     * oldest one is still in the window would put limit + 1 in it. The start recorded is the real one.
     */
    private async take(maxWaitMs: number): Promise<number | undefined> {
        const arrived = this.clock.now();
        for (;;) {
            const now = this.clock.now();
            this.forget(now);
            if (this.starts.length < this.limit) {
                this.starts.push(now);
                return now - arrived;
            }
            // The window holds exactly `limit` starts here (this loop never records more): room comes when the oldest leaves.
            const waitMs = this.starts[0] + this.windowMs - now;
            if (now - arrived + waitMs >= maxWaitMs) return undefined;
            await this.clock.sleep(waitMs);
        }
    }

    /** A start at s counts against every window [t, t + windowMs) with t <= s; once s <= now - windowMs no window from now on holds it. */
    private forget(now: number): void {
        while (this.starts.length > 0 && this.starts[0] <= now - this.windowMs) this.starts.shift();
    }
}

function budgetExhausted(where: string): Diagnosis {
    return {
        code: "throttled",
        transient: true,
        message: `${where}: waiting for Graph's presence budget (${PRESENCE_REQUEST_LIMIT} requests per ${PRESENCE_WINDOW_MS / 1000} s) would pass the verification's deadline.`,
    };
}

/** The session with every presence request (stage "presence", retries included) paced through `pacer`. */
export function pacePresenceRequests(session: GraphSession, clock: PacerClock, pacer = new WindowPacer(PRESENCE_REQUEST_LIMIT, PRESENCE_WINDOW_MS, clock)): GraphSession {
    return {
        ...session,
        attempt: async (spec, remainingMs) => {
            if (spec.stage !== "presence") return session.attempt(spec, remainingMs);
            const waitedMs = await pacer.acquire(remainingMs);
            if (waitedMs === undefined) return { ok: false, diagnosis: budgetExhausted(spec.where) };
            return session.attempt(spec, remainingMs - waitedMs);
        },
    };
}
