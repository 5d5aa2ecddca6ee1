// Policy: the app is assigned only read-only Graph application permissions (app roles).
//
// Mandatory, not advisory: an app role works with the client secret alone (client credentials), tenant-wide,
// with no user, no MFA and no Conditional Access in the way, and that secret is handed to a third party. The
// three allowed roles cover every documented use of applicationPermissions; a tenant that really needs more
// overrides this policy's enforcementLevel in a reviewed policy config file, which leaves a trace in the PR.
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { listNamesWithIds, permissionNameForId, READ_ONLY_APP_ROLES, WHY_READ_ONLY } from "./graphAllowlist";

export interface AppRoleAssignmentInputs {
    readonly appRoleId?: string;
}

/** A violation naming the role ID when it is not an allowlisted read-only Graph app role. */
export function appRoleAssignmentViolations(assignment: AppRoleAssignmentInputs): string[] {
    if (assignment.appRoleId !== undefined && permissionNameForId(READ_ONLY_APP_ROLES, assignment.appRoleId) !== undefined) return [];
    return [`the app role assignment gives the app ${JSON.stringify(assignment.appRoleId ?? "(no appRoleId)")}, which is not ` +
        `one of the read-only Graph application permissions it may hold (${listNamesWithIds(READ_ONLY_APP_ROLES)}): an ` +
        "application permission works with the client secret alone, tenant-wide, without the service user, MFA or " +
        `Conditional Access, and ${WHY_READ_ONLY}. Remove it from the applicationPermissions list in Pulumi.<stack>.yaml ` +
        "(or `pulumi config rm applicationPermissions` for none, or `pulumi config set --path 'applicationPermissions[0]' Presence.Read.All`)."];
}

export const appRoleAssignmentPolicy: ResourceValidationPolicy = {
    name: "graph-app-roles-read-only",
    description: "App role assignments (application permissions) are limited to Presence.Read.All, User.ReadBasic.All and User.Read.All.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: validateResourceOfType(azuread.AppRoleAssignment, (assignment, _args, reportViolation) => {
        for (const message of appRoleAssignmentViolations({ appRoleId: assignment.appRoleId })) reportViolation(message);
    }),
};
