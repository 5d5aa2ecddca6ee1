// Time to verified: how long after provisioning the post-deploy verification succeeds when Entra ID takes
// 5 s or 30 s to replicate the new app, secret, user and consent (the emulator's replicationDelayMs), and
// how many token requests and password attempts that costs. The verifier's waits are the only thing
// skipped: they advance a clock that the emulator and the verifier share, while every request still takes
// its real time (with 20 ms latency injected), so a figure is what the wall clock would show without
// making the benchmark sleep through 30 s per trial.
import { startEmulator, type Emulator } from "../emulator/index";
import { PASSWORD_ATTEMPT_LIMIT, verifyPresenceAccess } from "../verifier/index";
import { BenchmarkSetupError, check, measured, type Benchmark, type Check } from "./harness";
import { INJECTED_LATENCY_MS } from "./rosterScale";

export const REPLICATION_DELAYS_MS = [5_000, 30_000] as const;
/** Verified within 1.2 x the delay + 1 s of provisioning. */
export const ttvTarget = (delayMs: number): number => 1.2 * delayMs + 1_000;

/** Real time plus every wait the verifier asked for, without waiting. */
class SkippedWaitClock {
    private skippedMs = 0;
    private readonly origin = Date.now();
    private readonly startedAt = performance.now();
    readonly now = (): number => this.origin + (performance.now() - this.startedAt) + this.skippedMs;
    readonly date = (): Date => new Date(this.now());
    readonly sleep = async (ms: number): Promise<void> => {
        this.skippedMs += Math.max(0, ms);
        await new Promise((resolve) => setImmediate(resolve));
    };
}

/** Seeded uniform draws (mulberry32), so a run's jitter can be replayed. */
function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Trial {
    ttvMs: number;
    tokenRequests: number;
    passwordAttempts: number;
}

/** One tenant provisioned and verified at once; the emulator (and its clock) is shared by a delay's trials. */
async function trial(emulator: Emulator, clock: SkippedWaitClock, seed: number): Promise<Trial> {
    const { handoff } = emulator.directory.seedPresenceSetup();
    const provisionedAt = clock.now();
    const from = emulator.requests.length;
    const report = await verifyPresenceAccess(handoff, { authorityHost: emulator.url, graphEndpoint: emulator.url, clock: clock.now, sleep: clock.sleep, random: seededRandom(seed) });
    const ttvMs = clock.now() - provisionedAt;
    if (!report.ok) throw new BenchmarkSetupError(`verification after a ${emulator.faults.replicationDelayMs / 1000} s replication delay failed (${report.code}), so there is no time to verified`);
    return {
        ttvMs,
        tokenRequests: emulator.requests.slice(from).filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length,
        passwordAttempts: report.attempts.password,
    };
}

export const timeToVerified: Benchmark = {
    name: "time to verified",
    run: (options) =>
        measured("time to verified", async () => {
            const trials = options.quick ? 5 : 15;
            const rows: string[][] = [];
            const checks: Check[] = [];
            const figures: Record<string, number> = {};
            const samples: number[] = [];
            for (const delayMs of REPLICATION_DELAYS_MS) {
                options.log(`time to verified: ${trials} trials with a ${delayMs / 1000} s replication delay`);
                const clock = new SkippedWaitClock();
                const emulator = await startEmulator({ now: clock.date, faults: { replicationDelayMs: delayMs, latencyMs: INJECTED_LATENCY_MS } });
                const results: Trial[] = [];
                try {
                    for (let seed = 1; seed <= trials; seed++) results.push(await trial(emulator, clock, seed * 7919 + delayMs));
                } finally {
                    await emulator.close();
                }
                const ttv = results.map((r) => r.ttvMs).sort((a, b) => a - b);
                const worst = ttv[ttv.length - 1];
                const medianMs = ttv[Math.floor((ttv.length - 1) / 2)];
                const tokens = Math.max(...results.map((r) => r.tokenRequests));
                const passwords = Math.max(...results.map((r) => r.passwordAttempts));
                samples.push(...ttv);
                rows.push([
                    `${delayMs / 1000} s`,
                    (worst / 1000).toFixed(2),
                    (medianMs / 1000).toFixed(2),
                    ((worst - delayMs) / 1000).toFixed(2),
                    String(tokens),
                    String(passwords),
                    (ttvTarget(delayMs) / 1000).toFixed(1),
                ]);
                checks.push(check(`ttv${delayMs / 1000} worst s`, Number((worst / 1000).toFixed(2)), "<=", ttvTarget(delayMs) / 1000));
                checks.push(check(`password attempts (${delayMs / 1000} s)`, passwords, "<=", PASSWORD_ATTEMPT_LIMIT));
                figures[`ttv${delayMs / 1000}`] = worst / 1000;
            }
            return {
                samples,
                checks,
                figures,
                details: {
                    title: `time to verified: replication delay after provisioning, ${trials} trials each (seeded jitter), ${INJECTED_LATENCY_MS} ms per request`,
                    columns: ["delay", "ttv worst s", "median s", "past ready s", "token requests (max)", "password attempts (max)", "target s"],
                    rows,
                    notes: [
                        "ttv: from the end of provisioning until the verification succeeded; past ready: worst ttv minus the delay, i.e. how long",
                        "after the tenant became ready the verifier noticed. Token requests: client credentials + password sign-ins. Target: 1.2 x delay + 1 s.",
                    ],
                },
            };
        }),
};
