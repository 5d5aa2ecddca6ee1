// What every Graph route module shares: the request and result shapes, Graph's error body, body and
// filter parsing, permission checks and the look-ups that answer 404 the way Graph does.
import { DirectoryError, type EmulatedDirectory } from "../directory";
export { graphDateTime } from "../dateTime";
import type { Principal, TokenService } from "../tokens";
import type { ApplicationRecord, DelegatedGrantRecord, Faults, LoggedRequest, ServicePrincipalRecord, UserRecord } from "../types";

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

export interface RouteContext {
    request: GraphRequest;
    principal: Principal;
    params: string[];
}

export type Handler = (ctx: RouteContext) => GraphResult | Promise<GraphResult>;

/** Registers a handler for a method and a path template (`:id` matches one segment). */
export type RouteRegistrar = (method: string, template: string, handler: Handler) => void;

/** What route modules may use of the emulator. */
export interface GraphContext {
    readonly directory: EmulatedDirectory;
    readonly tokens: TokenService;
    /** The live fault switches (presence reads consult `withoutTeams`). */
    readonly faults: Readonly<Faults>;
    readonly now: () => Date;
    readonly log: (entry: LoggedRequest) => void;
    /** Runs a request through routing, throttling and token checks ($batch steps use it). */
    dispatch(request: GraphRequest): Promise<GraphResult>;
    /** `@odata.context` URL for a metadata fragment. */
    context(fragment: string): string;
}

export function fail(status: number, code: string, message: string): DirectoryError {
    return new DirectoryError(status, code, message);
}

export function ok(body: unknown, status = 200): GraphResult {
    return { status, body };
}

export const NO_CONTENT: GraphResult = { status: 204 };

export function objectBody(request: GraphRequest): Record<string, unknown> {
    const body = request.body;
    if (body === UNREADABLE_BODY) throw fail(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
        throw fail(400, "BadRequest", "Write requests (excluding DELETE) must contain the Content-Type header declaration and a JSON object body.");
    }
    return body as Record<string, unknown>;
}

export function stringProperty(body: Record<string, unknown>, name: string, required: true): string;
export function stringProperty(body: Record<string, unknown>, name: string, required?: false): string | undefined;
export function stringProperty(body: Record<string, unknown>, name: string, required = false): string | undefined {
    const value = body[name];
    if (value === undefined || value === null) {
        if (required) throw fail(400, "Request_BadRequest", `Property '${name}' is required.`);
        return undefined;
    }
    if (typeof value !== "string") throw fail(400, "Request_BadRequest", `Property '${name}' must be a string.`);
    return value;
}

export function dateProperty(body: Record<string, unknown>, name: string): Date | undefined {
    const value = stringProperty(body, name);
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw fail(400, "Request_BadRequest", `Property '${name}' must be an ISO 8601 date-time, got '${value}'.`);
    return date;
}

/** `$filter=appId eq '...' and displayName eq '...'` — the only filter shape provisioning tools send here. */
export function parseEqFilter(filter: string | null): Map<string, string> {
    const result = new Map<string, string>();
    if (!filter) return result;
    for (const clause of filter.split(/\s+and\s+/i)) {
        const match = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
        if (!match) throw fail(400, "BadRequest", `Invalid filter clause: only "property eq 'value'" is supported, got '${clause.trim()}'.`);
        result.set(match[1].toLowerCase(), match[2].replace(/''/g, "'"));
    }
    return result;
}

export function applyFilter<T>(items: T[], filter: Map<string, string>, allowed: Record<string, (item: T) => string | null>): T[] {
    for (const key of filter.keys()) {
        if (!(key in allowed)) throw fail(400, "BadRequest", `Filtering on '${key}' is not supported; use one of ${Object.keys(allowed).join(", ")}.`);
    }
    return items.filter((item) => [...filter].every(([key, value]) => (allowed[key](item) ?? "").toLowerCase() === value.toLowerCase()));
}

export function permitted(principal: Principal, names: string[]): boolean {
    return names.some((n) => principal.scopes.has(n) || principal.roles.has(n));
}

export function notFound(id: string): DirectoryError {
    return fail(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

export function forbidden(permission: string): DirectoryError {
    return fail(403, "Forbidden", `Insufficient privileges: this call needs the ${permission} permission in the token's scp or roles claim.`);
}

export function visibleApplication(directory: EmulatedDirectory, id: string): ApplicationRecord {
    const app = directory.visibleApplication(id);
    if (!app) throw notFound(id);
    return app;
}

export function visibleServicePrincipal(directory: EmulatedDirectory, id: string): ServicePrincipalRecord {
    const sp = directory.visibleServicePrincipal(id);
    if (!sp) throw notFound(id);
    return sp;
}

export function visibleUser(directory: EmulatedDirectory, idOrUpn: string): UserRecord {
    const user = directory.visibleUser(idOrUpn);
    if (!user) throw notFound(idOrUpn);
    return user;
}

export function visibleGrant(directory: EmulatedDirectory, id: string): DelegatedGrantRecord {
    const grant = directory.visibleGrants().find((g) => g.id === id);
    if (!grant) throw notFound(id);
    return grant;
}

/** The object ID an `@odata.id` reference (…/directoryObjects/{id}) names. */
export function directoryObjectIdFromRef(ref: string): string | undefined {
    const match = /directoryObjects\/([^/?]+)\/?$/i.exec(ref);
    return match ? decodeURIComponent(match[1]) : undefined;
}

/** The owner an `@odata.id` reference names, or Graph's 400/404 for a bad or unknown one. */
export function ownerFromRef(directory: EmulatedDirectory, ref: string): string {
    const ownerId = directoryObjectIdFromRef(ref);
    if (!ownerId) throw fail(400, "Request_BadRequest", `'@odata.id' must reference a directory object, like https://graph.microsoft.com/v1.0/directoryObjects/{id}; got '${ref}'.`);
    if (!directory.visibleDirectoryObject(ownerId)) throw notFound(ownerId);
    return ownerId;
}

/** GET …/owners: the owners as directory objects (users and service principals), as Graph lists them. */
export function ownersView(g: GraphContext, ownerIds: readonly string[]): GraphResult {
    const owners = ownerIds.map((id) => g.directory.visibleDirectoryObject(id)).flatMap((o): Record<string, unknown>[] => {
        if (!o) return [];
        return o.kind === "user"
            ? [{ "@odata.type": "#microsoft.graph.user", id: o.user.id, userPrincipalName: o.user.userPrincipalName, displayName: o.user.displayName }]
            : [{ "@odata.type": "#microsoft.graph.servicePrincipal", id: o.sp.id, appId: o.sp.appId, displayName: o.sp.displayName }];
    });
    return ok({ "@odata.context": g.context("directoryObjects"), value: owners });
}
