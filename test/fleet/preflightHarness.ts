// Runs `npm run doctor` (cli/doctor.ts) in-process against a BootstrapBench: the REAL gh against the fake GitHub API
// on loopback (test/support/fakeGitHub.ts), the bootstrap script's own inspect phase, and the stateful az and pulumi
// stand-ins (fakeCli.ts), so the doctor reads exactly what the bootstrap made. Also builds oidc-subject.yml runs as
// GitHub records them: one job per environment the workflow file names, each printing the subject the fake GitHub
// puts into that job's token.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import yaml from "js-yaml";
import { runDoctorCli } from "../../cli/doctor";
import { root } from "../gitops/workflowModel";
import type { FakeRun, RecordedRequest } from "../support/fakeGitHub";
import { type BootstrapBench, type Call, type Rule, STATE_SUBSCRIPTION, STATE_TENANT } from "./bootstrapHarness";

export const CUSTOMER_ADMIN = "admin@contoso.com";
export const JTEL_OPERATOR = "operator@jtel.de";

/** Role lines as `az rest .../transitiveMemberOf/microsoft.graph.directoryRole --query value[].[roleTemplateId, displayName] -o tsv` prints them. */
export const ROLES = {
    privilegedRoleAdmin: "e8611ab8-c189-46e8-94e1-60213ab1f814\tPrivileged Role Administrator",
    userAdmin: "fe930be7-5e62-47db-91af-98c3a49a38b1\tUser Administrator",
    cloudAppAdmin: "158c047a-c907-4556-b7ef-446551a6b5f7\tCloud Application Administrator",
    globalAdmin: "62e90394-69f5-4237-9190-012177145e10\tGlobal Administrator",
};

export interface CustomerTenant {
    /** Role lines; default: the three README's checklist names. */
    roles?: string[];
    /** `id<TAB>isVerified` lines; default: contoso.com verified and the initial domain. */
    domains?: string[];
    /** `id<TAB>name` lines of `az account list`; default: only the tenant-level entry of --allow-no-subscriptions. */
    subscriptions?: string[];
}

export interface DoctorRun {
    code: number;
    stdout: string;
    stderr: string;
    /** The az and pulumi calls it made. */
    calls: Call[];
    /** The requests it made to the fake GitHub. */
    requests: RecordedRequest[];
}

/** Answers for az as the signed-in identity in `tenant` sees it (before the bench's stateful ones). */
export function doctorRules(tenant: string, customer: CustomerTenant = {}): Rule[] {
    const user = tenant === STATE_TENANT ? JTEL_OPERATOR : CUSTOMER_ADMIN;
    return [
        { match: "^az account show --query \\[tenantId, user.name, user.type\\]", stdout: `${tenant}\t${user}\tuser` },
        { match: "^az account list ", stdout: (customer.subscriptions ?? [`${tenant}\tN/A(tenant level account)`]).join("\n") },
        { match: "^az rest --method get --url \\S+/me/transitiveMemberOf/microsoft\\.graph\\.directoryRole", stdout: (customer.roles ?? [ROLES.privilegedRoleAdmin, ROLES.userAdmin, ROLES.cloudAppAdmin]).join("\n") },
        { match: "^az rest --method get --url \\S+/v1\\.0/domains", stdout: (customer.domains ?? ["contoso.com\ttrue", "contoso.onmicrosoft.com\ttrue"]).join("\n") },
        { match: "^az version", stdout: "2.45.0" },
        { match: "^az keyvault key create --help", stdout: "" },
        { match: "^pulumi version", stdout: "v3.276.0" },
    ];
}

/** `npm run doctor -- ARGS` from the bench's repository folder, az signed in to `tenant`. */
export async function doctor(bench: BootstrapBench, args: string[], tenant: string, options: { customer?: CustomerTenant; rules?: Rule[]; env?: Record<string, string | undefined> } = {}): Promise<DoctorRun> {
    bench.cli.rules = [...(options.rules ?? []), ...doctorRules(tenant, options.customer)];
    const firstCall = bench.cli.calls.length;
    const firstRequest = bench.github.requests.length;
    const env: Record<string, string | undefined> = {
        PATH: `${join(bench.dir, "bin")}:${process.env.PATH}`, HOME: bench.dir, TMPDIR: tmpdir(), LANG: "C.UTF-8",
        STATE_SUBSCRIPTION_ID: STATE_SUBSCRIPTION, STATE_TENANT_ID: STATE_TENANT, STATE_RESOURCE_GROUP: "jtel-state",
        STATE_STORAGE_ACCOUNT: "jtelstate", STATE_KEY_VAULT: "jtel-state-kv", STATE_LOCATION: "westeurope", PREVIEW_REVIEWERS_TEAM: "presence-reviewers",
        ...bench.github.env({ repo: bench.github.fullName }),
        ...options.env,
    };
    const out = { stdout: "", stderr: "" };
    const code = await runDoctorCli(args, { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, cwd: bench.dir, env });
    return { code, ...out, calls: bench.cli.calls.slice(firstCall), requests: bench.github.requests.slice(firstRequest) };
}

interface WorkflowJob { name?: string; environment?: string; if?: string; env?: Record<string, string>; steps?: { uses?: string; run?: string }[] }

/**
 * A finished run of oidc-subject.yml for `stack`, as GitHub records one: the workflow file's jobs (the preview one
 * only in reviewed mode, as its `if` says), each job's steps, and in each probe job the line oidc-subject.sh prints
 * with the subject GitHub put into that job's token (`sub(environment)`, default: the fake GitHub's).
 */
export function addProbeRun(bench: BootstrapBench, stack: string, mode: "reviewed" | "offline-plan", sub = (environment: string) => bench.github.subjectFor(environment, "workflow_dispatch")): FakeRun {
    const workflow = yaml.load(readFileSync(join(root, ".github", "workflows", "oidc-subject.yml"), "utf8")) as { jobs: Record<string, WorkflowJob> };
    const expand = (text: string) => text.replace(/\$\{\{ inputs\.stack \}\}/g, stack);
    const jobs = Object.values(workflow.jobs)
        .filter((job) => !/vars\.PREVIEW_MODE == 'reviewed'/.test(job.if ?? "") || mode === "reviewed")
        .map((job) => {
            const name = expand(job.name ?? "");
            const environment = job.environment ? expand(job.environment) : undefined;
            const steps = [{ name: "Set up job", lines: ["Current runner version: '2.330.0'", `Requested labels: ubuntu-latest`] }];
            for (const step of job.steps ?? []) {
                const title = step.uses ? `Run ${step.uses}` : `Run ${step.run?.split("\n")[0] ?? ""}`;
                const lines = [`##[group]${title}`, ...(environment ? ["env:", `  ENVIRONMENT: ${environment}`] : []), "##[endgroup]"];
                if (step.run?.includes("oidc-subject.sh") && environment) lines.push(`oidc-subject environment=${environment} sub=${sub(environment)}`);
                steps.push({ name: title, lines });
            }
            steps.push({ name: "Complete job", lines: ["Cleaning up orphan processes"] });
            return { name, steps };
        });
    return bench.github.addWorkflowRun({ workflow: "oidc-subject.yml", jobs });
}
