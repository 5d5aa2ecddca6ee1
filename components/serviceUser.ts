import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as random from "@pulumi/random";
import type { Adoption } from "./adoption";
import { passwordSpec } from "./passwordPolicy";

export interface ServiceUserArgs {
    /** Sign-in name, e.g. jtel-presence@contoso.com; its domain must be verified in the tenant. */
    readonly userPrincipalName: pulumi.Input<string>;
    /** Name shown in the directory. */
    readonly displayName: pulumi.Input<string>;
    /** Length of the generated password (see passwordPolicy.ts for its alphabet). */
    readonly passwordLength: number;
    /** Set DisablePasswordExpiration so the connector's password never expires. */
    readonly passwordNeverExpires: pulumi.Input<boolean>;
    /** Protect the user from `pulumi destroy`. */
    readonly protect?: boolean;
    /** The password the connector already uses (adopted setups): kept instead of generating one. */
    readonly existingPassword?: pulumi.Input<string>;
    /** An existing user to import instead of creating one (see adoption.ts). */
    readonly adopt?: Adoption;
}

/**
 * The dedicated user the connector signs in as (ROPC). Its password is generated once and kept in the
 * stack's state, so it is stable across runs; a forced change at next sign-in would break the connector's
 * sign-in, so it is never forced.
 */
export class ServiceUser extends pulumi.ComponentResource {
    /** The user's object ID. */
    readonly objectId: pulumi.Output<string>;
    /** The sign-in name: the handoff's "User email address". */
    readonly userPrincipalName: pulumi.Output<string>;
    /** The generated password (secret). */
    readonly password: pulumi.Output<string>;

    constructor(name: string, args: ServiceUserArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:ServiceUser", name, {}, opts);

        const secretPassword = pulumi.secret(args.existingPassword !== undefined
            ? pulumi.output(args.existingPassword)
            : new random.RandomPassword(`${name}-password`, passwordSpec(args.passwordLength), { parent: this }).result);

        const user = new azuread.User(`${name}-user`, {
            userPrincipalName: args.userPrincipalName,
            displayName: args.displayName,
            password: secretPassword,
            forcePasswordChange: false,
            disablePasswordExpiration: args.passwordNeverExpires,
            accountEnabled: true,
        }, {
            parent: this,
            protect: args.protect,
            ...args.adopt,
        });

        this.objectId = user.objectId;
        this.userPrincipalName = user.userPrincipalName;
        this.password = secretPassword;
        this.registerOutputs({
            objectId: this.objectId,
            userPrincipalName: this.userPrincipalName,
            password: this.password,
        });
    }
}
