// Presence: /me/presence, /users/{id}/presence and getPresencesByUserId.
import type { UserRecord } from "../types";
import { fail, forbidden, notFound, objectBody, ok, permitted, type GraphContext, type GraphResult, type RouteContext, type RouteRegistrar } from "./support";

export const MAX_PRESENCE_IDS = 650;

function presenceOf(user: UserRecord): { id: string; availability: string; activity: string } {
    return { id: user.id, availability: user.presence.availability, activity: user.presence.activity };
}

/** The signed-in user of a delegated token; app tokens get Graph's 400. */
export function signedInUser(g: GraphContext, ctx: RouteContext): UserRecord {
    if (ctx.principal.kind !== "user") {
        throw fail(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    }
    const user = g.directory.visibleUser(ctx.principal.oid);
    if (!user) throw notFound(ctx.principal.oid);
    return user;
}

/** Unknown IDs are left out of the answer rather than reported as PresenceUnknown. */
function presencesByUserId(g: GraphContext, ctx: RouteContext): GraphResult {
    if (!permitted(ctx.principal, ["Presence.Read.All"])) throw forbidden("Presence.Read.All");
    const ids = objectBody(ctx.request).ids;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
        throw fail(400, "BadRequest", "The request body must hold 'ids', an array of user object IDs.");
    }
    if (ids.length === 0 || ids.length > MAX_PRESENCE_IDS) {
        throw fail(400, "BadRequest", `'ids' holds ${ids.length} IDs; getPresencesByUserId takes 1 to ${MAX_PRESENCE_IDS}.`);
    }
    const value = [...new Set(ids as string[])].flatMap((id) => {
        const user = g.directory.visibleUser(id);
        return user && user.id === id ? [presenceOf(user)] : [];
    });
    return ok({ "@odata.context": g.context("Collection(microsoft.graph.presence)"), value });
}

export function presenceRoutes(route: RouteRegistrar, g: GraphContext): void {
    route("GET", "/me/presence", (ctx) => {
        const me = signedInUser(g, ctx);
        if (!permitted(ctx.principal, ["Presence.Read", "Presence.Read.All"])) throw forbidden("Presence.Read");
        return ok({ "@odata.context": g.context(`users('${me.id}')/presence/$entity`), ...presenceOf(me) });
    });
    route("GET", "/users/:id/presence", (ctx) => {
        if (!permitted(ctx.principal, ["Presence.Read.All"])) throw forbidden("Presence.Read.All");
        const user = g.directory.visibleUser(ctx.params[0]);
        // Presence is addressed by object ID only; a UPN finds nothing, as in Graph.
        if (!user || user.id !== ctx.params[0]) throw fail(404, "NotFound", `No presence found for user '${ctx.params[0]}'. Presence takes the user's object ID.`);
        return ok({ "@odata.context": g.context(`users('${user.id}')/presence/$entity`), ...presenceOf(user) });
    });
    route("POST", "/communications/getPresencesByUserId", (ctx) => presencesByUserId(g, ctx));
}
