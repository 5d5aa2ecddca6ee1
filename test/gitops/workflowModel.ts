// The GitHub Actions workflows as data: parsed YAML, the jobs an event would run (calls of reusable workflows
// expanded into the called jobs, in each preview mode), and the facts about pulumi steps that the workflow rules
// (workflows.test.ts) and the isolation proof (test/fleet/bootstrap.test.ts) read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";

export const root = join(__dirname, "..", "..");
export const workflowDir = join(root, ".github", "workflows");
export const scriptDir = join(root, ".github", "scripts");

export interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    shell?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

export interface Job {
    name?: string;
    /** A call of a reusable workflow (`./.github/workflows/x.yml`): the job runs that workflow's jobs. */
    uses?: string;
    with?: Record<string, unknown>;
    needs?: string | string[];
    if?: string;
    "runs-on"?: string | string[];
    environment?: string | { name: string };
    container?: string | { image: string; options?: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: string | Record<string, string>;
    strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: Record<string, unknown> };
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    steps?: Step[];
}

export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}

export type Workflows = Record<string, Workflow>;

export function workflowFiles(): string[] {
    return readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function loadWorkflows(): Workflows {
    return Object.fromEntries(workflowFiles().map((f) => [f, yaml.load(readFileSync(join(workflowDir, f), "utf8")) as Workflow]));
}

export function* eachJob(wfs: Workflows): Generator<{ file: string; id: string; job: Job }> {
    for (const [file, wf] of Object.entries(wfs)) for (const [id, job] of Object.entries(wf.jobs)) yield { file, id, job };
}

/** A job that calls a reusable workflow of this repository. */
export function isCall(job: Job): boolean {
    return typeof job.uses === "string" && job.uses.startsWith("./.github/workflows/");
}

/** The workflow file a call job runs, e.g. tenant-up.yml. */
export function calledFile(job: Job): string | undefined {
    return isCall(job) ? (job.uses as string).slice("./.github/workflows/".length) : undefined;
}

/** A workflow that only other workflows can start (`on: workflow_call` and nothing else). */
export function isReusable(wf: Workflow): boolean {
    return Object.keys(wf.on).join() === "workflow_call";
}

const LEVELS = ["none", "read", "write"];

/**
 * What a called job's token may do: its own permissions, never more than the calling job grants ("The GITHUB_TOKEN
 * permissions passed from the caller workflow can be only downgraded", docs.github.com, Reusing workflow
 * configurations).
 */
export function cappedPermissions(called: Record<string, string>, caller: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(called).map(([scope, level]) =>
        [scope, LEVELS[Math.min(LEVELS.indexOf(level), LEVELS.indexOf(caller[scope] ?? "none"))]]));
}

export function isPulumiAction(step: Step): boolean {
    return step.uses?.startsWith("pulumi/actions@") ?? false;
}

/** The pulumi command a pulumi/actions step runs; undefined for the install-only form. */
export function pulumiCommand(step: Step): string | undefined {
    return isPulumiAction(step) ? (step.with?.command as string | undefined) : undefined;
}

export const PROGRAM_COMMANDS = ["preview", "up", "refresh", "destroy"];

/** A step that runs the Pulumi program (and so the azuread provider). */
export function runsProgram(step: Step): boolean {
    return PROGRAM_COMMANDS.includes(pulumiCommand(step) ?? "");
}

/**
 * pulumi/actions commands that take the stack's lock on a self-managed (diy) backend. pulumi/pulumi
 * pkg/backend/diy/backend.go: Update, Refresh and Destroy call b.Lock; Preview does not (and neither does a
 * preview-only refresh or destroy, which pulumi/actions does not run).
 */
export const LOCKING_COMMANDS = ["up", "refresh", "destroy"];

export function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

export function permissionsOf(job: Job): Record<string, string> {
    return typeof job.permissions === "object" ? job.permissions : {};
}

/** deploy: tenant-<stack> (main only); preview: -preview (reviewed); drift: -drift (main only). The stack comes
 * from the matrix (tenants.yml, drift.yml) or from a dispatch input (oidc-subject.yml). */
export function environmentKind(env: string): "deploy" | "preview" | "drift" | undefined {
    const match = /^tenant-\$\{\{ (?:matrix|inputs)\.stack \}\}(-preview|-drift)?$/.exec(env);
    if (!match) return undefined;
    return match[1] === "-preview" ? "preview" : match[1] === "-drift" ? "drift" : "deploy";
}

/** The audience .github/scripts/oidc-subject.sh asks GitHub for: no federated credential accepts it (api://AzureADTokenExchange). */
export const SUBJECT_PROBE_AUDIENCE = "jtel-presence-oidc-subject";
export const SUBJECT_PROBE_RUN = "bash .github/scripts/oidc-subject.sh";

/**
 * A job of oidc-subject.yml: it requests an OIDC token only to print its `sub`, for an audience no identity
 * accepts, and runs nothing else (a checkout and the probe script), so its token opens nothing.
 */
export function printsSubjectOnly(job: Job): boolean {
    const steps = job.steps ?? [];
    const probe = (s: Step) => s.run?.trim() === SUBJECT_PROBE_RUN;
    return steps.some(probe) && steps.every((s) => probe(s) || (s.uses?.startsWith("actions/checkout@") ?? false));
}

export function concurrencyGroup(job: Job): string | undefined {
    return typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
}

/** Every string anywhere in a value, for scans that must not depend on where a reference sits. */
export function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
}

// GitHub expressions in job `if:` conditions, evaluated for a simulated event. Only comparisons, && and ||
// on github/needs/inputs/vars and always() are supported; anything else throws, so a new construct is noticed.
export interface EventContext {
    github: { event_name: string; ref: string; repository: string; event: Record<string, unknown> };
    needs: Record<string, { outputs: Record<string, string>; result: string }>;
    inputs: Record<string, string>;
    /** Repository variables; an unset one reads as "" (docs.github.com, Contexts reference, vars context). */
    vars: Record<string, string>;
}

/** The same event in a repository whose variables are `vars`. */
export function withVars(ctx: EventContext, vars: Record<string, string>): EventContext {
    return { ...ctx, vars };
}

/**
 * Whether a job runs. Without a status function (always(), success(), failure(), cancelled()) GitHub adds
 * success(): the job is skipped unless every job it needs succeeded (docs.github.com, Expressions, status check
 * functions).
 */
export function evaluate(expression: string | undefined, ctx: EventContext, needs: readonly string[] = []): boolean {
    const statusChecked = /\b(always|success|failure|cancelled)\(\)/.test(expression ?? "");
    if (!statusChecked && needs.some((n) => ctx.needs[n] !== undefined && ctx.needs[n].result !== "success")) return false;
    if (expression === undefined) return true;
    const js = expression.replace(/^\s*\$\{\{|\}\}\s*$/g, "").replace(/\s+/g, " ").replace(/ == /g, " === ").replace(/ != /g, " !== ");
    if (!/^[\w\s.'/[\]=!&|()-]+$/.test(js) || /\b(?!github|needs|inputs|vars|always)[a-zA-Z_]+\(/.test(js)) {
        throw new Error(`unsupported job condition: ${expression}`);
    }
    const vars = new Proxy(ctx.vars, { get: (target, key) => (typeof key === "string" ? target[key] ?? "" : undefined) });
    return Boolean(new Function("github", "needs", "inputs", "vars", "always", `return (${js});`)(ctx.github, ctx.needs, ctx.inputs, vars, () => true));
}

export const REPO = "jtel/jtel-teams-presence";

/**
 * The repository variable PREVIEW_MODE, which the bootstrap sets: `reviewed` where GitHub offers required reviewers
 * on environments (a public repository, or GitHub Enterprise), `offline-plan` elsewhere; unset means offline-plan.
 */
export const PREVIEW_MODES = {
    reviewed: { PREVIEW_MODE: "reviewed" },
    "offline-plan": { PREVIEW_MODE: "offline-plan" },
    unset: {},
} as const satisfies Record<string, Record<string, string>>;
export type PreviewMode = keyof typeof PREVIEW_MODES;

const SHARDS = JSON.stringify([{ index: 1, stacks: ["contoso"] }]);

export function context(event: string, ref: string, extra: Record<string, unknown> = {}, mode: PreviewMode = "unset"): EventContext {
    return {
        github: { event_name: event, ref, repository: REPO, event: extra },
        needs: {
            stacks: { outputs: { shards: SHARDS }, result: "success" },
            up: { outputs: {}, result: "success" },
            plan: { outputs: {}, result: "success" },
        },
        inputs: {},
        vars: { ...PREVIEW_MODES[mode] },
    };
}

/** The same event in another preview mode. */
export function inMode(ctx: EventContext, mode: PreviewMode): EventContext {
    return { ...ctx, vars: { ...PREVIEW_MODES[mode] } };
}

const PR_FROM = (repo: string, n: number) => ({ pull_request: { number: n, head: { repo: { full_name: repo } } } });
/** Pull requests with PREVIEW_MODE unset: the credential-free default. */
export const SAME_REPO_PR = context("pull_request", "refs/pull/7/merge", PR_FROM(REPO, 7));
export const FORK_PR = context("pull_request", "refs/pull/8/merge", PR_FROM("someone/fork", 8));
export const PUSH_MAIN = context("push", "refs/heads/main");
export const PUSH_BRANCH = context("push", "refs/heads/feature");
export const SCHEDULE = context("schedule", "refs/heads/main");
export const DISPATCH_MAIN = context("workflow_dispatch", "refs/heads/main");
export const DISPATCH_BRANCH = context("workflow_dispatch", "refs/heads/feature");
const EVENTS = [SAME_REPO_PR, FORK_PR, PUSH_MAIN, PUSH_BRANCH, SCHEDULE, DISPATCH_MAIN, DISPATCH_BRANCH];
/** Every event in every preview mode. */
export const ALL_CONTEXTS = (Object.keys(PREVIEW_MODES) as PreviewMode[]).flatMap((mode) => EVENTS.map((ctx) => inMode(ctx, mode)));
/** The events whose jobs may hold no tenant credential: pull requests, unless PREVIEW_MODE is reviewed. */
export const CREDENTIAL_FREE_CONTEXTS = (["offline-plan", "unset"] as const).flatMap((mode) => [SAME_REPO_PR, FORK_PR].map((ctx) => inMode(ctx, mode)));

/** Whether a workflow's `on:` admits the event for this ref (push branch filters included). */
export function triggers(wf: Workflow, ctx: EventContext): boolean {
    if (!(ctx.github.event_name in wf.on)) return false;
    const filter = wf.on[ctx.github.event_name] as { branches?: string[] } | null;
    if (ctx.github.event_name === "push" && filter?.branches) return filter.branches.some((b) => ctx.github.ref === `refs/heads/${b}`);
    return true;
}

/** A job that an event runs: `file` holds it, `root` is the workflow the event started (the caller of a reusable one). */
export interface RunningJob {
    file: string;
    id: string;
    /** For a called workflow's job, its permissions as capped by the calling job. */
    job: Job;
    root: string;
}

/**
 * The jobs that would run for an event (needs assumed to succeed). A call of a reusable workflow stands for that
 * workflow's jobs, which run in the caller's run with the caller's event.
 */
export function jobsFor(wfs: Workflows, ctx: EventContext): RunningJob[] {
    const expand = (file: string, root: string, cap: Record<string, string> | undefined): RunningJob[] =>
        Object.entries(wfs[file]?.jobs ?? {}).filter(([, job]) => evaluate(job.if, ctx, job.needs === undefined ? [] : [job.needs].flat())).flatMap(([id, job]): RunningJob[] => {
            const own = permissionsOf(job);
            const permissions = cap ? cappedPermissions(own, cap) : own;
            if (isCall(job)) return expand(calledFile(job) as string, root, permissions);
            return [{ file, id, root, job: cap ? { ...job, permissions } : job }];
        });
    return Object.keys(wfs).filter((file) => triggers(wfs[file], ctx)).flatMap((file) => expand(file, file, undefined));
}

/** The pulumi commands an event runs, as "file job command" (file: the workflow that holds the job). */
export function commandsFor(wfs: Workflows, ctx: EventContext): string[] {
    return jobsFor(wfs, ctx).flatMap(({ file, id, job }) =>
        (job.steps ?? []).filter(runsProgram).map((step) => `${file} ${id} ${pulumiCommand(step)}`));
}

export function upJobs(wfs: Workflows): { file: string; id: string; job: Job }[] {
    return [...eachJob(wfs)].filter(({ job }) => (job.steps ?? []).some((s) => pulumiCommand(s) === "up"));
}
