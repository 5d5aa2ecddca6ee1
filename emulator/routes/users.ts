// Users: look-ups (what the verifier's roster and Graph clients read) and the management calls the
// azuread provider makes for the service user.
import type { Principal } from "../tokens";
import type { UserRecord } from "../types";
import { authorize, REQUIREMENTS } from "./permissions";
import { signedInUser } from "./presence";
import {
    applyFilter, fail, graphDateTime, NO_CONTENT, notFound, objectBody, ok, parseEqFilter, permitted, stringProperty, visibleUser,
    type GraphContext, type GraphResult, type RouteContext, type RouteRegistrar,
} from "./support";

/** Graph's default limit on `in`: 15 values (microsoftgraph/microsoft-graph-docs-contrib,
 * concepts/includes/known-issues/query-parameters.md: "limited to 15 expressions in the filter clause by
 * default"); one more gets the 400 quoted in microsoftgraph/microsoft-graph-docs-contrib#1238. Advanced queries
 * (ConsistencyLevel: eventual) trade it for a 2,048-character URL limit, which this emulator does not model. */
export const MAX_IN_FILTER_VALUES = 15;
const USER_FILTER_PROPERTIES: Record<string, (u: UserRecord) => string> = {
    userprincipalname: (u) => u.userPrincipalName, displayname: (u) => u.displayName, id: (u) => u.id,
};

// Directory.AccessAsUser.All (what `az login` gives a deploying administrator) reads what the user may read.
const USER_READ_PERMISSIONS = ["User.ReadBasic.All", "User.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"];
const DEFAULT_USER_PROPERTIES = ["id", "userPrincipalName", "displayName"];

function assertCanReadUsers(g: GraphContext, principal: Principal): void {
    // Every administrator role reads users; a role assigned to a service principal counts for its app-only calls.
    if (!permitted(principal, USER_READ_PERMISSIONS) && g.directory.directoryRolesOf(principal.oid).length === 0) {
        throw fail(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }
}

function selection(query: URLSearchParams): string[] {
    const select = query.get("$select");
    return select ? select.split(",").map((s) => s.trim()).filter(Boolean) : DEFAULT_USER_PROPERTIES;
}

function userView(user: UserRecord, select: string[] = DEFAULT_USER_PROPERTIES): Record<string, unknown> {
    const all: Record<string, unknown> = {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        accountEnabled: user.accountEnabled,
        passwordPolicies: user.passwordPolicies ?? null,
        mailNickname: user.mailNickname ?? null,
        showInAddressList: user.showInAddressList ?? null,
        createdDateTime: graphDateTime(user.createdAt),
        mail: null,
    };
    const view: Record<string, unknown> = {};
    for (const key of select) {
        const known = Object.keys(all).find((k) => k.toLowerCase() === key.toLowerCase());
        if (known) view[known] = all[known];
    }
    return view;
}

function readUser(g: GraphContext, ctx: RouteContext, idOrUpn: string): GraphResult {
    const { principal } = ctx;
    const user = g.directory.visibleUser(idOrUpn);
    // With only User.Read a delegated caller may read itself and nobody else.
    const self = principal.kind === "user" && user?.id === principal.oid && permitted(principal, ["User.Read"]);
    if (!self) assertCanReadUsers(g, principal);
    if (!user) throw notFound(idOrUpn);
    return ok({ "@odata.context": g.context("users/$entity"), ...userView(user, selection(ctx.request.query)) });
}

/** OData string literals inside `in (...)`: single-quoted, a quote doubled, separated by commas. */
function inFilterValues(list: string, clause: string): string[] {
    const values: string[] = [];
    const literal = /\s*'((?:[^']|'')*)'\s*(,?)/y;
    let more = true;
    while (more) {
        const match = literal.exec(list);
        if (!match) throw fail(400, "BadRequest", `Invalid filter clause: expected "property in ('a', 'b')", got '${clause.trim()}'.`);
        values.push(match[1].replace(/''/g, "'"));
        more = match[2] === ",";
    }
    if (literal.lastIndex !== list.length) throw fail(400, "BadRequest", `Invalid filter clause: expected "property in ('a', 'b')", got '${clause.trim()}'.`);
    return values;
}

/** `$filter=userPrincipalName in ('a@x', 'b@x')`: each value looked up the way Graph matches it, case-insensitively. */
function usersIn(g: GraphContext, filter: string): UserRecord[] | undefined {
    const match = /^\s*(\w+)\s+in\s+\((.*)\)\s*$/is.exec(filter);
    if (!match) return undefined;
    const property = match[1].toLowerCase();
    const read = USER_FILTER_PROPERTIES[property];
    if (!read) throw fail(400, "BadRequest", `Filtering on '${match[1]}' is not supported; use one of ${Object.keys(USER_FILTER_PROPERTIES).join(", ")}.`);
    const values = inFilterValues(match[2], filter);
    if (values.length > MAX_IN_FILTER_VALUES) {
        throw fail(400, "Request_UnsupportedQuery", `Too many child clauses specified in search filter expression containing 'OR' operators: ${values.length}. Max allowed: ${MAX_IN_FILTER_VALUES}.`);
    }
    const wanted = new Set(values.map((v) => v.toLowerCase()));
    if (property !== "displayname") {
        // IDs and UPNs are unique: look each one up instead of scanning the whole directory.
        const found = new Map<string, UserRecord>();
        for (const value of wanted) {
            const user = g.directory.visibleUser(value);
            if (user && wanted.has(read(user).toLowerCase())) found.set(user.id, user);
        }
        return [...found.values()];
    }
    return g.directory.visibleUsers().filter((u) => wanted.has(read(u).toLowerCase()));
}

function createUser(g: GraphContext, ctx: RouteContext): GraphResult {
    authorize(g.directory, ctx.principal, REQUIREMENTS.createUser);
    const body = objectBody(ctx.request);
    // Graph's required properties for a new cloud user (learn.microsoft.com/graph/api/user-post-users), each
    // refused with the message Graph gives (msgraph-sdk-powershell#230, MSGraph-SDK-Code-Generator#244).
    for (const name of ["accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"]) {
        if (body[name] === undefined || body[name] === null || body[name] === "") {
            throw fail(400, "Request_BadRequest", `Property ${name} value is required but is empty or missing.`);
        }
    }
    if (typeof body.accountEnabled !== "boolean") throw fail(400, "Request_BadRequest", "Property 'accountEnabled' must be a boolean.");
    const profile = body.passwordProfile;
    if (typeof profile !== "object" || profile === null) throw fail(400, "Request_BadRequest", "Property 'passwordProfile' must be an object.");
    const profileFields = profile as Record<string, unknown>;
    const password = stringProperty(profileFields, "password", true);
    const force = profileFields.forceChangePasswordNextSignIn;
    const passwordPolicies = stringProperty(body, "passwordPolicies");
    const mailNickname = stringProperty(body, "mailNickname", true);
    const created = g.directory.createUser({
        userPrincipalName: stringProperty(body, "userPrincipalName", true),
        displayName: stringProperty(body, "displayName", true),
        password,
        ...(typeof force === "boolean" ? { forceChangePasswordNextSignIn: force } : {}),
        accountEnabled: body.accountEnabled,
        ...(passwordPolicies !== undefined ? { passwordPolicies } : {}),
        mailNickname,
    });
    return ok({ "@odata.context": g.context("users/$entity"), ...userView(created, ["id", "userPrincipalName", "displayName", "accountEnabled", "passwordPolicies"]) }, 201);
}

function patchUser(g: GraphContext, ctx: RouteContext): GraphResult {
    const user = visibleUser(g.directory, ctx.params[0]);
    const body = objectBody(ctx.request);
    const resetsPassword = typeof body.passwordProfile === "object" && body.passwordProfile !== null;
    authorize(g.directory, ctx.principal, resetsPassword ? REQUIREMENTS.resetPassword : REQUIREMENTS.updateUser);
    const displayName = stringProperty(body, "displayName");
    const passwordPolicies = stringProperty(body, "passwordPolicies");
    if (typeof body.passwordProfile === "object" && body.passwordProfile !== null) {
        const profile = body.passwordProfile as Record<string, unknown>;
        const force = profile.forceChangePasswordNextSignIn;
        g.directory.setPassword(user.id, stringProperty(profile, "password", true), typeof force === "boolean" ? force : undefined);
    }
    g.directory.updateUser(user.id, {
        ...(typeof body.accountEnabled === "boolean" ? { accountEnabled: body.accountEnabled } : {}),
        ...(displayName !== undefined ? { displayName } : {}),
        ...(passwordPolicies !== undefined ? { passwordPolicies } : {}),
        // Graph v1.0 does not let this be written (known issue 14972); the azuread provider uses beta for it.
        // The emulator serves v1.0 only and accepts it here instead.
        ...(typeof body.showInAddressList === "boolean" ? { showInAddressList: body.showInAddressList } : {}),
    });
    return NO_CONTENT;
}

export function userRoutes(route: RouteRegistrar, g: GraphContext): void {
    route("GET", "/me", (ctx) => readUser(g, ctx, signedInUser(g, ctx).id));
    route("GET", "/users", (ctx) => {
        assertCanReadUsers(g, ctx.principal);
        const filter = ctx.request.query.get("$filter");
        const users = (filter !== null ? usersIn(g, filter) : undefined)
            ?? applyFilter(g.directory.visibleUsers(), parseEqFilter(filter), USER_FILTER_PROPERTIES);
        const select = selection(ctx.request.query);
        return ok({ "@odata.context": g.context("users"), value: users.map((u) => userView(u, select)) });
    });
    route("POST", "/users", (ctx) => createUser(g, ctx));
    route("GET", "/users/:id", (ctx) => readUser(g, ctx, ctx.params[0]));
    route("PATCH", "/users/:id", (ctx) => patchUser(g, ctx));
    route("DELETE", "/users/:id", (ctx) => {
        authorize(g.directory, ctx.principal, REQUIREMENTS.deleteUser);
        g.directory.deleteUser(visibleUser(g.directory, ctx.params[0]).id);
        return NO_CONTENT;
    });
}
