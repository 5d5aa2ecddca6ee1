import { notReplication, type Diagnosis, type ReplicatedObject } from "./diagnosis";

// Retry decisions are pure so the backoff schedule can be property-tested; `retryUntilSettled` is the
// only place that waits, through the injected clock and sleep.

export interface BackoffInput {
    /** 0 before the first retry, 1 before the second, ... */
    retry: number;
    /** Ceiling of the first wait; doubles with every retry. */
    baseMs: number;
    /** No wait is longer than this (`maxWaitSeconds`). */
    capMs: number;
    /** Time left before the verification's deadline. */
    remainingMs: number;
    /** What the server asked for with Retry-After, if it did. */
    retryAfterMs?: number;
    /** A uniform draw from [0, 1). */
    random: number;
    /** Share of the ceiling every wait keeps before jitter: 0 is full jitter (the default). */
    minFraction?: number;
    /** Bound on the computed wait only; a Retry-After is still honoured up to capMs. */
    maxBackoffMs?: number;
}

export type GiveUpReason = "deadline" | "retry_after_beyond_cap" | "attempt_budget";

export type BackoffDecision = { retry: true; waitMs: number } | { retry: false; reason: GiveUpReason };

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). A
 * Retry-After is honoured exactly: retrying sooner only earns another 429. A wait that would reach the
 * deadline is pointless, and a Retry-After above the cap is refused rather than shortened.
 */
export function backoffDelay(input: BackoffInput): BackoffDecision {
    const { retry, baseMs, capMs, remainingMs, retryAfterMs, random } = input;
    const floor = Math.min(Math.max(input.minFraction ?? 0, 0), 1);
    if (remainingMs <= 0) return { retry: false, reason: "deadline" };
    if (retryAfterMs !== undefined) {
        if (retryAfterMs > capMs) return { retry: false, reason: "retry_after_beyond_cap" };
        if (retryAfterMs >= remainingMs) return { retry: false, reason: "deadline" };
        return { retry: true, waitMs: retryAfterMs };
    }
    const ceiling = Math.min(capMs, input.maxBackoffMs ?? Number.POSITIVE_INFINITY, baseMs * 2 ** Math.max(0, retry));
    const waitMs = Math.floor((floor + (1 - floor) * Math.min(Math.max(random, 0), 1)) * ceiling);
    if (waitMs >= remainingMs) return { retry: false, reason: "deadline" };
    return { retry: true, waitMs: Math.min(waitMs, capMs) };
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
    if (header === null || header === undefined) return undefined;
    const text = header.trim();
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    return Math.max(0, at - nowMs);
}

// How long Entra ID's replication can explain an error about a new object (AADSTS7000215 secret, 700016 app, 50034
// user). Entra ID is eventually consistent with no replication SLA; reports show new objects visible after 15-30 s,
// new secrets usable after 4-18 s, consent after ~30 s, and service principals unusable for app-role assignment for
// more than 5 minutes (/work/shared/reference/entra-and-graph.md, "Eventual consistency": devblogs.microsoft.com/
// identity/designing-for-eventual-consistency-for-microsoft-entra, microsoftgraph/msgraph-bicep-types#193,
// microsoftgraph/microsoft-graph-docs#17966). Ten minutes is twice the longest of those, and the default
// verifyTimeoutSeconds, so a fresh deployment waits as long as it always did.
export const REPLICATION_WINDOW_MS = 10 * 60_000;
/** Tries an error gets when replication cannot explain it: the second rules out a blip. */
export const UNEXPLAINED_TRIES = 2;

/**
 * When each object a sign-in depends on was created or last changed: milliseconds since the epoch, or "now" for
 * objects provisioned right before this verification (inside `pulumi up`), i.e. at its start by its own clock.
 */
export type ChangedAt = Partial<Record<ReplicatedObject, number | "now">>;

/** Whether Entra ID's replication can still explain an error about `object` at `nowMs`. */
export function replicationCanExplain(object: ReplicatedObject, changedAt: ChangedAt | undefined, startedMs: number, nowMs: number): boolean {
    const at = changedAt?.[object];
    if (at === undefined) return false;
    return nowMs - (at === "now" ? startedMs : at) < REPLICATION_WINDOW_MS;
}

/** account_locked is never retried: every further password attempt extends the lockout. */
export function shouldRetry(diagnosis: Diagnosis): boolean {
    return diagnosis.transient && diagnosis.code !== "account_locked";
}

export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; diagnosis: Diagnosis };

export type Settled<T> =
    | { ok: true; value: T }
    | { ok: false; diagnosis: Diagnosis; gaveUp: boolean; reason?: GiveUpReason; attempts: number };

export interface RetryRuntime {
    now(): number;
    sleep(ms: number): Promise<void>;
    random(): number;
    deadlineMs: number;
    capMs: number;
    progress(line: string): void;
    /** When the objects were created or changed; unknown ones make their errors terminal after UNEXPLAINED_TRIES. */
    changedAt?: ChangedAt;
    /** The verification's start ("now" in changedAt); the step's own start when absent. */
    startedMs?: number;
}

export interface RetryPolicy {
    /** Names the step in progress lines. */
    label: string;
    baseMs: number;
    /** Requests this step may send at most (the password budget); unlimited otherwise. */
    maxAttempts?: number;
    /** See BackoffInput.minFraction. */
    minFraction?: number;
    /**
     * No computed wait is longer than this share of the time the step has spent so far (or baseMs, if
     * more). A step that has failed for t ms then succeeds at most t x share after the cause cleared, so
     * a replication delay D is noticed by about D x (1 + share); plain doubling can overshoot by a whole cap.
     */
    maxWaitShare?: number;
}

/**
 * Runs `attempt(remainingMs)` until it succeeds, fails terminally, or the deadline, Retry-After cap or
 * attempt budget ends it. When it gives up, the last error that carried a response is reported; only a
 * step that never got any response reports the timeout itself.
 */
export async function retryUntilSettled<T>(
    policy: RetryPolicy,
    runtime: RetryRuntime,
    attempt: (remainingMs: number) => Promise<AttemptOutcome<T>>,
): Promise<Settled<T>> {
    const maxAttempts = policy.maxAttempts ?? Number.POSITIVE_INFINITY;
    const stepStarted = runtime.now();
    const startedMs = runtime.startedMs ?? stepStarted;
    let lastAnswered: Diagnosis | undefined;
    let last: Diagnosis | undefined;
    let unexplained = 0;
    for (let count = 0; ; count++) {
        const remainingMs = runtime.deadlineMs - runtime.now();
        if (remainingMs <= 0 || count >= maxAttempts) {
            const reason: GiveUpReason = remainingMs <= 0 ? "deadline" : "attempt_budget";
            return giveUp(lastAnswered ?? last, reason, count);
        }
        const outcome = await attempt(remainingMs);
        if (outcome.ok) return outcome;
        last = outcome.diagnosis;
        if (!last.noResponse) lastAnswered = last;
        if (!shouldRetry(last)) return { ok: false, diagnosis: last, gaveUp: false, attempts: count + 1 };
        // Replication explains a missing secret, app or user only while it is new; otherwise the value is wrong.
        if (last.replicates && !replicationCanExplain(last.replicates, runtime.changedAt, startedMs, runtime.now())) {
            unexplained += 1;
            if (unexplained >= UNEXPLAINED_TRIES || count + 1 >= maxAttempts) {
                const at = runtime.changedAt?.[last.replicates];
                const diagnosis = notReplication(last, at === "now" ? startedMs : at, REPLICATION_WINDOW_MS, unexplained);
                return { ok: false, diagnosis, gaveUp: false, attempts: count + 1 };
            }
        }
        if (count + 1 >= maxAttempts) return giveUp(lastAnswered ?? last, "attempt_budget", count + 1);
        const decision = backoffDelay({
            retry: count,
            baseMs: policy.baseMs,
            capMs: runtime.capMs,
            remainingMs: runtime.deadlineMs - runtime.now(),
            retryAfterMs: last.retryAfterMs,
            random: runtime.random(),
            minFraction: policy.minFraction,
            maxBackoffMs: policy.maxWaitShare === undefined ? undefined : Math.max(policy.baseMs, policy.maxWaitShare * (runtime.now() - stepStarted)),
        });
        if (!decision.retry) return giveUp(lastAnswered ?? last, decision.reason, count + 1);
        runtime.progress(`${policy.label}: ${last.code}${last.aadsts ? ` (AADSTS${last.aadsts})` : ""}, retrying in ${(decision.waitMs / 1000).toFixed(1)} s`);
        await runtime.sleep(decision.waitMs);
    }
}

function giveUp<T>(diagnosis: Diagnosis | undefined, reason: GiveUpReason, attempts: number): Settled<T> {
    const settled: Diagnosis = diagnosis ?? { code: "timeout", transient: true, noResponse: true, message: "No request could be sent before the timeout." };
    return { ok: false, diagnosis: settled, gaveUp: true, reason, attempts };
}
