import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { Adoption } from "./adoption";
import { ResolvedPermission } from "./graphPermissions";

export interface GraphConsentArgs {
    /** Object ID of the app's service principal (the client being granted). */
    readonly clientServicePrincipalObjectId: pulumi.Input<string>;
    /** Object ID of Microsoft Graph's service principal in this tenant (the resource). */
    readonly resourceServicePrincipalObjectId: pulumi.Input<string>;
    /** Delegated permissions to consent, by name (the grant stores names). */
    readonly delegatedPermissions: readonly string[];
    /** Application permissions to assign, with IDs resolved from the Graph service principal. */
    readonly applicationPermissions: readonly ResolvedPermission[];
    /** Consent only on behalf of this user; omitted means tenant-wide admin consent. */
    readonly consentUserObjectId?: pulumi.Input<string>;
    /** The grant "Grant admin consent" made by hand, to import instead of creating a second one (a 409). */
    readonly adoptDelegatedGrant?: Adoption;
}

/**
 * Admin consent, as the portal's "Grant admin consent" button gives it: one delegated grant holding every
 * scope (a second grant for the same client, resource and user is a 409) and one app role assignment per
 * application permission. ROPC cannot prompt for consent, so the connector depends on this existing.
 */
export class GraphConsent extends pulumi.ComponentResource {
    /** The oauth2PermissionGrant's ID. */
    readonly delegatedGrantId: pulumi.Output<string>;
    /** IDs of the app role assignments, in the order of `applicationPermissions`. */
    readonly appRoleAssignmentIds: pulumi.Output<string[]>;

    constructor(name: string, args: GraphConsentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:GraphConsent", name, {}, opts);

        const grant = new azuread.ServicePrincipalDelegatedPermissionGrant(`${name}-delegated`, {
            servicePrincipalObjectId: args.clientServicePrincipalObjectId,
            resourceServicePrincipalObjectId: args.resourceServicePrincipalObjectId,
            claimValues: [...args.delegatedPermissions].sort(),
            userObjectId: args.consentUserObjectId,
        }, { parent: this, ...args.adoptDelegatedGrant });

        const assignments = args.applicationPermissions.map((permission) =>
            new azuread.AppRoleAssignment(`${name}-role-${permission.name}`, {
                appRoleId: permission.id,
                principalObjectId: args.clientServicePrincipalObjectId,
                resourceObjectId: args.resourceServicePrincipalObjectId,
            }, { parent: this }));

        this.delegatedGrantId = grant.id;
        this.appRoleAssignmentIds = pulumi.all(assignments.map((a) => a.id));
        this.registerOutputs({ delegatedGrantId: this.delegatedGrantId, appRoleAssignmentIds: this.appRoleAssignmentIds });
    }
}
