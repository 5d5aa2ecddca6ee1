// `npm run doctor -- --stack NAME [--repo ORG/REPO] [--subject-prefix PREFIX]`: the onboarding preflight. Before
// anything is created (and again after the oidc-subject run), it checks and reports in one table what the bootstrap
// and the first `pulumi up` depend on: gh, az and pulumi and their versions, the az sign-in, GitHub's subject prefix
// and template (through the bootstrap's own read-only `inspect` phase: one implementation of "which prefix GitHub
// sends"), main's protection, the preview mode and PREVIEW_MODE, the subjects GitHub really sent (the latest
// oidc-subject.yml runs) against the stack's federated credentials, and the customer tenant's prerequisites that
// can be read. It only reads: GET requests through `gh api`, az commands that list or show (fleet/preflightCommands.ts).
// Exit codes: 0 nothing to fix, 1 something to fix (each FIX row says what) or the doctor itself failed, 2 bad usage.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT } from "../fleet/newTenant";
import {
    credentialRow, customerRowsElsewhere, domainRow, effectiveMode, exitCodeOf, githubRows, parseInspection, probeRows, renderTable, rolesRow,
    settingsRow, signInRow, sidesOf, subscriptionRow, toolRow, type Account, type CredentialListing, type Inspection, type ProbeFinding, type Row,
} from "../fleet/preflight";
import { az, gh, identityNames, shellLine } from "../fleet/preflightCommands";
import { STACK_NAME, STACK_NAME_RULE } from "../fleet/stacks";
import { parseCredentials, probeJobName, subjectsInLog, wantedCredentials } from "../fleet/subjectProbe";
import { parseStackFile, StackFileError, type StackSettings } from "../planner/stackFile";
import { ConfigError, parseStackConfig, SECRET_CONFIG_KEYS, TENANT_ID_KEY, type StackConfig } from "../stack/config";
import { CLOUDS } from "../verifier/clouds";
import { redact } from "../verifier/redact";
import { parseFlags, UsageError } from "./flags";

export const EXIT = { fine: 0, fix: 1, usage: 2 } as const;

export interface DoctorIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** The repository root: Pulumi.<stack>.yaml, .github/scripts/bootstrap-tenant.sh, package-lock.json. */
    cwd: string;
    /** The environment gh, az, pulumi and the bootstrap script run with (PATH, gh's and az's settings, STATE_*). */
    env: Readonly<Record<string, string | undefined>>;
}

export const USAGE = `Usage: npm run doctor -- --stack NAME [--repo ORG/REPO] [--subject-prefix PREFIX]

Checks, before the bootstrap creates anything and again after the oidc-subject run, what onboarding the stack
depends on, and prints one table: check | result | what to do. Read-only. Run it as the jtel operator (az signed in
to jtel's state tenant, gh as an admin of the repository, the settings of docs/gitops.md "Once per repository"
exported) and, for the customer's prerequisites, signed in to the customer's tenant (az login --tenant <tenant>
--allow-no-subscriptions). Rows this sign-in cannot check say who runs which command.

  --stack NAME             the stack: its Pulumi.<NAME>.yaml (written by npm run new-tenant) must exist
  --repo ORG/REPO          the GitHub repository (default: gh's, from this clone); needed without gh
  --subject-prefix PREFIX  the subject prefix the jtel phase uses (repo:OWNER/REPO or repo:OWNER@ID/REPO@ID), where
                           GitHub's API cannot answer; without gh it is what the credentials are compared with
  --help                   show this help

Exit codes: 0 nothing to fix, 1 something to fix (the FIX rows say what) or an internal error, 2 bad usage.`;

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const PREFIX_RE = /^repo:[A-Za-z0-9_.-]+(@[0-9]+)?\/[A-Za-z0-9_.-]+(@[0-9]+)?$/;
/** A command that has not answered in this time is stopped (none of them prompts). */
const TOOL_TIMEOUT_MS = 120_000;

interface Parsed { stack: string; repo?: string; subjectPrefix?: string }

function parse(argv: readonly string[]): Parsed | "help" {
    const values = parseFlags(argv, {
        stack: { type: "string" }, repo: { type: "string" }, "subject-prefix": { type: "string" }, help: { type: "boolean", short: "h" },
    }, "run with --help for the flags");
    if (values.help) return "help";
    if (values.stack === undefined || values.stack === "") throw new UsageError("--stack is required: the stack to check, e.g. --stack contoso");
    if (!STACK_NAME.test(values.stack)) throw new UsageError(`--stack "${values.stack}" must be ${STACK_NAME_RULE}`);
    if (values.repo !== undefined && !REPO_RE.test(values.repo)) throw new UsageError(`--repo "${values.repo}" must be the GitHub repository as ORG/REPO`);
    const prefix = values["subject-prefix"];
    if (prefix !== undefined && !PREFIX_RE.test(prefix)) throw new UsageError(`--subject-prefix "${prefix}" must be the subject prefix GitHub sends: repo:OWNER/REPO or repo:OWNER@OWNER_ID/REPO@REPO_ID`);
    return { stack: values.stack, repo: values.repo, subjectPrefix: prefix };
}

/**
 * Pulumi.<stack>.yaml as the program reads it: the offline planner's reading of the file (planner/stackFile.ts:
 * what the CLI hands the program, `secure:` values replaced by stand-ins that pass the password rules), then the
 * keys the program takes (stack/main.ts, readRawConfig): the project's, without their namespace, and azuread:tenantId.
 */
export function stackConfigOf(text: string, file: string): StackConfig {
    let settings: StackSettings;
    try {
        settings = parseStackFile(text, file, PROJECT);
    } catch (error) {
        if (error instanceof StackFileError) throw new ConfigError([error.message]);
        throw error;
    }
    const prefix = `${PROJECT}:`;
    const local = (key: string) => key.startsWith(prefix) ? key.slice(prefix.length) : key;
    const raw = Object.fromEntries(Object.entries(settings.config)
        .filter(([key]) => key.startsWith(prefix) || key === TENANT_ID_KEY).map(([key, value]) => [local(key), value]));
    const secret = Object.keys(settings.secure).filter((key) => key.startsWith(prefix)).map(local)
        .filter((key) => (SECRET_CONFIG_KEYS as readonly string[]).includes(key));
    return parseStackConfig(raw, new Set(secret));
}

interface Ran { code: number; stdout: string; stderr: string; missing: boolean }

/** Runs a program without a shell; never rejects (a missing program is `missing`). */
function runTool(file: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<Ran> {
    return new Promise((resolve) => {
        const child = spawn(file, [...args], { env: env as NodeJS.ProcessEnv, cwd, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => child.kill("SIGTERM"), TOOL_TIMEOUT_MS);
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        child.on("error", (error: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            resolve({ code: -1, stdout, stderr: error.code === "ENOENT" ? "" : error.message, missing: error.code === "ENOENT" });
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout, stderr, missing: false });
        });
    });
}

// GitHub tokens (classic, OAuth, user-to-server, server-to-server, refresh, fine-grained).
const GITHUB_TOKEN = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

/** The first telling line of a tool's error, short, with anything shaped like a token removed. */
export function summarize(stderr: string): string {
    const lines = stderr.split(/\r?\n/).map((l) => l.replace(/^(ERROR|bootstrap-tenant):\s*/, "").trim()).filter(Boolean);
    const line = lines.find((l) => !/^WARNING/.test(l)) ?? lines[0] ?? "no message";
    return redact(line.length > 300 ? `${line.slice(0, 300)}…` : line, []).replace(GITHUB_TOKEN, "[redacted]");
}

/**
 * gh's environment for downloading a log: gh 2.23 adds a token to every request whose host has one, redirects
 * included (cli/cli#7692, merged July 2023, stopped that for a redirect to another host). A log download is
 * redirected to Azure Storage, which gh 2.23 takes for a GitHub Enterprise host: GH_ENTERPRISE_TOKEN would go there.
 * For github.com neither enterprise variable is needed, so they are left out.
 */
function withoutEnterpriseTokens(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
    const copy = { ...env };
    delete copy.GH_ENTERPRISE_TOKEN;
    delete copy.GITHUB_ENTERPRISE_TOKEN;
    return copy;
}

function minimum(script: string, name: string): string {
    const found = new RegExp(`^readonly ${name}="([\\d.]+)"$`, "m").exec(script)?.[1];
    if (!found) throw new Error(`bootstrap-tenant.sh states no ${name}`);
    return found;
}

/**
 * The pulumi CLI the workflows pin: the release of the installed (locked) @pulumi/pulumi, CLI and SDK being released
 * together (docs/gitops.md, "Bumping the toolchain"; README, "First deployment").
 */
function pulumiMinimum(): string {
    return (JSON.parse(readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

class Doctor {
    readonly rows: Row[] = [];
    /** Whether this sign-in is (or may be) the jtel operator's: then GitHub and the jtel tools are needed here. */
    private jtel = true;
    constructor(private readonly io: DoctorIo, private readonly args: Parsed, private readonly config: StackConfig, private readonly script: string) {}

    private run(tool: string, args: readonly string[], env = this.io.env): Promise<Ran> {
        return runTool(tool, args, env, this.io.cwd);
    }

    async check(): Promise<void> {
        const { io, args, config } = this;
        const stack = args.stack;
        const pulumiMin = pulumiMinimum();
        const [ghRun, azRun, accountRun, pulumiRun] = await Promise.all([
            this.run("gh", gh.version()), this.run("az", az.version()), this.run("az", az.account()), this.run("pulumi", ["version"]),
        ]);
        const ghVersion = ghRun.code === 0 ? /gh version (\d[\d.]*)/.exec(ghRun.stdout)?.[1] : undefined;
        const azVersion = azRun.code === 0 && /^\d+(\.\d+)+$/.test(azRun.stdout.trim()) ? azRun.stdout.trim() : undefined;
        const pulumiVersion = pulumiRun.code === 0 ? /v?(\d+\.\d+\.\d+)/.exec(pulumiRun.stdout)?.[1] : undefined;
        const account = accountOf(accountRun);
        const stateTenant = io.env.STATE_TENANT_ID || undefined;
        const sides = sidesOf(account, config.tenantId, stateTenant);
        const jtel = sides.includes("jtel") || sides.length === 0;
        this.jtel = jtel;
        const customer = sides.includes("customer");
        const [minGh, minAz] = [minimum(this.script, "MIN_GH"), minimum(this.script, "MIN_AZ")];

        this.rows.push(toolRow({ tool: "gh", version: ghVersion, minimum: minGh, neededFor: jtel ? "the GitHub checks and the jtel and link phases" : undefined, install: "Debian: apt-get install gh; cli.github.com", upgrade: "update gh (cli.github.com)" }));
        this.rows.push(toolRow({ tool: "az", version: azVersion, minimum: minAz, neededFor: "every phase", install: "learn.microsoft.com/cli/azure/install-azure-cli", upgrade: "az upgrade" }));
        if (jtel && azVersion) {
            const keys = await this.run("az", az.keyvaultKeys());
            this.rows.push(keys.code === 0
                ? { check: "az keyvault key", state: "ok", result: "loads (the jtel phase creates the state key with it)", todo: "" }
                : { check: "az keyvault key", state: "fix", result: "this az cannot load its 'az keyvault key' commands (Debian's azure-cli package lacks the azure.keyvault.v7_0 module)", todo: "install azure-cli from Microsoft's packages (learn.microsoft.com/cli/azure/install-azure-cli-linux) for the jtel phase" });
        }
        this.rows.push(toolRow({ tool: "pulumi", version: pulumiVersion, minimum: pulumiMin, neededFor: jtel ? "the jtel phase's pulumi stack init" : undefined, install: "www.pulumi.com/docs/iac/download-install/", upgrade: `install the Pulumi CLI ${pulumiMin}, the release of the locked SDK` }));
        this.rows.push(signInRow(account, config.tenantId, stateTenant));
        const settingsAt = this.rows.length;

        const ghUsable = ghVersion !== undefined;
        const inspection = ghUsable ? await this.inspect() : undefined;
        if (sides.includes("jtel")) this.rows.splice(settingsAt, 0, settingsRow(io.env, inspection && effectiveMode(inspection)));
        if (!ghUsable) {
            this.rows.push({ check: "GitHub", state: jtel ? "fix" : "open", result: "not checked: gh is not installed", todo: `the jtel operator runs npm run doctor -- --stack ${stack} with gh signed in as an admin of the repository` });
        }

        const repo = inspection?.repository ?? args.repo;
        const mode = effectiveMode(inspection);
        let truth: string | undefined;
        if (inspection) truth = await this.groundTruth(inspection, mode);
        const prefix = truth ?? inspection?.subjectPrefix ?? args.subjectPrefix;
        const prefixSource = truth ? "the prefix GitHub's tokens carry (oidc-subject run)" : inspection ? "the prefix GitHub's API reports" : "--subject-prefix";

        if (sides.includes("jtel")) await this.jtelCredentials(stack, repo, prefix, prefixSource, mode);
        if (customer) await this.customerChecks(stack, repo, prefix, prefixSource, mode, account as Account);
        else {
            const graph = graphEndpointOf(config);
            this.rows.push(...customerRowsElsewhere(config.tenantId, graph, config.serviceUserPrincipalName, config.handoffKeyVault));
        }
    }

    /** The bootstrap's read-only phase; its stop (exit 1) becomes a row with its reason. */
    private async inspect(): Promise<Inspection | undefined> {
        const { args } = this;
        const argv = ["inspect", "--stack", args.stack, ...(args.repo ? ["--repo", args.repo] : []), ...(args.subjectPrefix ? ["--subject-prefix", args.subjectPrefix] : [])];
        const ran = await this.run("bash", [join(this.io.cwd, ".github", "scripts", "bootstrap-tenant.sh"), ...argv]);
        if (ran.code === 0) {
            const inspection = parseInspection(ran.stdout, ran.stderr);
            this.rows.push(...githubRows(inspection, args.stack, args.subjectPrefix));
            return inspection;
        }
        this.rows.push({
            check: "GitHub", state: this.jtel ? "fix" : "open", result: `could not be read: ${summarize(ran.stderr)}`,
            todo: this.jtel ? "sign gh in as an admin of the repository (gh auth login), run from a clone of it or pass --repo ORG/REPO" : `the jtel operator runs npm run doctor -- --stack ${args.stack}`,
        });
        return undefined;
    }

    /** The subjects oidc-subject.yml printed in the newest successful job of each of the stack's environments. */
    private async groundTruth(inspection: Inspection, mode: string | undefined): Promise<string | undefined> {
        const { stack } = this.args;
        const repo = inspection.repository;
        const environments = [`tenant-${stack}`, `tenant-${stack}-drift`, ...(mode === "reviewed" ? [`tenant-${stack}-preview`] : [])];
        const start = shellLine("gh", gh.startProbe(stack));
        const exist = environments.every((e) => (inspection.environments.get(e) ?? "absent") !== "absent");
        const runs = await this.run("gh", gh.runs(repo));
        if (runs.code !== 0) {
            const notThere = /HTTP 404/.test(runs.stderr);
            this.rows.push({
                check: "oidc-subject runs", state: notThere ? "open" : "fix",
                result: notThere ? ".github/workflows/oidc-subject.yml is not on main yet, or has never run" : `could not be listed: ${summarize(runs.stderr)}`,
                todo: notThere ? `merge it to main, then: ${start}` : "sign gh in with read access to the repository's Actions (gh auth login)",
            });
            return undefined;
        }
        const found = new Map<string, NonNullable<ProbeFinding["found"]>>();
        for (const line of runs.stdout.split("\n").filter(Boolean)) {
            if (environments.every((e) => found.has(e))) break;
            const [id, createdAt = ""] = line.split("\t");
            const jobs = await this.run("gh", gh.jobs(repo, Number(id)));
            if (jobs.code !== 0) continue;
            for (const jobLine of jobs.stdout.split("\n").filter(Boolean)) {
                const [jobId, conclusion, ...name] = jobLine.split("\t");
                const environment = environments.find((e) => probeJobName(e) === name.join("\t"));
                if (!environment || found.has(environment) || conclusion !== "success") continue;
                const log = await this.run("gh", gh.jobLog(repo, Number(jobId)), withoutEnterpriseTokens(this.io.env));
                const sub = log.code === 0 ? subjectsInLog(log.stdout).get(environment) : undefined;
                if (sub) found.set(environment, { sub, runId: Number(id), createdAt });
            }
        }
        const { rows, truth } = probeRows(environments.map((environment) => ({ environment, found: found.get(environment) })), inspection.subjectPrefix, start, exist);
        this.rows.push(...rows);
        return truth;
    }

    private async jtelCredentials(stack: string, repo: string | undefined, prefix: string | undefined, prefixSource: string, mode: string | undefined): Promise<void> {
        const { io, config } = this;
        const group = io.env.STATE_RESOURCE_GROUP;
        const subscription = io.env.STATE_SUBSCRIPTION_ID;
        const names = identityNames(stack, repo ?? "<ORG/REPO>");
        if (!prefix || !group || !subscription) {
            this.rows.push({ check: "credentials of the managed identities", state: "open", result: "not compared", todo: !prefix ? "needs the subject prefix: gh signed in, or --subject-prefix" : "needs STATE_RESOURCE_GROUP and STATE_SUBSCRIPTION_ID (the jtel settings row)" });
            return;
        }
        const wanted = wantedCredentials(prefix, stack, mode);
        const fix = `run the jtel phase again: bash .github/scripts/bootstrap-tenant.sh jtel --stack ${stack} --tenant-id ${config.tenantId}${config.applicationPermissions.length > 0 ? " --application-permissions" : ""}`;
        const list = async (identity: string, want: typeof wanted.deploy, optional: typeof wanted.optional): Promise<CredentialListing> => {
            const ran = await this.run("az", az.identityCredentials(identity, group, subscription));
            const base = { label: `managed identity ${identity}`, wanted: want, optional, fix, createdBy: "the jtel phase" };
            if (ran.code === 0) return { ...base, credentials: parseCredentials(ran.stdout) };
            if (/ResourceNotFound|could not be found|was not found/i.test(ran.stderr)) return { ...base, credentials: undefined };
            return { ...base, credentials: undefined, error: summarize(ran.stderr) };
        };
        const listings = await Promise.all([list(names.deployIdentity, wanted.deploy, []), list(names.previewIdentity, wanted.read, wanted.optional)]);
        this.rows.push(...listings.map((l) => credentialRow(stack, l, prefixSource)));
    }

    private async customerChecks(stack: string, repo: string | undefined, prefix: string | undefined, prefixSource: string, mode: string | undefined, account: Account): Promise<void> {
        const { config } = this;
        const graph = graphEndpointOf(config);
        const user = account.userType === "user";
        const [roles, domains, subscriptions] = await Promise.all([
            user ? this.run("az", az.directoryRoles(graph)) : undefined,
            this.run("az", az.domains(graph)),
            this.run("az", az.subscriptions(config.tenantId)),
        ]);
        if (!roles) {
            this.rows.push({ check: "directory roles", state: "open", result: `signed in as a ${account.userType || "non-user"}, which has no /me`, todo: `the customer's administrator signs in as a user (az login --tenant ${config.tenantId} --allow-no-subscriptions) and runs this check` });
        } else {
            this.rows.push(roles.code === 0 ? rolesRow(roles.stdout, account.user) : { check: "directory roles", state: "fix", result: `could not be read: ${summarize(roles.stderr)}`, todo: "sign in as the customer's administrator" });
        }
        this.rows.push(domains.code === 0
            ? domainRow(domains.stdout, config.serviceUserPrincipalName)
            : { check: "service user's domain", state: "fix", result: `the tenant's domains could not be read: ${summarize(domains.stderr)}`, todo: "sign in as a User Administrator (or a Directory Reader) of the tenant" });
        this.rows.push(subscriptionRow(subscriptions.code === 0 ? subscriptions.stdout : "", config.tenantId, config.handoffKeyVault));

        if (!repo || !prefix) {
            this.rows.push({ check: "credentials of the deployer and reader apps", state: "open", result: "not compared", todo: `pass ${!repo ? "--repo ORG/REPO" : ""}${!repo && !prefix ? " and " : ""}${!prefix ? "--subject-prefix PREFIX" : ""} (the jtel phase prints both in the customer's command)` });
            return;
        }
        const names = identityNames(stack, repo);
        const wanted = wantedCredentials(prefix, stack, mode);
        const fix = `the customer's administrator runs the customer phase again: bash bootstrap-tenant.sh customer --stack ${stack} --tenant-id ${config.tenantId} --repo ${repo} --subject-prefix ${prefix} --preview-mode ${mode ?? "<MODE>"}${config.applicationPermissions.length > 0 ? " --application-permissions" : ""}`;
        const list = async (app: string, want: typeof wanted.deploy, optional: typeof wanted.optional): Promise<CredentialListing> => {
            const base = { label: `app ${app}`, wanted: want, optional, fix, createdBy: "the customer phase" };
            const ids = await this.run("az", az.appIds(app));
            if (ids.code !== 0) return { ...base, credentials: undefined, error: summarize(ids.stderr) };
            const appIds = ids.stdout.split(/\s+/).filter(Boolean);
            if (appIds.length === 0) return { ...base, credentials: undefined };
            if (appIds.length > 1) return { ...base, credentials: undefined, error: `${appIds.length} app registrations are named "${app}"; the bootstrap stops until the extra ones are deleted` };
            const ran = await this.run("az", az.appCredentials(appIds[0]));
            return ran.code === 0 ? { ...base, credentials: parseCredentials(ran.stdout) } : { ...base, credentials: undefined, error: summarize(ran.stderr) };
        };
        const listings = await Promise.all([list(names.deployerApp, wanted.deploy, []), list(names.readerApp, wanted.read, wanted.optional)]);
        this.rows.push(...listings.map((l) => credentialRow(stack, l, prefixSource)));
    }
}

function accountOf(ran: Ran): Account | undefined {
    if (ran.code !== 0) return undefined;
    const [tenantId = "", user = "", userType = ""] = ran.stdout.trim().split(/\t|\r?\n/);
    return /^[0-9a-fA-F-]{36}$/.test(tenantId) ? { tenantId, user, userType } : undefined;
}

function graphEndpointOf(config: StackConfig): string {
    return (config.graphEndpoint ?? CLOUDS[config.cloud].graphEndpoint).replace(/\/+$/, "");
}

/**
 * The whole command, in-process: returns the exit code; all output goes through `io`. A failure of the doctor
 * itself (a file it cannot read, a bug) is exit 1, never 2: the flags were fine and the check did not pass. Only
 * the error's name is printed, as by the other commands (cli/processIo.ts).
 */
export async function runDoctorCli(argv: readonly string[], io: DoctorIo): Promise<number> {
    try {
        return await doctorCli(argv, io);
    } catch (error) {
        io.stderr(`Internal error: ${error instanceof Error ? error.name : "unknown"}; nothing was checked to the end.\n`);
        return EXIT.fix;
    }
}

async function doctorCli(argv: readonly string[], io: DoctorIo): Promise<number> {
    let parsed: Parsed;
    let config: StackConfig;
    let script: string;
    try {
        const result = parse(argv);
        if (result === "help") {
            io.stdout(`${USAGE}\n`);
            return EXIT.fine;
        }
        parsed = result;
        const file = `Pulumi.${parsed.stack}.yaml`;
        let text: string;
        try {
            text = await readFile(join(io.cwd, file), "utf8");
            script = await readFile(join(io.cwd, ".github", "scripts", "bootstrap-tenant.sh"), "utf8");
        } catch (error) {
            if ((error as { code?: string }).code !== "ENOENT") throw error;
            throw new UsageError(`--stack ${parsed.stack}: ${file} or .github/scripts/bootstrap-tenant.sh is not in ${io.cwd}; run from the repository root after npm run new-tenant -- --stack ${parsed.stack} ...`);
        }
        try {
            config = stackConfigOf(text, file);
        } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            const rows: Row[] = [{ check: "stack file", state: "fix", result: `${file}: ${error.problems.join("; ")}`, todo: `correct it (npm run new-tenant -- --force --stack ${parsed.stack} ... validates every value)` }];
            io.stdout(`${renderTable(rows)}\n\n1 to fix.\n`);
            return EXIT.fix;
        }
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr(`${error.message}\nRun with --help for usage.\n`);
            return EXIT.usage;
        }
        throw error;
    }
    const doctor = new Doctor(io, parsed, config, script);
    await doctor.check();
    const fixes = doctor.rows.filter((r) => r.state === "fix").length;
    const open = doctor.rows.filter((r) => r.state === "open").length;
    io.stdout(`Preflight of stack ${parsed.stack} (tenant ${config.tenantId}); it changed nothing.\n\n${renderTable(doctor.rows)}\n\n`);
    io.stdout(`${fixes === 0 ? "Nothing to fix" : `${fixes} to fix (FIX)`}${open > 0 ? `; ${open} open (checked by someone else, or later)` : ""}.\n`);
    return exitCodeOf(doctor.rows);
}

if (require.main === module) {
    void runDoctorCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env })
        .then((code) => { process.exitCode = code; });
}
