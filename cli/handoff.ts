// `npm run handoff -- (--stack NAME | --outputs FILE|-) [--show-secrets] [--format table|json|env]`: prints the
// five values the jtel contact needs, as the seed guide's table, with the secret's expiry and rotation dates,
// and on stderr (for the operator, not the contact) which client secret the connector last used, from Graph's
// credential activity report read as the deployer (`--usage read`, the default with --stack only: a file is
// handed over without any network call); that line never changes the exit code.
// Exit codes: 0 printed, 1 internal error, 2 bad usage or input (including outputs that cannot be read or that
// hold values the connector cannot use), the same as `npm run verify` for --stack.
import {
    describeHandoffFile, formatHandoff, HANDOFF_FORMATS, HANDOFF_OBJECT_COMMAND, HandoffFileError, HandoffOutputsError, parseHandoffObject, parseHandoffOutputs, readHandoffFile,
    STACK_OUTPUTS_COMMAND, type HandoffFormat, type HandoffOutputs,
} from "../handoff/index";
import { checkEndpoint, EndpointError } from "../verifier/endpoints";
import { redact } from "../verifier/redact";
import { classifySecretUsage, DEFAULT_IDLE_HOURS, describeUsage } from "../verifier/secretUsage";
import { processIo, runAsMain } from "./processIo";
import { defaultAzureCredential, pickUsageOutputs, readUsageRecord, type CredentialFactory, type UsageOutputs } from "./secretUsage";
import { readStackOutputs, StackOutputsError, type ExecFile } from "./stackOutputs";
import { parseFlags, UsageError } from "./flags";

/** 1 is an internal error, which should not happen. */
export const EXIT = { printed: 0, failed: 1, usage: 2 } as const;

export interface HandoffCliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    readStdin(): Promise<string>;
    readFile(path: string): Promise<string>;
    /** Runs a program; rejects with `code: "ENOENT"` when it is not installed. */
    execFile: ExecFile;
    /** The clock that judges the secret's expiry; the real one by default. */
    now?: () => Date;
    /** The deployer's credential per tenant for the credential activity report; without it the report is not read. */
    credential?: CredentialFactory;
}

export const USAGE = `Usage: npm run handoff -- (--stack NAME | --outputs FILE|-) [options]

  --stack NAME             read the outputs of a Pulumi stack (needs the pulumi CLI)
  --outputs FILE|-         read a file, or stdin with "-", holding what \`pulumi stack output --json --show-secrets\`
                           prints (the stack's outputs) or what \`pulumi stack output handoff --show-secrets\` prints
                           (the handoff object alone: no expiry or rotation dates)
  --format FORMAT          table (default: the guide's Data | Value table), json or env
  --show-secrets           print the Secret Value and the User password instead of ********
  --usage read|skip        say which client secret the connector last used: read Graph's credential activity report
                           as the deployer (az login or OIDC; AuditLog.Read.All or Reports Reader), or skip it
                           (default: read with --stack, skip with --outputs, which then makes no network call)
  --skip-usage             the same as --usage skip
  --graph-endpoint URL     read that report from this Graph endpoint (https; http only on loopback)
  --help                   show this help

Exit codes: 0 printed (or --help), 1 internal error, 2 bad usage or input (including outputs that cannot be read
or hold values the connector could not use).`;

export const SHOW_SECRETS_HINT =
    "Secret Value and User password are masked. To print them, add --show-secrets, where no one else can read the terminal or its log.";

/** The stack's outputs could not be read (no pulumi CLI, pulumi failed, not JSON): bad input, no usage hint. */
class StackReadError extends Error {}

const OPTIONS = "--stack NAME, --outputs FILE|-, --format table|json|env, --show-secrets, --usage read|skip, --skip-usage, --graph-endpoint URL, --help";
const USAGE_MODES = ["read", "skip"] as const;
const OUTPUTS_JSON = "`pulumi stack output --json --show-secrets`";

interface Parsed {
    outputs: HandoffOutputs;
    /** The non-secret outputs the credential activity report is read for. */
    usageOutputs: UsageOutputs;
    format: HandoffFormat;
    showSecrets: boolean;
    /** Read which secret the connector uses, with this Graph endpoint override. */
    usage: false | { graphEndpoint?: string; stack?: string };
    /** For a file: which shape it had, one line for stderr. */
    shape?: string;
}

interface Read {
    outputs: HandoffOutputs;
    usageOutputs: UsageOutputs;
    /** For a file: which shape it had, one line for stderr. */
    shape?: string;
}

async function readOutputsFile(path: string, io: HandoffCliIo): Promise<Read> {
    const source = path === "-" ? "--outputs - (stdin)" : `--outputs ${path}`;
    let text: string;
    try {
        text = path === "-" ? await io.readStdin() : await io.readFile(path);
    } catch (error) {
        throw new UsageError(`${source}: cannot read the file (${(error as { code?: string }).code ?? "read error"})`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        // The parser's message quotes the input, which holds the secret and the password.
        throw new UsageError(`${source} is not valid JSON; pass what ${OUTPUTS_JSON} or ${HANDOFF_OBJECT_COMMAND} prints`);
    }
    let file;
    try {
        file = readHandoffFile(json, source);
    } catch (error) {
        if (error instanceof HandoffFileError) throw new UsageError(error.message);
        throw error;
    }
    const shape = describeHandoffFile(file, source);
    if (file.shape === "stack outputs") {
        return { ...parseOutputs(file.outputs, source, `run \`pulumi up\` first, then pass what ${OUTPUTS_JSON} prints`, io), shape };
    }
    let outputs: HandoffOutputs;
    try {
        outputs = parseHandoffObject(file.handoff, source);
    } catch (error) {
        if (error instanceof HandoffOutputsError) throw new UsageError(error.message);
        throw error;
    }
    const { directoryTenantId, applicationClientId } = outputs.handoff;
    return {
        outputs, usageOutputs: { directoryTenantId, applicationClientId },
        shape: `${shape}; it carries no expiry or rotation dates, so none are printed or checked (the stack's outputs, ${STACK_OUTPUTS_COMMAND}, have them)`,
    };
}

async function readStack(stack: string, io: HandoffCliIo): Promise<Read> {
    let json: unknown;
    try {
        json = await readStackOutputs(stack, io.execFile, `pass --outputs FILE with what ${OUTPUTS_JSON} prints`);
    } catch (error) {
        if (error instanceof StackOutputsError) throw new StackReadError(error.message);
        throw error;
    }
    return parseOutputs(json, `--stack ${stack}`, `run \`pulumi up --stack ${stack}\` first`, io);
}

function parseOutputs(json: unknown, source: string, nextStep: string, io: HandoffCliIo): Read {
    try {
        const outputs = parseHandoffOutputs(json, source, nextStep, io.now?.() ?? new Date());
        const { directoryTenantId, applicationClientId } = outputs.handoff;
        return { outputs, usageOutputs: { directoryTenantId, applicationClientId, ...pickUsageOutputs(json) } };
    } catch (error) {
        if (error instanceof HandoffOutputsError) throw new UsageError(error.message);
        throw error;
    }
}

async function parse(argv: readonly string[], io: HandoffCliIo): Promise<Parsed | "help"> {
    const values = parseFlags(argv, {
        stack: { type: "string" },
        outputs: { type: "string" },
        format: { type: "string" },
        "show-secrets": { type: "boolean" },
        usage: { type: "string" },
        "skip-usage": { type: "boolean" },
        "graph-endpoint": { type: "string" },
        help: { type: "boolean", short: "h" },
    }, `the options are ${OPTIONS}`);
    if (values.help) return "help";

    const format = values.format ?? "table";
    if (!(HANDOFF_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format "${format}" must be one of ${HANDOFF_FORMATS.join(", ")}`);
    }
    if (values.stack !== undefined && values.outputs !== undefined) throw new UsageError("Pass either --stack NAME or --outputs FILE|-, not both");
    if (values.stack !== undefined && values.stack.trim() === "") throw new UsageError('--stack "" must name a stack, such as contoso or my-org/jtel-teams-presence/contoso');

    if (values["skip-usage"] && values.usage !== undefined && values.usage !== "skip") {
        throw new UsageError(`--skip-usage and --usage ${values.usage} contradict each other; --skip-usage is --usage skip`);
    }
    // A file is handed over offline unless the report is asked for: only --stack reads it by default, as status does.
    const usageMode = values.usage ?? (values["skip-usage"] || values.stack === undefined ? "skip" : "read");
    if (!(USAGE_MODES as readonly string[]).includes(usageMode)) {
        throw new UsageError(`--usage "${usageMode}" must be read (Graph's credential activity report, read as the deployer) or skip`);
    }
    let graphEndpoint = values["graph-endpoint"];
    if (graphEndpoint !== undefined) {
        if (usageMode !== "read") throw new UsageError("--graph-endpoint applies only when the credential activity report is read; add --usage read, or leave --graph-endpoint out");
        try {
            graphEndpoint = checkEndpoint("--graph-endpoint", graphEndpoint);
        } catch (error) {
            if (error instanceof EndpointError) throw new UsageError(error.message);
            throw error;
        }
    }

    let read: Read;
    if (values.outputs !== undefined) read = await readOutputsFile(values.outputs, io);
    else if (values.stack !== undefined) read = await readStack(values.stack, io);
    else throw new UsageError("Pass --stack NAME or --outputs FILE|- to say which stack's handoff to print");

    const usage = usageMode === "skip" ? false : { ...(graphEndpoint !== undefined ? { graphEndpoint } : {}), ...(values.stack !== undefined ? { stack: values.stack } : {}) };
    return { ...read, format: format as HandoffFormat, showSecrets: values["show-secrets"] === true, usage };
}

/** The whole command, in-process: returns the exit code; all output goes through `io`. */
export async function runHandoffCli(argv: readonly string[], io: HandoffCliIo): Promise<number> {
    let parsed: Parsed | "help";
    try {
        parsed = await parse(argv, io);
    } catch (error) {
        if (error instanceof UsageError || error instanceof StackReadError) {
            io.stderr(`${error.message}\n${error instanceof UsageError ? "Run with --help for usage.\n" : ""}`);
            // A stack that cannot be read exits like bad input, as in `npm run verify --stack`.
            return EXIT.usage;
        }
        throw error;
    }
    if (parsed === "help") {
        io.stdout(`${USAGE}\n`);
        return EXIT.printed;
    }
    const { outputs, format, showSecrets } = parsed;
    if (parsed.shape) io.stderr(`${parsed.shape}\n`);
    try {
        io.stdout(formatHandoff(outputs, format, { showSecrets }));
    } catch (error) {
        const secrets = [outputs.handoff.secretValue, outputs.handoff.userPassword];
        io.stderr(`Internal error: ${redact(error instanceof Error ? error.message : String(error), secrets)}\n`);
        return EXIT.failed;
    }
    if (!showSecrets) io.stderr(`${SHOW_SECRETS_HINT}\n`);
    if (parsed.usage && io.credential) {
        const now = io.now ?? (() => new Date());
        const record = await readUsageRecord(parsed.usageOutputs, { credential: io.credential, now, ...(parsed.usage.graphEndpoint ? { graphEndpoint: parsed.usage.graphEndpoint } : {}) });
        if (record) {
            const handoffCommand = `npm run handoff${parsed.usage.stack ? ` -- --stack ${parsed.usage.stack}` : ""}`;
            io.stderr(`${describeUsage(classifySecretUsage(record, { now: now(), idleHours: DEFAULT_IDLE_HOURS }), handoffCommand)}\n`);
        }
    }
    return EXIT.printed;
}

if (require.main === module) runAsMain((argv) => runHandoffCli(argv, { ...processIo(), credential: defaultAzureCredential }), EXIT.failed);
