// `npm run mutation [-- --quick FOLDER] [stryker flags]`: mutation testing of the mission-critical code with
// Stryker (mutation/stryker.config.mjs). Not part of `npm test`: a full run takes tens of minutes.
//
// Stryker 10 is the release whose mocha runner takes this project's mocha 12 (9.x stops below 12), and it
// refuses Node.js older than 22 at start-up (its own engines field, and Babel 8's). The project declares
// Node >= 22 anyway, but CI's first pass runs on Node 20, so on an older Node this starts Stryker under npm's
// node@22 package, the way .ci/run runs the tests on 22.
//
// Incremental: mutation/stryker-incremental.json (committed) holds the last run's results; a rerun tests only
// the mutants whose code or covering tests changed since. `--quick FOLDER` (repeatable) mutates those folders only; Stryker
// keeps the other folders' results in the file as they were (core/dist/src/mutants/incremental-differ.js).
import { execFileSync, spawn } from "node:child_process";
import console from "node:console";
import process from "node:process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONFIG = "mutation/stryker.config.mjs";
export const FOLDERS = ["components", "stack", "verifier", "handoff", "policy"];
const MIN_NODE_MAJOR = 22;

/** Stryker's arguments for the wrapper's own (`--quick FOLDER`, repeatable); throws naming the flag and what is allowed. */
export function strykerArguments(argv) {
    const args = ["run", CONFIG];
    const quick = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] !== "--quick") {
            args.push(argv[i]);
            continue;
        }
        const folder = (argv[++i] ?? "").replace(/\/+$/, "");
        if (!FOLDERS.includes(folder)) throw new Error(`--quick ${JSON.stringify(argv[i] ?? "")} must be one of ${FOLDERS.join(", ")}`);
        quick.push(`${folder}/**/*.ts`);
    }
    if (quick.length > 0) args.push("--mutate", quick.join(","));
    return args;
}

function main() {
    let args;
    try {
        args = strykerArguments(process.argv.slice(2));
    } catch (error) {
        console.error(`npm run mutation: ${error.message}`);
        process.exit(2);
    }
    const stryker = join(ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
    const major = Number(process.versions.node.split(".")[0]);
    let node = process.execPath;
    if (major < MIN_NODE_MAJOR) {
        console.error(`npm run mutation: Node.js ${process.versions.node} is older than Stryker needs; running it on Node.js ${MIN_NODE_MAJOR} (npm's node@${MIN_NODE_MAJOR})`);
        // Stryker runs as a direct child of this process, so Ctrl+C and SIGTERM reach it (npx would sit between).
        node = execFileSync("npx", ["--yes", `--package=node@${MIN_NODE_MAJOR}`, "--", "node", "-p", "process.execPath"], { encoding: "utf8" }).trim();
    }
    // The shim lets Stryker's mocha runner load mocha 12 (see mocha12-shim.cjs); NODE_OPTIONS reaches every worker.
    const shim = `--require ${JSON.stringify(join(ROOT, "mutation", "mocha12-shim.cjs"))}`;
    const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, shim].filter(Boolean).join(" ") };
    const child = spawn(node, [stryker, ...args], { cwd: ROOT, stdio: "inherit", env });
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
