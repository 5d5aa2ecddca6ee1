// `npm run new-tenant -- --stack NAME --tenant-id GUID --service-user UPN [config flags] [--force] [--repo ORG/REPO]`:
// writes Pulumi.<stack>.yaml, validated by the program's own schema, and prints the one-time bootstrap commands.
// Exit codes: 0 written, 2 bad usage or input (nothing written).
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
    bootstrapInstructions, CONFIG_FLAGS, EXCLUDED_KEYS, flagFor, linesToKeep, NewTenantError, stackFileText, tenantIdOf, validateTenant,
} from "../fleet/newTenant";
import { managedStacks } from "../fleet/stacks";
import { parseFlags, UsageError } from "./flags";

export const EXIT = { written: 0, usage: 2 } as const;

export interface NewTenantCliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** The repository root, where Pulumi.<stack>.yaml goes. */
    cwd: string;
}

const CONFIG_USAGE = Object.entries(CONFIG_FLAGS).map(([flag]) => `--${flag}`).join(", ");

export const USAGE = `Usage: npm run new-tenant -- --stack NAME --tenant-id GUID --service-user UPN [config flags] [options]

  --stack NAME          the customer's stack: lower-case letters, digits and hyphens (it names the environments)
  --tenant-id GUID      the customer's Directory (tenant) ID (azuread:tenantId)
  --service-user UPN    the service user's sign-in name (serviceUserPrincipalName), e.g. jtel-presence@contoso.com
  config flags          any other configuration key in kebab case, with the value \`pulumi config set\` takes
                        (lists and objects as JSON): ${CONFIG_USAGE}
  --repo ORG/REPO       this GitHub repository, for the customer's command (printed as <ORG/REPO> otherwise)
  --force               overwrite an existing Pulumi.<stack>.yaml (its secrets provider and key are kept)
  --help                show this help

Exit codes: 0 written, 2 bad usage or input (nothing written).`;

interface Parsed {
    stack: string;
    tenantId: string;
    serviceUser: string;
    config: Record<string, string>;
    repo?: string;
    force: boolean;
}

function parse(argv: readonly string[]): Parsed | "help" {
    for (const [key, why] of Object.entries(EXCLUDED_KEYS)) {
        const flag = `--${flagFor(key)}`;
        if (argv.some((a) => a === flag || a.startsWith(`${flag}=`))) throw new UsageError(`${flag} (${key}) ${why}`);
    }
    const configOptions = Object.fromEntries(Object.keys(CONFIG_FLAGS).map((flag) => [flag, { type: "string" as const }]));
    const values: Record<string, string | boolean | undefined> = parseFlags(argv, {
        stack: { type: "string" },
        "tenant-id": { type: "string" },
        "service-user": { type: "string" },
        repo: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...configOptions,
    }, "run with --help for the flags (every configuration key has one)");
    if (values.help) return "help";
    const missing = ["stack", "tenant-id", "service-user"].filter((flag) => typeof values[flag] !== "string" || values[flag] === "");
    if (missing.length > 0) throw new UsageError(`${missing.map((f) => `--${f}`).join(", ")} ${missing.length === 1 ? "is" : "are"} required`);
    const repo = values.repo as string | undefined;
    if (repo !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new UsageError(`--repo "${repo}" must be the GitHub repository as ORG/REPO`);
    const config: Record<string, string> = {};
    for (const [flag, key] of Object.entries(CONFIG_FLAGS)) if (typeof values[flag] === "string") config[key] = values[flag] as string;
    return {
        stack: values.stack as string, tenantId: values["tenant-id"] as string, serviceUser: values["service-user"] as string, config, repo, force: values.force === true,
    };
}

async function readIfExists(path: string): Promise<string | undefined> {
    try {
        return await readFile(path, "utf8");
    } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
    }
}

/** The whole command, in-process: returns the exit code; all output goes through `io`. */
export async function runNewTenantCli(argv: readonly string[], io: NewTenantCliIo): Promise<number> {
    try {
        const parsed = parse(argv);
        if (parsed === "help") {
            io.stdout(`${USAGE}\n`);
            return EXIT.written;
        }
        const tenant = validateTenant(parsed);
        const path = join(io.cwd, `Pulumi.${tenant.stack}.yaml`);
        const existing = await readIfExists(path);
        if (existing !== undefined && !parsed.force) {
            throw new UsageError(`Pulumi.${tenant.stack}.yaml already exists; pass --force to rewrite its configuration (its secrets provider and key are kept)`);
        }
        // One tenant, one stack: two stacks would fight over the same app registration and service user.
        for (const other of managedStacks(await readdir(io.cwd))) {
            if (other === tenant.stack) continue;
            if (tenantIdOf(await readFile(join(io.cwd, `Pulumi.${other}.yaml`), "utf8")) === tenant.config.tenantId) {
                throw new UsageError(`--tenant-id ${tenant.config.tenantId} is already managed by stack ${other} (Pulumi.${other}.yaml); one tenant has one stack`);
            }
        }
        await writeFile(path, stackFileText(tenant, existing === undefined ? [] : linesToKeep(existing)));
        io.stdout(bootstrapInstructions(tenant, parsed.repo));
        return EXIT.written;
    } catch (error) {
        if (error instanceof UsageError || error instanceof NewTenantError) {
            io.stderr(`${error.message}\n${error instanceof UsageError ? "Nothing was written. " : ""}Run with --help for usage.\n`);
            return EXIT.usage;
        }
        throw error;
    }
}

if (require.main === module) {
    runNewTenantCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() }).then(
        (code) => { process.exitCode = code; },
        (error: unknown) => {
            process.stderr.write(`Internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
            process.exitCode = EXIT.usage;
        },
    );
}
