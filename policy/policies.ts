// The pack's policies, in one list, so tests can run them without the analyzer's gRPC server.
import { Policies } from "@pulumi/policy";
import { appRoleAssignmentPolicy } from "./appRoleAssignment";
import { clientSecretPolicy } from "./clientSecret";
import { declaredAccessPolicy } from "./declaredAccess";
import { delegatedGrantPolicy } from "./delegatedGrant";
import { passwordGeneratorPolicy } from "./passwordGenerator";
import { protectedObjectsPolicy } from "./protectedObjects";
import { serviceUserPolicy } from "./serviceUser";
import { singleTenantAppPolicy } from "./singleTenantApp";

export const PACK_NAME = "jtel-teams-presence";
export const PACK_DESCRIPTION = "Stops a change that would weaken a jtel Teams presence tenant: service user sign-in, " +
    "single-tenant app, read-only Microsoft Graph access, bounded client secrets, connector-safe passwords.";

export interface PolicyOptions {
    /** The clock the client-secret rule compares dates with; the real one by default. */
    readonly now?: () => Date;
}

export function createPolicies(options: PolicyOptions = {}): Policies {
    return [
        serviceUserPolicy,
        singleTenantAppPolicy,
        delegatedGrantPolicy,
        declaredAccessPolicy,
        appRoleAssignmentPolicy,
        clientSecretPolicy(options.now ?? (() => new Date())),
        protectedObjectsPolicy,
        passwordGeneratorPolicy,
    ];
}
