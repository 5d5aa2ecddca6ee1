// Three ways to read the presence of a roster given by sign-in names, all through the verifier's own Graph
// session (the same client, middleware and retry loop), so they differ only in the requests they send:
// - naive: per agent, GET /users/{name}, then per agent GET /users/{id}/presence (what a first connector
//   writes; one request per agent and step);
// - batch20: the verifier before this change: 20 GET /users/{name} steps per $batch, then
//   getPresencesByUserId with 650 IDs per request;
// - ours: verifier/roster.ts checkAgents (300 names per $batch as 20 `in` filters of 15, 650 IDs per
//   presence request, presence requests paced).
import { z } from "zod";
import type { Handoff } from "../../emulator/index";
import { callGraph, createGraphClient, graphAttempt, SignedInUserTokenProvider, type GraphSession } from "../../verifier/graph";
import { pacePresenceRequests } from "../../verifier/pacing";
import { chunk, readPresences } from "../../verifier/presence";
import { retryUntilSettled } from "../../verifier/retry";
import { checkAgents } from "../../verifier/roster";
import { BenchmarkSetupError } from "../harness";

export interface RosterOutcome {
    /** Agents with a presence read. */
    resolved: number;
    /** Agents per availability, to show that every implementation read the same thing. */
    availability: Record<string, number>;
}

export type RosterStrategy = (session: GraphSession, names: readonly string[]) => Promise<RosterOutcome>;

const TIMEOUT_MS = 30_000;

/** A delegated token for the service user, by the connector's form post (kept apart from verifier/signIn.ts). */
async function passwordToken(url: string, handoff: Handoff): Promise<string> {
    const form = new URLSearchParams({
        grant_type: "password",
        client_id: handoff.applicationClientId,
        client_secret: handoff.secretValue,
        username: handoff.userEmail,
        password: handoff.userPassword,
        scope: `${url}/.default`,
    });
    const response = await fetch(`${url}/${handoff.directoryTenantId}/oauth2/v2.0/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
    const body = (await response.json()) as { access_token?: string; error_codes?: number[] };
    if (!body.access_token) throw new BenchmarkSetupError(`the service user could not sign in (AADSTS${body.error_codes?.[0] ?? "?"}), so there is nothing to measure`);
    return body.access_token;
}

/** The verifier's Graph session as verify.ts builds it (real timers), optionally with presence pacing. */
export async function benchSession(url: string, handoff: Handoff, paced: boolean): Promise<GraphSession> {
    const client = createGraphClient(url, new SignedInUserTokenProvider(await passwordToken(url, handoff)));
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const session: GraphSession = {
        attempt: (spec, remainingMs) => graphAttempt(client, spec, Math.min(remainingMs, TIMEOUT_MS), Date.now),
        retry: (label, attempt) => retryUntilSettled(
            { label, baseMs: 500 },
            { now: Date.now, sleep, random: Math.random, deadlineMs: Date.now() + 600_000, capMs: 10_000, progress: () => undefined },
            attempt,
        ),
    };
    return paced ? pacePresenceRequests(session, { now: Date.now, sleep }) : session;
}

/** Counts like the roster check: every entry is resolved, and a null availability (nullable in Graph's metadata) is counted under none. */
function tally(presences: Iterable<{ availability: string | null }>): RosterOutcome {
    const availability: Record<string, number> = {};
    let resolved = 0;
    for (const p of presences) {
        resolved += 1;
        if (p.availability === null) continue;
        availability[p.availability] = (availability[p.availability] ?? 0) + 1;
    }
    return { resolved, availability };
}

function settledOrThrow<T>(settled: { ok: true; value: T } | { ok: false; diagnosis: { code: string } }, what: string): T {
    if (!settled.ok) throw new BenchmarkSetupError(`${what} failed (${settled.diagnosis.code}), so the benchmark measured a failure`);
    return settled.value;
}

const idSchema = z.object({ id: z.string() });
const presenceSchema = z.object({ availability: z.string().nullable() });
const batchSchema = z.object({ responses: z.array(z.object({ id: z.string(), status: z.number(), body: z.unknown() })) });

export const naive: RosterStrategy = async (session, names) => {
    const ids: string[] = [];
    for (const name of names) {
        const user = settledOrThrow(await callGraph(session, { method: "GET", path: `/users/${encodeURIComponent(name)}?$select=id`, where: "GET /users/{name}", stage: "userLookup" }), "a user look-up");
        ids.push(idSchema.parse(user).id);
    }
    const presences: { availability: string | null }[] = [];
    for (const id of ids) {
        presences.push(presenceSchema.parse(settledOrThrow(await callGraph(session, { method: "GET", path: `/users/${id}/presence`, where: "GET /users/{id}/presence", stage: "presence" }), "a presence read")));
    }
    return tally(presences);
};

export const batch20: RosterStrategy = async (session, names) => {
    const ids: string[] = [];
    for (const part of chunk(names, 20)) {
        const requests = part.map((name, i) => ({ id: String(i + 1), method: "GET", url: `/users/${encodeURIComponent(name)}?$select=id,userPrincipalName` }));
        const batch = batchSchema.parse(settledOrThrow(await callGraph(session, { method: "POST", path: "/$batch", body: { requests }, where: "POST /$batch", stage: "userLookup" }), "a $batch look-up"));
        for (const answer of batch.responses) {
            if (answer.status !== 200) throw new BenchmarkSetupError(`a $batch step answered ${answer.status}, so the benchmark measured a failure`);
            ids.push(idSchema.parse(answer.body).id);
        }
    }
    return tally(settledOrThrow(await readPresences(session, ids), "getPresencesByUserId").values());
};

export const ours: RosterStrategy = async (session, names) => {
    const result = await checkAgents(session, names, Date.now);
    if (result.failure) throw new BenchmarkSetupError(`the roster check failed (${result.failure.diagnosis.code}), so the benchmark measured a failure`);
    return { resolved: result.summary.resolved, availability: result.summary.availability };
};
