// Service principals and the app role assignments (application permissions) between them.
import { GRAPH_APP_ID } from "../microsoftGraph";
import type { AppRoleAssignmentRecord, ServicePrincipalRecord } from "../types";
import { authorize, REQUIREMENTS } from "./permissions";
import {
    applyFilter, fail, graphDateTime, NO_CONTENT, notFound, objectBody, ok, ownerFromRef, ownersView, parseEqFilter, stringProperty, visibleServicePrincipal,
    type GraphContext, type GraphResult, type RouteContext, type RouteRegistrar,
} from "./support";

type Side = "principalId" | "resourceId";

function servicePrincipalView(sp: ServicePrincipalRecord): Record<string, unknown> {
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

function assignmentView(g: GraphContext, a: AppRoleAssignmentRecord): Record<string, unknown> {
    const principal = g.directory.visibleServicePrincipal(a.principalId);
    const resource = g.directory.visibleServicePrincipal(a.resourceId);
    return {
        id: a.id, appRoleId: a.appRoleId, createdDateTime: graphDateTime(a.createdAt),
        principalId: a.principalId, principalType: "ServicePrincipal", principalDisplayName: principal?.displayName ?? null,
        resourceId: a.resourceId, resourceDisplayName: resource?.displayName ?? null,
    };
}

/** `side` says which end of the assignment the path's service principal is. */
function assignAppRole(g: GraphContext, ctx: RouteContext, side: Side): GraphResult {
    const pathSp = visibleServicePrincipal(g.directory, ctx.params[0]);
    const body = objectBody(ctx.request);
    const input = {
        appRoleId: stringProperty(body, "appRoleId", true),
        principalId: stringProperty(body, "principalId", true),
        resourceId: stringProperty(body, "resourceId", true),
    };
    const resource = g.directory.visibleServicePrincipal(input.resourceId);
    authorize(g.directory, ctx.principal, resource?.appId === GRAPH_APP_ID ? REQUIREMENTS.assignGraphAppRole : REQUIREMENTS.assignAppRole);
    if (input[side] !== pathSp.id) {
        throw fail(400, "Request_BadRequest", `The ${side} in the body ('${input[side]}') must be the service principal in the URL ('${pathSp.id}').`);
    }
    for (const id of [input.principalId, input.resourceId]) {
        if (!g.directory.visibleServicePrincipal(id)) throw notFound(id);
    }
    const assignment = g.directory.assignAppRole(input);
    return ok({ "@odata.context": g.context("appRoleAssignments/$entity"), ...assignmentView(g, assignment) }, 201);
}

function listAssignments(g: GraphContext, ctx: RouteContext, side: Side): GraphResult {
    authorize(g.directory, ctx.principal, REQUIREMENTS.readAppRoleAssignments);
    const sp = visibleServicePrincipal(g.directory, ctx.params[0]);
    const value = g.directory.visibleAppRoleAssignments().filter((a) => a[side] === sp.id).map((a) => assignmentView(g, a));
    return ok({ "@odata.context": g.context("appRoleAssignments"), value });
}

/** One assignment, as the azuread provider's Read fetches it (GetAppRoleAssignedTo). */
function getAssignment(g: GraphContext, ctx: RouteContext, side: Side): GraphResult {
    authorize(g.directory, ctx.principal, REQUIREMENTS.readAppRoleAssignments);
    const sp = visibleServicePrincipal(g.directory, ctx.params[0]);
    const assignment = g.directory.visibleAppRoleAssignments().find((a) => a.id === ctx.params[1] && a[side] === sp.id);
    if (!assignment) throw notFound(ctx.params[1]);
    return ok({ "@odata.context": g.context("appRoleAssignments/$entity"), ...assignmentView(g, assignment) });
}

function removeAssignment(g: GraphContext, ctx: RouteContext, side: Side): GraphResult {
    authorize(g.directory, ctx.principal, REQUIREMENTS.deleteAppRoleAssignment);
    const sp = visibleServicePrincipal(g.directory, ctx.params[0]);
    const assignment = g.directory.visibleAppRoleAssignments().find((a) => a.id === ctx.params[1] && a[side] === sp.id);
    if (!assignment) throw notFound(ctx.params[1]);
    g.directory.removeAppRoleAssignment(assignment.id);
    return NO_CONTENT;
}

export function servicePrincipalRoutes(route: RouteRegistrar, g: GraphContext): void {
    const { directory } = g;
    route("POST", "/servicePrincipals", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.createServicePrincipal);
        const body = objectBody(ctx.request);
        const appId = stringProperty(body, "appId", true);
        if (!directory.visibleApplicationByAppId(appId)) {
            throw fail(400, "Request_BadRequest", `The appId '${appId}' of the service principal does not reference a valid application object.`);
        }
        // Owners bound at creation, as the azuread provider sends them (service_principal_resource.go:435-468).
        const bind = body["owners@odata.bind"];
        if (bind !== undefined && (!Array.isArray(bind) || bind.some((r) => typeof r !== "string"))) {
            throw fail(400, "Request_BadRequest", "'owners@odata.bind' must be a list of directory object references.");
        }
        const owners = ((bind ?? []) as string[]).map((ref) => ownerFromRef(directory, ref));
        const sp = directory.createServicePrincipal({ appId });
        for (const owner of owners) directory.addServicePrincipalOwner(sp.id, owner);
        return ok({ "@odata.context": g.context("servicePrincipals/$entity"), ...servicePrincipalView(sp) }, 201);
    });
    route("GET", "/servicePrincipals/:id/owners", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        return ownersView(g, visibleServicePrincipal(directory, ctx.params[0]).ownerIds);
    });
    route("POST", "/servicePrincipals/:id/owners/$ref", (ctx) => {
        const sp = visibleServicePrincipal(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.addServicePrincipalOwner);
        directory.addServicePrincipalOwner(sp.id, ownerFromRef(directory, stringProperty(objectBody(ctx.request), "@odata.id", true)));
        return NO_CONTENT;
    });
    route("DELETE", "/servicePrincipals/:id/owners/:id/$ref", (ctx) => {
        const sp = visibleServicePrincipal(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.removeServicePrincipalOwner);
        directory.removeServicePrincipalOwner(sp.id, ctx.params[1]);
        return NO_CONTENT;
    });
    route("GET", "/servicePrincipals", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        const sps = applyFilter(directory.visibleServicePrincipals(), parseEqFilter(ctx.request.query.get("$filter")), {
            appid: (s) => s.appId, displayname: (s) => s.displayName, id: (s) => s.id,
        });
        return ok({ "@odata.context": g.context("servicePrincipals"), value: sps.map(servicePrincipalView) });
    });
    route("GET", "/servicePrincipals/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        return ok({ "@odata.context": g.context("servicePrincipals/$entity"), ...servicePrincipalView(visibleServicePrincipal(directory, ctx.params[0])) });
    });
    route("DELETE", "/servicePrincipals/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.deleteServicePrincipal);
        directory.deleteServicePrincipal(visibleServicePrincipal(directory, ctx.params[0]).id);
        return NO_CONTENT;
    });
    route("POST", "/servicePrincipals/:id/appRoleAssignments", (ctx) => assignAppRole(g, ctx, "principalId"));
    route("POST", "/servicePrincipals/:id/appRoleAssignedTo", (ctx) => assignAppRole(g, ctx, "resourceId"));
    route("GET", "/servicePrincipals/:id/appRoleAssignments", (ctx) => listAssignments(g, ctx, "principalId"));
    route("GET", "/servicePrincipals/:id/appRoleAssignedTo", (ctx) => listAssignments(g, ctx, "resourceId"));
    route("GET", "/servicePrincipals/:id/appRoleAssignments/:id", (ctx) => getAssignment(g, ctx, "principalId"));
    route("GET", "/servicePrincipals/:id/appRoleAssignedTo/:id", (ctx) => getAssignment(g, ctx, "resourceId"));
    route("DELETE", "/servicePrincipals/:id/appRoleAssignments/:id", (ctx) => removeAssignment(g, ctx, "principalId"));
    route("DELETE", "/servicePrincipals/:id/appRoleAssignedTo/:id", (ctx) => removeAssignment(g, ctx, "resourceId"));
}
