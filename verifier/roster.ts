import { z } from "zod";
import { diagnoseGraphError, type Diagnosis } from "./diagnosis";
import type { GraphSession } from "./graph";
import { chunk, readPresences } from "./presence";
import { parseRetryAfter, type AttemptOutcome, type Settled } from "./retry";

/** JSON batching allows at most 20 requests per POST /$batch. */
export const BATCH_LIMIT = 20;

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AgentSummary {
    /** Distinct agents asked for. */
    requested: number;
    /** Agents with a known object ID and a presence entry. */
    resolved: number;
    /** Sign-in names nobody answers to, and object IDs Graph returned no presence for. */
    unresolved: string[];
    /** Agents whose availability is PresenceUnknown (most likely no Teams licence). */
    presenceUnknown: string[];
    /** Looking up sign-in names was refused: User.ReadBasic.All is missing. */
    userLookupForbidden: boolean;
    /** Agents per availability. */
    availability: Record<string, number>;
}

export interface RosterResult {
    summary: AgentSummary;
    /** Set when the roster check failed (a refused lookup or presence read). */
    failure?: Settled<never> & { ok: false };
}

/** Agents as given, without duplicates; object IDs vs sign-in names. */
export function classifyAgents(agents: readonly string[]): { ids: string[]; names: string[] } {
    const seen = new Set<string>();
    const ids: string[] = [];
    const names: string[] = [];
    for (const raw of agents) {
        const agent = raw.trim();
        if (!agent || seen.has(agent.toLowerCase())) continue;
        seen.add(agent.toLowerCase());
        (OBJECT_ID.test(agent) ? ids : names).push(agent);
    }
    return { ids, names };
}

const batchResponseSchema = z.object({
    responses: z.array(
        z.object({
            id: z.string(),
            status: z.number(),
            headers: z.record(z.string(), z.string()).optional(),
            body: z.unknown().optional(),
        }),
    ),
});
const userSchema = z.object({ id: z.string().min(1) });

interface Lookup {
    /** sign-in name -> object ID */
    resolved: Map<string, string>;
    unresolved: string[];
    forbidden: boolean;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
    if (!headers) return undefined;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : headers[key];
}

/**
 * Resolves sign-in names to object IDs with JSON batching. Inner 429/5xx answers are retried for just
 * those names; a 403 means User.ReadBasic.All is missing, so the remaining names are not tried.
 */
async function resolveNames(session: GraphSession, names: readonly string[], now: () => number): Promise<Settled<Lookup>> {
    const where = "Graph POST /$batch (users by sign-in name)";
    const lookup: Lookup = { resolved: new Map(), unresolved: [], forbidden: false };
    for (const part of chunk(names, BATCH_LIMIT)) {
        if (lookup.forbidden) {
            lookup.unresolved.push(...part);
            continue;
        }
        let pending = [...part];
        const settled = await session.retry<true>(where, async (remainingMs): Promise<AttemptOutcome<true>> => {
            const requests = pending.map((name, i) => ({
                id: String(i + 1),
                method: "GET",
                url: `/users/${encodeURIComponent(name)}?$select=id,userPrincipalName`,
            }));
            const outcome = await session.attempt({ method: "POST", path: "/$batch", body: { requests }, where, stage: "userLookup" }, remainingMs);
            if (!outcome.ok) return outcome;
            const batch = batchResponseSchema.safeParse(outcome.value);
            if (!batch.success) {
                return { ok: false, diagnosis: { code: "unknown_error", transient: false, message: `${where}: Microsoft Graph answered with a body the verifier does not recognise.` } };
            }
            const retryLater: string[] = [];
            let transient: Diagnosis | undefined;
            for (const [i, name] of pending.entries()) {
                const answer = batch.data.responses.find((r) => r.id === String(i + 1));
                const user = answer && answer.status === 200 ? userSchema.safeParse(answer.body) : undefined;
                if (user?.success) {
                    lookup.resolved.set(name, user.data.id);
                } else if (answer?.status === 403) {
                    lookup.forbidden = true;
                    lookup.unresolved.push(name);
                } else if (!answer || answer.status === 429 || answer.status >= 500) {
                    retryLater.push(name);
                    const retryAfterMs = parseRetryAfter(header(answer?.headers, "retry-after"), now());
                    const inner = diagnoseGraphError(where, "userLookup", answer?.status ?? 503, undefined, retryAfterMs);
                    if (!transient || (inner.retryAfterMs ?? 0) > (transient.retryAfterMs ?? 0)) transient = inner;
                } else {
                    // 404 (no such user) and 400 (not a valid sign-in name) alike: nobody answers to it.
                    lookup.unresolved.push(name);
                }
            }
            if (lookup.forbidden) {
                // Retrying the throttled rest would only earn more 403s.
                lookup.unresolved.push(...retryLater);
                return { ok: true, value: true };
            }
            pending = retryLater;
            return transient ? { ok: false, diagnosis: transient } : { ok: true, value: true };
        });
        if (!settled.ok && settled.diagnosis.missingScopes?.includes("User.ReadBasic.All")) {
            // The whole batch was refused, not just its parts: same meaning, same outcome.
            lookup.forbidden = true;
            lookup.unresolved.push(...pending);
        } else if (!settled.ok) {
            return settled;
        }
    }
    return { ok: true, value: lookup };
}

/** Resolves the roster and reads every agent's presence, as the connector will. */
export async function checkAgents(session: GraphSession, agents: readonly string[], now: () => number): Promise<RosterResult> {
    const { ids, names } = classifyAgents(agents);
    const summary: AgentSummary = {
        requested: ids.length + names.length,
        resolved: 0,
        unresolved: [],
        presenceUnknown: [],
        userLookupForbidden: false,
        availability: {},
    };
    const lookup = await resolveNames(session, names, now);
    if (!lookup.ok) return { summary, failure: lookup };
    summary.userLookupForbidden = lookup.value.forbidden;
    summary.unresolved.push(...lookup.value.unresolved);

    // Object IDs go out in Graph's canonical lower case; each keeps the label the admin wrote.
    const labels = new Map<string, string>();
    for (const id of ids) labels.set(id.toLowerCase(), id);
    for (const [name, id] of lookup.value.resolved) if (!labels.has(id.toLowerCase())) labels.set(id.toLowerCase(), name);

    const presences = await readPresences(session, [...labels.keys()]);
    if (!presences.ok) return { summary, failure: presences };
    for (const [key, label] of labels) {
        const presence = presences.value.get(key);
        if (!presence) {
            summary.unresolved.push(label);
            continue;
        }
        summary.resolved += 1;
        summary.availability[presence.availability] = (summary.availability[presence.availability] ?? 0) + 1;
        if (presence.availability === "PresenceUnknown") summary.presenceUnknown.push(label);
    }
    return { summary, failure: lookup.value.forbidden ? forbiddenLookup() : undefined };
}

function forbiddenLookup(): Settled<never> & { ok: false } {
    return { ok: false, gaveUp: false, attempts: 1, diagnosis: diagnoseGraphError("Graph POST /$batch (users by sign-in name)", "userLookup", 403, undefined) };
}
