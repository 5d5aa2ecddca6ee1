import { z } from "zod";
import { diagnoseGraphError, type Diagnosis } from "./diagnosis";
import type { GraphSession } from "./graph";
import { chunk, PRESENCE_BATCH_LIMIT, readPresences } from "./presence";
import { parseRetryAfter, type AttemptOutcome, type Settled } from "./retry";

/** JSON batching allows at most 20 requests per POST /$batch (microsoftgraph/microsoft-graph-docs-contrib,
 * concepts/json-batching.md). */
export const BATCH_LIMIT = 20;
/** `$filter=... in (...)` takes at most 15 values by default (microsoftgraph/microsoft-graph-docs-contrib,
 * concepts/includes/known-issues/query-parameters.md); a 16th gets 400 Request_UnsupportedQuery
 * (microsoft-graph-docs-contrib#1238). */
export const IN_FILTER_LIMIT = 15;
/** Sign-in names one $batch request resolves: 20 steps of 15. */
export const NAMES_PER_BATCH = BATCH_LIMIT * IN_FILTER_LIMIT;

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
    /** Agents whose entry came with a null (or no) availability or activity, which Graph's metadata allows: the
     * connector gets no state for them. Reported for them alone; counted under their availability when they have one. */
    presenceNull: string[];
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

/** One $batch step: up to 15 names in one `in` filter, or one name read on its own (the fallback). */
export type LookupStep = { kind: "filter"; names: string[] } | { kind: "single"; name: string };

/** Pure: the look-up requests for these names when every step succeeds first time — `$batch` requests of
 * up to 20 steps, each step a filter of up to 15 names. */
export function planNameLookups(names: readonly string[]): LookupStep[][] {
    return chunk(chunk(names, IN_FILTER_LIMIT).map((part): LookupStep => ({ kind: "filter", names: part })), BATCH_LIMIT);
}

/** Pure: Graph requests (top-level, a $batch counts once) to resolve `names` and read presence for `ids`
 * distinct object IDs when nothing fails: ceil(names / 300) + ceil(ids / 650). */
export function rosterRequests(names: number, ids: number): { lookupBatches: number; presenceRequests: number } {
    return { lookupBatches: Math.ceil(names / NAMES_PER_BATCH), presenceRequests: Math.ceil(ids / PRESENCE_BATCH_LIMIT) };
}

/** OData string literal: single quotes, a quote inside doubled. */
function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

export function stepUrl(step: LookupStep): string {
    if (step.kind === "single") return `/users/${encodeURIComponent(step.name)}?$select=id,userPrincipalName`;
    const filter = `userPrincipalName in (${step.names.map(odataString).join(",")})`;
    return `/users?$filter=${encodeURIComponent(filter)}&$select=id,userPrincipalName`;
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
const userSchema = z.object({ id: z.string().min(1), userPrincipalName: z.string().optional() });
const usersSchema = z.object({ value: z.array(userSchema) });

interface Lookup {
    /** sign-in name as given -> object ID */
    resolved: Map<string, string>;
    forbidden: boolean;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
    if (!headers) return undefined;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : headers[key];
}

/** What one step's answer means for its names. */
type StepOutcome = "done" | "forbidden" | "retry" | "fallback";

/** Records a 200 answer; 404 and 400 on a single name mean nobody answers to it, as for a missing one. */
function settleStep(step: LookupStep, status: number, body: unknown, lookup: Lookup): StepOutcome {
    if (status === 403) return "forbidden";
    if (status === 429 || status >= 500) return "retry";
    if (step.kind === "single") {
        const user = status === 200 ? userSchema.safeParse(body) : undefined;
        if (user?.success) lookup.resolved.set(step.name, user.data.id);
        return "done";
    }
    const users = status === 200 ? usersSchema.safeParse(body) : undefined;
    // A filter Graph refuses (400, an unreadable body) says nothing about which name is at fault: ask for each on its own.
    if (!users?.success) return "fallback";
    const byName = new Map(users.data.value.flatMap((u) => (u.userPrincipalName ? [[u.userPrincipalName.toLowerCase(), u.id] as const] : [])));
    for (const name of step.names) {
        const id = byName.get(name.toLowerCase());
        if (id) lookup.resolved.set(name, id);
    }
    return "done";
}

/**
 * Resolves sign-in names to object IDs: 15 names per `in` filter, 20 filters per `$batch` (300 names per
 * request). Inner 429/5xx answers are retried for just those steps; a 403 means User.ReadBasic.All is
 * missing, so the remaining names are not tried.
 */
async function resolveNames(session: GraphSession, names: readonly string[], now: () => number): Promise<Settled<Lookup>> {
    const where = "Graph POST /$batch (users by sign-in name)";
    const lookup: Lookup = { resolved: new Map(), forbidden: false };
    const queue: LookupStep[] = planNameLookups(names).flat();
    while (queue.length > 0 && !lookup.forbidden) {
        let pending = queue.splice(0, BATCH_LIMIT);
        const settled = await session.retry<true>(where, async (remainingMs): Promise<AttemptOutcome<true>> => {
            const requests = pending.map((step, i) => ({ id: String(i + 1), method: "GET", url: stepUrl(step) }));
            const outcome = await session.attempt({ method: "POST", path: "/$batch", body: { requests }, where, stage: "userLookup" }, remainingMs);
            if (!outcome.ok) return outcome;
            const batch = batchResponseSchema.safeParse(outcome.value);
            if (!batch.success) {
                return { ok: false, diagnosis: { code: "unknown_error", transient: false, message: `${where}: Microsoft Graph answered with a body the verifier does not recognise.` } };
            }
            const retryLater: LookupStep[] = [];
            let transient: Diagnosis | undefined;
            for (const [i, step] of pending.entries()) {
                const answer = batch.data.responses.find((r) => r.id === String(i + 1));
                const result = answer ? settleStep(step, answer.status, answer.body, lookup) : "retry";
                if (result === "forbidden") lookup.forbidden = true;
                else if (result === "fallback" && step.kind === "filter") queue.push(...step.names.map((name): LookupStep => ({ kind: "single", name })));
                else if (result === "retry") {
                    retryLater.push(step);
                    const retryAfterMs = parseRetryAfter(header(answer?.headers, "retry-after"), now());
                    const inner = diagnoseGraphError(where, "userLookup", answer?.status ?? 503, undefined, retryAfterMs);
                    if (!transient || (inner.retryAfterMs ?? 0) > (transient.retryAfterMs ?? 0)) transient = inner;
                }
            }
            // After a 403, retrying the throttled rest would only earn more 403s.
            pending = lookup.forbidden ? [] : retryLater;
            return transient && !lookup.forbidden ? { ok: false, diagnosis: transient } : { ok: true, value: true };
        });
        if (!settled.ok && settled.diagnosis.missingScopes?.includes("User.ReadBasic.All")) {
            // The whole batch was refused, not just its parts: same meaning, same outcome.
            lookup.forbidden = true;
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
        presenceNull: [],
        userLookupForbidden: false,
        availability: {},
    };
    const lookup = await resolveNames(session, names, now);
    if (!lookup.ok) return { summary, failure: lookup };
    summary.userLookupForbidden = lookup.value.forbidden;
    summary.unresolved.push(...names.filter((name) => !lookup.value.resolved.has(name)));

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
        if (presence.availability === null || presence.activity === null) summary.presenceNull.push(label);
        if (presence.availability === null) continue;
        summary.availability[presence.availability] = (summary.availability[presence.availability] ?? 0) + 1;
        if (presence.availability === "PresenceUnknown") summary.presenceUnknown.push(label);
    }
    return { summary, failure: lookup.value.forbidden ? forbiddenLookup() : undefined };
}

function forbiddenLookup(): Settled<never> & { ok: false } {
    return { ok: false, gaveUp: false, attempts: 1, diagnosis: diagnoseGraphError("Graph POST /$batch (users by sign-in name)", "userLookup", 403, undefined) };
}
