// The fleet's status from each stack's NON-secret outputs: a pure function of recorded outputs, thresholds
// and the clock, so the CLI, the scheduled workflow and the tests compute the same thing.
//
// The connector secret column is which client secret the connector really uses (verifier/secretUsage.ts), from
// the credential activity report read with the outputs (cli/status.ts) and saved beside them.
//
// To add a column: name its output in STATUS_OUTPUT_KEYS (the allowlist; a key not listed never reaches a
// report), describe it in `statusOutputsSchema`, and add one entry to COLUMNS. Its JSON key, table header and
// the saved files follow from those. A new threshold is one more check in `problemsOf`.
import { z } from "zod";
import { CLOUD_NAMES } from "../verifier/clouds";
import { classifySecretUsage, DEFAULT_IDLE_HOURS, usageCell, type Classification, type UsageRecord } from "../verifier/secretUsage";

/** The only outputs status reads. `handoff` is never among them: it is secret. */
export const STATUS_OUTPUT_KEYS = [
    "directoryTenantId", "applicationClientId", "secretExpiresAt", "previousSecretExpiresAt", "nextRotationAt", "verification",
    "currentSecretKeyId", "previousSecretKeyId", "cloud",
] as const;

/** Of the `verification` output, only these fields (its status, when and how long, and the canary the credential
 * activity report is judged by: verifier/secretUsage.ts), never the scopes or attempts. */
const VERIFICATION_KEYS = [
    "status", "verifiedAt", "code", "reason", "elapsedMs", "passwordSignInAt", "passwordSignInRequestId", "clientCredentialsRequestId",
] as const;

export interface Thresholds {
    /** A secret expiring within this many days is a problem; 0 turns the check off. */
    secretExpiryDays: number;
    /** A verification older than this many days (or none at all) is a problem; 0 turns the check off. */
    verificationAgeDays: number;
    /** A connector still on an old client secret that expires within this many days is a problem; 0 turns the check off. */
    switchDeadlineDays: number;
    /** A connector that used no client secret for this many hours is `idle`, a problem; 0 turns the check off
     * (the classification then uses DEFAULT_IDLE_HOURS). */
    idleHours: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { secretExpiryDays: 14, verificationAgeDays: 2, switchDeadlineDays: 14, idleHours: DEFAULT_IDLE_HOURS };

const isoDateTime = z.iso.datetime({ offset: true });
const ISO_RULE = "an ISO 8601 date-time such as 2027-05-26T09:00:00.000Z";

/** What `pulumi stack output --json` prints for the allowlisted keys (all optional: a stack may be new). */
export const statusOutputsSchema = z.object({
    directoryTenantId: z.string({ error: () => "directoryTenantId must be a string (the customer's tenant ID)" }).optional(),
    applicationClientId: z.string({ error: () => "applicationClientId must be a string (the app's client ID)" }).optional(),
    secretExpiresAt: isoDateTime.nullish(),
    previousSecretExpiresAt: isoDateTime.nullable().optional(),
    nextRotationAt: isoDateTime.nullish(),
    verification: z.object({
        status: z.string({ error: () => "verification.status must be a string such as verified" }),
        verifiedAt: isoDateTime.optional(),
        code: z.string().optional(),
        reason: z.string().optional(),
        elapsedMs: z.number().int().nonnegative().optional(),
        passwordSignInAt: isoDateTime.optional(),
        passwordSignInRequestId: z.string().optional(),
        clientCredentialsRequestId: z.string().optional(),
    }, { error: () => "verification must be the object the program exports ({\"status\": \"verified\", \"verifiedAt\": ...})" }).optional(),
    currentSecretKeyId: z.string({ error: () => "currentSecretKeyId must be a string (the newest client secret's key ID)" }).nullish(),
    previousSecretKeyId: z.string({ error: () => "previousSecretKeyId must be null or a string (the previous client secret's key ID)" }).nullish(),
    cloud: z.enum(CLOUD_NAMES, { error: () => `cloud must be one of ${CLOUD_NAMES.join(", ")}` }).optional(),
});

export type StatusOutputs = z.infer<typeof statusOutputsSchema>;

/** Recorded outputs are not usable; the message names the source and the key. */
export class StatusOutputsError extends Error {}

/** Keeps the allowlisted keys of `pulumi stack output --json` (anything else, secret or not, is dropped). */
export function pickStatusOutputs(raw: unknown, source: string): Record<string, unknown> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new StatusOutputsError(`${source} must be the JSON object printed by \`pulumi stack output --json\``);
    }
    const record = raw as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const key of STATUS_OUTPUT_KEYS) if (record[key] !== undefined) picked[key] = record[key];
    const verification = record.verification;
    if (verification !== null && typeof verification === "object" && !Array.isArray(verification)) {
        const v = verification as Record<string, unknown>;
        picked.verification = Object.fromEntries(VERIFICATION_KEYS.filter((k) => v[k] !== undefined).map((k) => [k, v[k]]));
    }
    return picked;
}

/** Validates recorded outputs; every message names the source and the key, and quotes no value. */
export function parseStatusOutputs(raw: unknown, source: string): StatusOutputs {
    const picked = pickStatusOutputs(raw, source);
    const result = statusOutputsSchema.safeParse(picked);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        const key = issue.path.join(".");
        const dateKey = ["secretExpiresAt", "previousSecretExpiresAt", "nextRotationAt", "verification.verifiedAt", "verification.passwordSignInAt"].includes(key);
        return dateKey ? `${key} must be ${ISO_RULE}` : issue.message;
    });
    throw new StatusOutputsError(`${source}: ${[...new Set(problems)].join("; ")}`);
}

export type ProblemCode =
    | "unreadable" | "not-deployed" | "secret-expired" | "secret-expiring" | "rotation-overdue" | "never-verified" | "verification-stale"
    | "secret-not-switched" | "connector-idle";

export interface Problem {
    code: ProblemCode;
    message: string;
}

/** One stack's input to the status: its validated outputs (and the credential activity report read for them,
 * when it was), or why they could not be read. */
export type StackSource = { stack: string; outputs: StatusOutputs; usage?: UsageRecord } | { stack: string; error: string };

export interface Column {
    /** Key in the JSON report. */
    key: string;
    /** Header in the table. */
    header: string;
    /** The value for JSON (null when unknown); `usage` is which secret the connector uses, when the report was read. */
    value(outputs: StatusOutputs, usage: Classification | null): string | null;
    /** How the table shows it; the JSON value by default. */
    cell?(outputs: StatusOutputs, usage: Classification | null): string | null;
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);
const minute = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : null);

/**
 * The verification's code. The program records a verification only when it succeeded (a failed one fails the
 * update and the outputs keep the last success), so `verified` means the verifier's `ok`; a recorded `code` wins.
 */
function verificationCode(outputs: StatusOutputs): string | null {
    const v = outputs.verification;
    if (v === undefined) return null;
    return v.code ?? (v.status === "verified" ? "ok" : v.status);
}

export const COLUMNS: readonly Column[] = [
    { key: "tenant", header: "tenant", value: (o) => o.directoryTenantId ?? null },
    { key: "clientId", header: "client ID", value: (o) => o.applicationClientId ?? null },
    { key: "verifiedAt", header: "last verification", value: (o) => o.verification?.verifiedAt ?? null, cell: (o) => minute(o.verification?.verifiedAt) },
    { key: "verificationCode", header: "code", value: verificationCode },
    { key: "secretExpiresAt", header: "secret expires", value: (o) => o.secretExpiresAt ?? null, cell: (o) => day(o.secretExpiresAt) },
    { key: "previousSecretExpiresAt", header: "previous secret valid until", value: (o) => o.previousSecretExpiresAt ?? null, cell: (o) => day(o.previousSecretExpiresAt) },
    { key: "nextRotationAt", header: "next rotation", value: (o) => o.nextRotationAt ?? null, cell: (o) => day(o.nextRotationAt) },
    { key: "connectorSecret", header: "connector secret", value: (_o, u) => u?.kind ?? null, cell: (_o, u) => (u ? usageCell(u) : null) },
];

const DAY_MS = 24 * 60 * 60 * 1000;

function daysBetween(from: number, to: number): number {
    return Math.floor((to - from) / DAY_MS);
}

/** What is wrong with one stack's outputs at `now`, against the thresholds. */
export function problemsOf(outputs: StatusOutputs, thresholds: Thresholds, now: Date): Problem[] {
    const problems: Problem[] = [];
    const at = now.getTime();
    if (!outputs.secretExpiresAt) {
        problems.push({ code: "not-deployed", message: "no secretExpiresAt output: no `pulumi up` of this program has succeeded for the stack yet" });
    } else {
        const expires = Date.parse(outputs.secretExpiresAt);
        if (expires <= at) {
            problems.push({ code: "secret-expired", message: `the client secret expired on ${day(outputs.secretExpiresAt)}: the connector cannot sign in; run \`pulumi up\` and hand over the new secret` });
        } else if (thresholds.secretExpiryDays > 0 && expires - at < thresholds.secretExpiryDays * DAY_MS) {
            problems.push({ code: "secret-expiring", message: `the client secret expires on ${day(outputs.secretExpiresAt)}, within ${thresholds.secretExpiryDays} days: a rotation was missed; run \`pulumi up\`` });
        }
    }
    if (outputs.nextRotationAt && Date.parse(outputs.nextRotationAt) <= at) {
        problems.push({ code: "rotation-overdue", message: `a rotation boundary (${day(outputs.nextRotationAt)}) has passed without a successful \`pulumi up\`: the daily run is failing or not running; its log has the reason` });
    }
    if (thresholds.verificationAgeDays > 0 && outputs.secretExpiresAt) {
        const v = outputs.verification;
        if (v?.verifiedAt === undefined) {
            const why = v?.status === "disabled" ? "verify is false for this stack" : "no verification is recorded";
            problems.push({ code: "never-verified", message: `${why}: nothing proves the connector can sign in` });
        } else {
            const age = daysBetween(Date.parse(v.verifiedAt), at);
            if (at - Date.parse(v.verifiedAt) > thresholds.verificationAgeDays * DAY_MS) {
                problems.push({ code: "verification-stale", message: `the last successful verification was ${age} days ago (more than ${thresholds.verificationAgeDays}): the daily \`pulumi up\` has failed since; its log has the diagnosis code` });
            }
        }
    }
    return problems;
}

/** What the credential activity report says is a problem, against the thresholds. */
export function usageProblems(usage: Classification | null, thresholds: Thresholds, now: Date): Problem[] {
    if (usage?.kind === "not-switched" && thresholds.switchDeadlineDays > 0 && usage.expiresAt !== null
        && Date.parse(usage.expiresAt) - now.getTime() < thresholds.switchDeadlineDays * DAY_MS) {
        const which = usage.slot === "previous" ? "the previous client secret" : "a client secret the stack does not manage";
        const when = Date.parse(usage.expiresAt) <= now.getTime() ? `expired on ${day(usage.expiresAt)}` : `expires on ${day(usage.expiresAt)}, within ${thresholds.switchDeadlineDays} days`;
        return [{ code: "secret-not-switched", message: `the connector still signs in with ${which} (key ID ${usage.keyId}), which ${when}: hand the newest Secret Value over (\`npm run handoff\`, or the Key Vault) and have the connector updated` }];
    }
    if (usage?.kind === "idle" && thresholds.idleHours > 0) {
        const since = usage.silentSince ? `since ${minute(usage.silentSince)}` : "ever";
        return [{ code: "connector-idle", message: `no sign-in by the connector with any of the app's client secrets ${since} (more than ${thresholds.idleHours} hours): is the jtel connector running and configured for this tenant?` }];
    }
    return [];
}

export interface StackStatus {
    stack: string;
    values: Record<string, string | null>;
    cells: Record<string, string | null>;
    problems: Problem[];
    /** Which client secret the connector uses, when the report was read; null otherwise. */
    usage: Classification | null;
}

export interface FleetStatus {
    generatedAt: string;
    thresholds: Thresholds;
    ok: boolean;
    stacks: StackStatus[];
}

export function stackStatus(source: StackSource, thresholds: Thresholds, now: Date): StackStatus {
    if ("error" in source) {
        const empty = Object.fromEntries(COLUMNS.map((c) => [c.key, null]));
        return { stack: source.stack, values: empty, cells: empty, problems: [{ code: "unreadable", message: source.error }], usage: null };
    }
    const { outputs } = source;
    const usage = source.usage ? classifySecretUsage(source.usage, { now, idleHours: thresholds.idleHours || DEFAULT_IDLE_HOURS }) : null;
    return {
        stack: source.stack,
        values: Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(outputs, usage)])),
        cells: Object.fromEntries(COLUMNS.map((c) => [c.key, (c.cell ?? c.value)(outputs, usage)])),
        problems: [...problemsOf(outputs, thresholds, now), ...usageProblems(usage, thresholds, now)],
        usage,
    };
}

/** The whole fleet, stacks in name order; `ok` only when no stack has a problem. */
export function fleetStatus(sources: readonly StackSource[], thresholds: Thresholds, now: Date): FleetStatus {
    const stacks = [...sources].sort((a, b) => a.stack.localeCompare(b.stack)).map((s) => stackStatus(s, thresholds, now));
    return { generatedAt: now.toISOString(), thresholds, ok: stacks.every((s) => s.problems.length === 0), stacks };
}

/** Escapes a cell for a pipe table (the table is both a terminal view and GitHub Markdown). */
function cell(text: string | null): string {
    return text === null || text === "" ? "—" : text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A pipe table, readable in a terminal and rendered by GitHub in a job summary, then one line per problem. */
export function formatTable(status: FleetStatus): string {
    const headers = ["stack", ...COLUMNS.map((c) => c.header), "state"];
    const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
    for (const s of status.stacks) {
        const state = s.problems.length === 0 ? "ok" : s.problems.map((p) => p.code).join(", ");
        lines.push(`| ${[s.stack, ...COLUMNS.map((c) => s.cells[c.key]), state].map(cell).join(" | ")} |`);
    }
    if (status.stacks.length === 0) lines.push("", "No stacks: commit a Pulumi.<stack>.yaml (npm run new-tenant) to add one.");
    const problems = status.stacks.flatMap((s) => s.problems.map((p) => `- \`${s.stack}\` ${p.code}: ${p.message}`));
    const { secretExpiryDays, verificationAgeDays, switchDeadlineDays, idleHours } = status.thresholds;
    const thresholds = `secret expiry ${secretExpiryDays} days, verification age ${verificationAgeDays} days, switch deadline ${switchDeadlineDays} days, connector idle ${idleHours} hours`;
    lines.push("", problems.length === 0
        ? `All ${status.stacks.length} stack(s) within thresholds (${thresholds}) at ${status.generatedAt}.`
        : `${problems.length} problem(s) at ${status.generatedAt} (thresholds: ${thresholds}):`);
    lines.push(...problems);
    // A connector on an old secret before the deadline is not a problem yet, but the handover is pending.
    const pending = status.stacks.filter((s) => s.usage?.kind === "not-switched" && !s.problems.some((p) => p.code === "secret-not-switched"));
    if (pending.length > 0) lines.push("", "Handover pending (within the overlap, not a problem yet):", ...pending.map((s) => `- \`${s.stack}\` ${s.cells.connectorSecret}: the connector still uses an old client secret`));
    return `${lines.join("\n")}\n`;
}

export function formatJson(status: FleetStatus): string {
    const stacks = status.stacks.map((s) => ({ stack: s.stack, ...s.values, secretUsage: s.usage, problems: s.problems }));
    return `${JSON.stringify({ generatedAt: status.generatedAt, thresholds: status.thresholds, ok: status.ok, stacks }, null, 2)}\n`;
}
