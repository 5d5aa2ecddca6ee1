// The tenant model (planner/tenantModel.ts) behind the tests' RecordingMocks: one run of the program in which every
// registration is a create (or, with an import ID, a read) on a fresh model. Re-exports the model for the tests.
import { unwrapSecrets } from "../../planner/engine";
import {
    APP_ROLE_ASSIGNMENT, APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, APPLICATION_REGISTRATION,
    AZURE_NATIVE_PROVIDER, DELEGATED_GRANT, KEY_VAULT_SECRET, RANDOM_PASSWORD, SERVICE_PRINCIPAL, USER,
} from "../../planner/tables";
import { DIRECTORY_OBJECT_LOOK_UP, MockTenant, type TenantMockOptions } from "../../planner/tenantModel";
import { InvokeHandler, RecordingMocks, ResourceHandler } from "./pulumiHarness";

export * from "../../planner/tenantModel";

/** Resource handlers for RecordingMocks: each registration is a Create (or, with an import ID, a Read) on the tenant. */
export function azureResourceHandlers(tenant: MockTenant = new MockTenant()): Record<string, ResourceHandler> {
    const handler: ResourceHandler = async (args) => {
        const inputs = unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>;
        if (args.id) {
            const read = await tenant.read(args.type, args.id);
            if (!read) throw new Error(`${args.name}: ${args.id} does not exist: Pulumi cannot import it`);
            return { id: args.id, ...read };
        }
        const { id, outputs } = await tenant.create(args.type, args.name, inputs);
        return { id, ...outputs };
    };
    return Object.fromEntries([
        APPLICATION_REGISTRATION, SERVICE_PRINCIPAL, APPLICATION_API_ACCESS, APPLICATION_OWNER, USER, DELEGATED_GRANT,
        APP_ROLE_ASSIGNMENT, APPLICATION_PASSWORD, RANDOM_PASSWORD, KEY_VAULT_SECRET, AZURE_NATIVE_PROVIDER,
    ].map((s) => [s.token, handler]));
}

export function azureInvokeHandlers(options: TenantMockOptions = {}): Record<string, InvokeHandler> {
    const tenant = new MockTenant({ signedInTenantId: options.signedInTenantId, handMadeSetup: options.handMadeSetup, handMadeOwners: options.handMadeOwners, directoryObjects: options.directoryObjects });
    return Object.fromEntries([
        "azuread:index/getClientConfig:getClientConfig", "azuread:index/getServicePrincipal:getServicePrincipal", "azuread:index/getUser:getUser",
        DIRECTORY_OBJECT_LOOK_UP,
    ].map((token) => [token, (inputs: Record<string, unknown>) => tenant.invoke(token, inputs)]));
}

/** Recording mocks over a fresh tenant model: one run of the program, every registration a create or import. */
export function tenantMocks(options: TenantMockOptions = {}): RecordingMocks {
    return new RecordingMocks(azureInvokeHandlers(options), azureResourceHandlers(new MockTenant(options)));
}

