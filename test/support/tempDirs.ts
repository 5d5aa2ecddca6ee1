// Loaded by mocha before any test file (.mocharc.json `require`): the whole run gets one private temp folder,
// and os.tmpdir() points into it for the tests and every process they start. After the last test the folder
// must be empty: a test that leaves a folder or file behind (a handoff file holds a secret and a password)
// fails the run, naming what it left. Runs of other worktrees on the same machine never interfere.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = mkdtempSync(join(tmpdir(), "jtel-test-run-"));
for (const name of ["TMPDIR", "TMP", "TEMP"]) process.env[name] = root;

// Tools' compile caches, removed with the folder, not something a test created: ts-node's (v8-compile-cache-lib),
// made by every ts-node process the tests start, and Node 22's module compile cache (node-compile-cache), which
// npm, tsc and eslint switch on with module.enableCompileCache() in the processes the tests start.
const TOOL_CACHE = /^(v8-compile-cache-\d+|node-compile-cache)$/;

// The folder goes when the process does, not after the last test: Stryker's mocha runner (npm run mutation) runs
// the suite many times in one process, and each run needs the folder again.
process.on("exit", () => rmSync(root, { recursive: true, force: true }));

export const mochaHooks = {
    afterAll(): void {
        const left = readdirSync(root).filter((name) => !TOOL_CACHE.test(name));
        for (const name of left) rmSync(join(root, name), { recursive: true, force: true });
        if (left.length > 0) {
            throw new Error(`the tests left ${left.length} temp entr${left.length === 1 ? "y" : "ies"} behind: ${left.sort().join(", ")}; ` +
                "remove what a test creates in its after or afterEach hook");
        }
    },
};
