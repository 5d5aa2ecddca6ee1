// The configuration this project documents works with the real Pulumi CLI: Pulumi.yaml is checked against
// Pulumi's project schema (pulumi/pulumi sdk/go/common/workspace/project.json, copied verbatim into
// pulumi-project.schema.json from commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8), and every documented
// `pulumi config set` and stack file goes through Pulumi's config rules (pulumiConfigRules.ts) and then the program.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import yaml from "js-yaml";
import { appRoleAssignmentViolations } from "../../policy/appRoleAssignment";
import { delegatedGrantViolations } from "../../policy/delegatedGrant";
import { ConfigError, parseStackConfig, TENANT_ID_KEY } from "../../stack/config";
import { configSet, configSetAllJson, fromStackFile, programConfig, validateStackConfig, type Project, type StackValue } from "./pulumiConfigRules";
import { documents } from "./shellBlocks";

const root = join(__dirname, "..", "..");
/** README.md and every docs/*.md, one after the other: the commands and settings files they show. */
const readme = documents(root).map((d) => d.markdown).join("\n");
const project = yaml.load(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Project;
const STACK = "contoso";
/** The one command the docs quote as a mistake (docs/configuration.md): a list as a JSON string. */
const COUNTEREXAMPLE = `pulumi config set delegatedPermissions '["User.Read","Presence.Read.All"]'`;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** The two values `pulumi new` asks for, as `pulumi config set` stores them. */
function baseStack(): Record<string, StackValue> {
    return {
        [TENANT_ID_KEY]: { value: TENANT, secure: false },
        [`${project.name}:serviceUserPrincipalName`]: { value: "jtel-presence@contoso.com", secure: false },
    };
}

/** Words of a shell command line, honouring single and double quotes (enough for the docs' commands). */
function shellWords(line: string): string[] {
    const words: string[] = [];
    const pattern = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(line)) !== null) words.push(match[1] ?? match[2]?.replace(/\\(.)/g, "$1") ?? match[3]);
    return words;
}

/** Placeholders the docs leave for the reader, filled the way a reader would. */
function fillPlaceholders(words: string[]): string[] {
    const key = words.find((w, i) => i > 2 && !w.startsWith("--")) ?? "";
    return words.map((w) => {
        if (w === "<customer-tenant-id>" || w === "<tenant>") return TENANT;
        if (w === "<id>") return key.endsWith("delegatedGrantId") ? "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz" : "11111111-2222-3333-4444-555555555555";
        return w;
    });
}

/** Applies one documented `pulumi config ...` line to a stack; `--secret KEY` without a value gets the typed-in one. */
function apply(stack: Record<string, StackValue>, line: string): void {
    const words = fillPlaceholders(shellWords(line.replace(/\s+(#|&&).*$/, "")));
    if (words[2] === "rm") {
        delete stack[words[3].includes(":") ? words[3] : `${project.name}:${words[3]}`];
        return;
    }
    if (words[2] === "set-all") {
        configSetAllJson(stack, words[words.indexOf("--json") + 1], project.name);
        return;
    }
    if (words.includes("--secret") && words.filter((w, i) => i > 2 && !w.startsWith("--")).length === 1) words.push("Current-Passw0rd!Kept");
    configSet(stack, words, project.name);
}

/** Passes the stack through Pulumi's checks and the program's; returns what each said. */
function deploy(stack: Record<string, StackValue>): { pulumi: string[]; program: string[] } {
    const pulumi = validateStackConfig(project, stack, STACK);
    const { config, secretKeys } = programConfig(stack);
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) raw[key.startsWith(`${project.name}:`) ? key.slice(project.name.length + 1) : key] = value;
    try {
        parseStackConfig(raw, new Set(secretKeys.map((k) => k.slice(project.name.length + 1))));
        return { pulumi, program: [] };
    } catch (error) {
        if (error instanceof ConfigError) return { pulumi, program: error.problems };
        throw error;
    }
}

/** `pulumi config ...` command lines in the docs' shell blocks, block by block. */
function readmeShellBlocks(): string[][] {
    return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
        .map((m) => m[1].split("\n").map((l) => l.trim()).filter((l) => /^pulumi config (set|set-all|rm)\b/.test(l)))
        .filter((lines) => lines.length > 0);
}

/** Every `pulumi config ...` command written inline in the docs' text (not a bare mention of a subcommand). */
function readmeInlineCommands(): string[] {
    return [...readme.matchAll(/`(pulumi config (?:set|set-all|rm)\b[^`]*)`/g)].map((m) => m[1])
        .filter((c) => shellWords(c).slice(3).some((w) => !w.startsWith("--")));
}

describe("Pulumi's own checks on this project's configuration", () => {
    it("Pulumi.yaml is a valid Pulumi project file", () => {
        const schema = JSON.parse(readFileSync(join(__dirname, "pulumi-project.schema.json"), "utf8")) as object;
        const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
        assert.equal(validate(project), true, JSON.stringify(validate.errors, null, 2));
    });

    it("the schema check has teeth: it refuses an array key without its item type", () => {
        const schema = JSON.parse(readFileSync(join(__dirname, "pulumi-project.schema.json"), "utf8")) as object;
        const validate = new Ajv2020({ strict: false }).compile(schema);
        assert.equal(validate({ ...project, config: { ...project.config, verifyAgents: { type: "array", items: {} } } }), false);
    });

    it("lets a stack with only the two values `pulumi new` asks for run the program", () => {
        assert.deepEqual(deploy(baseStack()), { pulumi: [], program: [] });
    });

    it("refuses a list given as a JSON string, as docs/configuration.md warns", () => {
        const stack = baseStack();
        apply(stack, COUNTEREXAMPLE);
        assert.deepEqual(validateStackConfig(project, stack, STACK), [`Stack '${STACK}' with configuration key 'delegatedPermissions' must be of type 'array<string>'`]);
        assert.match(readme, /`pulumi config set delegatedPermissions '\["User.Read","Presence.Read.All"\]'` stores a\s+string, and `pulumi up` stops with "must be of type 'array<string>'"/);
    });

    it("documents how to set a list, and every documented way works with Pulumi and the program", () => {
        const blocks = readmeShellBlocks();
        assert.ok(blocks.some((lines) => lines.some((l) => /--path '\w+\[0\]'/.test(l))), "no document shows a `--path 'KEY[0]'` example");
        for (const lines of blocks) {
            const stack = baseStack();
            for (const line of lines) apply(stack, line);
            assert.deepEqual(deploy(stack), { pulumi: [], program: [] }, lines.join("\n"));
        }
    });

    it("accepts every command README.md and docs/*.md give inline, for the key's declared type", () => {
        const commands = readmeInlineCommands();
        assert.ok(commands.some((c) => c.startsWith("pulumi config set-all --json")), "no set-all --json example");
        for (const command of commands) {
            if (/\bKEY\b/.test(command) || command === COUNTEREXAMPLE) continue;
            const stack = baseStack();
            apply(stack, command);
            assert.deepEqual(validateStackConfig(project, stack, STACK), [], command);
        }
    });

    it("accepts the documented stack settings file and Pulumi.dev.yaml, with Pulumi and the program", () => {
        const file = /```yaml\n# Pulumi\.\w+\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
        assert.ok(file, "no document shows a stack settings file");
        for (const text of [file, readFileSync(join(root, "Pulumi.dev.yaml"), "utf8").replace("00000000-0000-0000-0000-000000000000", TENANT)]) {
            const config = (yaml.load(text) as { config: Record<string, unknown> }).config;
            assert.deepEqual(deploy(fromStackFile(config)), { pulumi: [], program: [] });
        }
    });

    it("refuses existingUserPassword stored in clear, in the program (Pulumi.yaml cannot declare it secret without requiring it)", () => {
        const plain = baseStack();
        apply(plain, "pulumi config set existingUserPassword Current-Passw0rd!Kept");
        assert.deepEqual(deploy(plain).pulumi, []);
        assert.match(deploy(plain).program.join("\n"), /^existingUserPassword is stored in plain text/);
        const secret = baseStack();
        apply(secret, "pulumi config set --secret existingUserPassword");
        assert.deepEqual(deploy(secret), { pulumi: [], program: [] });
        // What declaring it `secret: true` would do to every stack that does not adopt (pkg/workspace/config.go).
        const declared: Project = { ...project, config: { ...project.config, existingUserPassword: { type: "string", secret: true } } };
        assert.deepEqual(validateStackConfig(declared, baseStack(), STACK), [`Stack '${STACK}' is missing configuration value 'existingUserPassword'`]);
        const defaulted: Project = { ...project, config: { ...project.config, existingUserPassword: { type: "string", secret: true, default: "" } } };
        assert.deepEqual(validateStackConfig(defaulted, baseStack(), STACK), [`Stack '${STACK}' with configuration key 'existingUserPassword' must be encrypted as it's secret`]);
    });

    it("prints only commands Pulumi accepts in the program's and the policy pack's messages", () => {
        const messages = [
            ...delegatedGrantViolations({ claimValues: ["Mail.Send"] }),
            ...appRoleAssignmentViolations({ appRoleId: "00000000-0000-0000-0000-000000000000" }),
        ];
        for (const raw of [{ delegatedPermissions: "User.Read" }, { verifyAgents: "a@contoso.com" }]) {
            try {
                parseStackConfig({ [TENANT_ID_KEY]: TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com", ...raw });
            } catch (error) {
                messages.push((error as Error).message);
            }
        }
        // The configuration error's general hints name KEY and VALUE: try them with a list key.
        const commands = messages.flatMap((m) => [...m.matchAll(/`(pulumi config (?:set|rm)\b[^`]*)`/g)].map((c) => c[1]))
            .map((c) => c.replace(/\bKEY\b/g, "verifyAgents").replace(/\bVALUE\b/g, "agent1@contoso.com"))
            .filter((c) => !/^pulumi config set verifyAgents agent1@contoso.com$/.test(c) && !/--secret verifyAgents$/.test(c));
        assert.ok(commands.some((c) => c.includes("--path 'verifyAgents[0]'")), commands.join("\n"));
        assert.ok(commands.length >= 4, commands.join("\n"));
        for (const command of commands) {
            const stack = baseStack();
            apply(stack, command);
            assert.deepEqual(validateStackConfig(project, stack, STACK), [], command);
        }
    });
});
