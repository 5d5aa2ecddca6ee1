// planner/engine.ts says in its header who runs it; every npm command whose entry point reaches it, import by import,
// is named there, so the header stays true when a command starts using the engine (as `npm run plan` did).
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const ROOT = join(__dirname, "..", "..");
const ENGINE = join(ROOT, "planner", "engine.ts");

function resolveImport(from: string, specifier: string): string | undefined {
    const base = resolve(dirname(from), specifier);
    return [`${base}.ts`, join(base, "index.ts"), base].find((p) => existsSync(p) && p.endsWith(".ts"));
}

/** Every project file `entry` reaches through static and dynamic relative imports. */
function reachable(entry: string): Set<string> {
    const seen = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
        const file = queue.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const m of readFileSync(file, "utf8").matchAll(/\b(?:from|import|require)\s*\(?\s*["'](\.[^"']+)["']/g)) {
            const target = resolveImport(file, m[1]);
            if (target) queue.push(target);
        }
    }
    return seen;
}

describe("planner/engine.ts's header", () => {
    it("names every npm command that runs the engine", () => {
        const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        const users = Object.entries(scripts).flatMap(([name, command]) => {
            const entry = /ts-node --transpile-only (cli\/\w+\.ts)$/.exec(command)?.[1];
            return entry && reachable(join(ROOT, entry)).has(ENGINE) ? [`npm run ${name}`] : [];
        });
        assert.ok(users.includes("npm run plan") && users.includes("npm run demo"), `found ${users.join(", ")}: the scan is broken`);
        const header = readFileSync(ENGINE, "utf8").split("\n").filter((l) => l.startsWith("//")).join(" ");
        assert.deepEqual(users.filter((u) => !header.includes(`\`${u}\``)), []);
    });
});
