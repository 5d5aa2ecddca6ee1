// Policy (advisory): the app registration, service principal and service user are protected from deletion.
// Advisory because `protect false` is the documented first step of tearing a tenant down (README, Clean up).
import { StackValidationPolicy } from "@pulumi/policy";

/** Resource types whose deletion breaks the connector for good: a new app has a new client ID and a new
 * user needs a new handoff. */
export const PROTECTED_TYPES: readonly string[] = [
    "azuread:index/applicationRegistration:ApplicationRegistration",
    "azuread:index/application:Application",
    "azuread:index/servicePrincipal:ServicePrincipal",
    "azuread:index/user:User",
];

export interface StackResourceSummary {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly protect: boolean;
}

export interface StackViolation {
    readonly urn: string;
    readonly message: string;
}

/** One violation per unprotected resource of a protected type. */
export function unprotectedObjects(resources: readonly StackResourceSummary[]): StackViolation[] {
    return resources
        .filter((r) => PROTECTED_TYPES.includes(r.type) && !r.protect)
        .map((r) => ({
            urn: r.urn,
            message: `${r.name} (${r.type.split(":").pop()}) is not protected: pulumi destroy, or a rename without aliases, ` +
                "would delete it, and the connector would need a new client ID or a new service user and a fresh handoff. " +
                "Keep protect true (pulumi config set protect true); set it false only to tear the tenant down.",
        }));
}

export const protectedObjectsPolicy: StackValidationPolicy = {
    name: "tenant-objects-protected",
    description: "The app registration, service principal and service user are protected from deletion (advisory: protect=false is how a tenant is cleaned up).",
    enforcementLevel: "advisory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const summaries = args.resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, protect: r.opts.protect }));
        for (const violation of unprotectedObjects(summaries)) reportViolation(violation.message, violation.urn);
    },
};
