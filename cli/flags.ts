// Flag parsing shared by the command-line entry points: strict (an unknown flag is an error), no positionals,
// and a usage error that says what was wrong and where to look.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad usage or input: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--days -3`: parseArgs takes a value that starts with "-" for a flag and stops with "argument is ambiguous",
 * which names neither the rule nor the range. A negative number after a flag that takes a value is that flag's
 * value (as `--days=-3`), so the flag's own rule refuses it by name.
 */
export function joinNegativeNumbers(argv: readonly string[], options: Options): string[] {
    const joined: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") return [...joined, ...argv.slice(i)];
        const name = arg.startsWith("--") ? arg.slice(2) : undefined;
        const next = argv[i + 1];
        if (name !== undefined && Object.hasOwn(options, name) && options[name].type === "string" && next !== undefined && /^-\.?\d/.test(next)) {
            joined.push(`${arg}=${next}`);
            i++;
        } else joined.push(arg);
    }
    return joined;
}

/** Parses `argv` against `options`; a mistake becomes a UsageError ending in `hint` (e.g. the list of flags). */
export function parseFlags<O extends Options>(argv: readonly string[], options: O, hint: string) {
    try {
        return parseArgs({ args: joinNegativeNumbers(argv, options), options, strict: true as const, allowPositionals: false as const }).values;
    } catch (error) {
        const message = (error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)).replace(/\.$/, "");
        throw new UsageError(`${message}; ${hint}`);
    }
}
