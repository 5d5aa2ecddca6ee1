// Deploying a customer's app, user and secrets into the wrong tenant is the worst failure this tool can
// have, so the program stops before registering anything unless the signed-in identity's tenant is the
// one the stack is configured for.
import { UserError } from "../components/userError";

/** A UserError: `pulumi up` prints only the message. */
export class TenantMismatchError extends UserError {
    constructor(readonly configuredTenantId: string, readonly signedInTenantId: string) {
        super(`The stack is configured for tenant ${configuredTenantId} (azuread:tenantId), but the signed-in identity ` +
            `belongs to tenant ${signedInTenantId}; nothing was created. Sign in to the customer's tenant ` +
            `(az login --tenant ${configuredTenantId}, or set ARM_TENANT_ID) or select the stack for tenant ${signedInTenantId}.`);
        this.name = "TenantMismatchError";
    }
}

/** Throws TenantMismatchError unless both IDs name the same tenant (GUIDs compare case-insensitively). */
export function assertSameTenant(configuredTenantId: string, signedInTenantId: string): void {
    if (configuredTenantId.trim().toLowerCase() !== signedInTenantId.trim().toLowerCase()) {
        throw new TenantMismatchError(configuredTenantId, signedInTenantId);
    }
}
