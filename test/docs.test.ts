// The README, Pulumi.yaml and the code describe the same configuration, commands and codes.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { parseStackConfig, PROJECT_KEYS, TENANT_ID_KEY } from "../stack/config";
import { DIAGNOSIS_CODES, REMEDIES } from "../verifier/index";
import { SCENARIO_NAMES, SCENARIOS } from "../demo/scenarios";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const project = yaml.load(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string; config: Record<string, { type: string; default?: unknown }>; template: { config: Record<string, unknown> };
};
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string>;
};
const scripts = packageJson.scripts;

/** Rows of the README's configuration table: key -> default column. */
function configTable(): Map<string, string> {
    const section = readme.split("## Configuration")[1].split("\n## ")[0];
    const rows = section.split("\n").filter((l) => /^\| `[^`]+` \|/.test(l));
    return new Map(rows.map((l) => {
        const cells = l.split(" | ");
        return [cells[0].replace(/^\| `|`$/g, ""), cells[1]];
    }));
}

const defaults = parseStackConfig({ [TENANT_ID_KEY]: "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", serviceUserPrincipalName: "a@contoso.com" }) as unknown as Record<string, unknown>;
/** The one project key the program requires; every other key has a default or may stay unset. */
const REQUIRED_KEYS = ["serviceUserPrincipalName"];

describe("the documentation", () => {
    it("documents exactly the configuration keys the program reads", () => {
        assert.deepEqual([...configTable().keys()].sort(), [TENANT_ID_KEY, ...PROJECT_KEYS].sort());
    });

    it("states the defaults the program applies", () => {
        for (const [key, documented] of configTable()) {
            if (key === TENANT_ID_KEY || key === "serviceUserPrincipalName") { assert.equal(documented, "required"); continue; }
            const actual = defaults[key];
            if (actual === undefined) { assert.match(documented, /^(unset|per `cloud`)$/, key); continue; }
            const shown = typeof actual === "string" ? actual : JSON.stringify(actual);
            assert.equal(documented, `\`${shown}\``, key);
        }
    });

    // Pulumi makes a key declared without a default required on every stack (pkg/workspace/config.go, mergeConfig),
    // so an optional key without a default (an override, an object, the secret) must stay undeclared.
    it("declares in Pulumi.yaml exactly the required key and the keys with a default, each with the program's default", () => {
        assert.equal(project.name, "jtel-teams-presence");
        const declared = Object.keys(project.config).sort();
        assert.deepEqual(declared, PROJECT_KEYS.filter((k) => REQUIRED_KEYS.includes(k) || defaults[k] !== undefined).sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            if (declaration.default === undefined) continue;
            assert.deepEqual(declaration.default, defaults[key], key);
        }
        assert.deepEqual(Object.keys(project.template.config).sort(), [TENANT_ID_KEY, "jtel-teams-presence:serviceUserPrincipalName"]);
    });

    it("lists every verification code with its meaning", () => {
        for (const code of DIAGNOSIS_CODES) assert.ok(readme.includes(`| \`${code}\` |`), code);
    });

    it("lists every demo scenario", () => {
        for (const name of SCENARIO_NAMES) assert.ok(readme.includes(`\`${name}\``), name);
    });

    it("gives the exit codes of every command-line entry point where it introduces the command", () => {
        const sections = readme.split(/\n(?=#{2,3} )/);
        for (const name of ["demo", "verify", "handoff", "emulator", "new-tenant", "status", "plan"]) {
            const section = sections.find((s) => s.includes(`npm run ${name}`) && /Exit codes:/.test(s.slice(s.indexOf(`npm run ${name}`))));
            assert.ok(section, `no section introduces npm run ${name} with its exit codes`);
        }
    });

    it("never claims the service user needs a Teams licence, which neither the connector nor Microsoft's documentation asks for", () => {
        // The presence docs say only that presence is "only supported for Microsoft Teams users" (agents).
        const texts: [string, string][] = [
            ["README.md", readme],
            ["ARCHITECTURE.md", readFileSync(join(root, "ARCHITECTURE.md"), "utf8")],
            ["emulator/README.md", readFileSync(join(root, "emulator", "README.md"), "utf8")],
            ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f): [string, string] => [`docs/${f}`, readFileSync(join(root, "docs", f), "utf8")]),
            ...DIAGNOSIS_CODES.map((code): [string, string] => [`remedy ${code}`, REMEDIES[code]]),
            ...SCENARIO_NAMES.map((name): [string, string] => [`scenario ${name}`, SCENARIOS[name].description]),
        ];
        const claim = /service user\b[^.|]*\b(needs|requires|must have|must hold)\s+(a|an|its own)\s[^.|]*licen[cs]e/i;
        for (const [where, text] of texts) assert.doesNotMatch(text.replace(/\s+/g, " "), claim, where);
    });

    it("mentions only npm scripts that exist", () => {
        const mentioned = new Set([...readme.matchAll(/npm run ([a-z][a-z-]*)/g)].map((m) => m[1]));
        for (const name of mentioned) assert.ok(scripts[name], `npm run ${name} is documented but not in package.json`);
        for (const name of ["demo", "verify", "handoff", "emulator", "bench", "test"]) assert.ok(mentioned.has(name) || name === "test", name);
    });

    it("says why each dependency in package.json is here", () => {
        const table = readme.split("Why each dependency is here:")[1].split("\n\n")[1];
        const listed = new Set([...table.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
        const unexplained = [...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.devDependencies)].filter((name) => !listed.has(name));
        assert.deepEqual(unexplained, [], "add a row to README's dependency table (Development)");
    });
});
