// What the command-line entry points need from the real process; tests pass their own in-process version.
import { readFile } from "node:fs/promises";
import { processExecFile, type ExecFile } from "./stackOutputs";

export interface ProcessIo {
    stdout(text: string): void;
    stderr(text: string): void;
    readStdin(): Promise<string>;
    readFile(path: string): Promise<string>;
    /** Runs a program; rejects with `code: "ENOENT"` when it is not installed. */
    execFile: ExecFile;
}

export function processIo(): ProcessIo {
    return {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        readStdin: async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
            return Buffer.concat(chunks).toString("utf8");
        },
        readFile: (path) => readFile(path, "utf8"),
        execFile: processExecFile,
    };
}

/** Runs a CLI as the process's main program. An unexpected error prints only its name: its message or
 * cause could hold a request body with a secret. */
export function runAsMain(run: (argv: readonly string[], io: ProcessIo) => Promise<number>, internalErrorCode: number): void {
    run(process.argv.slice(2), processIo()).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`Internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
            process.exitCode = internalErrorCode;
        },
    );
}
