// Mock handlers that behave like @pulumi/azuread and @pulumi/random for the stack program: each resource
// gets the computed outputs its provider would return, and the two look-ups answer like a real tenant.
import * as pulumi from "@pulumi/pulumi";
import { randomBytes, randomUUID } from "node:crypto";
import { drawPassword } from "../../demo/emulatorMocks";
import { GRAPH_ROLE_IDS, GRAPH_SCOPE_IDS, GRAPH_SP_OBJECT_ID } from "./graphFixture";
import { InvokeHandler, RecordingMocks, ResourceHandler } from "./pulumiHarness";

/** Type tokens of the resources the program registers. */
export const AZUREAD_TYPES = {
    app: "azuread:index/applicationRegistration:ApplicationRegistration",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    access: "azuread:index/applicationApiAccess:ApplicationApiAccess",
    user: "azuread:index/user:User",
    owner: "azuread:index/applicationOwner:ApplicationOwner",
    grant: "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
    role: "azuread:index/appRoleAssignment:AppRoleAssignment",
    password: "azuread:index/applicationPassword:ApplicationPassword",
    random: "random:index/randomPassword:RandomPassword",
} as const;

export const TENANT_ID = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
export const OTHER_TENANT_ID = "99999999-8888-7777-6666-555555555555";

export interface TenantMockOptions {
    /** Tenant the deploying identity signs in to; TENANT_ID by default. */
    signedInTenantId?: string;
}

/** The demo's RandomPassword stand-in, drawn as @pulumi/random draws: the minimum of each class, then any. */
export const randomPasswordLike = drawPassword;

export function azureResourceHandlers(): Record<string, ResourceHandler> {
    return {
        "azuread:index/applicationRegistration:ApplicationRegistration": (args) => {
            const objectId = args.id?.split("/").pop() || randomUUID();
            return { id: `/applications/${objectId}`, objectId, clientId: randomUUID() };
        },
        "azuread:index/servicePrincipal:ServicePrincipal": (args) => {
            const objectId = args.id?.split("/").pop() || randomUUID();
            return { id: `/servicePrincipals/${objectId}`, objectId };
        },
        "azuread:index/user:User": (args) => {
            const objectId = args.id?.split("/").pop() || randomUUID();
            return { id: `/users/${objectId}`, objectId };
        },
        "azuread:index/applicationOwner:ApplicationOwner": (args) => ({
            id: `${args.inputs.applicationId}/owners/${args.inputs.ownerObjectId}`,
        }),
        "azuread:index/applicationApiAccess:ApplicationApiAccess": (args) => ({
            id: `${args.inputs.applicationId}/apiAccess/${args.inputs.apiClientId}`,
        }),
        "azuread:index/applicationPassword:ApplicationPassword": (args) => {
            const keyId = randomUUID();
            return { id: `${args.inputs.applicationId}/password/${keyId}`, keyId, value: `mock-secret-${randomBytes(12).toString("base64url")}` };
        },
        "random:index/randomPassword:RandomPassword": (args) => ({ id: "none", result: randomPasswordLike(args.inputs) }),
    };
}

export function azureInvokeHandlers(options: TenantMockOptions = {}): Record<string, InvokeHandler> {
    return {
        "azuread:index/getClientConfig:getClientConfig": () => ({
            tenantId: options.signedInTenantId ?? TENANT_ID,
            clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            objectId: "aaaaaaaa-0000-0000-0000-000000000001",
            id: "client-config",
        }),
        "azuread:index/getServicePrincipal:getServicePrincipal": (inputs) => {
            if (inputs.clientId !== "00000003-0000-0000-c000-000000000000") {
                throw new Error(`unexpected service principal look-up ${JSON.stringify(inputs)}`);
            }
            return {
                id: `/servicePrincipals/${GRAPH_SP_OBJECT_ID}`,
                objectId: GRAPH_SP_OBJECT_ID,
                clientId: inputs.clientId,
                displayName: "Microsoft Graph",
                oauth2PermissionScopeIds: GRAPH_SCOPE_IDS,
                appRoleIds: GRAPH_ROLE_IDS,
            };
        },
    };
}

export function tenantMocks(options: TenantMockOptions = {}): RecordingMocks {
    return new RecordingMocks(azureInvokeHandlers(options), azureResourceHandlers());
}

export const BASE_CONFIG: Record<string, string> = {
    "azuread:tenantId": TENANT_ID,
    serviceUserPrincipalName: "jtel-presence@contoso.com",
    verify: "false",
};

export type StackOutputs = Record<string, pulumi.Output<unknown> | unknown>;
