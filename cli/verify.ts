// `npm run verify -- --stack NAME | --handoff FILE|-`: proves the five handoff values work the way the
// jtel connector will use them. Exit codes: 0 verified, 1 terminal diagnosis, 2 bad usage or input,
// 3 gave up on errors that stayed transient (the report carries the last error's code).
import { HANDOFF_KEYS, HandoffInvalidError, validateHandoff } from "../handoff/index";
import { runAsMain } from "./processIo";
import { readStackOutputs, StackOutputsError } from "./stackOutputs";
import { describeAgents, EndpointError, redact, resolveEndpoints, verifyPresenceAccess, type CloudName, type Handoff, type VerificationReport, type VerifyOptions } from "../verifier/index";
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
}

export const USAGE = `Usage: npm run verify -- (--stack NAME | --handoff FILE|-) [options]

  --stack NAME             read the handoff output of a Pulumi stack (needs the pulumi CLI)
  --handoff FILE|-         read the handoff JSON from a file, or from stdin with "-"
  --cloud NAME             public (default), usgovernment or china
  --authority-host URL     override the Entra ID authority host
  --graph-endpoint URL     override the Microsoft Graph endpoint
  --agents LIST            comma-separated agent sign-in names or object IDs
  --agents-file FILE       one agent per line; # starts a comment
  --timeout SECONDS        give up after this long (default 600)
  --json                   print one JSON object instead of text
  --help                   show this help`;

/** The stack's outputs could not be read (no pulumi CLI, pulumi failed, not JSON): bad input, no usage hint. */
class StackReadError extends Error {}

const OPTIONS = "--stack NAME, --handoff FILE|-, --cloud NAME, --authority-host URL, --graph-endpoint URL, --agents LIST, --agents-file FILE, --timeout SECONDS, --json, --help";

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

async function loadHandoff(values: { stack?: string; handoff?: string }, io: CliIo): Promise<Handoff> {
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
            throw new UsageError(`${source} is not valid JSON; expected an object with the keys ${HANDOFF_KEYS.join(", ")}`);
        }
        return parseHandoff(json, source);
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
        return parseHandoff(handoff, `${source} output handoff`);
    }
    throw new UsageError("Pass --stack NAME or --handoff FILE|- to say which handoff values to verify");
}

interface Parsed {
    handoff: Handoff;
    options: VerifyOptions;
    json: boolean;
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
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
    }, `the options are ${OPTIONS}`);
    if (values.help) return "help";

    // The verifier's endpoint rule, with the flags' names: only the cloud's documented hosts unless overridden.
    let endpoints;
    try {
        endpoints = resolveEndpoints(
            { cloud: values.cloud as CloudName | undefined, authorityHost: values["authority-host"], graphEndpoint: values["graph-endpoint"] },
            { cloud: "--cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" },
        );
    } catch (error) {
        if (error instanceof EndpointError) throw new UsageError(error.message);
        throw error;
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

    const handoff = await loadHandoff(values, io);
    return {
        handoff,
        json: values.json === true,
        options: {
            ...endpoints,
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

if (require.main === module) runAsMain(runVerifyCli, EXIT.failed);
