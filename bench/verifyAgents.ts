// A verification with 1,000 agents given by sign-in name, as a large contact centre configures it: the
// names are resolved with `in` filters inside JSON batching and presence is read in getPresencesByUserId
// chunks. Besides the time, the request count is pinned: one request more per agent would pass every
// functional test and multiply the load on the customer's Graph throttling budget.
import { MAX_BATCH_REQUESTS, MAX_PRESENCE_IDS } from "../emulator/index";
import { MAX_IN_FILTER_VALUES } from "../emulator/routes/users";
import { BenchmarkSetupError, check, measured, stats, timeEach, type Benchmark } from "./harness";
import { startBenchTenant, verifyOk } from "./tenant";

export const AGENT_COUNT = 1_000;
/** Median per 1,000-agent verification; see bench/README.md for why 2 s. */
export const AGENTS_MEDIAN_TARGET_MS = 2_000;
// User.ReadBasic.All is what lets the service user look agents up by sign-in name; the default consent lacks it.
const SCOPES = ["User.Read", "Presence.Read.All", "User.ReadBasic.All"];

/** The calls every verification makes whatever the roster: the two sign-ins (client credentials, then
 * the password like the connector) and getPresencesByUserId for the service user (its object ID comes from
 * the token's oid claim, so no GET /me). */
const BASE_TOKEN_REQUESTS = 2;
const BASE_GRAPH_REQUESTS = 1;

export const verifyAgents: Benchmark = {
    name: `verify: ${AGENT_COUNT} agents by name`,
    run: (options) =>
        measured(`verify: ${AGENT_COUNT} agents by name`, async () => {
            const tenant = await startBenchTenant({ agentCount: AGENT_COUNT, delegatedScopes: SCOPES });
            try {
                await verifyOk(tenant);
                const iterations = options.quick ? 3 : 8;
                options.log(`verify: ${iterations} verifications with ${AGENT_COUNT} agents`);
                const ranges: [number, number][] = [];
                const samples = await timeEach(iterations, async () => {
                    const from = tenant.emulator.requests.length;
                    const report = await verifyOk(tenant);
                    ranges.push([from, tenant.emulator.requests.length]);
                    if (report.agents?.resolved !== AGENT_COUNT) {
                        throw new BenchmarkSetupError(`${report.agents?.resolved ?? 0} of ${AGENT_COUNT} agents resolved, so the roster path was not measured in full`);
                    }
                });
                const counts = ranges.map(([from, to]) => {
                    const seen = tenant.emulator.requests.slice(from, to);
                    return {
                        token: seen.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).length,
                        graph: seen.filter((r) => r.path.startsWith("/v1.0") && !r.inBatch).length,
                        batchSteps: seen.filter((r) => r.inBatch).length,
                    };
                });
                const steps = Math.ceil(AGENT_COUNT / MAX_IN_FILTER_VALUES);
                const batches = Math.ceil(steps / MAX_BATCH_REQUESTS);
                const presenceChunks = Math.ceil(AGENT_COUNT / MAX_PRESENCE_IDS);
                // Every iteration must make exactly these requests; show an iteration that did not, if any.
                const exactly = (label: string, key: keyof (typeof counts)[number], expected: number) =>
                    check(label, counts.find((c) => c[key] !== expected)?.[key] ?? expected, "=", expected);
                return {
                    samples,
                    checks: [
                        check("median ms", stats(samples).medianMs, "<", AGENTS_MEDIAN_TARGET_MS),
                        exactly("Graph requests", "graph", batches + presenceChunks + BASE_GRAPH_REQUESTS),
                        exactly("$batch steps", "batchSteps", steps),
                        exactly("token requests", "token", BASE_TOKEN_REQUESTS),
                    ],
                };
            } finally {
                await tenant.emulator.close();
            }
        }),
};
