// The source folders stack in layers, and each imports only from its own layer or the ones below, so the code
// reads top-down: what `pulumi up` runs never reaches into tooling, and no tool into a tool built on it.
// ARCHITECTURE.md states the same order. Imports of a folder name its index (`../emulator/index`): Node tries
// `../emulator.json` and `../emulator.js` before the folder, so a file written at the root would take its place.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = join(__dirname, "..");

/** From the bottom: the product (the policy pack, then what `pulumi up` runs), then the tooling. */
const LAYERS = ["policy", "handoff", "verifier", "components", "stack", "index.ts", "fleet", "emulator", "planner", "demo", "cli", "bench"];

function sourceFiles(path: string): string[] {
    if (statSync(path).isFile()) return [path];
    return readdirSync(path).filter((name) => name !== "node_modules").flatMap((name) => {
        const child = join(path, name);
        return statSync(child).isDirectory() ? sourceFiles(child) : /\.ts$/.test(name) ? [child] : [];
    });
}

/** Every module a file names: static imports and re-exports, `import()` and `require()`. */
function specifiers(source: string): string[] {
    const found = [...source.matchAll(/\b(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
    return [...new Set(found)];
}

/** The layer a path of the repository belongs to, or undefined outside them (test/, package.json). */
function layerOf(path: string): string | undefined {
    const top = relative(ROOT, path).split(sep)[0];
    const name = top === "index" ? "index.ts" : top;
    return LAYERS.includes(name) ? name : undefined;
}

interface Import { file: string; specifier: string; target: string }

function projectImports(folders: readonly string[] = LAYERS): Import[] {
    return folders.flatMap((layer) => sourceFiles(join(ROOT, layer))).flatMap((file) =>
        specifiers(readFileSync(file, "utf8")).filter((s) => s.startsWith(".")).map((specifier) => ({ file, specifier, target: resolve(dirname(file), specifier) })));
}

describe("the source folders' layers", () => {
    const imports = projectImports();

    it("are read from real imports", () => {
        assert.ok(imports.length > 200, `only ${imports.length} imports found: the scan is broken`);
        assert.ok(imports.some((i) => i.file.endsWith(join("cli", "status.ts")) && i.specifier === "../fleet/status"));
    });

    it("never import from a layer above their own, nor from outside the layers", () => {
        const against = imports.filter(({ file, target }) => {
            const from = LAYERS.indexOf(layerOf(file)!);
            const to = layerOf(target);
            return to === undefined || LAYERS.indexOf(to) > from;
        }).map(({ file, specifier, target }) => `${relative(ROOT, file)} imports ${specifier} (${layerOf(target) ?? "outside the layers"}), above ${layerOf(file)}`);
        assert.deepEqual(against, [], `layers from the bottom: ${LAYERS.join(" < ")}`);
    });

    it("name a folder's index instead of the folder, which a .json or .js file beside it would shadow (the tests too)", () => {
        const folders = [...imports, ...projectImports(["test"])].filter(({ target }) => existsSync(target) && statSync(target).isDirectory())
            .map(({ file, specifier }) => `${relative(ROOT, file)} imports ${specifier}: write ${specifier}/index`);
        assert.deepEqual(folders, []);
    });

    it("are the order ARCHITECTURE.md states", () => {
        assert.ok(readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8").includes(LAYERS.join(" < ")), `ARCHITECTURE.md should state: ${LAYERS.join(" < ")}`);
    });
});
