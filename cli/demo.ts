// `npm run demo`: the whole mission offline (see demo/runDemo.ts).
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { runDemo } from "../demo/runDemo";
import { SCENARIO_NAMES, SCENARIOS } from "../demo/scenarios";
import { parseFlags, UsageError } from "./flags";

export const USAGE = `Usage: npm run demo -- [--scenario NAME] [--now DATE] [--show-secrets] [--save-outputs FILE]

Runs the stack program against a local Entra ID + Microsoft Graph emulator, verifies presence access as the
jtel connector will, and prints the handoff table. No Azure account or Pulumi CLI needed.

  --scenario NAME   run a failure scenario: ${SCENARIO_NAMES.join(", ")}
  --now DATE        run the program at another date (ISO 8601, e.g. 2027-01-15) to see the rotation schedule
  --show-secrets    print the client secret and password instead of masking them
  --save-outputs FILE
                    once verified, write the stack's outputs to FILE (0600), as \`pulumi stack output --json
                    --show-secrets\` prints them, for npm run handoff --outputs and npm run status --outputs
  --help            this text

Exit codes: 0 verified, 1 verification failed, 2 bad usage, 3 gave up on errors that stayed transient.`;

const NOW_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * The instant --now names, or undefined when it is not a real ISO 8601 date. `new Date()` alone would roll
 * 2027-02-30 over to 2027-03-02 and take a time without a zone as local time.
 */
export function parseNow(text: string): Date | undefined {
    const match = NOW_FORMAT.exec(text);
    if (!match) return undefined;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
    return new Date(match[4] === undefined ? `${match[0]}T00:00:00Z` : text);
}

export interface DemoIo {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
}

function parse(argv: readonly string[]): { scenario?: string; now?: Date; showSecrets: boolean; saveOutputs?: string } | "help" {
    const values = parseFlags(argv, {
        scenario: { type: "string" }, now: { type: "string" }, "show-secrets": { type: "boolean" }, "save-outputs": { type: "string" },
        help: { type: "boolean", short: "h" },
    }, "the options are --scenario NAME, --now DATE, --show-secrets, --save-outputs FILE, --help");
    if (values.help) return "help";
    if (values.scenario !== undefined && !Object.hasOwn(SCENARIOS, values.scenario)) {
        throw new UsageError(`--scenario "${values.scenario}" is not a scenario; choose one of: ${SCENARIO_NAMES.join(", ")}`);
    }
    let now: Date | undefined;
    if (values.now !== undefined) {
        now = parseNow(values.now);
        if (now === undefined) {
            throw new UsageError(`--now "${values.now}" must be a calendar date in ISO 8601 such as 2027-01-15 (midnight UTC) or 2027-01-15T09:00:00Z (a time needs Z or an offset such as +01:00)`);
        }
    }
    const saveOutputs = values["save-outputs"];
    if (saveOutputs !== undefined) {
        // Checked before the demo runs, so a typo costs no deployment.
        const folder = dirname(resolve(saveOutputs));
        if (saveOutputs === "" || !existsSync(folder) || !statSync(folder).isDirectory() || (existsSync(saveOutputs) && statSync(saveOutputs).isDirectory())) {
            throw new UsageError(`--save-outputs "${saveOutputs}" must name a file in an existing folder (it is written with mode 0600)`);
        }
    }
    return { scenario: values.scenario, now, showSecrets: values["show-secrets"] ?? false, ...(saveOutputs !== undefined ? { saveOutputs } : {}) };
}

export async function runDemoCli(argv: readonly string[], io: DemoIo): Promise<number> {
    let parsed;
    try {
        parsed = parse(argv);
    } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        io.stderr(`${error.message}\nRun with --help for usage.`);
        return 2;
    }
    if (parsed === "help") {
        io.stdout(USAGE);
        return 0;
    }
    return runDemo({ ...parsed, ...io });
}

if (require.main === module) {
    // A failed verification rejects the stack output and the outputs derived from it; runDemo reports it once.
    // Any other failure rejects every output that depends on it too: say it once.
    let reported = false;
    process.on("unhandledRejection", (error: unknown) => {
        if (error instanceof Error && error.name === "VerificationFailedError") return;
        process.exitCode = 1;
        if (reported) return;
        reported = true;
        console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    runDemoCli(process.argv.slice(2), { stdout: (l) => console.log(l), stderr: (l) => console.error(l) })
        .then((code) => { process.exitCode = code; })
        .catch((error: unknown) => {
            console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exitCode = 1;
        });
}
