import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as random from "@pulumi/random";
import type { Adoption } from "./adoption";
import { UserError } from "./userError";
import { passwordProblems, passwordSpec } from "./passwordPolicy";

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

/** A drawn password that breaks a rule of passwordProblems; the user never gets it. A UserError: `pulumi up`
 * prints only the message, which names the rules and never the password. */
export class GeneratedPasswordError extends UserError {
    constructor(readonly problems: readonly string[]) {
        super(`The password generated for the service user breaks a rule of Entra ID or the connector (${problems.join("; ")}), ` +
            "so it was not set on the user. The alphabet passwordSpec hands @pulumi/random " +
            "(components/passwordPolicy.ts) allows what it must not: fix it and run pulumi up again; a changed alphabet " +
            "draws a new password.");
        this.name = "GeneratedPasswordError";
    }
}

/** The drawn password, unchanged, when it meets passwordProblems' rules at the configured length. */
export function checkedGeneratedPassword(password: string, length: number): string {
    const problems = passwordProblems(password, length);
    if (problems.length > 0) throw new GeneratedPasswordError(problems);
    return password;
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

        // A kept password was checked with the config (handMadePasswordProblems); a drawn one is checked here,
        // before the user gets it: ROPC accepts [ ] < > ? # &, so the verification would pass and only the connector fail.
        const secretPassword = pulumi.secret(args.existingPassword !== undefined
            ? pulumi.output(args.existingPassword)
            : new random.RandomPassword(`${name}-password`, passwordSpec(args.passwordLength), { parent: this }).result
                .apply((drawn) => checkedGeneratedPassword(drawn, args.passwordLength)));

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
