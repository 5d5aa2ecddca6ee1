// Policy: the app declares (requiredResourceAccess) only read-only Graph permissions. Declaring grants nothing
// by itself, but a declared permission is one "Grant admin consent" click away from being granted.
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
    listNamesWithIds, MICROSOFT_GRAPH_APP_ID, permissionNameForId, READ_ONLY_APP_ROLES, READ_ONLY_DELEGATED_SCOPES, WHY_READ_ONLY,
} from "./graphAllowlist";

export interface DeclaredAccessInputs {
    /** Application (client) ID of the API the permissions belong to. */
    readonly apiClientId?: string;
    /** Delegated permission (scope) IDs. */
    readonly scopeIds?: readonly string[];
    /** Application permission (app role) IDs. */
    readonly roleIds?: readonly string[];
}

/** One violation per declared permission outside the allowlists (and for any API but Microsoft Graph). */
export function declaredAccessViolations(access: DeclaredAccessInputs): string[] {
    const violations: string[] = [];
    if (access.apiClientId !== undefined && access.apiClientId.toLowerCase() !== MICROSOFT_GRAPH_APP_ID) {
        violations.push(`the app declares permissions on the API ${JSON.stringify(access.apiClientId)}, not Microsoft Graph ` +
            `(${MICROSOFT_GRAPH_APP_ID}): the connector only reads presence and users from Graph, and ${WHY_READ_ONLY}. ` +
            "Declare Graph permissions only, through delegatedPermissions and applicationPermissions.");
    }
    for (const id of new Set(access.scopeIds ?? [])) {
        if (permissionNameForId(READ_ONLY_DELEGATED_SCOPES, id) !== undefined) continue;
        violations.push(`the app declares the delegated permission ${JSON.stringify(id)}, which is not one of the read-only ` +
            `Graph scopes it may declare (${listNamesWithIds(READ_ONLY_DELEGATED_SCOPES)}): ${WHY_READ_ONLY}. ` +
            "Remove it from delegatedPermissions.");
    }
    for (const id of new Set(access.roleIds ?? [])) {
        if (permissionNameForId(READ_ONLY_APP_ROLES, id) !== undefined) continue;
        violations.push(`the app declares the application permission ${JSON.stringify(id)}, which is not one of the read-only ` +
            `Graph app roles it may declare (${listNamesWithIds(READ_ONLY_APP_ROLES)}): ${WHY_READ_ONLY}. ` +
            "Remove it from applicationPermissions.");
    }
    return violations;
}

/** azuread.Application's requiredResourceAccess blocks, as the same inputs (type "Scope" or "Role"). */
export function fromRequiredResourceAccess(block: {
    readonly resourceAppId: string;
    readonly resourceAccesses: readonly { readonly id: string; readonly type: string }[];
}): DeclaredAccessInputs {
    return {
        apiClientId: block.resourceAppId,
        scopeIds: block.resourceAccesses.filter((a) => a.type === "Scope").map((a) => a.id),
        // Anything that is not a delegated scope is checked against the stricter app role list.
        roleIds: block.resourceAccesses.filter((a) => a.type !== "Scope").map((a) => a.id),
    };
}

export const declaredAccessPolicy: ResourceValidationPolicy = {
    name: "graph-declared-permissions-read-only",
    description: "The app registration declares only read-only Microsoft Graph permissions.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: [
        validateResourceOfType(azuread.ApplicationApiAccess, (access, _args, reportViolation) => {
            const inputs = { apiClientId: access.apiClientId, scopeIds: access.scopeIds, roleIds: access.roleIds };
            for (const message of declaredAccessViolations(inputs)) reportViolation(message);
        }),
        validateResourceOfType(azuread.Application, (app, _args, reportViolation) => {
            for (const block of app.requiredResourceAccesses ?? []) {
                for (const message of declaredAccessViolations(fromRequiredResourceAccess(block))) reportViolation(message);
            }
        }),
    ],
};
