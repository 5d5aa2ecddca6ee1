// Presence: /me/presence, /users/{id}/presence and getPresencesByUserId.
import type { DirectoryError } from "../directory";
import { userListed } from "../faults";
import type { UserRecord } from "../types";
import { fail, forbidden, notFound, objectBody, ok, permitted, type GraphContext, type GraphResult, type RouteContext, type RouteRegistrar } from "./support";

export const MAX_PRESENCE_IDS = 650;

type PresenceView = Record<string, unknown> & { id: string; availability: string | null; activity: string | null };

/** Every property of Graph's presence entity (msgraph-metadata clean_v10_metadata/cleanMetadata.xml, EntityType
 * "presence" and its complex types), so a client that reads more than availability and activity meets the
 * real shape: no status message, not out of office, no work location set. */
function presenceView(g: GraphContext, user: UserRecord, availability: string, activity: string): PresenceView {
    return {
        id: user.id,
        // Both are nullable in Graph's metadata; the `nullAvailability`/`nullActivity` faults answer that way.
        availability: userListed(g.faults.nullAvailability, user) ? null : availability,
        activity: userListed(g.faults.nullActivity, user) ? null : activity,
        statusMessage: null,
        outOfOfficeSettings: { message: null, isOutOfOffice: false },
        sequenceNumber: `${(user.presence.sequence ?? 0).toString(16).toUpperCase().padStart(12, "0")}`,
        workLocation: { workLocationType: "unspecified", source: "none", placeId: null },
    };
}

/** Presence exists "only for Microsoft Teams users" (learn.microsoft.com/graph/api/resources/presence); for a
 * user without Teams this is PresenceUnknown or, in the `NotFound` variant, nothing at all. */
function presenceOf(g: GraphContext, user: UserRecord): PresenceView | undefined {
    if (!userListed(g.faults.withoutTeams, user)) return presenceView(g, user, user.presence.availability, user.presence.activity);
    if (g.faults.withoutTeamsPresence === "NotFound") return undefined;
    return presenceView(g, user, "PresenceUnknown", "PresenceUnknown");
}

/** Object IDs are GUIDs, which Graph matches whatever their case; a sign-in name is no presence ID. */
function sameObjectId(user: UserRecord, id: string): boolean {
    return user.id.toLowerCase() === id.toLowerCase();
}

function noPresence(id: string): DirectoryError {
    return fail(404, "NotFound", `No presence found for user '${id}'. Presence is only available for Microsoft Teams users.`);
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

/** Unknown IDs are left out of the answer rather than reported as PresenceUnknown, and so are users without
 * Teams in the `NotFound` variant, unless nobody asked for has a presence: then the whole call is a 404. */
function presencesByUserId(g: GraphContext, ctx: RouteContext): GraphResult {
    if (!permitted(ctx.principal, ["Presence.Read.All"])) throw forbidden("Presence.Read.All");
    const ids = objectBody(ctx.request).ids;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
        throw fail(400, "BadRequest", "The request body must hold 'ids', an array of user object IDs.");
    }
    if (ids.length === 0 || ids.length > MAX_PRESENCE_IDS) {
        throw fail(400, "BadRequest", `'ids' holds ${ids.length} IDs; getPresencesByUserId takes 1 to ${MAX_PRESENCE_IDS}.`);
    }
    let withoutTeams: string | undefined;
    const unique = [...new Map((ids as string[]).map((id) => [id.toLowerCase(), id])).values()];
    const value = unique.flatMap((id) => {
        const user = g.directory.visibleUser(id);
        if (!user || !sameObjectId(user, id)) return [];
        const presence = presenceOf(g, user);
        withoutTeams ??= presence ? undefined : id;
        return presence ? [presence] : [];
    });
    if (value.length === 0 && withoutTeams !== undefined) throw noPresence(withoutTeams);
    return ok({ "@odata.context": g.context("Collection(microsoft.graph.presence)"), value });
}

export function presenceRoutes(route: RouteRegistrar, g: GraphContext): void {
    route("GET", "/me/presence", (ctx) => {
        const me = signedInUser(g, ctx);
        if (!permitted(ctx.principal, ["Presence.Read", "Presence.Read.All"])) throw forbidden("Presence.Read");
        const presence = presenceOf(g, me);
        if (!presence) throw noPresence(me.id);
        return ok({ "@odata.context": g.context(`users('${me.id}')/presence/$entity`), ...presence });
    });
    route("GET", "/users/:id/presence", (ctx) => {
        if (!permitted(ctx.principal, ["Presence.Read.All"])) throw forbidden("Presence.Read.All");
        const user = g.directory.visibleUser(ctx.params[0]);
        // Presence is addressed by object ID only; a UPN finds nothing, as in Graph.
        if (!user || !sameObjectId(user, ctx.params[0])) throw fail(404, "NotFound", `No presence found for user '${ctx.params[0]}'. Presence takes the user's object ID.`);
        const presence = presenceOf(g, user);
        if (!presence) throw noPresence(user.id);
        return ok({ "@odata.context": g.context(`users('${user.id}')/presence/$entity`), ...presence });
    });
    route("POST", "/communications/getPresencesByUserId", (ctx) => presencesByUserId(g, ctx));
}
