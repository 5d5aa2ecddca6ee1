// Heap growth over many sequential verifications against one emulator: `npm run verify` in a loop, the
// demo and long test runs reuse one process, so anything a verification leaves behind adds up.
import { BenchmarkSetupError, check, exposedGc, measured, settledMemory, timeEach, type Benchmark } from "./harness";
import { startBenchTenant, verifyOk } from "./tenant";

export const MEMORY_VERIFICATIONS = 200;
/** Heap growth after GC across MEMORY_VERIFICATIONS verifications; see bench/README.md for why 5 MB. */
export const HEAP_GROWTH_TARGET_BYTES = 5 * 1024 * 1024;
// The first runs grow the heap by about 4 MB (compiled code, lazily built caches) and then it levels off.
const WARMUP = 50;

export const verifyMemory: Benchmark = {
    name: `verify: heap over ${MEMORY_VERIFICATIONS} runs`,
    run: (options) =>
        measured(`verify: heap over ${MEMORY_VERIFICATIONS} runs`, async () => {
            if (!exposedGc()) throw new BenchmarkSetupError("heap growth needs a full GC before each reading: run node with --expose-gc (npm run bench does)");
            const tenant = await startBenchTenant();
            try {
                await timeEach(WARMUP, () => verifyOk(tenant).then(() => undefined));
                // The target is defined over 200 runs, so --quick keeps them all (they take a few seconds).
                options.log(`verify: ${MEMORY_VERIFICATIONS} verifications for heap growth`);
                // The emulator's request log grows by design (4 entries, about 2 KB, per verification); emptying
                // it before each reading leaves what the verifier and the emulator's state hold on to.
                const requestLog = tenant.emulator.requests as unknown[];
                requestLog.length = 0;
                const before = await settledMemory();
                const samples = await timeEach(MEMORY_VERIFICATIONS, () => verifyOk(tenant).then(() => undefined));
                requestLog.length = 0;
                const after = await settledMemory();
                const heapDeltaBytes = after.heapUsed - before.heapUsed;
                return {
                    samples,
                    heapDeltaBytes,
                    rssDeltaBytes: after.rss - before.rss,
                    checks: [check("heap growth MB", heapDeltaBytes / (1024 * 1024), "<", HEAP_GROWTH_TARGET_BYTES / (1024 * 1024))],
                };
            } finally {
                await tenant.emulator.close();
            }
        }),
};
