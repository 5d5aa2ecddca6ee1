import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { ownersRemovedAfterAdoption, removedOwnersWarning, type AdoptConfig, type AdoptionPlan } from "./adoption";

export interface AppRegistrationArgs {
    /** Name shown under App registrations and Enterprise applications. */
    readonly displayName: pulumi.Input<string>;
    /** Application (client) ID of the API whose permissions are declared (Microsoft Graph). */
    readonly apiClientId: pulumi.Input<string>;
    /** Delegated permission (scope) IDs to declare on the API. */
    readonly scopeIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Application permission (app role) IDs to declare on the API. */
    readonly roleIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Protect the registration and its service principal from `pulumi destroy`. */
    readonly protect?: boolean;
    /** Object IDs of the owners of the service principal (the enterprise application); every other owner is removed. */
    readonly servicePrincipalOwners?: readonly pulumi.Input<string>[];
    /** Objects made by hand to import instead of creating (see adoption.ts). */
    readonly adopt?: Pick<AdoptionPlan, "application" | "servicePrincipal" | "apiAccess"> & { readonly ids: Pick<AdoptConfig, "servicePrincipalObjectId"> };
}

/**
 * The single-tenant app registration the connector signs in through, its service principal (the app's
 * identity in this tenant, which consent is granted to), and the Graph permissions it declares.
 * Declaring a permission grants nothing; GraphConsent grants them.
 */
export class AppRegistration extends pulumi.ComponentResource {
    /** Resource ID `/applications/{objectId}`: what every azuread `applicationId` input takes. */
    readonly applicationId: pulumi.Output<string>;
    /** The registration's object ID (not the client ID). */
    readonly applicationObjectId: pulumi.Output<string>;
    /** Application (client) ID: the first value of the handoff. */
    readonly clientId: pulumi.Output<string>;
    /** The service principal's object ID. */
    readonly servicePrincipalObjectId: pulumi.Output<string>;

    constructor(name: string, args: AppRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:AppRegistration", name, {}, opts);

        const app = new azuread.ApplicationRegistration(`${name}-app`, {
            displayName: args.displayName,
            signInAudience: "AzureADMyOrg",
            notes: "Managed by jtel-teams-presence (Pulumi). The jtel ACD signs in through this app to read Teams presence.",
        }, {
            parent: this,
            protect: args.protect,
            ...args.adopt?.application,
        });

        // The provider keeps exactly these owners: it removes even the deployer it must add while creating
        // (service_principal_resource.go:435-525), and any owner added later once it reads it (565-596, 679-687).
        const declaredOwners = args.servicePrincipalOwners ?? [];
        const servicePrincipal = new azuread.ServicePrincipal(`${name}-sp`, {
            clientId: app.clientId,
            ...(declaredOwners.length > 0 ? { owners: [...declaredOwners] } : {}),
        }, {
            parent: this,
            protect: args.protect,
            ...args.adopt?.servicePrincipal,
        });
        if (args.adopt) {
            const adopted = args.adopt.ids;
            // Said while adopting, before `pulumi config rm adopt` removes them.
            pulumi.all([servicePrincipal.owners, pulumi.all([...declaredOwners])]).apply(([owners, declared]) => {
                const removed = ownersRemovedAfterAdoption(owners ?? [], declared);
                if (removed.length > 0) void pulumi.log.warn(removedOwnersWarning(adopted, removed, declared), servicePrincipal);
            });
        }

        new azuread.ApplicationApiAccess(`${name}-graph-access`, {
            applicationId: app.id,
            apiClientId: args.apiClientId,
            scopeIds: args.scopeIds,
            roleIds: args.roleIds,
        }, { parent: this, ...args.adopt?.apiAccess });

        this.applicationId = app.id;
        this.applicationObjectId = app.objectId;
        this.clientId = app.clientId;
        this.servicePrincipalObjectId = servicePrincipal.objectId;
        this.registerOutputs({
            applicationId: this.applicationId,
            applicationObjectId: this.applicationObjectId,
            clientId: this.clientId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
        });
    }
}
