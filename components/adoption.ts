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
        // The provider keeps exactly the declared owners (servicePrincipalOwners) and removes any other
        // (service_principal_resource.go:565-596): ignoring them keeps the enterprise app's owners while adopting;
        // `pulumi config rm adopt` then removes those not declared (ownersRemovedAfterAdoption warns of them).
        servicePrincipal: { import: `/servicePrincipals/${adopt.servicePrincipalObjectId}`, ignoreChanges: ["owners"] },
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

/**
 * The owners of the adopted service principal (the enterprise application) that `servicePrincipalOwners` does
 * not list, and so that `pulumi config rm adopt` will remove: azuread's ServicePrincipal reads every owner
 * (service_principal_resource.go:679-687), its `owners` is Optional and not Computed (205-214), so no input
 * means none, and Update removes each owner it does not declare (565-596).
 */
export function ownersRemovedAfterAdoption(current: readonly string[], declared: readonly string[]): string[] {
    const kept = new Set(declared.map((id) => id.toLowerCase()));
    return current.filter((id) => !kept.has(id.toLowerCase()));
}

/** What the adoption run says about the owners `pulumi config rm adopt` will remove, and how to keep them. */
export function removedOwnersWarning(adopt: Pick<AdoptConfig, "servicePrincipalObjectId">, removed: readonly string[], declared: readonly string[]): string {
    const keep = [...declared, ...removed].map((id, i) => `pulumi config set --path 'servicePrincipalOwners[${i}]' ${id}`).join("; ");
    const [they, them] = removed.length === 1 ? ["It is", "it"] : ["They are", "them"];
    return `The adopted service principal ${adopt.servicePrincipalObjectId} (Enterprise applications > the app > Owners) has ` +
        `${removed.length} owner${removed.length === 1 ? "" : "s"} that servicePrincipalOwners does not list: ${removed.join(", ")}. ` +
        `${they} kept while adopting; \`pulumi config rm adopt\` will remove ${them}, because the stack declares the enterprise ` +
        `application's owners (none unless servicePrincipalOwners lists them). To keep ${them}, before that: ${keep}`;
}
