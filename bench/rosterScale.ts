// A large roster side by side: the same agents (sign-in names) read by a naive per-agent implementation, by
// the verifier's previous 20-per-$batch look-up and by the current roster code, one after another in one
// process against one emulator that adds 20 ms to every HTTP request (a $batch once, not per step). Then
// one whole verification with 5,000 agents, whose Graph requests are the figure the target is about.
import { startEmulator, type Availability, type Emulator, type LoggedRequest } from "../emulator/index";
import { PRESENCE_REQUEST_LIMIT, PRESENCE_WINDOW_MS } from "../verifier/pacing";
import { rosterRequests } from "../verifier/roster";
import { verifyPresenceAccess } from "../verifier/index";
import { BenchmarkSetupError, check, measured, type Benchmark } from "./harness";
import { batch20, benchSession, naive, ours, type RosterOutcome, type RosterStrategy } from "./roster/strategies";

export const ROSTER_AGENTS = 5_000;
/** The side-by-side roster with --quick: the naive implementation pays 2 x 20 ms per agent. */
export const QUICK_ROSTER_AGENTS = 150;
export const INJECTED_LATENCY_MS = 20;
/** Naive wall time ÷ ours. */
export const ROSTER_SPEEDUP_TARGET = 20;
/** Graph requests of a verification with N agents: ceil(N/300) + ceil(N/650) + 3. */
export const requestTarget = (agents: number): number => Math.ceil(agents / 300) + Math.ceil(agents / 650) + 3;

const SCOPES = ["User.Read", "Presence.Read.All", "User.ReadBasic.All"];
const AVAILABILITIES: Availability[] = ["Available", "Busy", "Away", "DoNotDisturb", "Offline"];
const PRESENCE_PATH = /^\/v1\.0\/(me\/presence|users\/[^/]+\/presence|communications\/getPresencesByUserId)$/i;

interface Counted {
    graph: number;
    steps: number;
    token: number;
    busiestPresenceWindow: number;
}

function count(log: readonly LoggedRequest[]): Counted {
    const presence = log.filter((r) => PRESENCE_PATH.test(r.path)).map((r) => r.at.getTime()).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < presence.length; i++) {
        while (j < presence.length && presence[j] < presence[i] + PRESENCE_WINDOW_MS) j++;
        busiest = Math.max(busiest, j - i);
    }
    return {
        graph: log.filter((r) => r.path.startsWith("/v1.0") && !r.inBatch).length,
        steps: log.filter((r) => r.inBatch).length,
        token: log.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length,
        busiestPresenceWindow: busiest,
    };
}

async function timed(emulator: Emulator, body: () => Promise<RosterOutcome>): Promise<{ outcome: RosterOutcome; ms: number; counted: Counted }> {
    const from = emulator.requests.length;
    const started = performance.now();
    const outcome = await body();
    const ms = performance.now() - started;
    return { outcome, ms, counted: count(emulator.requests.slice(from)) };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

export const rosterScale: Benchmark = {
    name: "agent roster side by side",
    run: (options) =>
        measured("agent roster side by side", async () => {
            const emulator = await startEmulator();
            try {
                const domain = emulator.directory.domain;
                const names = Array.from({ length: ROSTER_AGENTS }, (_, i) => `agent${String(i + 1).padStart(5, "0")}@${domain}`);
                const { handoff } = emulator.directory.seedPresenceSetup({
                    delegatedScopes: SCOPES,
                    agents: names.map((userPrincipalName, i) => ({ userPrincipalName, availability: AVAILABILITIES[i % AVAILABILITIES.length] })),
                });
                const sideBySide = names.slice(0, options.quick ? QUICK_ROSTER_AGENTS : ROSTER_AGENTS);
                const [unpaced, paced] = [await benchSession(emulator.url, handoff, false), await benchSession(emulator.url, handoff, true)];
                emulator.faults.latencyMs = INJECTED_LATENCY_MS;

                const strategies: [string, RosterStrategy, typeof paced][] = [
                    ["ours: 20 in-filters of 15 per $batch, 650 per presence request, paced", ours, paced],
                    ["previous: 20 GET /users/{name} per $batch, 650 per presence request", batch20, unpaced],
                    ["naive: GET /users/{name}, then GET /users/{id}/presence, per agent", naive, unpaced],
                ];
                const runs = [];
                for (const [label, strategy, session] of strategies) {
                    options.log(`roster: ${sideBySide.length} agents, ${label.split(":")[0]}`);
                    const run = await timed(emulator, () => strategy(session, sideBySide));
                    if (run.outcome.resolved !== sideBySide.length) {
                        throw new BenchmarkSetupError(`${label.split(":")[0]} read ${run.outcome.resolved} of ${sideBySide.length} agents, so it did not do the whole job`);
                    }
                    runs.push({ label, ...run });
                }
                const expected = JSON.stringify(runs[0].outcome.availability);
                if (runs.some((r) => JSON.stringify(r.outcome.availability) !== expected)) throw new BenchmarkSetupError("the implementations read different presence for the same agents");

                options.log(`roster: one verification with ${ROSTER_AGENTS} agents`);
                const from = emulator.requests.length;
                const started = performance.now();
                const report = await verifyPresenceAccess(handoff, { authorityHost: emulator.url, graphEndpoint: emulator.url, expectedScopes: SCOPES, agents: names });
                const verifyMs = performance.now() - started;
                if (!report.ok || report.agents?.resolved !== ROSTER_AGENTS) throw new BenchmarkSetupError(`the ${ROSTER_AGENTS}-agent verification did not succeed (${report.code})`);
                const verification = count(emulator.requests.slice(from));

                const [mine, , slowest] = runs;
                const speedup = slowest.ms / mine.ms;
                const planned = rosterRequests(ROSTER_AGENTS, ROSTER_AGENTS);
                return {
                    samples: [mine.ms],
                    checks: [
                        check("naive ÷ ours", Number(speedup.toFixed(1)), ">=", ROSTER_SPEEDUP_TARGET),
                        check(`Graph requests, ${ROSTER_AGENTS} agents`, verification.graph, "<=", requestTarget(ROSTER_AGENTS)),
                        check("presence requests in any 30 s", Math.max(mine.counted.busiestPresenceWindow, verification.busiestPresenceWindow), "<=", PRESENCE_REQUEST_LIMIT),
                    ],
                    details: {
                        title: `agent roster: ${sideBySide.length} agents by sign-in name, ${INJECTED_LATENCY_MS} ms added to every HTTP request, one process, one emulator`,
                        columns: ["implementation", "Graph requests", "$batch steps", "presence req / 30 s", "wall s", "x ours"],
                        rows: [
                            ...runs.map((r) => [r.label, String(r.counted.graph), String(r.counted.steps), String(r.counted.busiestPresenceWindow), seconds(r.ms), `${(r.ms / mine.ms).toFixed(1)}x`]),
                            [`whole verification, ${ROSTER_AGENTS} agents (+ ${verification.token} token requests)`, String(verification.graph), String(verification.steps), String(verification.busiestPresenceWindow), seconds(verifyMs), "-"],
                        ],
                        notes: [
                            `Graph requests count top-level HTTP requests (a $batch once); Graph throttles each $batch step on its own, hence the steps column.`,
                            `Verification: ${planned.lookupBatches} $batch + ${planned.presenceRequests} getPresencesByUserId + the service user's own getPresencesByUserId; target ceil(N/300) + ceil(N/650) + 3 = ${requestTarget(ROSTER_AGENTS)}.`,
                            `presence req / 30 s: the most presence requests (GET .../presence, getPresencesByUserId) the emulator saw in any 30 s; Graph allows ${PRESENCE_REQUEST_LIMIT}.`,
                        ],
                    },
                    figures: { roster: speedup, requests: verification.graph },
                };
            } finally {
                await emulator.close();
            }
        }),
};
