// The stack outputs the handoff needs, validated once: the secret `handoff` object and the rotation dates.
import { z } from "zod";
import { SECRET_PLACEHOLDER, STACK_OUTPUTS_COMMAND } from "./fileShape";
import type { Handoff } from "./types";
import { HANDOFF_KEYS, HandoffInvalidError, validateHandoff, type HandoffKey } from "./validate";

export { HANDOFF_KEYS, SECRET_KEYS, type HandoffKey } from "./validate";

export interface HandoffOutputs {
    handoff: Handoff;
    /** When the newest client secret expires (ISO 8601); null when only the handoff object was given. */
    secretExpiresAt: string | null;
    /** When the previous client secret stops working (ISO 8601), or null when no previous secret is valid. */
    previousSecretExpiresAt: string | null;
    /** The next rotation boundary (ISO 8601); null when only the handoff object was given. */
    nextRotationAt: string | null;
    /** Key Vault secret name per handoff value; null (or absent) when the handoff is not delivered through Key Vault. */
    keyVaultSecretNames?: Record<HandoffKey, string> | null;
    /** When the newest client secret was created (its start date as Graph returned it); absent on older stacks. */
    currentSecretCreatedAt?: string | null;
}

/** The outputs cannot be handed over as they are; the message says what is missing and the next step. */
export class HandoffOutputsError extends Error {}

const ISO_EXAMPLE = "2027-05-26T09:00:00.000Z";

const isoDateTime = z.iso.datetime({ offset: true });
const vaultNamesSchema = z.object(Object.fromEntries(HANDOFF_KEYS.map((key) => [key, z.string().min(1)])) as Record<HandoffKey, z.ZodString>);

const outputsSchema = z.object({
    // Checked value by value by validateHandoff, the rules `npm run verify` applies too.
    handoff: z.unknown(),
    secretExpiresAt: isoDateTime,
    nextRotationAt: isoDateTime,
    // Absent on stacks deployed before the output existed; both mean "none".
    previousSecretExpiresAt: isoDateTime.nullable().optional().transform((v) => v ?? null),
    keyVaultSecretNames: vaultNamesSchema.nullable().optional().transform((v) => v ?? null),
    currentSecretCreatedAt: isoDateTime.nullable().optional(),
});

const RULES: Record<string, string> = {
    secretExpiresAt: `must be the client secret's expiry as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    nextRotationAt: `must be the next rotation date as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    previousSecretExpiresAt: `must be null or the previous secret's expiry as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    keyVaultSecretNames: `must be null or an object with a Key Vault secret name for each of ${HANDOFF_KEYS.join(", ")}`,
    currentSecretCreatedAt: `must be null or the newest client secret's creation time as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
};

/**
 * The newest client secret's creation time (ms since the epoch) from the stack outputs, or undefined when they hold
 * none (deployed before the output existed). `npm run verify` takes replication delay into account only within
 * minutes of it. Throws HandoffOutputsError naming the output for a value that is not a date-time.
 */
export function secretCreatedAtOf(outputs: unknown, source: string): number | undefined {
    const value = (outputs as { currentSecretCreatedAt?: unknown } | null)?.currentSecretCreatedAt;
    if (value === undefined || value === null) return undefined;
    if (!isoDateTime.safeParse(value).success) {
        const shown = typeof value === "string" ? ` "${value.slice(0, 80)}"` : "";
        throw new HandoffOutputsError(`${source} output currentSecretCreatedAt${shown} ${RULES.currentSecretCreatedAt}`);
    }
    return Date.parse(value as string);
}

/**
 * Validates the outputs printed by `pulumi stack output --json --show-secrets`. `source` names where they came
 * from (`--stack contoso`, `--outputs file.json`) and `nextStep` says how to get complete outputs. `now` judges
 * the expiry: a handoff whose secret has expired is refused. Messages never quote a secret value.
 */
export function parseHandoffOutputs(input: unknown, source: string, nextStep: string, now: Date = new Date()): HandoffOutputs {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new HandoffOutputsError(`${source} must be the JSON object printed by \`pulumi stack output --json --show-secrets\`; ${nextStep}`);
    }
    const record = input as Record<string, unknown>;
    handoffOutputOf(record, source, nextStep);
    const result = outputsSchema.safeParse(input);
    const problems: string[] = [];
    let handoff: Handoff | undefined;
    try {
        handoff = validateHandoff(record.handoff, { handoff: `${source} output handoff`, key: (key: HandoffKey) => `${source} output handoff.${key}` });
    } catch (error) {
        if (!(error instanceof HandoffInvalidError)) throw error;
        problems.push(...error.problems);
    }
    if (!result.success) {
        problems.push(...result.error.issues.map((issue) => {
            const name = String(issue.path[0] ?? "");
            if (!(name in record)) return `${source} is missing the \`${name}\` output, which ${RULES[name]}; ${nextStep}`;
            const value = record[name];
            const shown = typeof value === "string" ? ` "${value.slice(0, 80)}"` : "";
            return `${source} output ${name}${shown} ${RULES[name]}`;
        }));
    }
    if (result.success) problems.push(...expiryProblems(result.data, source, now));
    if (problems.length > 0 || !result.success || handoff === undefined) throw new HandoffOutputsError([...new Set(problems)].join("\n"));
    return { ...result.data, handoff };
}

/** The outputs' `handoff` output, not yet validated; refused when absent or read without --show-secrets. */
export function handoffOutputOf(outputs: Record<string, unknown>, source: string, nextStep: string): unknown {
    if (outputs.handoff === undefined) {
        throw new HandoffOutputsError(`${source} has no \`handoff\` output: the stack has not been deployed with this program yet, or these are not its outputs; ${nextStep}`);
    }
    if (outputs.handoff === SECRET_PLACEHOLDER) {
        throw new HandoffOutputsError(`${source}: the \`handoff\` output is "${SECRET_PLACEHOLDER}" because the outputs were read without --show-secrets; read them with ${STACK_OUTPUTS_COMMAND} or pass --stack NAME`);
    }
    return outputs.handoff;
}

/** The handoff object alone (the five values): valid values, and no dates, since the object carries none. */
export function parseHandoffObject(input: unknown, source: string): HandoffOutputs {
    try {
        const handoff = validateHandoff(input, { handoff: source, key: (key: HandoffKey) => `${source} ${key}` });
        return { handoff, secretExpiresAt: null, previousSecretExpiresAt: null, nextRotationAt: null, keyVaultSecretNames: null };
    } catch (error) {
        if (error instanceof HandoffInvalidError) throw new HandoffOutputsError(error.message);
        throw error;
    }
}

/** A handoff whose secret no longer works, or whose dates contradict each other, must not be handed over. */
function expiryProblems(outputs: Omit<HandoffOutputs, "handoff"> & { secretExpiresAt: string }, source: string, now: Date): string[] {
    const problems: string[] = [];
    const expires = Date.parse(outputs.secretExpiresAt);
    if (expires <= now.getTime()) {
        problems.push(`${source} output secretExpiresAt "${outputs.secretExpiresAt}": the client secret expired on ${formatUtc(outputs.secretExpiresAt)}, so the connector cannot sign in with it; ` +
            "run `pulumi up` (it issues a new Secret Value), then print the handoff again");
    }
    if (outputs.previousSecretExpiresAt !== null && Date.parse(outputs.previousSecretExpiresAt) > expires) {
        problems.push(`${source} output previousSecretExpiresAt "${outputs.previousSecretExpiresAt}" is after secretExpiresAt "${outputs.secretExpiresAt}": ` +
            "the newest secret always expires last, so these outputs do not belong together; read them again with `pulumi stack output --json --show-secrets`");
    }
    return problems;
}

/** `2027-05-26T09:00:00.000Z` -> `2027-05-26 09:00 UTC`. */
export function formatUtc(iso: string): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
