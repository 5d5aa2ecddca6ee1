// The GitHub Actions workflows that run this repository as the GitOps source for every customer tenant.
// Each rule is a pure function from the parsed workflows to a list of violations, so the rules are
// checked against the real files and, under "each rule can fail", against broken copies of them.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";

const root = join(__dirname, "..", "..");
const workflowDir = join(root, ".github", "workflows");
const scriptDir = join(root, ".github", "scripts");

interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    shell?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: string | Record<string, string>;
    strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    steps?: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}

type Workflows = Record<string, Workflow>;

function loadWorkflows(): Workflows {
    const files = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    return Object.fromEntries(files.map((f) => [f, yaml.load(readFileSync(join(workflowDir, f), "utf8")) as Workflow]));
}

const workflows = loadWorkflows();

/** Majors checked against each action's releases (node24 runtimes); bumping one is a one-line change here. */
const PINNED_ACTIONS: Record<string, string> = {
    "actions/checkout": "v7",
    "actions/setup-node": "v7",
    "azure/login": "v3",
    "pulumi/actions": "v7",
};
/** The only stored secret: the state passphrase, for stacks that do not use an azurekeyvault:// provider. */
const ALLOWED_SECRETS = ["PULUMI_CONFIG_PASSPHRASE"];
const PROGRAM_COMMANDS = ["preview", "up", "refresh", "destroy"];

// ---------------------------------------------------------------------------------------------------------
// Reading workflows

function* eachJob(wfs: Workflows): Generator<{ file: string; id: string; job: Job }> {
    for (const [file, wf] of Object.entries(wfs)) for (const [id, job] of Object.entries(wf.jobs)) yield { file, id, job };
}

function isPulumiAction(step: Step): boolean {
    return step.uses?.startsWith("pulumi/actions@") ?? false;
}

/** The pulumi command a pulumi/actions step runs; undefined for the install-only form. */
function pulumiCommand(step: Step): string | undefined {
    return isPulumiAction(step) ? (step.with?.command as string | undefined) : undefined;
}

/** A step that runs the Pulumi program (and so the azuread provider). */
function runsProgram(step: Step): boolean {
    return PROGRAM_COMMANDS.includes(pulumiCommand(step) ?? "");
}

/** Any step that needs the Pulumi CLI or runs the program. */
function usesPulumi(step: Step): boolean {
    return isPulumiAction(step) || /(^|[\s|;&(])pulumi\s/m.test(step.run ?? "");
}

function runsNpmCi(step: Step): boolean {
    return /^npm ci\b/m.test(step.run ?? "");
}

function stepLabel(file: string, jobId: string, step: Step, index: number): string {
    return `${file} ${jobId} step ${index + 1} (${step.name ?? step.id ?? step.uses ?? step.run?.split("\n")[0]})`;
}

function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

function permissionsOf(job: Job): Record<string, string> {
    return typeof job.permissions === "object" ? job.permissions : {};
}

/** Every string anywhere in a value, for scans that must not depend on where a reference sits. */
function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
}

// GitHub expressions in job `if:` conditions, evaluated for a simulated event. Only comparisons, && and ||
// on github/needs/inputs are supported; anything else throws, so a new construct is noticed, not guessed.
interface EventContext {
    github: { event_name: string; ref: string; repository: string; event: Record<string, unknown> };
    needs: Record<string, { outputs: Record<string, string> }>;
    inputs: Record<string, string>;
}

function evaluate(expression: string | undefined, ctx: EventContext): boolean {
    if (expression === undefined) return true;
    const js = expression.replace(/^\s*\$\{\{|\}\}\s*$/g, "").replace(/\s+/g, " ").replace(/ == /g, " === ").replace(/ != /g, " !== ");
    if (!/^[\w\s.'/[\]=!&|()-]+$/.test(js) || /\b(?!github|needs|inputs)[a-zA-Z_]+\(/.test(js)) {
        throw new Error(`unsupported job condition: ${expression}`);
    }
    return Boolean(new Function("github", "needs", "inputs", `return (${js});`)(ctx.github, ctx.needs, ctx.inputs));
}

const REPO = "jtel/jtel-teams-presence";

function context(event: string, ref: string, extra: Record<string, unknown> = {}): EventContext {
    return {
        github: { event_name: event, ref, repository: REPO, event: extra },
        needs: { stacks: { outputs: { stacks: '["contoso"]' } } },
        inputs: {},
    };
}

const SAME_REPO_PR = context("pull_request", "refs/pull/7/merge", { pull_request: { number: 7, head: { repo: { full_name: REPO } } } });
const FORK_PR = context("pull_request", "refs/pull/8/merge", { pull_request: { number: 8, head: { repo: { full_name: "someone/fork" } } } });
const PUSH_MAIN = context("push", "refs/heads/main");
const SCHEDULE = context("schedule", "refs/heads/main");
const DISPATCH_MAIN = context("workflow_dispatch", "refs/heads/main");
const DISPATCH_BRANCH = context("workflow_dispatch", "refs/heads/feature");

/** The jobs that would run for an event (needs assumed to succeed). */
function jobsFor(wfs: Workflows, ctx: EventContext): { file: string; id: string; job: Job }[] {
    return [...eachJob(wfs)].filter(({ file, job }) => ctx.github.event_name in wfs[file].on && evaluate(job.if, ctx));
}

/** The pulumi commands an event runs, as "file job command". */
function commandsFor(wfs: Workflows, ctx: EventContext): string[] {
    return jobsFor(wfs, ctx).flatMap(({ file, id, job }) =>
        (job.steps ?? []).filter(runsProgram).map((step) => `${file} ${id} ${pulumiCommand(step)}`));
}

function upJobs(wfs: Workflows): { file: string; id: string; job: Job }[] {
    return [...eachJob(wfs)].filter(({ job }) => (job.steps ?? []).some((s) => pulumiCommand(s) === "up"));
}

function concurrencyGroup(job: Job): string | undefined {
    return typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group;
}

// ---------------------------------------------------------------------------------------------------------
// Rules: each returns what is wrong, in words a reviewer can act on.

const rules = {
    pinnedMajors(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                if (step.uses === undefined || step.uses.startsWith("./")) return;
                const [action, ref] = step.uses.split("@");
                if (PINNED_ACTIONS[action] === undefined) out.push(`${stepLabel(file, id, step, i)}: ${action} is not a reviewed action`);
                else if (ref !== PINNED_ACTIONS[action]) out.push(`${stepLabel(file, id, step, i)}: ${step.uses} should be pinned to @${PINNED_ACTIONS[action]}`);
            });
        }
        return out;
    },

    npmCiBeforePulumi(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            const steps = job.steps ?? [];
            const firstPulumi = steps.findIndex(usesPulumi);
            if (firstPulumi < 0) continue;
            if (!steps.slice(0, firstPulumi).some(runsNpmCi)) out.push(`${stepLabel(file, id, steps[firstPulumi], firstPulumi)}: no npm ci before it (pulumi/actions installs nothing)`);
        }
        return out;
    },

    oidcOnly(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            const steps = job.steps ?? [];
            const needsAzure = steps.some((s) => runsProgram(s) || s.uses?.startsWith("azure/login@"));
            if (needsAzure && permissionsOf(job)["id-token"] !== "write") out.push(`${file} ${id}: signs in to Azure without permissions id-token: write`);
            steps.forEach((step, i) => {
                if (!step.uses?.startsWith("azure/login@")) return;
                const inputs = Object.keys(step.with ?? {}).sort();
                if (inputs.join() !== "client-id,subscription-id,tenant-id") out.push(`${stepLabel(file, id, step, i)}: azure/login inputs ${inputs.join()} (expected OIDC: client-id, tenant-id, subscription-id)`);
                for (const value of strings(step.with)) if (!/^\$\{\{ vars\.[A-Z_]+ \}\}$/.test(value)) out.push(`${stepLabel(file, id, step, i)}: azure/login takes "${value}", not a repository or environment variable`);
            });
            const firstPulumi = steps.findIndex(usesPulumi);
            const login = steps.findIndex((s) => s.uses?.startsWith("azure/login@") ?? false);
            if (firstPulumi >= 0 && (login < 0 || login > firstPulumi)) {
                out.push(`${file} ${id}: azure/login must come before the first pulumi step (the azblob:// backend and azurekeyvault:// use its session)`);
            }
        }
        return out;
    },

    noStoredCredentials(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const [file, wf] of Object.entries(wfs)) {
            for (const text of strings(wf)) {
                for (const match of text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) {
                    const name = match[1];
                    if (/CLIENT_SECRET|PASSWORD|CREDENTIAL|CERTIFICATE/i.test(name) || !ALLOWED_SECRETS.includes(name)) out.push(`${file}: references secrets.${name}`);
                }
            }
            for (const { id, job } of eachJob({ [file]: wf })) {
                for (const env of [wf.env, job.env, ...(job.steps ?? []).map((s) => s.env)]) {
                    for (const key of Object.keys(env ?? {})) {
                        if (/CLIENT_SECRET|CLIENT_CERTIFICATE|PASSWORD/.test(key)) out.push(`${file} ${id}: sets ${key}`);
                    }
                }
            }
        }
        return out;
    },

    armOidcOnProgramSteps(wfs: Workflows): string[] {
        const expected: Record<string, string> = {
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
            ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
        };
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                if (!runsProgram(step)) return;
                for (const [key, value] of Object.entries(expected)) {
                    if (step.env?.[key] !== value) out.push(`${stepLabel(file, id, step, i)}: ${key} is ${JSON.stringify(step.env?.[key])}, expected ${value}`);
                }
            });
        }
        return out;
    },

    dailyScheduledUp(wfs: Workflows): string[] {
        const crons = Object.entries(wfs).flatMap(([file, wf]) =>
            ((wf.on.schedule as { cron: string }[] | undefined) ?? []).map((s) => ({ file, cron: s.cron })));
        const daily = crons.filter(({ cron }) => {
            const [minute, hour, dom, month, dow] = cron.trim().split(/\s+/);
            return /^\d+$/.test(minute) && /^\d+$/.test(hour) && dom === "*" && month === "*" && dow === "*";
        });
        const ups = commandsFor(wfs, SCHEDULE).filter((c) => c.endsWith(" up"));
        const out: string[] = [];
        for (const { file } of daily) if (!ups.some((c) => c.startsWith(`${file} `))) out.push(`${file}: its daily schedule runs no pulumi up`);
        if (!daily.some(({ file }) => ups.some((c) => c.startsWith(`${file} `)))) out.push("no workflow runs pulumi up on a daily schedule");
        return out;
    },

    oneUpPerTenant(wfs: Workflows): string[] {
        const out: string[] = [];
        const ups = upJobs(wfs);
        if (ups.length === 0) out.push("no job runs pulumi up");
        for (const { file, id, job } of ups) {
            const group = concurrencyGroup(job);
            const cancel = typeof job.concurrency === "object" ? job.concurrency["cancel-in-progress"] : undefined;
            if (group === undefined || !group.includes("${{ matrix.stack }}")) out.push(`${file} ${id}: concurrency group ${group} is not per stack`);
            // Anything run- or trigger-specific in the group would let two triggers update one tenant at once.
            else if (/github\.(run_id|run_number|sha|ref|event|head_ref)|pull_request/.test(group)) out.push(`${file} ${id}: concurrency group ${group} differs between runs`);
            if (cancel !== false) out.push(`${file} ${id}: cancel-in-progress is ${cancel}, must be false: a cancelled up can leave a tenant half-rotated`);
            for (const other of eachJob(wfs)) {
                if (other.job !== job && concurrencyGroup(other.job) === group) out.push(`${other.file} ${other.id} shares ${group}: a queued run of it would cancel a pending up`);
            }
        }
        return out;
    },

    perStackMatrix(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            if (!(job.steps ?? []).some(runsProgram)) continue;
            if (job.strategy?.["fail-fast"] !== false) out.push(`${file} ${id}: fail-fast must be false (one tenant's failure must not stop the others)`);
            if (job.strategy?.matrix?.stack !== "${{ fromJSON(needs.stacks.outputs.stacks) }}") out.push(`${file} ${id}: the matrix must come from the stacks job`);
            if (!environmentName(job)?.includes("${{ matrix.stack }}")) out.push(`${file} ${id}: environment ${environmentName(job)} is not per stack`);
        }
        const stackJobs = [...eachJob(wfs)].filter(({ job }) => job.strategy?.matrix?.stack !== undefined);
        for (const { file, id, job } of stackJobs) {
            const producer = wfs[file].jobs[String(job.needs)];
            if (!producer?.steps?.some((s) => s.run?.includes("bash .github/scripts/list-stacks.sh"))) out.push(`${file} ${id}: its stacks do not come from .github/scripts/list-stacks.sh`);
        }
        return out;
    },

    noSecretsPrinted(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            const steps = job.steps ?? [];
            const pulumiIds = steps.filter((s) => isPulumiAction(s) && s.id !== undefined).map((s) => s.id as string);
            steps.forEach((step, i) => {
                const label = stepLabel(file, id, step, i);
                for (const text of strings(step)) if (/show-secrets/.test(text)) out.push(`${label}: passes --show-secrets`);
                if (step.with?.["show-secrets"] !== undefined) out.push(`${label}: sets show-secrets`);
                const secretEnv = Object.entries(step.env ?? {}).filter(([, v]) => String(v).includes("secrets.")).map(([k]) => k);
                for (const line of (step.run ?? "").split("\n")) {
                    if (/^\s*set\s+-[a-z]*x/.test(line) && secretEnv.length > 0) out.push(`${label}: set -x would print ${secretEnv.join(", ")}`);
                    if (/\b(echo|printf|cat)\b/.test(line) && secretEnv.some((k) => new RegExp(`\\$\\{?${k}\\b`).test(line))) out.push(`${label}: prints a secret: ${line.trim()}`);
                    if (/\b(echo|printf)\b/.test(line) && /secrets\./.test(line)) out.push(`${label}: prints a secret: ${line.trim()}`);
                }
                // pulumi/actions sets every stack output, the handoff included, as a step output.
                for (const text of strings(step)) {
                    for (const sid of pulumiIds) if (new RegExp(`steps\\.${sid}\\.outputs\\.`).test(text)) out.push(`${label}: reads steps.${sid}.outputs, which carry the handoff`);
                }
            });
            for (const text of strings(job.outputs)) {
                for (const sid of pulumiIds) if (text.includes(`steps.${sid}.outputs`)) out.push(`${file} ${id}: job output forwards steps.${sid}.outputs`);
            }
        }
        return out;
    },

    pullRequestsOnlyPreview(wfs: Workflows): string[] {
        const out: string[] = [];
        const commands = commandsFor(wfs, SAME_REPO_PR);
        if (!commands.some((c) => c.endsWith(" preview"))) out.push("a pull request runs no pulumi preview");
        for (const c of commands) if (!c.endsWith(" preview")) out.push(`a pull request runs ${c}`);
        const deployEnvironments = new Set(upJobs(wfs).map(({ job }) => environmentName(job)));
        for (const { file, id, job } of jobsFor(wfs, SAME_REPO_PR)) {
            const env = environmentName(job);
            if (env !== undefined && deployEnvironments.has(env)) out.push(`${file} ${id}: a pull request gets the deploy environment ${env}`);
            for (const [i, step] of (job.steps ?? []).entries()) {
                if (pulumiCommand(step) !== "preview") continue;
                if (String(step.with?.["comment-on-pr"]) !== "true") out.push(`${stepLabel(file, id, step, i)}: comment-on-pr must be true`);
                if (step.with?.policyPacks !== "policy") out.push(`${stepLabel(file, id, step, i)}: policyPacks must be policy`);
            }
        }
        for (const c of commandsFor(wfs, FORK_PR)) out.push(`a fork's pull request runs ${c} (forks get no OIDC token)`);
        for (const [ctx, what] of [[DISPATCH_BRANCH, "a dispatch from a feature branch"]] as const) {
            for (const c of commandsFor(wfs, ctx)) if (c.endsWith(" up")) out.push(`${what} runs ${c}`);
        }
        for (const { file, id, job } of eachJob(wfs)) {
            if (permissionsOf(job)["pull-requests"] === "write" && !(job.steps ?? []).some((s) => String(s.with?.["comment-on-pr"]) === "true")) {
                out.push(`${file} ${id}: pull-requests: write without commenting`);
            }
        }
        return out;
    },

    leastPrivilegeToken(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const [file, wf] of Object.entries(wfs)) {
            if (JSON.stringify(wf.permissions) !== JSON.stringify({ contents: "read" })) out.push(`${file}: workflow permissions must be { contents: read }`);
            for (const { id, job } of eachJob({ [file]: wf })) {
                const usesAzure = (job.steps ?? []).some((s) => s.uses?.startsWith("azure/login@") || runsProgram(s));
                if (permissionsOf(job)["id-token"] === "write" && !usesAzure) out.push(`${file} ${id}: id-token: write but no Azure sign-in`);
            }
        }
        return out;
    },

    untrustedValuesViaEnv(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                if (step.run?.includes("${{")) out.push(`${stepLabel(file, id, step, i)}: interpolates \${{ }} into a script; pass it through env`);
            });
        }
        return out;
    },

    secretsStayOutOfInstalls(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const [file, wf] of Object.entries(wfs)) {
            if (strings(wf.env).some((v) => v.includes("secrets."))) out.push(`${file}: workflow env exposes a secret to every step`);
            for (const { id, job } of eachJob({ [file]: wf })) {
                if (strings(job.env).some((v) => v.includes("secrets."))) out.push(`${file} ${id}: job env exposes a secret to npm ci's install scripts`);
                (job.steps ?? []).forEach((step, i) => {
                    if (runsNpmCi(step) && strings(step.env).some((v) => v.includes("secrets."))) out.push(`${stepLabel(file, id, step, i)}: npm ci sees a secret`);
                });
            }
        }
        return out;
    },
};

type RuleName = keyof typeof rules;

function assertRule(name: RuleName, wfs: Workflows = workflows): void {
    assert.deepEqual(rules[name](wfs), [], `rule ${name}`);
}

function clone(): Workflows {
    return structuredClone(workflows);
}

function step(wfs: Workflows, file: string, job: string, match: (s: Step) => boolean): Step {
    const found = wfs[file].jobs[job].steps?.find(match);
    assert.ok(found, `${file} ${job} has the step to mutate`);
    return found;
}

// ---------------------------------------------------------------------------------------------------------

describe("the GitOps workflows", () => {
    it("has the CI, tenant and drift workflows", () => {
        assert.deepEqual(Object.keys(workflows), ["ci.yml", "drift.yml", "tenants.yml"]);
    });

    it("pins every action to a reviewed major version", () => assertRule("pinnedMajors"));
    it("runs npm ci before any pulumi step", () => assertRule("npmCiBeforePulumi"));
    it("signs in to Azure with OIDC only (id-token: write, azure/login from variables)", () => assertRule("oidcOnly"));
    it("references no stored client secret, password or credentials", () => assertRule("noStoredCredentials"));
    it("sets ARM_USE_OIDC, ARM_CLIENT_ID and ARM_TENANT_ID on every step that runs the program", () => assertRule("armOidcOnProgramSteps"));
    it("runs pulumi up on a daily schedule, so secrets rotate after each boundary", () => assertRule("dailyScheduledUp"));
    it("never runs two ups on one tenant and never cancels a running up", () => assertRule("oneUpPerTenant"));
    it("runs each stack in its own environment, with fail-fast off", () => assertRule("perStackMatrix"));
    it("never passes --show-secrets, prints a secret or reads the handoff from step outputs", () => assertRule("noSecretsPrinted"));
    it("only previews pull requests, with the policy pack and a comment, and never from forks", () => assertRule("pullRequestsOnlyPreview"));
    it("grants the token contents: read, and id-token: write only where Azure is signed in to", () => assertRule("leastPrivilegeToken"));
    it("passes expressions to scripts through env, never by interpolation", () => assertRule("untrustedValuesViaEnv"));
    it("keeps secrets away from npm ci and other steps that do not need them", () => assertRule("secretsStayOutOfInstalls"));

    it("updates every stack on push to main, on schedule and on dispatch from main", () => {
        for (const ctx of [PUSH_MAIN, SCHEDULE, DISPATCH_MAIN]) {
            assert.deepEqual(commandsFor({ "tenants.yml": workflows["tenants.yml"] }, ctx), ["tenants.yml up up"], ctx.github.event_name);
        }
        assert.deepEqual(workflows["tenants.yml"].on.push, { branches: ["main"] });
        const input = (workflows["tenants.yml"].on.workflow_dispatch as { inputs: Record<string, { required: boolean }> }).inputs;
        assert.deepEqual(Object.keys(input), ["stack"]);
        assert.equal(input.stack.required, false);
    });

    it("gives pull requests the read-only preview environment and main the deploy environment", () => {
        const jobs = workflows["tenants.yml"].jobs;
        assert.equal(environmentName(jobs.up), "tenant-${{ matrix.stack }}");
        assert.equal(environmentName(jobs.preview), "tenant-${{ matrix.stack }}-preview");
        assert.equal(environmentName(workflows["drift.yml"].jobs.drift), "tenant-${{ matrix.stack }}-preview");
        assert.deepEqual(permissionsOf(jobs.preview), { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepEqual(permissionsOf(jobs.up), { contents: "read", "id-token": "write" });
    });

    it("references the policy pack that exists at policy/", () => {
        assert.ok(existsSync(join(root, "policy", "PulumiPolicy.yaml")), "policy/PulumiPolicy.yaml");
        assert.equal(step(workflows, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").with?.policyPacks, "policy");
    });

    it("checks drift weekly with --refresh and --expect-no-changes, after asking whether a rotation is overdue", () => {
        const [minute, hour, dom, month, dow] = (workflows["drift.yml"].on.schedule as { cron: string }[])[0].cron.split(" ");
        assert.deepEqual([dom, month, dow], ["*", "*", "1"]);
        const upHour = Number((workflows["tenants.yml"].on.schedule as { cron: string }[])[0].cron.split(" ")[1]);
        assert.ok(Number(hour) > upHour && /^\d+$/.test(minute), "drift runs after the daily up");
        const steps = workflows["drift.yml"].jobs.drift.steps ?? [];
        const preview = steps.findIndex((s) => pulumiCommand(s) === "preview");
        assert.deepEqual({ refresh: steps[preview].with?.refresh, expect: steps[preview].with?.["expect-no-changes"] }, { refresh: true, expect: true });
        const due = steps.findIndex((s) => s.run?.includes("rotation-due.sh") ?? false);
        assert.ok(due >= 0 && due < preview, "the rotation check runs before the preview");
        assert.deepEqual(commandsFor({ "drift.yml": workflows["drift.yml"] }, SCHEDULE), ["drift.yml drift preview"]);
    });
});

describe("the CI workflow", () => {
    const ciRun = readFileSync(join(root, ".ci", "run"), "utf8").split("\n").map((l) => l.trim())
        // The jq and curl install lines are for bare CI machines; GitHub's runners ship both.
        .filter((l) => l !== "" && !l.startsWith("#") && !/^(set|cd)\s/.test(l) && !/^command -v (jq|curl) /.test(l));
    const job = workflows["ci.yml"].jobs.test;

    it("runs the same commands as .ci/run, ending with the README's test command", () => {
        assert.deepEqual(ciRun, ["npm ci --no-audit --no-fund", "npm test"]);
        assert.deepEqual((job.steps ?? []).filter((s) => s.run !== undefined).map((s) => s.run?.trim()), ciRun);
        const quickStart = readFileSync(join(root, "README.md"), "utf8").split("## Quick start")[1].split("\n## ")[0];
        assert.match(quickStart, /^npm test\b/m);
        const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        assert.ok(scripts.test, "package.json has a test script");
    });

    it("runs on pull requests and pushes to main with Node 20 and the npm cache", () => {
        assert.deepEqual(Object.keys(workflows["ci.yml"].on).sort(), ["pull_request", "push"]);
        const setup = step(workflows, "ci.yml", "test", (s) => s.uses?.startsWith("actions/setup-node@") ?? false);
        assert.deepEqual(setup.with, { "node-version": 20, cache: "npm" });
    });

    it("uses Node 20 wherever the program runs", () => {
        for (const { job: j } of eachJob(workflows)) {
            for (const s of j.steps ?? []) if (s.uses?.startsWith("actions/setup-node@")) assert.equal(s.with?.["node-version"], 20);
        }
    });
});

describe("the workflow scripts", () => {
    let dir: string;
    // GitHub's runners and .ci/run have jq; only a developer machine without it reports these as pending.
    before(function () {
        if (spawnSync("jq", ["--version"]).status === 0) return;
        if (process.env.CI) throw new Error("jq is missing: .ci/run installs it, and CI must not skip these tests");
        this.skip();
    });
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "gitops-")); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function listStacks(files: string[], requested?: string): { status: number | null; stdout: string; stderr: string } {
        for (const f of files) writeFileSync(join(dir, f), "config: {}\n");
        const result = spawnSync("bash", [join(scriptDir, "list-stacks.sh"), dir], { encoding: "utf8", env: { ...process.env, REQUESTED_STACK: requested ?? "" } });
        return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
    }

    it("lists one stack per Pulumi.<stack>.yaml, leaving out Pulumi.dev.yaml and Pulumi.yaml", () => {
        assert.deepEqual(listStacks(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.fabrikam.yaml", "Pulumi.contoso.yaml"]), { status: 0, stdout: '["contoso","fabrikam"]', stderr: "" });
    });

    it("lists no stacks as [] so the matrix jobs are skipped", () => {
        assert.deepEqual(listStacks(["Pulumi.yaml", "Pulumi.dev.yaml"]).stdout, "[]");
    });

    it("narrows to the dispatched stack and rejects one that is not managed", () => {
        assert.equal(listStacks(["Pulumi.contoso.yaml", "Pulumi.fabrikam.yaml"], "fabrikam").stdout, '["fabrikam"]');
        const unknown = listStacks(["Pulumi.contoso.yaml"], "dev");
        assert.equal(unknown.status, 1);
        assert.match(unknown.stderr, /::error::.*no managed stack.*managed: contoso/);
        assert.equal(listStacks(["Pulumi.contoso.yaml"], "contoso; rm -rf /").status, 1);
    });

    it("rejects a stack file whose name is not a valid stack name", () => {
        const bad = listStacks(["Pulumi.contoso.yaml", "Pulumi.a b.yaml"]);
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /may contain only letters, digits/);
    });

    const SECRET = "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL";
    const PASSWORD = "Tr0ub4dor-Horse-9!zQ";
    const outputs = {
        handoff: { applicationClientId: "11111111-2222-3333-4444-555555555555", directoryTenantId: "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", secretValue: SECRET, userEmail: "jtel-presence@contoso.com", userPassword: PASSWORD },
        secretExpiresAt: "2027-09-06T00:00:00.000Z",
        previousSecretExpiresAt: "2027-01-08T00:00:00.000Z",
        nextRotationAt: "2027-07-08T00:00:00.000Z",
        verification: { status: "verified", verifiedAt: "2026-11-27T03:20:11.123Z", grantedScopes: ["Presence.Read.All"] },
    };

    function script(name: string, input: unknown, args: string[] = [], env: Record<string, string> = {}): string {
        return execFileSync("bash", [join(scriptDir, name), ...args], { input: JSON.stringify(input), encoding: "utf8", env: { ...process.env, ...env } });
    }

    it("summarises the rotation dates and verification, and nothing of the handoff even when given it", () => {
        const summary = script("rotation-summary.sh", outputs, ["contoso", "success"]);
        for (const value of ["2027-09-06T00:00:00.000Z", "2027-01-08T00:00:00.000Z", "2027-07-08T00:00:00.000Z", "| verification.status | verified |"]) assert.ok(summary.includes(value), value);
        for (const secret of [SECRET, PASSWORD, "jtel-presence@contoso.com"]) assert.ok(!summary.includes(secret), "a handoff value reached the summary");
        assert.doesNotMatch(summary, /show-secrets/);
    });

    it("says a failed update's values are from the last successful update", () => {
        assert.match(script("rotation-summary.sh", { ...outputs, previousSecretExpiresAt: null }, ["contoso", "failure"]), /did not succeed[\s\S]*\| previousSecretExpiresAt \| — \|/);
    });

    it("reports a rotation as due once nextRotationAt has passed", () => {
        const at = (iso: string) => ({ NOW: String(Date.parse(iso) / 1000) });
        assert.equal(script("rotation-due.sh", outputs, [], at("2027-07-07T23:59:59Z")).trim(), "current");
        assert.equal(script("rotation-due.sh", outputs, [], at("2027-07-08T00:00:00Z")).trim(), "due");
        assert.equal(script("rotation-due.sh", { handoff: "[secret]" }).trim(), "unknown");
    });

    it("never mention --show-secrets outside comments", () => {
        for (const file of readdirSync(scriptDir)) {
            const code = readFileSync(join(scriptDir, file), "utf8").split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
            assert.doesNotMatch(code, /show-secrets/, file);
        }
    });
});

describe("each rule can fail", () => {
    const cases: [RuleName, string, (w: Workflows) => void][] = [
        ["pinnedMajors", "an action on a branch", (w) => { step(w, "ci.yml", "test", (s) => s.uses?.startsWith("actions/checkout@") ?? false).uses = "actions/checkout@main"; }],
        ["pinnedMajors", "an unreviewed action", (w) => { w["ci.yml"].jobs.test.steps?.push({ uses: "someone/deploy@v1" }); }],
        ["npmCiBeforePulumi", "no npm ci in the up job", (w) => { w["tenants.yml"].jobs.up.steps = w["tenants.yml"].jobs.up.steps?.filter((s) => !runsNpmCi(s)); }],
        ["npmCiBeforePulumi", "npm ci after pulumi", (w) => { const steps = w["drift.yml"].jobs.drift.steps ?? []; steps.push(steps.splice(steps.findIndex(runsNpmCi), 1)[0]); }],
        ["oidcOnly", "no id-token: write", (w) => { w["tenants.yml"].jobs.up.permissions = { contents: "read" }; }],
        ["oidcOnly", "azure/login with stored credentials", (w) => { step(w, "tenants.yml", "up", (s) => s.uses?.startsWith("azure/login@") ?? false).with = { creds: "${{ secrets.AZURE_CREDENTIALS }}" }; }],
        ["oidcOnly", "the state sign-in after pulumi", (w) => { const steps = w["tenants.yml"].jobs.up.steps ?? []; steps.push(steps.splice(steps.findIndex((s) => s.uses?.startsWith("azure/login@") ?? false), 1)[0]); }],
        ["noStoredCredentials", "a client secret", (w) => { step(w, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").env = { ARM_CLIENT_SECRET: "${{ secrets.ARM_CLIENT_SECRET }}" }; }],
        ["armOidcOnProgramSteps", "ARM_USE_OIDC missing", (w) => { delete step(w, "tenants.yml", "preview", runsProgram).env?.ARM_USE_OIDC; }],
        ["dailyScheduledUp", "a weekly schedule", (w) => { w["tenants.yml"].on.schedule = [{ cron: "17 3 * * 1" }]; }],
        ["dailyScheduledUp", "the up job skipping schedules", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name == 'push'"; }],
        ["oneUpPerTenant", "cancel-in-progress true", (w) => { w["tenants.yml"].jobs.up.concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["oneUpPerTenant", "a group per run", (w) => { w["tenants.yml"].jobs.up.concurrency = { group: "tenant-up-${{ matrix.stack }}-${{ github.run_id }}", "cancel-in-progress": false }; }],
        ["oneUpPerTenant", "drift sharing the up group", (w) => { w["drift.yml"].jobs.drift.concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["perStackMatrix", "fail-fast on", (w) => { w["tenants.yml"].jobs.up.strategy = { ...w["tenants.yml"].jobs.up.strategy, "fail-fast": true }; }],
        ["perStackMatrix", "one environment for all stacks", (w) => { w["tenants.yml"].jobs.up.environment = "tenants"; }],
        ["noSecretsPrinted", "--show-secrets", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Rotation summary").run += "\npulumi stack output --json --show-secrets\n"; }],
        ["noSecretsPrinted", "echoing the passphrase", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Rotation summary").run += 'echo "$PULUMI_CONFIG_PASSPHRASE"\n'; }],
        ["noSecretsPrinted", "reading the handoff step output", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Rotation summary").env = { H: "${{ steps.up.outputs.handoff }}" }; }],
        ["pullRequestsOnlyPreview", "an up on pull requests", (w) => { w["tenants.yml"].jobs.up.if = "needs.stacks.outputs.stacks != '[]'"; }],
        ["pullRequestsOnlyPreview", "previews without the policy pack", (w) => { delete step(w, "tenants.yml", "preview", runsProgram).with?.policyPacks; }],
        ["pullRequestsOnlyPreview", "the deploy environment on pull requests", (w) => { w["tenants.yml"].jobs.preview.environment = "tenant-${{ matrix.stack }}"; }],
        ["pullRequestsOnlyPreview", "an up dispatched from a branch", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name != 'pull_request'"; }],
        ["leastPrivilegeToken", "write-all", (w) => { w["ci.yml"].permissions = "write-all"; }],
        ["untrustedValuesViaEnv", "interpolating the matrix", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Rotation summary").run = "echo ${{ matrix.stack }}"; }],
        ["secretsStayOutOfInstalls", "a secret in job env", (w) => { w["tenants.yml"].jobs.up.env = { ...w["tenants.yml"].jobs.up.env, PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" }; }],
    ];

    for (const [rule, what, mutate] of cases) {
        it(`${rule} catches ${what}`, () => {
            const broken = clone();
            mutate(broken);
            assert.notDeepEqual(rules[rule](broken), [], `${rule} accepted ${what}`);
        });
    }
});
