// Applications: the registration, its client secrets (addPassword/removePassword) and its owners.
import type { ApplicationRecord } from "../types";
import { authorize, REQUIREMENTS } from "./permissions";
import {
    dateProperty, applyFilter, graphDateTime, fail, NO_CONTENT, objectBody, ok, ownerFromRef, ownersView, parseEqFilter, stringProperty, visibleApplication,
    type GraphContext, type RouteRegistrar,
} from "./support";

function applicationView(app: ApplicationRecord): Record<string, unknown> {
    return {
        id: app.id,
        appId: app.appId,
        displayName: app.displayName,
        signInAudience: app.signInAudience,
        notes: app.notes ?? null,
        api: { requestedAccessTokenVersion: app.requestedAccessTokenVersion ?? null },
        createdDateTime: graphDateTime(app.createdAt),
        requiredResourceAccess: app.requiredResourceAccess,
        // secretText is only ever returned by addPassword.
        passwordCredentials: app.passwordCredentials.map((c) => ({
            customKeyIdentifier: null, displayName: c.displayName ?? null, endDateTime: c.endDateTime,
            hint: c.hint, keyId: c.keyId, secretText: null, startDateTime: c.startDateTime,
        })),
    };
}

function apiTokenVersion(body: Record<string, unknown>): number | null | undefined {
    const api = body.api;
    if (typeof api !== "object" || api === null || !("requestedAccessTokenVersion" in api)) return undefined;
    const version = (api as Record<string, unknown>).requestedAccessTokenVersion;
    if (version === null) return null;
    if (version !== 1 && version !== 2) throw fail(400, "Request_BadRequest", "Property 'api.requestedAccessTokenVersion' must be 1, 2 or null.");
    return version;
}

export function applicationRoutes(route: RouteRegistrar, g: GraphContext): void {
    const { directory } = g;
    route("POST", "/applications", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.createApplication);
        const body = objectBody(ctx.request);
        const version = apiTokenVersion(body);
        const created = directory.createApplication({
            displayName: stringProperty(body, "displayName", true),
            ...(stringProperty(body, "signInAudience") ? { signInAudience: stringProperty(body, "signInAudience") } : {}),
            ...(stringProperty(body, "notes") !== undefined ? { notes: stringProperty(body, "notes") } : {}),
            ...(typeof version === "number" ? { requestedAccessTokenVersion: version } : {}),
        });
        if (Array.isArray(body.requiredResourceAccess)) {
            directory.setRequiredResourceAccess(created.id, body.requiredResourceAccess as ApplicationRecord["requiredResourceAccess"]);
        }
        // Application.ReadWrite.OwnedBy "allows the calling app to create other applications ... and fully
        // manage those": the creating service principal becomes an owner.
        if (ctx.principal.kind === "app" && !ctx.principal.roles.has("Application.ReadWrite.All")) directory.addOwner(created.id, ctx.principal.oid);
        const app = directory.applications().find((a) => a.id === created.id) ?? created;
        return ok({ "@odata.context": g.context("applications/$entity"), ...applicationView(app) }, 201);
    });
    route("GET", "/applications", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        const apps = applyFilter(directory.visibleApplications(), parseEqFilter(ctx.request.query.get("$filter")), {
            appid: (a) => a.appId, displayname: (a) => a.displayName, id: (a) => a.id,
        });
        return ok({ "@odata.context": g.context("applications"), value: apps.map(applicationView) });
    });
    route("GET", "/applications/:id", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        return ok({ "@odata.context": g.context("applications/$entity"), ...applicationView(visibleApplication(directory, ctx.params[0])) });
    });
    route("PATCH", "/applications/:id", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.updateApplication, app.id);
        const body = objectBody(ctx.request);
        const version = apiTokenVersion(body);
        directory.updateApplication(app.id, {
            ...(stringProperty(body, "displayName") !== undefined ? { displayName: stringProperty(body, "displayName") } : {}),
            ...(stringProperty(body, "signInAudience") !== undefined ? { signInAudience: stringProperty(body, "signInAudience") } : {}),
            ...("notes" in body ? { notes: stringProperty(body, "notes") ?? null } : {}),
            ...(version !== undefined ? { requestedAccessTokenVersion: version } : {}),
            ...(Array.isArray(body.requiredResourceAccess)
                ? { requiredResourceAccess: body.requiredResourceAccess as ApplicationRecord["requiredResourceAccess"] } : {}),
        });
        return NO_CONTENT;
    });
    route("DELETE", "/applications/:id", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.updateApplication, app.id);
        directory.deleteApplication(app.id);
        return NO_CONTENT;
    });
    route("POST", "/applications/:id/addPassword", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.updateApplication, app.id);
        const body = objectBody(ctx.request);
        // Graph documents a `passwordCredential` wrapper; some clients send its fields at the top level.
        const credential = (typeof body.passwordCredential === "object" && body.passwordCredential !== null
            ? body.passwordCredential : body) as Record<string, unknown>;
        const displayName = stringProperty(credential, "displayName");
        const startDateTime = dateProperty(credential, "startDateTime");
        const endDateTime = dateProperty(credential, "endDateTime");
        const created = directory.addPassword(app.id, {
            ...(displayName !== undefined ? { displayName } : {}),
            ...(startDateTime ? { startDateTime } : {}),
            ...(endDateTime ? { endDateTime } : {}),
        });
        const stored = directory.applications().find((a) => a.id === app.id)?.passwordCredentials.find((c) => c.keyId === created.keyId);
        return ok({
            "@odata.context": g.context("microsoft.graph.passwordCredential"),
            customKeyIdentifier: null,
            displayName: stored?.displayName ?? null,
            endDateTime: created.endDateTime,
            hint: stored?.hint ?? created.secretText.slice(0, 3),
            keyId: created.keyId,
            secretText: created.secretText,
            startDateTime: stored?.startDateTime,
        });
    });
    route("POST", "/applications/:id/removePassword", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.updateApplication, app.id);
        directory.removePassword(app.id, stringProperty(objectBody(ctx.request), "keyId", true));
        return NO_CONTENT;
    });
    route("POST", "/applications/:id/owners/$ref", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.addOwner);
        directory.addOwner(app.id, ownerFromRef(directory, stringProperty(objectBody(ctx.request), "@odata.id", true)));
        return NO_CONTENT;
    });
    route("DELETE", "/applications/:id/owners/:id/$ref", (ctx) => {
        const app = visibleApplication(directory, ctx.params[0]);
        authorize(directory, ctx.principal, REQUIREMENTS.updateApplication, app.id);
        directory.removeOwner(app.id, ctx.params[1]);
        return NO_CONTENT;
    });
    route("GET", "/applications/:id/owners", (ctx) => {
        authorize(directory, ctx.principal, REQUIREMENTS.readApplications);
        return ownersView(g, visibleApplication(directory, ctx.params[0]).ownerIds);
    });
}
