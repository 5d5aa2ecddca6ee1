// `npm run verify -- --stack NAME | --handoff FILE|-`: proves the five handoff values work the way the
// jtel connector will use them. Exit codes: 0 verified, 1 terminal diagnosis, 2 bad usage or input,
// 3 gave up on errors that stayed transient (the report carries the last error's code).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import {
    describeHandoffFile, HANDOFF_KEYS, HANDOFF_OBJECT_COMMAND, HandoffFileError, HandoffInvalidError, HandoffOutputsError, handoffOutputOf, readHandoffFile, secretCreatedAtOf,
    STACK_OUTPUTS_COMMAND, validateHandoff, type EndpointKey,
} from "../handoff/index";
import { runAsMain } from "./processIo";
import { readStackOutputs, StackOutputsError } from "./stackOutputs";
import {
    describeAgents, EndpointError, isLoopbackHost, JUST_PROVISIONED, redact, resolveEndpoints, verifyPresenceAccess, type ChangedAt, type CloudName, type EndpointChoice, type EndpointNames, type Handoff,
    type VerificationReport, type VerifyOptions,
} from "../verifier/index";
import { passwordAttemptsProblem } from "../verifier/clouds";
import { parseFlags, UsageError } from "./flags";

export const EXIT = { verified: 0, failed: 1, usage: 2, gaveUp: 3 } as const;

export interface CliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    readStdin(): Promise<string>;
    readFile(path: string): Promise<string>;
    /** Runs a program; rejects with `code: "ENOENT"` when it is not installed. */
    execFile(file: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
    /** Test hooks for the verification: clock, sleep, random. */
    verifyOverrides?: Pick<VerifyOptions, "clock" | "sleep" | "random" | "maxWaitSeconds">;
    /** The CA file this process trusts (NODE_EXTRA_CA_CERTS, read by Node at start-up only). */
    trustedCaFile?: string;
    /** Runs the command again trusting `caFile`, handing it `stdin` (what was read from "-"); returns its exit code. */
    restartTrustingCa?(caFile: string, stdin: string | undefined): Promise<number>;
}

export const USAGE = `Usage: npm run verify -- (--stack NAME | --handoff FILE|-) [options]

  --stack NAME             read the handoff output of a Pulumi stack (needs the pulumi CLI)
  --handoff FILE|-         read a file, or stdin with "-", holding what \`pulumi stack output handoff --show-secrets\`
                           prints (the handoff object; npm run emulator's file adds its endpoints and CA, used
                           unless a flag below says otherwise) or what \`pulumi stack output --json --show-secrets\`
                           prints (the stack's outputs)
  --cloud NAME             public, usgovernment or usgovernmentdod (default: the stack's cloud output with --stack
                           or a stack's outputs file, else public)
  --authority-host URL     override the Entra ID authority host
  --graph-endpoint URL     override the Microsoft Graph endpoint
  --agents LIST            comma-separated agent sign-in names or object IDs
  --agents-file FILE       one agent per line; # starts a comment
  --password-attempts N    password sign-ins to try at most: below the cloud's smart lockout threshold
                           (default 5 in public, 2 in usgovernment and usgovernmentdod)
  --timeout SECONDS        give up after this long (default 600)
  --fresh                  the app, secret or user was created or changed in the last minutes: wait out
                           Entra ID's replication (with --stack, the outputs say when the secret was created)
  --json                   print one JSON object instead of text
  --help                   show this help

Exit codes: 0 verified (or --help), 1 failed with a terminal diagnosis, 2 bad usage or input, 3 gave up on errors
that stayed transient.`;

/** The stack's outputs could not be read (no pulumi CLI, pulumi failed, not JSON): bad input, no usage hint. */
class StackReadError extends Error {}

const OPTIONS = "--stack NAME, --handoff FILE|-, --cloud NAME, --authority-host URL, --graph-endpoint URL, --agents LIST, --agents-file FILE, --password-attempts N, --timeout SECONDS, --fresh, --json, --help";

/** Validates the handoff with the rules `npm run handoff` applies; messages name the key and the rule. */
export function parseHandoff(input: unknown, source: string): Handoff {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new UsageError(`${source} must hold a JSON object with exactly the keys ${HANDOFF_KEYS.join(", ")}`);
    }
    try {
        return validateHandoff(input, { handoff: source, key: (key) => `${source} ${key}` });
    } catch (error) {
        if (error instanceof HandoffInvalidError) throw new UsageError(error.message);
        throw error;
    }
}

function agentsFromText(text: string): string[] {
    return text
        .split(/\r?\n/)
        .map((line) => line.replace(/#.*$/, "").trim())
        .filter(Boolean);
}

interface Loaded {
    handoff: Handoff;
    /** When the stack's outputs say the newest secret was created (ms since the epoch). */
    secretCreatedAt?: number;
    /** Where the values came from, for messages: `--handoff h.json`, `--stack contoso`. */
    source: string;
    /** The stack's `cloud` output, when the values came from a stack's outputs. */
    cloud?: unknown;
    /** Endpoints and CA file a handoff object carried (npm run emulator's file). */
    endpoints: Partial<Record<EndpointKey, unknown>>;
    /** For a file: which shape it had, one line for stderr. */
    shape?: string;
    /** What was read from stdin, for a restart. */
    stdin?: string;
}

/** The newest secret's creation time from a stack's outputs, when they carry it (currentSecretCreatedAt). */
function createdAt(outputs: unknown, source: string): { secretCreatedAt?: number } {
    try {
        const at = secretCreatedAtOf(outputs, source);
        return at !== undefined ? { secretCreatedAt: at } : {};
    } catch (error) {
        if (error instanceof HandoffOutputsError) throw new UsageError(error.message);
        throw error;
    }
}

/** The cloud a stack's outputs say it was deployed to (the `cloud` output), when they say one. */
function cloudOf(outputs: unknown): { cloud?: unknown } {
    const cloud = (outputs as { cloud?: unknown } | null)?.cloud;
    return cloud === undefined || cloud === null ? {} : { cloud };
}

function onLoopback(value: unknown): boolean {
    try {
        return typeof value === "string" && isLoopbackHost(new URL(value).hostname);
    } catch {
        return false;
    }
}

async function loadHandoff(values: { stack?: string; handoff?: string }, io: CliIo): Promise<Loaded> {
    if (values.stack !== undefined && values.handoff !== undefined) throw new UsageError("Pass either --stack NAME or --handoff FILE|-, not both");
    if (values.stack !== undefined && values.stack.trim() === "") throw new UsageError('--stack "" must name a stack, such as contoso or my-org/jtel-teams-presence/contoso');
    if (values.handoff !== undefined) {
        const source = values.handoff === "-" ? "--handoff - (stdin)" : `--handoff ${values.handoff}`;
        let text: string;
        try {
            text = values.handoff === "-" ? await io.readStdin() : await io.readFile(values.handoff);
        } catch (error) {
            throw new UsageError(`${source}: cannot read the file (${(error as { code?: string }).code ?? "read error"})`);
        }
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            // The parser's message quotes the input, which may hold the secret or password.
            throw new UsageError(`${source} is not valid JSON; pass what ${HANDOFF_OBJECT_COMMAND} or ${STACK_OUTPUTS_COMMAND} prints`);
        }
        const stdin = values.handoff === "-" ? text : undefined;
        try {
            const file = readHandoffFile(json, source);
            const shape = describeHandoffFile(file, source);
            if (file.shape === "handoff object") return { handoff: parseHandoff(file.handoff, source), source, endpoints: file.endpoints, shape, stdin };
            const handoff = handoffOutputOf(file.outputs, source, `run \`pulumi up\` first, then pass what ${STACK_OUTPUTS_COMMAND} prints`);
            return { handoff: parseHandoff(handoff, `${source} output handoff`), source, endpoints: {}, shape, stdin, ...createdAt(file.outputs, source), ...cloudOf(file.outputs) };
        } catch (error) {
            if (error instanceof HandoffFileError || error instanceof HandoffOutputsError) throw new UsageError(error.message);
            throw error;
        }
    }
    if (values.stack !== undefined) {
        const source = `--stack ${values.stack}`;
        let outputs: unknown;
        try {
            outputs = await readStackOutputs(values.stack, io.execFile, "pass --handoff FILE with the five values");
        } catch (error) {
            // The same exit as `npm run handoff --stack`: the input could not be read, and the message says why.
            if (error instanceof StackOutputsError) throw new StackReadError(error.message);
            throw error;
        }
        const handoff = (outputs as { handoff?: unknown } | null)?.handoff;
        if (handoff === undefined) throw new UsageError(`${source}: the stack has no \`handoff\` output; run \`pulumi up\` first`);
        return { handoff: parseHandoff(handoff, `${source} output handoff`), source, endpoints: {}, ...createdAt(outputs, source), ...cloudOf(outputs) };
    }
    throw new UsageError("Pass --stack NAME or --handoff FILE|- to say which handoff values to verify");
}

/**
 * Where to verify: the flags, and the endpoints a handoff file carried (the emulator's) where no flag names the
 * host; none of the file's when --cloud is given. The file's CA counts only with an endpoint taken from it.
 * `source` names the file in messages (`--handoff h.json authorityHost "…" must use https://…`). A stack's outputs
 * name its cloud (`outputsCloud`), which counts where no flag names one.
 */
export function chooseEndpoints(
    flags: { cloud?: string; authorityHost?: string; graphEndpoint?: string },
    file: Partial<Record<EndpointKey, unknown>>,
    source: string,
    outputsCloud?: unknown,
): { choice: EndpointChoice; names: EndpointNames; caFile?: unknown } {
    const cloudFromOutputs = flags.cloud === undefined && outputsCloud !== undefined;
    const cloud = cloudFromOutputs ? outputsCloud : flags.cloud;
    const usable = flags.cloud === undefined ? file : {};
    const authorityHost = flags.authorityHost ?? usable.authorityHost;
    const graphEndpoint = flags.graphEndpoint ?? usable.graphEndpoint;
    const hostFromFile = flags.authorityHost === undefined && usable.authorityHost !== undefined;
    const graphFromFile = flags.graphEndpoint === undefined && usable.graphEndpoint !== undefined;
    // Only npm run emulator writes endpoints into a handoff file, and always loopback ones: a file never sends the
    // secret and the password (or trusts a CA) anywhere else; a real host must be named on the command line.
    for (const [key, fromFile, flag] of [["authorityHost", hostFromFile, "--authority-host"], ["graphEndpoint", graphFromFile, "--graph-endpoint"]] as const) {
        if (fromFile && !onLoopback(usable[key])) {
            throw new UsageError(`${source} ${key} ${JSON.stringify(String(usable[key]))} is not a loopback address: a handoff file may name only the local emulator's endpoints; pass ${flag} URL (or --cloud NAME) to sign in elsewhere`);
        }
    }
    return {
        choice: {
            ...(cloud !== undefined ? { cloud: cloud as CloudName } : {}),
            ...(authorityHost !== undefined ? { authorityHost: authorityHost as string } : {}),
            ...(graphEndpoint !== undefined ? { graphEndpoint: graphEndpoint as string } : {}),
        },
        names: {
            cloud: cloudFromOutputs ? `${source} output cloud` : "--cloud",
            authorityHost: hostFromFile ? `${source} authorityHost` : "--authority-host",
            graphEndpoint: graphFromFile ? `${source} graphEndpoint` : "--graph-endpoint",
        },
        ...((hostFromFile || graphFromFile) && usable.caFile !== undefined ? { caFile: usable.caFile } : {}),
    };
}

interface Parsed {
    handoff: Handoff;
    options: VerifyOptions;
    json: boolean;
    /** The CA to trust for the endpoints the handoff file named (absolute path). */
    caFile?: string;
    shape?: string;
    stdin?: string;
}

async function parse(argv: readonly string[], io: CliIo): Promise<Parsed | "help"> {
    const values = parseFlags(argv, {
        stack: { type: "string" },
        handoff: { type: "string" },
        cloud: { type: "string" },
        "authority-host": { type: "string" },
        "graph-endpoint": { type: "string" },
        agents: { type: "string" },
        "agents-file": { type: "string" },
        "password-attempts": { type: "string" },
        timeout: { type: "string" },
        fresh: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
    }, `the options are ${OPTIONS}`);
    if (values.help) return "help";

    // The verifier's endpoint rule, with the flags' names: only the cloud's documented hosts unless overridden.
    // The flags are checked before the handoff is read; a handoff file's own endpoints (the emulator's) then count
    // as overrides, unless a flag names a cloud or that host.
    const flags = { cloud: values.cloud as CloudName | undefined, authorityHost: values["authority-host"], graphEndpoint: values["graph-endpoint"] };
    const flagNames = { cloud: "--cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" };
    try {
        resolveEndpoints(flags, flagNames);
    } catch (error) {
        if (error instanceof EndpointError) throw new UsageError(error.message);
        throw error;
    }

    const cloud = (values.cloud ?? "public") as CloudName;
    let maxPasswordAttempts: number | undefined;
    if (values["password-attempts"] !== undefined) {
        const problem = passwordAttemptsProblem("--password-attempts", values["password-attempts"], cloud);
        if (problem) throw new UsageError(problem);
        maxPasswordAttempts = Number(values["password-attempts"]);
    }

    let timeoutSeconds: number | undefined;
    if (values.timeout !== undefined) {
        timeoutSeconds = Number(values.timeout);
        if (!/^\d+(\.\d+)?$/.test(values.timeout.trim()) || !(timeoutSeconds > 0)) {
            throw new UsageError(`--timeout "${values.timeout}" must be a positive number of seconds, such as 600`);
        }
    }

    const agents: string[] = [];
    if (values.agents !== undefined) {
        const listed = values.agents.split(",").map((a) => a.trim()).filter(Boolean);
        if (listed.length === 0) throw new UsageError(`--agents "${values.agents}" must list at least one sign-in name or object ID, comma-separated`);
        agents.push(...listed);
    }
    if (values["agents-file"] !== undefined) {
        try {
            agents.push(...agentsFromText(await io.readFile(values["agents-file"])));
        } catch (error) {
            throw new UsageError(`--agents-file ${values["agents-file"]}: cannot read the file (${(error as { code?: string }).code ?? "read error"})`);
        }
    }

    const loaded = await loadHandoff(values, io);
    // Replication explains a missing app, secret or user only right after it was created (verifier/retry.ts): a
    // stack's first secret is created with its app and user, so the outputs' time stands for all three.
    const secretCreatedAt = loaded.secretCreatedAt;
    const changedAt: ChangedAt | undefined = values.fresh
        ? JUST_PROVISIONED
        : secretCreatedAt !== undefined ? { secret: secretCreatedAt, app: secretCreatedAt, user: secretCreatedAt } : undefined;
    const chosen = chooseEndpoints(flags, loaded.endpoints, loaded.source, loaded.cloud);
    let endpoints;
    try {
        endpoints = resolveEndpoints(chosen.choice, chosen.names);
    } catch (error) {
        if (error instanceof EndpointError) throw new UsageError(error.message);
        throw error;
    }
    // A stack deployed to another cloud (its `cloud` output) verifies there, with that cloud's password budget.
    const effectiveCloud = (chosen.choice.cloud ?? cloud) as CloudName;
    if (values["password-attempts"] !== undefined && effectiveCloud !== cloud) {
        const problem = passwordAttemptsProblem("--password-attempts", values["password-attempts"], effectiveCloud);
        if (problem) throw new UsageError(problem);
    }
    let caFile: string | undefined;
    if (chosen.caFile !== undefined) {
        if (typeof chosen.caFile !== "string" || chosen.caFile.trim() === "") throw new UsageError(`${loaded.source} caFile must be the path of the CA file to trust (PEM), as npm run emulator writes it`);
        caFile = resolve(chosen.caFile);
    }
    return {
        handoff: loaded.handoff,
        json: values.json === true,
        ...(caFile !== undefined ? { caFile } : {}),
        ...(loaded.shape !== undefined ? { shape: loaded.shape } : {}),
        ...(loaded.stdin !== undefined ? { stdin: loaded.stdin } : {}),
        options: {
            cloud: effectiveCloud,
            ...endpoints,
            ...(maxPasswordAttempts !== undefined ? { maxPasswordAttempts } : {}),
            ...(changedAt ? { changedAt } : {}),
            ...(agents.length > 0 ? { agents } : {}),
            ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
            ...io.verifyOverrides,
        },
    };
}

export function exitCodeFor(report: VerificationReport): number {
    if (report.ok) return EXIT.verified;
    return report.gaveUp ? EXIT.gaveUp : EXIT.failed;
}

/** The --json shape: stable keys, null where a value is absent. */
export function jsonSummary(report: VerificationReport): Record<string, unknown> {
    return {
        ok: report.ok,
        code: report.code,
        aadsts: report.aadsts ?? null,
        message: report.message,
        remedy: report.remedy,
        grantedScopes: report.grantedScopes,
        attempts: report.attempts,
        elapsedMs: report.elapsedMs,
        agents: report.agents ?? null,
        serviceUserPresence: report.serviceUserPresence ?? null,
        notes: report.notes ?? [],
    };
}

export function humanSummary(report: VerificationReport): string {
    const status = report.ok ? "VERIFIED" : report.gaveUp ? "GAVE UP (the error stayed transient)" : "FAILED";
    const lines = [
        `${status}: ${report.code}${report.aadsts !== undefined ? ` (AADSTS${report.aadsts})` : ""}`,
        `  message:  ${report.message}`,
    ];
    if (!report.ok) lines.push(`  remedy:   ${report.remedy}`);
    lines.push(`  scopes:   ${report.grantedScopes.length > 0 ? report.grantedScopes.join(" ") : "(none)"}`);
    if (report.availability !== undefined) {
        lines.push(`  presence: ${report.availability}${report.activity ? ` / ${report.activity}` : ""} (service user ${report.serviceUserObjectId ?? "?"})`);
    }
    if (report.agents) lines.push(`  agents:   ${describeAgents(report.agents)}`);
    for (const note of report.notes ?? []) lines.push(`  note:     ${note}`);
    const a = report.attempts;
    lines.push(`  attempts: client credentials ${a.clientCredentials}, password ${a.password}, Graph ${a.graph}; ${(report.elapsedMs / 1000).toFixed(1)} s`);
    return lines.join("\n");
}

/** The whole command, in-process: returns the exit code; all output goes through `io`. */
export async function runVerifyCli(argv: readonly string[], io: CliIo): Promise<number> {
    let parsed: Parsed | "help";
    try {
        parsed = await parse(argv, io);
    } catch (error) {
        if (error instanceof UsageError || error instanceof StackReadError) {
            io.stderr(`${error.message}\n${error instanceof UsageError ? "Run with --help for usage.\n" : ""}`);
            return EXIT.usage;
        }
        throw error;
    }
    if (parsed === "help") {
        io.stdout(`${USAGE}\n`);
        return EXIT.verified;
    }
    if (parsed.caFile !== undefined && io.restartTrustingCa && (io.trustedCaFile === undefined || resolve(io.trustedCaFile) !== parsed.caFile)) {
        return io.restartTrustingCa(parsed.caFile, parsed.stdin);
    }
    if (parsed.shape) io.stderr(`${parsed.shape}\n`);
    const { handoff, options, json } = parsed;
    const secrets = [handoff.secretValue, handoff.userPassword];
    try {
        const report = await verifyPresenceAccess(handoff, { ...options, onProgress: (line) => io.stderr(`... ${line}\n`) });
        io.stdout(`${json ? JSON.stringify(jsonSummary(report), null, 2) : humanSummary(report)}\n`);
        return exitCodeFor(report);
    } catch (error) {
        io.stderr(`Internal error: ${redact(error instanceof Error ? error.message : String(error), secrets)}\n`);
        return EXIT.failed;
    }
}

/**
 * Node reads NODE_EXTRA_CA_CERTS at start-up only (nodejs.org/api/cli.html#node_extra_ca_certsfile), and fetch
 * takes no CA of its own, so trusting the CA a handoff file names means running the command again with it set:
 * the same Node options and arguments, what was read from stdin handed on.
 */
export function restartTrustingCa(caFile: string, stdin: string | undefined): Promise<number> {
    return new Promise((resolvePromise, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
            stdio: [stdin === undefined ? "inherit" : "pipe", "inherit", "inherit"],
            env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        });
        child.stdin?.end(stdin);
        child.once("error", reject);
        child.once("exit", (code) => resolvePromise(code ?? EXIT.failed));
    });
}

if (require.main === module) {
    runAsMain((argv, io) => runVerifyCli(argv, { ...io, trustedCaFile: process.env.NODE_EXTRA_CA_CERTS || undefined, restartTrustingCa }), EXIT.failed);
}
