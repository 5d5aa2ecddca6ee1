// A file a person writes at the repository root never takes the place of a source folder. README's own emulator
// snippet once redirected `npm run emulator -- --json` into ./emulator.json: the shell creates that file empty
// before the command starts, and Node resolves `../emulator` to the file before the folder (a file, then .js,
// .json, .node, then ts-node's .ts, and only then the folder's index), so the emulator died on an empty JSON
// file and every later `npm run demo` with it. Imports name the folder's index (`../emulator/index`); this
// runs both commands in a scratch copy of the repository holding such files.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");
/** Names a person could write at the root: the README snippet's of old, a saved handoff, a saved verification. */
const ROOT_FILES = ["emulator.json", "handoff.json", "verifier.json", "emulator.js", "handoff.js", "verifier.js"];
/** Not needed to run the commands, and large (the mutation report) or irrelevant. */
const LEFT_OUT = new Set([".git", "node_modules", "test", "mutation", "bench", "reports", ".stryker-tmp"]);

interface Run { code: number | null; stdout: string; stderr: string }

function run(cwd: string, args: string[], until?: (stdout: string) => boolean): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        const out: Run = { code: null, stdout: "", stderr: "" };
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            out.stdout += chunk;
            if (until?.(out.stdout)) child.kill("SIGTERM");
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { out.stderr += chunk; });
        child.once("error", reject);
        child.once("exit", (code) => resolve({ ...out, code }));
    });
}

describe("files written at the repository root", function () {
    // Two ts-node start-ups, side by side, and one offline deployment.
    this.timeout(120_000);
    let scratch: string;
    let emulator: Promise<Run>;
    let demo: Promise<Run>;

    before(() => {
        scratch = mkdtempSync(join(tmpdir(), "root-files-"));
        cpSync(ROOT, scratch, { recursive: true, filter: (source) => !LEFT_OUT.has(relative(ROOT, source).split(sep)[0]) });
        symlinkSync(realpathSync(join(ROOT, "node_modules")), join(scratch, "node_modules"));
        for (const name of ROOT_FILES) writeFileSync(join(scratch, name), "");
        // Both at once; each test awaits its own.
        emulator = run(scratch, ["cli/emulator.ts", "--http", "--json"], (stdout) => stdout.includes("\n"));
        demo = run(scratch, ["cli/demo.ts"]);
    });

    after(async () => {
        await Promise.allSettled([emulator, demo]);
        rmSync(scratch, { recursive: true, force: true });
    });

    it("do not stop the emulator from starting: an empty emulator.json (README's old redirect target) is not the emulator/ folder", async () => {
        const result = await emulator;
        assert.equal(result.stderr, "", result.stderr);
        const line = JSON.parse(result.stdout.split("\n")[0]) as { url: string; handoffFile: string };
        assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        // SIGTERM after the first line: the emulator stops with 0 and removes its handoff file.
        assert.equal(result.code, 0);
    });

    it("do not stop the offline demo: it deploys, verifies and exits 0", async () => {
        const result = await demo;
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        assert.match(result.stdout, /\[4\/4\] Handoff for the jtel contact:/);
    });
});
