import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as random from "@pulumi/random";
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
    /** Object ID of an existing user to adopt with Pulumi's import instead of creating one. */
    readonly adoptObjectId?: string;
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

        const password = new random.RandomPassword(`${name}-password`, passwordSpec(args.passwordLength), { parent: this });
        const secretPassword = pulumi.secret(password.result);

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
            import: args.adoptObjectId ? `/users/${args.adoptObjectId}` : undefined,
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
