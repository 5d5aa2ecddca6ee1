// Starts a program the way `pulumi preview` does, in a child process, in one of the modes Pulumi's Node
// runner supports, and reads back what bench/start/runner.js measured. Pulumi's language host
// (sdk/nodejs/cmd/pulumi-language-nodejs/main.go in pulumi/pulumi) sets PULUMI_NODEJS_TYPESCRIPT from
// runtime.options.typescript and PULUMI_NODEJS_TSCONFIG_PATH from runtime.options.tsconfig; the runner
// (sdk/nodejs/cmd/run/run.ts) then registers ts-node with transpileOnly from PULUMI_NODEJS_TRANSPILE_ONLY,
// else from that tsconfig's compilerOptions.noCheck, else type-checking.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { GRAPH_APP_ROLES, GRAPH_DELEGATED_SCOPES } from "../../emulator/microsoftGraph";

export const ROOT = join(__dirname, "..", "..");
const RUNNER = join(__dirname, "runner.js");
const TENANT_ID = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";

export interface StartMode {
    name: string;
    /** Environment the language host and the user's shell would give the runner. */
    env: Record<string, string>;
}

/** The tsconfig Pulumi.yaml hands the runner (runtime.options.tsconfig), or undefined for tsconfig.json. */
export function projectTsconfig(): string | undefined {
    const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options?: { tsconfig?: string; typescript?: boolean } } };
    return project.runtime.options?.tsconfig;
}

export const MODES = {
    /** What Pulumi.yaml selects: `pulumi up` with no extra step. */
    projectDefault: (): StartMode => ({
        name: `Pulumi.yaml default (${projectTsconfig() ?? "tsconfig.json"})`,
        env: { PULUMI_NODEJS_TYPESCRIPT: "true", ...(projectTsconfig() ? { PULUMI_NODEJS_TSCONFIG_PATH: projectTsconfig() as string } : {}) },
    }),
    /** ts-node's default without noCheck: every file type-checked on every run. */
    typeChecked: (): StartMode => ({ name: "ts-node, type-checked (tsconfig.json)", env: { PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.json" } }),
    /** The environment variable a user can set, with TypeScript's own transpiler. */
    transpileOnlyEnv: (): StartMode => ({
        name: "ts-node, PULUMI_NODEJS_TRANSPILE_ONLY=true (tsconfig.json)",
        env: { PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.json", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    }),
    /** Pulumi.yaml `typescript: false` and `main` pointing at JavaScript built by tsc beforehand. */
    precompiled: (): StartMode => ({ name: "precompiled JavaScript (tsc first)", env: {} }),
} as const;

export interface Program {
    name: string;
    /** What the runner is given (Pulumi.yaml `main`, or "." for package.json's main); null = bare imports, no runner. */
    program: string | null;
    /** The file whose loading marks "loaded". */
    entry: string;
}

export interface StartSample {
    /** Milliseconds from process start until the program module was loaded. */
    loadedMs: number;
    /** CPU time (user + system) the child had used by then: what a busy machine does not inflate. */
    loadedCpuMs: number;
    /** ... until the runner had run the program to the end (under mocks instead of an engine). */
    ranMs: number;
    /** Wall time the parent saw from spawn to exit. */
    wallMs: number;
    resources: number;
    transpiler: { transpileOnly: boolean; swc: boolean; project: string } | null;
    /** Files of this project the child had loaded at the end, relative to the root. */
    projectModules: string[];
    maxRssBytes: number;
}

const CONFIG = { "jtel-teams-presence:serviceUserPrincipalName": "jtel-presence@contoso.example", "azuread:tenantId": TENANT_ID };

function childSpec(program: Program): string {
    return JSON.stringify({
        program: program.program,
        entry: program.entry,
        root: ROOT,
        project: "jtel-teams-presence",
        // What the azuread provider returns for every resource this program reads an output of. `result` is the
        // RandomPassword's: 32 characters the service user's password check accepts, as @pulumi/random would draw.
        outputs: { objectId: "5b2c1a7e-0d0f-4c77-9a43-6f7e4d9b1c02", clientId: "5b2c1a7e-0d0f-4c77-9a43-6f7e4d9b1c03", result: "Bench-Passw0rd!Bench-Passw0rd!32", value: "bench-secret", keyId: "k" },
        invokes: {
            "azuread:index/getClientConfig:getClientConfig": { tenantId: TENANT_ID, clientId: "c", objectId: "o" },
            "azuread:index/getServicePrincipal:getServicePrincipal": {
                objectId: "5b2c1a7e-0d0f-4c77-9a43-6f7e4d9b1c01",
                oauth2PermissionScopeIds: Object.fromEntries(GRAPH_DELEGATED_SCOPES.map((s) => [s.value, s.id])),
                appRoleIds: Object.fromEntries(GRAPH_APP_ROLES.map((r) => [r.value, r.id])),
            },
        },
    });
}

/** One cold start in a fresh node process. Rejects when the program failed, so a failure is never timed as a start. */
export function startOnce(program: Program, mode: StartMode): Promise<StartSample> {
    // Only the runner's own variables: a PULUMI_NODEJS_* or TS_NODE_* from the caller's shell must not change the mode.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PULUMI_NODEJS_|TS_NODE_|PULUMI_CONFIG)/.test(k)));
    Object.assign(env, mode.env, { PULUMI_CONFIG: JSON.stringify(CONFIG) });
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [RUNNER, childSpec(program)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            const line = out.trim().split("\n").pop() ?? "";
            if (code !== 0 || !line.startsWith("{")) {
                reject(new Error(`${program.name} (${mode.name}) exited with ${code}: ${err.trim().split("\n").slice(-5).join(" | ")}`));
                return;
            }
            const parsed = JSON.parse(line) as Omit<StartSample, "wallMs" | "maxRssBytes"> & { maxRssKb: number };
            const { maxRssKb, ...rest } = parsed;
            resolve({ ...rest, wallMs, maxRssBytes: maxRssKb * 1024 });
        });
    });
}
