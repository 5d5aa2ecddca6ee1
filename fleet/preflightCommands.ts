// Every command `npm run doctor` runs, and prints for whoever has to run it elsewhere, as argument lists: one place,
// so test/fleet/bootstrapAz.test.ts parses every az command here with the Azure CLI's own parser (2.45, offline) and
// test/fleet/preflight.test.ts checks that the doctor runs no az command that is not built here. Every one of them
// only reads: no az command that creates or changes anything, and only GET requests through `gh api`.

/** One federated credential per line: name, subject, issuer, audiences (the bootstrap's CREDENTIAL_QUERY). */
export const CREDENTIAL_QUERY = "[].[name, subject, issuer, join(',', audiences)]";

/** The manual workflow that prints the subject GitHub sends in each environment of a stack. */
export const PROBE_WORKFLOW = "oidc-subject.yml";

/** How many of the probe workflow's latest finished runs on main the doctor reads (one page). */
export const PROBE_RUNS_READ = 20;

/** The stack's identities, as the bootstrap names them (.github/scripts/bootstrap-tenant.sh). */
export function identityNames(stack: string, repo: string) {
    return {
        deployIdentity: `jtel-presence-${stack}-deploy`,
        previewIdentity: `jtel-presence-${stack}-preview`,
        deployerApp: `jtel presence deployer (${repo} ${stack})`,
        readerApp: `jtel presence reader (${repo} ${stack})`,
    };
}

/** az argument lists. `graph` is the stack's Microsoft Graph endpoint (verifier/clouds.ts), without a trailing slash. */
export const az = {
    /** The same question the bootstrap asks (require_az). */
    version: (): string[] => ["version", "--query", '"azure-cli"', "-o", "tsv"],
    /** Loads `az keyvault key` without running it (the bootstrap's require_az_keyvault_keys). */
    keyvaultKeys: (): string[] => ["keyvault", "key", "create", "--help"],
    /** The signed-in tenant, user and kind of identity: local, no request. */
    account: (): string[] => ["account", "show", "--query", "[tenantId, user.name, user.type]", "-o", "tsv"],
    /**
     * The subscriptions az knows in a tenant (local, from the last `az login`). A tenant signed in with
     * --allow-no-subscriptions shows one entry named "N/A(tenant level account)" whose ID is the tenant's own
     * (azure-cli 2.45, azure/cli/core/_profile.py: _TENANT_LEVEL_ACCOUNT_NAME, _build_tenant_level_accounts).
     */
    subscriptions: (tenant: string): string[] => ["account", "list", "--query", `[?tenantId=='${tenant}'].[id, name]`, "-o", "tsv"],
    /**
     * The signed-in user's directory roles, direct or through a group (Graph v1.0, "List a user's memberships (direct
     * and transitive)": GET /me/transitiveMemberOf with an OData cast to microsoft.graph.directoryRole; least
     * privileged permission User.Read; only active role assignments are memberships, so an eligible PIM role counts
     * once it is activated). `az rest` attaches a token only for the --resource it is given, and sends it only to
     * --url (az rest --help, azure-cli 2.45); the method defaults to GET and is named anyway.
     */
    directoryRoles: (graph: string): string[] => [
        "rest", "--method", "get", "--url", `${graph}/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole?$select=displayName,roleTemplateId`,
        "--resource", graph, "--query", "value[].[roleTemplateId, displayName]", "-o", "tsv",
    ],
    /** The tenant's domains (Graph v1.0, "List domains": Domain.Read.All; User Administrator and Directory Readers may read them). */
    domains: (graph: string): string[] => [
        "rest", "--method", "get", "--url", `${graph}/v1.0/domains?$select=id,isVerified`,
        "--resource", graph, "--query", "value[].[id, isVerified]", "-o", "tsv",
    ],
    identityCredentials: (identity: string, resourceGroup: string, subscription: string): string[] => [
        "identity", "federated-credential", "list", "--identity-name", identity, "--resource-group", resourceGroup,
        "--subscription", subscription, "--query", CREDENTIAL_QUERY, "-o", "tsv",
    ],
    appIds: (displayName: string): string[] => ["ad", "app", "list", "--display-name", displayName, "--query", "[].appId", "-o", "tsv"],
    appCredentials: (appId: string): string[] => ["ad", "app", "federated-credential", "list", "--id", appId, "--query", CREDENTIAL_QUERY, "-o", "tsv"],
};

/** Every az command the doctor may run for these inputs (test/fleet/bootstrapAz.test.ts parses them all). */
export function doctorAzCommands(inputs: { stack: string; repo: string; tenant: string; graph: string; resourceGroup: string; subscription: string; appId: string }): string[][] {
    const names = identityNames(inputs.stack, inputs.repo);
    return [
        az.version(), az.keyvaultKeys(), az.account(), az.subscriptions(inputs.tenant), az.directoryRoles(inputs.graph), az.domains(inputs.graph),
        az.identityCredentials(names.deployIdentity, inputs.resourceGroup, inputs.subscription),
        az.identityCredentials(names.previewIdentity, inputs.resourceGroup, inputs.subscription),
        az.appIds(names.deployerApp), az.appIds(names.readerApp), az.appCredentials(inputs.appId),
    ];
}

/**
 * gh argument lists: `gh api` only, GET only (works on every gh; gh 2.23's `gh run list` has no --status or --event,
 * and its `gh run view --log` downloads the whole run's zip: GET /repos/{owner}/{repo}/actions/runs/{id}/logs).
 * GitHub's REST reference (docs.github.com/en/rest/actions/workflow-runs, /workflow-jobs): "List workflow runs for
 * a workflow" takes the workflow's file name and filters by branch, event and status; "List jobs for a workflow
 * run"; "Download job logs for a workflow run" answers 302 with a Location that expires after a minute, a plain
 * text log (which gh follows).
 */
export const gh = {
    version: (): string[] => ["--version"],
    runs: (repo: string): string[] => [
        "api", `repos/${repo}/actions/workflows/${PROBE_WORKFLOW}/runs?branch=main&event=workflow_dispatch&status=completed&per_page=${PROBE_RUNS_READ}`,
        "--jq", ".workflow_runs[] | [.id, .created_at] | @tsv",
    ],
    jobs: (repo: string, run: number): string[] => ["api", `repos/${repo}/actions/runs/${run}/jobs?per_page=100`, "--jq", '.jobs[] | [.id, (.conclusion // ""), .name] | @tsv'],
    jobLog: (repo: string, job: number): string[] => ["api", `repos/${repo}/actions/jobs/${job}/logs`],
    /** Printed, never run: starts the probe (gh 2.23 has `gh workflow run` with --ref and -f). */
    startProbe: (stack: string): string[] => ["workflow", "run", PROBE_WORKFLOW, "--ref", "main", "-f", `stack=${stack}`],
};

/** A command line a person can paste into bash: words with anything but safe characters in single quotes. */
export function shellLine(tool: string, args: readonly string[]): string {
    return [tool, ...args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)).join(" ");
}
