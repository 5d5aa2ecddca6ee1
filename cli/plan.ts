// `npm run plan -- --stack NAME [--stack NAME ...] | --changed  [--base REF] [--at ISO-DATE]`: what `pulumi preview`
// would show for this change of each stack's Pulumi.<stack>.yaml, computed offline (planner/offlinePlan.ts): no
// credentials, no state, no network. Main's side is the base revision (default: the merge base of HEAD and
// origin/main, or main without a remote) and runs that revision's program when the program differs; this side is the
// working tree. Prints Markdown (the pull request's comment in tenants.yml).
// Exit codes: 0 planned, 1 the program stops or a step would fail with this change, 2 bad usage or input.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { invalidStackNames, managedStacks, STACK_NAME, STACK_NAME_RULE } from "../fleet/stacks";
import { offlinePlan, type PlanSide, type Program } from "../planner/offlinePlan";
import { planReport, type FileChange, type SecureChange, type StackPlan } from "../planner/planReport";
import { programFiles, programsDiffer, type ReadFile } from "../planner/programFiles";
import { parseStackFile, endsAdoption, programConfig, projectDefaults, StackFileError, type StackSettings } from "../planner/stackFile";
import { parseFlags, UsageError } from "./flags";

export const EXIT = { planned: 0, fails: 1, usage: 2 } as const;

export interface PlanCliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** The project root (where Pulumi.yaml and the stack files are), inside a git work tree. */
    cwd: string;
    now(): Date;
}

export const USAGE = `Usage: npm run plan -- (--stack NAME [--stack NAME ...] | --changed) [--base REF] [--at ISO-DATE]

  --stack NAME     plan this stack's Pulumi.<stack>.yaml (repeat for several)
  --changed        plan every stack whose Pulumi.<stack>.yaml this change adds, edits or removes, and every
                   stack when the program (index.ts and the files it imports) or Pulumi.yaml changed
  --base REF       main's side: a branch, tag or commit (default: the merge base of HEAD and origin/main, or of
                   HEAD and main when there is no origin/main); this side is the working tree
  --at ISO-DATE    run both sides at this instant (default: now)
  --help           show this help

It runs the real program against a model of the tenant, without credentials, state or network: it cannot see
drift or changes made by hand in a tenant, what main really deployed, whether the servicePrincipalOwners IDs are
the tenant's users or service principals (it assumes so), or the values of secure: settings.
Exit codes: 0 planned, 1 the program stops or a step would fail with this change, 2 bad usage or input.`;

const OPTIONS = "--stack, --changed, --base, --at, --help";

interface Parsed {
    stacks: readonly string[] | "changed";
    base?: string;
    at?: Date;
}

function parse(argv: readonly string[]): Parsed | "help" {
    const values = parseFlags(argv, {
        stack: { type: "string", multiple: true },
        changed: { type: "boolean" },
        base: { type: "string" },
        at: { type: "string" },
        help: { type: "boolean", short: "h" },
    }, `the options are ${OPTIONS}`);
    if (values.help) return "help";
    if (values.changed && values.stack !== undefined) throw new UsageError("--stack and --changed exclude each other: name the stacks or let the change choose them");
    if (!values.changed && values.stack === undefined) throw new UsageError("--stack NAME or --changed is required: which stacks to plan");
    for (const stack of values.stack ?? []) {
        if (!STACK_NAME.test(stack)) throw new UsageError(`--stack "${stack}" must be a stack name: ${STACK_NAME_RULE}`);
    }
    if (values.base !== undefined && (values.base === "" || values.base.startsWith("-"))) throw new UsageError(`--base "${values.base}" must be a git revision such as main, origin/main or a commit`);
    let at: Date | undefined;
    if (values.at !== undefined) {
        at = new Date(values.at);
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(values.at) || Number.isNaN(at.getTime())) {
            throw new UsageError(`--at "${values.at}" must be an ISO 8601 date-time with a time zone, such as 2026-11-27T10:00:00Z`);
        }
    }
    return { stacks: values.changed ? "changed" : [...new Set(values.stack)], base: values.base, at };
}

/** A git command in the project root; `ok` false when git exits non-zero. */
function git(cwd: string, args: readonly string[]): { ok: boolean; stdout: string } {
    const result = spawnSync("git", [...args], { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.error) throw new UsageError(`git could not be run (${(result.error as NodeJS.ErrnoException).code ?? result.error.name}): npm run plan reads main's side from git`);
    return { ok: result.status === 0, stdout: result.stdout };
}

/** The commit main's side is read from, and how the report names it. */
function resolveBase(cwd: string, requested: string | undefined): { commit: string; label: string } {
    if (!git(cwd, ["rev-parse", "--is-inside-work-tree"]).ok) throw new UsageError(`${cwd} is not inside a git work tree: npm run plan compares it with a git revision`);
    const commitOf = (ref: string) => {
        const found = git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
        return found.ok ? found.stdout.trim() : undefined;
    };
    if (requested !== undefined) {
        const commit = commitOf(requested);
        if (!commit) throw new UsageError(`--base "${requested}" is not a commit in this repository; fetch it first (e.g. git fetch origin main) or name another`);
        return { commit, label: `${requested} (${commit.slice(0, 12)})` };
    }
    for (const branch of ["origin/main", "main"]) {
        if (!commitOf(branch)) continue;
        const mergeBase = git(cwd, ["merge-base", "HEAD", branch]);
        if (!mergeBase.ok) throw new UsageError(`HEAD and ${branch} have no common commit (a shallow clone?): pass --base REF`);
        const commit = mergeBase.stdout.trim();
        return { commit, label: `the merge base with ${branch} (${commit.slice(0, 12)})` };
    }
    throw new UsageError("--base is required here: neither origin/main nor main exists in this repository");
}

function readWorkingTree(cwd: string): ReadFile {
    return (path) => {
        if (path.split("/").includes("node_modules")) return undefined;
        const full = join(cwd, path);
        try {
            return readFileSync(full, "utf8");
        } catch {
            return undefined;
        }
    };
}

function readCommit(cwd: string, commit: string): { read: ReadFile; files: Set<string> } {
    const listed = git(cwd, ["ls-tree", "-r", "-z", "--name-only", commit]);
    if (!listed.ok) throw new UsageError(`git ls-tree ${commit} failed: the base revision cannot be read`);
    const files = new Set(listed.stdout.split("\0").filter(Boolean));
    const cache = new Map<string, string | undefined>();
    const read: ReadFile = (path) => {
        if (!files.has(path)) return undefined;
        if (!cache.has(path)) {
            const shown = git(cwd, ["show", `${commit}:./${path}`]);
            cache.set(path, shown.ok ? shown.stdout : undefined);
        }
        return cache.get(path);
    };
    return { read, files };
}

function entryOf(read: ReadFile): string {
    const pkg = read("package.json");
    const main = pkg ? (JSON.parse(pkg) as { main?: string }).main : undefined;
    return (main ?? "index.ts").replace(/^\.\//, "");
}

/** The program's main function, loaded afresh: `files` (relative to `root`) leave Node's module cache first. */
function loadProgram(root: string, entry: string, files: Iterable<string>): Program {
    for (const file of files) delete require.cache[join(root, file)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(join(root, entry)) as Program | { default: Program };
    return typeof loaded === "function" ? loaded : loaded.default;
}

/**
 * Main's program, written out from the base commit beside this project's node_modules, so it runs with the
 * same packages (and the same @pulumi/pulumi module, which the mocks live in).
 */
function materialize(files: ReadonlyMap<string, string>, cwd: string): string {
    const dir = mkdtempSync(join(tmpdir(), "jtel-plan-base-"));
    for (const [path, text] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
    }
    symlinkSync(realpathSync(join(cwd, "node_modules")), join(dir, "node_modules"), "dir");
    return dir;
}

function stacksIn(names: readonly string[]): string[] {
    const stacks = managedStacks(names.filter((n) => !n.includes("/")));
    const bad = invalidStackNames(stacks);
    if (bad.length > 0) throw new UsageError(`Pulumi.${bad[0]}.yaml: a stack name must be ${STACK_NAME_RULE}; rename the file`);
    return stacks;
}

/** The settings, or why the file cannot be read (the plan reports it for that stack and goes on). */
function readSettings(text: string, file: string, project: string): StackSettings | StackFileError {
    try {
        return parseStackFile(text, file, project);
    } catch (error) {
        if (error instanceof StackFileError) return error;
        throw error;
    }
}

function secureChanges(project: string, base: Record<string, string>, head: Record<string, string>): SecureChange[] {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    return keys.map((key) => ({
        key: key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key,
        change: base[key] === undefined ? "added" : head[key] === undefined ? "removed" : base[key] === head[key] ? "unchanged" : "changed",
    }));
}

/** The whole command, in-process: returns the exit code; all output goes through `io`. */
export async function runPlanCli(argv: readonly string[], io: PlanCliIo): Promise<number> {
    let parsed: Parsed | "help";
    let baseDir: string | undefined;
    try {
        parsed = parse(argv);
        if (parsed === "help") {
            io.stdout(`${USAGE}\n`);
            return EXIT.planned;
        }
        const { cwd } = io;
        const base = resolveBase(cwd, parsed.base);
        const here = readWorkingTree(cwd);
        const there = readCommit(cwd, base.commit);
        const headProject = here("Pulumi.yaml");
        if (headProject === undefined) throw new UsageError(`no Pulumi.yaml in ${cwd}: run npm run plan in the project's root`);
        const baseProject = there.read("Pulumi.yaml");

        const headFiles = programFiles(entryOf(here), here);
        const baseFiles = programFiles(entryOf(there.read), there.read);
        const programChanged = programsDiffer(headFiles, baseFiles) || baseProject !== headProject;
        const dependenciesChanged = here("package-lock.json") !== there.read("package-lock.json");

        const headStacks = stacksIn(readdirSync(cwd));
        const baseStacks = stacksIn([...there.files]);
        const fileOf = (stack: string) => `Pulumi.${stack}.yaml`;
        let stacks: string[];
        if (parsed.stacks === "changed") {
            const all = [...new Set([...headStacks, ...baseStacks])].sort();
            stacks = programChanged ? all : all.filter((s) => here(fileOf(s)) !== there.read(fileOf(s)));
        } else {
            stacks = [...parsed.stacks];
            const missing = stacks.find((s) => here(fileOf(s)) === undefined && there.read(fileOf(s)) === undefined);
            if (missing) throw new UsageError(`--stack "${missing}" has no ${fileOf(missing)}, neither in the working tree nor at ${base.label}`);
        }

        const { project, defaults: headDefaults } = projectDefaults(headProject);
        const baseDefaults = baseProject === undefined ? headDefaults : projectDefaults(baseProject).defaults;
        const headProgram = stacks.length > 0 ? loadProgram(cwd, entryOf(here), headFiles.keys()) : undefined;
        let baseProgram = headProgram;
        if (stacks.length > 0 && programsDiffer(headFiles, baseFiles)) {
            baseDir = materialize(baseFiles, cwd);
            baseProgram = loadProgram(baseDir, entryOf(there.read), baseFiles.keys());
        }

        const at = parsed.at ?? io.now();
        const plans: StackPlan[] = [];
        for (const stack of stacks) {
            const [was, now] = [there.read(fileOf(stack)), here(fileOf(stack))];
            const file: FileChange = was === undefined ? "added" : now === undefined ? "removed" : was === now ? "unchanged" : "edited";
            if (now === undefined || (file === "unchanged" && !programChanged)) {
                plans.push({ stack, file, secure: [] });
                continue;
            }
            const headSettings = readSettings(now, fileOf(stack), project);
            const baseSettings = was === undefined ? undefined : readSettings(was, `${fileOf(stack)} at ${base.label}`, project);
            if (headSettings instanceof StackFileError || baseSettings instanceof StackFileError) {
                const [side, error] = headSettings instanceof StackFileError ? ["head", headSettings] as const : ["base", baseSettings as StackFileError] as const;
                plans.push({ stack, file, result: { outcome: "failed", side, message: error.message }, secure: [] });
                continue;
            }
            const side = (s: StackSettings, defaults: Record<string, string>, program: Program): PlanSide =>
                ({ config: programConfig(s, defaults), secretKeys: Object.keys(s.secure), program });
            const result = await offlinePlan({
                project, stack, now: at,
                head: side(headSettings, headDefaults, headProgram as Program),
                ...(baseSettings ? { base: side(baseSettings, baseDefaults, baseProgram as Program) } : {}),
            });
            plans.push({
                stack, file, result, secure: secureChanges(project, baseSettings?.secure ?? {}, headSettings.secure),
                ...(endsAdoption(project, baseSettings, headSettings) ? { adoptionEnds: true } : {}),
            });
        }
        const report = planReport(plans, { base: base.label, at, programChanged, dependenciesChanged });
        io.stdout(report.text);
        return report.failed ? EXIT.fails : EXIT.planned;
    } catch (error) {
        if (error instanceof UsageError || error instanceof StackFileError) {
            io.stderr(`${error.message}\n`);
            return EXIT.usage;
        }
        throw error;
    } finally {
        if (baseDir && existsSync(baseDir)) rmSync(baseDir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    runPlanCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), now: () => new Date() }).then(
        (code) => { process.exitCode = code; },
        (error: unknown) => {
            process.stderr.write(`Internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
            process.exitCode = EXIT.fails;
        },
    );
}
