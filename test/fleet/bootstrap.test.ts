// The isolation property, proven from the bootstrap script and the workflow files together, in both preview
// modes: no job that an unreviewed branch can start obtains a tenant's deploy identity or its decryption key,
// and in offline-plan mode no identity trusts a pull request at all.
//
// The script runs for real (bootstrapHarness.ts): the real gh against a fake GitHub API that answers as
// api.github.com does (test/support/fakeGitHub.ts), recording fakes of az and pulumi. What it did is read back
// into a model: GitHub's environments and their protection (the fake's state), identities, the subjects their
// federated credentials trust, and the roles they hold. The adversary (push rights, no reviewer's approval, no
// admin rights) writes any workflow in a branch, so main's workflow files bind nothing; what binds is GitHub's
// OIDC subject and the environments' protection:
//   - a job that names environment E gets the subject <prefix>:environment:E:event_name:EV, where <prefix> is the
//     repository's repo:OWNER/REPO or, with immutable subjects, repo:OWNER@OWNER_ID/REPO@REPO_ID (the template
//     {repo, context, event_name}; docs.github.com/en/actions/reference/security/oidc) — the fake computes it;
//   - it runs only when E's protection admits it: required reviewers hold every run for a reviewer other
//     than its author; a deployment branch policy admits only its branches, and GitHub blocks tags and fork
//     branches named like them (github.blog changelog 2023-08-10); a pull request is checked against its HEAD
//     branch, which can be main (a pull request from main into the adversary's branch runs their workflow);
//   - an environment nobody created is created, unprotected, by the first workflow that names it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tenantResourceNames } from "../../fleet/stacks";
import {
    ALL_CONTEXTS, environmentKind, environmentName, jobsFor, loadWorkflows, permissionsOf, printsSubjectOnly, SUBJECT_PROBE_AUDIENCE, withVars, type EventContext,
} from "../gitops/workflowModel";
import { REVIEWERS_REFUSED, TOKEN_USER, type FakeGitHub, type FakeScenario } from "../support/fakeGitHub";
import { ACCOUNT_ID, BootstrapBench, REVIEWERS_TEAM, type Rule, type Run, SCRIPT, scenario, STATE_TENANT, TENANTS, VAULT_ID } from "./bootstrapHarness";

const ISSUER = "https://token.actions.githubusercontent.com";
const AUDIENCE = "api://AzureADTokenExchange";

/** Events whose workflow file comes from the triggering branch, so an unreviewed branch controls the job. */
const PR_EVENTS = ["pull_request", "pull_request_review", "pull_request_review_comment"];

/** Roles that change nothing: reading state or the directory. Every other role counts as a deploy right. */
const AUDIT_LOG_READ = "Graph application permission AuditLog.Read.All (b0afded3-3588-46d8-8b3d-9842eff778da)";
const READ_ONLY_ROLES = ["Storage Blob Data Reader", "Directory Readers (88d8e3e3-8f55-4a1e-953a-9b9898b8876b)", AUDIT_LOG_READ];
/** Roles that can decrypt with a key in Key Vault (the data-plane decrypt action). */
const DECRYPT_ROLES = ["Key Vault Crypto User", "Key Vault Crypto Officer", "Key Vault Administrator"];

interface Environment { name: string; reviewers: number; preventSelfReview: boolean; branchPolicies: string[] | "all"; createdAt: bigint }
interface Subject { name: string; subject: string; issuer: string; audience: string; at: bigint }
interface Identity { name: string; subjects: Subject[]; roles: { role: string; scope: string }[] }
interface Model {
    /** The repo part GitHub puts into this repository's tokens, e.g. repo:jtel@1/fleet@2. */
    prefix: string;
    previewMode: string | undefined;
    environments: Map<string, Environment>;
    identities: Map<string, Identity>;
    variables: Map<string, Map<string, string>>;
    checkedTemplateAt: bigint;
}

const NEVER = BigInt(Number.MAX_SAFE_INTEGER) ** 2n;

// ---------------------------------------------------------------------------------------------------------
// Reading what happened back into a model

function flag(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
}

function modelOf(bench: BootstrapBench): Model {
    const github = bench.github;
    const calls = bench.calls;
    const requests = github.requests;
    const model: Model = {
        prefix: github.subjectPrefix(), previewMode: github.state.variables.get("PREVIEW_MODE"),
        environments: new Map(), identities: new Map(), variables: new Map(),
        checkedTemplateAt: requests.find((r) => r.method === "GET" && r.path.endsWith("/actions/oidc/customization/sub"))?.at ?? NEVER,
    };
    for (const env of github.state.environments.values()) {
        const protectedAt = requests.find((r) => r.method === "PUT" && r.status === 200 && r.path.endsWith(`/environments/${env.name}`))?.at ?? NEVER;
        model.environments.set(env.name, {
            name: env.name, reviewers: env.reviewers.length, preventSelfReview: env.preventSelfReview,
            branchPolicies: env.branchPolicy === null || !env.branchPolicy.custom_branch_policies ? "all" : env.branchPolicies.map((p) => `${p.type}:${p.name}`),
            createdAt: protectedAt,
        });
        model.variables.set(env.name, new Map(env.variables));
    }
    /** Which identity an ID printed by an earlier call belongs to (client IDs, principal IDs, app IDs). */
    const owner = new Map<string, string>();
    const identity = (name: string): Identity => {
        if (!model.identities.has(name)) model.identities.set(name, { name, subjects: [], roles: [] });
        return model.identities.get(name) as Identity;
    };
    for (const call of calls) {
        const { tool, args } = call;
        if (tool !== "az" || call.exit !== 0) continue;
        const line = args.join(" ");
        if (line.startsWith("identity create")) {
            const name = `managed identity ${flag(args, "--name")}`;
            for (const id of call.stdout.split("\t")) owner.set(id, name);
            identity(name);
        }
        if (/^ad app (create|list) /.test(line)) {
            const name = `app ${flag(args, "--display-name")}`;
            for (const id of call.stdout.split(/\s+/).filter(Boolean)) owner.set(id, name);
            identity(name);
        }
        if (line.startsWith("ad sp show") && call.stdout) owner.set(call.stdout, owner.get(flag(args, "--id") as string) as string);
        if (line.startsWith("role assignment create")) {
            const name = owner.get(flag(args, "--assignee-object-id") as string);
            assert.ok(name, "a role for an identity the script created");
            identity(name).roles.push({ role: flag(args, "--role") as string, scope: flag(args, "--scope") as string });
        }
        if (line.startsWith("rest --method POST") && flag(args, "--uri")?.endsWith("/roleManagement/directory/roleAssignments")) {
            const body = JSON.parse(flag(args, "--body") as string) as { principalId: string; roleDefinitionId: string; directoryScopeId: string };
            const name = owner.get(body.principalId);
            assert.ok(name, "a directory role for a service principal the script created");
            identity(name).roles.push({ role: directoryRoleName(body.roleDefinitionId), scope: `directory ${body.directoryScopeId}` });
        }
        if (line.startsWith("rest --method POST") && flag(args, "--uri")?.endsWith("/appRoleAssignments")) {
            const body = JSON.parse(flag(args, "--body") as string) as { principalId: string; appRoleId: string };
            const name = owner.get(body.principalId);
            assert.ok(name, "an application permission for a service principal the script created");
            const known: Record<string, string> = { "b0afded3-3588-46d8-8b3d-9842eff778da": "AuditLog.Read.All" };
            identity(name).roles.push({ role: `Graph application permission ${known[body.appRoleId] ?? "unknown"} (${body.appRoleId})`, scope: "Microsoft Graph" });
        }
    }
    // The credentials as az holds them now, each with the time of the call that last wrote it.
    for (const [key, credentials] of Object.entries(bench.azState().credentials)) {
        const [kind, id] = key.split(" ");
        const name = kind === "identity" ? `managed identity ${id}` : owner.get(id);
        assert.ok(name, `a credential on ${key}, which the script created`);
        for (const c of credentials) {
            const wrote = [...calls].reverse().find((call) => /federated-credential (create|update)$/.test(call.args.slice(0, 3).join(" ")) && call.args.join(" ").includes(c.name) && call.args.join(" ").includes(id));
            identity(name).subjects.push({ name: c.name, subject: c.subject, issuer: c.issuer, audience: c.audiences.join(","), at: wrote?.at ?? NEVER });
        }
    }
    return model;
}

function directoryRoleName(id: string): string {
    const names: Record<string, string> = {
        "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator", "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
    };
    return `${names[id] ?? "unknown role"} (${id})`;
}

// ---------------------------------------------------------------------------------------------------------
// The proof

const SUBJECT = /^(repo:[^:]+):environment:([^:]+):event_name:([a-z_]+)$/;

/** Whether an unreviewed branch can obtain a token with this subject; the reason when it can. */
export function unreviewedCanPresent(subject: string, model: Model): string | undefined {
    const match = SUBJECT.exec(subject);
    if (!match) return `"${subject}" names no environment and event, so no protection rule guards it`;
    const [, prefix, envName, event] = match;
    if (prefix !== model.prefix) return `"${subject}" trusts another repository (or a name GitHub no longer sends)`;
    const env = model.environments.get(envName);
    if (env === undefined) return `environment ${envName} was never created, so the first workflow that names it creates it unprotected`;
    if (env.reviewers > 0 && env.preventSelfReview) return undefined;
    if (env.branchPolicies === "all") return `environment ${envName} admits every branch and has no reviewer who is not the run's author`;
    if (env.branchPolicies.some((p) => p !== "branch:main")) return `environment ${envName} admits ${env.branchPolicies.join(", ")}`;
    if (env.branchPolicies.length === 0) return `environment ${envName} has a branch restriction without any branch`;
    if (PR_EVENTS.includes(event)) return `environment ${envName} admits main, and a ${event} from main into an unreviewed branch runs that branch's workflow`;
    return undefined;
}

export function privileges(identity: Identity): { deploy: boolean; decrypt: boolean } {
    return {
        // Decrypting is its own privilege; every other role that is not read-only can change a tenant.
        deploy: identity.roles.some((r) => !READ_ONLY_ROLES.includes(r.role) && !DECRYPT_ROLES.includes(r.role)),
        decrypt: identity.roles.some((r) => DECRYPT_ROLES.includes(r.role)),
    };
}

/** Every way an unreviewed branch reaches a deploy identity or a decryption key, or a setup step in the wrong order. */
export function isolationViolations(model: Model): string[] {
    const out: string[] = [];
    for (const identity of model.identities.values()) {
        const { deploy, decrypt } = privileges(identity);
        for (const s of identity.subjects) {
            if (s.issuer !== ISSUER || s.audience !== AUDIENCE) out.push(`${identity.name} trusts issuer ${s.issuer} / audience ${s.audience}`);
            const env = SUBJECT.exec(s.subject)?.[2];
            const protectedAt = env === undefined ? undefined : model.environments.get(env)?.createdAt;
            if (protectedAt !== undefined && protectedAt > s.at) out.push(`${identity.name} trusts ${env} before the environment is protected`);
            if (s.at < model.checkedTemplateAt) out.push(`${identity.name}: a credential is created before the repository's subject template is checked`);
            if (model.previewMode !== "reviewed" && PR_EVENTS.includes(SUBJECT.exec(s.subject)?.[3] ?? "")) out.push(`${identity.name} trusts ${s.subject} although the preview mode is ${model.previewMode}: no identity may trust a pull request`);
            if (!deploy && !decrypt) continue;
            const reason = unreviewedCanPresent(s.subject, model);
            if (reason) out.push(`${identity.name} (${[deploy && "deploy", decrypt && "decrypt"].filter(Boolean).join(", ")}) trusts ${s.subject}: ${reason}`);
        }
    }
    return out;
}

const workflows = loadWorkflows();

/** The events each kind of environment runs with a token Azure accepts in main's workflows, e.g. preview -> pull_request. */
function workflowEvents(vars: Record<string, string>): Map<string, Set<string>> {
    const events = new Map<string, Set<string>>();
    for (const ctx of ALL_CONTEXTS.map((c) => withVars(c, vars))) {
        for (const { job } of jobsFor(workflows, ctx)) {
            const env = environmentName(job);
            if (env === undefined || permissionsOf(job)["id-token"] !== "write" || printsSubjectOnly(job)) continue;
            const kind = environmentKind(env) as string;
            if (!events.has(kind)) events.set(kind, new Set());
            events.get(kind)?.add(ctx.github.event_name);
        }
    }
    return events;
}

/** Per kind of environment (deploy, preview, drift), the events the identities trust. */
function trustedEvents(model: Model, stack: string): Map<string, Set<string>> {
    const trusted = new Map<string, Set<string>>();
    for (const identity of model.identities.values()) {
        if (!identity.name.includes(stack)) continue;
        for (const s of identity.subjects) {
            const [, , env, event] = SUBJECT.exec(s.subject) ?? [];
            const kind = env === `tenant-${stack}` ? "deploy" : env?.replace(`tenant-${stack}-`, "") ?? "?";
            if (!trusted.has(kind)) trusted.set(kind, new Set());
            trusted.get(kind)?.add(event);
        }
    }
    return trusted;
}

const sorted = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());

const IDENTITIES = (stack: string, repo = "jtel/jtel-teams-presence") => [
    `app jtel presence deployer (${repo} ${stack})`, `app jtel presence reader (${repo} ${stack})`,
    `managed identity jtel-presence-${stack}-deploy`, `managed identity jtel-presence-${stack}-preview`,
];

// ---------------------------------------------------------------------------------------------------------

function github(bench: BootstrapBench): FakeGitHub {
    return bench.github;
}

/** GitHub requests that change something (anything but GET). */
function writes(bench: BootstrapBench): string[] {
    return github(bench).requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`);
}

function azChanges(run: Run): string[] {
    // `az account set` only picks the CLI's default subscription: it changes nothing in Azure.
    return run.calls.filter((c) => /\b(create|update|delete|set|init)\b/.test(c.args.slice(0, 4).join(" ")) && !c.args.includes("--help") && c.args.slice(0, 2).join(" ") !== "account set").map((c) => `${c.tool} ${c.args.join(" ")}`);
}

const MODES: { title: string; fake: Partial<FakeScenario>; mode: "reviewed" | "offline-plan"; why: RegExp; full?: boolean }[] = [
    {
        title: "a private repository on GitHub Team created this year (immutable subjects; the plan not readable, so the rule is tried and GitHub answers 422)",
        fake: {}, mode: "offline-plan", why: /GitHub answered 422 "Please ensure the billing plan supports the required reviewers protection rule"/, full: true,
    },
    {
        title: "a public repository with classic subjects",
        fake: { repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "public" }, immutableSubjects: false, oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"], use_immutable_subject: false } },
        mode: "reviewed", why: /is public: required reviewers exist on every plan/,
    },
    {
        title: "a private repository on GitHub Enterprise that takes the organization's template (immutable subjects, the plan not readable)",
        fake: { plan: "enterprise", oidc: { use_default: false, use_immutable_subject: true }, orgOidc: { include_claim_keys: ["repo", "context", "event_name"] } },
        mode: "reviewed", why: /GitHub accepted required reviewers on tenant-contoso-preview/,
    },
];

// The headline scenario (the partner of issue 19) also runs a second stack and a second run; the others one stack.
for (const { title, fake, mode, why, full } of MODES) {
    describe(`the per-tenant bootstrap and the workflows, for ${title}`, function () {
        // Three phases of a bash script over ~50 gh and ~40 fake az calls, for two stacks.
        this.timeout(180_000);
        let bench: BootstrapBench;
        let contoso: { jtel: Run; customer: Run; link: Run };
        let model: Model;
        before(async () => {
            bench = await BootstrapBench.create(scenario(fake));
            contoso = await bench.bootstrap("contoso") as typeof contoso;
            if (full) await bench.bootstrap("fabrikam");
            model = modelOf(bench);
        });
        after(async () => bench.dispose());

        it(`chooses the ${mode} preview mode, says why before creating anything, and stores it as PREVIEW_MODE`, () => {
            assert.match(contoso.jtel.stdout, new RegExp(`^Preview mode: ${mode}: `, "m"));
            assert.match(contoso.jtel.stdout, why);
            assert.equal(github(bench).state.variables.get("PREVIEW_MODE"), mode);
            assert.match(contoso.customer.stdout, new RegExp(`preview mode ${mode}`));
            assert.deepEqual(github(bench).refused, [], "gh reached nothing but the fake api.github.com");
        });

        it("gives no job an unreviewed branch can start a deploy identity or a decryption key", () => {
            assert.deepEqual(isolationViolations(model), []);
        });

        it("names in every federated credential exactly the subject GitHub sends for that environment and event", () => {
            for (const identity of model.identities.values()) {
                for (const s of identity.subjects) {
                    const [, , env, event] = SUBJECT.exec(s.subject) ?? [];
                    assert.equal(s.subject, github(bench).subjectFor(env, event), identity.name);
                }
            }
            assert.match(contoso.jtel.stdout, new RegExp(`^Subjects: ${github(bench).subjectPrefix()}:environment:<environment>:event_name:<event>$`, "m"));
        });

        it("trusts, per environment, exactly the events main's workflows run in it with an Azure token", () => {
            const expected = mode === "reviewed"
                ? { deploy: ["push", "schedule", "workflow_dispatch"], drift: ["schedule", "workflow_dispatch"], preview: ["pull_request"] }
                : { deploy: ["push", "schedule", "workflow_dispatch"], drift: ["schedule", "workflow_dispatch"] };
            assert.deepEqual(sorted(trustedEvents(model, "contoso")), expected);
            // Main's workflows in this mode run exactly those (tenants.yml runs no credentialed preview job in
            // offline-plan mode: vars.PREVIEW_MODE); kinds without an environment here are none of this stack's.
            const events = workflowEvents({ PREVIEW_MODE: mode });
            const running = new Map([...events].filter(([kind]) => kind in expected));
            assert.deepEqual(sorted(running), expected);
        });

        it("creates four identities per tenant: deploy and preview for the state, deployer and reader in the customer's tenant", () => {
            assert.deepEqual([...model.identities.keys()].filter((n) => n.includes("contoso")).sort(), IDENTITIES("contoso"));
            const rights = Object.fromEntries([...model.identities.values()].filter((i) => i.name.includes("contoso")).map((i) => [i.name.replace(/ \(.*\)$/, ""), privileges(i)]));
            assert.deepEqual(rights, {
                "app jtel presence deployer": { deploy: true, decrypt: false },
                "app jtel presence reader": { deploy: false, decrypt: false },
                "managed identity jtel-presence-contoso-deploy": { deploy: true, decrypt: true },
                "managed identity jtel-presence-contoso-preview": { deploy: false, decrypt: true },
            });
        });

        it("protects the environments: deploy and drift admit main only, a preview (reviewed mode only) waits for another person's approval", () => {
            const env = (name: string) => model.environments.get(name);
            assert.deepEqual(env("tenant-contoso")?.branchPolicies, ["branch:main"]);
            assert.deepEqual(env("tenant-contoso-drift")?.branchPolicies, ["branch:main"]);
            assert.equal(env("tenant-contoso")?.reviewers, 0, "the daily rotation runs unattended");
            const preview = github(bench).state.environments.get("tenant-contoso-preview");
            if (mode === "reviewed") {
                assert.deepEqual({ reviewers: preview?.reviewers, self: preview?.preventSelfReview, policy: preview?.branchPolicy }, { reviewers: [{ type: "Team", id: REVIEWERS_TEAM.id }], self: true, policy: null });
            } else {
                assert.equal(preview, undefined, "no preview environment (GitHub's shell from the refused rule is deleted again)");
            }
        });

        it("lets the deployer, and only it, read the credential activity report (AuditLog.Read.All, which changes nothing)", () => {
            const rolesOf = (name: string) => model.identities.get(name)?.roles.map((r) => r.role) ?? [];
            assert.ok(rolesOf("app jtel presence deployer (jtel/jtel-teams-presence contoso)").includes(AUDIT_LOG_READ));
            assert.ok(!rolesOf("app jtel presence reader (jtel/jtel-teams-presence contoso)").includes(AUDIT_LOG_READ));
        });

        it("scopes each tenant's state roles to its own container and its own key", () => {
            const names = tenantResourceNames("contoso");
            for (const id of ["managed identity jtel-presence-contoso-deploy", "managed identity jtel-presence-contoso-preview"]) {
                const scopes = model.identities.get(id)?.roles.map((r) => r.scope).sort();
                assert.deepEqual(scopes, [`${ACCOUNT_ID}/blobServices/default/containers/${names.stateContainer}`, `${VAULT_ID}/keys/${names.stateKey}`].sort(), id);
            }
            assert.deepEqual(model.identities.get("managed identity jtel-presence-contoso-preview")?.roles.map((r) => r.role).sort(), ["Key Vault Crypto User", "Storage Blob Data Reader"]);
        });

        it("lets no identity of one tenant reach another tenant's state, key or environments", () => {
            for (const identity of model.identities.values()) {
                const stack = identity.name.includes("contoso") ? "contoso" : "fabrikam";
                const other = stack === "contoso" ? "fabrikam" : "contoso";
                for (const r of identity.roles) assert.ok(!r.scope.includes(`tenant-${other}`), `${identity.name} has ${r.role} on ${r.scope}`);
                for (const s of identity.subjects) assert.ok(s.subject.includes(`:environment:tenant-${stack}`) && !s.subject.includes(other), `${identity.name} trusts ${s.subject}`);
            }
        });

        it("points each environment's variables at identities that trust that environment, and stores no secret", () => {
            const byClientId = new Map<string, string>();
            for (const call of bench.calls) {
                if (call.args[0] === "identity" && call.args[1] === "create") byClientId.set(call.stdout.split("\t")[0], `managed identity ${flag(call.args, "--name")}`);
                if (call.args[0] === "ad" && call.args[1] === "app" && /^(create|list)$/.test(call.args[2]) && call.stdout) byClientId.set(call.stdout, `app ${flag(call.args, "--display-name")}`);
            }
            const envs = [...model.variables.keys()].filter((e) => e.startsWith("tenant-contoso")).sort();
            assert.deepEqual(envs, mode === "reviewed" ? ["tenant-contoso", "tenant-contoso-drift", "tenant-contoso-preview"] : ["tenant-contoso", "tenant-contoso-drift"]);
            for (const env of envs) {
                const vars = model.variables.get(env) as Map<string, string>;
                for (const key of ["STATE_AZURE_CLIENT_ID", "AZURE_CLIENT_ID"]) {
                    const identity = model.identities.get(byClientId.get(vars.get(key) as string) as string);
                    assert.ok(identity?.subjects.some((s) => s.subject.includes(`:environment:${env}:`)), `${env} ${key} names an identity that does not trust ${env}`);
                }
                assert.equal(vars.get("PULUMI_BACKEND_URL"), "azblob://tenant-contoso?storage_account=jtelstate");
                assert.equal(vars.get("AZURE_TENANT_ID"), TENANTS.contoso);
                assert.deepEqual([...vars.keys()].filter((k) => /SECRET|PASSWORD|TOKEN/.test(k)), []);
            }
        });

        it("creates the stack with its own Key Vault key, in its own container", () => {
            const init = contoso.jtel.calls.find((c) => c.tool === "pulumi" && c.args[1] === "init");
            assert.deepEqual(init?.args, ["stack", "init", "contoso", "--non-interactive", "--secrets-provider", "azurekeyvault://jtel-state-kv.vault.azure.net/keys/tenant-contoso"]);
            assert.equal(init?.backend, "azblob://tenant-contoso?storage_account=jtelstate");
        });

        it("tells the customer to sign in without needing a subscription", () => {
            assert.match(contoso.jtel.stdout, /az login --tenant 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 --allow-no-subscriptions/);
        });

        if (full) it("changes nothing on a second run of every phase", async () => {
            const before = { github: structuredClone([...github(bench).state.environments].map(([k, v]) => [k, { ...v, variables: [...v.variables] }])), az: bench.azState() };
            const requestsBefore = github(bench).requests.length;
            const again = await bench.bootstrap("contoso");
            const after = { github: structuredClone([...github(bench).state.environments].map(([k, v]) => [k, { ...v, variables: [...v.variables] }])), az: bench.azState() };
            assert.deepEqual(after, before);
            // The environments' protection is PUT again (idempotent), and in offline-plan mode the reviewers rule is
            // tried again where the plan is not readable (GitHub's shell from the refusal deleted again).
            const changing = github(bench).requests.slice(requestsBefore).filter((r) => r.method !== "GET" && !(r.method === "PUT" && r.path.includes("/environments/"))
                && !(r.method === "DELETE" && r.path.endsWith("/environments/tenant-contoso-preview") && mode === "offline-plan"));
            assert.deepEqual(changing.map((r) => `${r.method} ${r.path}`), []);
            assert.doesNotMatch(again.jtel.stderr + (again.customer?.stderr ?? ""), /replacing|removing/);
        });

        describe("catches", () => {
            const deployIdentity = "managed identity jtel-presence-contoso-deploy";
            const readIdentity = "managed identity jtel-presence-contoso-preview";
            const mutations: [string, (m: Model) => void, RegExp][] = [
                ["a deploy environment open to every branch", (m) => { (m.environments.get("tenant-contoso") as Environment).branchPolicies = "all"; }, /jtel-presence-contoso-deploy \(deploy, decrypt\) trusts .*environment:tenant-contoso:event_name:push/],
                ["a deploy environment that also admits release branches", (m) => { (m.environments.get("tenant-contoso") as Environment).branchPolicies = ["branch:main", "branch:release/*"]; }, /admits branch:main, branch:release\/\*/],
                ["a deploy credential for pull requests", (m) => { m.identities.get(deployIdentity)?.subjects.push({ name: "x", subject: `${m.prefix}:environment:tenant-contoso:event_name:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: NEVER }); }, /pull_request from main into an unreviewed branch/],
                ["a credential for the default pull_request subject", (m) => { m.identities.get("app jtel presence deployer (jtel/jtel-teams-presence contoso)")?.subjects.push({ name: "x", subject: `${m.prefix}:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: NEVER }); }, /names no environment and event/],
                ["a credential for an environment nobody created", (m) => { m.identities.get(readIdentity)?.subjects.push({ name: "x", subject: `${m.prefix}:environment:tenant-contoso-test:event_name:push`, issuer: ISSUER, audience: AUDIENCE, at: NEVER }); }, /tenant-contoso-test was never created/],
                ["a credential for the repository's name where GitHub sends another prefix", (m) => { m.identities.get(readIdentity)?.subjects.push({ name: "x", subject: "repo:someone/jtel-teams-presence:environment:tenant-contoso-drift:event_name:schedule", issuer: ISSUER, audience: AUDIENCE, at: NEVER }); }, /trusts another repository/],
                ["a decrypting identity trusting pull requests in a main-only environment", (m) => { m.identities.get(readIdentity)?.subjects.push({ name: "x", subject: `${m.prefix}:environment:tenant-contoso-drift:event_name:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: NEVER }); }, /preview \(decrypt\) trusts .*tenant-contoso-drift:event_name:pull_request: environment tenant-contoso-drift admits main/],
                ["another issuer", (m) => { const s = m.identities.get(deployIdentity)?.subjects[0]; if (s) s.issuer = "https://example.com"; }, /trusts issuer https:\/\/example\.com/],
                ["a credential created before its environment is protected", (m) => { const s = m.identities.get(deployIdentity)?.subjects[0]; if (s) s.at = -1n; }, /trusts tenant-contoso before the environment is protected/],
            ];
            if (mode === "reviewed") {
                mutations.push(
                    ["a preview environment without reviewers", (m) => { (m.environments.get("tenant-contoso-preview") as Environment).reviewers = 0; }, /jtel-presence-contoso-preview \(decrypt\) trusts .*tenant-contoso-preview:event_name:pull_request: environment tenant-contoso-preview admits every branch/],
                    ["reviewers who may approve their own run", (m) => { (m.environments.get("tenant-contoso-preview") as Environment).preventSelfReview = false; }, /tenant-contoso-preview admits every branch and has no reviewer who is not the run's author/],
                );
            } else {
                mutations.push(["any identity trusting a pull request in offline-plan mode", (m) => {
                    m.environments.set("tenant-contoso-preview", { name: "tenant-contoso-preview", reviewers: 1, preventSelfReview: true, branchPolicies: "all", createdAt: 0n });
                    m.identities.get("app jtel presence reader (jtel/jtel-teams-presence contoso)")?.subjects.push({ name: "x", subject: `${m.prefix}:environment:tenant-contoso-preview:event_name:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: NEVER });
                }, /reader .* trusts .*pull_request although the preview mode is offline-plan/]);
            }
            for (const [what, mutate, expected] of mutations) {
                it(what, () => {
                    const broken = structuredClone(model);
                    mutate(broken);
                    const found = isolationViolations(broken);
                    assert.ok(found.some((v) => expected.test(v)), `expected ${expected}, got:\n${found.join("\n")}`);
                });
            }
        });
    });
}

describe("the bootstrap script, edited, is caught by the isolation proof", function () {
    this.timeout(120_000);
    const mutants: [string, string, string, Partial<FakeScenario>, RegExp][] = [
        ["a script that forgets the preview environment's reviewers", '"reviewers": [{"type": "${type}", "id": ${id}}]', '"reviewers": []', { repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "public" } }, /preview \(decrypt\) trusts .*pull_request/],
        ["a script that keeps the pull_request credentials in offline-plan mode", '[[ "$preview_mode" != reviewed ]] || wanted "$preview_env"', 'wanted "$preview_env"', {}, /pull_request although the preview mode is offline-plan/],
        ["a script that builds the subject from the repository's name", 'subject_prefix="$reported"', 'subject_prefix="repo:${repo}"', {}, /trusts another repository/],
    ];
    for (const [what, from, to, fake, expected] of mutants) {
        it(what, async () => {
            const text = readFileSync(SCRIPT, "utf8");
            assert.ok(text.includes(from), "the mutation applies");
            const bench = await BootstrapBench.create(scenario(fake), text.replace(from, to));
            try {
                await bench.bootstrap("contoso", { through: "jtel" });
                const found = isolationViolations(modelOf(bench));
                assert.ok(found.some((v) => expected.test(v)), found.join("\n"));
            } finally {
                await bench.dispose();
            }
        });
    }
});

describe("onboarding against GitHub as partners have it today", function () {
    this.timeout(180_000);
    const jtel = (stack = "contoso", extra: string[] = []) => ["jtel", "--stack", stack, "--tenant-id", TENANTS[stack], ...extra];
    let bench: BootstrapBench;
    afterEach(async () => bench?.dispose());

    async function expectStopBeforeAnything(fake: Partial<FakeScenario>, message: RegExp, env: Record<string, string | undefined> = {}): Promise<Run> {
        bench = await BootstrapBench.create(scenario(fake));
        const run = await bench.run(jtel(), STATE_TENANT, { env });
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, message);
        assert.deepEqual(writes(bench), [], "nothing was created on GitHub");
        assert.deepEqual(azChanges(run), [], "nothing was created in Azure");
        assert.equal(github(bench).state.environments.size, 0);
        return run;
    }

    it("stops on GitHub's default subject template with the exact command, which works; the re-run completes", async () => {
        const run = await expectStopBeforeAnything({ oidc: { use_default: true } }, /OIDC subject template of jtel\/jtel-teams-presence is \{repo,context \(GitHub's default\)\}, not \{repo,context,event_name\}/);
        const command = /^ {2}(gh api -X PUT .*)$/m.exec(run.stderr)?.[1];
        assert.ok(command, run.stderr);
        assert.match(command, /"use_immutable_subject": true/, "an immutable format stays immutable");
        const applied = await shell(command, bench);
        assert.equal(applied.status, 0, applied.stderr);
        assert.deepEqual(github(bench).claimKeys(), ["repo", "context", "event_name"]);
        await bench.bootstrap("contoso", { through: "jtel" });
        assert.deepEqual(isolationViolations(modelOf(bench)), []);
    });

    const prefixes: [string, Partial<FakeScenario>, string, RegExp | undefined][] = [
        ["builds the immutable prefix from the repository's IDs where GitHub reports use_immutable_subject but no prefix",
            { reports: { subClaimPrefix: false }, oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"], use_immutable_subject: true } }, "repo:jtel@5510001/jtel-teams-presence@912345678", undefined],
        ["takes the organization's use_immutable_subject where the repository reports none",
            { reports: { subClaimPrefix: false }, orgOidc: { include_claim_keys: ["repo", "context"], use_immutable_subject: true } }, "repo:jtel@5510001/jtel-teams-presence@912345678", undefined],
        ["trusts the reported prefix over a use_immutable_subject false next to it, and says so",
            { oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"], use_immutable_subject: false } }, "repo:jtel@5510001/jtel-teams-presence@912345678", /reports use_immutable_subject false but the prefix repo:jtel@5510001\/jtel-teams-presence@912345678; the prefix is what tokens carry/],
        ["uses the classic prefix where GitHub reports no subject format (GitHub Enterprise Server), naming --subject-prefix",
            { immutableSubjects: false, reports: { subClaimPrefix: false, useImmutableSubject: false } }, "repo:jtel/jtel-teams-presence", /GitHub reported no subject format .* pass --subject-prefix/],
    ];
    for (const [what, fake, prefix, note] of prefixes) {
        it(what, async () => {
            bench = await BootstrapBench.create(scenario(fake));
            const { jtel: run } = await bench.bootstrap("contoso", { through: "jtel" });
            assert.match(run.stdout, new RegExp(`^Subjects: ${prefix}:environment:<environment>:event_name:<event>$`, "m"));
            assert.equal(github(bench).subjectPrefix(), prefix, "the fake sends that prefix");
            if (note) assert.match(run.stderr, note);
            assert.deepEqual(isolationViolations(modelOf(bench)), []);
        });
    }

    it("stops while main is unprotected", async () => {
        await expectStopBeforeAnything({ protectedBranches: [] }, /main is not protected/);
    });

    it("stops when the token may not read the subject settings, naming --subject-prefix; with it the bootstrap completes", async () => {
        await expectStopBeforeAnything({ forbidden: [/^GET \/repos\/[^/]+\/[^/]+\/actions\/oidc\/customization\/sub$/] }, /could not read the OIDC subject settings .*Resource not accessible by personal access token.*--subject-prefix PREFIX/);
        const prefix = github(bench).subjectPrefix();
        const { jtel: run } = await bench.bootstrap("contoso", { jtelArgs: ["--subject-prefix", prefix], through: "jtel" });
        assert.match(run.stderr, /using --subject-prefix repo:jtel@5510001\/jtel-teams-presence@912345678 as given/);
        assert.deepEqual(isolationViolations(modelOf(bench)), []);
    });

    it("stops before anything when an existing deploy environment admits more than main (GitHub's second page of branch policies)", async () => {
        bench = await BootstrapBench.create(scenario());
        const env = (await (async () => {
            const run = await shell(`gh api -X PUT repos/${github(bench).fullName}/environments/tenant-contoso --input - <<<'{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}'`, bench);
            assert.equal(run.status, 0, run.stderr);
            return github(bench).state.environments.get("tenant-contoso");
        })());
        // gh --paginate asks for 100 per page: the release branch is on the second.
        for (let i = 0; i < 120; i++) env?.branchPolicies.push({ id: 50 + i, name: i === 110 ? "release/*" : `main`, type: "branch" });
        const before = github(bench).requests.length;
        const run = await bench.run(jtel(), STATE_TENANT);
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /environment tenant-contoso already admits .*branch:release\/\*/);
        assert.deepEqual(github(bench).requests.slice(before).filter((r) => r.method !== "GET"), []);
        assert.ok(github(bench).requests.slice(before).some((r) => r.query.page === "2"), "the script read the second page");
    });

    it("stops on a private repository of an organization on GitHub Free, which has no environments", async () => {
        await expectStopBeforeAnything({ plan: "free", planVisible: true }, /on GitHub Free, which offers no environments for private repositories/);
    });

    /** The trials of the reviewers rule on the preview environment: the reviewers each PUT named, and GitHub's status. */
    function trials(): string[] {
        return github(bench).requests.filter((r) => r.method === "PUT" && r.path.endsWith("/environments/tenant-contoso-preview"))
            .map((r) => `${((r.body as { reviewers?: { type: string; id: number }[] }).reviewers ?? []).map((v) => `${v.type} ${v.id}`).join(", ")}: ${r.status}`);
    }

    it("asks for a reviewers team only once GitHub accepts the rule, tried with the operator as reviewer, and leaves no environment behind", async () => {
        bench = await BootstrapBench.create(scenario({ plan: "enterprise" }));
        const run = await bench.run(jtel(), STATE_TENANT, { env: { PREVIEW_REVIEWERS_TEAM: undefined } });
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /GitHub accepted required reviewers for jtel\/jtel-teams-presence \(the trial's tenant-contoso-preview is deleted again\): reviewed previews are available and need a team of jtel .*set PREVIEW_REVIEWERS_TEAM/);
        assert.deepEqual(trials(), [`User ${TOKEN_USER.id}: 200`]);
        assert.deepEqual(writes(bench), ["PUT /repos/jtel/jtel-teams-presence/environments/tenant-contoso-preview 200", "DELETE /repos/jtel/jtel-teams-presence/environments/tenant-contoso-preview 204"]);
        assert.equal(github(bench).state.environments.size, 0);
        assert.deepEqual(azChanges(run), [], "nothing was created in Azure");
    });

    it("needs no reviewers team on GitHub Team when the plan is not readable: the operator's trial gets 422 and the bootstrap completes in offline-plan", async () => {
        bench = await BootstrapBench.create(scenario());
        const run = await bench.run(jtel(), STATE_TENANT, { env: { PREVIEW_REVIEWERS_TEAM: undefined } });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stderr, /trying required reviewers on tenant-contoso-preview, with jtel-operator as the reviewer \(PREVIEW_REVIEWERS_TEAM is not set\)/);
        assert.match(run.stdout, /^Preview mode: offline-plan: GitHub answered 422/m);
        assert.deepEqual(trials(), [`User ${TOKEN_USER.id}: 422`]);
        assert.ok(!github(bench).state.environments.has("tenant-contoso-preview"), "the shell GitHub left is deleted");
        assert.equal(github(bench).state.variables.get("PREVIEW_MODE"), "offline-plan");
    });

    it("puts back the team of an earlier reviewed setup after the operator's trial, then asks for PREVIEW_REVIEWERS_TEAM", async () => {
        bench = await BootstrapBench.create(scenario({ plan: "enterprise" }));
        const seeded = await shell(`gh api -X PUT repos/jtel/jtel-teams-presence/environments/tenant-contoso-preview --input - <<<'{"reviewers": [{"type": "Team", "id": ${REVIEWERS_TEAM.id}}], "prevent_self_review": true}'`, bench);
        assert.equal(seeded.status, 0, seeded.stderr);
        const run = await bench.run(jtel(), STATE_TENANT, { env: { PREVIEW_REVIEWERS_TEAM: undefined } });
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /GitHub accepted required reviewers for jtel\/jtel-teams-presence \(tenant-contoso-preview's reviewers are put back as they were\).*set PREVIEW_REVIEWERS_TEAM/);
        assert.deepEqual(trials().slice(1), [`User ${TOKEN_USER.id}: 200`, `Team ${REVIEWERS_TEAM.id}: 200`]);
        const preview = github(bench).state.environments.get("tenant-contoso-preview");
        assert.deepEqual({ reviewers: preview?.reviewers, self: preview?.preventSelfReview }, { reviewers: [{ type: "Team", id: REVIEWERS_TEAM.id }], self: true });
        assert.equal(github(bench).state.environments.size, 1, "nothing else was created");
    });

    /** A repository of a personal account, bootstrapped with its owner's own token. */
    const PERSONAL = { owner: { login: "anna", id: 6_600_001, type: "User" as const }, tokenUser: { login: "anna", id: 6_600_001 }, teams: {} };

    it("stops before anything on a private repository of a personal account on GitHub Free, read from GET /user", async () => {
        await expectStopBeforeAnything({ ...PERSONAL, plan: "free", userScope: true }, /anna\/jtel-teams-presence is private and anna is a personal account on GitHub Free, which offers no environments for private repositories .*move anna to GitHub Pro/);
    });

    it("takes a personal account's private repository to offline-plan, saying where its plan could not be read", async () => {
        bench = await BootstrapBench.create(scenario({ ...PERSONAL, plan: "pro" }));
        const run = await bench.run(jtel(), STATE_TENANT, { env: { PREVIEW_REVIEWERS_TEAM: undefined } });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^Preview mode: offline-plan: anna\/jtel-teams-presence belongs to a personal account, which has no team to review previews \(its plan is readable only by its own token with read:user: on GitHub Free/m);
        assert.deepEqual(trials(), [], "no trial");
    });

    it("reads a visible Team plan without trying the rule, and needs no reviewers team in offline-plan mode", async () => {
        bench = await BootstrapBench.create(scenario({ planVisible: true }));
        const run = await bench.run(jtel(), STATE_TENANT, { env: { PREVIEW_REVIEWERS_TEAM: undefined } });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /Preview mode: offline-plan: jtel\/jtel-teams-presence is private and jtel is on GitHub Team/);
        assert.ok(!github(bench).requests.some((r) => r.path.endsWith("/environments/tenant-contoso-preview") && r.method === "PUT"), "no trial");
    });

    it("deletes the environment GitHub creates although it refuses the reviewers rule, with GitHub's 422 body", async () => {
        bench = await BootstrapBench.create(scenario());
        const run = await bench.run(jtel(), STATE_TENANT);
        assert.equal(run.status, 0, run.stderr);
        const trial = github(bench).requests.find((r) => r.method === "PUT" && r.path.endsWith("/environments/tenant-contoso-preview"));
        assert.equal(trial?.status, 422);
        assert.match(run.stderr, /GitHub created tenant-contoso-preview although it refused the rule; deleted it again/);
        assert.ok(github(bench).requests.some((r) => r.method === "DELETE" && r.path.endsWith("/environments/tenant-contoso-preview")));
        assert.ok(REVIEWERS_REFUSED.includes("Please ensure the billing plan supports the required reviewers protection rule"));
    });

    it("replaces a credential whose subject GitHub no longer sends (a repository renamed into immutable subjects), saying what it replaced", async () => {
        bench = await BootstrapBench.create(scenario({ immutableSubjects: false, oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"], use_immutable_subject: false } }));
        await bench.bootstrap("contoso", { through: "customer" });
        github(bench).state.scenario.immutableSubjects = true;
        github(bench).state.oidc.use_immutable_subject = true;
        const again = await bench.bootstrap("contoso", { through: "customer" }) as { jtel: Run; customer: Run };
        assert.match(again.jtel.stderr, /replacing jtel-presence-contoso-deploy's credential tenant-contoso-push: it trusted repo:jtel\/jtel-teams-presence:environment:tenant-contoso:event_name:push .*GitHub sends repo:jtel@5510001\/jtel-teams-presence@912345678:environment:tenant-contoso:event_name:push/);
        assert.match(again.customer.stderr, /replacing app \S+'s credential tenant-contoso-drift-schedule: it trusted repo:jtel\/jtel-teams-presence:/);
        const model = modelOf(bench);
        assert.deepEqual(isolationViolations(model), []);
        for (const identity of model.identities.values()) for (const s of identity.subjects) assert.ok(s.subject.startsWith("repo:jtel@5510001/jtel-teams-presence@912345678:"), s.subject);
    });

    it("removes every pull_request credential when the repository moves to offline-plan mode, and leaves others' credentials alone, named", async () => {
        bench = await BootstrapBench.create(scenario({ repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "public" } }));
        await bench.bootstrap("contoso", { through: "customer" });
        const state = bench.azState();
        state.credentials["identity jtel-presence-contoso-preview"].push({ name: "someone-elses", subject: "repo:x/y:ref:refs/heads/main", issuer: ISSUER, audiences: [AUDIENCE] });
        bench.writeAzState(state);
        github(bench).state.scenario.repo.visibility = "private";
        const again = await bench.bootstrap("contoso", { through: "customer" }) as { jtel: Run; customer: Run };
        assert.match(again.jtel.stdout, /Preview mode: offline-plan/);
        assert.match(again.jtel.stderr, /PREVIEW_MODE was reviewed; run the jtel and customer phases again for every other stack/);
        assert.match(again.jtel.stderr, /removing jtel-presence-contoso-preview's credential tenant-contoso-preview-pull-request \(it trusted \S+:environment:tenant-contoso-preview:event_name:pull_request\)/);
        assert.match(again.customer.stderr, /removing app \S+'s credential tenant-contoso-preview-pull-request/);
        assert.match(again.jtel.stderr, /left alone: jtel-presence-contoso-preview's credential someone-elses \(repo:x\/y:ref:refs\/heads\/main\)/);
        assert.match(again.jtel.stderr, /tenant-contoso-preview exists from an earlier reviewed setup .* gh api -X DELETE repos\/jtel\/jtel-teams-presence\/environments\/tenant-contoso-preview/);
        const model = modelOf(bench);
        const ours = [...model.identities.values()].flatMap((i) => i.subjects.filter((s) => s.name !== "someone-elses").map((s) => s.subject));
        assert.ok(!ours.some((s) => s.endsWith(":pull_request")), ours.join("\n"));
        assert.equal(github(bench).state.variables.get("PREVIEW_MODE"), "offline-plan");
    });

    it("completes on a re-run what a failed run left half-made", async () => {
        bench = await BootstrapBench.create(scenario());
        const failed = await bench.run(jtel(), STATE_TENANT, { rules: [{ match: "^az role assignment create .*Key Vault Crypto User", exit: 1 }] });
        assert.equal(failed.status, 1);
        await bench.bootstrap("contoso", { through: "jtel" });
        const model = modelOf(bench);
        assert.deepEqual(isolationViolations(model), []);
        assert.deepEqual(model.identities.get("managed identity jtel-presence-contoso-deploy")?.roles.map((r) => r.role).sort(), ["Key Vault Crypto User", "Storage Blob Data Contributor", "Storage Blob Data Contributor"]);
    });

    it("records a handoffKeyVault's subscription in every environment that runs the program, and refuses to link without one", async () => {
        bench = await BootstrapBench.create(scenario({ repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "public" } }));
        bench.writeStackFile("contoso", 'config:\n  jtel-teams-presence:handoffKeyVault: {"resourceGroupName":"rg","vaultName":"kv-contoso"}\n');
        await assert.rejects(bench.bootstrap("contoso"), /link phase failed \(1\)[^]*handoffKeyVault, whose vault lives in an Azure subscription: pass --subscription-id/);
        const sub = "aaaaaaaa-0000-4000-8000-000000000009";
        const ids = bench.azState().apps;
        const link = await bench.run(["link", "--stack", "contoso", "--deployer-client-id", Object.values(ids)[0], "--reader-client-id", Object.values(ids)[1], "--subscription-id", sub], STATE_TENANT);
        assert.equal(link.status, 0, link.stderr);
        for (const env of ["tenant-contoso", "tenant-contoso-drift", "tenant-contoso-preview"]) {
            assert.equal(github(bench).state.environments.get(env)?.variables.get("AZURE_SUBSCRIPTION_ID"), sub, env);
        }
    });

    it("takes the subscription from the stack file's handoffKeyVault, and says at the jtel phase that the stack needs one", async () => {
        bench = await BootstrapBench.create(scenario());
        const sub = "aaaaaaaa-0000-4000-8000-00000000000a";
        bench.writeStackFile("contoso", `config:\n  jtel-teams-presence:handoffKeyVault: {"resourceGroupName":"rg","vaultName":"kv-contoso","subscriptionId":"${sub}"}\n`);
        const { jtel: run } = await bench.bootstrap("contoso");
        assert.match(run.stdout, /sets handoffKeyVault: give the link phase --subscription-id/);
        assert.equal(github(bench).state.environments.get("tenant-contoso")?.variables.get("AZURE_SUBSCRIPTION_ID"), sub);
        assert.equal(github(bench).state.environments.get("tenant-contoso-drift")?.variables.get("AZURE_SUBSCRIPTION_ID"), sub);
        assert.equal(github(bench).state.environments.get("tenant-contoso-preview"), undefined, "offline-plan mode has no preview environment");
    });
});

describe("the bootstrap script refuses", function () {
    this.timeout(60_000);
    let bench: BootstrapBench;
    before(async () => { bench = await BootstrapBench.create(scenario()); });
    after(async () => bench.dispose());

    const prefix = "repo:jtel@5510001/jtel-teams-presence@912345678";
    const customer = (extra: string[]) => ["customer", "--stack", "contoso", "--tenant-id", TENANTS.contoso, "--repo", "jtel/jtel-teams-presence", ...extra];
    const refusals: [string, string[], string, number, RegExp, Record<string, string>?][] = [
        ["a stack name with upper case", ["jtel", "--stack", "Contoso", "--tenant-id", TENANTS.contoso], STATE_TENANT, 2, /--stack "Contoso" must be lower-case/],
        ["a tenant ID that is not a GUID", ["jtel", "--stack", "contoso", "--tenant-id", "contoso.com"], STATE_TENANT, 2, /--tenant-id "contoso\.com" must be a GUID/],
        ["a subject prefix that is not one", ["jtel", "--stack", "contoso", "--tenant-id", TENANTS.contoso, "--subject-prefix", "jtel/jtel-teams-presence"], STATE_TENANT, 2, /--subject-prefix "jtel\/jtel-teams-presence" must be the subject prefix GitHub sends/],
        ["the customer phase without the prefix the jtel phase printed", customer(["--preview-mode", "offline-plan"]), TENANTS.contoso, 2, /--subject-prefix is required: the jtel phase prints this command/],
        ["the customer phase with a prefix of another repository", customer(["--subject-prefix", "repo:jtel@1/other@2", "--preview-mode", "offline-plan"]), TENANTS.contoso, 2, /names another repository than --repo jtel\/jtel-teams-presence/],
        ["the customer phase without a preview mode", customer(["--subject-prefix", prefix]), TENANTS.contoso, 2, /--preview-mode "" must be reviewed or offline-plan/],
        ["the customer phase signed in to another tenant, naming the sign-in without a subscription", customer(["--subject-prefix", prefix, "--preview-mode", "offline-plan"]), TENANTS.fabrikam, 1, /signed in to tenant 8a7b6c5d.*must run in tenant 0f1e2d3c.* \(az login --tenant 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 --allow-no-subscriptions\)/],
        ["the jtel phase signed in to the customer's tenant", ["jtel", "--stack", "contoso", "--tenant-id", TENANTS.contoso], TENANTS.contoso, 1, /must run in tenant 11111111/],
        ["one app as both deployer and reader", ["link", "--stack", "contoso", "--deployer-client-id", TENANTS.contoso, "--reader-client-id", TENANTS.contoso], STATE_TENANT, 2, /two different apps/],
        ["the link phase before the jtel phase", ["link", "--stack", "contoso", "--deployer-client-id", TENANTS.contoso, "--reader-client-id", TENANTS.fabrikam], STATE_TENANT, 1, /has no repository variable PREVIEW_MODE: run the jtel phase for contoso first/],
        ["an unknown argument", ["jtel", "--stack", "contoso", "--force"], STATE_TENANT, 2, /unknown argument --force/],
    ];
    for (const [what, args, tenant, status, message] of refusals) {
        it(`${what}, changing nothing`, async () => {
            const requests = github(bench).requests.length;
            const run = await bench.run(args, tenant);
            assert.equal(run.status, status, run.stderr);
            assert.match(run.stderr, message);
            assert.deepEqual(azChanges(run), []);
            assert.deepEqual(github(bench).requests.slice(requests).filter((r) => r.method !== "GET"), []);
        });
    }

    const tools: [string, string | undefined, Rule[], RegExp][] = [
        ["gh older than 2.23.0", 'echo "gh version 2.20.2 (2022-11-01)"', [], /gh 2\.20\.2 is older than 2\.23\.0/],
        ["no gh at all", "exit 127", [], /gh \(GitHub's CLI\) is not installed: install gh 2\.23\.0 or newer/],
        ["az older than 2.45.0", undefined, [{ match: "^az version", stdout: "2.40.0" }], /az 2\.40\.0 is older than 2\.45\.0/],
        ["an az that cannot load az keyvault key (Debian's package)", undefined, [{ match: "^az keyvault key create --help", exit: 1 }], /cannot load its 'az keyvault key' commands \(Debian's azure-cli package lacks the azure\.keyvault\.v7_0 module\)/],
    ];
    for (const [what, gh, rules, message] of tools) {
        it(`the jtel phase with ${what}, before anything is read or created, naming the minimum`, async () => {
            if (gh !== undefined) bench.shadow("gh", gh);
            try {
                const requests = github(bench).requests.length;
                const run = await bench.run(["jtel", "--stack", "contoso", "--tenant-id", TENANTS.contoso], STATE_TENANT, { rules });
                assert.equal(run.status, 1, run.stderr);
                assert.match(run.stderr, message);
                assert.equal(github(bench).requests.length, requests, "GitHub was not asked");
                assert.deepEqual(azChanges(run), []);
            } finally {
                bench.unshadow("gh");
            }
        });
    }
});

// ---------------------------------------------------------------------------------------------------------

/** Runs a command line in bash with gh pointed at the fake, as an admin would paste it. */
async function shell(command: string, bench: BootstrapBench): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn("bash", ["-c", command], { env: { PATH: process.env.PATH, HOME: bench.dir, ...bench.github.env() }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { status, stdout, stderr };
}

describe("the subject probe (oidc-subject.yml) in the isolation model", () => {
    it("requests tokens in main's workflows only in the stack's environments, and only for jobs that sign in or only print their subject", () => {
        for (const ctx of [...ALL_CONTEXTS, ...ALL_CONTEXTS.map((c: EventContext) => withVars(c, { PREVIEW_MODE: "reviewed" }))]) {
            for (const { id, job } of jobsFor(workflows, ctx)) {
                const env = environmentName(job);
                if (permissionsOf(job)["id-token"] === "write") assert.ok(env && environmentKind(env), `${id} on ${ctx.github.event_name}`);
            }
        }
    });

    it("asks GitHub for an audience that no federated credential accepts", () => {
        assert.notEqual(SUBJECT_PROBE_AUDIENCE, AUDIENCE);
        const probes = Object.values(workflows).flatMap((wf) => Object.values(wf.jobs)).filter(printsSubjectOnly);
        assert.equal(probes.length, 3, "one probe job per environment of a stack");
    });
});
