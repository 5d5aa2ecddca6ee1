// Program start: what every `pulumi preview` and `pulumi up` of every tenant pays before the first resource
// is registered. Each figure is a cold node process started through @pulumi/pulumi's own runner
// (bench/start/), side by side in one run with the floor (importing @pulumi/pulumi and @pulumi/azuread) and
// a one-resource program with the same imports, so a busy machine slows all of them alike.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { check, measured, type Benchmark, type DetailTable } from "./harness";
import { MODES, ROOT, startOnce, type Program, type StartMode, type StartSample } from "./start/launch";

/** index.ts start ÷ one-resource start, both in the Pulumi.yaml default mode. */
export const START_VS_ONE_RESOURCE_TARGET = 1.5;
/** index.ts start ÷ the bare imports. */
export const START_VS_BARE_TARGET = 3;

const COMPILED_DIR = join(ROOT, "bin", "bench-start");
const BARE: Program = { name: "bare imports (@pulumi/pulumi + @pulumi/azuread)", program: null, entry: "" };
const ONE_RESOURCE: Program = { name: "one-resource program", program: "bench/start/oneResource.ts", entry: "bench/start/oneResource.ts" };
const INDEX: Program = { name: "index.ts", program: ".", entry: "index.ts" };
const compiled = (p: Program): Program => {
    const js = relative(ROOT, join(COMPILED_DIR, p.entry.replace(/\.ts$/, ".js")));
    return { name: p.name, program: js, entry: js };
};
const PLAIN_NODE: StartMode = { name: "plain node (no runner)", env: {} };

/** What a precompiled `main` would be: every program file transpiled with tsconfig.json's options. */
function compileForPrecompiledMode(): void {
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT);
    const options: ts.CompilerOptions = { ...parsed.options, sourceMap: false, noEmit: false };
    rmSync(COMPILED_DIR, { recursive: true, force: true });
    const sources = ["index.ts", "bench/start/oneResource.ts", ...["stack", "components", "verifier", "handoff"].flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(dir, f)))];
    for (const source of sources) {
        const output = ts.transpileModule(ts.sys.readFile(join(ROOT, source)) ?? "", { compilerOptions: options, fileName: source }).outputText;
        const target = join(COMPILED_DIR, source.replace(/\.ts$/, ".js"));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, output);
    }
}

interface Row {
    program: Program;
    mode: StartMode;
    samples: StartSample[];
}

const best = (samples: readonly StartSample[], key: "loadedMs" | "loadedCpuMs" | "ranMs"): number => Math.min(...samples.map((s) => s[key]));
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : "-");

export const programStart: Benchmark = {
    name: "program start",
    run: (options) =>
        measured("program start", async () => {
            const defaultMode = MODES.projectDefault();
            const rows: Row[] = [
                { program: BARE, mode: PLAIN_NODE, samples: [] },
                { program: ONE_RESOURCE, mode: defaultMode, samples: [] },
                { program: INDEX, mode: defaultMode, samples: [] },
            ];
            // Only a full run starts the slow modes: the type-checked one alone takes 10 s and 600 MB per start.
            const slow: Row[] = options.quick ? [] : [
                { program: ONE_RESOURCE, mode: MODES.typeChecked(), samples: [] },
                { program: INDEX, mode: MODES.typeChecked(), samples: [] },
            ];
            const others: Row[] = options.quick ? [] : [
                { program: ONE_RESOURCE, mode: MODES.transpileOnlyEnv(), samples: [] },
                { program: INDEX, mode: MODES.transpileOnlyEnv(), samples: [] },
                { program: compiled(ONE_RESOURCE), mode: MODES.precompiled(), samples: [] },
                { program: compiled(INDEX), mode: MODES.precompiled(), samples: [] },
            ];
            if (!options.quick) compileForPrecompiledMode();
            const rounds = options.quick ? 3 : 7;
            // Interleaved rounds: a burst of load from elsewhere on the machine hits every row, not one.
            for (let round = 0; round < rounds; round++) {
                options.log(`program start: round ${round + 1} of ${rounds}`);
                for (const row of [...rows, ...others, ...(round === 0 ? slow : [])]) row.samples.push(await startOnce(row.program, row.mode));
            }
            const all = [...rows, ...slow, ...others];
            for (const row of all) {
                const s = row.samples[0];
                if (row.program.program !== null && row.program.entry === "index.ts" && s.resources < 10) {
                    throw new Error(`index.ts registered only ${s.resources} resources in ${row.mode.name}: the program did not run to the end`);
                }
            }
            const [bare, one, index] = rows;
            const defaultTranspiler = index.samples[0].transpiler;
            const startRatio = best(index.samples, "loadedMs") / best(one.samples, "loadedMs");
            const bareRatio = best(index.samples, "loadedMs") / best(bare.samples, "loadedMs");
            const details: DetailTable = {
                title: `program start: cold node processes through Pulumi's runner (@pulumi/pulumi cmd/run) under mocks; best of ${rounds} (type-checked: 1), interleaved`,
                columns: ["program", "mode", "loaded ms", "median", "CPU ms", "ran ms", "peak RSS MB", "resources"],
                rows: all.map((row) => [
                    row.program.name,
                    row.mode.name,
                    ms(best(row.samples, "loadedMs")),
                    ms(median(row.samples.map((s) => s.loadedMs))),
                    ms(best(row.samples, "loadedCpuMs")),
                    row.program.program === null ? "-" : ms(best(row.samples, "ranMs")),
                    (Math.max(...row.samples.map((s) => s.maxRssBytes)) / (1024 * 1024)).toFixed(0),
                    row.program.program === null ? "-" : String(row.samples[0].resources),
                ]),
                notes: [
                    "loaded: process start until the runner has required the program (best and median wall time; CPU: user + system time by then,",
                    "best); ran: until the program's function has returned and the runner is done (resources registered with mocks instead of",
                    "an engine, no provider calls). Peak RSS: the child's maxRSS.",
                    `Pulumi.yaml default: ts-node ${defaultTranspiler?.transpileOnly ? "transpile-only" : "TYPE-CHECKING"}${defaultTranspiler?.swc ? " with swc" : ""} (${defaultTranspiler ? relative(ROOT, defaultTranspiler.project) : "no ts-node"}).`,
                    `start = index.ts ÷ one-resource (loaded, default mode) = ${startRatio.toFixed(2)}x; index.ts ÷ bare imports = ${bareRatio.toFixed(2)}x; ` +
                        `in CPU time ${(best(index.samples, "loadedCpuMs") / best(one.samples, "loadedCpuMs")).toFixed(2)}x and ${(best(index.samples, "loadedCpuMs") / best(bare.samples, "loadedCpuMs")).toFixed(2)}x; ran: ${(best(index.samples, "ranMs") / best(one.samples, "ranMs")).toFixed(2)}x.`,
                ],
            };
            return {
                samples: index.samples.map((s) => s.loadedMs),
                checks: [
                    check("transpile-only by default", defaultTranspiler?.transpileOnly ? 1 : 0, "=", 1),
                    check("index ÷ one-resource", Number(startRatio.toFixed(2)), "<=", START_VS_ONE_RESOURCE_TARGET),
                    check("index ÷ bare", Number(bareRatio.toFixed(2)), "<=", START_VS_BARE_TARGET),
                ],
                details,
                figures: { start: startRatio },
            };
        }),
};
