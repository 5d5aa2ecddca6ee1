import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("the test run's temp folder check", function () {
    this.timeout(30_000);

    it("fails a run whose tests leave a temp folder behind, naming it, and still removes it", async () => {
        // The child run gets a folder of its own, so whatever it leaves is visible here.
        const parent = mkdtempSync(join(tmpdir(), "leak-check-"));
        try {
            const root = join(__dirname, "..", "..");
            const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
                execFile(process.execPath, [require.resolve("mocha/bin/mocha.js"), "--no-config", "--require", "ts-node/register/transpile-only",
                    "--require", "test/support/tempDirs.ts", "test/support/fixtures/leaky.fixture.ts"],
                { cwd: root, env: { ...process.env, TMPDIR: parent } }, (error, stdout, stderr) => {
                    resolve({ code: error ? (error.code as number) : 0, output: `${stdout}${stderr}` });
                });
            });
            assert.notEqual(result.code, 0, result.output);
            assert.match(result.output, /the tests left 1 temp entry behind: handoff-cli-\w+; remove what a test creates in its after or afterEach hook/);
            assert.equal(existsSync(parent), true);
            assert.deepEqual(readdirSync(parent).filter((n) => !n.startsWith("v8-compile-cache-")), [], "the check did not clean up its own folder");
        } finally {
            rmSync(parent, { recursive: true, force: true });
        }
    });
});
