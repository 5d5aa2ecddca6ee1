// The stack outputs the handoff needs, validated once: the secret `handoff` object and the rotation dates.
import { z } from "zod";
import type { Handoff } from "./types";

export type HandoffKey = keyof Handoff;

/** The seed guide's five rows, in its order. */
export const HANDOFF_KEYS = ["applicationClientId", "directoryTenantId", "secretValue", "userEmail", "userPassword"] as const satisfies readonly HandoffKey[];

/** Keys whose values are never echoed in an error and are masked unless asked for. */
export const SECRET_KEYS: ReadonlySet<HandoffKey> = new Set<HandoffKey>(["secretValue", "userPassword"]);

export interface HandoffOutputs {
    handoff: Handoff;
    /** When the newest client secret expires (ISO 8601). */
    secretExpiresAt: string;
    /** When the previous client secret stops working (ISO 8601), or null when no previous secret is valid. */
    previousSecretExpiresAt: string | null;
    /** The next rotation boundary (ISO 8601). */
    nextRotationAt: string;
    /** Key Vault secret name per handoff value; null (or absent) when the handoff is not delivered through Key Vault. */
    keyVaultSecretNames?: Record<HandoffKey, string> | null;
}

/** The outputs cannot be handed over as they are; the message says what is missing and the next step. */
export class HandoffOutputsError extends Error {}

/** What `pulumi stack output --json` prints for a secret output when --show-secrets is left out. */
const SECRET_PLACEHOLDER = "[secret]";
const ISO_EXAMPLE = "2027-05-26T09:00:00.000Z";

// A refinement, not .trim(): the values are printed exactly as the stack holds them.
const nonBlank = z.string().refine((v) => v.trim().length > 0);
const isoDateTime = z.iso.datetime({ offset: true });
const handoffSchema = z.object(Object.fromEntries(HANDOFF_KEYS.map((key) => [key, nonBlank])) as Record<HandoffKey, typeof nonBlank>);
const vaultNamesSchema = z.object(Object.fromEntries(HANDOFF_KEYS.map((key) => [key, z.string().min(1)])) as Record<HandoffKey, z.ZodString>);

const outputsSchema = z.object({
    handoff: handoffSchema,
    secretExpiresAt: isoDateTime,
    nextRotationAt: isoDateTime,
    // Absent on stacks deployed before the output existed; both mean "none".
    previousSecretExpiresAt: isoDateTime.nullable().optional().transform((v) => v ?? null),
    keyVaultSecretNames: vaultNamesSchema.nullable().optional().transform((v) => v ?? null),
});

const RULES: Record<string, string> = {
    secretExpiresAt: `must be the client secret's expiry as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    nextRotationAt: `must be the next rotation date as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    previousSecretExpiresAt: `must be null or the previous secret's expiry as an ISO 8601 date-time such as ${ISO_EXAMPLE}`,
    keyVaultSecretNames: `must be null or an object with a Key Vault secret name for each of ${HANDOFF_KEYS.join(", ")}`,
};

function handoffRule(key: HandoffKey): string {
    return key === "secretValue"
        ? "must be the client secret's Value (not its Secret ID) as a non-empty string"
        : "must be a non-empty string";
}

/**
 * Validates the outputs printed by `pulumi stack output --json --show-secrets`. `source` names where they came
 * from (`--stack contoso`, `--outputs file.json`) and `nextStep` says how to get complete outputs.
 * Messages never quote a secret value.
 */
export function parseHandoffOutputs(input: unknown, source: string, nextStep: string): HandoffOutputs {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new HandoffOutputsError(`${source} must be the JSON object printed by \`pulumi stack output --json --show-secrets\`; ${nextStep}`);
    }
    const record = input as Record<string, unknown>;
    if (record.handoff === undefined) {
        throw new HandoffOutputsError(`${source} has no \`handoff\` output: the stack has not been deployed with this program yet, or these are not its outputs; ${nextStep}`);
    }
    if (record.handoff === SECRET_PLACEHOLDER) {
        throw new HandoffOutputsError(`${source}: the \`handoff\` output is "${SECRET_PLACEHOLDER}" because the outputs were read without --show-secrets; read them with \`pulumi stack output --json --show-secrets\` or pass --stack NAME`);
    }
    const result = outputsSchema.safeParse(input);
    if (result.success) return result.data;

    const handoff = record.handoff;
    const problems = result.error.issues.map((issue) => {
        const [top, key] = issue.path.map(String);
        if (top === "handoff") {
            if (key === undefined || handoff === null || typeof handoff !== "object" || Array.isArray(handoff)) {
                return `${source} output handoff must be an object with the keys ${HANDOFF_KEYS.join(", ")}`;
            }
            const handoffKey = key as HandoffKey;
            if (!(key in handoff)) return `${source} output handoff is missing ${key}, which ${handoffRule(handoffKey)}`;
            return `${source} output handoff.${key} ${handoffRule(handoffKey)}`;
        }
        const name = top ?? "";
        if (!(name in record)) return `${source} is missing the \`${name}\` output, which ${RULES[name]}; ${nextStep}`;
        const value = record[name];
        const shown = typeof value === "string" ? ` "${value.slice(0, 80)}"` : "";
        return `${source} output ${name}${shown} ${RULES[name]}`;
    });
    throw new HandoffOutputsError([...new Set(problems)].join("\n"));
}
