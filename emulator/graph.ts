// Microsoft Graph v1.0 as far as this project touches it: presence, user look-ups, $batch, and the
// directory management calls a provisioning tool makes. Management routes need a valid token but no
// particular permission (the emulator is not a permission model for administrators); presence and user
// reads check permissions the way Graph does, because diagnosing those is the verifier's job.
import { randomUUID } from "node:crypto";
import { DirectoryError, type EmulatedDirectory } from "./directory";
import type { FaultCounters } from "./faults";
import type { Principal, TokenService } from "./tokens";
import type {
    AppRoleAssignmentRecord, ApplicationRecord, DelegatedGrantRecord, Faults, LoggedRequest, ServicePrincipalRecord, UserRecord,
} from "./types";

export const MAX_PRESENCE_IDS = 650;
export const MAX_BATCH_REQUESTS = 20;

/** Marks a request body that was present but not JSON. */
export const UNREADABLE_BODY = Symbol("unreadable body");

export interface GraphRequest {
    method: string;
    /** Path after /v1.0, starting with "/". */
    path: string;
    query: URLSearchParams;
    body: unknown;
    authorization?: string;
    clientRequestId?: string;
    inBatch?: boolean;
}

export interface GraphResult {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

interface RouteContext {
    request: GraphRequest;
    principal: Principal;
    params: string[];
}

type Handler = (ctx: RouteContext) => GraphResult | Promise<GraphResult>;

interface Route { method: string; pattern: RegExp; handler: Handler }

const USER_READ_PERMISSIONS = ["User.ReadBasic.All", "User.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];
const DEFAULT_USER_PROPERTIES = ["id", "userPrincipalName", "displayName"];

function fail(status: number, code: string, message: string): DirectoryError {
    return new DirectoryError(status, code, message);
}

function ok(body: unknown, status = 200): GraphResult {
    return { status, body };
}

const NO_CONTENT: GraphResult = { status: 204 };

function objectBody(request: GraphRequest): Record<string, unknown> {
    const body = request.body;
    if (body === UNREADABLE_BODY) throw fail(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
        throw fail(400, "BadRequest", "Write requests (excluding DELETE) must contain the Content-Type header declaration and a JSON object body.");
    }
    return body as Record<string, unknown>;
}

function stringProperty(body: Record<string, unknown>, name: string, required: true): string;
function stringProperty(body: Record<string, unknown>, name: string, required?: false): string | undefined;
function stringProperty(body: Record<string, unknown>, name: string, required = false): string | undefined {
    const value = body[name];
    if (value === undefined || value === null) {
        if (required) throw fail(400, "Request_BadRequest", `Property '${name}' is required.`);
        return undefined;
    }
    if (typeof value !== "string") throw fail(400, "Request_BadRequest", `Property '${name}' must be a string.`);
    return value;
}

function dateProperty(body: Record<string, unknown>, name: string): Date | undefined {
    const value = stringProperty(body, name);
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw fail(400, "Request_BadRequest", `Property '${name}' must be an ISO 8601 date-time, got '${value}'.`);
    return date;
}

/** `$filter=appId eq '...' and displayName eq '...'` — the only filter shape provisioning tools send here. */
function parseEqFilter(filter: string | null): Map<string, string> {
    const result = new Map<string, string>();
    if (!filter) return result;
    for (const clause of filter.split(/\s+and\s+/i)) {
        const match = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
        if (!match) throw fail(400, "BadRequest", `Invalid filter clause: only "property eq 'value'" is supported, got '${clause.trim()}'.`);
        result.set(match[1].toLowerCase(), match[2].replace(/''/g, "'"));
    }
    return result;
}

function applyFilter<T>(items: T[], filter: Map<string, string>, allowed: Record<string, (item: T) => string | null>): T[] {
    for (const key of filter.keys()) {
        if (!(key in allowed)) throw fail(400, "BadRequest", `Filtering on '${key}' is not supported; use one of ${Object.keys(allowed).join(", ")}.`);
    }
    return items.filter((item) => [...filter].every(([key, value]) => (allowed[key](item) ?? "").toLowerCase() === value.toLowerCase()));
}

function permitted(principal: Principal, names: string[]): boolean {
    return names.some((n) => principal.scopes.has(n) || principal.roles.has(n));
}

function directoryObjectIdFromRef(ref: string): string | undefined {
    const match = /directoryObjects\/([^/?]+)\/?$/i.exec(ref);
    return match ? decodeURIComponent(match[1]) : undefined;
}

export class GraphApi {
    private readonly routes: Route[] = [];

    constructor(
        private readonly directory: EmulatedDirectory,
        private readonly tokens: TokenService,
        private readonly faults: Faults,
        private readonly counters: FaultCounters,
        private readonly now: () => Date,
        private readonly log: (entry: LoggedRequest) => void,
    ) {
        this.registerRoutes();
    }

    /** Every Graph request, top-level or from a $batch, goes through here. */
    async dispatch(request: GraphRequest): Promise<GraphResult> {
        const requestId = randomUUID();
        const clientRequestId = request.clientRequestId ?? requestId;
        const withIds = (result: GraphResult): GraphResult => ({
            ...result,
            headers: { ...result.headers, "request-id": requestId, "client-request-id": clientRequestId },
        });
        const errorResult = (status: number, code: string, message: string, headers?: Record<string, string>): GraphResult => withIds({
            status,
            body: { error: { code, message, innerError: { date: this.graphDate(), "request-id": requestId, "client-request-id": clientRequestId } } },
            ...(headers ? { headers } : {}),
        });

        // Graph evaluates each step of a batch against throttling limits separately, not the envelope.
        const isBatchEnvelope = request.path.toLowerCase() === "/$batch";
        if (!isBatchEnvelope && this.counters.nextGraphRequestThrottled()) {
            return errorResult(429, "TooManyRequests", "Too many requests, retry after the number of seconds in the Retry-After header.",
                { "Retry-After": String(this.faults.retryAfterSeconds) });
        }
        const path = request.path.replace(/\/+$/, "") || "/";
        let params: string[] | undefined;
        let pathMatched = false;
        const route = this.routes.find((r) => {
            const match = r.pattern.exec(path);
            if (!match) return false;
            pathMatched = true;
            if (r.method !== request.method.toUpperCase()) return false;
            params = match.slice(1).map((p) => decodeURIComponent(p));
            return true;
        });
        if (!route || !params) {
            return pathMatched
                ? errorResult(405, "Request_BadRequest", `The HTTP method '${request.method}' is not supported on '${path}'.`)
                : errorResult(404, "NotFound", `Resource not found for the segment '${path.split("/")[1] ?? ""}'. This emulator does not serve ${request.method} ${path}.`);
        }
        const verified = await this.tokens.verify(request.authorization);
        if ("failure" in verified) return errorResult(401, "InvalidAuthenticationToken", verified.failure);
        try {
            return withIds(await route.handler({ request, principal: verified, params }));
        } catch (e) {
            if (e instanceof DirectoryError) return errorResult(e.status, e.code, e.message);
            throw e;
        }
    }

    private graphDate(): string {
        return this.now().toISOString().replace(/\.\d+Z$/, "");
    }

    private context(fragment: string): string {
        return `${this.tokens.baseUrl}/v1.0/$metadata#${fragment}`;
    }

    private route(method: string, template: string, handler: Handler): void {
        const source = template
            .split("/")
            .map((segment) => (segment === ":id" ? "([^/]+)" : segment.replace(/[$.]/g, (c) => `\\${c}`)))
            .join("/");
        // Graph treats path segments case-insensitively.
        this.routes.push({ method, pattern: new RegExp(`^${source}$`, "i"), handler });
    }

    private registerRoutes(): void {
        this.route("POST", "/$batch", (ctx) => this.batch(ctx));

        this.route("GET", "/me", (ctx) => this.readUser(ctx, this.me(ctx).id));
        this.route("GET", "/me/presence", (ctx) => {
            const me = this.me(ctx);
            if (!permitted(ctx.principal, ["Presence.Read", "Presence.Read.All"])) throw this.forbidden("Presence.Read");
            return ok({ "@odata.context": this.context(`users('${me.id}')/presence/$entity`), ...this.presenceOf(me) });
        });
        this.route("GET", "/users/:id/presence", (ctx) => {
            if (!permitted(ctx.principal, ["Presence.Read.All"])) throw this.forbidden("Presence.Read.All");
            const user = this.directory.visibleUser(ctx.params[0]);
            // Presence is addressed by object ID only; a UPN finds nothing, as in Graph.
            if (!user || user.id !== ctx.params[0]) throw fail(404, "NotFound", `No presence found for user '${ctx.params[0]}'. Presence takes the user's object ID.`);
            return ok({ "@odata.context": this.context(`users('${user.id}')/presence/$entity`), ...this.presenceOf(user) });
        });
        this.route("POST", "/communications/getPresencesByUserId", (ctx) => this.presencesByUserId(ctx));

        this.route("GET", "/users", (ctx) => {
            this.assertCanReadUsers(ctx.principal);
            const users = applyFilter(this.directory.visibleUsers(), parseEqFilter(ctx.request.query.get("$filter")), {
                userprincipalname: (u) => u.userPrincipalName, displayname: (u) => u.displayName, id: (u) => u.id,
            });
            const select = this.selection(ctx.request.query);
            return ok({ "@odata.context": this.context("users"), value: users.map((u) => this.userView(u, select)) });
        });
        this.route("POST", "/users", (ctx) => this.createUser(ctx));
        this.route("GET", "/users/:id", (ctx) => this.readUser(ctx, ctx.params[0]));
        this.route("PATCH", "/users/:id", (ctx) => this.patchUser(ctx));
        this.route("DELETE", "/users/:id", (ctx) => {
            this.directory.deleteUser(this.visibleUser(ctx.params[0]).id);
            return NO_CONTENT;
        });

        this.route("POST", "/applications", (ctx) => {
            const body = objectBody(ctx.request);
            const created = this.directory.createApplication({
                displayName: stringProperty(body, "displayName", true),
                ...(stringProperty(body, "signInAudience") ? { signInAudience: stringProperty(body, "signInAudience") } : {}),
            });
            if (Array.isArray(body.requiredResourceAccess)) {
                this.directory.setRequiredResourceAccess(created.id, body.requiredResourceAccess as ApplicationRecord["requiredResourceAccess"]);
            }
            const app = this.directory.applications().find((a) => a.id === created.id) ?? created;
            return ok({ "@odata.context": this.context("applications/$entity"), ...this.applicationView(app) }, 201);
        });
        this.route("GET", "/applications", (ctx) => {
            const apps = applyFilter(this.directory.visibleApplications(), parseEqFilter(ctx.request.query.get("$filter")), {
                appid: (a) => a.appId, displayname: (a) => a.displayName, id: (a) => a.id,
            });
            return ok({ "@odata.context": this.context("applications"), value: apps.map((a) => this.applicationView(a)) });
        });
        this.route("GET", "/applications/:id", (ctx) => ok({
            "@odata.context": this.context("applications/$entity"), ...this.applicationView(this.visibleApplication(ctx.params[0])),
        }));
        this.route("PATCH", "/applications/:id", (ctx) => {
            const app = this.visibleApplication(ctx.params[0]);
            const body = objectBody(ctx.request);
            this.directory.updateApplication(app.id, {
                ...(stringProperty(body, "displayName") !== undefined ? { displayName: stringProperty(body, "displayName") } : {}),
                ...(stringProperty(body, "signInAudience") !== undefined ? { signInAudience: stringProperty(body, "signInAudience") } : {}),
                ...(Array.isArray(body.requiredResourceAccess)
                    ? { requiredResourceAccess: body.requiredResourceAccess as ApplicationRecord["requiredResourceAccess"] } : {}),
            });
            return NO_CONTENT;
        });
        this.route("DELETE", "/applications/:id", (ctx) => {
            this.directory.deleteApplication(this.visibleApplication(ctx.params[0]).id);
            return NO_CONTENT;
        });
        this.route("POST", "/applications/:id/addPassword", (ctx) => {
            const app = this.visibleApplication(ctx.params[0]);
            const body = objectBody(ctx.request);
            // Graph documents a `passwordCredential` wrapper; some clients send its fields at the top level.
            const credential = (typeof body.passwordCredential === "object" && body.passwordCredential !== null
                ? body.passwordCredential : body) as Record<string, unknown>;
            const displayName = stringProperty(credential, "displayName");
            const startDateTime = dateProperty(credential, "startDateTime");
            const endDateTime = dateProperty(credential, "endDateTime");
            const created = this.directory.addPassword(app.id, {
                ...(displayName !== undefined ? { displayName } : {}),
                ...(startDateTime ? { startDateTime } : {}),
                ...(endDateTime ? { endDateTime } : {}),
            });
            const stored = this.directory.applications().find((a) => a.id === app.id)?.passwordCredentials.find((c) => c.keyId === created.keyId);
            return ok({
                "@odata.context": this.context("microsoft.graph.passwordCredential"),
                customKeyIdentifier: null,
                displayName: stored?.displayName ?? null,
                endDateTime: created.endDateTime,
                hint: stored?.hint ?? created.secretText.slice(0, 3),
                keyId: created.keyId,
                secretText: created.secretText,
                startDateTime: stored?.startDateTime,
            });
        });
        this.route("POST", "/applications/:id/removePassword", (ctx) => {
            const app = this.visibleApplication(ctx.params[0]);
            this.directory.removePassword(app.id, stringProperty(objectBody(ctx.request), "keyId", true));
            return NO_CONTENT;
        });
        this.route("POST", "/applications/:id/owners/$ref", (ctx) => {
            const app = this.visibleApplication(ctx.params[0]);
            const ref = stringProperty(objectBody(ctx.request), "@odata.id", true);
            const ownerId = directoryObjectIdFromRef(ref);
            if (!ownerId) throw fail(400, "Request_BadRequest", `'@odata.id' must reference a directory object, like https://graph.microsoft.com/v1.0/directoryObjects/{id}; got '${ref}'.`);
            if (!this.directory.visibleDirectoryObject(ownerId)) throw this.notFound(ownerId);
            this.directory.addOwner(app.id, ownerId);
            return NO_CONTENT;
        });
        this.route("GET", "/applications/:id/owners", (ctx) => {
            const app = this.visibleApplication(ctx.params[0]);
            const owners = app.ownerIds.map((id) => this.directory.visibleDirectoryObject(id)).flatMap((o): Record<string, unknown>[] => {
                if (!o) return [];
                return o.kind === "user"
                    ? [{ "@odata.type": "#microsoft.graph.user", id: o.user.id, userPrincipalName: o.user.userPrincipalName, displayName: o.user.displayName }]
                    : [{ "@odata.type": "#microsoft.graph.servicePrincipal", id: o.sp.id, appId: o.sp.appId, displayName: o.sp.displayName }];
            });
            return ok({ "@odata.context": this.context("directoryObjects"), value: owners });
        });

        this.route("POST", "/servicePrincipals", (ctx) => {
            const appId = stringProperty(objectBody(ctx.request), "appId", true);
            if (!this.directory.visibleApplicationByAppId(appId)) {
                throw fail(400, "Request_BadRequest", `The appId '${appId}' of the service principal does not reference a valid application object.`);
            }
            const sp = this.directory.createServicePrincipal({ appId });
            return ok({ "@odata.context": this.context("servicePrincipals/$entity"), ...this.servicePrincipalView(sp) }, 201);
        });
        this.route("GET", "/servicePrincipals", (ctx) => {
            const sps = applyFilter(this.directory.visibleServicePrincipals(), parseEqFilter(ctx.request.query.get("$filter")), {
                appid: (s) => s.appId, displayname: (s) => s.displayName, id: (s) => s.id,
            });
            return ok({ "@odata.context": this.context("servicePrincipals"), value: sps.map((s) => this.servicePrincipalView(s)) });
        });
        this.route("GET", "/servicePrincipals/:id", (ctx) => ok({
            "@odata.context": this.context("servicePrincipals/$entity"), ...this.servicePrincipalView(this.visibleServicePrincipal(ctx.params[0])),
        }));
        this.route("DELETE", "/servicePrincipals/:id", (ctx) => {
            this.directory.deleteServicePrincipal(this.visibleServicePrincipal(ctx.params[0]).id);
            return NO_CONTENT;
        });
        this.route("POST", "/servicePrincipals/:id/appRoleAssignments", (ctx) => this.assignAppRole(ctx, "principalId"));
        this.route("POST", "/servicePrincipals/:id/appRoleAssignedTo", (ctx) => this.assignAppRole(ctx, "resourceId"));
        this.route("GET", "/servicePrincipals/:id/appRoleAssignments", (ctx) => this.listAssignments(ctx, "principalId"));
        this.route("GET", "/servicePrincipals/:id/appRoleAssignedTo", (ctx) => this.listAssignments(ctx, "resourceId"));
        this.route("DELETE", "/servicePrincipals/:id/appRoleAssignments/:id", (ctx) => this.removeAssignment(ctx, "principalId"));
        this.route("DELETE", "/servicePrincipals/:id/appRoleAssignedTo/:id", (ctx) => this.removeAssignment(ctx, "resourceId"));

        this.route("POST", "/oauth2PermissionGrants", (ctx) => this.createGrant(ctx));
        this.route("GET", "/oauth2PermissionGrants", (ctx) => {
            const grants = applyFilter(this.directory.visibleGrants(), parseEqFilter(ctx.request.query.get("$filter")), {
                clientid: (g) => g.clientId, resourceid: (g) => g.resourceId, principalid: (g) => g.principalId, consenttype: (g) => g.consentType,
            });
            return ok({ "@odata.context": this.context("oauth2PermissionGrants"), value: grants.map((g) => this.grantView(g)) });
        });
        this.route("GET", "/oauth2PermissionGrants/:id", (ctx) => ok({
            "@odata.context": this.context("oauth2PermissionGrants/$entity"), ...this.grantView(this.visibleGrant(ctx.params[0])),
        }));
        this.route("PATCH", "/oauth2PermissionGrants/:id", (ctx) => {
            const grant = this.visibleGrant(ctx.params[0]);
            this.directory.updateDelegatedScope(grant.id, stringProperty(objectBody(ctx.request), "scope", true));
            return NO_CONTENT;
        });
        this.route("DELETE", "/oauth2PermissionGrants/:id", (ctx) => {
            this.directory.revokeDelegated(this.visibleGrant(ctx.params[0]).id);
            return NO_CONTENT;
        });
    }

    // ---- presence and users ----

    private me(ctx: RouteContext): UserRecord {
        if (ctx.principal.kind !== "user") {
            throw fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
        }
        const user = this.directory.visibleUser(ctx.principal.oid);
        if (!user) throw this.notFound(ctx.principal.oid);
        return user;
    }

    private presenceOf(user: UserRecord): { id: string; availability: string; activity: string } {
        return { id: user.id, availability: user.presence.availability, activity: user.presence.activity };
    }

    /** Unknown IDs are left out of the answer rather than reported as PresenceUnknown. */
    private presencesByUserId(ctx: RouteContext): GraphResult {
        if (!permitted(ctx.principal, ["Presence.Read.All"])) throw this.forbidden("Presence.Read.All");
        const ids = objectBody(ctx.request).ids;
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
            throw fail(400, "BadRequest", "The request body must hold 'ids', an array of user object IDs.");
        }
        if (ids.length === 0 || ids.length > MAX_PRESENCE_IDS) {
            throw fail(400, "BadRequest", `'ids' holds ${ids.length} IDs; getPresencesByUserId takes 1 to ${MAX_PRESENCE_IDS}.`);
        }
        const value = [...new Set(ids as string[])].flatMap((id) => {
            const user = this.directory.visibleUser(id);
            return user && user.id === id ? [this.presenceOf(user)] : [];
        });
        return ok({ "@odata.context": this.context("Collection(microsoft.graph.presence)"), value });
    }

    private assertCanReadUsers(principal: Principal): void {
        if (!permitted(principal, USER_READ_PERMISSIONS)) {
            throw fail(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
    }

    private readUser(ctx: RouteContext, idOrUpn: string): GraphResult {
        const { principal } = ctx;
        const user = this.directory.visibleUser(idOrUpn);
        // With only User.Read a delegated caller may read itself and nobody else.
        const self = principal.kind === "user" && user?.id === principal.oid && permitted(principal, ["User.Read"]);
        if (!self) this.assertCanReadUsers(principal);
        if (!user) throw this.notFound(idOrUpn);
        return ok({ "@odata.context": this.context("users/$entity"), ...this.userView(user, this.selection(ctx.request.query)) });
    }

    private selection(query: URLSearchParams): string[] {
        const select = query.get("$select");
        return select ? select.split(",").map((s) => s.trim()).filter(Boolean) : DEFAULT_USER_PROPERTIES;
    }

    private userView(user: UserRecord, select: string[] = DEFAULT_USER_PROPERTIES): Record<string, unknown> {
        const all: Record<string, unknown> = {
            id: user.id,
            userPrincipalName: user.userPrincipalName,
            displayName: user.displayName,
            accountEnabled: user.accountEnabled,
            passwordPolicies: user.passwordPolicies ?? null,
            createdDateTime: user.createdAt.toISOString(),
            mail: null,
        };
        const view: Record<string, unknown> = {};
        for (const key of select) {
            const known = Object.keys(all).find((k) => k.toLowerCase() === key.toLowerCase());
            if (known) view[known] = all[known];
        }
        return view;
    }

    private createUser(ctx: RouteContext): GraphResult {
        const body = objectBody(ctx.request);
        const profile = body.passwordProfile;
        if (typeof profile !== "object" || profile === null) throw fail(400, "Request_BadRequest", "Property 'passwordProfile' is required when creating a user.");
        const profileFields = profile as Record<string, unknown>;
        const password = stringProperty(profileFields, "password", true);
        const force = profileFields.forceChangePasswordNextSignIn;
        const passwordPolicies = stringProperty(body, "passwordPolicies");
        const created = this.directory.createUser({
            userPrincipalName: stringProperty(body, "userPrincipalName", true),
            displayName: stringProperty(body, "displayName", true),
            password,
            ...(typeof force === "boolean" ? { forceChangePasswordNextSignIn: force } : {}),
            ...(typeof body.accountEnabled === "boolean" ? { accountEnabled: body.accountEnabled } : {}),
            ...(passwordPolicies !== undefined ? { passwordPolicies } : {}),
        });
        return ok({ "@odata.context": this.context("users/$entity"), ...this.userView(created, ["id", "userPrincipalName", "displayName", "accountEnabled", "passwordPolicies"]) }, 201);
    }

    private patchUser(ctx: RouteContext): GraphResult {
        const user = this.visibleUser(ctx.params[0]);
        const body = objectBody(ctx.request);
        const displayName = stringProperty(body, "displayName");
        const passwordPolicies = stringProperty(body, "passwordPolicies");
        if (typeof body.passwordProfile === "object" && body.passwordProfile !== null) {
            const profile = body.passwordProfile as Record<string, unknown>;
            const force = profile.forceChangePasswordNextSignIn;
            this.directory.setPassword(user.id, stringProperty(profile, "password", true), typeof force === "boolean" ? force : undefined);
        }
        this.directory.updateUser(user.id, {
            ...(typeof body.accountEnabled === "boolean" ? { accountEnabled: body.accountEnabled } : {}),
            ...(displayName !== undefined ? { displayName } : {}),
            ...(passwordPolicies !== undefined ? { passwordPolicies } : {}),
        });
        return NO_CONTENT;
    }

    // ---- grants and role assignments ----

    private createGrant(ctx: RouteContext): GraphResult {
        const body = objectBody(ctx.request);
        const clientId = stringProperty(body, "clientId", true);
        const resourceId = stringProperty(body, "resourceId", true);
        const consentType = stringProperty(body, "consentType", true);
        const principalId = stringProperty(body, "principalId");
        if (consentType !== "AllPrincipals" && consentType !== "Principal") {
            throw fail(400, "Request_BadRequest", `consentType must be 'AllPrincipals' or 'Principal', got '${consentType}'.`);
        }
        if ((consentType === "Principal") !== (principalId !== undefined)) {
            throw fail(400, "Request_BadRequest", "principalId is required for consentType 'Principal' and must be empty for 'AllPrincipals'.");
        }
        for (const [name, id] of [["clientId", clientId], ["resourceId", resourceId]] as const) {
            if (!this.directory.visibleServicePrincipal(id)) {
                throw fail(400, "Request_BadRequest", `Invalid value specified for property '${name}': no service principal with ID '${id}' exists in this tenant.`);
            }
        }
        if (principalId !== undefined && !this.directory.visibleUser(principalId)) {
            throw fail(400, "Request_BadRequest", `Invalid value specified for property 'principalId': no user with ID '${principalId}' exists in this tenant.`);
        }
        const grant = this.directory.grantDelegated({
            clientId, resourceId, scope: stringProperty(body, "scope") ?? "", ...(principalId !== undefined ? { principalId } : {}),
        });
        return ok({ "@odata.context": this.context("oauth2PermissionGrants/$entity"), ...this.grantView(grant) }, 201);
    }

    /** `side` says which end of the assignment the path's service principal is. */
    private assignAppRole(ctx: RouteContext, side: "principalId" | "resourceId"): GraphResult {
        const pathSp = this.visibleServicePrincipal(ctx.params[0]);
        const body = objectBody(ctx.request);
        const input = {
            appRoleId: stringProperty(body, "appRoleId", true),
            principalId: stringProperty(body, "principalId", true),
            resourceId: stringProperty(body, "resourceId", true),
        };
        if (input[side] !== pathSp.id) {
            throw fail(400, "Request_BadRequest", `The ${side} in the body ('${input[side]}') must be the service principal in the URL ('${pathSp.id}').`);
        }
        for (const id of [input.principalId, input.resourceId]) {
            if (!this.directory.visibleServicePrincipal(id)) throw this.notFound(id);
        }
        const assignment = this.directory.assignAppRole(input);
        return ok({ "@odata.context": this.context("appRoleAssignments/$entity"), ...this.assignmentView(assignment) }, 201);
    }

    private listAssignments(ctx: RouteContext, side: "principalId" | "resourceId"): GraphResult {
        const sp = this.visibleServicePrincipal(ctx.params[0]);
        const value = this.directory.visibleAppRoleAssignments().filter((a) => a[side] === sp.id).map((a) => this.assignmentView(a));
        return ok({ "@odata.context": this.context("appRoleAssignments"), value });
    }

    private removeAssignment(ctx: RouteContext, side: "principalId" | "resourceId"): GraphResult {
        const sp = this.visibleServicePrincipal(ctx.params[0]);
        const assignment = this.directory.visibleAppRoleAssignments().find((a) => a.id === ctx.params[1] && a[side] === sp.id);
        if (!assignment) throw this.notFound(ctx.params[1]);
        this.directory.removeAppRoleAssignment(assignment.id);
        return NO_CONTENT;
    }

    // ---- $batch ----

    private async batch(ctx: RouteContext): Promise<GraphResult> {
        if (ctx.request.inBatch) throw fail(400, "BadRequest", "A $batch request cannot contain another $batch.");
        const requests = objectBody(ctx.request).requests;
        if (!Array.isArray(requests) || requests.length === 0) {
            throw fail(400, "BadRequest", "Invalid batch payload format: 'requests' must be a non-empty array.");
        }
        if (requests.length > MAX_BATCH_REQUESTS) {
            throw fail(400, "BadRequest", `Number of batch request steps exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
        }
        const ids = new Set<string>();
        for (const step of requests as Record<string, unknown>[]) {
            if (typeof step !== "object" || step === null || typeof step.id !== "string" || typeof step.method !== "string" || typeof step.url !== "string") {
                throw fail(400, "BadRequest", "Invalid batch payload format: every request needs a string 'id', 'method' and 'url'.");
            }
            if (ids.has(step.id)) throw fail(400, "BadRequest", `Batch request id '${step.id}' is used more than once.`);
            ids.add(step.id);
            if (/^[a-z]+:\/\//i.test(step.url)) throw fail(400, "BadRequest", `Batch request '${step.id}' must use a URL relative to the version, like /users/{id}; got an absolute URL.`);
        }
        // Steps run one after another; dependsOn ordering is implied and not otherwise interpreted.
        const responses = [];
        for (const step of requests as { id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown }[]) {
            const url = new URL(step.url.replace(/^\/?/, "/"), "http://batch.invalid");
            const sub: GraphRequest = {
                method: step.method.toUpperCase(),
                // The Graph SDK's BatchRequestContent keeps the version segment ("/v1.0/me"); Graph accepts both.
                path: url.pathname.replace(/^\/v1\.0(?=\/|$)/i, "") || "/",
                query: url.searchParams,
                body: step.body,
                inBatch: true,
                ...(ctx.request.authorization ? { authorization: ctx.request.authorization } : {}),
                ...(ctx.request.clientRequestId ? { clientRequestId: ctx.request.clientRequestId } : {}),
            };
            const result = await this.dispatch(sub);
            this.log({ at: this.now(), method: sub.method, path: `/v1.0${sub.path}`, status: result.status, inBatch: true });
            const headers: Record<string, string> = {};
            if (result.body !== undefined) headers["Content-Type"] = "application/json";
            if (result.headers?.["Retry-After"]) headers["Retry-After"] = result.headers["Retry-After"];
            responses.push({ id: step.id, status: result.status, headers, ...(result.body !== undefined ? { body: result.body } : {}) });
        }
        return ok({ responses });
    }

    // ---- views and look-ups ----

    private applicationView(app: ApplicationRecord): Record<string, unknown> {
        return {
            id: app.id,
            appId: app.appId,
            displayName: app.displayName,
            signInAudience: app.signInAudience,
            createdDateTime: app.createdAt.toISOString(),
            requiredResourceAccess: app.requiredResourceAccess,
            // secretText is only ever returned by addPassword.
            passwordCredentials: app.passwordCredentials.map((c) => ({
                customKeyIdentifier: null, displayName: c.displayName ?? null, endDateTime: c.endDateTime,
                hint: c.hint, keyId: c.keyId, secretText: null, startDateTime: c.startDateTime,
            })),
        };
    }

    private servicePrincipalView(sp: ServicePrincipalRecord): Record<string, unknown> {
        return {
            id: sp.id,
            appId: sp.appId,
            displayName: sp.displayName,
            accountEnabled: true,
            servicePrincipalType: "Application",
            appRoles: sp.appRoles.map((r) => ({ id: r.id, value: r.value, displayName: r.value, allowedMemberTypes: ["Application"], isEnabled: true })),
            oauth2PermissionScopes: sp.oauth2PermissionScopes.map((s) => ({ id: s.id, value: s.value, adminConsentDisplayName: s.value, type: "Admin", isEnabled: true })),
        };
    }

    private grantView(grant: DelegatedGrantRecord): Record<string, unknown> {
        return {
            id: grant.id, clientId: grant.clientId, consentType: grant.consentType,
            principalId: grant.principalId, resourceId: grant.resourceId, scope: grant.scope,
        };
    }

    private assignmentView(a: AppRoleAssignmentRecord): Record<string, unknown> {
        const principal = this.directory.visibleServicePrincipal(a.principalId);
        const resource = this.directory.visibleServicePrincipal(a.resourceId);
        return {
            id: a.id, appRoleId: a.appRoleId, createdDateTime: a.createdAt.toISOString(),
            principalId: a.principalId, principalType: "ServicePrincipal", principalDisplayName: principal?.displayName ?? null,
            resourceId: a.resourceId, resourceDisplayName: resource?.displayName ?? null,
        };
    }

    private visibleApplication(id: string): ApplicationRecord {
        const app = this.directory.visibleApplication(id);
        if (!app) throw this.notFound(id);
        return app;
    }

    private visibleServicePrincipal(id: string): ServicePrincipalRecord {
        const sp = this.directory.visibleServicePrincipal(id);
        if (!sp) throw this.notFound(id);
        return sp;
    }

    private visibleUser(idOrUpn: string): UserRecord {
        const user = this.directory.visibleUser(idOrUpn);
        if (!user) throw this.notFound(idOrUpn);
        return user;
    }

    private visibleGrant(id: string): DelegatedGrantRecord {
        const grant = this.directory.visibleGrants().find((g) => g.id === id);
        if (!grant) throw this.notFound(id);
        return grant;
    }

    private notFound(id: string): DirectoryError {
        return fail(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    }

    private forbidden(permission: string): DirectoryError {
        return fail(403, "Forbidden", `Insufficient privileges: this call needs the ${permission} permission in the token's scp or roles claim.`);
    }
}
