// Bringing a setup made by hand (the manual guide) under management with Pulumi's import option.
// Pure: which resource gets which import ID, and which inputs it ignores while being adopted.
import { MICROSOFT_GRAPH_APP_ID } from "./graphPermissions";

/** Object IDs of what the manual guide created, from the `adopt` config. */
export interface AdoptConfig {
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId: string;
    readonly serviceUserObjectId: string;
    /** ID of the oauth2PermissionGrant that "Grant admin consent" created. */
    readonly delegatedGrantId: string;
}

/** Resource options for one adopted resource. */
export interface Adoption {
    /** The ID Pulumi imports instead of creating. */
    readonly import: string;
    /** Inputs whose existing values are kept during adoption, so the import matches whatever the portal set.
     * Once `adopt` is removed from config, Pulumi brings them in line with the stack's settings. */
    readonly ignoreChanges: string[];
}

export interface AdoptionPlan {
    application: Adoption;
    servicePrincipal: Adoption;
    serviceUser: Adoption;
    owner: Adoption;
    apiAccess: Adoption;
    delegatedGrant: Adoption;
}

/**
 * Why the user `adopt.serviceUserObjectId` names cannot be adopted as `serviceUserPrincipalName`, or undefined.
 * Since Pulumi CLI 3.174 the `import` option no longer stops on inputs that differ from what it reads: it
 * imports, then updates in the same `pulumi up` (pulumi/pulumi#19339, pkg/resource/deploy/step_generator.go),
 * and a User's userPrincipalName is updated in place (user_resource.go:69, not ForceNew). Another sign-in name
 * would rename the user the connector signs in as. Sign-in names are compared case-insensitively, as Entra ID does.
 */
export function adoptedUserProblem(adopt: Pick<AdoptConfig, "serviceUserObjectId">, serviceUserPrincipalName: string, existingUserPrincipalName: string): string | undefined {
    if (serviceUserPrincipalName.toLowerCase() === existingUserPrincipalName.toLowerCase()) return undefined;
    return `adopt.serviceUserObjectId ${adopt.serviceUserObjectId} is the user ${existingUserPrincipalName}, not serviceUserPrincipalName ${serviceUserPrincipalName}: ` +
        `adopting it would rename it, and the connector signs in as ${existingUserPrincipalName}. ` +
        `Keep its name: pulumi config set serviceUserPrincipalName ${existingUserPrincipalName}`;
}

export function adoptionPlan(adopt: AdoptConfig): AdoptionPlan {
    const app = `/applications/${adopt.applicationObjectId}`;
    return {
        // A portal-made app has api.requestedAccessTokenVersion null, which the provider reads as 0 against its
        // default 2 (application_registration_resource.go:139,298 in terraform-provider-azuread v3.8.0).
        application: { import: app, ignoreChanges: ["displayName", "notes", "signInAudience", "requestedAccessTokenVersion"] },
        servicePrincipal: { import: `/servicePrincipals/${adopt.servicePrincipalObjectId}`, ignoreChanges: [] },
        // The password stays whatever the connector already uses; see existingUserPassword.
        serviceUser: {
            import: `/users/${adopt.serviceUserObjectId}`,
            // showInAddressList is never set on a portal-made user and reads as false against the provider's
            // default true (user_resource.go:283,815).
            ignoreChanges: ["displayName", "password", "forcePasswordChange", "disablePasswordExpiration", "accountEnabled", "showInAddressList"],
        },
        owner: { import: `${app}/owners/${adopt.serviceUserObjectId}`, ignoreChanges: [] },
        apiAccess: { import: `${app}/apiAccess/${MICROSOFT_GRAPH_APP_ID}`, ignoreChanges: ["scopeIds", "roleIds"] },
        delegatedGrant: { import: `/oauth2PermissionGrants/${adopt.delegatedGrantId}`, ignoreChanges: ["claimValues", "userObjectId"] },
    };
}
