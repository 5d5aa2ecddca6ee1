// Which stacks the fleet has, and what a stack may be called. One rule for new-tenant, status and
// .github/scripts/list-stacks.sh (test/fleet/stacks.test.ts holds the two in step).

/**
 * A stack name this fleet accepts: lower-case letters, digits and inner hyphens, at most 40 characters. The
 * name becomes the GitHub environments `tenant-<stack>`, `-preview` and `-drift` (which an OIDC subject
 * matches case-sensitively), the state container `tenant-<stack>` (Azure: 3-63 lower-case letters, digits and
 * hyphens) and the Key Vault key `tenant-<stack>`, so one spelling must fit all of them.
 */
export const STACK_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export const STACK_NAME_RULE = "lower-case letters, digits and inner hyphens, 1-40 characters (it names the GitHub environments, the state container and the Key Vault key)";

/** The example stack file, never managed by the workflows. */
export const EXAMPLE_STACK = "dev";

/** The stacks with a committed `Pulumi.<stack>.yaml`, sorted; `Pulumi.yaml` and the example are left out. */
export function managedStacks(fileNames: readonly string[]): string[] {
    return fileNames
        .map((name) => /^Pulumi\.(.*)\.yaml$/.exec(name)?.[1])
        .filter((stack): stack is string => stack !== undefined && stack !== EXAMPLE_STACK)
        .sort();
}

/** Stack file names that break the naming rule, so callers can refuse them before touching anything. */
export function invalidStackNames(stacks: readonly string[]): string[] {
    return stacks.filter((stack) => !STACK_NAME.test(stack));
}

/** Names derived from a stack; the bootstrap script derives the same (checked in test/fleet/bootstrap.test.ts). */
export function tenantResourceNames(stack: string) {
    const base = `tenant-${stack}`;
    return {
        /** Runs `pulumi up` from main only, unattended (daily rotation). */
        deployEnvironment: base,
        /** Runs pull-request previews after a reviewer approves the run. */
        previewEnvironment: `${base}-preview`,
        /** Runs the weekly drift check from main only, with the read-only identities. */
        driftEnvironment: `${base}-drift`,
        stateContainer: base,
        stateKey: base,
    };
}
