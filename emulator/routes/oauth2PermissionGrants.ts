// oauth2PermissionGrants: delegated consent ("Grant admin consent", or consent for one user).
import type { DelegatedGrantRecord } from "../types";
import { authorize, REQUIREMENTS } from "./permissions";
import {
    applyFilter, fail, NO_CONTENT, objectBody, ok, parseEqFilter, stringProperty, visibleGrant,
    type GraphContext, type GraphResult, type RouteContext, type RouteRegistrar,
} from "./support";

function grantView(grant: DelegatedGrantRecord): Record<string, unknown> {
    return {
        id: grant.id, clientId: grant.clientId, consentType: grant.consentType,
        principalId: grant.principalId, resourceId: grant.resourceId, scope: grant.scope,
    };
}

function createGrant(g: GraphContext, ctx: RouteContext): GraphResult {
    authorize(g.directory, ctx.principal, REQUIREMENTS.writeGrants);
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
        if (!g.directory.visibleServicePrincipal(id)) {
            throw fail(400, "Request_BadRequest", `Invalid value specified for property '${name}': no service principal with ID '${id}' exists in this tenant.`);
        }
    }
    if (principalId !== undefined && !g.directory.visibleUser(principalId)) {
        throw fail(400, "Request_BadRequest", `Invalid value specified for property 'principalId': no user with ID '${principalId}' exists in this tenant.`);
    }
    const grant = g.directory.grantDelegated({
        clientId, resourceId, scope: stringProperty(body, "scope") ?? "", ...(principalId !== undefined ? { principalId } : {}),
    });
    return ok({ "@odata.context": g.context("oauth2PermissionGrants/$entity"), ...grantView(grant) }, 201);
}

export function grantRoutes(route: RouteRegistrar, g: GraphContext): void {
    const { directory } = g;
    route("POST", "/oauth2PermissionGrants", (ctx) => createGrant(g, ctx));
    route("GET", "/oauth2PermissionGrants", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readGrants);
        const grants = applyFilter(directory.visibleGrants(), parseEqFilter(ctx.request.query.get("$filter")), {
            clientid: (x) => x.clientId, resourceid: (x) => x.resourceId, principalid: (x) => x.principalId, consenttype: (x) => x.consentType,
        });
        return ok({ "@odata.context": g.context("oauth2PermissionGrants"), value: grants.map(grantView) });
    });
    route("GET", "/oauth2PermissionGrants/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readGrants);
        return ok({ "@odata.context": g.context("oauth2PermissionGrants/$entity"), ...grantView(visibleGrant(directory, ctx.params[0])) });
    });
    route("PATCH", "/oauth2PermissionGrants/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.writeGrants);
        const grant = visibleGrant(directory, ctx.params[0]);
        directory.updateDelegatedScope(grant.id, stringProperty(objectBody(ctx.request), "scope", true));
        return NO_CONTENT;
    });
    route("DELETE", "/oauth2PermissionGrants/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.writeGrants);
        directory.revokeDelegated(visibleGrant(directory, ctx.params[0]).id);
        return NO_CONTENT;
    });
}
