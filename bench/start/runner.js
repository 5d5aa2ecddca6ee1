// Child process of the program-start benchmark (bench/programStart.ts). Plain JavaScript, so nothing
// registers ts-node before Pulumi's runner does. With a program it runs @pulumi/pulumi's own runner entry
// point (cmd/run, what the Pulumi CLI's Node language host starts) under mocks instead of an engine; without
// one it only imports @pulumi/pulumi and @pulumi/azuread (the floor every Pulumi program pays).
// Prints one JSON line: milliseconds since the process started until the program was loaded (and the CPU
// time spent by then) and until it had run, the resources it registered, how ts-node was set up (if at all) and the peak resident set size.
// (At exit the runner asks the engine to shut down; the mock monitor cannot, and says so on stderr.)
/* global require, process, __filename -- a CommonJS script for node */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS by design, see above */
"use strict";
const { performance } = require("node:perf_hooks");
const Module = require("node:module");
const path = require("node:path");

const spec = JSON.parse(process.argv[2]);
let loadedMs;
let loadedCpuMs;
let resources = 0;
const markLoaded = () => {
    loadedMs = performance.now();
    const cpu = process.cpuUsage();
    loadedCpuMs = (cpu.user + cpu.system) / 1000;
};

if (spec.program === null) {
    require("@pulumi/pulumi");
    require("@pulumi/azuread");
    markLoaded();
    report();
} else {
    const target = path.resolve(spec.root, spec.entry);
    const load = Module._load;
    Module._load = function (request, parent, ...rest) {
        const exports = load.call(this, request, parent, ...rest);
        if (loadedMs === undefined && parent && path.resolve(path.dirname(parent.filename || ""), request) === target) markLoaded();
        return exports;
    };
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                resources += 1;
                return { id: `${args.name}-id`, state: { ...args.inputs, ...spec.outputs } };
            },
            call: (args) => {
                const answer = spec.invokes[args.token];
                if (!answer) throw new Error(`unexpected invoke ${args.token}`);
                return answer;
            },
        },
        spec.project,
        "bench",
        true,
    );
    // The runner's own argv: cmd/run reads it when required (see its main()).
    process.argv = [process.argv[0], require.resolve("@pulumi/pulumi/cmd/run"), "--monitor=mock", `--project=${spec.project}`, "--stack=bench", "--dry-run", `--pwd=${spec.root}`, spec.program];
    process.on("exit", (code) => {
        if (code === 0) report();
    });
    require("@pulumi/pulumi/cmd/run");
}

function report() {
    const tsNode = process[Symbol.for("ts-node.register.instance")];
    const transpiler = tsNode ? { transpileOnly: Boolean(tsNode.transpileOnly), swc: Boolean(tsNode.options.swc), project: tsNode.configFilePath } : null;
    const projectModules = Object.keys(require.cache).filter((f) => f.startsWith(spec.root) && !f.includes("node_modules") && f !== __filename).map((f) => path.relative(spec.root, f)).sort();
    process.stdout.write(`${JSON.stringify({ loadedMs, loadedCpuMs, ranMs: performance.now(), resources, transpiler, projectModules, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}
