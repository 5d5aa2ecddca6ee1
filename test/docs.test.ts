// README.md, docs/*.md, Pulumi.yaml and the code describe the same configuration, commands and codes.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import yaml from "js-yaml";
import { parseStackConfig, PROJECT_KEYS, TENANT_ID_KEY } from "../stack/config";
import { documents } from "./docs/shellBlocks";
import { DIAGNOSIS_CODES, REMEDIES } from "../verifier/index";
import { SCENARIO_NAMES, SCENARIOS } from "../demo/scenarios";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const doc = (name: string) => readFileSync(join(root, "docs", name), "utf8");
/** README.md and every docs/*.md, each as it is. */
const allDocs = documents(root);
const project = yaml.load(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string; config: Record<string, { type: string; default?: unknown }>; template: { config: Record<string, unknown> };
};
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string>;
};
const scripts = packageJson.scripts;

/** Rows of docs/configuration.md's table of keys: key -> default column. */
function configTable(): Map<string, string> {
    const section = doc("configuration.md").split("\n## Keys\n")[1].split("\n## ")[0];
    const rows = section.split("\n").filter((l) => /^\| `[^`]+` \|/.test(l));
    return new Map(rows.map((l) => {
        const cells = l.split(" | ");
        return [cells[0].replace(/^\| `|`$/g, ""), cells[1]];
    }));
}

const defaults = parseStackConfig({ [TENANT_ID_KEY]: "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", serviceUserPrincipalName: "a@contoso.com" }) as unknown as Record<string, unknown>;
/** The one project key the program requires; every other key has a default or may stay unset. */
const REQUIRED_KEYS = ["serviceUserPrincipalName"];

/** The anchor GitHub gives a heading: lower case, punctuation dropped (hyphens and underscores kept), spaces as hyphens. */
export function headingAnchor(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

describe("the documentation", () => {
    it("links only to files and headings that exist, so everything is one link away", () => {
        const broken: string[] = [];
        const anchorsOf = (file: string) => {
            let fenced = false;
            const headings = readFileSync(join(root, file), "utf8").split("\n").filter((line) => {
                if (/^\s*```/.test(line)) fenced = !fenced;
                return !fenced && /^#{1,6} /.test(line);
            });
            return new Set(headings.map((line) => headingAnchor(line.replace(/^#+ /, ""))));
        };
        for (const { file, markdown } of allDocs) {
            for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) continue;
                const [path, anchor] = target.split("#");
                const resolved = path === "" ? file : join(dirname(file), path);
                if (!existsSync(join(root, resolved))) { broken.push(`${file}: ${target} (no such file)`); continue; }
                if (anchor !== undefined && !anchorsOf(resolved).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
            }
        }
        assert.deepEqual(broken, []);
        assert.equal(headingAnchor("Reading the handoff after a rotation, without printing secrets in CI"), "reading-the-handoff-after-a-rotation-without-printing-secrets-in-ci");
        assert.equal(headingAnchor("The preflight: `npm run doctor`"), "the-preflight-npm-run-doctor");
        assert.equal(headingAnchor("What to ask of the customer's administrator"), "what-to-ask-of-the-customers-administrator");
    });

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

    it("lists every verification code with its meaning in docs/verification.md", () => {
        for (const code of DIAGNOSIS_CODES) assert.ok(doc("verification.md").includes(`| \`${code}\` |`), code);
    });

    it("lists in README's short table of verification codes only codes the verifier has", () => {
        const section = readme.split("## When verification fails")[1].split("\n## ")[0];
        const codes = [...section.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([a-z_]+)`/g)].map((c) => c[1]));
        assert.ok(codes.length >= 6, `README lists only ${codes.length} codes`);
        for (const code of codes) assert.ok((DIAGNOSIS_CODES as readonly string[]).includes(code), code);
    });

    it("lists every demo scenario in docs/emulator.md", () => {
        for (const name of SCENARIO_NAMES) assert.ok(doc("emulator.md").includes(`\`${name}\``), name);
    });

    it("gives the exit codes of every command-line entry point where a document introduces the command", () => {
        const sections = allDocs.flatMap(({ markdown }) => markdown.split(/\n(?=#{2,3} )/));
        for (const name of ["demo", "verify", "handoff", "emulator", "new-tenant", "doctor", "status", "plan"]) {
            const section = sections.find((s) => s.includes(`npm run ${name}`) && /Exit codes:/.test(s.slice(s.indexOf(`npm run ${name}`))));
            assert.ok(section, `no section introduces npm run ${name} with its exit codes`);
        }
    });

    it("never claims the service user needs a Teams licence, which neither the connector nor Microsoft's documentation asks for", () => {
        // The presence docs say only that presence is "only supported for Microsoft Teams users" (agents).
        const texts: [string, string][] = [
            ...allDocs.map(({ file, markdown }): [string, string] => [file, markdown]),
            ["ARCHITECTURE.md", readFileSync(join(root, "ARCHITECTURE.md"), "utf8")],
            ["emulator/README.md", readFileSync(join(root, "emulator", "README.md"), "utf8")],
            ...DIAGNOSIS_CODES.map((code): [string, string] => [`remedy ${code}`, REMEDIES[code]]),
            ...SCENARIO_NAMES.map((name): [string, string] => [`scenario ${name}`, SCENARIOS[name].description]),
        ];
        const claim = /service user\b[^.|]*\b(needs|requires|must have|must hold)\s+(a|an|its own)\s[^.|]*licen[cs]e/i;
        for (const [where, text] of texts) assert.doesNotMatch(text.replace(/\s+/g, " "), claim, where);
    });

    it("mentions only npm scripts that exist, and README the ones of the first hour", () => {
        const mentionedIn = (text: string) => new Set([...text.matchAll(/npm run (?:--silent )?([a-z][a-z-]*)/g)].map((m) => m[1]));
        const mentioned = mentionedIn(allDocs.map((d) => d.markdown).join("\n"));
        for (const name of mentioned) assert.ok(scripts[name], `npm run ${name} is documented but not in package.json`);
        for (const name of ["demo", "verify", "handoff", "emulator", "bench", "new-tenant", "doctor", "status", "plan", "mutation"]) assert.ok(mentioned.has(name), name);
        for (const name of ["demo", "verify", "handoff", "emulator", "status"]) assert.ok(mentionedIn(readme).has(name), `README: ${name}`);
    });

    it("says why each dependency in package.json is here", () => {
        const table = doc("development.md").split("\n## Why each dependency is here\n")[1].trimStart().split("\n\n")[0];
        const listed = new Set([...table.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
        const unexplained = [...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.devDependencies)].filter((name) => !listed.has(name));
        assert.deepEqual(unexplained, [], "add a row to the dependency table of docs/development.md");
    });
});
