// What every benchmark shares: timing, summary statistics, memory snapshots and the result shape that
// run.ts prints. No benchmark decides its own pass/fail wording; each states checks, run.ts reports them.
import { performance } from "node:perf_hooks";

export interface BenchOptions {
    /** Fewer iterations, for a quick look; the targets stay the same. */
    quick: boolean;
    /** Receives progress lines (stderr), so stdout stays a table or pure JSON. */
    log: (line: string) => void;
}

/** One target: a measured value against a documented limit (see bench/README.md for the reasons). */
export interface Check {
    /** What is checked, e.g. `median ms` or `Graph requests`. */
    label: string;
    actual: number;
    /** `<` / `<=` for an upper bound, `>=` for a lower bound, `=` for an exact count. */
    op: "<" | "<=" | ">=" | "=";
    target: number;
    ok: boolean;
}

export interface BenchResult {
    name: string;
    iterations: number;
    /** Milliseconds per iteration. */
    medianMs: number;
    p95Ms: number;
    maxMs: number;
    /** Heap and RSS after minus before the benchmark, in bytes, each taken after a full GC when available. */
    heapDeltaBytes: number;
    rssDeltaBytes: number;
    checks: Check[];
    /** Set when the benchmark could not run as designed (a failed verification, no --expose-gc). */
    error?: string;
    /** A side-by-side table (implementations or modes against each other) printed under the summary. */
    details?: DetailTable;
    /** Figures for the final `bench:` line, by key (see run.ts). */
    figures?: Record<string, number>;
}

export interface DetailTable {
    title: string;
    columns: string[];
    rows: string[][];
    /** Lines under the table: what the figures mean, how the checks were computed. */
    notes?: string[];
}

export interface Benchmark {
    name: string;
    run(options: BenchOptions): Promise<BenchResult>;
}

export function check(label: string, actual: number, op: Check["op"], target: number): Check {
    const ok = op === "<" ? actual < target : op === "<=" ? actual <= target : op === ">=" ? actual >= target : actual === target;
    return { label, actual, op, target, ok };
}

/** Nearest-rank percentile of already-sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) return Number.NaN;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Stats {
    iterations: number;
    medianMs: number;
    p95Ms: number;
    maxMs: number;
}

export function stats(samples: readonly number[]): Stats {
    const sorted = [...samples].sort((a, b) => a - b);
    return { iterations: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Runs `body` `iterations` times one after another and returns each run's wall time in milliseconds. */
export async function timeEach(iterations: number, body: (i: number) => Promise<void> | void): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
        const started = performance.now();
        await body(i);
        samples.push(performance.now() - started);
    }
    return samples;
}

/** The GC exposed by `node --expose-gc`, or undefined when the process was started without it. */
export function exposedGc(): (() => void) | undefined {
    const gc = (globalThis as { gc?: () => void }).gc;
    return typeof gc === "function" ? gc : undefined;
}

export interface MemorySnapshot {
    heapUsed: number;
    rss: number;
}

/** Heap and RSS after settling: pending callbacks run, then two full collections (the second frees what
 * finalisers released in the first). Without an exposed GC the numbers are taken as they are. */
export async function settledMemory(): Promise<MemorySnapshot> {
    await new Promise((resolve) => setImmediate(resolve));
    const gc = exposedGc();
    gc?.();
    gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    return { heapUsed, rss };
}

/** Wraps a benchmark body with before/after memory snapshots and turns a thrown error into a failed result. */
export async function measured(
    name: string,
    body: () => Promise<{ samples: number[]; checks: Check[]; heapDeltaBytes?: number; rssDeltaBytes?: number; details?: DetailTable; figures?: Record<string, number> }>,
): Promise<BenchResult> {
    const before = await settledMemory();
    try {
        const outcome = await body();
        const after = await settledMemory();
        return {
            name,
            ...stats(outcome.samples),
            heapDeltaBytes: outcome.heapDeltaBytes ?? after.heapUsed - before.heapUsed,
            rssDeltaBytes: outcome.rssDeltaBytes ?? after.rss - before.rss,
            checks: outcome.checks,
            ...(outcome.details ? { details: outcome.details } : {}),
            ...(outcome.figures ? { figures: outcome.figures } : {}),
        };
    } catch (error) {
        const after = await settledMemory();
        return {
            name,
            iterations: 0,
            medianMs: Number.NaN,
            p95Ms: Number.NaN,
            maxMs: Number.NaN,
            heapDeltaBytes: after.heapUsed - before.heapUsed,
            rssDeltaBytes: after.rss - before.rss,
            checks: [],
            error: error instanceof Error ? error.message : String(error),
        };
    }
}

/** A benchmark that measures a failure path measures nothing useful; stop with what went wrong instead. */
export class BenchmarkSetupError extends Error {}
