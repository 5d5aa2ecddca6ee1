// A model of one tenant behind @pulumi/azuread, @pulumi/random and @pulumi/azure-native, for the stack
// program under Pulumi mocks (the tests, and `npm run plan`). What it stores for a resource is what the real
// provider stores after its Create → Read (planner/tables.ts: storedState), never an echo of the inputs, and it
// refuses what the provider or Graph refuse: a second declaration of an API ("requires import"), a second owner
// link, a second user with the same UPN, a second delegated grant for the same key, a second service principal
// for an app, an import of something that does not exist, a secret that would already have ended.
import * as pulumi from "@pulumi/pulumi";
import { randomBytes, randomUUID } from "node:crypto";
import { drawPassword } from "./randomPassword";
import { GRAPH_APP_ROLES, GRAPH_DELEGATED_SCOPES } from "../emulator/microsoftGraph";
import { DeploymentEngine, failedLookUp, type RunResult, type TenantModel } from "./engine";
import type { StateEntry } from "./plan";
import {
    APP_ROLE_ASSIGNMENT, APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, APPLICATION_REGISTRATION,
    AZURE_NATIVE_PROVIDER, DELEGATED_GRANT, KEY_VAULT_SECRET, RANDOM_PASSWORD, SERVICE_PRINCIPAL, USER,
    graphDateTime, semanticsOf, storedState,
} from "./tables";

/** Microsoft Graph's permissions by name, with the real IDs the emulator's Graph service principal carries. */
const GRAPH_SCOPE_IDS: Record<string, string> = Object.fromEntries(GRAPH_DELEGATED_SCOPES.map((s) => [s.value, s.id]));
const GRAPH_ROLE_IDS: Record<string, string> = Object.fromEntries(GRAPH_APP_ROLES.map((r) => [r.value, r.id]));
/** The object ID of Microsoft Graph's service principal in the modelled tenant. */
export const GRAPH_SP_OBJECT_ID = "5b2c1a7e-0d0f-4c77-9a43-6f7e4d9b1c01";

/** Type tokens of the resources the program registers. */
export const AZUREAD_TYPES = {
    app: APPLICATION_REGISTRATION.token,
    sp: SERVICE_PRINCIPAL.token,
    access: APPLICATION_API_ACCESS.token,
    user: USER.token,
    owner: APPLICATION_OWNER.token,
    grant: DELEGATED_GRANT.token,
    role: APP_ROLE_ASSIGNMENT.token,
    password: APPLICATION_PASSWORD.token,
    random: RANDOM_PASSWORD.token,
} as const;

export const TENANT_ID = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
export const OTHER_TENANT_ID = "99999999-8888-7777-6666-555555555555";
export const MICROSOFT_GRAPH_CLIENT_ID = "00000003-0000-0000-c000-000000000000";
/** azuread's getDirectoryObject: the program's look-up of each servicePrincipalOwners entry. */
export const DIRECTORY_OBJECT_LOOK_UP = "azuread:index/getDirectoryObject:getDirectoryObject";

export interface TenantMockOptions {
    /** Tenant the deploying identity signs in to; TENANT_ID by default. */
    signedInTenantId?: string;
    /** The tenant's clock. Graph refuses a secret whose end is not after its start (now); without a clock
     * the model cannot judge that and accepts any end date. */
    now?: Date;
    /** A setup made by hand with the manual guide, with these object IDs, to adopt. */
    handMadeSetup?: HandMadeIds;
    /** Owners the hand-made setup has besides the service user's link: of the service principal (the enterprise
     * application) and of the app registration (e.g. whoever registered it). */
    handMadeOwners?: { servicePrincipal?: string[]; application?: string[] };
    /** Other objects of the directory, by object ID, with the type getDirectoryObject answers for each (`User`,
     * `ServicePrincipal`, `Group`, ...): people and apps the stack does not manage. */
    directoryObjects?: Readonly<Record<string, string>>;
}

/** Object IDs of a setup made in the portal (the `adopt` config). */
export interface HandMadeIds {
    applicationObjectId: string;
    servicePrincipalObjectId: string;
    serviceUserObjectId: string;
    delegatedGrantId: string;
}

/** The demo's RandomPassword stand-in, drawn as @pulumi/random draws: the minimum of each class, then any. */
export const randomPasswordLike = drawPassword;

/** The deploying identity getClientConfig names: a user signed in with the Azure CLI (its client ID is the CLI's). */
export const DEPLOYER_OBJECT_ID = "aaaaaaaa-0000-0000-0000-000000000001";

function refuse(message: string): Error {
    return new Error(message);
}

/** One tenant's objects, each as the provider's Read would return it, keyed by type and resource ID. */
export class MockTenant implements TenantModel {
    now?: Date;
    private readonly objects = new Map<string, Map<string, Record<string, unknown>>>();
    private readonly signedInTenantId: string;
    /** Directory objects outside the stack's resources (the deployer, Graph, hand-made owners), by ID: their type. */
    private readonly others = new Map<string, string>();

    constructor(options: TenantMockOptions = {}) {
        this.now = options.now;
        this.signedInTenantId = options.signedInTenantId ?? TENANT_ID;
        this.others.set(DEPLOYER_OBJECT_ID, "User").set(GRAPH_SP_OBJECT_ID, "ServicePrincipal");
        for (const [id, type] of Object.entries(options.directoryObjects ?? {})) this.others.set(id.toLowerCase(), type);
        if (options.handMadeSetup) this.seedHandMadeSetup(options.handMadeSetup, options.handMadeOwners);
    }

    private of(type: string): Map<string, Record<string, unknown>> {
        let found = this.objects.get(type);
        if (!found) this.objects.set(type, (found = new Map()));
        return found;
    }

    /** Every object of a type, as stored. */
    list(type: string): Record<string, unknown>[] {
        return [...this.of(type).values()];
    }

    async invoke(token: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
        switch (token) {
            case "azuread:index/getClientConfig:getClientConfig":
                return { tenantId: this.signedInTenantId, clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", objectId: DEPLOYER_OBJECT_ID, id: "client-config" };
            case "azuread:index/getServicePrincipal:getServicePrincipal":
                if (inputs.clientId !== MICROSOFT_GRAPH_CLIENT_ID) throw new Error(`unexpected service principal look-up ${JSON.stringify(inputs)}`);
                return {
                    id: `/servicePrincipals/${GRAPH_SP_OBJECT_ID}`, objectId: GRAPH_SP_OBJECT_ID, clientId: inputs.clientId,
                    displayName: "Microsoft Graph", oauth2PermissionScopeIds: GRAPH_SCOPE_IDS, appRoleIds: GRAPH_ROLE_IDS,
                };
            case "azuread:index/getUser:getUser": {
                const user = this.of(USER.token).get(`/users/${String(inputs.objectId)}`);
                // user_data_source.go:356-366 looks the user up by object ID and fails when Graph answers 404.
                if (!user) throw new Error(`User not found with object ID: ${JSON.stringify(String(inputs.objectId))}`);
                return { id: user.objectId, objectId: user.objectId, userPrincipalName: user.userPrincipalName, displayName: user.displayName };
            }
            case DIRECTORY_OBJECT_LOOK_UP: {
                const objectId = String(inputs.objectId);
                const type = this.directoryObjectType(objectId);
                // directory_object_data_source.go:49-54: GET /directoryObjects/{id}, and a 404 fails the look-up.
                if (type === undefined) throw failedLookUp(token, `Directory Object (Directory Object: ${JSON.stringify(objectId)}) was not found`);
                return { id: `/directoryObjects/${objectId}`, objectId, type };
            }
            default:
                throw new Error(`unexpected invoke ${token}: add a handler to the test's mocks`);
        }
    }

    /** The type getDirectoryObject answers for an object of the model (directoryobjects.go:13-15), or undefined. */
    protected directoryObjectType(objectId: string): string | undefined {
        const id = objectId.toLowerCase();
        const types: [string, string][] = [[USER.token, "User"], [SERVICE_PRINCIPAL.token, "ServicePrincipal"], [APPLICATION_REGISTRATION.token, "Application"]];
        for (const [token, type] of types) if (this.list(token).some((o) => String(o.objectId).toLowerCase() === id)) return type;
        return this.others.get(id);
    }

    /** Refuses a create whose key (tables.ts) an existing object of the type already holds. */
    private assertUnique(type: string, state: Record<string, unknown>): void {
        const semantics = semanticsOf(type);
        const key = semantics.unique?.key(state);
        if (key && this.list(type).some((o) => semantics.unique?.key(o) === key)) throw refuse(`${semantics.kind}: ${semantics.unique?.refusal}`);
    }

    private app(applicationId: unknown): Record<string, unknown> {
        const app = this.of(APPLICATION_REGISTRATION.token).get(String(applicationId));
        if (!app) throw refuse(`${String(applicationId)} was not found (the application does not exist)`);
        return app;
    }

    async create(type: string, _name: string, inputs: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown> }> {
        const put = (id: string, outputs: Record<string, unknown>) => {
            this.of(type).set(id, outputs);
            return { id, outputs };
        };
        switch (type) {
            case APPLICATION_REGISTRATION.token: {
                const objectId = randomUUID();
                return put(`/applications/${objectId}`, storedState(type, inputs, { objectId, clientId: randomUUID(), publisherDomain: "contoso.onmicrosoft.com", disabledByMicrosoft: "" }));
            }
            case SERVICE_PRINCIPAL.token: {
                const state = storedState(type, inputs, { objectId: randomUUID() });
                this.assertUnique(type, state);
                if (!this.list(APPLICATION_REGISTRATION.token).some((a) => a.clientId === inputs.clientId)) {
                    throw refuse(`Graph 400 Request_BadRequest: The appId '${String(inputs.clientId)}' of the service principal does not reference a valid application object.`);
                }
                // Exactly the declared owners, none by default (service_principal_resource.go:435-525).
                return put(`/servicePrincipals/${String(state.objectId)}`, state);
            }
            case APPLICATION_API_ACCESS.token: {
                this.app(inputs.applicationId);
                const state = storedState(type, inputs);
                this.assertUnique(type, state);
                return put(`${String(inputs.applicationId)}/apiAccess/${String(inputs.apiClientId)}`, state);
            }
            case USER.token: {
                const state = storedState(type, inputs, { objectId: randomUUID(), mailNickname: String(inputs.userPrincipalName).split("@")[0] });
                this.assertUnique(type, state);
                return put(`/users/${String(state.objectId)}`, state);
            }
            case APPLICATION_OWNER.token: {
                this.app(inputs.applicationId);
                if (!this.of(USER.token).has(`/users/${String(inputs.ownerObjectId)}`)) throw refuse(`Graph 404 Request_ResourceNotFound: Resource '${String(inputs.ownerObjectId)}' does not exist`);
                const state = storedState(type, inputs);
                this.assertUnique(type, state);
                return put(`${String(inputs.applicationId)}/owners/${String(inputs.ownerObjectId)}`, state);
            }
            case DELEGATED_GRANT.token: {
                const state = storedState(type, inputs);
                this.assertUnique(type, state);
                return put(`/oauth2PermissionGrants/${randomBytes(32).toString("base64url").slice(0, 43)}`, state);
            }
            case APP_ROLE_ASSIGNMENT.token: {
                const state = storedState(type, inputs, { principalType: "ServicePrincipal", resourceDisplayName: "Microsoft Graph" });
                this.assertUnique(type, state);
                return put(`/servicePrincipals/${String(inputs.resourceObjectId)}/appRoleAssignedTo/${randomBytes(32).toString("base64url").slice(0, 43)}`, state);
            }
            case APPLICATION_PASSWORD.token: {
                const app = this.app(inputs.applicationId);
                const startDate = this.now ? graphDateTime(this.now) : undefined;
                const state = storedState(type, inputs, { keyId: randomUUID(), value: `mock-secret-${randomBytes(12).toString("base64url")}`, ...(startDate ? { startDate } : {}) });
                if (this.now && Date.parse(String(state.endDate)) <= this.now.getTime()) {
                    throw refuse("Graph 400 Request_BadRequest: Key credential end date is invalid. (endDateTime must be after startDateTime, which defaults to now)");
                }
                return put(`${String(app.objectId)}/password/${String(state.keyId)}`, state);
            }
            case RANDOM_PASSWORD.token:
                // A real RandomPassword's ID is "none" (resource_password.go:86), so the model keys it by name.
                return { id: "none", outputs: storedState(type, inputs, { result: drawPassword(inputs) }) };
            case KEY_VAULT_SECRET.token: {
                const id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${String(inputs.vaultName)}/secrets/${String(inputs.secretName)}`;
                return put(id, { ...inputs, name: inputs.secretName, type: "Microsoft.KeyVault/vaults/secrets" });
            }
            case AZURE_NATIVE_PROVIDER.token:
                return { id: randomUUID(), outputs: { ...inputs } };
            default:
                throw new Error(`the tenant model cannot create ${type}: add it to planner/tables.ts and planner/tenantModel.ts`);
        }
    }

    async read(type: string, id: string): Promise<Record<string, unknown> | undefined> {
        const found = this.of(type).get(id);
        return found ? { ...found } : undefined;
    }

    async update(type: string, previous: StateEntry, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
        const semantics = semanticsOf(type);
        const computed = Object.fromEntries(semantics.computed.filter((k) => previous.outputs[k] !== undefined).map((k) => [k, previous.outputs[k]]));
        const outputs = semantics.diffBasis === "inputs" ? { ...previous.outputs, ...inputs } : { ...previous.outputs, ...storedState(type, inputs, computed) };
        this.of(type).set(previous.id, outputs);
        return outputs;
    }

    async delete(type: string, previous: StateEntry): Promise<void> {
        this.of(type).delete(previous.id);
    }

    /**
     * What the manual guide leaves behind, as the provider would read it: an app made in the portal (its
     * api.requestedAccessTokenVersion is null, read as 0), Graph declared with User.Read and Presence.Read.All,
     * a service principal, the service user as owner (showInAddressList never set, read as false) and the
     * tenant-wide grant; with `owners`, more owners of the service principal and of the app.
     */
    seedHandMadeSetup(ids: HandMadeIds, owners: TenantMockOptions["handMadeOwners"] = {}): void {
        // Whoever owns a hand-made app or enterprise app is a person of the tenant (adoption.ts, scenarios).
        for (const owner of [...(owners.servicePrincipal ?? []), ...(owners.application ?? [])]) {
            if (!this.others.has(owner.toLowerCase())) this.others.set(owner.toLowerCase(), "User");
        }
        const appId = `/applications/${ids.applicationObjectId}`;
        const clientId = "c0ffee00-1111-4222-8333-444455556666";
        this.of(APPLICATION_REGISTRATION.token).set(appId, {
            displayName: "jtel Presence Connector", signInAudience: "AzureADMyOrg", notes: "", description: "",
            requestedAccessTokenVersion: 0, objectId: ids.applicationObjectId, clientId, publisherDomain: "contoso.onmicrosoft.com", disabledByMicrosoft: "",
        });
        this.of(SERVICE_PRINCIPAL.token).set(`/servicePrincipals/${ids.servicePrincipalObjectId}`, {
            clientId, accountEnabled: true, appRoleAssignmentRequired: false, owners: [...(owners.servicePrincipal ?? [])], objectId: ids.servicePrincipalObjectId, displayName: "jtel Presence Connector",
        });
        this.of(APPLICATION_API_ACCESS.token).set(`${appId}/apiAccess/${MICROSOFT_GRAPH_CLIENT_ID}`, {
            applicationId: appId, apiClientId: MICROSOFT_GRAPH_CLIENT_ID, scopeIds: [GRAPH_SCOPE_IDS["User.Read"], GRAPH_SCOPE_IDS["Presence.Read.All"]], roleIds: [],
        });
        this.of(USER.token).set(`/users/${ids.serviceUserObjectId}`, {
            userPrincipalName: "jtel-presence@contoso.com", displayName: "jtel Presence Service", accountEnabled: true,
            disablePasswordExpiration: true, disableStrongPassword: false, showInAddressList: false, mailNickname: "jtel-presence",
            usageLocation: "", objectId: ids.serviceUserObjectId,
        });
        for (const owner of [ids.serviceUserObjectId, ...(owners.application ?? [])]) {
            this.of(APPLICATION_OWNER.token).set(`${appId}/owners/${owner}`, { applicationId: appId, ownerObjectId: owner });
        }
        this.of(DELEGATED_GRANT.token).set(`/oauth2PermissionGrants/${ids.delegatedGrantId}`, {
            servicePrincipalObjectId: ids.servicePrincipalObjectId, resourceServicePrincipalObjectId: GRAPH_SP_OBJECT_ID,
            userObjectId: "", claimValues: ["User.Read", "Presence.Read.All"],
        });
    }
}

export const BASE_CONFIG: Record<string, string> = {
    "azuread:tenantId": TENANT_ID,
    serviceUserPrincipalName: "jtel-presence@contoso.com",
    verify: "false",
};

export type StackOutputs = Record<string, pulumi.Output<unknown> | unknown>;

/** One `pulumi up` of the real program (index.ts) at `now` against the tenant, continuing from `previous`; with
 * the stack outputs' values (undefined for an output that failed). */
export async function deployAt(tenant: MockTenant, previous: readonly StateEntry[], config: Record<string, string>, now: Date, mode: "up" | "preview" = "up"): Promise<RunResult & { outputs: Record<string, unknown> }> {
    tenant.now = now;
    const engine = new DeploymentEngine(previous, tenant, mode);
    await engine.install({ config });
    const program = (await import("../index")).default as (options: { now: Date }) => Promise<Record<string, unknown>>;
    const outputs = await program({ now });
    // Settling every output waits for every registration the program started; a refused one rejects.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const values = await Promise.allSettled(Object.values(outputs).map((v) => (pulumi.Output.isInstance(v) ? (v as any).promise() : v)));
    const result = await engine.finish();
    return { ...result, outputs: Object.fromEntries(Object.keys(outputs).map((key, i) => [key, values[i].status === "fulfilled" ? values[i].value : undefined])) };
}
