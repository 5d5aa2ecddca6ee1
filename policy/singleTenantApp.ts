// Policy: the app registration accepts sign-ins from this tenant only.
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const SINGLE_TENANT_AUDIENCE = "AzureADMyOrg";

export interface AppAudienceInputs {
    readonly signInAudience?: string;
}

/** Why this audience opens the app beyond the tenant; empty when it is single-tenant. Unset is fine: the
 * azuread provider defaults signInAudience to AzureADMyOrg. */
export function signInAudienceViolations(app: AppAudienceInputs): string[] {
    if (app.signInAudience === undefined || app.signInAudience === SINGLE_TENANT_AUDIENCE) return [];
    return [`the app registration has signInAudience ${JSON.stringify(app.signInAudience)}: accounts from other tenants ` +
        "(or personal Microsoft accounts) could then sign in to it and consent to its Graph permissions, while the " +
        "connector only ever signs in to this one tenant. Keep signInAudience \"AzureADMyOrg\" " +
        "(components/appRegistration.ts; no stack config key changes it)."];
}

export const singleTenantAppPolicy: ResourceValidationPolicy = {
    name: "app-registration-single-tenant",
    description: "The app registration is single-tenant (signInAudience AzureADMyOrg).",
    enforcementLevel: "mandatory",
    severity: "high",
    // Both app resource types: switching to azuread.Application must not sidestep the rule.
    validateResource: [
        validateResourceOfType(azuread.ApplicationRegistration, (app, _args, reportViolation) => {
            for (const message of signInAudienceViolations({ signInAudience: app.signInAudience })) reportViolation(message);
        }),
        validateResourceOfType(azuread.Application, (app, _args, reportViolation) => {
            for (const message of signInAudienceViolations({ signInAudience: app.signInAudience })) reportViolation(message);
        }),
    ],
};
