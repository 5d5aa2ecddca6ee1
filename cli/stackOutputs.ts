// Reads a Pulumi stack's outputs through the pulumi CLI, for the command-line entry points that need them.
import { execFile as execFileCallback } from "node:child_process";
import { redact } from "../verifier/redact";

/** Runs a program; rejects with `code: "ENOENT"` when it is not installed, and with its `stderr` when it fails. */
export type ExecFile = (file: string, args: readonly string[]) => Promise<{ stdout: string; stderr: string }>;

/** Why the outputs could not be read: no pulumi CLI, the CLI failed, or it printed something other than JSON. */
export type StackOutputsFailure = "pulumiMissing" | "pulumiFailed" | "notJson";

export class StackOutputsError extends Error {
    constructor(
        readonly failure: StackOutputsFailure,
        message: string,
    ) {
        super(message);
    }
}

/** The exact pulumi arguments: JSON, with secrets decrypted, for one stack. */
export function stackOutputArgs(stack: string): string[] {
    return ["stack", "output", "--json", "--show-secrets", "--stack", stack];
}

// Pulumi access tokens ("pul-" + 40 hex) can surface in backend errors; never pass one on.
const PULUMI_TOKEN_PATTERN = /pul-[0-9a-f]{40}/gi;
const SUMMARY_LIMIT = 300;

/** The first non-empty line of the pulumi CLI's stderr, shortened, with tokens removed. */
export function summarizePulumiStderr(stderr: unknown): string {
    const line = String(stderr ?? "").split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? "";
    const short = line.length > SUMMARY_LIMIT ? `${line.slice(0, SUMMARY_LIMIT)}…` : line;
    return redact(short, []).replace(PULUMI_TOKEN_PATTERN, "[redacted]");
}

/**
 * Runs `pulumi stack output --json --show-secrets --stack NAME` and parses what it prints.
 * `instead` is the alternative a person without the pulumi CLI can use, such as "pass --handoff FILE".
 */
export async function readStackOutputs(stack: string, execFile: ExecFile, instead: string): Promise<unknown> {
    const source = `--stack ${stack}`;
    let stdout: string;
    try {
        ({ stdout } = await execFile("pulumi", stackOutputArgs(stack)));
    } catch (error) {
        if ((error as { code?: unknown }).code === "ENOENT") {
            throw new StackOutputsError("pulumiMissing", `${source}: the pulumi CLI was not found on PATH; install it (https://www.pulumi.com/docs/install/) or ${instead}`);
        }
        const stderr = summarizePulumiStderr((error as { stderr?: unknown }).stderr);
        throw new StackOutputsError("pulumiFailed", `${source}: \`pulumi stack output\` failed${stderr ? `: ${stderr}` : ""}; check the stack name with \`pulumi stack ls\``);
    }
    try {
        return JSON.parse(stdout) as unknown;
    } catch {
        // Never quote the text: it was printed with --show-secrets.
        throw new StackOutputsError("notJson", `${source}: \`pulumi stack output --json\` did not print JSON`);
    }
}

/** The real ExecFile: node's execFile with room for large outputs. */
export const processExecFile: ExecFile = (file, args) =>
    new Promise((resolve, reject) => {
        execFileCallback(file, [...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) reject(Object.assign(error, { stderr }));
            else resolve({ stdout, stderr });
        });
    });
