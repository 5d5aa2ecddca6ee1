import { z } from "zod";
import type { Diagnosis } from "./diagnosis";
import { callGraph, type GraphSession } from "./graph";
import type { Settled } from "./retry";

/** getPresencesByUserId accepts at most 650 IDs per request. */
export const PRESENCE_BATCH_LIMIT = 650;

const presenceSchema = z.object({ id: z.string().min(1), availability: z.string(), activity: z.string().optional() });
const presencesSchema = z.object({ value: z.array(presenceSchema) });

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

/** The service user's own presence; its `id` is the service user's object ID. */
export async function readOwnPresence(session: GraphSession): Promise<Settled<Presence>> {
    const where = "Graph GET /me/presence";
    return parsed(await callGraph(session, { method: "GET", path: "/me/presence", where, stage: "presence" }), presenceSchema, where);
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
