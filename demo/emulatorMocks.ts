// Pulumi mocks that carry out the stack program against the local tenant emulator the way @pulumi/azuread's
// provider does against Microsoft Graph: every registration becomes the Graph calls that create the object,
// and the look-ups read the tenant. A wiring mistake in a component then fails a real sign-in, not an assert.
import * as pulumi from "@pulumi/pulumi";
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { randomInt } from "node:crypto";
import { createGraphClient } from "../verifier/graph";

/** What a step did, for the demo's progress lines (never a secret). */
export interface ProvisionedStep {
    type: string;
    name: string;
    summary: string;
}

export interface EmulatorMocksOptions {
    /** The emulator's URL: authority host and Graph endpoint. */
    url: string;
    tenantId: string;
    /** The deployer's access token (client credentials of a deployer app in the emulator). */
    accessToken: string;
    /** Object ID of the deployer's service principal (getClientConfig's objectId). */
    deployerObjectId: string;
    /** Application (client) ID of the deployer. */
    deployerClientId: string;
    /** Called after each resource is created. */
    onStep?: (step: ProvisionedStep) => void;
    /** Called after each resource is created, before the next; scenarios use it to tamper with the tenant. */
    afterCreate?: (type: string, state: Record<string, unknown>) => Promise<void> | void;
    /** How long to retry Graph's eventual-consistency errors, like the provider does; 60 s by default. */
    consistencyTimeoutMs?: number;
}

/** Secret inputs reach mocks wrapped in Pulumi's signature object; providers see plain values. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** A password drawn the way @pulumi/random's RandomPassword draws one: the minimum of each class, then any. */
export function drawPassword(inputs: Record<string, unknown>): string {
    const sets: [string, number][] = [
        ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", inputs.upper === false ? 0 : Number(inputs.minUpper ?? 0)],
        ["abcdefghijklmnopqrstuvwxyz", inputs.lower === false ? 0 : Number(inputs.minLower ?? 0)],
        ["0123456789", inputs.numeric === false ? 0 : Number(inputs.minNumeric ?? 0)],
        [String(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?"), inputs.special === false ? 0 : Number(inputs.minSpecial ?? 0)],
    ];
    const all = sets.filter(([, min], i) => min > 0 || [inputs.upper, inputs.lower, inputs.numeric, inputs.special][i] !== false).map(([s]) => s).join("");
    const chars = sets.flatMap(([set, min]) => Array.from({ length: min }, () => set[randomInt(set.length)]));
    while (chars.length < Number(inputs.length)) chars.push(all[randomInt(all.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}

function isConsistencyError(error: unknown): boolean {
    if (!(error instanceof GraphError)) return false;
    if (error.statusCode === 404) return true;
    return error.statusCode === 400 && /does not reference|no (service principal|user)|does not exist|not found/i.test(error.message);
}

export class EmulatorMocks implements pulumi.runtime.Mocks {
    private readonly client: Client;

    constructor(private readonly options: EmulatorMocksOptions) {
        this.client = createGraphClient(options.url, { getAccessToken: () => Promise.resolve(options.accessToken) });
    }

    async call(args: pulumi.runtime.MockCallArgs): Promise<Record<string, unknown>> {
        switch (args.token) {
            case "azuread:index/getClientConfig:getClientConfig":
                return { id: this.options.tenantId, tenantId: this.options.tenantId, clientId: this.options.deployerClientId, objectId: this.options.deployerObjectId };
            case "azuread:index/getServicePrincipal:getServicePrincipal": {
                const clientId = String(args.inputs.clientId);
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
            default:
                throw new Error(`the offline demo cannot carry out the look-up ${args.token}`);
        }
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
        if (!args.custom) return { id: undefined, state: {} };
        const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
        const { id, state, summary } = await this.create(args.type, inputs);
        this.options.onStep?.({ type: args.type, name: args.name, summary });
        await this.options.afterCreate?.(args.type, state);
        // The engine keeps inputs alongside outputs; secrets stay wrapped as the program sent them.
        return { id, state: { ...args.inputs, ...state } };
    }

    private async create(type: string, inputs: Record<string, unknown>): Promise<{ id: string; state: Record<string, unknown>; summary: string }> {
        switch (type) {
            case "random:index/randomPassword:RandomPassword":
                return { id: "none", state: { result: drawPassword(inputs) }, summary: `password generated (${inputs.length} characters)` };
            case "azuread:index/applicationRegistration:ApplicationRegistration": {
                const app = await this.graph<{ id: string; appId: string }>("POST", "/applications", {
                    displayName: inputs.displayName, signInAudience: inputs.signInAudience, notes: inputs.notes,
                });
                return { id: `/applications/${app.id}`, state: { objectId: app.id, clientId: app.appId }, summary: `app registration "${inputs.displayName}" (client ID ${app.appId})` };
            }
            case "azuread:index/servicePrincipal:ServicePrincipal": {
                const sp = await this.graph<{ id: string }>("POST", "/servicePrincipals", { appId: inputs.clientId });
                return { id: `/servicePrincipals/${sp.id}`, state: { objectId: sp.id }, summary: `service principal ${sp.id}` };
            }
            case "azuread:index/applicationApiAccess:ApplicationApiAccess": {
                const objectId = objectIdOf(inputs.applicationId);
                const app = await this.graph<{ requiredResourceAccess: { resourceAppId: string; resourceAccess: unknown[] }[] }>("GET", `/applications/${objectId}`);
                const access = [
                    ...((inputs.scopeIds as string[] | undefined) ?? []).map((id) => ({ id, type: "Scope" })),
                    ...((inputs.roleIds as string[] | undefined) ?? []).map((id) => ({ id, type: "Role" })),
                ];
                const others = (app.requiredResourceAccess ?? []).filter((r) => r.resourceAppId !== inputs.apiClientId);
                await this.graph("PATCH", `/applications/${objectId}`, {
                    requiredResourceAccess: [...others, { resourceAppId: inputs.apiClientId, resourceAccess: access }],
                });
                return { id: `/applications/${objectId}/apiAccess/${inputs.apiClientId}`, state: {}, summary: `permissions declared on Microsoft Graph: ${access.length}` };
            }
            case "azuread:index/user:User": {
                const user = await this.graph<{ id: string }>("POST", "/users", {
                    accountEnabled: inputs.accountEnabled ?? true,
                    displayName: inputs.displayName,
                    userPrincipalName: inputs.userPrincipalName,
                    mailNickname: String(inputs.userPrincipalName).split("@")[0],
                    passwordProfile: { password: inputs.password, forceChangePasswordNextSignIn: inputs.forcePasswordChange ?? false },
                    ...(inputs.disablePasswordExpiration ? { passwordPolicies: "DisablePasswordExpiration" } : {}),
                });
                return { id: `/users/${user.id}`, state: { objectId: user.id }, summary: `service user ${inputs.userPrincipalName}` };
            }
            case "azuread:index/applicationOwner:ApplicationOwner": {
                const objectId = objectIdOf(inputs.applicationId);
                await this.graph("POST", `/applications/${objectId}/owners/$ref`, { "@odata.id": `${this.options.url}/v1.0/directoryObjects/${inputs.ownerObjectId}` });
                return { id: `/applications/${objectId}/owners/${inputs.ownerObjectId}`, state: {}, summary: "service user made an owner of the app" };
            }
            case "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant": {
                const principalId = inputs.userObjectId as string | undefined;
                const scope = ((inputs.claimValues as string[]) ?? []).join(" ");
                const grant = await this.graph<{ id: string }>("POST", "/oauth2PermissionGrants", {
                    clientId: inputs.servicePrincipalObjectId, resourceId: inputs.resourceServicePrincipalObjectId,
                    consentType: principalId ? "Principal" : "AllPrincipals", ...(principalId ? { principalId } : {}), scope,
                });
                return { id: grant.id, state: {}, summary: `admin consent granted: ${scope} (${principalId ? "service user only" : "tenant-wide"})` };
            }
            case "azuread:index/appRoleAssignment:AppRoleAssignment": {
                const assignment = await this.graph<{ id: string }>("POST", `/servicePrincipals/${inputs.principalObjectId}/appRoleAssignments`, {
                    principalId: inputs.principalObjectId, resourceId: inputs.resourceObjectId, appRoleId: inputs.appRoleId,
                });
                return { id: assignment.id, state: {}, summary: `application permission assigned (${inputs.appRoleId})` };
            }
            case "azuread:index/applicationPassword:ApplicationPassword": {
                const objectId = objectIdOf(inputs.applicationId);
                const created = await this.graph<{ keyId: string; secretText: string; endDateTime: string }>("POST", `/applications/${objectId}/addPassword`, {
                    passwordCredential: { displayName: inputs.displayName, endDateTime: inputs.endDate },
                });
                return {
                    id: `${objectId}/password/${created.keyId}`,
                    state: { keyId: created.keyId, value: created.secretText, endDate: created.endDateTime },
                    summary: `client secret "${inputs.displayName}" (expires ${String(inputs.endDate).slice(0, 10)})`,
                };
            }
            default:
                throw new Error(`the offline demo cannot create ${type}: no emulator for it (leave handoffKeyVault unset)`);
        }
    }

    /** One Graph call, retried while the emulator answers with eventual-consistency errors, as the provider does. */
    private async graph<T = unknown>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
        const deadline = Date.now() + (this.options.consistencyTimeoutMs ?? 60_000);
        for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
            try {
                const request = this.client.api(path);
                return (await (method === "GET" ? request.get() : method === "POST" ? request.post(body) : request.patch(body))) as T;
            } catch (error) {
                if (!isConsistencyError(error) || Date.now() + wait > deadline) {
                    throw new Error(`Graph ${method} ${path.split("?")[0]} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
                }
                await new Promise((r) => setTimeout(r, wait));
            }
        }
    }
}

function objectIdOf(applicationId: unknown): string {
    const id = String(applicationId);
    const match = /^\/applications\/([^/]+)$/.exec(id);
    if (!match) throw new Error(`applicationId ${id} is not an /applications/{objectId} resource ID`);
    return match[1];
}
