import { z } from "zod";
import type { Diagnosis } from "./diagnosis";
import { callGraph, type GraphSession } from "./graph";
import type { Settled } from "./retry";

/** getPresencesByUserId accepts at most 650 IDs per request. */
export const PRESENCE_BATCH_LIMIT = 650;

// Graph's metadata declares availability and activity nullable: neither property carries Nullable="false", and
// in OData CSDL an absent Nullable means true (microsoftgraph/msgraph-metadata schemas/v1.0-Prod.csdl and
// clean_v10_metadata/cleanMetadata.xml, EntityType "presence"). A null is the answer for that one user, never a
// malformed body: every reader here takes it and reports it for that user alone.
const presenceSchema = z.object({
    id: z.string().min(1),
    availability: z.string().nullish().transform((v) => v ?? null),
    activity: z.string().nullish().transform((v) => v ?? null),
});
const presencesSchema = z.object({ value: z.array(presenceSchema) });

/** One entry of a presence answer; `null` where Graph gave no value (or left the property out). */
export type Presence = z.infer<typeof presenceSchema>;

export function chunk<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
}

function unexpectedShape(where: string): Diagnosis {
    return { code: "unknown_error", transient: false, message: `${where}: Microsoft Graph answered with a body the verifier does not recognise.` };
}

function parsed<T>(settled: Settled<unknown>, schema: z.ZodType<T>, where: string): Settled<T> {
    if (!settled.ok) return settled;
    const result = schema.safeParse(settled.value);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, diagnosis: unexpectedShape(where), gaveUp: false, attempts: 1 };
}

/**
 * How Graph answered for the service user's own presence: `read` (a Teams presence), `PresenceUnknown`,
 * `PresenceNull` (an entry whose availability is null or missing), `absent` (its ID left out of the answer) or
 * `notFound` (HTTP 404). Microsoft documents presence as "only supported for Microsoft Teams users"
 * (learn.microsoft.com/graph/api/resources/presence) and not what it answers for anyone else, so every one of
 * these but `read` means "no Teams presence".
 */
export type ServiceUserPresence = "read" | "PresenceUnknown" | "PresenceNull" | "absent" | "notFound";

/** A presence whose availability Graph gave. */
export type ReadPresence = Presence & { availability: string };

export interface OwnPresence {
    outcome: ServiceUserPresence;
    /** Set when Graph returned an entry with an availability. */
    presence?: ReadPresence;
}

type OwnAnswer = { value: { id: string; availability?: string | null; activity?: string | null }[] };

/** Pure: what a getPresencesByUserId answer (or its 404) says about the service user. */
export function ownPresenceFrom(id: string, answer: OwnAnswer | "notFound"): OwnPresence {
    if (answer === "notFound") return { outcome: "notFound" };
    const entry = answer.value.find((p) => p.id.toLowerCase() === id.toLowerCase());
    if (!entry) return { outcome: "absent" };
    if (typeof entry.availability !== "string") return { outcome: "PresenceNull" };
    const presence: ReadPresence = { id: entry.id, availability: entry.availability, activity: typeof entry.activity === "string" ? entry.activity : null };
    return { outcome: entry.availability === "PresenceUnknown" ? "PresenceUnknown" : "read", presence };
}

const HOW_GRAPH_ANSWERED: Readonly<Record<Exclude<ServiceUserPresence, "read">, string>> = {
    PresenceUnknown: "it answered PresenceUnknown",
    PresenceNull: "it answered null for availability",
    absent: "its object ID was left out of the answer",
    notFound: "Microsoft Graph answered HTTP 404 for it",
};

/** The note a verification carries when the service user has no Teams presence; it never fails one. */
export function noTeamsPresenceNote(outcome: Exclude<ServiceUserPresence, "read">): string {
    return `The service user has no Teams presence (${HOW_GRAPH_ANSWERED[outcome]}) — expected without a Teams licence; agents need one, since Microsoft Graph serves presence only for Microsoft Teams users.`;
}

const NOT_FOUND = Symbol("HTTP 404");

/**
 * The service user's presence, read the way the connector reads its agents': getPresencesByUserId with its
 * object ID, alone, so that a 404 can only be about it. A 401 or 403, a malformed answer and every
 * transient error stay failures with their own codes.
 */
export async function readServiceUserPresence(session: GraphSession, id: string): Promise<Settled<OwnPresence>> {
    const where = "Graph POST /communications/getPresencesByUserId (service user)";
    const spec = { method: "POST", path: "/communications/getPresencesByUserId", body: { ids: [id] }, where, stage: "presence" } as const;
    const settled = await session.retry<unknown>(where, async (remainingMs) => {
        const outcome = await session.attempt(spec, remainingMs);
        // Only Graph's own 404 (an error body with a code) counts, not a proxy's or a wrong endpoint's page.
        if (!outcome.ok && outcome.status === 404 && outcome.graphCode !== undefined) return { ok: true, value: NOT_FOUND };
        return outcome;
    });
    if (settled.ok && settled.value === NOT_FOUND) return { ok: true, value: ownPresenceFrom(id, "notFound") };
    const answer = parsed(settled, presencesSchema, where);
    return answer.ok ? { ok: true, value: ownPresenceFrom(id, answer.value) } : answer;
}

/** Presence for many object IDs, the way the connector polls: getPresencesByUserId in chunks of 650. */
export async function readPresences(session: GraphSession, ids: readonly string[]): Promise<Settled<Map<string, Presence>>> {
    const where = "Graph POST /communications/getPresencesByUserId";
    const byId = new Map<string, Presence>();
    for (const part of chunk(ids, PRESENCE_BATCH_LIMIT)) {
        const settled = parsed(
            await callGraph(session, { method: "POST", path: "/communications/getPresencesByUserId", body: { ids: part }, where, stage: "presence" }),
            presencesSchema,
            where,
        );
        if (!settled.ok) return settled;
        for (const presence of settled.value.value) byId.set(presence.id.toLowerCase(), presence);
    }
    return { ok: true, value: byId };
}
