// Every scenario docs/emulator.md lists, run as it writes it (`npm run demo -- --scenario NAME`), with the exit code
// its scenario table gives it and within a generous bound on its time. The seven run side by side: most of
// their time is waiting (replication delays, the verifier's spread-out password attempts), not work.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIO_NAMES, SCENARIOS } from "../../demo/scenarios";

const ROOT = join(__dirname, "..", "..");

interface Documented { exit: number; seconds: number; time: string }

/** docs/emulator.md's scenario table: `name`, `name` | exit | time ("a few seconds", "about 25 s", "30–40 s: …"). */
function documentedScenarios(readme: string): Map<string, Documented> {
    const table = readme.slice(readme.indexOf("| scenario | exit | time |"));
    const lines = table.split("\n").slice(2);
    const rows = lines.slice(0, lines.findIndex((line) => !line.startsWith("|")));
    const documented = new Map<string, Documented>();
    for (const row of rows) {
        const [names, exit, time] = row.split("|").slice(1, 4).map((cell) => cell.trim());
        const seconds = /^a few seconds/.test(time) ? 10 : Number(/(\d+) s\b/.exec(time)?.[1]);
        for (const name of names.match(/`[^`]+`/g) ?? []) documented.set(name.slice(1, -1), { exit: Number(exit), seconds, time });
    }
    return documented;
}

interface Run { code: number | null; stdout: string; stderr: string; killedAfter?: number }

/** `npm run --silent demo -- --scenario NAME`; killed (with everything it started) after `boundSeconds`. */
function runScenario(name: string, boundSeconds: number): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "--silent", "demo", "--", "--scenario", name], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const run: Run = { code: null, stdout: "", stderr: "" };
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => { run.stdout += chunk; });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { run.stderr += chunk; });
        const timer = setTimeout(() => {
            run.killedAfter = boundSeconds;
            process.kill(-child.pid!, "SIGKILL");
        }, boundSeconds * 1000);
        child.once("error", reject);
        child.once("exit", (code) => {
            clearTimeout(timer);
            resolve({ ...run, code });
        });
    });
}

/** Generous: start-up of a TypeScript process on a busy machine, then three times the documented figure. */
const boundFor = (documented: Documented) => 90 + 3 * (Number.isFinite(documented.seconds) ? documented.seconds : 100);

describe("npm run demo -- --scenario NAME: every scenario docs/emulator.md lists", function () {
    const documented = documentedScenarios(readFileSync(join(ROOT, "docs", "emulator.md"), "utf8"));
    this.timeout(1000 * Math.max(...[...documented.values()].map(boundFor)) + 30_000);
    const runs = new Map<string, Promise<Run>>();

    before(() => {
        for (const [name, doc] of documented) runs.set(name, runScenario(name, boundFor(doc)));
    });

    after(async () => {
        await Promise.allSettled(runs.values());
    });

    it("lists every scenario the demo has, each with an exit code and a time", () => {
        assert.deepEqual([...documented.keys()].sort(), [...SCENARIO_NAMES].sort());
        for (const [name, doc] of documented) {
            assert.ok([0, 1, 3].includes(doc.exit), `${name}: the documented exit "${doc.exit}" is not an exit code of the demo`);
            assert.ok(Number.isFinite(doc.seconds), `${name}: the documented time "${doc.time}" is neither "a few seconds" nor a number of seconds`);
        }
    });

    for (const name of SCENARIO_NAMES) {
        it(`runs ${name} to its documented exit code, within a generous bound on its documented time`, async () => {
            const doc = documented.get(name);
            assert.ok(doc, `docs/emulator.md's scenario table has no row for ${name}`);
            const run = await runs.get(name)!;
            const output = `${run.stdout}\n${run.stderr}`;
            assert.equal(run.killedAfter, undefined, `${name} was still running after ${run.killedAfter} s (documented: ${doc.time})\n${output}`);
            assert.equal(run.code, doc.exit, output);
            assert.doesNotMatch(run.stderr, /demo failed/, output);
            if (doc.exit === 0) assert.match(run.stdout, /\[4\/4\] Handoff for the jtel contact:/);
            else assert.match(run.stdout, new RegExp(`code: ${SCENARIOS[name].expectedCode}\\b`));
        });
    }
});
