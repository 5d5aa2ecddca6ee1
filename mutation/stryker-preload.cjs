// The first file Stryker's mocha runner loads (mutation/stryker.config.mjs, mochaOptions.spec), before any test
// file. It corrects three ways in which Stryker's perTest coverage misreads this suite; without it Stryker calls
// mutants alive that the tests kill when the same change is made by hand.
//
// 1. Suite-level before() hooks. @stryker-mutator/mocha-runner 10 records coverage under the test ID its root
//    beforeEach last set (dist/src/mocha-test-runner.js, dryRun) and never clears it, so code that a describe's
//    before() runs (most suites run the Pulumi program once there) is credited to the last test of the PREVIOUS
//    suite. A mutant in that code is then tried against that unrelated test alone and "survives". Here the
//    coverage of each before-all hook is credited to every test of its suite, so the mutant's run selects the
//    suite's tests and mocha runs the hook again with the mutant active.
// 2. Module-level code of a module first loaded inside a test (a dynamic import) counts as that test's coverage,
//    but Stryker switches mutants at run time and never loads the module again, so whatever the tests check, its
//    mutants "survive". Loading every module of the scope here, before any test runs, makes module-level code
//    static everywhere: ignored by default like the rest of it, measured with `npm run mutation -- --with-static`.
// 3. Copies of the scope loaded inside a test. `npm run plan`'s tests (test/planner/planCli.test.ts) copy the
//    program, Stryker's instrumented files included, into a scratch repository and load main's side from there,
//    so the copy's module-level code ran under those tests' IDs: a module-level mutant (a zod schema, a pattern,
//    a constant table) became "hybrid", was tried against those tests alone, and "survived" whatever the tests
//    of that code check. Module-level code compiled while a test runs is credited to static coverage instead.
/* global require, __dirname, module */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded by mocha as a spec file */
const { readdirSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");
const { Suite } = require("mocha");

const NAMESPACE = "__stryker__"; // @stryker-mutator/api, INSTRUMENTER_CONSTANTS.NAMESPACE
let hooks = 0;

function testsOf(suite) {
    return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

/** Credits a before-all hook's coverage to its suite's tests, around one run of the hook. */
function creditingHookCoverage(suite, fn) {
    const enter = () => {
        const ns = globalThis[NAMESPACE];
        const key = `\u0000before all #${++hooks}`;
        const previous = ns?.currentTestId;
        if (ns) ns.currentTestId = key;
        return () => {
            if (!ns) return;
            ns.currentTestId = previous;
            const perTest = ns.mutantCoverage?.perTest;
            const hits = perTest?.[key];
            if (!hits) return;
            delete perTest[key];
            for (const test of testsOf(suite)) {
                const into = (perTest[test.fullTitle()] ??= {});
                for (const [mutant, count] of Object.entries(hits)) into[mutant] = (into[mutant] ?? 0) + count;
            }
        };
    };
    // mocha tells callback hooks from promise hooks by their arity, so each keeps its own.
    if (fn.length > 0) {
        return function (done) {
            const leave = enter();
            return fn.call(this, (error) => {
                leave();
                done(error);
            });
        };
    }
    return function () {
        const leave = enter();
        let result;
        try {
            result = fn.call(this);
        } catch (error) {
            leave();
            throw error;
        }
        if (!result || typeof result.then !== "function") {
            leave();
            return result;
        }
        return result.then(
            (value) => {
                leave();
                return value;
            },
            (error) => {
                leave();
                throw error;
            },
        );
    };
}

/** Makes every before-all hook of suites created from now on credit its coverage to its suite's tests. */
function creditBeforeAllHooks() {
    const beforeAll = Suite.prototype.beforeAll;
    Suite.prototype.beforeAll = function (title, fn) {
        if (typeof title === "function") {
            fn = title;
            title = fn.name;
        }
        return beforeAll.call(this, title, creditingHookCoverage(this, fn));
    };
    return () => {
        Suite.prototype.beforeAll = beforeAll;
    };
}

/**
 * Credits the module-level code of every module compiled from now on to static coverage, whatever test is
 * running (node's CommonJS loader, and ts-node's hook, run a module's top level inside Module#_compile).
 */
function creditModuleLoadsToStatic() {
    const compile = Module.prototype._compile;
    Module.prototype._compile = function (content, filename) {
        const ns = globalThis[NAMESPACE];
        const previous = ns?.currentTestId;
        if (ns) ns.currentTestId = undefined;
        try {
            return compile.call(this, content, filename);
        } finally {
            if (ns) ns.currentTestId = previous;
        }
    };
    return () => {
        Module.prototype._compile = compile;
    };
}

/** Every module of the scope except policy/index.ts, which starts the policy pack's gRPC server when loaded. */
function scopeModules(root = join(__dirname, "..")) {
    return ["components", "stack", "verifier", "handoff", "policy"].flatMap((folder) =>
        readdirSync(join(root, folder))
            .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !(folder === "policy" && name === "index.ts"))
            .sort()
            .map((name) => join(root, folder, name)),
    );
}

// Only inside Stryker's test runner, which creates its namespace before it loads the spec files.
if (globalThis[NAMESPACE]) {
    creditBeforeAllHooks();
    creditModuleLoadsToStatic();
    for (const file of scopeModules()) require(file);
}

module.exports = { creditingHookCoverage, creditBeforeAllHooks, creditModuleLoadsToStatic, scopeModules, NAMESPACE };
