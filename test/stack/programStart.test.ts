// How `pulumi preview` / `pulumi up` start the program: Pulumi.yaml hands Pulumi's Node runner
// tsconfig.pulumi.json, whose compilerOptions.noCheck makes the runner register ts-node transpile-only
// (sdk/nodejs/cmd/run/run.ts in pulumi/pulumi) and whose "ts-node" section picks swc; type checking stays
// with tsconfig.json in `npm run build` / `npm test`. The last test starts index.ts through the installed
// @pulumi/pulumi runner exactly so (bench/start/), under mocks.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { MODES, projectTsconfig, startOnce } from "../../bench/start/launch";

const root = join(__dirname, "..", "..");

/** A tsconfig as Pulumi's runner reads it (tsutils.loadTypeScriptCompilerOptions: no `extends`). */
function readTsconfig(name: string): { compilerOptions: Record<string, unknown>; "ts-node"?: Record<string, unknown>; extends?: string } {
    const parsed = ts.parseConfigFileTextToJson(name, readFileSync(join(root, name), "utf8"));
    assert.equal(parsed.error, undefined, `${name} parses`);
    return parsed.config;
}

describe("program start mode", () => {
    it("gives Pulumi's runner tsconfig.pulumi.json through Pulumi.yaml runtime.options.tsconfig", () => {
        assert.equal(projectTsconfig(), "tsconfig.pulumi.json");
    });

    it("skips type checking at pulumi up (noCheck) and transpiles with swc, which is a dependency", () => {
        const runner = readTsconfig("tsconfig.pulumi.json");
        assert.equal(runner.compilerOptions.noCheck, true);
        assert.equal(runner["ts-node"]?.swc, true);
        const dependencies = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies;
        assert.ok(dependencies["@swc/core"], "@swc/core must be installed wherever pulumi up runs");
    });

    it("restates the module settings the runner would otherwise default to nodenext, matching tsconfig.json", () => {
        const runner = readTsconfig("tsconfig.pulumi.json").compilerOptions;
        const checked = readTsconfig("tsconfig.json").compilerOptions;
        for (const key of ["target", "module", "moduleResolution", "esModuleInterop"]) assert.equal(runner[key], checked[key], key);
        assert.equal(readTsconfig("tsconfig.pulumi.json").extends, "./tsconfig.json");
    });

    it("keeps type checking in npm run build and npm test: tsconfig.json has no noCheck", () => {
        assert.equal(readTsconfig("tsconfig.json").compilerOptions.noCheck, undefined);
        const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        assert.match(scripts.build, /tsc -p tsconfig\.json --noEmit/);
        assert.match(scripts.test, /npm run build/);
    });

    it("starts index.ts through @pulumi/pulumi's own runner in that mode: transpile-only, swc, every resource registered", async function () {
        this.timeout(120_000);
        const sample = await startOnce({ name: "index.ts", program: ".", entry: "index.ts" }, MODES.projectDefault());
        assert.deepEqual(sample.transpiler, { transpileOnly: true, swc: true, project: join(root, "tsconfig.pulumi.json") });
        // the stack and PresenceTenant with its children, as the program test under mocks counts them
        assert.ok(sample.resources >= 10, `registered ${sample.resources} resources`);
        assert.ok(sample.loadedMs > 0 && sample.ranMs >= sample.loadedMs);
        // the verifier (Graph client, token decoding) loads only when a verification runs, never in a preview
        assert.ok(sample.projectModules.includes("stack/postDeployVerification.ts"));
        for (const heavy of ["verifier/verify.ts", "verifier/graph.ts", "verifier/signIn.ts", "verifier/roster.ts"]) assert.ok(!sample.projectModules.includes(heavy), `${heavy} was loaded`);
    });
});
