// Policy: the service user must stay able to sign in the way the connector does (ROPC, no interaction).
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface ServiceUserInputs {
    readonly forcePasswordChange?: boolean;
    readonly accountEnabled?: boolean;
}

/** Why these user inputs would stop the connector's sign-in; empty when they are fine. */
export function serviceUserViolations(user: ServiceUserInputs): string[] {
    const violations: string[] = [];
    if (user.forcePasswordChange === true) {
        violations.push("the service user has forcePasswordChange: true: Entra ID then demands a new password at the next " +
            "sign-in, which the connector's password sign-in (ROPC) cannot do, so it fails with AADSTS50055 until someone " +
            "resets the password by hand. Keep forcePasswordChange false (components/serviceUser.ts); to get a new " +
            "password, `pulumi config rm existingUserPassword` and `pulumi up` instead.");
    }
    if (user.accountEnabled === false) {
        violations.push("the service user has accountEnabled: false: a disabled account cannot sign in (AADSTS50057), so " +
            "the jtel ACD loses presence for every agent. Keep accountEnabled true (components/serviceUser.ts); to retire " +
            "the tenant, follow the README's clean-up (pulumi config set protect false, then pulumi destroy).");
    }
    return violations;
}

export const serviceUserPolicy: ResourceValidationPolicy = {
    name: "service-user-can-sign-in",
    description: "The service user is enabled and never forced to change its password, so the connector's ROPC sign-in keeps working.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: validateResourceOfType(azuread.User, (user, _args, reportViolation) => {
        // Read only the two inputs: touching others (the password) is needless, and an unknown value aborts the check.
        for (const message of serviceUserViolations({ forcePasswordChange: user.forcePasswordChange, accountEnabled: user.accountEnabled })) {
            reportViolation(message);
        }
    }),
};
