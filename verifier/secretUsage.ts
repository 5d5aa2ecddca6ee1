// Which client secret the jtel connector really uses: Microsoft Graph's application credential activity report
// (GET /beta/reports/appCredentialSignInActivities, one entry per credential with its last sign-in) joined with
// the stack's two secret slots. Pure: the report as read, the stack's key IDs and the clock come in, a
// classification comes out, so the CLIs, the saved status files and the tests all decide the same way.
//
// Decisions (README "Which secret the connector uses" says the same for operators):
// - A credential's last use is the latest of signInActivity's lastSignInDateTime, lastNonInteractiveSignInDateTime
//   and lastSuccessfulSignInDateTime (the beta metadata's signInActivity complex type, microsoftgraph/
//   msgraph-metadata schemas/type-mappings/beta-complex-types.json); the report documents it as "the sign-in
//   activity of the credential across all flows" (api-reference/beta/resources/appcredentialsigninactivity.md).
// - The post-deploy verification signs in with the newest secret during every `pulumi up`, before anyone has
//   handed that secret over ("used before the handover"). A use of the newest secret inside the last
//   verification's window is therefore never counted as the connector's; it hides whatever the connector did
//   with that secret before it, so right after an `up` the answer can be `unknown` (verification-masked).
// - The verification never uses an older secret, so any use of one is the connector's (or another client's
//   holding the old value). Every client secret of the app other than the newest counts as old: the previous
//   slot, and a hand-made secret kept from an adopted setup.
// - Both used since the handover: the one used last decides. A connector that switched stops using the old
//   secret; one still using it after its last use of the newest is `not-switched` (a second client with the old
//   value, or a switch not finished), because the old secret's expiry would break it.
// - No previous secret (first deployment, or the previous one expired): `switched` once the connector uses the
//   newest secret, `idle` while nothing uses it.
// - The connector signs in at least once an hour while it runs (access tokens live 60-90 minutes), so a silence
//   of `idleHours` means it is not running or not configured for this tenant.
// - The verification is a canary. Microsoft documents the report as the credential's activity "across all flows",
//   not whether a delegated ROPC sign-in that authenticates the client with its secret is recorded, nor how fast
//   (a user's signInActivity "might take up to 24 hours to update", MicrosoftDocs/entra-docs docs/identity/
//   monitoring-health/howto-manage-inactive-user-accounts.md). Every verification makes exactly that sign-in with
//   the newest secret and the outputs record when (`verification.passwordSignInAt`) and its request ID. The report
//   shows it when the newest secret's entry carries that request ID, or a use at or after the sign-in (less the
//   clock slack) that is not the verification's own client-credentials check (known by its request ID: seconds
//   earlier, it falls in the same window), or any use after the verification ended. Until it does, `idle` is
//   `unknown` (not-recorded-yet): the report lags behind a sign-in that happened. So are entries none of which
//   is one of the stack's secrets (otherwise `malformed`): right after an adoption the connector still uses the
//   hand-made secret, and a lagging report does not list the new one yet. CANARY_GRACE_HOURS after the
//   sign-in without it, the report does not record these sign-ins in this tenant (or lags more than that), and
//   every classification is `unknown` (not-recording): silence in such a report proves nothing. Without a
//   recorded password sign-in (verify off, outputs from before this version) there is no canary and the rules
//   above apply alone.
// - The canary composes with the verification's masking: a report that shows the verification's sign-in may still
//   hide the connector's behind it (verification-masked); one that does not show it cannot be read at all.
import { z } from "zod";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const USAGE_KINDS = ["switched", "not-switched", "idle", "unknown"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** Why a classification is `unknown`. Stable codes: the status JSON and the tests use them. */
export const UNKNOWN_REASONS = [
    "sovereign-cloud", "no-credential", "permission", "licence", "not-available", "unreachable", "malformed",
    "no-key-ids", "verification-masked", "not-recorded-yet", "not-recording",
] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

/** Reasons that come from the stack's outputs or the timing, never from reading the report. */
const JUDGED_REASONS = ["no-key-ids", "verification-masked", "not-recorded-yet", "not-recording"] as const;

/** Reasons the report itself can be unavailable (the others come from the stack's outputs or the timing). */
export type UnavailableReason = Exclude<UnknownReason, (typeof JUDGED_REASONS)[number]>;

/** Hours after the verification's password sign-in by which the report must show it (see the decisions above):
 * over three times the 6 hours within which Microsoft says sign-ins typically reach signInActivity ("Typically,
 * sign-ins show up in the related sign-in report within 6 hours", the entra-docs page cited above), and short
 * enough that the daily run, which reads the report about 24 hours after the previous day's verification, gets a
 * verdict. A report slower than that reads `not-recording`, never a failure. */
export const CANARY_GRACE_HOURS = 20;

/** One client secret's activity as the report gives it. */
export interface CredentialActivity {
    /** The credential's key ID (a passwordCredential's keyId, the ApplicationPassword's keyId output). */
    keyId: string;
    /** Its last use in any flow (ISO 8601), or null when the report shows none. */
    lastUsedAt: string | null;
    /** Its expirationDateTime (ISO 8601), or null when the report leaves it out. */
    expiresAt: string | null;
    /** The request IDs signInActivity gives for its last uses (lastSignInRequestId and its siblings), when any. */
    requestIds?: string[];
}

/** The report for one app: its client secrets, or why it could not be read. */
export type ActivityReport =
    | { available: true; credentials: CredentialActivity[] }
    | { available: false; reason: UnavailableReason; message: string };

/** The `verification` stack output's fields the report is judged against. */
export interface VerificationRecord {
    verifiedAt: string;
    elapsedMs?: number;
    /** When its password (ROPC) sign-in with the newest secret was sent: the canary. */
    passwordSignInAt?: string;
    /** That sign-in's request ID, and the client-credentials check's (the same secret, seconds earlier). */
    passwordSignInRequestId?: string;
    clientCredentialsRequestId?: string;
}

/** What is recorded when the report is read: the report and the stack's state it is judged against. */
export interface UsageRecord {
    /** When the report was read (ISO 8601). */
    readAt: string;
    /** The newest secret's key ID (stack output `currentSecretKeyId`), or null on a stack deployed before it existed. */
    currentSecretKeyId: string | null;
    /** The previous secret's key ID (stack output `previousSecretKeyId`), or null when there is none. */
    previousSecretKeyId: string | null;
    /** When the previous secret stops working (stack output `previousSecretExpiresAt`), or null. */
    previousSecretExpiresAt: string | null;
    /** The last successful post-deploy verification before the read: its own sign-ins use the newest secret. */
    verification: VerificationRecord | null;
    report: ActivityReport;
}

export type Classification =
    | { kind: "switched"; keyId: string; lastUsedAt: string }
    | {
        kind: "not-switched";
        /** The old secret the connector used last. */
        keyId: string;
        /** `previous` for the stack's previous slot, `other` for a secret the stack does not manage. */
        slot: "previous" | "other";
        lastUsedAt: string;
        /** When that secret stops working, or null when neither the report nor the outputs say. */
        expiresAt: string | null;
        /** Whole days from `now` until it expires (negative once expired), or null. */
        daysLeft: number | null;
        /** When the connector last used the newest secret, if it did (both used since the handover). */
        newestUsedAt: string | null;
    }
    | {
        kind: "idle";
        /** The connector's last known use of any of the app's secrets, or null when the report shows none. */
        lastUsedAt: string | null;
        /** The instant since which no use by the connector is seen. */
        silentSince: string | null;
    }
    | { kind: "unknown"; reason: UnknownReason; message: string };

export interface ClassifyOptions {
    /** The instant the days left are counted from. */
    now: Date;
    /** Hours without any use by the connector that make the tenant `idle`; at least 1. */
    idleHours: number;
}

export const DEFAULT_IDLE_HOURS = 12;

/** Clock skew between the machine that ran the verification and Entra ID's sign-in log. */
const VERIFICATION_SLACK_MS = 2 * 60 * 1000;
/** The longest a verification may run (verifyTimeoutSeconds' upper bound), when its duration is not recorded. */
const LONGEST_VERIFICATION_MS = 3600 * 1000;

const MESSAGES: Record<UnknownReason, string> = {
    "sovereign-cloud": "Microsoft Graph serves the application credential activity report in the global service only (not in US Government or China clouds), so no request was made",
    "no-credential": "no Microsoft Graph token for the deployer: sign in with `az login --tenant <tenant ID>` (the workflow signs in with OIDC)",
    permission: "the deployer may not read the report: grant its service principal the Microsoft Graph application permission AuditLog.Read.All, or give a signed-in user the Reports Reader role",
    licence: "the tenant has no Microsoft Entra ID P1 or P2 licence, which the sign-in activity reports need",
    "not-available": "Microsoft Graph does not serve the beta report here (it may have changed)",
    unreachable: "Microsoft Graph could not be reached or kept failing",
    malformed: "Microsoft Graph's answer was not the report this tool knows",
    "no-key-ids": "the stack's outputs have no currentSecretKeyId: run `pulumi up` with this version to export the secrets' key IDs",
    "verification-masked": "the newest secret's last use was the post-deploy verification's own sign-in, which hides the connector's; read the report again a few hours after `pulumi up` (the daily workflow reads it before its up)",
    "not-recorded-yet": "the credential activity report does not show the post-deploy verification's own password sign-in with the newest client secret yet, so its silence says nothing about the connector: read it again later",
    "not-recording": `the credential activity report does not show the post-deploy verification's own password sign-in with the newest client secret ${CANARY_GRACE_HOURS} hours later, so it does not record the connector's kind of sign-in in this tenant and its silence proves nothing: check the sign-in logs by hand`,
};

/** The default explanation for an unknown reason; readers add the detail they know. */
export function unknownMessage(reason: UnknownReason): string {
    return MESSAGES[reason];
}

function unknown(reason: UnknownReason, message = MESSAGES[reason]): Classification {
    return { kind: "unknown", reason, message };
}

const at = (iso: string | null | undefined): number | undefined => {
    if (!iso) return undefined;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? undefined : ms;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** The interval in which the newest secret's use may be the verification's own sign-in. */
function verificationWindow(verification: UsageRecord["verification"]): { start: number; end: number } | undefined {
    const end = at(verification?.verifiedAt);
    if (end === undefined) return undefined;
    const elapsed = verification?.elapsedMs ?? LONGEST_VERIFICATION_MS;
    return { start: end - elapsed - VERIFICATION_SLACK_MS, end: end + VERIFICATION_SLACK_MS };
}

/** Whether the report shows the last verification's password sign-in with the newest secret; see the decisions. */
export type Canary =
    | { state: "none" | "seen" }
    | { state: "pending" | "missing"; signInAt: string; keyId: string; lastUsedAt: string | null; clientCredentialsOnly: boolean };

const lower = (id: string): string => id.toLowerCase();

/** Pure: the canary for the newest secret's entry in the report (undefined when the report does not list it). */
export function verificationCanary(record: UsageRecord, newest: CredentialActivity | undefined, readAt: number): Canary {
    const v = record.verification;
    const signInAt = at(v?.passwordSignInAt);
    if (!v || signInAt === undefined || !record.currentSecretKeyId) return { state: "none" };
    const ids = (newest?.requestIds ?? []).map(lower);
    if (v.passwordSignInRequestId && ids.includes(lower(v.passwordSignInRequestId))) return { state: "seen" };
    const clientCredentialsOnly = v.clientCredentialsRequestId !== undefined && ids.includes(lower(v.clientCredentialsRequestId));
    const lastUse = at(newest?.lastUsedAt);
    const window = verificationWindow(v);
    if (lastUse !== undefined && window !== undefined && lastUse > window.end) return { state: "seen" };
    if (lastUse !== undefined && lastUse >= signInAt - VERIFICATION_SLACK_MS && !clientCredentialsOnly) return { state: "seen" };
    return {
        state: readAt - signInAt >= CANARY_GRACE_HOURS * HOUR_MS ? "missing" : "pending",
        signInAt: iso(signInAt),
        keyId: record.currentSecretKeyId,
        lastUsedAt: lastUse === undefined ? null : iso(lastUse),
        clientCredentialsOnly,
    };
}

function notShown(canary: Extract<Canary, { state: "pending" | "missing" }>, readAt: number): string {
    const sign = `the credential activity report does not show the post-deploy verification's own password sign-in of ${minute(canary.signInAt)}`;
    if (canary.state === "pending") {
        return `${sign} yet, so its silence says nothing about the connector: read it again later (the daily run reads it about a day after each verification); ` +
            `without that sign-in ${CANARY_GRACE_HOURS} hours after it, the reason becomes not-recording`;
    }
    const shown = canary.clientCredentialsOnly
        ? "it shows only the verification's client-credentials check, seconds before"
        : canary.lastUsedAt === null ? "it shows no use of that secret" : `that secret's last use it shows is ${minute(canary.lastUsedAt)}`;
    const hours = Math.floor((readAt - Date.parse(canary.signInAt)) / HOUR_MS);
    return `${sign} with the newest client secret (key ID ${canary.keyId}) ${hours} hours later (${shown}), so it does not record the connector's kind of ` +
        `sign-in (ROPC with a client secret) in this tenant, or lags more than ${CANARY_GRACE_HOURS} hours: its silence proves nothing. ` +
        "Whether the connector signs in, and with which secret, check the sign-in logs by hand: Microsoft Entra admin center, Sign-in logs, user sign-ins " +
        "(interactive and non-interactive) filtered by the Application (client) ID";
}

/** Decides which secret the connector uses; see the decisions at the top of this file. */
export function classifySecretUsage(record: UsageRecord, options: ClassifyOptions): Classification {
    if (!Number.isFinite(options.idleHours) || options.idleHours < 1) throw new RangeError(`idleHours ${options.idleHours} must be at least 1`);
    const { report } = record;
    if (!report.available) return unknown(report.reason, report.message);
    if (!record.currentSecretKeyId) return unknown("no-key-ids");
    const readAt = at(record.readAt);
    if (readAt === undefined) throw new RangeError(`readAt "${record.readAt}" is not a date-time`);

    // Key IDs are GUIDs; Graph does not promise their case.
    const newestKey = record.currentSecretKeyId.toLowerCase();
    const known = [newestKey, record.previousSecretKeyId?.toLowerCase()];
    const newest = report.credentials.find((c) => c.keyId.toLowerCase() === newestKey);
    const canary = verificationCanary(record, newest, readAt);
    if (report.credentials.length > 0 && !report.credentials.some((c) => known.includes(c.keyId.toLowerCase()))) {
        // A report lagging behind the last verification may not list its secret yet: right after an adoption it
        // shows only the hand-made secret the connector still uses. Only once it should show that sign-in do
        // entries without one of the stack's secrets mean a shape this reader misplaces.
        if (canary.state === "pending") return unknown("not-recorded-yet", notShown(canary, readAt));
        // Entries, but not one the stack manages: a report in a shape this reader misplaces, not silence.
        return unknown("malformed", `${MESSAGES.malformed}: it lists ${report.credentials.length} client secret${report.credentials.length === 1 ? "" : "s"} for the app, none with the stack's key IDs (currentSecretKeyId, previousSecretKeyId)`);
    }
    if (canary.state === "missing") return unknown("not-recording", notShown(canary, readAt));
    const byUse = classifyByUse(record, record.currentSecretKeyId, report.credentials, newest, readAt, options);
    if (canary.state === "pending" && byUse.kind === "idle") return unknown("not-recorded-yet", notShown(canary, readAt));
    return byUse;
}

/** The classification from the uses alone, once the report is known to record them. */
function classifyByUse(
    record: UsageRecord, currentSecretKeyId: string, credentials: CredentialActivity[], newest: CredentialActivity | undefined, readAt: number, options: ClassifyOptions,
): Classification {
    const newestKey = currentSecretKeyId.toLowerCase();
    let old: { credential: CredentialActivity; usedAt: number } | undefined;
    for (const credential of credentials) {
        const usedAt = at(credential.lastUsedAt);
        if (credential.keyId.toLowerCase() === newestKey || usedAt === undefined) continue;
        if (!old || usedAt > old.usedAt) old = { credential, usedAt };
    }

    const newestUse = at(newest?.lastUsedAt);
    const window = verificationWindow(record.verification);
    const masked = newestUse !== undefined && window !== undefined && newestUse >= window.start && newestUse <= window.end;
    const connectorNewestUse = masked ? undefined : newestUse;
    // The latest moment the connector may have used the newest secret, as far as the report can tell.
    const newestBound = connectorNewestUse ?? (masked && window ? window.end : -Infinity);
    const idleMs = options.idleHours * HOUR_MS;

    if (old && old.usedAt > newestBound) {
        if (readAt - old.usedAt > idleMs) return { kind: "idle", lastUsedAt: iso(old.usedAt), silentSince: iso(old.usedAt) };
        const isPrevious = record.previousSecretKeyId !== null && old.credential.keyId.toLowerCase() === record.previousSecretKeyId.toLowerCase();
        const expiresAt = old.credential.expiresAt ?? (isPrevious ? record.previousSecretExpiresAt : null);
        const expires = at(expiresAt);
        return {
            kind: "not-switched",
            keyId: old.credential.keyId,
            slot: isPrevious ? "previous" : "other",
            lastUsedAt: iso(old.usedAt),
            expiresAt: expires === undefined ? null : iso(expires),
            daysLeft: expires === undefined ? null : Math.floor((expires - options.now.getTime()) / DAY_MS),
            newestUsedAt: connectorNewestUse === undefined ? null : iso(connectorNewestUse),
        };
    }
    if (connectorNewestUse !== undefined) {
        return readAt - connectorNewestUse <= idleMs
            ? { kind: "switched", keyId: currentSecretKeyId, lastUsedAt: iso(connectorNewestUse) }
            : { kind: "idle", lastUsedAt: iso(connectorNewestUse), silentSince: iso(connectorNewestUse) };
    }
    if (masked && window) {
        // Neither secret was used by the connector after the verification; only time tells whether it was before.
        if (readAt - window.end >= idleMs) return { kind: "idle", lastUsedAt: old ? iso(old.usedAt) : null, silentSince: iso(window.end) };
        return unknown("verification-masked");
    }
    return { kind: "idle", lastUsedAt: null, silentSince: null };
}

const day = (isoText: string | null): string => (isoText ? isoText.slice(0, 10) : "—");
const minute = (isoText: string | null): string => (isoText ? `${isoText.slice(0, 10)} ${isoText.slice(11, 16)} UTC` : "never");

/** A short cell for tables: `switched`, `not-switched (12 days left)`, `idle`, `unknown (licence)`. */
export function usageCell(c: Classification): string {
    switch (c.kind) {
        case "switched":
            return "switched";
        case "not-switched":
            if (c.daysLeft === null) return "not-switched";
            return c.daysLeft < 0 ? "not-switched (expired)" : `not-switched (${c.daysLeft} days left)`;
        case "idle":
            return c.silentSince ? `idle since ${day(c.silentSince)}` : "idle (never used)";
        case "unknown":
            return `unknown (${c.reason})`;
    }
}

/** One sentence for people: what the connector uses and, where something is to do, what. `handoffCommand`
 * names how to print the newest Secret Value for this stack. */
export function describeUsage(c: Classification, handoffCommand = "npm run handoff"): string {
    switch (c.kind) {
        case "switched":
            return `The connector uses the newest client secret (key ID ${c.keyId}); last sign-in ${minute(c.lastUsedAt)}.`;
        case "not-switched": {
            const which = c.slot === "previous" ? "the previous client secret" : "a client secret this stack does not manage";
            const until = c.expiresAt === null
                ? "before it expires"
                : c.daysLeft !== null && c.daysLeft < 0
                    ? `now: it expired on ${day(c.expiresAt)}, so the connector cannot sign in`
                    : `before ${day(c.expiresAt)} (${c.daysLeft} days left), when it stops working`;
            const both = c.newestUsedAt ? ` The newest secret was used too (${minute(c.newestUsedAt)}): a second client, or a switch not finished.` : "";
            return `The connector still signs in with ${which} (key ID ${c.keyId}; last sign-in ${minute(c.lastUsedAt)}).${both} ` +
                `Hand the newest Secret Value to the jtel contact (\`${handoffCommand}\`, or the Key Vault) and have the connector updated ${until}.`;
        }
        case "idle":
            return c.silentSince
                ? `No sign-in by the connector with any of the app's client secrets since ${minute(c.silentSince)}: is the jtel connector running and configured for this tenant? Check its log.`
                : "No sign-in with any of the app's client secrets is recorded: the jtel connector has not used this app yet. Is it configured with the handoff values?";
        case "unknown":
            return `Which client secret the connector uses is unknown: ${c.message}.`;
    }
}

const isoDateTime = z.iso.datetime({ offset: true });

const credentialSchema = z.object({
    keyId: z.string().min(1),
    lastUsedAt: isoDateTime.nullable(),
    expiresAt: isoDateTime.nullable(),
    requestIds: z.array(z.string().min(1)).optional(),
});

const reportSchema = z.discriminatedUnion("available", [
    z.object({ available: z.literal(true), credentials: z.array(credentialSchema) }),
    z.object({
        available: z.literal(false),
        reason: z.enum(UNKNOWN_REASONS.filter((r): r is UnavailableReason => !(JUDGED_REASONS as readonly string[]).includes(r))),
        message: z.string(),
    }),
]);

/** A saved UsageRecord (`npm run status -- --save`), validated; messages name the key. */
export const usageRecordSchema = z.object({
    readAt: isoDateTime,
    currentSecretKeyId: z.string().min(1).nullable(),
    previousSecretKeyId: z.string().min(1).nullable(),
    previousSecretExpiresAt: isoDateTime.nullable(),
    verification: z.object({
        verifiedAt: isoDateTime,
        elapsedMs: z.number().int().nonnegative().optional(),
        passwordSignInAt: isoDateTime.optional(),
        passwordSignInRequestId: z.string().min(1).optional(),
        clientCredentialsRequestId: z.string().min(1).optional(),
    }).nullable(),
    report: reportSchema,
});
