// The preflight (`npm run doctor`): what it found, turned into one table of check | result | what to do, and an exit
// code. Pure: cli/doctor.ts gathers the facts (gh, az, pulumi, the bootstrap's read-only inspect phase) and prints
// what these functions decide.
import { az, shellLine } from "./preflightCommands";
import { credentialProblems, prefixOf, type Credential, type WantedCredential } from "./subjectProbe";

/** ok: nothing to do; fix: something to fix (exit 1); open: this sign-in cannot check it, or not yet: who runs what. */
export type State = "ok" | "fix" | "open";

export interface Row {
    check: string;
    state: State;
    result: string;
    todo: string;
}

const MARK: Record<State, string> = { ok: "ok", fix: "FIX", open: "open" };

/** 0 when no row needs fixing, 1 otherwise. */
export function exitCodeOf(rows: readonly Row[]): 0 | 1 {
    return rows.some((row) => row.state === "fix") ? 1 : 0;
}

/** A Markdown table, one line per row (a cell never holds a line break or an unescaped `|`). */
export function renderTable(rows: readonly Row[]): string {
    const cell = (text: string) => text.replace(/\r?\n\s*/g, " ").replace(/\|/g, "\\|");
    return [
        "| check | result | what to do |",
        "|---|---|---|",
        ...rows.map((row) => `| ${cell(row.check)} | ${MARK[row.state]}: ${cell(row.result)} | ${cell(row.todo)} |`),
    ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Tools

/** a >= b, comparing dotted versions (a leading v and anything after the numbers are ignored). */
export function versionAtLeast(found: string, minimum: string): boolean {
    const parts = (v: string) => (/\d+(?:\.\d+)*/.exec(v)?.[0] ?? "0").split(".").map(Number);
    const [a, b] = [parts(found), parts(minimum)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    }
    return true;
}

export interface ToolFinding {
    tool: "gh" | "az" | "pulumi";
    /** The version found; undefined when the tool is not installed. */
    version: string | undefined;
    minimum: string;
    /** Why this sign-in needs it, or undefined when it does not. */
    neededFor: string | undefined;
    install: string;
    upgrade: string;
}

export function toolRow(t: ToolFinding): Row {
    const check = t.tool;
    if (t.version === undefined) {
        if (!t.neededFor) return { check, state: "ok", result: "not installed; not needed here", todo: "" };
        return { check, state: "fix", result: `not installed (${t.neededFor})`, todo: `install ${t.tool} ${t.minimum} or newer: ${t.install}` };
    }
    if (!versionAtLeast(t.version, t.minimum)) {
        const result = `${t.version}, older than ${t.minimum}`;
        return t.neededFor ? { check, state: "fix", result: `${result} (${t.neededFor})`, todo: t.upgrade } : { check, state: "ok", result: `${result}; not needed here`, todo: "" };
    }
    return { check, state: "ok", result: `${t.version} (${t.minimum} or newer${t.neededFor ? `; ${t.neededFor}` : ""})`, todo: "" };
}

// ---------------------------------------------------------------------------------------------------------
// Who is signed in

/** jtel: the state tenant (STATE_TENANT_ID); customer: the stack's azuread:tenantId. */
export type Side = "jtel" | "customer";

export interface Account { tenantId: string; user: string; userType: string }

export function sidesOf(account: Account | undefined, stackTenant: string, stateTenant: string | undefined): Side[] {
    if (!account) return [];
    const tenant = account.tenantId.toLowerCase();
    const sides: Side[] = [];
    if (stateTenant && tenant === stateTenant.toLowerCase()) sides.push("jtel");
    if (tenant === stackTenant.toLowerCase()) sides.push("customer");
    return sides;
}

export function loginCommands(stackTenant: string, stateTenant: string | undefined): string {
    const jtel = stateTenant ? `az login --tenant ${stateTenant}` : "export STATE_TENANT_ID and the other settings (docs/gitops.md, \"Once per repository\"), then az login --tenant <jtel's tenant>";
    return `jtel operator: ${jtel}; the customer's administrator: az login --tenant ${stackTenant} --allow-no-subscriptions`;
}

export function signInRow(account: Account | undefined, stackTenant: string, stateTenant: string | undefined): Row {
    const check = "az sign-in";
    const todo = loginCommands(stackTenant, stateTenant);
    if (!account) return { check, state: "fix", result: "az is not signed in", todo };
    const sides = sidesOf(account, stackTenant, stateTenant);
    const who = `${account.user || "?"} (${account.userType || "?"})`;
    if (sides.length === 0) {
        return {
            check, state: "fix",
            result: `signed in to tenant ${account.tenantId} as ${who}: neither the stack's azuread:tenantId ${stackTenant} nor jtel's state tenant (STATE_TENANT_ID ${stateTenant ?? "not set"})`,
            todo,
        };
    }
    const names = sides.map((side) => (side === "jtel" ? `jtel's state tenant ${account.tenantId} (STATE_TENANT_ID)` : `the customer's tenant ${account.tenantId} (azuread:tenantId)`));
    return { check, state: "ok", result: `${names.join(" and ")} as ${who}`, todo: "" };
}

/** The repository-wide settings the jtel phase reads (docs/gitops.md, "Once per repository"). */
export const STATE_SETTINGS = ["STATE_SUBSCRIPTION_ID", "STATE_TENANT_ID", "STATE_RESOURCE_GROUP", "STATE_STORAGE_ACCOUNT", "STATE_KEY_VAULT", "STATE_LOCATION"] as const;

export function settingsRow(env: Readonly<Record<string, string | undefined>>, previewMode: string | undefined): Row {
    const needed: string[] = [...STATE_SETTINGS];
    if (previewMode !== "offline-plan") needed.push("PREVIEW_REVIEWERS_TEAM");
    const missing = needed.filter((name) => !env[name]);
    if (missing.length === 0) return { check: "jtel settings", state: "ok", result: `${needed.join(", ")} set`, todo: "" };
    return {
        check: "jtel settings", state: "fix", result: `not set: ${missing.join(", ")}`,
        todo: `export ${missing.map((m) => `${m}=...`).join(" ")} (docs/gitops.md, "Once per repository")${missing.includes("PREVIEW_REVIEWERS_TEAM") ? "; PREVIEW_REVIEWERS_TEAM only matters in reviewed mode" : ""}`,
    };
}

// ---------------------------------------------------------------------------------------------------------
// GitHub, as the bootstrap's inspect phase reads it

export interface Inspection {
    repository: string;
    visibility: string;
    ownerId: string;
    repoId: string;
    subjectPrefix: string;
    reportedPrefix: string;
    template: string;
    templateProblem: string;
    templateFix: string;
    mainProtected: string;
    previewMode: string;
    previewReason: string;
    previewModeVariable: string;
    /** Environment name -> "absent" or "branches=... reviewers=N". */
    environments: Map<string, string>;
    /** What the bootstrap noted on the way (stderr lines it indents). */
    notes: string[];
}

/** `bootstrap-tenant.sh inspect`'s key=value lines, and the notes it wrote to stderr. */
export function parseInspection(stdout: string, stderr: string): Inspection {
    const values = new Map<string, string>();
    const environments = new Map<string, string>();
    for (const line of stdout.split("\n")) {
        const at = line.indexOf("=");
        if (at <= 0) continue;
        const key = line.slice(0, at);
        const value = line.slice(at + 1);
        if (key === "environment") {
            const [name, ...state] = value.split(" ");
            environments.set(name, state.join(" "));
        } else {
            values.set(key, value);
        }
    }
    const get = (key: string) => values.get(key) ?? "";
    return {
        repository: get("repository"), visibility: get("visibility"), ownerId: get("owner_id"), repoId: get("repo_id"),
        subjectPrefix: get("subject_prefix"), reportedPrefix: get("reported_prefix"), template: get("template"),
        templateProblem: get("template_problem"), templateFix: get("template_fix"), mainProtected: get("main_protected"),
        previewMode: get("preview_mode"), previewReason: get("preview_reason"), previewModeVariable: get("preview_mode_variable"),
        environments,
        notes: stderr.split("\n").filter((line) => /^ {4}\S/.test(line)).map((line) => line.trim()),
    };
}

/** The preview mode the credentials follow: what GitHub's plan gives, else what an earlier jtel phase stored. */
export function effectiveMode(inspection: Inspection | undefined, flagMode?: string): string | undefined {
    if (inspection && (inspection.previewMode === "reviewed" || inspection.previewMode === "offline-plan")) return inspection.previewMode;
    if (inspection && (inspection.previewModeVariable === "reviewed" || inspection.previewModeVariable === "offline-plan")) return inspection.previewModeVariable;
    return flagMode;
}

export function githubRows(i: Inspection, stack: string, prefixFlag: string | undefined): Row[] {
    const rows: Row[] = [];
    rows.push({ check: "repository", state: "ok", result: `${i.repository} (${i.visibility}; owner ID ${i.ownerId}, repository ID ${i.repoId})`, todo: "" });

    const source = prefixFlag ? "--subject-prefix as given" : i.reportedPrefix ? "GitHub's sub_claim_prefix" : i.subjectPrefix.includes("@") ? "built from the IDs: use_immutable_subject" : "classic: GitHub reported no immutable format";
    rows.push({
        check: "subject prefix", state: "ok",
        result: [`${i.subjectPrefix} (${source})`, ...i.notes].join("; "),
        todo: "the oidc-subject rows below compare it with what GitHub's tokens carry",
    });

    if (i.template === "unchecked") {
        rows.push({ check: "subject template", state: "open", result: "not read: GitHub did not answer for the subject settings", todo: `an admin of ${i.repository} checks it: gh api repos/${i.repository}/actions/oidc/customization/sub` });
    } else if (i.templateProblem) {
        rows.push({ check: "subject template", state: "fix", result: i.templateProblem, todo: `an admin of ${i.repository} runs once: ${i.templateFix}` });
    } else {
        rows.push({ check: "subject template", state: "ok", result: `{${i.template}}: subjects name the environment and the event`, todo: "" });
    }

    rows.push(i.mainProtected === "true"
        ? { check: "main protected", state: "ok", result: "yes", todo: "" }
        : { check: "main protected", state: "fix", result: "no: whatever reaches main is deployed to every tenant", todo: "Settings > Rules: require a pull request with an approving review and the ci checks on main, no bypass (docs/gitops.md, \"Once per repository\")" });

    rows.push(previewModeRow(i));
    rows.push(environmentsRow(i, stack));
    return rows;
}

export function previewModeRow(i: Inspection): Row {
    const check = "preview mode";
    const variable = i.previewModeVariable;
    const stored = variable ? `PREVIEW_MODE is ${variable}` : "PREVIEW_MODE is not set yet (the jtel phase sets it)";
    if (i.previewMode === "unavailable") return { check, state: "fix", result: i.previewReason, todo: "the bootstrap stops until this changes" };
    if (variable && variable !== "reviewed" && variable !== "offline-plan") {
        return { check, state: "fix", result: `PREVIEW_MODE is "${variable}", neither reviewed nor offline-plan`, todo: `run the jtel phase again: it stores the mode GitHub's plan gives` };
    }
    if (i.previewMode === "unknown") {
        // The jtel phase decided it by trying the rule (GitHub's acceptance or 422) and stored the answer.
        if (variable) return { check, state: "ok", result: `${stored}, stored by the jtel phase after trying required reviewers (the plan itself is shown to an organization owner's token only)`, todo: "" };
        return { check, state: "open", result: `${i.previewReason}; ${stored}`, todo: "an owner of the organization runs this check to see the plan, or the jtel phase decides" };
    }
    if (variable && variable !== i.previewMode) {
        return {
            check, state: "fix", result: `${i.previewMode}: ${i.previewReason}; but ${stored}`,
            todo: `run the jtel phase, then the customer phase, again for every stack: they store ${i.previewMode} and add or remove the pull_request credentials (docs/gitops.md, "Preview modes")`,
        };
    }
    return { check, state: "ok", result: `${i.previewMode}: ${i.previewReason}; ${stored}`, todo: "" };
}

export function environmentsRow(i: Inspection, stack: string): Row {
    const check = "environments";
    const mode = effectiveMode(i);
    const names = [`tenant-${stack}`, `tenant-${stack}-drift`, ...(mode === "reviewed" ? [`tenant-${stack}-preview`] : [])];
    const states = names.map((name) => [name, i.environments.get(name) ?? "absent"] as const);
    const problems: string[] = [];
    for (const [name, state] of states) {
        if (state === "absent") continue;
        const branches = /branches=(\S+)/.exec(state)?.[1];
        const reviewers = Number(/reviewers=(\d+)/.exec(state)?.[1] ?? 0);
        if (name.endsWith("-preview")) {
            if (reviewers === 0) problems.push(`${name} has no required reviewers`);
        } else if (branches !== "branch:main") {
            problems.push(`${name} admits ${branches ?? state}, not main only`);
        }
    }
    const summary = states.map(([name, state]) => `${name}: ${state === "absent" ? "not created yet" : state}`).join(", ");
    if (problems.length > 0) {
        return { check, state: "fix", result: `${problems.join("; ")} (${summary})`, todo: `Settings > Environments: remove every deployment branch policy but main, or delete the environment; then run the jtel phase again` };
    }
    const absent = states.filter(([, state]) => state === "absent").length;
    return { check, state: "ok", result: summary, todo: absent > 0 ? "the jtel phase creates them, protected, before any credential trusts them" : "" };
}

// ---------------------------------------------------------------------------------------------------------
// Ground truth: what oidc-subject.yml printed

export interface ProbeFinding {
    environment: string;
    /** The subject printed in the newest successful job of that environment, with its run. */
    found?: { sub: string; runId: number; createdAt: string };
}

/**
 * One row per environment the probe runs in: the subject GitHub really sent, compared with the prefix GitHub's API
 * reports (or --subject-prefix). Returns the prefix the tokens carry, when every probed environment agrees.
 */
export function probeRows(findings: readonly ProbeFinding[], expectedPrefix: string | undefined, startCommand: string, environmentsExist: boolean): { rows: Row[]; truth: string | undefined } {
    const rows: Row[] = [];
    const prefixes = new Set<string>();
    for (const { environment, found } of findings) {
        const check = `GitHub's subject in ${environment}`;
        if (!found) {
            rows.push({
                check, state: "open", result: "no successful oidc-subject run for it yet",
                todo: environmentsExist ? `${startCommand}, then run this check again` : `after the jtel phase (it creates the environments; a run before would create them unprotected): ${startCommand}`,
            });
            continue;
        }
        const where = `run ${found.runId} of ${found.createdAt}`;
        const prefix = prefixOf(found.sub, environment);
        if (prefix === undefined) {
            rows.push({ check, state: "fix", result: `${found.sub} (${where}) is not <prefix>:environment:${environment}:event_name:<event>`, todo: "the subject template must be {repo, context, event_name}: see the subject template row" });
            continue;
        }
        prefixes.add(prefix);
        if (expectedPrefix !== undefined && prefix !== expectedPrefix) {
            rows.push({
                check, state: "fix", result: `GitHub sends ${found.sub} (${where}), with the prefix ${prefix}, but GitHub's API reports ${expectedPrefix}`,
                todo: `run the jtel phase with --subject-prefix ${prefix} (and the customer phase with the command it prints)`,
            });
            continue;
        }
        rows.push({ check, state: "ok", result: `${found.sub} (${where})`, todo: "" });
    }
    return { rows, truth: prefixes.size === 1 ? [...prefixes][0] : undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Federated credentials

export interface CredentialListing {
    /** E.g. "managed identity jtel-presence-contoso-deploy". */
    label: string;
    /** undefined: the identity does not exist yet. */
    credentials: Credential[] | undefined;
    /** az's error, when the listing failed. */
    error?: string;
    wanted: WantedCredential[];
    optional?: WantedCredential[];
    /** The bootstrap phase that makes them right. */
    fix: string;
    /** The phase that creates them, for an identity that does not exist yet. */
    createdBy: string;
}

export function credentialRow(stack: string, listing: CredentialListing, prefixSource: string): Row {
    const check = `credentials of ${listing.label}`;
    if (listing.error) return { check, state: "fix", result: `could not be listed: ${listing.error}`, todo: "sign in as the phase's runner (the az sign-in row) and run this check again" };
    if (listing.credentials === undefined || listing.credentials.length === 0) {
        return { check, state: "open", result: "none yet", todo: `${listing.createdBy} creates them with ${listing.wanted.length} subjects of ${prefixSource}` };
    }
    const problems = credentialProblems(stack, listing.credentials, listing.wanted, listing.optional);
    if (problems.length > 0) return { check, state: "fix", result: problems.join("; "), todo: `${listing.fix} (it replaces or removes them and says what each trusted before)` };
    return { check, state: "ok", result: `${listing.wanted.length} credentials, each trusting the subject GitHub sends (${prefixSource})`, todo: "" };
}

// ---------------------------------------------------------------------------------------------------------
// The customer's tenant

/**
 * Entra ID built-in role template IDs (learn.microsoft.com/entra/identity/role-based-access-control/
 * permissions-reference; the bootstrap uses the same). The customer's administrator needs the three README lists for
 * a user ("What to ask of the customer's administrator": Cloud Application Administrator, User Administrator, Privileged Role
 * Administrator), or Global Administrator, which covers them.
 */
export const GLOBAL_ADMINISTRATOR = { id: "62e90394-69f5-4237-9190-012177145e10", name: "Global Administrator" };
export const REQUIRED_ROLES = [
    { id: "e8611ab8-c189-46e8-94e1-60213ab1f814", name: "Privileged Role Administrator", why: "assigns the deployer's and reader's directory roles and grants AuditLog.Read.All" },
    { id: "fe930be7-5e62-47db-91af-98c3a49a38b1", name: "User Administrator", why: "the service user (and reading the tenant's domains)" },
    { id: "158c047a-c907-4556-b7ef-446551a6b5f7", name: "Cloud Application Administrator", why: "the deployer and reader app registrations" },
] as const;

/** `az rest .../transitiveMemberOf/microsoft.graph.directoryRole --query value[].[roleTemplateId, displayName] -o tsv`. */
export function rolesRow(tsv: string, user: string): Row {
    const check = "directory roles";
    const held = tsv.split("\n").filter((l) => l.trim() !== "").map((line) => {
        const [id = "", name = ""] = line.split("\t");
        return { id: id.toLowerCase(), name };
    });
    const has = (role: { id: string; name: string }) => held.some((h) => h.id === role.id || (h.id === "" && h.name === role.name));
    if (has(GLOBAL_ADMINISTRATOR)) return { check, state: "ok", result: `${user} is a Global Administrator`, todo: "" };
    const missing = REQUIRED_ROLES.filter((role) => !has(role));
    const list = held.map((h) => h.name || h.id).join(", ") || "none";
    if (missing.length === 0) return { check, state: "ok", result: `${user} holds ${REQUIRED_ROLES.map((r) => r.name).join(", ")}`, todo: "" };
    return {
        check, state: "fix",
        result: `${user} lacks ${missing.map((r) => `${r.name} (${r.why})`).join(", ")}; holds: ${list}`,
        todo: `a Privileged Role Administrator or Global Administrator assigns ${missing.map((r) => r.name).join(", ")} to ${user} (Entra admin center > Roles and administrators); an eligible (PIM) role counts once activated`,
    };
}

/** `az rest .../domains --query value[].[id, isVerified] -o tsv` against the service user's sign-in name. */
export function domainRow(tsv: string, serviceUser: string): Row {
    const check = "service user's domain";
    const domain = serviceUser.slice(serviceUser.lastIndexOf("@") + 1).toLowerCase();
    const domains = tsv.split("\n").filter((l) => l.trim() !== "").map((line) => {
        const [id = "", verified = ""] = line.split("\t");
        return { id: id.toLowerCase(), verified: verified.trim().toLowerCase() === "true" };
    });
    const verified = domains.filter((d) => d.verified).map((d) => d.id).join(", ") || "none";
    const found = domains.find((d) => d.id === domain);
    if (found?.verified) return { check, state: "ok", result: `${domain} is a verified domain of the tenant`, todo: "" };
    if (found) {
        return { check, state: "fix", result: `${domain} (of ${serviceUser}) is a domain of the tenant but not verified`, todo: `verify ${domain} (Entra admin center > Custom domain names), or choose a service user in a verified domain (${verified}): npm run new-tenant -- --force ... --service-user` };
    }
    return { check, state: "fix", result: `${domain} (of ${serviceUser}) is not a domain of the tenant; verified: ${verified}`, todo: `add and verify ${domain} (Entra admin center > Custom domain names), or choose a service user in a verified domain: npm run new-tenant -- --force ... --service-user` };
}

/** The name azure-cli gives the tenant-level entry of a tenant signed in with --allow-no-subscriptions. */
export const TENANT_LEVEL_ACCOUNT = "N/A(tenant level account)";

/** `az account list --query "[?tenantId=='T'].[id, name]" -o tsv`, for a stack with or without handoffKeyVault. */
export function subscriptionRow(tsv: string, tenant: string, vault: { subscriptionId?: string; vaultName: string } | undefined): Row {
    const check = "Azure subscription";
    const subscriptions = tsv.split("\n").filter((l) => l.trim() !== "").map((line) => {
        const [id = "", name = ""] = line.split("\t");
        return { id: id.toLowerCase(), name };
    }).filter((s) => s.name !== TENANT_LEVEL_ACCOUNT && s.id !== tenant.toLowerCase());
    if (!vault) {
        return { check, state: "ok", result: `not needed: the stack sets no handoffKeyVault (az sees ${subscriptions.length} in the tenant)`, todo: `az login --tenant ${tenant} --allow-no-subscriptions is enough` };
    }
    if (vault.subscriptionId) {
        const wanted = vault.subscriptionId.toLowerCase();
        if (subscriptions.some((s) => s.id === wanted)) return { check, state: "ok", result: `handoffKeyVault ${vault.vaultName}'s subscription ${wanted} is visible`, todo: "" };
        return { check, state: "fix", result: `handoffKeyVault names subscription ${wanted}, which az does not see in tenant ${tenant}`, todo: `sign in with an identity that can see it (az login --tenant ${tenant}), or correct handoffKeyVault.subscriptionId` };
    }
    if (subscriptions.length > 0) {
        return { check, state: "ok", result: `handoffKeyVault ${vault.vaultName} needs one; az sees ${subscriptions.map((s) => `${s.name} (${s.id})`).join(", ")}`, todo: "give the link phase --subscription-id <the vault's subscription>" };
    }
    return {
        check, state: "fix", result: `handoffKeyVault ${vault.vaultName} lives in an Azure subscription, and az sees none in tenant ${tenant}`,
        todo: `the customer creates or names the vault's subscription, and you sign in with az login --tenant ${tenant}; or remove handoffKeyVault (the only setting that needs a subscription)`,
    };
}

/**
 * The customer's prerequisites when this sign-in is not in the customer's tenant: who checks them, with which
 * commands (the same the doctor runs; only az is needed there).
 */
export function customerRowsElsewhere(tenant: string, graph: string, serviceUser: string, vault: { vaultName: string } | undefined): Row[] {
    const by = `the customer's administrator, signed in with az login --tenant ${tenant} --allow-no-subscriptions, runs`;
    return [
        { check: "directory roles", state: "open", result: "not readable from this sign-in", todo: `${by}: ${shellLine("az", az.directoryRoles(graph))} (needs ${REQUIRED_ROLES.map((r) => r.name).join(", ")}, or Global Administrator)` },
        { check: "service user's domain", state: "open", result: "not readable from this sign-in", todo: `${by}: ${shellLine("az", az.domains(graph))} (${serviceUser.slice(serviceUser.lastIndexOf("@") + 1)} must be listed with true)` },
        vault
            ? { check: "Azure subscription", state: "open", result: `handoffKeyVault ${vault.vaultName} lives in a subscription of the customer's tenant`, todo: `${by}: ${shellLine("az", az.subscriptions(tenant))} (the vault's subscription must be listed)` }
            : { check: "Azure subscription", state: "ok", result: "not needed: the stack sets no handoffKeyVault", todo: `the customer signs in with az login --tenant ${tenant} --allow-no-subscriptions` },
    ];
}
