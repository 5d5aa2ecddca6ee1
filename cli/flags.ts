// Flag parsing shared by the command-line entry points: strict (an unknown flag is an error), no positionals,
// and a usage error that says what was wrong and where to look.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad usage or input: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `argv` against `options`; a mistake becomes a UsageError ending in `hint` (e.g. the list of flags). */
export function parseFlags<O extends Options>(argv: readonly string[], options: O, hint: string) {
    try {
        return parseArgs({ args: [...argv], options, strict: true as const, allowPositionals: false as const }).values;
    } catch (error) {
        const message = (error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)).replace(/\.$/, "");
        throw new UsageError(`${message}; ${hint}`);
    }
}
