// The GitHub Actions workflows that run this repository as the GitOps source for every customer tenant.
// Each rule is a pure function from the parsed workflows to a list of violations, so the rules are
// checked against the real files and, under "each rule can fail", against broken copies of them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    ALL_CONTEXTS, commandsFor, concurrencyGroup, DISPATCH_BRANCH, DISPATCH_MAIN, eachJob, environmentKind, environmentName, evaluate, FORK_PR,
    isPulumiAction, jobsFor, loadWorkflows, LOCKING_COMMANDS, permissionsOf, printsSubjectOnly, PUSH_BRANCH, PUSH_MAIN, pulumiCommand, root,
    runsProgram, SAME_REPO_PR, SCHEDULE, scriptDir, strings, upJobs, workflowDir, workflowFiles,
    type Step, type Workflows,
} from "./workflowModel";

const workflows = loadWorkflows();

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
            for (const event of Object.keys(wf.on)) {
                // pull_request_target, workflow_run, issue_comment and the like run main's workflow for input an
                // unreviewed branch controls, and main's jobs pass the main-only environments.
                if (!TRUSTED_TRIGGERS.includes(event)) out.push(`${file}: on.${event} is not one of ${TRUSTED_TRIGGERS.join(", ")}`);
            }
            const push = wf.on.push as { branches?: string[] } | null | undefined;
            if ("push" in wf.on && JSON.stringify(push?.branches) !== JSON.stringify(["main"])) out.push(`${file}: on.push must be limited to branches: [main]`);
        }
        return out;
    },

    tokensOnlyInEnvironments(wfs: Workflows): string[] {
        const out: string[] = [];
        for (const { file, id, job } of eachJob(wfs)) {
            if (permissionsOf(job)["id-token"] !== "write") continue;
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
                if (kind === undefined) out.push(`${file} ${id}: environment ${env} is none of tenant-<stack>, -preview, -drift`);
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
    it("has the CI, tenant and drift workflows", () => {
        assert.deepEqual(Object.keys(workflows), ["ci.yml", "drift.yml", "oidc-subject.yml", "tenants.yml"]);
    });

    it("pins every action to the commit of a reviewed release", () => assertRule("pinnedByCommit"));
    it("installs the Pulumi CLI release of the locked @pulumi/pulumi in every pulumi step", () => assertRule("pulumiCliPinned"));
    it("runs Node.js LTS lines that @pulumi/pulumi accepts and the tests cover", () => assertRule("supportedNode"));
    it("runs npm ci before any pulumi step", () => assertRule("npmCiBeforePulumi"));
    it("signs in to Azure with OIDC only (id-token: write, azure/login from variables)", () => assertRule("oidcOnly"));
    it("references no stored secret at all", () => assertRule("noStoredCredentials"));
    it("sets ARM_USE_OIDC, ARM_CLIENT_ID and ARM_TENANT_ID on every step that runs the program", () => assertRule("armOidcOnProgramSteps"));
    it("runs pulumi up on a daily schedule, so secrets rotate after each boundary", () => assertRule("dailyScheduledUp"));
    it("never runs two ups on one tenant and never cancels a running up", () => assertRule("oneUpPerTenant"));
    it("takes the stack's lock only in the up group, so a preview or drift check never fails the daily rotation", () => assertRule("onlyUpsTakeTheLock"));
    it("runs each stack in its own environment, with fail-fast off", () => assertRule("perStackMatrix"));
    it("never passes --show-secrets, prints a secret or reads the handoff from step outputs", () => assertRule("noSecretsPrinted"));
    it("only previews pull requests, with the policy pack and a comment, and never from forks", () => assertRule("pullRequestsOnlyPreview"));
    it("grants the token contents: read, and id-token: write only where Azure is signed in to", () => assertRule("leastPrivilegeToken"));
    it("passes expressions to scripts through env, never by interpolation", () => assertRule("untrustedValuesViaEnv"));
    it("keeps secrets away from npm ci and other steps that do not need them", () => assertRule("secretsStayOutOfInstalls"));
    it("runs only on pull_request, push to main, schedule and workflow_dispatch", () => assertRule("trustedTriggersOnly"));
    it("requests OIDC tokens only in environments, on GitHub-hosted runners", () => assertRule("tokensOnlyInEnvironments"));
    it("uses the preview environment for pull requests only and the main-only environments from main only", () => assertRule("environmentsByTrust"));

    it("writes each action's release next to its pinned commit", () => {
        for (const file of workflowFiles()) {
            for (const line of readFileSync(join(workflowDir, file), "utf8").split("\n")) {
                const match = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)$/.exec(line.trim().replace(/^- /, ""));
                if (!line.includes("uses:")) continue;
                assert.ok(match, `${file}: "${line.trim()}" must read uses: OWNER/REPO@<commit> # vX.Y.Z`);
                assert.deepEqual({ sha: match[2], version: match[3] }, PINNED_ACTIONS[match[1]], `${file}: ${match[1]}`);
            }
        }
    });

    it("pins the same Pulumi CLI that package-lock.json locks as the SDK, which declares the Node.js floor", () => {
        assert.match(PULUMI_VERSION, /^\d+\.\d+\.\d+$/);
        assert.equal(lock.packages["node_modules/@pulumi/pulumi"].engines?.node, pkg.engines.node, "package.json engines follow @pulumi/pulumi's");
    });

    it("updates every stack on push to main, on schedule and on dispatch from main", () => {
        for (const ctx of [PUSH_MAIN, SCHEDULE, DISPATCH_MAIN]) {
            assert.deepEqual(commandsFor({ "tenants.yml": workflows["tenants.yml"] }, ctx), ["tenants.yml up up"], ctx.github.event_name);
        }
        assert.deepEqual(commandsFor(workflows, PUSH_BRANCH), []);
        const input = (workflows["tenants.yml"].on.workflow_dispatch as { inputs: Record<string, { required: boolean }> }).inputs;
        assert.deepEqual(Object.keys(input), ["stack"]);
        assert.equal(input.stack.required, false);
    });

    it("gives pull requests the reviewed preview environment, main the deploy environment and drift its own", () => {
        const jobs = workflows["tenants.yml"].jobs;
        assert.equal(environmentName(jobs.up), "tenant-${{ matrix.stack }}");
        assert.equal(environmentName(jobs.preview), "tenant-${{ matrix.stack }}-preview");
        assert.equal(environmentName(workflows["drift.yml"].jobs.drift), "tenant-${{ matrix.stack }}-drift");
        assert.deepEqual(permissionsOf(jobs.preview), { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepEqual(permissionsOf(jobs.up), { contents: "read", "id-token": "write" });
        assert.deepEqual(permissionsOf(jobs.fleet), { contents: "read" });
    });

    it("keeps previews and drift checks out of the up group, and lets only previews be cancelled", () => {
        const group = (file: string, job: string) => workflows[file].jobs[job].concurrency as { group: string; "cancel-in-progress": boolean };
        assert.deepEqual(group("tenants.yml", "up"), { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": false });
        assert.equal(group("tenants.yml", "preview")["cancel-in-progress"], true);
        assert.equal(group("drift.yml", "drift")["cancel-in-progress"], false);
        const lockingSteps = [...eachJob(workflows)].flatMap(({ id, job }) => (job.steps ?? []).filter((s) => LOCKING_COMMANDS.includes(pulumiCommand(s) ?? "")).map(() => id));
        assert.deepEqual(lockingSteps, ["up"]);
    });

    it("references the policy pack that exists at policy/", () => {
        assert.ok(existsSync(join(root, "policy", "PulumiPolicy.yaml")), "policy/PulumiPolicy.yaml");
        assert.equal(step(workflows, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").with?.policyPacks, "policy");
    });

    it("checks drift weekly with --refresh and --expect-no-changes, after asking npm run status whether a rotation is overdue", () => {
        const [minute, hour, dom, month, dow] = (workflows["drift.yml"].on.schedule as { cron: string }[])[0].cron.split(" ");
        assert.deepEqual([dom, month, dow], ["*", "*", "1"]);
        const upHour = Number((workflows["tenants.yml"].on.schedule as { cron: string }[])[0].cron.split(" ")[1]);
        assert.ok(Number(hour) > upHour && /^\d+$/.test(minute), "drift runs after the daily up");
        const steps = workflows["drift.yml"].jobs.drift.steps ?? [];
        const preview = steps.findIndex((s) => pulumiCommand(s) === "preview");
        assert.deepEqual({ refresh: steps[preview].with?.refresh, expect: steps[preview].with?.["expect-no-changes"] }, { refresh: true, expect: true });
        const status = steps.findIndex((s) => /npm run --silent status -- --stack "\$STACK"/.test(s.run ?? ""));
        assert.ok(status >= 0 && status < preview, "the status check runs before the preview");
        assert.deepEqual(commandsFor({ "drift.yml": workflows["drift.yml"] }, SCHEDULE), ["drift.yml drift preview"]);
        assert.deepEqual(commandsFor({ "drift.yml": workflows["drift.yml"] }, DISPATCH_BRANCH), []);
    });

    it("records each stack's status after its up and sums up the fleet with npm run status, failing past a threshold", () => {
        const up = workflows["tenants.yml"].jobs.up.steps ?? [];
        const record = up.findIndex((s) => /npm run --silent status -- --stack "\$STACK" --save fleet-status --exit-zero/.test(s.run ?? ""));
        const upload = up.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@") ?? false);
        assert.ok(record > up.findIndex((s) => pulumiCommand(s) === "up") && upload > record, "status is saved after the up, then uploaded");
        assert.equal(up[record].if, "always() && steps.up.outcome != 'skipped'");
        const fleet = workflows["tenants.yml"].jobs.fleet;
        assert.deepEqual(fleet.needs, ["stacks", "up"]);
        for (const ctx of [PUSH_MAIN, SCHEDULE, DISPATCH_MAIN]) assert.ok(evaluate(fleet.if, { ...ctx, needs: { ...ctx.needs, up: { outputs: {}, result: "failure" } } }), `fleet runs after failed ups on ${ctx.github.event_name}`);
        assert.ok(!evaluate(fleet.if, SAME_REPO_PR));
        const summary = (fleet.steps ?? []).find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"))?.run ?? "";
        assert.match(summary, /npm run --silent status -- "\$\{args\[@\]\}" --outputs fleet-status \| tee -a "\$GITHUB_STEP_SUMMARY"/);
        assert.doesNotMatch(summary, /--exit-zero/);
        assert.ok(pkg.scripts.status?.includes("cli/status.ts"));
    });

    it("reads which client secret the connector uses before the up (its verification would hide the connector), as the deployer, never failing the job", () => {
        const up = workflows["tenants.yml"].jobs.up.steps ?? [];
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
        assert.deepEqual((job.steps ?? []).filter((s) => s.run !== undefined).map((s) => s.run?.trim()), ["npm ci --no-audit --no-fund", "npm test"]);
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

    it("has .ci/run install jq, shellcheck and curl and run the tests again on Node 22 from npm", () => {
        assert.match(ciRun, /command -v jq >\/dev\/null \|\| missing\+=\(jq\)/);
        assert.match(ciRun, /command -v shellcheck >\/dev\/null \|\| missing\+=\(shellcheck\)/);
        assert.match(ciRun, /command -v curl >\/dev\/null \|\| missing\+=\(curl\)/);
        assert.match(ciRun, /apt-get install -y -qq "\$\{missing\[@\]\}"/);
        assert.match(ciRun, /npx --yes --package=node@22 -- npm test/);
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
        for (const name of ["Pulumi.a b.yaml", "Pulumi.Contoso.yaml", "Pulumi.con_toso.yaml"]) {
            const bad = listStacks(["Pulumi.contoso.yaml", name]);
            assert.equal(bad.status, 1, name);
            assert.match(bad.stderr, /may contain only lower-case letters, digits and inner hyphens/);
            rmSync(join(dir, name));
        }
    });

    it("never mention --show-secrets outside comments", () => {
        for (const file of ["list-stacks.sh", "bootstrap-tenant.sh"]) {
            const code = readFileSync(join(scriptDir, file), "utf8").split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
            assert.doesNotMatch(code, /show-secrets/, file);
        }
    });
});

describe("each rule can fail", () => {
    const cases: [RuleName, string, (w: Workflows) => void][] = [
        ["pinnedByCommit", "an action on a tag", (w) => { step(w, "ci.yml", "test", (s) => s.uses?.startsWith("actions/checkout@") ?? false).uses = "actions/checkout@v7"; }],
        ["pinnedByCommit", "an unreviewed action", (w) => { w["ci.yml"].jobs.test.steps?.push({ uses: "someone/deploy@0123456789012345678901234567890123456789" }); }],
        ["pulumiCliPinned", "the latest Pulumi CLI", (w) => { delete step(w, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").with?.["pulumi-version"]; }],
        ["pulumiCliPinned", "an install step without a version", (w) => { step(w, "drift.yml", "drift", (s) => isPulumiAction(s) && pulumiCommand(s) === undefined).with = {}; }],
        ["supportedNode", "Node 20", (w) => { step(w, "tenants.yml", "up", (s) => s.uses?.startsWith("actions/setup-node@") ?? false).with = { "node-version": 20 }; }],
        ["supportedNode", "an untested line in the CI matrix", (w) => { (w["ci.yml"].jobs.test.strategy as { matrix: Record<string, unknown> }).matrix.node = [22, 25]; }],
        ["npmCiBeforePulumi", "no npm ci in the up job", (w) => { w["tenants.yml"].jobs.up.steps = w["tenants.yml"].jobs.up.steps?.filter((s) => !runsNpmCi(s)); }],
        ["npmCiBeforePulumi", "npm ci after pulumi", (w) => { const steps = w["drift.yml"].jobs.drift.steps ?? []; steps.push(steps.splice(steps.findIndex(runsNpmCi), 1)[0]); }],
        ["oidcOnly", "no id-token: write", (w) => { w["tenants.yml"].jobs.up.permissions = { contents: "read" }; }],
        ["oidcOnly", "azure/login with stored credentials", (w) => { step(w, "tenants.yml", "up", (s) => s.uses?.startsWith("azure/login@") ?? false).with = { creds: "${{ secrets.AZURE_CREDENTIALS }}" }; }],
        ["oidcOnly", "the state sign-in after pulumi", (w) => { const steps = w["tenants.yml"].jobs.up.steps ?? []; steps.push(steps.splice(steps.findIndex((s) => s.uses?.startsWith("azure/login@") ?? false), 1)[0]); }],
        ["noStoredCredentials", "a client secret", (w) => { step(w, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").env = { ARM_CLIENT_SECRET: "${{ secrets.ARM_CLIENT_SECRET }}" }; }],
        ["noStoredCredentials", "a repository-wide passphrase any branch could read", (w) => { step(w, "tenants.yml", "preview", runsProgram).env = { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" }; }],
        ["armOidcOnProgramSteps", "ARM_USE_OIDC missing", (w) => { delete step(w, "tenants.yml", "preview", runsProgram).env?.ARM_USE_OIDC; }],
        ["dailyScheduledUp", "a weekly schedule", (w) => { w["tenants.yml"].on.schedule = [{ cron: "17 3 * * 1" }]; }],
        ["dailyScheduledUp", "the up job skipping schedules", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name == 'push'"; }],
        ["oneUpPerTenant", "cancel-in-progress true", (w) => { w["tenants.yml"].jobs.up.concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["oneUpPerTenant", "a group per run", (w) => { w["tenants.yml"].jobs.up.concurrency = { group: "tenant-up-${{ matrix.stack }}-${{ github.run_id }}", "cancel-in-progress": false }; }],
        ["oneUpPerTenant", "drift sharing the up group", (w) => { w["drift.yml"].jobs.drift.concurrency = { group: "tenant-up-${{ matrix.stack }}", "cancel-in-progress": true }; }],
        ["onlyUpsTakeTheLock", "a refresh in the drift job", (w) => { const s = step(w, "drift.yml", "drift", runsProgram); s.with = { ...s.with, command: "refresh" }; }],
        ["perStackMatrix", "fail-fast on", (w) => { w["tenants.yml"].jobs.up.strategy = { ...w["tenants.yml"].jobs.up.strategy, "fail-fast": true }; }],
        ["perStackMatrix", "one environment for all stacks", (w) => { w["tenants.yml"].jobs.up.environment = "tenants"; }],
        ["noSecretsPrinted", "--show-secrets", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Record this stack's status").run += "\npulumi stack output --json --show-secrets\n"; }],
        ["noSecretsPrinted", "reading the handoff step output", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Record this stack's status").env = { H: "${{ steps.up.outputs.handoff }}" }; }],
        ["noSecretsPrinted", "outputs listed in the log", (w) => { delete step(w, "tenants.yml", "up", (s) => pulumiCommand(s) === "up").with?.["suppress-outputs"]; }],
        ["pullRequestsOnlyPreview", "an up on pull requests", (w) => { w["tenants.yml"].jobs.up.if = "needs.stacks.outputs.stacks != '[]'"; }],
        ["pullRequestsOnlyPreview", "previews without the policy pack", (w) => { delete step(w, "tenants.yml", "preview", runsProgram).with?.policyPacks; }],
        ["pullRequestsOnlyPreview", "the deploy environment on pull requests", (w) => { w["tenants.yml"].jobs.preview.environment = "tenant-${{ matrix.stack }}"; }],
        ["pullRequestsOnlyPreview", "an up dispatched from a branch", (w) => { w["tenants.yml"].jobs.up.if = "github.event_name != 'pull_request'"; }],
        ["leastPrivilegeToken", "write-all", (w) => { w["ci.yml"].permissions = "write-all"; }],
        ["leastPrivilegeToken", "a subject probe that also runs something else", (w) => { w["oidc-subject.yml"].jobs.deploy.steps?.push({ run: "npm ci" }); }],
        ["untrustedValuesViaEnv", "interpolating the matrix", (w) => { step(w, "tenants.yml", "up", (s) => s.name === "Record this stack's status").run = "echo ${{ matrix.stack }}"; }],
        ["secretsStayOutOfInstalls", "a secret in job env", (w) => { w["tenants.yml"].jobs.up.env = { ...w["tenants.yml"].jobs.up.env, TOKEN: "${{ secrets.SOME_TOKEN }}" }; }],
        ["trustedTriggersOnly", "pull_request_target", (w) => { w["tenants.yml"].on.pull_request_target = null; }],
        ["trustedTriggersOnly", "pushes to every branch", (w) => { w["tenants.yml"].on.push = null; }],
        ["tokensOnlyInEnvironments", "a token without an environment", (w) => { delete w["drift.yml"].jobs.drift.environment; }],
        ["tokensOnlyInEnvironments", "a self-hosted runner", (w) => { w["tenants.yml"].jobs.up["runs-on"] = "self-hosted"; }],
        ["environmentsByTrust", "the drift check dispatched from a branch", (w) => { w["drift.yml"].jobs.drift.if = "needs.stacks.outputs.stacks != '[]'"; }],
        ["environmentsByTrust", "the preview environment on main", (w) => { w["tenants.yml"].jobs.up.environment = "tenant-${{ matrix.stack }}-preview"; }],
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
