// Policy: admin consent (the delegated grant) holds only read-only Graph scopes.
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isReadOnlyScopeName, listNames, READ_ONLY_DELEGATED_SCOPES, WHY_READ_ONLY } from "./graphAllowlist";

export interface DelegatedGrantInputs {
    readonly claimValues?: readonly string[];
}

/** One violation per scope outside the allowlist, naming it; empty when every scope is allowed. */
export function delegatedGrantViolations(grant: DelegatedGrantInputs): string[] {
    // Entra ID stores a grant's scopes space-separated, so "User.Read Mail.Send" in one entry is two scopes.
    const scopes = (grant.claimValues ?? []).flatMap((value) => value.split(/\s+/)).filter((s) => s !== "");
    const disallowed = [...new Set(scopes.filter((scope) => !isReadOnlyScopeName(scope)))];
    return disallowed.map((scope) =>
        `the delegated grant (admin consent) gives the app ${JSON.stringify(scope)}` +
        `${/write/i.test(scope) ? ", a permission that can change data," : ""} which is not one of the read-only ` +
        `Microsoft Graph scopes it may hold (${listNames(READ_ONLY_DELEGATED_SCOPES)}): ${WHY_READ_ONLY}. ` +
        // A JSON string is refused for a list-typed key; the list is edited in the stack file or item by item.
        "Remove it from the delegatedPermissions list in Pulumi.<stack>.yaml, or go back to the default with `pulumi config rm delegatedPermissions`.");
}

export const delegatedGrantPolicy: ResourceValidationPolicy = {
    name: "graph-consent-read-only",
    description: "Admin consent (the delegated permission grant) holds only read-only Microsoft Graph scopes.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: validateResourceOfType(azuread.ServicePrincipalDelegatedPermissionGrant, (grant, _args, reportViolation) => {
        for (const message of delegatedGrantViolations({ claimValues: grant.claimValues })) reportViolation(message);
    }),
};
