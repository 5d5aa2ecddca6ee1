// `npm run status [-- --stack NAME ... | --all] [options]`: one line per stack from its NON-secret outputs
// (tenant, client ID, last verification and its code, secret expiry, previous secret's deadline, next
// rotation) and which client secret the connector uses (Graph's credential activity report, read as the deployer
// with DefaultAzureCredential), exiting 1 when a stack is past a threshold. Reads `pulumi stack output --json` per stack, never
// with --show-secrets (since Pulumi CLI 3.252 that needs no decryption key: pulumi/pulumi#23820), or outputs
// recorded with --save (a folder) or saved by hand (a file, as for `npm run handoff --outputs`).
// Exit codes: 0 within thresholds, 1 past a threshold or unreadable (no pulumi CLI included), 2 bad usage or input.
import { execFile as execFileCallback } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { invalidStackNames, managedStacks, STACK_NAME, STACK_NAME_RULE } from "../fleet/stacks";
import {
    DEFAULT_THRESHOLDS, fleetStatus, formatJson, formatTable, parseStatusOutputs, pickStatusOutputs, StatusOutputsError,
    type StackSource, type StatusOutputs, type Thresholds,
} from "../fleet/status";
import { HandoffFileError, readHandoffFile } from "../handoff/index";
import { usageRecordSchema, type UsageRecord } from "../verifier/secretUsage";
import { checkEndpoint, EndpointError } from "../verifier/endpoints";
import { defaultAzureCredential, readUsageRecord, type CredentialFactory } from "./secretUsage";
import { summarizePulumiStderr } from "./stackOutputs";
import { parseFlags, UsageError } from "./flags";

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** Runs a program with extra environment variables; rejects with `code: "ENOENT"` when it is not installed. */
export type ExecWithEnv = (file: string, args: readonly string[], env: Readonly<Record<string, string>>) => Promise<{ stdout: string; stderr: string }>;

export interface StatusCliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** Where the Pulumi.<stack>.yaml files are (the repository root). */
    cwd: string;
    exec: ExecWithEnv;
    now(): Date;
    /** The deployer's credential per tenant for the credential activity report; without it the report is not read. */
    credential?: CredentialFactory;
}

export const USAGE = `Usage: npm run status -- [--stack NAME ... | --all] [options]

  --stack NAME               this stack (repeat for several); default: every committed Pulumi.<stack>.yaml
  --all                      every committed Pulumi.<stack>.yaml except Pulumi.dev.yaml (the default)
  --outputs DIR|FILE         instead of running pulumi, read DIR/<stack>.json saved by --save, or one stack's
                             FILE as \`pulumi stack output --json\` prints it (the stack: --stack NAME, or FILE's
                             name without .json)
  --save DIR                 also write each stack's non-secret status outputs to DIR/<stack>.json
  --backend-url TEMPLATE     PULUMI_BACKEND_URL per stack, {stack} replaced by the stack name, e.g.
                             'azblob://tenant-{stack}?storage_account=jtelstate' (default: the current login)
  --json                     one JSON object instead of the table
  --secret-expiry-days N     a secret expiring within N days is a problem (default ${DEFAULT_THRESHOLDS.secretExpiryDays}; 0 = off)
  --verification-age-days N  a verification older than N days is a problem (default ${DEFAULT_THRESHOLDS.verificationAgeDays}; 0 = off)
  --switch-deadline-days N   a connector still on an old client secret that expires within N days is a
                             problem (default ${DEFAULT_THRESHOLDS.switchDeadlineDays}; 0 = off)
  --idle-hours N             a connector that used no client secret for N hours is a problem
                             (default ${DEFAULT_THRESHOLDS.idleHours}; 0 = off)
  --usage read|saved|skip    which client secret the connector uses: read Graph's credential activity report
                             as the deployer (az login or OIDC; AuditLog.Read.All or Reports Reader), take the
                             one saved beside --outputs (<stack>.usage.json, or FILE's name with .usage.json),
                             or skip it (default: read, saved with --outputs)
  --graph-endpoint URL       read that report from this Graph endpoint (https; http only on loopback)
  --now ISO-DATE             evaluate at this instant instead of the clock
  --exit-zero                exit 0 even past a threshold (still 2 on bad usage)
  --help                     show this help

Exit codes: 0 every stack within thresholds, 1 a stack past a threshold or unreadable (no pulumi CLI included),
2 bad usage or input.`;

const OPTIONS = "--stack, --all, --outputs, --save, --backend-url, --json, --secret-expiry-days, --verification-age-days, --switch-deadline-days, --idle-hours, --usage, --graph-endpoint, --now, --exit-zero, --help";
const MAX_DAYS = 3650;
const MAX_HOURS = 8760;

/** Where saved outputs are read from: a folder of <stack>.json (what --save writes), or one stack's file. */
type SavedOutputs = { dir: string } | { file: string };

interface Parsed {
    stacks: string[];
    outputs?: SavedOutputs;
    saveDir?: string;
    backendUrl?: string;
    json: boolean;
    thresholds: Thresholds;
    now: Date;
    exitZero: boolean;
    usage: UsageMode;
    graphEndpoint?: string;
}

const USAGE_MODES = ["read", "saved", "skip"] as const;
type UsageMode = (typeof USAGE_MODES)[number];

function days(flag: string, value: string | undefined, fallback: number, unit = "days", max = MAX_DAYS): number {
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${flag} "${value}" must be a whole number of ${unit} from 0 to ${max} (0 turns the check off)`);
    return Number(value);
}

async function stackFiles(cwd: string): Promise<string[]> {
    const files = await readdir(cwd);
    const stacks = managedStacks(files);
    const bad = invalidStackNames(stacks);
    if (bad.length > 0) throw new UsageError(`Pulumi.${bad[0]}.yaml: a stack name must be ${STACK_NAME_RULE}; rename the file`);
    return stacks;
}

async function parse(argv: readonly string[], io: StatusCliIo): Promise<Parsed | "help"> {
    const values = parseFlags(argv, {
        stack: { type: "string", multiple: true },
        all: { type: "boolean" },
        outputs: { type: "string" },
        save: { type: "string" },
        "backend-url": { type: "string" },
        json: { type: "boolean" },
        "secret-expiry-days": { type: "string" },
        "verification-age-days": { type: "string" },
        "switch-deadline-days": { type: "string" },
        "idle-hours": { type: "string" },
        usage: { type: "string" },
        "graph-endpoint": { type: "string" },
        now: { type: "string" },
        "exit-zero": { type: "boolean" },
        help: { type: "boolean", short: "h" },
    }, `the options are ${OPTIONS}`);
    if (values.help) return "help";
    if (values.all && values.stack !== undefined) throw new UsageError("Pass either --stack NAME or --all, not both");
    for (const stack of values.stack ?? []) {
        if (!STACK_NAME.test(stack)) throw new UsageError(`--stack "${stack}" must be a stack name: ${STACK_NAME_RULE}`);
    }
    if (values.outputs !== undefined && values["backend-url"] !== undefined) throw new UsageError("--backend-url applies only when pulumi is run; leave it out with --outputs");
    const backendUrl = values["backend-url"];
    if (backendUrl !== undefined && !backendUrl.includes("{stack}")) {
        throw new UsageError(`--backend-url "${backendUrl}" must contain {stack}, e.g. 'azblob://tenant-{stack}?storage_account=jtelstate': each tenant has its own state container`);
    }
    let now = io.now();
    if (values.now !== undefined) {
        now = new Date(values.now);
        if (!/^\d{4}-\d{2}-\d{2}/.test(values.now) || Number.isNaN(now.getTime())) throw new UsageError(`--now "${values.now}" must be an ISO 8601 date or date-time such as 2027-01-31T09:00:00Z`);
    }
    const thresholds: Thresholds = {
        secretExpiryDays: days("--secret-expiry-days", values["secret-expiry-days"], DEFAULT_THRESHOLDS.secretExpiryDays),
        verificationAgeDays: days("--verification-age-days", values["verification-age-days"], DEFAULT_THRESHOLDS.verificationAgeDays),
        switchDeadlineDays: days("--switch-deadline-days", values["switch-deadline-days"], DEFAULT_THRESHOLDS.switchDeadlineDays),
        idleHours: days("--idle-hours", values["idle-hours"], DEFAULT_THRESHOLDS.idleHours, "hours", MAX_HOURS),
    };
    const usage = values.usage ?? (values.outputs !== undefined ? "saved" : "read");
    if (!(USAGE_MODES as readonly string[]).includes(usage)) throw new UsageError(`--usage "${usage}" must be one of ${USAGE_MODES.join(", ")}`);
    if (usage === "saved" && values.outputs === undefined) throw new UsageError("--usage saved reads the report saved beside the outputs: pass --outputs DIR|FILE too");
    let graphEndpoint = values["graph-endpoint"];
    if (graphEndpoint !== undefined) {
        if (usage !== "read") throw new UsageError(`--graph-endpoint applies only when the credential activity report is read (--usage read), not with --usage ${usage}`);
        try {
            graphEndpoint = checkEndpoint("--graph-endpoint", graphEndpoint);
        } catch (error) {
            if (error instanceof EndpointError) throw new UsageError(error.message);
            throw error;
        }
    }
    const outputs = values.outputs === undefined ? undefined : await savedOutputs(values.outputs, io.cwd);
    let stacks: string[];
    if (outputs !== undefined && "file" in outputs) stacks = [stackOfFile(outputs.file, values.stack)];
    else stacks = values.stack !== undefined ? [...new Set(values.stack)] : await stackFiles(io.cwd);
    return {
        stacks, ...(outputs !== undefined ? { outputs } : {}), saveDir: values.save, backendUrl, json: values.json === true, thresholds, now, exitZero: values["exit-zero"] === true,
        usage: usage as UsageMode, ...(graphEndpoint !== undefined ? { graphEndpoint } : {}),
    };
}

/**
 * --outputs PATH: a folder (what --save writes) or one stack's file. A path that does not exist is a folder no
 * job saved into (the fleet job's, when every tenant's job failed), or a file when it ends in .json: its stacks are
 * unreadable, as when pulumi cannot read them.
 */
async function savedOutputs(path: string, cwd: string): Promise<SavedOutputs> {
    if (path === "-") throw new UsageError("--outputs - (stdin) is not read by status: pass a folder saved by --save, or a file");
    try {
        return (await stat(resolve(cwd, path))).isDirectory() ? { dir: path } : { file: path };
    } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "ENOENT") return /\.json$/i.test(path) ? { file: path } : { dir: path };
        throw new UsageError(`--outputs ${path}: cannot read it (${code ?? "read error"})`);
    }
}

/** The one stack a file's outputs belong to: --stack NAME, or the file's name (contoso.json, as --save names it). */
function stackOfFile(file: string, named: readonly string[] | undefined): string {
    if (named !== undefined) {
        if (new Set(named).size > 1) throw new UsageError(`--outputs ${file} holds one stack's outputs: pass at most one --stack NAME, or a folder saved by --save`);
        return named[0];
    }
    const stack = basename(file).replace(/\.json$/, "");
    if (!STACK_NAME.test(stack)) throw new UsageError(`--outputs ${file}: name its stack with --stack NAME (the file's name "${basename(file)}" is not ${STACK_NAME_RULE})`);
    return stack;
}

/** Reads one stack's outputs through the pulumi CLI, WITHOUT --show-secrets. */
export function statusOutputArgs(stack: string): string[] {
    return ["stack", "output", "--json", "--stack", stack];
}

async function readFromPulumi(stack: string, parsed: Parsed, io: StatusCliIo): Promise<StackSource> {
    const env: Record<string, string> = parsed.backendUrl ? { PULUMI_BACKEND_URL: parsed.backendUrl.replaceAll("{stack}", stack) } : {};
    let stdout: string;
    try {
        ({ stdout } = await io.exec("pulumi", statusOutputArgs(stack), env));
    } catch (error) {
        // Unreadable, as docs/gitops.md's exit codes say: the row says why and how to read the outputs without pulumi.
        if ((error as { code?: unknown }).code === "ENOENT") {
            return { stack, error: "the pulumi CLI was not found on PATH; install it (https://www.pulumi.com/docs/install/) or pass --outputs with outputs saved by --save" };
        }
        const stderr = summarizePulumiStderr((error as { stderr?: unknown }).stderr);
        return { stack, error: `\`pulumi stack output\` failed${stderr ? `: ${stderr}` : ""}; check the stack name and the state login (--backend-url)` };
    }
    let json: unknown;
    try {
        json = JSON.parse(stdout);
    } catch {
        return { stack, error: "`pulumi stack output --json` did not print JSON" };
    }
    let outputs: StatusOutputs;
    try {
        outputs = parseStatusOutputs(json, `--stack ${stack}`);
    } catch (error) {
        if (error instanceof StatusOutputsError) return { stack, error: error.message };
        throw error;
    }
    return withLiveUsage(stack, outputs, parsed, io);
}

/** Reads the report right after the outputs, so it is judged against the key IDs it was read for. */
async function withLiveUsage(stack: string, outputs: StatusOutputs, parsed: Parsed, io: StatusCliIo): Promise<StackSource> {
    if (parsed.usage !== "read" || !io.credential) return { stack, outputs };
    const usage = await readUsageRecord(outputs, { credential: io.credential, now: io.now, ...(parsed.graphEndpoint ? { graphEndpoint: parsed.graphEndpoint } : {}) });
    return usage ? { stack, outputs, usage } : { stack, outputs };
}

/** Where a stack's credential activity report is saved beside its outputs (a stack name never holds a dot). */
function usageFile(dir: string, stack: string): string {
    return join(dir, `${stack}.usage.json`);
}

/** A saved file's outputs and report, as they sit in a folder (<stack>.json) or beside one file. */
function savedPaths(outputs: SavedOutputs, stack: string): { outputs: string; usage: string } {
    if ("dir" in outputs) return { outputs: join(outputs.dir, `${stack}.json`), usage: usageFile(outputs.dir, stack) };
    return { outputs: outputs.file, usage: join(dirname(outputs.file), `${basename(outputs.file).replace(/\.json$/, "")}.usage.json`) };
}

/** A saved file's JSON, or undefined when it does not exist; unreadable or damaged is bad input. */
async function readSavedJson(path: string, source: string, stack: string, dir: string): Promise<unknown> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw new UsageError(`${source}: cannot read the file (${(error as { code?: string }).code ?? "read error"})`);
    }
    try {
        return JSON.parse(text);
    } catch {
        throw new UsageError(`${source} is not valid JSON; record it with npm run status -- --stack ${stack} --save ${dir}`);
    }
}

/** The report saved with the outputs, if it was read for them; a damaged file is bad input, like the outputs. */
async function readRecordedUsage(stack: string, saved: SavedOutputs, io: StatusCliIo): Promise<UsageRecord | undefined> {
    const path = savedPaths(saved, stack).usage;
    const source = `--outputs ${path}`;
    const json = await readSavedJson(resolve(io.cwd, path), source, stack, "dir" in saved ? saved.dir : dirname(saved.file));
    if (json === undefined) return undefined;
    const result = usageRecordSchema.safeParse(json);
    if (!result.success) throw new UsageError(`${source}: ${[...new Set(result.error.issues.map((i) => `${i.path.join(".") || "the file"} is not what --save writes`))].join("; ")}`);
    return result.data;
}

async function readRecorded(stack: string, saved: SavedOutputs, parsed: Parsed, io: StatusCliIo): Promise<StackSource> {
    const path = savedPaths(saved, stack).outputs;
    const source = `--outputs ${path}`;
    const json = await readSavedJson(resolve(io.cwd, path), source, stack, "dir" in saved ? saved.dir : dirname(saved.file));
    if (json === undefined) return { stack, error: `${source}: no outputs were recorded for this stack (its job did not get to save them)` };
    if (isHandoffObject(json, source)) {
        throw new UsageError(`${source} is the handoff object (the five values), which has nothing status reads; pass the stack's outputs as \`pulumi stack output --json\` prints them`);
    }
    let outputs: StatusOutputs;
    try {
        outputs = parseStatusOutputs(json, source);
    } catch (error) {
        if (error instanceof StatusOutputsError) throw new UsageError(error.message);
        throw error;
    }
    if (parsed.usage !== "saved") return withLiveUsage(stack, outputs, parsed, io);
    const usage = await readRecordedUsage(stack, saved, io);
    return usage ? { stack, outputs, usage } : { stack, outputs };
}

/** True for the five-key object `pulumi stack output handoff --show-secrets` prints, which `npm run handoff` takes too. */
function isHandoffObject(json: unknown, source: string): boolean {
    try {
        return readHandoffFile(json, source).shape === "handoff object";
    } catch (error) {
        if (error instanceof HandoffFileError) return false;
        throw error;
    }
}

/** The outputs as saved: the allowlisted keys only, so a saved file never holds more than status shows. */
function recordable(outputs: StatusOutputs): string {
    return `${JSON.stringify(pickStatusOutputs(outputs, "outputs"), null, 2)}\n`;
}

/** The whole command, in-process: returns the exit code; all output goes through `io`. */
export async function runStatusCli(argv: readonly string[], io: StatusCliIo): Promise<number> {
    let parsed: Parsed | "help";
    let sources: StackSource[];
    try {
        parsed = await parse(argv, io);
        if (parsed === "help") {
            io.stdout(`${USAGE}\n`);
            return EXIT.ok;
        }
        const p = parsed;
        sources = [];
        // One stack at a time: each `pulumi stack output` starts a CLI and reads a state file.
        for (const stack of p.stacks) sources.push(p.outputs !== undefined ? await readRecorded(stack, p.outputs, p, io) : await readFromPulumi(stack, p, io));
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr(`${error.message}\nRun with --help for usage.\n`);
            return EXIT.usage;
        }
        throw error;
    }
    if (parsed.saveDir !== undefined) {
        const dir = resolve(io.cwd, parsed.saveDir);
        await mkdir(dir, { recursive: true });
        for (const source of sources) {
            if (!("outputs" in source)) continue;
            await writeFile(join(dir, `${source.stack}.json`), recordable(source.outputs));
            // With --usage skip nothing is read, so a report saved earlier (before the up) stays.
            if (source.usage) await writeFile(usageFile(dir, source.stack), `${JSON.stringify(source.usage, null, 2)}\n`);
        }
    }
    const status = fleetStatus(sources, parsed.thresholds, parsed.now);
    io.stdout(parsed.json ? formatJson(status) : formatTable(status));
    return status.ok || parsed.exitZero ? EXIT.ok : EXIT.problems;
}

/** The real exec: node's execFile with the extra variables on top of the process's environment. */
export const processExecWithEnv: ExecWithEnv = (file, args, env) =>
    new Promise((resolvePromise, reject) => {
        execFileCallback(file, [...args], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
            if (error) reject(Object.assign(error, { stderr }));
            else resolvePromise({ stdout, stderr });
        });
    });

if (require.main === module) {
    const io: StatusCliIo = {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        cwd: process.cwd(),
        exec: processExecWithEnv,
        now: () => new Date(),
        credential: defaultAzureCredential,
    };
    runStatusCli(process.argv.slice(2), io).then(
        (code) => { process.exitCode = code; },
        (error: unknown) => {
            process.stderr.write(`Internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
            process.exitCode = EXIT.problems;
        },
    );
}
