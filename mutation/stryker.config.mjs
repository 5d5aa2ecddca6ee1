// Stryker's configuration for `npm run mutation` (mutation/run.mjs starts it; see README, Development).
// Scope: the code a real tenant depends on. Tests: every mocha file that runs that code; the emulator's own
// suites, the real-client conformance suite, the workflow lint and the fleet scripts never reach it.
import process from "node:process";
import { FOLDERS } from "./run.mjs";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    testRunner: "mocha",
    mochaOptions: {
        config: ".mocharc.json",
        // Fastest first: a mutant in module-level code (a "static" mutant) runs the whole list until a test fails.
        spec: [
            // First: credits suite-level before() hooks' coverage to their tests and loads the scope (see the file).
            "mutation/stryker-preload.cjs",
            "test/components/**/*.test.ts",
            "test/handoff/**/*.test.ts",
            "test/policy/**/*.test.ts",
            "test/stack/**/*.test.ts",
            "test/verifier/**/*.test.ts",
            "test/docs.test.ts",
            // Not test/docs/commands.test.ts: it runs the docs' commands as child processes in a scratch copy made
            // from `git ls-files`, which the sandbox has no repository for; a child process reports no coverage anyway.
            "test/docs/pulumiConfig.test.ts",
            "test/docs/shellBlocks.test.ts",
            "test/fleet/newTenant.test.ts",
            "test/planner/**/*.test.ts",
            "test/demo/**/*.test.ts",
            "test/emulator/deployerPermissions.test.ts",
        ],
    },
    mutate: FOLDERS.map((folder) => `${folder}/**/*.ts`),
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    coverageAnalysis: "perTest",
    // Two cores shared with other work: two test runners, and the type checker in its own process.
    concurrency: 2,
    incremental: true,
    // Static mutants (module-load code) rerun the whole suite each; `npm run mutation -- --with-static` adds them.
    ignoreStatic: process.env.JTEL_MUTATION_WITH_STATIC !== "1",
    incrementalFile: "mutation/stryker-incremental.json",
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
    // A loaded machine slows a mutant's tests down: wait before calling an endless loop.
    timeoutMS: 20_000,
    timeoutFactor: 2,
    dryRunTimeoutMinutes: 15,
    tempDirName: ".stryker-tmp",
    ignorePatterns: ["reports", "mutation/stryker-incremental.json"],
    thresholds: { high: 90, low: 80, break: null },
};
