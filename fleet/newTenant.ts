// Onboarding one tenant: flags -> a validated Pulumi.<stack>.yaml, and the bootstrap commands to run next.
// Pure: the CLI (cli/newTenant.ts) reads and writes files; everything decided here is tested directly.
import { unknownPermissions } from "../components/graphPermissions";
import { READ_ONLY_APP_ROLES, READ_ONLY_DELEGATED_SCOPES } from "../policy/graphAllowlist";
import { ConfigError, parseStackConfig, PROJECT_KEYS, TENANT_ID_KEY, type RawConfig, type StackConfig } from "../stack/config";
import { EXAMPLE_STACK, STACK_NAME, STACK_NAME_RULE, tenantResourceNames } from "./stacks";

/** The project's namespace in stack files (Pulumi.yaml `name`). */
export const PROJECT = "jtel-teams-presence";

/** Keys new-tenant cannot set, and what to do instead. */
export const EXCLUDED_KEYS: Readonly<Record<string, string>> = {
    existingUserPassword: "is a secret: set it once the stack exists, with `pulumi config set --secret existingUserPassword` (encrypted with the tenant's own key)",
    adopt: "needs existingUserPassword, a secret that can only be set once the stack exists: onboard first, then follow docs/migration.md",
};

/** `secretRotationDays` -> `secret-rotation-days`. */
export function flagFor(key: string): string {
    return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Config flag -> project key, for every key of the program's schema except the required two and the excluded. */
export const CONFIG_FLAGS: Readonly<Record<string, string>> = Object.fromEntries(
    PROJECT_KEYS.filter((key) => key !== "serviceUserPrincipalName" && !(key in EXCLUDED_KEYS)).map((key) => [flagFor(key), key]),
);

/** The flag that sets each key, for messages. */
const FLAG_OF_KEY: Record<string, string> = {
    [TENANT_ID_KEY]: "--tenant-id",
    serviceUserPrincipalName: "--service-user",
    ...Object.fromEntries(Object.entries(CONFIG_FLAGS).map(([flag, key]) => [key, `--${flag}`])),
};

/** Keys whose values are lists or objects: written as YAML (JSON flow) structures, not strings. */
const STRUCTURED_KEYS = new Set(["delegatedPermissions", "applicationPermissions", "verifyAgents", "handoffKeyVault", "servicePrincipalOwners"]);

export interface NewTenantRequest {
    stack: string;
    tenantId: string;
    serviceUser: string;
    /** Project key -> the flag's value, as `pulumi config set` would take it (lists and objects as JSON). */
    config: Readonly<Record<string, string>>;
}

export interface ValidTenant {
    stack: string;
    /** As the program reads it (stack/main.ts readRawConfig): azuread:tenantId and the project's keys. */
    raw: RawConfig;
    config: StackConfig;
}

/** The request is refused; `problems` each name the flag and the key. Nothing has been written. */
export class NewTenantError extends Error {
    constructor(readonly problems: string[]) {
        super(`Nothing was written; ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
}

function withFlag(problem: string): string {
    const key = problem.split(/[\s.]/)[0];
    const flag = FLAG_OF_KEY[key];
    return flag ? `${flag}: ${problem}` : problem;
}

/** Validates the stack name and every value with the program's own zod schema (stack/config.ts). */
export function validateTenant(request: NewTenantRequest): ValidTenant {
    if (!STACK_NAME.test(request.stack)) throw new NewTenantError([`--stack "${request.stack}" must be ${STACK_NAME_RULE}`]);
    if (request.stack === EXAMPLE_STACK) throw new NewTenantError([`--stack "${EXAMPLE_STACK}" is the commented example (Pulumi.dev.yaml); choose the customer's name`]);
    const raw: Record<string, string> = { [TENANT_ID_KEY]: request.tenantId, serviceUserPrincipalName: request.serviceUser, ...request.config };
    let config: StackConfig;
    try {
        config = parseStackConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) throw new NewTenantError(error.problems.map(withFlag));
        throw error;
    }
    const problems = permissionProblems(config);
    if (problems.length > 0) throw new NewTenantError(problems.map(withFlag));
    return { stack: request.stack, raw, config };
}

/**
 * Permission names the stack could not deploy, checked now rather than at its first `pulumi up`. The program
 * looks names up in the tenant's Graph, which no one can read here; every tenant's stack is previewed with the
 * policy pack, whose mandatory allowlist (policy/graphAllowlist.ts) admits only these names, so that list is the
 * catalogue: a mistyped or disallowed name gets the program's sentence with the closest allowed names.
 */
export function permissionProblems(config: Pick<StackConfig, "delegatedPermissions" | "applicationPermissions">): string[] {
    const refused = (key: string, names: readonly string[], allowed: Readonly<Record<string, string>>, kind: string) =>
        unknownPermissions(names, Object.keys(allowed), `a Microsoft Graph ${kind} permission the policy pack allows`).map((u) => `${key} ${u.sentence}`);
    return [
        ...refused("delegatedPermissions", config.delegatedPermissions, READ_ONLY_DELEGATED_SCOPES, "delegated"),
        ...refused("applicationPermissions", config.applicationPermissions, READ_ONLY_APP_ROLES, "application"),
    ];
}

/**
 * The stack file. Every value is written as JSON, which is YAML, so no value can break the file's structure;
 * scalars stay strings, as `pulumi config set` stores them. `pulumi stack init --secrets-provider` (in the
 * bootstrap) adds `secretsprovider` and `encryptedkey` to this same file; `keep` carries them over on --force.
 */
export function stackFileText(tenant: ValidTenant, keep: readonly string[] = []): string {
    const lines = [
        `# Tenant ${tenant.stack}: written by npm run new-tenant. Keys not set here take the defaults in Pulumi.yaml.`,
        ...keep,
        "config:",
    ];
    for (const [key, value] of Object.entries(tenant.raw)) {
        if (value === undefined) continue;
        const name = key === TENANT_ID_KEY ? key : `${PROJECT}:${key}`;
        lines.push(`  ${name}: ${STRUCTURED_KEYS.has(key) ? JSON.stringify(JSON.parse(value)) : JSON.stringify(value)}`);
    }
    return `${lines.join("\n")}\n`;
}

/** The lines of an existing stack file that `pulumi stack init` wrote and that must survive a rewrite. */
export function linesToKeep(existing: string): string[] {
    return existing.split("\n").filter((line) => /^(secretsprovider|encryptedkey|encryptionsalt):\s*\S/.test(line));
}

/** The tenant ID an existing stack file names, if any (for refusing a second stack on one tenant). */
export function tenantIdOf(stackFile: string): string | undefined {
    return /^\s*azuread:tenantId:\s*["']?([0-9a-fA-F-]{36})["']?\s*$/m.exec(stackFile)?.[1].toLowerCase();
}

/**
 * What to run next: the three bootstrap phases and what the script cannot do itself. The subject prefix and the
 * preview mode come from GitHub (the jtel phase reads them and prints the customer's command with both), never
 * from the repository's name; the customer's tenant needs no Azure subscription unless handoffKeyVault is set.
 */
export function bootstrapInstructions(tenant: ValidTenant, repo: string | undefined): string {
    const { stack } = tenant;
    const { tenantId, applicationPermissions, handoffKeyVault, serviceUserPrincipalName } = tenant.config;
    const names = tenantResourceNames(stack);
    const appRoles = applicationPermissions.length > 0 ? " --application-permissions" : "";
    const repoArg = repo ?? "<ORG/REPO>";
    const subscription = handoffKeyVault === undefined ? "" : ` --subscription-id ${handoffKeyVault.subscriptionId ?? "<the vault's subscription>"}`;
    const lines = [
        `Wrote Pulumi.${stack}.yaml. Next, the one-time bootstrap of ${stack} (docs/gitops.md, "Onboarding a tenant"); every phase can be run again:`,
        "",
        `0. The preflight, read-only, by whoever runs a phase next (and again after the oidc-subject run): npm run doctor -- --stack ${stack}`,
        "1. jtel operator: az signed in to jtel's tenant, gh as an admin of this repository, and the repository's",
        "   settings exported (STATE_SUBSCRIPTION_ID, STATE_TENANT_ID, STATE_RESOURCE_GROUP, STATE_STORAGE_ACCOUNT,",
        "   STATE_KEY_VAULT, STATE_LOCATION, PREVIEW_REVIEWERS_TEAM; docs/gitops.md, \"Once per repository\"):",
        `     bash .github/scripts/bootstrap-tenant.sh jtel --stack ${stack} --tenant-id ${tenantId}${appRoles}`,
        "   It reads from GitHub the subject prefix this repository's tokens carry (GET repos/<ORG/REPO>/actions/oidc/customization/sub:",
        "   repo:OWNER@OWNER_ID/REPO@REPO_ID for repositories created or renamed since July 2026) and what the plan allows: the",
        `   preview mode, reviewed (public or GitHub Enterprise: ${names.previewEnvironment}, a reviewer approves every run) or`,
        "   offline-plan (no identity trusts a pull request). It says which before it creates anything, then protects",
        `   ${names.deployEnvironment} and ${names.driftEnvironment} (main only), creates the state container and Key Vault key ${names.stateContainer}, a deploy and a`,
        `   preview managed identity reaching only those, and runs pulumi stack init (adding the key to Pulumi.${stack}.yaml).`,
        `2. The customer's Privileged Role Administrator (no Azure subscription needed), with .github/scripts/bootstrap-tenant.sh:`,
        `     az login --tenant ${tenantId} --allow-no-subscriptions`,
        `     bash bootstrap-tenant.sh customer --stack ${stack} --tenant-id ${tenantId} --repo ${repoArg} --subject-prefix <PREFIX> --preview-mode <MODE>${appRoles}`,
        "   Phase 1 prints this line with the prefix and the mode GitHub reported. It creates the deployer and reader apps,",
        "   trusting only those environments, and prints their client IDs.",
        "3. jtel operator, with those two client IDs:",
        `     bash .github/scripts/bootstrap-tenant.sh link --stack ${stack} --deployer-client-id <deployer> --reader-client-id <reader>${subscription}`,
        "",
        "What the script cannot do:",
        `  - The customer excludes ${serviceUserPrincipalName} from MFA with a Conditional Access policy (the connector's`,
        "    password sign-in cannot do MFA); the first up creates the user, and its verification reports mfa_required until then.",
    ];
    if (handoffKeyVault !== undefined) {
        const scope = `/subscriptions/${handoffKeyVault.subscriptionId ?? "<subscription>"}/resourceGroups/${handoffKeyVault.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${handoffKeyVault.vaultName}`;
        lines.push(
            "  - handoffKeyVault: the only part of this stack that needs an Azure subscription in the customer's tenant. The",
            "    vault's owner lets the deployer write its secrets and the reader see them (drift):",
            `      az role assignment create --assignee <deployer> --role "Key Vault Contributor" --scope ${scope}`,
            `      az role assignment create --assignee <reader> --role Reader --scope ${scope}`,
            `    and the link phase's --subscription-id stores the vault's subscription as AZURE_SUBSCRIPTION_ID in ${names.deployEnvironment},`,
            `    ${names.driftEnvironment} and, in reviewed mode, ${names.previewEnvironment}.`,
        );
    }
    lines.push(
        `  - Commit Pulumi.${stack}.yaml (with the key stack init added) in a pull request: in reviewed mode a reviewer approves`,
        `    its preview in ${names.previewEnvironment}, in offline-plan mode it shows the offline plan; merging runs the first pulumi up.`,
        `    Then hand over: npm run handoff -- --stack ${stack}. To see the subjects GitHub sends, run .github/workflows/oidc-subject.yml`,
        `    (gh workflow run oidc-subject.yml --ref main -f stack=${stack}), then npm run doctor -- --stack ${stack} again: it compares them with the credentials.`,
    );
    return `${lines.join("\n")}\n`;
}
