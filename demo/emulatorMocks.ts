// The local tenant emulator behind the stack program, reached the way @pulumi/azuread's provider reaches
// Microsoft Graph: every create is the provider's Graph calls followed by its Read, and what the stack
// stores is what that Read returns from the emulator (never the inputs), so a redeploy is compared with
// Graph's read-back exactly as in a real tenant. planner/engine.ts drives it; a wiring mistake in a
// component then fails a real Graph call or sign-in, not an assert.
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import type { TenantModel } from "../planner/engine";
import type { StateEntry } from "../planner/plan";
import { drawPassword } from "../planner/randomPassword";
import { failedLookUp } from "../planner/engine";
import { DIRECTORY_OBJECT_LOOK_UP } from "../planner/tenantModel";
import {
    APP_ROLE_ASSIGNMENT, APPLICATION_API_ACCESS, APPLICATION_OWNER, APPLICATION_PASSWORD, APPLICATION_REGISTRATION,
    credentialDateRoundTrip, DELEGATED_GRANT, RANDOM_PASSWORD, SERVICE_PRINCIPAL, storedState, USER,
} from "../planner/tables";
import { createGraphClient } from "../verifier/graph";

export { unwrapSecrets } from "../planner/engine";

/** What a step did, for the demo's progress lines (never a secret). */
export interface ProvisionedStep {
    type: string;
    name: string;
    summary: string;
}

export interface EmulatorTenantOptions {
    /** The emulator's URL: authority host and Graph endpoint. */
    url: string;
    tenantId: string;
    /** The deployer's access token (client credentials of a deployer app, or a signed-in deployer). */
    accessToken: string;
    /** Object ID of the deployer (getClientConfig's objectId). */
    deployerObjectId: string;
    /** Application (client) ID the deployer signs in with. */
    deployerClientId: string;
    /** Called after each resource is created. */
    onStep?: (step: ProvisionedStep) => void;
    /** Called after each resource is created, before the next; scenarios use it to tamper with the tenant. */
    afterCreate?: (type: string, state: Record<string, unknown>) => Promise<void> | void;
    /** How long to retry Graph's eventual-consistency errors, like the provider does; 60 s by default. */
    consistencyTimeoutMs?: number;
}

/** The demo's bound on waiting out Graph's eventual consistency, unless `consistencyTimeoutMs` says otherwise. */
const DEFAULT_CONSISTENCY_TIMEOUT_MS = 60_000;

/**
 * Each resource's Create timeout in the provider (hashicorp/terraform-provider-azuread@v3.8.0 internal/services/):
 * the wait for a new object to become readable counts against it. The demo waits at most the smaller of this and
 * its own bound.
 */
const CREATE_TIMEOUT_MS: Readonly<Record<string, number>> = {
    [APPLICATION_REGISTRATION.token]: 10 * 60_000, // applications/application_registration_resource.go:204
    [SERVICE_PRINCIPAL.token]: 10 * 60_000, // serviceprincipals/service_principal_resource.go:44
    [USER.token]: 5 * 60_000, // users/user_resource.go:42
    [APPLICATION_PASSWORD.token]: 15 * 60_000, // applications/application_password_resource.go:35
    [APPLICATION_OWNER.token]: 10 * 60_000, // applications/application_owner_resource.go:71
    [APPLICATION_API_ACCESS.token]: 10 * 60_000, // applications/application_api_access_resource.go:95
    [DELEGATED_GRANT.token]: 5 * 60_000, // serviceprincipals/service_principal_delegated_permission_grant_resource.go:36
    [APP_ROLE_ASSIGNMENT.token]: 5 * 60_000, // approleassignments/app_role_assignment_resource.go:34
};

/** A refusal the provider makes itself, before any Graph call (never retried). */
class ProviderRefusal extends Error {}

function isConsistencyError(error: unknown): boolean {
    if (!(error instanceof GraphError)) return false;
    if (error.statusCode === 404) return true;
    return error.statusCode === 400 && /does not reference|no (service principal|user)|does not exist|not found/i.test(error.message);
}

function objectIdOf(applicationId: unknown): string {
    const id = String(applicationId);
    const match = /^\/applications\/([^/]+)$/.exec(id);
    if (!match) throw new Error(`applicationId ${id} is not an /applications/{objectId} resource ID`);
    return match[1];
}

interface GraphApplication {
    id: string; appId: string; displayName: string; signInAudience: string; notes: string | null;
    api?: { requestedAccessTokenVersion: number | null };
    requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
    passwordCredentials: { keyId: string; displayName: string | null; startDateTime: string; endDateTime: string }[];
}

const USER_FIELDS = "id,userPrincipalName,displayName,accountEnabled,passwordPolicies,mailNickname,showInAddressList";

export class EmulatorTenant implements TenantModel {
    private readonly client: Client;
    /** Secret values and passwords the provider keeps in state but Graph never returns, by resource ID. */
    private readonly writeOnly = new Map<string, Record<string, unknown>>();

    constructor(private readonly options: EmulatorTenantOptions) {
        this.client = createGraphClient(options.url, { getAccessToken: () => Promise.resolve(options.accessToken) });
    }

    async invoke(token: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
        switch (token) {
            case "azuread:index/getClientConfig:getClientConfig":
                return { id: this.options.tenantId, tenantId: this.options.tenantId, clientId: this.options.deployerClientId, objectId: this.options.deployerObjectId };
            case "azuread:index/getServicePrincipal:getServicePrincipal": {
                const clientId = String(inputs.clientId);
                const found = await this.graph<{ value: Record<string, unknown>[] }>("GET", `/servicePrincipals?$filter=appId eq '${clientId}'`);
                const sp = found.value[0];
                if (!sp) throw new Error(`no service principal with client ID ${clientId} in the tenant`);
                const scopes = (sp.oauth2PermissionScopes as { id: string; value: string }[] | undefined) ?? [];
                const roles = (sp.appRoles as { id: string; value: string }[] | undefined) ?? [];
                return {
                    id: `/servicePrincipals/${sp.id}`, objectId: sp.id, clientId, displayName: sp.displayName,
                    oauth2PermissionScopeIds: Object.fromEntries(scopes.map((s) => [s.value, s.id])),
                    appRoleIds: Object.fromEntries(roles.map((r) => [r.value, r.id])),
                };
            }
            case "azuread:index/getUser:getUser": {
                const objectId = String(inputs.objectId);
                let user: { id: string; userPrincipalName: string; displayName: string };
                try {
                    user = await this.graph("GET", `/users/${objectId}?$select=id,userPrincipalName,displayName`, undefined, false);
                } catch (error) {
                    // user_data_source.go:359-360.
                    if (error instanceof GraphError && error.statusCode === 404) throw new Error(`User not found with object ID: ${JSON.stringify(objectId)}`, { cause: error });
                    throw error;
                }
                return { id: user.id, objectId: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName };
            }
            case DIRECTORY_OBJECT_LOOK_UP: {
                // directory_object_data_source.go:46-77: GET /directoryObjects/{id}; a 404 fails the look-up, else the type.
                const objectId = String(inputs.objectId);
                let found: { id: string; "@odata.type"?: string };
                try {
                    found = await this.graph("GET", `/directoryObjects/${objectId}`, undefined, false);
                } catch (error) {
                    if (error instanceof GraphError && error.statusCode === 404) throw failedLookUp(token, `Directory Object (Directory Object: ${JSON.stringify(objectId)}) was not found`);
                    throw error;
                }
                if (!found["@odata.type"]) throw new Error(`Graph answered GET /directoryObjects/${objectId} without @odata.type`);
                return { id: `/directoryObjects/${objectId}`, objectId, type: odataTypeName(found["@odata.type"]) };
            }
            default:
                throw new Error(`the offline demo cannot carry out the look-up ${token}`);
        }
    }

    async create(type: string, name: string, inputs: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown> }> {
        if (type === RANDOM_PASSWORD.token) {
            // No remote object: random_password's Create sets its whole state, ID "none" (resource_password.go:86).
            const outputs = storedState(type, inputs, { result: drawPassword(inputs) });
            this.options.onStep?.({ type, name, summary: `password generated (${String(inputs.length)} characters)` });
            await this.options.afterCreate?.(type, outputs);
            return { id: "none", outputs };
        }
        const started = Date.now();
        const { id, summary } = await this.createInGraph(type, inputs);
        const timeoutMs = Math.min(CREATE_TIMEOUT_MS[type] ?? DEFAULT_CONSISTENCY_TIMEOUT_MS, this.options.consistencyTimeoutMs ?? DEFAULT_CONSISTENCY_TIMEOUT_MS);
        const outputs = await this.readBack(type, id, started + timeoutMs);
        if (!outputs) throw new Error(`${name}: created as ${id} but the provider's read-back found nothing within ${timeoutMs / 1000} s`);
        this.options.onStep?.({ type, name, summary });
        await this.options.afterCreate?.(type, outputs);
        return { id, outputs };
    }

    private async createInGraph(type: string, inputs: Record<string, unknown>): Promise<{ id: string; summary: string }> {
        switch (type) {
            case APPLICATION_REGISTRATION.token: {
                // application_registration_resource.go:213-241: the token version defaults to 2.
                const app = await this.graph<GraphApplication>("POST", "/applications", {
                    displayName: inputs.displayName, signInAudience: inputs.signInAudience ?? "AzureADMyOrg",
                    ...(inputs.notes ? { notes: inputs.notes } : {}),
                    api: { requestedAccessTokenVersion: inputs.requestedAccessTokenVersion ?? 2 },
                });
                return { id: `/applications/${app.id}`, summary: `app registration "${String(inputs.displayName)}" (client ID ${app.appId})` };
            }
            case SERVICE_PRINCIPAL.token: {
                const existing = await this.graph<{ value: unknown[] }>("GET", `/servicePrincipals?$filter=appId eq '${String(inputs.clientId)}'`);
                if (existing.value.length > 0) throw new ProviderRefusal(`a service principal for ${String(inputs.clientId)} already exists - to be managed via Terraform this resource needs to be imported`);
                // service_principal_resource.go:435-525: the deployer and up to 19 declared owners are bound at creation,
                // the rest added after, and the deployer removed again unless declared.
                const caller = this.options.deployerObjectId;
                const declared = ((inputs.owners as string[] | undefined) ?? []).filter((id) => id.toLowerCase() !== caller.toLowerCase());
                const keepCaller = declared.length < ((inputs.owners as string[] | undefined) ?? []).length;
                const sp = await this.graph<{ id: string }>("POST", "/servicePrincipals", {
                    appId: inputs.clientId, "owners@odata.bind": [caller, ...declared.slice(0, 19)].map((id) => this.directoryObject(id)),
                });
                for (const owner of declared.slice(19)) await this.graph("POST", `/servicePrincipals/${sp.id}/owners/$ref`, { "@odata.id": this.directoryObject(owner) });
                if (!keepCaller) await this.graph("DELETE", `/servicePrincipals/${sp.id}/owners/${caller}/$ref`);
                return { id: `/servicePrincipals/${sp.id}`, summary: `service principal ${sp.id}${declared.length > 0 ? ` (owners: ${declared.length})` : ""}` };
            }
            case APPLICATION_API_ACCESS.token: {
                const objectId = objectIdOf(inputs.applicationId);
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectId}`);
                const apis = app.requiredResourceAccess ?? [];
                // application_api_access_resource.go:131-135.
                if (apis.some((r) => r.resourceAppId.toLowerCase() === String(inputs.apiClientId).toLowerCase())) {
                    throw new ProviderRefusal(`${String(inputs.applicationId)}/apiAccess/${String(inputs.apiClientId)} already exists - to be managed via Terraform this resource needs to be imported (ApplicationApiAccess requires import)`);
                }
                const access = accessOf(inputs);
                await this.graph("PATCH", `/applications/${objectId}`, { requiredResourceAccess: [...apis, { resourceAppId: inputs.apiClientId, resourceAccess: access }] });
                return { id: `/applications/${objectId}/apiAccess/${String(inputs.apiClientId)}`, summary: `permissions declared on Microsoft Graph: ${access.length}` };
            }
            case USER.token: {
                const user = await this.graph<{ id: string }>("POST", "/users", {
                    accountEnabled: inputs.accountEnabled ?? true,
                    displayName: inputs.displayName,
                    userPrincipalName: inputs.userPrincipalName,
                    mailNickname: String(inputs.userPrincipalName).split("@")[0],
                    passwordProfile: { password: inputs.password, forceChangePasswordNextSignIn: inputs.forcePasswordChange ?? false },
                    ...(inputs.disablePasswordExpiration ? { passwordPolicies: "DisablePasswordExpiration" } : {}),
                });
                // user_resource.go:516-526 sets showInAddressList right after create (through beta in Graph).
                await this.graph("PATCH", `/users/${user.id}`, { showInAddressList: inputs.showInAddressList ?? true });
                this.writeOnly.set(`/users/${user.id}`, { password: inputs.password, forcePasswordChange: inputs.forcePasswordChange ?? false });
                return { id: `/users/${user.id}`, summary: `service user ${String(inputs.userPrincipalName)}` };
            }
            case APPLICATION_OWNER.token: {
                const objectId = objectIdOf(inputs.applicationId);
                const owners = await this.graph<{ value: { id: string }[] }>("GET", `/applications/${objectId}/owners`);
                // application_owner_resource.go:90-96.
                if (owners.value.some((o) => o.id === inputs.ownerObjectId)) throw new ProviderRefusal(`${String(inputs.applicationId)}/owners/${String(inputs.ownerObjectId)} already exists (ApplicationOwner requires import)`);
                await this.graph("POST", `/applications/${objectId}/owners/$ref`, { "@odata.id": this.directoryObject(String(inputs.ownerObjectId)) });
                return { id: `/applications/${objectId}/owners/${String(inputs.ownerObjectId)}`, summary: "service user made an owner of the app" };
            }
            case DELEGATED_GRANT.token: {
                const principalId = inputs.userObjectId as string | undefined;
                const scope = ((inputs.claimValues as string[]) ?? []).join(" ");
                const grant = await this.graph<{ id: string }>("POST", "/oauth2PermissionGrants", {
                    clientId: inputs.servicePrincipalObjectId, resourceId: inputs.resourceServicePrincipalObjectId,
                    consentType: principalId ? "Principal" : "AllPrincipals", ...(principalId ? { principalId } : {}), scope,
                });
                return { id: `/oauth2PermissionGrants/${grant.id}`, summary: `admin consent granted: ${scope} (${principalId ? "service user only" : "tenant-wide"})` };
            }
            case APP_ROLE_ASSIGNMENT.token: {
                // app_role_assignment_resource.go:137,155: created on the resource's appRoleAssignedTo.
                const assignment = await this.graph<{ id: string; resourceId: string }>("POST", `/servicePrincipals/${String(inputs.resourceObjectId)}/appRoleAssignedTo`, {
                    principalId: inputs.principalObjectId, resourceId: inputs.resourceObjectId, appRoleId: inputs.appRoleId,
                });
                return { id: `/servicePrincipals/${assignment.resourceId}/appRoleAssignedTo/${assignment.id}`, summary: `application permission assigned (${String(inputs.appRoleId)})` };
            }
            case APPLICATION_PASSWORD.token: {
                const objectId = objectIdOf(inputs.applicationId);
                // credentials.go:194-201: the provider re-formats end_date with time.RFC3339 before sending.
                const created = await this.graph<{ keyId: string; secretText: string }>("POST", `/applications/${objectId}/addPassword`, {
                    passwordCredential: { displayName: inputs.displayName, ...(inputs.endDate ? { endDateTime: credentialDateRoundTrip(inputs.endDate) } : {}) },
                });
                const id = `${objectId}/password/${created.keyId}`;
                this.writeOnly.set(id, { value: created.secretText });
                return { id, summary: `client secret "${String(inputs.displayName)}" (expires ${String(inputs.endDate).slice(0, 10)})` };
            }
            default:
                throw new Error(`the offline demo cannot create ${type}: no emulator for it (leave handoffKeyVault unset)`);
        }
    }

    /**
     * The provider's wait for a new object to become readable, then its Read. A new object is invisible to Graph
     * reads until it has replicated, and every Create of the provider waits it out before its Read, within the
     * Create's own timeout (counted from the start of Create): the user polls until it is retrievable
     * (user_resource.go:537-549, consistency.WaitForUpdate in internal/helpers/consistency/consistency.go:48-84),
     * the secret until the application lists its key (application_password_resource.go:181-205), the service
     * principal retries its first PATCH on 404 (service_principal_resource.go:501-509), and the typed resources'
     * Read runs inside Create (internal/sdk/wrapper_resource.go:54-63) on a Graph client that retries 404s
     * (hashicorp/terraform-provider-azuread@v3.8.0). The provider asks for five sightings in a row; the emulator's
     * replication is monotonic (visible once, visible from then on), so the first sighting stands for all five.
     */
    private async readBack(type: string, id: string, deadline: number): Promise<Record<string, unknown> | undefined> {
        for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
            const outputs = await this.read(type, id);
            if (outputs || Date.now() + wait > deadline) return outputs;
            await new Promise((r) => setTimeout(r, wait));
        }
    }

    /** The provider's Read for each type, from the emulator's Graph responses. */
    async read(type: string, id: string): Promise<Record<string, unknown> | undefined> {
        try {
            return await this.readFromGraph(type, id);
        } catch (error) {
            if (error instanceof GraphError && error.statusCode === 404) return undefined;
            throw error;
        }
    }

    private async readFromGraph(type: string, id: string): Promise<Record<string, unknown> | undefined> {
        const kept = this.writeOnly.get(id) ?? {};
        switch (type) {
            case APPLICATION_REGISTRATION.token: {
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectIdOf(id)}`, undefined, false);
                // application_registration_resource.go:285-298 (GetOrZero: null reads as "" and 0).
                return {
                    displayName: app.displayName, signInAudience: app.signInAudience, notes: app.notes ?? "", description: "",
                    requestedAccessTokenVersion: app.api?.requestedAccessTokenVersion ?? 0,
                    objectId: app.id, clientId: app.appId, publisherDomain: "", disabledByMicrosoft: "",
                };
            }
            case SERVICE_PRINCIPAL.token: {
                const sp = await this.graph<{ id: string; appId: string; accountEnabled: boolean; displayName: string }>("GET", `/servicePrincipals/${id.split("/").pop()}`, undefined, false);
                // service_principal_resource.go:679-687: every owner Graph lists.
                const owners = await this.graph<{ value: { id: string }[] }>("GET", `/servicePrincipals/${sp.id}/owners`, undefined, false);
                return { clientId: sp.appId, accountEnabled: sp.accountEnabled, appRoleAssignmentRequired: false, owners: owners.value.map((o) => o.id), objectId: sp.id, displayName: sp.displayName };
            }
            case APPLICATION_API_ACCESS.token: {
                const [, , objectId, , apiClientId] = id.split("/");
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectId}`, undefined, false);
                const api = (app.requiredResourceAccess ?? []).find((r) => r.resourceAppId.toLowerCase() === apiClientId.toLowerCase());
                if (!api) return undefined;
                return {
                    applicationId: `/applications/${app.id}`, apiClientId: api.resourceAppId,
                    roleIds: api.resourceAccess.filter((a) => a.type === "Role").map((a) => a.id),
                    scopeIds: api.resourceAccess.filter((a) => a.type === "Scope").map((a) => a.id),
                };
            }
            case USER.token: {
                const user = await this.graph<Record<string, unknown>>("GET", `/users/${id.split("/").pop()}?$select=${USER_FIELDS}`, undefined, false);
                const policies = String(user.passwordPolicies ?? "").split(",").map((p) => p.trim().toLowerCase());
                // user_resource.go:703-815; password and force_password_change are never read back.
                return {
                    userPrincipalName: user.userPrincipalName, displayName: user.displayName, accountEnabled: user.accountEnabled,
                    disablePasswordExpiration: policies.includes("disablepasswordexpiration"), disableStrongPassword: policies.includes("disablestrongpassword"),
                    showInAddressList: user.showInAddressList ?? false, mailNickname: user.mailNickname ?? "", usageLocation: "",
                    objectId: user.id, ...kept,
                };
            }
            case APPLICATION_OWNER.token: {
                const [, , objectId, , ownerId] = id.split("/");
                const owners = await this.graph<{ value: { id: string }[] }>("GET", `/applications/${objectId}/owners`, undefined, false);
                return owners.value.some((o) => o.id === ownerId) ? { applicationId: `/applications/${objectId}`, ownerObjectId: ownerId } : undefined;
            }
            case DELEGATED_GRANT.token: {
                const grant = await this.graph<{ clientId: string; resourceId: string; principalId: string | null; scope: string }>("GET", `/oauth2PermissionGrants/${id.split("/").pop()}`, undefined, false);
                // service_principal_delegated_permission_grant_resource.go:207-210.
                return {
                    servicePrincipalObjectId: grant.clientId, resourceServicePrincipalObjectId: grant.resourceId,
                    userObjectId: grant.principalId ?? "", claimValues: grant.scope.split(/\s+/).filter(Boolean),
                };
            }
            case APP_ROLE_ASSIGNMENT.token: {
                const assignment = await this.graph<Record<string, unknown>>("GET", id, undefined, false);
                return {
                    appRoleId: assignment.appRoleId, principalObjectId: assignment.principalId, resourceObjectId: assignment.resourceId,
                    principalDisplayName: assignment.principalDisplayName ?? "", principalType: assignment.principalType ?? "", resourceDisplayName: assignment.resourceDisplayName ?? "",
                };
            }
            case APPLICATION_PASSWORD.token: {
                const [objectId, , keyId] = id.split("/");
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectId}`, undefined, false);
                const credential = app.passwordCredentials.find((c) => c.keyId.toLowerCase() === keyId.toLowerCase());
                if (!credential) return undefined;
                // application_password_resource.go:251-265: the dates are Graph's strings.
                return {
                    applicationId: `/applications/${app.id}`, displayName: credential.displayName ?? "",
                    startDate: credential.startDateTime, endDate: credential.endDateTime, keyId: credential.keyId, ...kept,
                };
            }
            default:
                throw new Error(`the offline demo cannot read ${type}`);
        }
    }

    async update(type: string, previous: StateEntry, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
        const id = previous.id;
        switch (type) {
            case APPLICATION_REGISTRATION.token:
                await this.graph("PATCH", `/applications/${objectIdOf(id)}`, {
                    displayName: inputs.displayName, signInAudience: inputs.signInAudience ?? "AzureADMyOrg", notes: inputs.notes ?? null,
                    api: { requestedAccessTokenVersion: inputs.requestedAccessTokenVersion ?? 2 },
                });
                break;
            case APPLICATION_API_ACCESS.token: {
                const objectId = objectIdOf(inputs.applicationId);
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectId}`);
                const apis = (app.requiredResourceAccess ?? []).map((r) => (r.resourceAppId.toLowerCase() === String(inputs.apiClientId).toLowerCase()
                    ? { resourceAppId: r.resourceAppId, resourceAccess: accessOf(inputs) } : r));
                await this.graph("PATCH", `/applications/${objectId}`, { requiredResourceAccess: apis });
                break;
            }
            case USER.token: {
                const userId = id.split("/").pop();
                // user_resource.go:604-608: the password is sent only when it changed.
                const passwordChanged = previous.outputs.password !== inputs.password;
                await this.graph("PATCH", `/users/${userId}`, {
                    displayName: inputs.displayName, accountEnabled: inputs.accountEnabled ?? true,
                    passwordPolicies: inputs.disablePasswordExpiration ? "DisablePasswordExpiration" : "",
                    showInAddressList: inputs.showInAddressList ?? true,
                    ...(passwordChanged ? { passwordProfile: { password: inputs.password, forceChangePasswordNextSignIn: inputs.forcePasswordChange ?? false } } : {}),
                });
                this.writeOnly.set(id, { password: inputs.password, forcePasswordChange: inputs.forcePasswordChange ?? false });
                break;
            }
            case DELEGATED_GRANT.token:
                await this.graph("PATCH", `/oauth2PermissionGrants/${id.split("/").pop()}`, { scope: ((inputs.claimValues as string[]) ?? []).join(" ") });
                break;
            case SERVICE_PRINCIPAL.token: {
                // service_principal_resource.go:565-596: on a change of owners, add the missing and remove every other.
                // The emulator's service principals are always enabled and never require assignment, the only other
                // properties the program could change.
                const objectId = id.split("/").pop();
                const listed = (await this.graph<{ value: { id: string }[] }>("GET", `/servicePrincipals/${objectId}/owners`)).value.map((o) => o.id);
                const desired = (inputs.owners as string[] | undefined) ?? [];
                for (const owner of desired.filter((o) => !listed.includes(o))) await this.graph("POST", `/servicePrincipals/${objectId}/owners/$ref`, { "@odata.id": this.directoryObject(owner) });
                for (const owner of listed.filter((o) => !desired.includes(o))) await this.graph("DELETE", `/servicePrincipals/${objectId}/owners/${owner}/$ref`);
                break;
            }
            default:
                throw new Error(`${type} has no update in the provider: every change replaces it`);
        }
        const outputs = await this.read(type, id);
        if (!outputs) throw new Error(`${id} disappeared during its update`);
        return outputs;
    }

    async delete(type: string, previous: StateEntry): Promise<void> {
        const id = previous.id;
        switch (type) {
            case RANDOM_PASSWORD.token: return;
            case APPLICATION_REGISTRATION.token: await this.graph("DELETE", id); return;
            case SERVICE_PRINCIPAL.token: await this.graph("DELETE", id); return;
            case USER.token: await this.graph("DELETE", id); return;
            case DELEGATED_GRANT.token: await this.graph("DELETE", id); return;
            case APP_ROLE_ASSIGNMENT.token: await this.graph("DELETE", id); return;
            case APPLICATION_OWNER.token: await this.graph("DELETE", `${id}/$ref`); return;
            case APPLICATION_PASSWORD.token: {
                const [objectId, , keyId] = id.split("/");
                await this.graph("POST", `/applications/${objectId}/removePassword`, { keyId });
                return;
            }
            case APPLICATION_API_ACCESS.token: {
                const [, , objectId, , apiClientId] = id.split("/");
                const app = await this.graph<GraphApplication>("GET", `/applications/${objectId}`);
                await this.graph("PATCH", `/applications/${objectId}`, { requiredResourceAccess: (app.requiredResourceAccess ?? []).filter((r) => r.resourceAppId.toLowerCase() !== apiClientId.toLowerCase()) });
                return;
            }
            default:
                throw new Error(`the offline demo cannot delete ${type}`);
        }
    }

    /** An `@odata.id` reference to a user or service principal. */
    private directoryObject(objectId: string): string {
        return `${this.options.url}/v1.0/directoryObjects/${objectId}`;
    }

    /** One Graph call, retried while the emulator answers with eventual-consistency errors, as the provider does. */
    private async graph<T = unknown>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, retry = true): Promise<T> {
        const deadline = Date.now() + (this.options.consistencyTimeoutMs ?? DEFAULT_CONSISTENCY_TIMEOUT_MS);
        for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
            try {
                const request = this.client.api(path);
                const call = method === "GET" ? request.get() : method === "POST" ? request.post(body) : method === "PATCH" ? request.patch(body) : request.delete();
                return (await call) as T;
            } catch (error) {
                if (!retry || !isConsistencyError(error) || Date.now() + wait > deadline) {
                    // A read of something gone answers 404, which the provider's Read treats as "removed".
                    if (!retry && error instanceof GraphError && error.statusCode === 404) throw error;
                    const status = error instanceof GraphError ? ` (${error.statusCode} ${error.code})` : "";
                    throw new Error(`Graph ${method} ${path.split("?")[0]} failed${status}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
                }
                await new Promise((r) => setTimeout(r, wait));
            }
        }
    }
}

/** The provider's formatODataType (directoryobjects.go:13-15): `#microsoft.graph.servicePrincipal` → `ServicePrincipal`. */
function odataTypeName(odataType: string): string {
    const name = odataType.replace(/^#microsoft\.graph\./, "");
    return name.charAt(0).toUpperCase() + name.slice(1);
}

function accessOf(inputs: Record<string, unknown>): { id: string; type: "Role" | "Scope" }[] {
    return [
        ...((inputs.roleIds as string[] | undefined) ?? []).map((id) => ({ id, type: "Role" as const })),
        ...((inputs.scopeIds as string[] | undefined) ?? []).map((id) => ({ id, type: "Scope" as const })),
    ];
}
