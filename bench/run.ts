// `npm run bench`: speed and memory targets, kept out of `npm test` so no test is ever timed.
// Exits 1 when a target is missed, 2 on a usage error. Progress goes to stderr, results to stdout: the
// side-by-side tables, the summary table and, last, one `bench:` line with the headline figures.
import type { Benchmark, BenchResult } from "./harness";
import { programStart } from "./programStart";
import { formatJson, formatTable, passed, summaryLine } from "./report";
import { rosterScale } from "./rosterScale";
import { rotationPlanner } from "./rotationPlanner";
import { timeToVerified } from "./timeToVerified";
import { verifyAgents } from "./verifyAgents";
import { verifyLatency } from "./verifyLatency";
import { verifyMemory } from "./verifyMemory";

const BENCHMARKS: readonly Benchmark[] = [programStart, timeToVerified, rosterScale, verifyLatency, verifyAgents, rotationPlanner, verifyMemory];

const USAGE = `Usage: npm run bench -- [--quick] [--json]
  --quick  fewer iterations and a smaller side-by-side roster (same targets), for a quick look on a busy machine (no CI job runs the benchmark)
  --json   machine-readable results on stdout instead of the table
Targets and their reasons: bench/README.md`;

async function main(argv: readonly string[]): Promise<number> {
    const unknown = argv.filter((a) => !["--quick", "--json", "--help", "-h"].includes(a));
    if (unknown.length > 0) {
        console.error(`Unknown option ${unknown.join(" ")}\n${USAGE}`);
        return 2;
    }
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return 0;
    }
    const quick = argv.includes("--quick");
    const json = argv.includes("--json");
    const log = (line: string): void => console.error(`[bench] ${line}`);

    const results: BenchResult[] = [];
    for (const benchmark of BENCHMARKS) {
        log(`${benchmark.name} ...`);
        results.push(await benchmark.run({ quick, log }));
    }
    console.log(json ? formatJson(results, quick) : `${formatTable(results)}\n\n${summaryLine(results)}`);
    return results.every(passed) ? 0 : 1;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
    },
);
