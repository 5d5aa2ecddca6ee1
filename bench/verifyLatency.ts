// One verification end to end: two token requests and getPresencesByUserId for the service user, the
// sequence every `pulumi up` and `npm run verify` runs.
import { check, measured, stats, timeEach, type Benchmark } from "./harness";
import { startBenchTenant, verifyOk } from "./tenant";

/** Median per verification on loopback; see bench/README.md for why 250 ms. */
export const VERIFY_MEDIAN_TARGET_MS = 250;
const WARMUP = 5;

export const verifyLatency: Benchmark = {
    name: "verify: one verification",
    run: (options) =>
        measured("verify: one verification", async () => {
            const tenant = await startBenchTenant();
            try {
                // The first runs pay for module loading, JIT and the emulator's signing key.
                await timeEach(WARMUP, () => verifyOk(tenant).then(() => undefined));
                const iterations = options.quick ? 15 : 60;
                options.log(`verify: ${iterations} verifications`);
                const samples = await timeEach(iterations, () => verifyOk(tenant).then(() => undefined));
                return { samples, checks: [check("median ms", stats(samples).medianMs, "<", VERIFY_MEDIAN_TARGET_MS)] };
            } finally {
                await tenant.emulator.close();
            }
        }),
};
