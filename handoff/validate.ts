// The rules a handoff value must meet before it is printed for a person or used to sign in: one validator for
// `npm run handoff` and `npm run verify`. Messages name the key and the rule, and quote a value only when it is
// not secret.
import type { Handoff } from "./types";

export type HandoffKey = keyof Handoff;

/** The seed guide's five rows, in its order. */
export const HANDOFF_KEYS = ["applicationClientId", "directoryTenantId", "secretValue", "userEmail", "userPassword"] as const satisfies readonly HandoffKey[];

/** Keys whose values are never echoed in an error and are masked unless asked for. */
export const SECRET_KEYS: ReadonlySet<HandoffKey> = new Set<HandoffKey>(["secretValue", "userPassword"]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GUID_EXAMPLE = "11111111-2222-3333-4444-555555555555";

/** What each value must be, as the sentence after the key. */
export const HANDOFF_RULES: Readonly<Record<HandoffKey, string>> = {
    applicationClientId: `must be the Application (client) ID, a GUID such as ${GUID_EXAMPLE}`,
    directoryTenantId: `must be the Directory (tenant) ID, a GUID such as ${GUID_EXAMPLE}`,
    secretValue: "must be the client secret's Value (not its Secret ID) as a non-empty string",
    userEmail: "must be the service user's sign-in name, an email-like UPN such as jtel-presence@contoso.com",
    userPassword: "must be a non-empty string without leading or trailing whitespace (the password sign-in rejects padded passwords)",
};

/** The seed guide's own warning, for the one mistake it calls out. */
const SECRET_ID_RULE =
    "is shaped like a GUID, which is what a Secret ID looks like, not a secret's Value (the seed guide: \"The Secret Value is required, not the Secret ID\"); " +
    "hand over the Value column, shown once when the secret is created (Entra admin center > App registrations > the app > Certificates & secrets), or the stack's handoff.secretValue";

/** Why one value breaks its rule, or undefined. */
function problem(key: HandoffKey, value: unknown): string | undefined {
    if (typeof value !== "string" || value.trim() === "") return HANDOFF_RULES[key];
    switch (key) {
        case "applicationClientId":
        case "directoryTenantId":
            return GUID.test(value) ? undefined : HANDOFF_RULES[key];
        case "userEmail":
            return UPN.test(value) ? undefined : HANDOFF_RULES[key];
        case "secretValue":
            if (GUID.test(value.trim())) return SECRET_ID_RULE;
            return value === value.trim() ? undefined : "must not have leading or trailing whitespace: the token endpoint would take it as part of the secret";
        case "userPassword":
            return value === value.trim() ? undefined : HANDOFF_RULES[key];
    }
}

/** How a caller names the handoff (`--handoff file.json`) and one of its keys (`--handoff file.json secretValue`). */
export interface HandoffLabels {
    handoff: string;
    key(key: HandoffKey): string;
}

/** The handoff cannot be used as it is; `problems` holds one sentence per broken rule. */
export class HandoffInvalidError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "HandoffInvalidError";
    }
}

/** Checks that `input` holds exactly the five values and each meets its rule; throws HandoffInvalidError. */
export function validateHandoff(input: unknown, labels: HandoffLabels): Handoff {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new HandoffInvalidError([`${labels.handoff} must be an object with exactly the keys ${HANDOFF_KEYS.join(", ")}`]);
    }
    const record = input as Record<string, unknown>;
    const problems: string[] = [];
    const unexpected = Object.keys(record).filter((k) => !(HANDOFF_KEYS as readonly string[]).includes(k));
    if (unexpected.length > 0) problems.push(`${labels.handoff} has unexpected key(s) ${unexpected.join(", ")}; allowed are exactly ${HANDOFF_KEYS.join(", ")}`);
    for (const key of HANDOFF_KEYS) {
        if (!(key in record) || record[key] === undefined) {
            problems.push(`${labels.handoff} is missing ${key}, which ${HANDOFF_RULES[key]}`);
            continue;
        }
        const rule = problem(key, record[key]);
        if (rule === undefined) continue;
        const value = record[key];
        const shown = SECRET_KEYS.has(key) || typeof value !== "string" ? "" : ` ${JSON.stringify(value.slice(0, 80))}`;
        problems.push(`${labels.key(key)}${shown} ${rule}`);
    }
    if (problems.length > 0) throw new HandoffInvalidError(problems);
    return Object.fromEntries(HANDOFF_KEYS.map((key) => [key, record[key]])) as unknown as Handoff;
}
