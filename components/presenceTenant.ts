import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { Handoff } from "../handoff/types";
import { AdoptConfig, adoptionPlan } from "./adoption";
import { AppRegistration } from "./appRegistration";
import { GraphConsent } from "./graphConsent";
import { HandoffVault } from "./handoffVault";
import { MICROSOFT_GRAPH_APP_ID, ResolvedPermission } from "./graphPermissions";
import { RotatingSecret } from "./rotatingSecret";
import { ServiceUser } from "./serviceUser";

export interface PresenceTenantArgs {
    /** The customer's Directory (tenant) ID; the tenant guard has already checked the deployer is in it. */
    readonly tenantId: string;
    /** App registration name. */
    readonly appDisplayName: pulumi.Input<string>;
    /** Service user's sign-in name. */
    readonly serviceUserPrincipalName: pulumi.Input<string>;
    /** Service user's display name. */
    readonly serviceUserDisplayName: pulumi.Input<string>;
    /** Microsoft Graph's service principal in this tenant and the permissions resolved from it. */
    readonly graph: {
        readonly servicePrincipalObjectId: pulumi.Input<string>;
        readonly delegated: readonly ResolvedPermission[];
        readonly application: readonly ResolvedPermission[];
    };
    /** `tenant`: admin consent for all users; `serviceUser`: consent only on behalf of the service user. */
    readonly consent: "tenant" | "serviceUser";
    /** Length of the service user's generated password. */
    readonly passwordLength: number;
    /** Never expire the service user's password. */
    readonly passwordNeverExpires: boolean;
    /** Days between client-secret rotations. */
    readonly secretRotationDays: number;
    /** Days the previous secret stays valid after a rotation. */
    readonly secretOverlapDays: number;
    /** The instant the program runs at (drives the rotation schedule). */
    readonly now: Date;
    /** Protect the app registration, service principal and user from `pulumi destroy`. */
    readonly protect: boolean;
    /** Object IDs of the service principal's owners; the provider removes every other owner. */
    readonly servicePrincipalOwners?: readonly string[];
    /** Objects made by hand (the manual guide) to bring under management instead of creating new ones. */
    readonly adopt?: AdoptConfig;
    /** The service user's current password, kept instead of generating a new one (secret). */
    readonly existingUserPassword?: pulumi.Input<string>;
    /** Deliver the handoff as secrets in this existing Key Vault. */
    readonly handoffKeyVault?: {
        readonly subscriptionId?: string;
        readonly resourceGroupName: string;
        readonly vaultName: string;
        readonly secretNamePrefix: string;
    };
}

/**
 * Everything one customer tenant needs so the jtel ACD can read Teams presence: app registration and
 * service principal, service user, owner link, Graph consent, rotating client secret; and the handoff.
 */
export class PresenceTenant extends pulumi.ComponentResource {
    /** Application (client) ID. */
    readonly applicationClientId: pulumi.Output<string>;
    /** Directory (tenant) ID. */
    readonly directoryTenantId: pulumi.Output<string>;
    /** The service user's sign-in name. */
    readonly userEmail: pulumi.Output<string>;
    /** The app registration's object ID (not the client ID). */
    readonly applicationObjectId: pulumi.Output<string>;
    /** The service principal's object ID. */
    readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The service user's object ID. */
    readonly serviceUserObjectId: pulumi.Output<string>;
    /** The newest client secret's value (secret). */
    readonly secretValue: pulumi.Output<string>;
    /** The service user's password (secret). */
    readonly userPassword: pulumi.Output<string>;
    /** When the newest client secret expires (ISO 8601). */
    readonly secretExpiresAt: pulumi.Output<string>;
    /** When the previous client secret expires (ISO 8601), or null. */
    readonly previousSecretExpiresAt: pulumi.Output<string | null>;
    /** The newest client secret's key ID (not its value): how Graph's credential activity report names it. */
    readonly currentSecretKeyId: pulumi.Output<string>;
    /** The previous client secret's key ID, or null when there is none. */
    readonly previousSecretKeyId: pulumi.Output<string | null>;
    /** When the newest client secret was created (its start date as Graph returned it), or null if unknown. */
    readonly currentSecretCreatedAt: pulumi.Output<string | null>;
    /** The next rotation boundary (ISO 8601). */
    readonly nextRotationAt: pulumi.Output<string>;
    /** The five values for the jtel contact (secret). */
    readonly handoff: pulumi.Output<Handoff>;
    /** Resolves once the owner link, consent and secret exist: what the verifier waits for. */
    readonly provisioned: pulumi.Output<string[]>;
    /** Key Vault secret names of the handoff values, or null without handoffKeyVault. */
    readonly keyVaultSecretNames: pulumi.Output<Record<keyof Handoff, string> | null>;

    constructor(name: string, args: PresenceTenantArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:PresenceTenant", name, {}, opts);
        const adoption = args.adopt ? adoptionPlan(args.adopt) : undefined;

        const app = new AppRegistration(`${name}-registration`, {
            displayName: args.appDisplayName,
            apiClientId: MICROSOFT_GRAPH_APP_ID,
            scopeIds: args.graph.delegated.map((p) => p.id),
            roleIds: args.graph.application.map((p) => p.id),
            protect: args.protect,
            servicePrincipalOwners: args.servicePrincipalOwners,
            adopt: adoption && args.adopt ? { ...adoption, ids: args.adopt } : undefined,
        }, { parent: this });

        const user = new ServiceUser(`${name}-service-user`, {
            userPrincipalName: args.serviceUserPrincipalName,
            displayName: args.serviceUserDisplayName,
            passwordLength: args.passwordLength,
            passwordNeverExpires: args.passwordNeverExpires,
            protect: args.protect,
            existingPassword: args.existingUserPassword,
            adopt: adoption?.serviceUser,
        }, { parent: this });

        const owner = new azuread.ApplicationOwner(`${name}-owner`, {
            applicationId: app.applicationId,
            ownerObjectId: user.objectId,
        }, { parent: this, ...adoption?.owner });

        const consent = new GraphConsent(`${name}-consent`, {
            clientServicePrincipalObjectId: app.servicePrincipalObjectId,
            resourceServicePrincipalObjectId: args.graph.servicePrincipalObjectId,
            delegatedPermissions: args.graph.delegated.map((p) => p.name),
            applicationPermissions: args.graph.application,
            consentUserObjectId: args.consent === "serviceUser" ? user.objectId : undefined,
            adoptDelegatedGrant: adoption?.delegatedGrant,
        }, { parent: this });

        const secret = new RotatingSecret(`${name}-secret`, {
            applicationId: app.applicationId,
            rotationDays: args.secretRotationDays,
            overlapDays: args.secretOverlapDays,
            now: args.now,
        }, { parent: this });

        this.applicationClientId = app.clientId;
        this.directoryTenantId = pulumi.output(args.tenantId);
        this.userEmail = user.userPrincipalName;
        this.applicationObjectId = app.applicationObjectId;
        this.servicePrincipalObjectId = app.servicePrincipalObjectId;
        this.serviceUserObjectId = user.objectId;
        this.secretValue = secret.value;
        this.userPassword = user.password;
        this.secretExpiresAt = secret.expiresAt;
        this.previousSecretExpiresAt = secret.previousExpiresAt;
        this.currentSecretKeyId = secret.keyId;
        this.previousSecretKeyId = secret.previousKeyId;
        this.currentSecretCreatedAt = secret.createdAt;
        this.nextRotationAt = secret.nextRotationAt;
        this.handoff = pulumi.secret(pulumi.all([app.clientId, args.tenantId, secret.value, user.userPrincipalName, user.password])
            .apply(([applicationClientId, directoryTenantId, secretValue, userEmail, userPassword]) =>
                ({ applicationClientId, directoryTenantId, secretValue, userEmail, userPassword })));
        this.keyVaultSecretNames = args.handoffKeyVault
            ? new HandoffVault(`${name}-vault`, {
                handoff: this.handoff,
                secretExpiresAt: secret.expiresAt,
                ...args.handoffKeyVault,
            }, { parent: this }).secretNames
            : pulumi.output(null);
        this.provisioned = pulumi.all([owner.id, consent.delegatedGrantId, consent.appRoleAssignmentIds, secret.keyId])
            .apply(([ownerId, grantId, roleIds, keyId]) => [ownerId, grantId, ...roleIds, keyId]);
        this.registerOutputs({
            applicationClientId: this.applicationClientId,
            directoryTenantId: this.directoryTenantId,
            userEmail: this.userEmail,
            applicationObjectId: this.applicationObjectId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            serviceUserObjectId: this.serviceUserObjectId,
            secretValue: this.secretValue,
            userPassword: this.userPassword,
            secretExpiresAt: this.secretExpiresAt,
            previousSecretExpiresAt: this.previousSecretExpiresAt,
            currentSecretKeyId: this.currentSecretKeyId,
            previousSecretKeyId: this.previousSecretKeyId,
            currentSecretCreatedAt: this.currentSecretCreatedAt,
            nextRotationAt: this.nextRotationAt,
            handoff: this.handoff,
            provisioned: this.provisioned,
            keyVaultSecretNames: this.keyVaultSecretNames,
        });
    }
}
