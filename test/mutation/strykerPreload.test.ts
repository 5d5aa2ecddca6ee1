// mutation/stryker-preload.cjs corrects how Stryker's perTest coverage reads this suite. Without it, code that a
// describe's before() runs is credited to the previous suite's last test (@stryker-mutator/mocha-runner 10,
// dist/src/mocha-test-runner.js: the root beforeEach sets currentTestId, nothing clears it), and Stryker calls
// the mutants there alive. These tests play the instrumented code's part: like Stryker's coverage counter
// (@stryker-mutator/instrumenter, dist/src/util/syntax-helpers.js) they add a hit under the namespace's
// currentTestId.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import Module from "node:module";
import { Suite, Test } from "mocha";

const ROOT = join(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS file Stryker loads
const preload = require("../../mutation/stryker-preload.cjs") as {
    NAMESPACE: string;
    creditingHookCoverage: (suite: Suite, fn: (...args: unknown[]) => unknown) => (this: unknown, ...args: unknown[]) => unknown;
    creditBeforeAllHooks: () => () => void;
    creditModuleLoadsToStatic: () => () => void;
    scopeModules: () => string[];
};

interface Namespace { currentTestId?: string; mutantCoverage: { static: Record<string, number>; perTest: Record<string, Record<string, number>> } }
const globals = globalThis as unknown as Record<string, Namespace | undefined>;

/** What an instrumented line does when it runs: one hit for mutant `id` under the current test, else static. */
function hit(id: string): void {
    const ns = globals[preload.NAMESPACE] as Namespace;
    const into = ns.currentTestId ? (ns.mutantCoverage.perTest[ns.currentTestId] ??= {}) : ns.mutantCoverage.static;
    into[id] = (into[id] ?? 0) + 1;
}

/** A suite "program" with tests "first" and "second", and "nested" in a child suite. */
function programSuite(): Suite {
    // mocha's root suite (isRoot: its empty title stays out of fullTitle); @types/mocha omits the third parameter.
    const root = new (Suite as unknown as new (title: string, context: undefined, isRoot: boolean) => Suite)("", undefined, true);
    const suite = Suite.create(root, "program");
    suite.addTest(new Test("first", () => undefined));
    suite.addTest(new Test("second", () => undefined));
    Suite.create(suite, "child").addTest(new Test("nested", () => undefined));
    return suite;
}

describe("Stryker's coverage of before() hooks (mutation/stryker-preload.cjs)", () => {
    let ns: Namespace;
    beforeEach(() => {
        ns = { currentTestId: "previous suite last test", mutantCoverage: { static: {}, perTest: {} } };
        globals[preload.NAMESPACE] = ns;
    });
    afterEach(() => {
        delete globals[preload.NAMESPACE];
    });

    const hookKinds: [string, (suite: Suite) => Promise<void>][] = [
        ["a synchronous hook", async (suite) => {
            preload.creditingHookCoverage(suite, () => hit("7")).call(undefined);
        }],
        ["a hook returning a promise", async (suite) => {
            await preload.creditingHookCoverage(suite, async () => {
                await Promise.resolve();
                hit("7");
            }).call(undefined);
        }],
        ["a hook taking done", (suite) => new Promise<void>((resolve, reject) => {
            preload.creditingHookCoverage(suite, (done: unknown) => setImmediate(() => {
                hit("7");
                (done as (error?: unknown) => void)();
            })).call(undefined, (error: unknown) => (error ? reject(error) : resolve()));
        })],
    ];
    for (const [kind, runHook] of hookKinds) {
        it(`credits what ${kind} runs to every test of its suite, not to the test that ran before it`, async () => {
            await runHook(programSuite());
            assert.deepEqual(ns.mutantCoverage.perTest, {
                "program first": { 7: 1 },
                "program second": { 7: 1 },
                "program child nested": { 7: 1 },
            });
            assert.equal(ns.currentTestId, "previous suite last test");
        });
    }

    it("keeps the hook's arity, which is how mocha tells a callback hook from a promise hook", () => {
        assert.equal(preload.creditingHookCoverage(programSuite(), (done: unknown) => done).length, 1);
        assert.equal(preload.creditingHookCoverage(programSuite(), () => undefined).length, 0);
    });

    it("credits a failing hook's coverage too and gives the test ID back, so the suite's tests still run for its mutants", async () => {
        const failing = preload.creditingHookCoverage(programSuite(), async () => {
            hit("9");
            throw new Error("program failed");
        });
        await assert.rejects(async () => failing.call(undefined), /program failed/);
        assert.deepEqual(Object.keys(ns.mutantCoverage.perTest), ["program first", "program second", "program child nested"]);
        assert.equal(ns.currentTestId, "previous suite last test");
    });

    it("wraps the before-all hooks of suites created after it is installed, under mocha's own hook title", async () => {
        const restore = preload.creditBeforeAllHooks();
        try {
            const suite = programSuite();
            suite.beforeAll(function runProgram() {
                hit("3");
            });
            const [hook] = (suite as unknown as { _beforeAll: { title: string; fn: () => void }[] })._beforeAll;
            assert.equal(hook.title, '"before all" hook: runProgram');
            hook.fn();
            assert.deepEqual(ns.mutantCoverage.perTest["program second"], { 3: 1 });
        } finally {
            restore();
        }
    });
});

describe("Stryker's coverage of a module loaded inside a test (mutation/stryker-preload.cjs)", () => {
    let ns: Namespace;
    let restore: () => void;
    const compiling = Module.prototype as unknown as { _compile: (content: string, filename: string) => unknown };
    const original = compiling._compile;
    const COPY = "/tmp/plan-repo/stack/config.ts";
    /** Compiles `source` as a new CommonJS module, the way require() runs a module's top level (a copied program file). */
    function load(source: string): Module {
        const module = new Module(COPY);
        compiling._compile.call(module, source, COPY);
        return module;
    }
    beforeEach(() => {
        ns = { currentTestId: "npm run plan in a git repository plans an edited stack file", mutantCoverage: { static: {}, perTest: {} } };
        globals[preload.NAMESPACE] = ns;
        (globalThis as unknown as { strykerHit: typeof hit }).strykerHit = hit;
        restore = preload.creditModuleLoadsToStatic();
    });
    afterEach(() => {
        restore();
        delete (globalThis as unknown as { strykerHit?: typeof hit }).strykerHit;
        delete globals[preload.NAMESPACE];
    });

    it("credits the module-level code of a module compiled during a test to static coverage, so its mutants are not tried against that test alone", () => {
        load('globalThis.strykerHit("12");');
        assert.deepEqual(ns.mutantCoverage, { static: { 12: 1 }, perTest: {} });
        assert.equal(ns.currentTestId, "npm run plan in a git repository plans an edited stack file");
    });

    it("still credits a function the module exports to the test that calls it", () => {
        const exported = load('globalThis.strykerHit("12"); module.exports = () => globalThis.strykerHit("13");');
        (exported.exports as () => void)();
        assert.deepEqual(ns.mutantCoverage, { static: { 12: 1 }, perTest: { "npm run plan in a git repository plans an edited stack file": { 13: 1 } } });
    });

    it("gives the test ID back when the module's top level throws", () => {
        assert.throws(() => load('globalThis.strykerHit("12"); throw new Error("bad module");'), /bad module/);
        assert.equal(ns.currentTestId, "npm run plan in a git repository plans an edited stack file");
        assert.deepEqual(ns.mutantCoverage.static, { 12: 1 });
    });

    it("is undone by the function it returns", () => {
        restore();
        assert.equal(compiling._compile, original);
        restore = () => undefined;
    });
});

describe("the scope Stryker loads before any test (mutation/stryker-preload.cjs)", () => {
    it("is every module of the folders npm run mutation mutates, except the policy pack's entry point that starts a server", async () => {
        // @ts-expect-error -- an untyped ES module script
        const { FOLDERS } = (await import("../../mutation/run.mjs")) as { FOLDERS: string[] };
        const modules = preload.scopeModules().map((file) => relative(ROOT, file));
        assert.deepEqual([...new Set(modules.map((file) => file.split("/")[0]))], FOLDERS);
        assert.ok(modules.includes("stack/main.ts") && modules.includes("verifier/verify.ts"));
        assert.ok(!modules.includes("policy/index.ts"));
    });

    it("is loaded by Stryker first, before the test files", async () => {
        const config = readFileSync(join(ROOT, "mutation", "stryker.config.mjs"), "utf8");
        const spec = config.slice(config.indexOf("spec: ["));
        assert.match(spec, /^spec: \[\s*(\/\/[^\n]*\n\s*)*"mutation\/stryker-preload\.cjs",\n\s*"test\//);
    });

    it("changes nothing when loaded outside Stryker's test runner", () => {
        assert.equal(globals[preload.NAMESPACE], undefined);
        assert.equal(Suite.prototype.beforeAll.name, "beforeAll");
    });
});
