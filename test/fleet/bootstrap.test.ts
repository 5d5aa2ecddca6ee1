// The isolation property, proven from the bootstrap script and the workflow files together: no job that an
// unreviewed branch can start obtains a tenant's deploy identity or its decryption key.
//
// The script runs for real, with recording fakes of az, gh and pulumi on PATH (fakeCli.mjs); what it did is
// read back into a model: GitHub environments and their protection, identities, the subjects their federated
// credentials trust, and the roles they hold. The adversary (push rights, no reviewer's approval, no admin
// rights) writes any workflow in a branch, so main's workflow files bind nothing; what binds is GitHub's OIDC
// subject and the environments' protection:
//   - a job that names environment E gets the subject repo:R:environment:E:event_name:EV (the repository's
//     subject template {repo, context, event_name}; docs.github.com/en/actions/reference/security/oidc);
//   - it runs only when E's protection admits it: required reviewers hold every run for a reviewer other
//     than its author; a deployment branch policy admits only its branches, and GitHub blocks tags and fork
//     branches named like them (github.blog changelog 2023-08-10); a pull request is checked against its HEAD
//     branch, which can be main (a pull request from main into the adversary's branch runs their workflow);
//   - an environment nobody created is created, unprotected, by the first workflow that names it.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { tenantResourceNames } from "../../fleet/stacks";
import { ALL_CONTEXTS, environmentKind, environmentName, jobsFor, loadWorkflows, permissionsOf, REPO, scriptDir } from "../gitops/workflowModel";

const SCRIPT = join(scriptDir, "bootstrap-tenant.sh");
const ISSUER = "https://token.actions.githubusercontent.com";
const AUDIENCE = "api://AzureADTokenExchange";
const STATE_TENANT = "11111111-2222-4333-8444-555555555555";
const TENANTS: Record<string, string> = { contoso: "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001", fabrikam: "8a7b6c5d-4e3f-4a21-9b0c-d1e2f3a4b5c6" };
const ACCOUNT_ID = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/jtel-state/providers/Microsoft.Storage/storageAccounts/jtelstate";
const VAULT_ID = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/jtel-state/providers/Microsoft.KeyVault/vaults/jtel-state-kv";

/** Events whose workflow file comes from the triggering branch, so an unreviewed branch controls the job. */
const PR_EVENTS = ["pull_request", "pull_request_review", "pull_request_review_comment"];

/** Roles that change nothing: reading state or the directory. Every other role counts as a deploy right. */
const AUDIT_LOG_READ = "Graph application permission AuditLog.Read.All (b0afded3-3588-46d8-8b3d-9842eff778da)";
const READ_ONLY_ROLES = ["Storage Blob Data Reader", "Directory Readers (88d8e3e3-8f55-4a1e-953a-9b9898b8876b)", AUDIT_LOG_READ];
/** Roles that can decrypt with a key in Key Vault (the data-plane decrypt action). */
const DECRYPT_ROLES = ["Key Vault Crypto User", "Key Vault Crypto Officer", "Key Vault Administrator"];

interface Call { tool: string; args: string[]; stdin: string; stdout: string; exit: number; backend: string | null }

interface Environment { name: string; reviewers: number; preventSelfReview: boolean; branchPolicies: string[] | "all"; createdAt: number }
interface Identity { name: string; subjects: { subject: string; issuer: string; audience: string; at: number }[]; roles: { role: string; scope: string }[] }
interface Model { environments: Map<string, Environment>; identities: Map<string, Identity>; variables: Map<string, Map<string, string>>; checkedTemplateAt: number }

// ---------------------------------------------------------------------------------------------------------
// Running the script

function fakeRules(tenant: string): { match: string; stdout?: string; exit?: number }[] {
    return [
        { match: "^az account show", stdout: tenant },
        { match: "^gh repo view", stdout: REPO },
        { match: "^gh api repos/\\S+/actions/oidc/customization/sub", stdout: "false\trepo,context,event_name" },
        { match: "^gh api repos/\\S+/branches/main", stdout: "true" },
        { match: "^gh api orgs/jtel/teams/presence-reviewers", stdout: "4242" },
        { match: "^gh api repos/\\S+/deployment-branch-policies --jq", stdout: "" },
        { match: "^az storage account show", stdout: ACCOUNT_ID },
        { match: "^az keyvault show", stdout: VAULT_ID },
        { match: "^az (keyvault key|identity federated-credential) show", exit: 3 },
        { match: "^az ad sp show --id \\S+$", exit: 3 },
        { match: "^az ad app (list|federated-credential list)", stdout: "" },
        { match: "length\\(value", stdout: "0" },
        { match: "^pulumi stack select", exit: 255 },
    ];
}

interface Run { calls: Call[]; stdout: string; stderr: string; status: number | null }

function runScript(phase: string[], tenant: string, script = SCRIPT): Run {
    const dir = mkdtempSync(join(tmpdir(), "bootstrap-"));
    try {
        for (const tool of ["az", "gh", "pulumi"]) {
            writeFileSync(join(dir, tool), `#!/bin/sh\nexec node ${JSON.stringify(join(__dirname, "fakeCli.mjs"))} ${tool} "$@"\n`);
            chmodSync(join(dir, tool), 0o755);
        }
        writeFileSync(join(dir, "rules.json"), JSON.stringify(fakeRules(tenant)));
        writeFileSync(join(dir, "log.jsonl"), "");
        const env = {
            PATH: `${dir}:${process.env.PATH}`, HOME: dir, FAKE_RULES: join(dir, "rules.json"), FAKE_LOG: join(dir, "log.jsonl"),
            STATE_SUBSCRIPTION_ID: "aaaaaaaa-0000-4000-8000-000000000001", STATE_TENANT_ID: STATE_TENANT, STATE_RESOURCE_GROUP: "jtel-state",
            STATE_STORAGE_ACCOUNT: "jtelstate", STATE_KEY_VAULT: "jtel-state-kv", STATE_LOCATION: "westeurope", PREVIEW_REVIEWERS_TEAM: "presence-reviewers",
        };
        const result = spawnSync("bash", [script, ...phase], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });
        const calls = readFileSync(join(dir, "log.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Call);
        return { calls, stdout: result.stdout, stderr: result.stderr, status: result.status };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** The three phases for one stack, in the order new-tenant prints them, as one log. */
function bootstrap(stack: string, script = SCRIPT): Call[] {
    const tenant = TENANTS[stack];
    const jtel = runScript(["jtel", "--stack", stack, "--tenant-id", tenant], STATE_TENANT, script);
    assert.equal(jtel.status, 0, jtel.stderr);
    const customerCommand = /bootstrap-tenant\.sh (customer .*)/.exec(jtel.stdout)?.[1].split(" ");
    assert.ok(customerCommand, "the jtel phase prints the customer's command");
    const customer = runScript(customerCommand, tenant, script);
    assert.equal(customer.status, 0, customer.stderr);
    const deployer = /--deployer-client-id (\S+)/.exec(customer.stdout)?.[1];
    const reader = /--reader-client-id (\S+)/.exec(customer.stdout)?.[1];
    assert.ok(deployer && reader, "the customer phase prints both client IDs");
    const link = runScript(["link", "--stack", stack, "--deployer-client-id", deployer, "--reader-client-id", reader], STATE_TENANT, script);
    assert.equal(link.status, 0, link.stderr);
    return [...jtel.calls, ...customer.calls, ...link.calls];
}

// ---------------------------------------------------------------------------------------------------------
// Reading the calls back into a model

function flag(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
}

function modelOf(calls: Call[]): Model {
    const model: Model = { environments: new Map(), identities: new Map(), variables: new Map(), checkedTemplateAt: Infinity };
    /** Which identity an ID printed by an earlier call belongs to (client IDs, principal IDs, app IDs). */
    const owner = new Map<string, string>();
    const identity = (name: string): Identity => {
        if (!model.identities.has(name)) model.identities.set(name, { name, subjects: [], roles: [] });
        return model.identities.get(name) as Identity;
    };
    calls.forEach((call, at) => {
        const { tool, args } = call;
        const line = args.join(" ");
        if (tool === "gh" && /^api repos\/\S+\/actions\/oidc\/customization\/sub/.test(line)) model.checkedTemplateAt = Math.min(model.checkedTemplateAt, at);
        const envPut = /^api -X PUT repos\/[^/]+\/[^/]+\/environments\/([^/\s]+) --input -$/.exec(line);
        if (tool === "gh" && envPut) {
            const body = JSON.parse(call.stdin) as { reviewers: unknown[]; prevent_self_review: boolean; deployment_branch_policy: unknown };
            const previous = model.environments.get(envPut[1]);
            model.environments.set(envPut[1], {
                name: envPut[1], reviewers: body.reviewers.length, preventSelfReview: body.prevent_self_review,
                branchPolicies: body.deployment_branch_policy === null ? "all" : [], createdAt: previous?.createdAt ?? at,
            });
        }
        const policy = /^api -X POST repos\/[^/]+\/[^/]+\/environments\/([^/\s]+)\/deployment-branch-policies/.exec(line);
        if (tool === "gh" && policy) {
            const env = model.environments.get(policy[1]);
            assert.ok(env && env.branchPolicies !== "all", `a branch policy for ${policy[1]} before the environment is restricted`);
            const fields = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === "-f" ? [a.split("=") as [string, string]] : [])));
            env.branchPolicies.push(`${fields.type ?? "branch"}:${fields.name}`);
        }
        if (tool === "gh" && args[0] === "variable") {
            const env = flag(args, "--env") as string;
            if (!model.variables.has(env)) model.variables.set(env, new Map());
            model.variables.get(env)?.set(args[2], flag(args, "--body") as string);
        }
        if (tool === "az" && line.startsWith("identity create")) {
            const name = `managed identity ${flag(args, "--name")}`;
            for (const id of call.stdout.split("\t")) owner.set(id, name);
            identity(name);
        }
        if (tool === "az" && /^ad app (create|list) /.test(line)) {
            const name = `app ${flag(args, "--display-name")}`;
            for (const id of call.stdout.split(/\s+/).filter(Boolean)) owner.set(id, name);
            identity(name);
        }
        if (tool === "az" && line.startsWith("ad sp show") && call.stdout) owner.set(call.stdout, owner.get(flag(args, "--id") as string) as string);
        if (tool === "az" && line.startsWith("identity federated-credential create")) {
            identity(`managed identity ${flag(args, "--identity-name")}`).subjects.push({ subject: flag(args, "--subject") as string, issuer: flag(args, "--issuer") as string, audience: flag(args, "--audiences") as string, at });
        }
        if (tool === "az" && line.startsWith("ad app federated-credential create")) {
            const p = JSON.parse(flag(args, "--parameters") as string) as { subject: string; issuer: string; audiences: string[] };
            const name = owner.get(flag(args, "--id") as string);
            assert.ok(name, "a credential on an app the script created");
            identity(name).subjects.push({ subject: p.subject, issuer: p.issuer, audience: p.audiences.join(","), at });
        }
        if (tool === "az" && line.startsWith("role assignment create")) {
            const name = owner.get(flag(args, "--assignee-object-id") as string);
            assert.ok(name, "a role for an identity the script created");
            identity(name).roles.push({ role: flag(args, "--role") as string, scope: flag(args, "--scope") as string });
        }
        if (tool === "az" && line.startsWith("rest --method POST") && flag(args, "--uri")?.endsWith("/roleManagement/directory/roleAssignments")) {
            const body = JSON.parse(flag(args, "--body") as string) as { principalId: string; roleDefinitionId: string; directoryScopeId: string };
            const name = owner.get(body.principalId);
            assert.ok(name, "a directory role for a service principal the script created");
            identity(name).roles.push({ role: directoryRoleName(body.roleDefinitionId), scope: `directory ${body.directoryScopeId}` });
        }
        if (tool === "az" && line.startsWith("rest --method POST") && flag(args, "--uri")?.endsWith("/appRoleAssignments")) {
            const body = JSON.parse(flag(args, "--body") as string) as { principalId: string; appRoleId: string };
            const name = owner.get(body.principalId);
            assert.ok(name, "an application permission for a service principal the script created");
            const known: Record<string, string> = { "b0afded3-3588-46d8-8b3d-9842eff778da": "AuditLog.Read.All" };
            identity(name).roles.push({ role: `Graph application permission ${known[body.appRoleId] ?? "unknown"} (${body.appRoleId})`, scope: "Microsoft Graph" });
        }
    });
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

const SUBJECT = /^repo:([^:]+):environment:([^:]+):event_name:([a-z_]+)$/;

/** Whether an unreviewed branch can obtain a token with this subject; the reason when it can. */
export function unreviewedCanPresent(subject: string, model: Model, repo = REPO): string | undefined {
    const match = SUBJECT.exec(subject);
    if (!match) return `"${subject}" names no environment and event, so no protection rule guards it`;
    const [, subjectRepo, envName, event] = match;
    if (subjectRepo !== repo) return `"${subject}" trusts another repository`;
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
            if (!deploy && !decrypt) continue;
            const reason = unreviewedCanPresent(s.subject, model);
            if (reason) out.push(`${identity.name} (${[deploy && "deploy", decrypt && "decrypt"].filter(Boolean).join(", ")}) trusts ${s.subject}: ${reason}`);
        }
    }
    return out;
}

const workflows = loadWorkflows();

/** The events each kind of environment runs in main's workflows, e.g. preview -> pull_request. */
function workflowEvents(): Map<string, Set<string>> {
    const events = new Map<string, Set<string>>();
    for (const ctx of ALL_CONTEXTS) {
        for (const { job } of jobsFor(workflows, ctx)) {
            const env = environmentName(job);
            if (env === undefined || permissionsOf(job)["id-token"] !== "write") continue;
            const kind = environmentKind(env) as string;
            if (!events.has(kind)) events.set(kind, new Set());
            events.get(kind)?.add(ctx.github.event_name);
        }
    }
    return events;
}

// ---------------------------------------------------------------------------------------------------------

describe("the per-tenant bootstrap and the workflows: isolation", function () {
    // Three phases of a bash script over ~60 fake CLI calls, for two stacks.
    this.timeout(120_000);
    let contoso: Call[];
    let model: Model;
    let both: Model;
    before(() => {
        contoso = bootstrap("contoso");
        model = modelOf(contoso);
        both = modelOf([...contoso, ...bootstrap("fabrikam")]);
    });

    it("gives no job an unreviewed branch can start a deploy identity or a decryption key", () => {
        assert.deepEqual(isolationViolations(model), []);
        assert.deepEqual(isolationViolations(both), []);
    });

    it("creates four identities per tenant: deploy and preview for the state, deployer and reader in the customer's tenant", () => {
        assert.deepEqual([...model.identities.keys()].sort(), [
            "app jtel presence deployer (jtel/jtel-teams-presence contoso)", "app jtel presence reader (jtel/jtel-teams-presence contoso)",
            "managed identity jtel-presence-contoso-deploy", "managed identity jtel-presence-contoso-preview",
        ]);
        const rights = Object.fromEntries([...model.identities.values()].map((i) => [i.name.replace(/ \(.*\)$/, ""), privileges(i)]));
        assert.deepEqual(rights, {
            "app jtel presence deployer": { deploy: true, decrypt: false },
            "app jtel presence reader": { deploy: false, decrypt: false },
            "managed identity jtel-presence-contoso-deploy": { deploy: true, decrypt: true },
            "managed identity jtel-presence-contoso-preview": { deploy: false, decrypt: true },
        });
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
        for (const identity of both.identities.values()) {
            const stack = identity.name.includes("contoso") ? "contoso" : "fabrikam";
            const other = stack === "contoso" ? "fabrikam" : "contoso";
            for (const r of identity.roles) assert.ok(!r.scope.includes(`tenant-${other}`), `${identity.name} has ${r.role} on ${r.scope}`);
            for (const s of identity.subjects) assert.ok(s.subject.includes(`:environment:tenant-${stack}`) && !s.subject.includes(other), `${identity.name} trusts ${s.subject}`);
        }
    });

    it("protects the environments: deploy and drift admit main only, every preview waits for another person's approval", () => {
        const env = (name: string) => model.environments.get(name);
        assert.deepEqual(env("tenant-contoso")?.branchPolicies, ["branch:main"]);
        assert.deepEqual(env("tenant-contoso-drift")?.branchPolicies, ["branch:main"]);
        assert.equal(env("tenant-contoso")?.reviewers, 0, "the daily rotation runs unattended");
        assert.deepEqual({ reviewers: env("tenant-contoso-preview")?.reviewers, self: env("tenant-contoso-preview")?.preventSelfReview }, { reviewers: 1, self: true });
    });

    it("trusts, per environment, exactly the events main's workflows run in it", () => {
        const trusted = new Map<string, Set<string>>();
        for (const identity of model.identities.values()) {
            for (const s of identity.subjects) {
                const [, , env, event] = SUBJECT.exec(s.subject) ?? [];
                const kind = env === "tenant-contoso" ? "deploy" : env?.replace("tenant-contoso-", "") ?? "?";
                if (!trusted.has(kind)) trusted.set(kind, new Set());
                trusted.get(kind)?.add(event);
            }
        }
        const sorted = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());
        assert.deepEqual(sorted(trusted), sorted(workflowEvents()));
        assert.deepEqual(sorted(trusted), { deploy: ["push", "schedule", "workflow_dispatch"], drift: ["schedule", "workflow_dispatch"], preview: ["pull_request"] });
    });

    it("points each environment's variables at identities that trust that environment, and stores no secret", () => {
        const byClientId = new Map<string, string>();
        for (const call of contoso) {
            if (call.args[0] === "identity" && call.args[1] === "create") byClientId.set(call.stdout.split("\t")[0], `managed identity ${flag(call.args, "--name")}`);
            if (call.args[0] === "ad" && call.args[2] === "create" && call.args[1] === "app") byClientId.set(call.stdout, `app ${flag(call.args, "--display-name")}`);
        }
        for (const [env, vars] of model.variables) {
            for (const key of ["STATE_AZURE_CLIENT_ID", "AZURE_CLIENT_ID"]) {
                const identity = model.identities.get(byClientId.get(vars.get(key) as string) as string);
                assert.ok(identity?.subjects.some((s) => s.subject.includes(`:environment:${env}:`)), `${env} ${key} names an identity that does not trust ${env}`);
            }
            assert.equal(vars.get("PULUMI_BACKEND_URL"), "azblob://tenant-contoso?storage_account=jtelstate");
            assert.equal(vars.get("AZURE_TENANT_ID"), TENANTS.contoso);
        }
        assert.ok(!contoso.some((c) => c.tool === "gh" && c.args[0] === "secret"), "no gh secret set");
    });

    it("creates the stack with its own Key Vault key, in its own container", () => {
        const init = contoso.find((c) => c.tool === "pulumi" && c.args[1] === "init");
        assert.deepEqual(init?.args, ["stack", "init", "contoso", "--non-interactive", "--secrets-provider", "azurekeyvault://jtel-state-kv.vault.azure.net/keys/tenant-contoso"]);
        assert.equal(init?.backend, "azblob://tenant-contoso?storage_account=jtelstate");
    });

    it("requests tokens in main's workflows only in those environments, and only for jobs that sign in", () => {
        for (const ctx of ALL_CONTEXTS) {
            for (const { id, job } of jobsFor(workflows, ctx)) {
                const env = environmentName(job);
                if (permissionsOf(job)["id-token"] === "write") assert.ok(env && environmentKind(env), `${id} on ${ctx.github.event_name}`);
            }
        }
    });

    describe("catches", () => {
        const mutations: [string, (m: Model) => void, RegExp][] = [
            ["a preview environment without reviewers", (m) => { (m.environments.get("tenant-contoso-preview") as Environment).reviewers = 0; }, /jtel-presence-contoso-preview \(decrypt\) trusts .*tenant-contoso-preview:event_name:pull_request: environment tenant-contoso-preview admits every branch/],
            ["reviewers who may approve their own run", (m) => { (m.environments.get("tenant-contoso-preview") as Environment).preventSelfReview = false; }, /tenant-contoso-preview admits every branch and has no reviewer who is not the run's author/],
            ["a deploy environment open to every branch", (m) => { (m.environments.get("tenant-contoso") as Environment).branchPolicies = "all"; }, /jtel-presence-contoso-deploy \(deploy, decrypt\) trusts .*environment:tenant-contoso:event_name:push/],
            ["a deploy environment that also admits release branches", (m) => { (m.environments.get("tenant-contoso") as Environment).branchPolicies = ["branch:main", "branch:release/*"]; }, /admits branch:main, branch:release\/\*/],
            ["a deploy credential for pull requests", (m) => { m.identities.get("managed identity jtel-presence-contoso-deploy")?.subjects.push({ subject: `repo:${REPO}:environment:tenant-contoso:event_name:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: 10_000 }); }, /pull_request from main into an unreviewed branch/],
            ["a credential for the default pull_request subject", (m) => { m.identities.get("app jtel presence deployer (jtel/jtel-teams-presence contoso)")?.subjects.push({ subject: `repo:${REPO}:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: 10_000 }); }, /names no environment and event/],
            ["a credential for an environment nobody created", (m) => { m.identities.get("managed identity jtel-presence-contoso-preview")?.subjects.push({ subject: `repo:${REPO}:environment:tenant-contoso-test:event_name:push`, issuer: ISSUER, audience: AUDIENCE, at: 10_000 }); }, /tenant-contoso-test was never created/],
            ["a decrypting identity trusting pull requests in a main-only environment", (m) => { m.identities.get("managed identity jtel-presence-contoso-preview")?.subjects.push({ subject: `repo:${REPO}:environment:tenant-contoso-drift:event_name:pull_request`, issuer: ISSUER, audience: AUDIENCE, at: 10_000 }); }, /preview \(decrypt\) trusts .*tenant-contoso-drift:event_name:pull_request: environment tenant-contoso-drift admits main/],
            ["another issuer", (m) => { const s = m.identities.get("managed identity jtel-presence-contoso-deploy")?.subjects[0]; if (s) s.issuer = "https://example.com"; }, /trusts issuer https:\/\/example\.com/],
            ["a credential created before its environment is protected", (m) => { const s = m.identities.get("managed identity jtel-presence-contoso-deploy")?.subjects[0]; if (s) s.at = -1; }, /trusts tenant-contoso before the environment is protected/],
        ];
        for (const [what, mutate, expected] of mutations) {
            it(what, () => {
                const broken = modelOf(contoso);
                mutate(broken);
                const found = isolationViolations(broken);
                assert.ok(found.some((v) => expected.test(v)), `expected ${expected}, got:\n${found.join("\n")}`);
            });
        }

        it("a script that forgets the preview environment's reviewers (the script itself edited)", () => {
            const dir = mkdtempSync(join(tmpdir(), "bootstrap-mutant-"));
            try {
                const mutant = join(dir, "bootstrap-tenant.sh");
                writeFileSync(mutant, readFileSync(SCRIPT, "utf8").replace('"prevent_self_review": true, "reviewers": [{"type": "Team", "id": ${team_id}}]', '"prevent_self_review": true, "reviewers": []'));
                assert.notEqual(readFileSync(mutant, "utf8"), readFileSync(SCRIPT, "utf8"), "the mutation applies");
                const found = isolationViolations(modelOf(bootstrap("contoso", mutant)));
                assert.ok(found.some((v) => /preview \(decrypt\) trusts .*pull_request/.test(v)), found.join("\n"));
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});

describe("the bootstrap script refuses", () => {
    const refusals: [string, string[], string, RegExp][] = [
        ["a stack name with upper case", ["jtel", "--stack", "Contoso", "--tenant-id", TENANTS.contoso], STATE_TENANT, /--stack "Contoso" must be lower-case/],
        ["a tenant ID that is not a GUID", ["jtel", "--stack", "contoso", "--tenant-id", "contoso.com"], STATE_TENANT, /--tenant-id "contoso\.com" must be a GUID/],
        ["the customer phase signed in to another tenant", ["customer", "--stack", "contoso", "--tenant-id", TENANTS.contoso, "--repo", REPO], TENANTS.fabrikam, /signed in to tenant 8a7b6c5d.*must run in tenant 0f1e2d3c/],
        ["the jtel phase signed in to the customer's tenant", ["jtel", "--stack", "contoso", "--tenant-id", TENANTS.contoso], TENANTS.contoso, /must run in tenant 11111111/],
        ["one app as both deployer and reader", ["link", "--stack", "contoso", "--deployer-client-id", TENANTS.contoso, "--reader-client-id", TENANTS.contoso], STATE_TENANT, /two different apps/],
        ["an unknown argument", ["jtel", "--stack", "contoso", "--force"], STATE_TENANT, /unknown argument --force/],
    ];
    for (const [what, args, tenant, message] of refusals) {
        it(what, () => {
            const run = runScript(args, tenant);
            assert.equal(run.status, 2, run.stderr);
            assert.match(run.stderr, message);
            assert.ok(!run.calls.some((c) => /create|PUT|POST|set|init/.test(c.args.join(" "))), `changed something before refusing: ${run.calls.map((c) => c.args.join(" ")).join("\n")}`);
        });
    }
});
