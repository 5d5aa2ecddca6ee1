import type { Handoff } from "../handoff/types";
import { remedyFor, diagnoseMissingScopes, type Diagnosis } from "./diagnosis";
import { cloudProfile, passwordAttemptRange, passwordAttemptsProblem, type CloudName } from "./clouds";
import { resolveEndpoints } from "./endpoints";
import { createGraphClient, graphAttempt, SignedInUserTokenProvider, type GraphSession } from "./graph";
import { pacePresenceRequests } from "./pacing";
import { noTeamsPresenceNote, readServiceUserPresence } from "./presence";
import { redact } from "./redact";
import type { VerificationAttempts, VerificationReport, VerifyOptions } from "./report";
import { retryUntilSettled, type AttemptOutcome, type ChangedAt, type GiveUpReason, type RetryRuntime, type Settled } from "./retry";
import { checkAgents, type AgentSummary } from "./roster";
import { DEFAULT_EXPECTED_SCOPES, grantedScopes, missingScopes } from "./scopes";
import { serviceUserObjectId } from "./serviceUser";
import { GRANT_LABELS, requestToken, type TokenEndpoint } from "./signIn";

// The password budget. Smart lockout locks an account after 10 failed sign-ins in the global service and 21Vianet
// and after 3 in US Government tenants, and a tenant with Entra ID P1 may set fewer (Entra docs, "Protect user
// accounts from attacks with Microsoft Entra smart lockout"). Each cloud's default budget stays below its threshold
// (verifier/clouds.ts: 5 of 10, 2 of 3); a stricter tenant lowers it with `verifyPasswordAttempts` (npm run verify:
// --password-attempts), never to the threshold. Smart lockout does not count a repeat of the same wrong password (it
// remembers the last three bad password hashes), and the verifier always sends the same one, so a wrong password
// usually counts once however often it is sent. The budget does not rely on that: hash tracking is off with
// pass-through authentication, the count allowed varies slightly between datacenters, and the connector's own
// failures with an older password count towards the same threshold.
const DEFAULT_TIMEOUT_SECONDS = 600;
const DEFAULT_MAX_WAIT_SECONDS = 10;
// The client-credentials check is free, so it may retry quickly. Password attempts are scarce: they wait
// close to the cap every time (no herd to spread, so little jitter), so the global service's five span the
// ~30 s that new consent or a new user takes to replicate instead of being spent in the first few seconds.
// US Government's two span one wait: consent that lags the app and secret by more ends with the budget.
const CLIENT_CREDENTIALS_BASE_MS = 500;
const PASSWORD_BASE_MS = 10_000;
const PASSWORD_MIN_FRACTION = 0.75;
const GRAPH_BASE_MS = 500;
// The client-credentials check is what waits out the replication of a new app and secret, so its waits
// stay within a fifth of the time spent so far: verified by 1.2 x the delay (+ one base wait), where
// doubling up to the 10 s cap overshot a 5 s delay by up to 7 s (`npm run bench`, time to verified).
const CLIENT_CREDENTIALS_WAIT_SHARE = 0.2;
const CLIENT_CREDENTIALS_MIN_FRACTION = 0.5;
// A connection that hangs is abandoned and retried rather than allowed to eat the whole timeout.
const REQUEST_TIMEOUT_MS = 30_000;

function requestBudget(remainingMs: number): number {
    return Math.min(remainingMs, REQUEST_TIMEOUT_MS);
}

/** For a verification right after its setup was provisioned (inside `pulumi up`, or npm run verify --fresh). */
export const JUST_PROVISIONED: Readonly<ChangedAt> = { secret: "now", app: "now", user: "now" };

interface Settings {
    cloud: CloudName;
    changedAt?: ChangedAt;
    endpoint: TokenEndpoint;
    expectedScopes: readonly string[];
    agents?: readonly string[];
    timeoutMs: number;
    capMs: number;
    maxPasswordAttempts: number;
    clock: () => number;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new RangeError(`${name} must be a ${allowZero ? "non-negative" : "positive"} number of seconds, got ${value}`);
    return value;
}

/** Option mistakes are programming errors and throw; nothing tenant-side does. */
export function settingsFrom(options: VerifyOptions): Settings {
    const endpoint = resolveEndpoints(options);
    const cloud = options.cloud ?? "public";
    const maxPasswordAttempts = options.maxPasswordAttempts ?? passwordAttemptRange(cloud).default;
    const budgetProblem = passwordAttemptsProblem("maxPasswordAttempts", maxPasswordAttempts, cloud);
    if (budgetProblem) throw new RangeError(budgetProblem);
    return {
        cloud,
        ...(options.changedAt ? { changedAt: { ...options.changedAt } } : {}),
        endpoint,
        expectedScopes: options.expectedScopes ?? DEFAULT_EXPECTED_SCOPES,
        agents: options.agents,
        timeoutMs: positive("timeoutSeconds", options.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS) * 1000,
        capMs: positive("maxWaitSeconds", options.maxWaitSeconds, DEFAULT_MAX_WAIT_SECONDS, true) * 1000,
        maxPasswordAttempts,
        clock: options.clock ?? Date.now,
        sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        random: options.random ?? Math.random,
    };
}

function giveUpText(reason: GiveUpReason, passwordAttempts: number, cloud: CloudName): string {
    switch (reason) {
        case "deadline":
            return "The error stayed transient until the timeout, so the verifier gave up.";
        case "retry_after_beyond_cap":
            return "The server asked to wait longer than maxWaitSeconds, so the verifier gave up.";
        case "attempt_budget":
            return `The verifier stopped after ${passwordAttempts} password attempts, the budget in cloud ${cloud} (smart lockout locks an account there after ${cloudProfile(cloud).lockoutThreshold} failed sign-ins by default).`;
    }
}

/**
 * Proves the five handoff values work: checks the app and secret with client credentials (free to retry),
 * signs in with the password like the jtel connector (within the cloud's password budget), checks the consented scopes
 * and reads presence through Microsoft Graph. Tenant-side failures end up in the report, never thrown.
 */
export async function verifyPresenceAccess(handoff: Handoff, options: VerifyOptions): Promise<VerificationReport> {
    const secrets: (string | undefined)[] = [handoff.secretValue, handoff.userPassword];
    try {
        return await run(handoff, settingsFrom(options), options.onProgress, secrets);
    } catch (error) {
        // A bug or misuse, not a tenant-side failure; rethrow without `cause`, which may hold a request body.
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // eslint-disable-next-line preserve-caught-error -- the cause may hold a request body with the secret
        throw new Error(redact(text, secrets));
    }
}

async function run(
    handoff: Handoff,
    settings: Settings,
    onProgress: ((line: string) => void) | undefined,
    secrets: (string | undefined)[],
): Promise<VerificationReport> {
    const { clock, endpoint } = settings;
    const started = clock();
    const attempts: VerificationAttempts = { clientCredentials: 0, password: 0, graph: 0 };
    const progress = (line: string): void => onProgress?.(redact(line, secrets));
    const runtime: RetryRuntime = {
        now: clock,
        sleep: settings.sleep,
        random: settings.random,
        deadlineMs: started + settings.timeoutMs,
        capMs: settings.capMs,
        progress,
        startedMs: started,
        ...(settings.changedAt ? { changedAt: settings.changedAt } : {}),
    };
    const partial: Partial<VerificationReport> = { grantedScopes: [] };

    const finish = (diagnosis: Diagnosis | undefined, gaveUp: GiveUpReason | undefined, message?: string): VerificationReport => {
        const ended = clock();
        const code = diagnosis?.code ?? "ok";
        const text = message ?? diagnosis?.message ?? "";
        return {
            ok: diagnosis === undefined,
            code,
            ...(diagnosis?.aadsts !== undefined ? { aadsts: diagnosis.aadsts } : {}),
            message: redact(gaveUp ? `${text} ${giveUpText(gaveUp, attempts.password, settings.cloud)}` : text, secrets),
            remedy: remedyFor(code),
            transient: diagnosis?.transient ?? false,
            gaveUp: gaveUp !== undefined,
            ...(diagnosis?.missingScopes ? { missingScopes: diagnosis.missingScopes } : {}),
            grantedScopes: partial.grantedScopes ?? [],
            ...pick(partial),
            attempts: { ...attempts },
            elapsedMs: Math.max(0, ended - started),
            verifiedAt: new Date(ended).toISOString(),
        };
    };
    const failed = (settled: Settled<unknown> & { ok: false }): VerificationReport => {
        progress(`${settled.diagnosis.code}: ${settled.diagnosis.message}`);
        return finish(settled.diagnosis, settled.gaveUp ? (settled.reason ?? "deadline") : undefined);
    };

    progress(`${GRANT_LABELS.client_credentials}: ${endpoint.authorityHost}/${handoff.directoryTenantId}`);
    const app = await retryUntilSettled({ label: GRANT_LABELS.client_credentials, baseMs: CLIENT_CREDENTIALS_BASE_MS, maxWaitShare: CLIENT_CREDENTIALS_WAIT_SHARE, minFraction: CLIENT_CREDENTIALS_MIN_FRACTION }, runtime, async (remainingMs) => {
        attempts.clientCredentials += 1;
        return secretIdCheck(await requestToken("client_credentials", handoff, endpoint, requestBudget(remainingMs), clock), handoff.secretValue);
    });
    if (!app.ok) return failed(app);
    secrets.push(app.value.accessToken);
    if (app.value.requestId) partial.clientCredentialsRequestId = app.value.requestId;

    progress(`${GRANT_LABELS.password}: ${handoff.userEmail}`);
    const user = await retryUntilSettled(
        { label: GRANT_LABELS.password, baseMs: PASSWORD_BASE_MS, maxAttempts: settings.maxPasswordAttempts, minFraction: PASSWORD_MIN_FRACTION },
        runtime,
        (remainingMs) => {
            attempts.password += 1;
            return requestToken("password", handoff, endpoint, requestBudget(remainingMs), clock);
        },
    );
    if (!user.ok) return failed(user);
    const token = user.value.accessToken;
    secrets.push(token);
    partial.passwordSignInAt = new Date(user.value.sentAt).toISOString();
    if (user.value.requestId) partial.passwordSignInRequestId = user.value.requestId;

    partial.grantedScopes = grantedScopes(token, user.value.scope);
    progress(`Granted delegated permissions: ${partial.grantedScopes.join(" ") || "none"}`);
    const missing = missingScopes(settings.expectedScopes, partial.grantedScopes);
    if (missing.length > 0) return finish(diagnoseMissingScopes(missing, partial.grantedScopes), undefined);

    const client = createGraphClient(endpoint.graphEndpoint, new SignedInUserTokenProvider(token));
    const session: GraphSession = pacePresenceRequests({
        attempt: (spec, remainingMs) => {
            attempts.graph += 1;
            return graphAttempt(client, spec, requestBudget(remainingMs), clock);
        },
        retry: (label, attempt) => retryUntilSettled({ label, baseMs: GRAPH_BASE_MS }, runtime, attempt),
    }, { now: clock, sleep: settings.sleep });

    // The connector reads presence by object ID (getPresencesByUserId), so that is the call to prove. The
    // service user's own presence is information only: the connector never reads it, and a service user
    // without a Teams licence (the seed guide assigns none) has no Teams presence.
    const self = await serviceUserObjectId(session, token);
    if (!self.ok) return failed(self);
    partial.serviceUserObjectId = self.value.id;
    const own = await readServiceUserPresence(session, self.value.id);
    if (!own.ok) return failed(own);
    partial.serviceUserPresence = own.value.outcome;
    let readText = "Microsoft Graph answered the connector's presence request by object ID";
    if (own.value.presence) {
        const { availability, activity } = own.value.presence;
        partial.availability = availability;
        if (activity !== null) partial.activity = activity;
        progress(`Service user presence: ${availability}${activity ? ` / ${activity}` : ""}`);
        if (own.value.outcome === "read") readText = `read presence by object ID (service user: ${availability}${activity ? ` / ${activity}` : ""})`;
    }
    const hasAgents = settings.agents !== undefined && settings.agents.length > 0;
    const notes = own.value.outcome === "read" ? [] : [noTeamsPresenceNote(own.value.outcome)];
    if (notes.length > 0 && !hasAgents) notes.push("List agents in verifyAgents (npm run verify: --agents) to prove that a Teams user's presence can be read.");
    for (const note of notes) progress(`Note: ${note}`);
    partial.notes = notes;

    let agentText = "";
    if (settings.agents && hasAgents) {
        const roster = await checkAgents(session, settings.agents, clock);
        partial.agents = roster.summary;
        progress(`Agents: ${describeAgents(roster.summary)}`);
        if (roster.failure) return failed(roster.failure);
        agentText = ` Agents: ${describeAgents(roster.summary)}.`;
    }

    return finish(
        undefined,
        undefined,
        `Signed in as ${handoff.userEmail} the way the jtel connector does and ${readText}.${agentText}${notes.map((n) => ` ${n}`).join("")}`,
    );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * AADSTS7000215 is transient for a new secret, but a GUID-shaped secretValue is the secret's ID (values
 * are never GUIDs), which no amount of waiting fixes; say so now instead of at the timeout.
 */
export function secretIdCheck<T>(outcome: AttemptOutcome<T>, secretValue: string): AttemptOutcome<T> {
    if (outcome.ok || outcome.diagnosis.aadsts !== 7000215 || !GUID.test(secretValue.trim())) return outcome;
    return {
        ok: false,
        diagnosis: {
            ...outcome.diagnosis,
            transient: false,
            message: `${outcome.diagnosis.message} The secretValue handed over is a GUID, which is what a Secret ID looks like; the secret's Value is a longer string.`,
        },
    };
}

function pick(partial: Partial<VerificationReport>): Partial<VerificationReport> {
    const out: Partial<VerificationReport> = {};
    if (partial.availability !== undefined) out.availability = partial.availability;
    if (partial.activity !== undefined) out.activity = partial.activity;
    if (partial.serviceUserObjectId !== undefined) out.serviceUserObjectId = partial.serviceUserObjectId;
    if (partial.serviceUserPresence !== undefined) out.serviceUserPresence = partial.serviceUserPresence;
    if (partial.notes !== undefined && partial.notes.length > 0) out.notes = partial.notes;
    if (partial.agents !== undefined) out.agents = partial.agents;
    if (partial.passwordSignInAt !== undefined) out.passwordSignInAt = partial.passwordSignInAt;
    if (partial.passwordSignInRequestId !== undefined) out.passwordSignInRequestId = partial.passwordSignInRequestId;
    if (partial.clientCredentialsRequestId !== undefined) out.clientCredentialsRequestId = partial.clientCredentialsRequestId;
    return out;
}

export function describeAgents(summary: AgentSummary): string {
    const parts = [`${summary.requested} requested`, `${summary.resolved} resolved`];
    if (summary.unresolved.length > 0) parts.push(`${summary.unresolved.length} unresolved (${summary.unresolved.join(", ")})`);
    if (summary.presenceUnknown.length > 0) parts.push(`${summary.presenceUnknown.length} PresenceUnknown, likely without a Teams licence (${summary.presenceUnknown.join(", ")})`);
    if (summary.presenceNull.length > 0) parts.push(`${summary.presenceNull.length} answered with a null availability or activity (${summary.presenceNull.join(", ")})`);
    if (summary.userLookupForbidden) parts.push("sign-in names could not be looked up (User.ReadBasic.All missing)");
    return parts.join(", ");
}
