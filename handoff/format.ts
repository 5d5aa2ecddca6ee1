// Pure formatting of the handoff for the jtel contact: the seed guide's table, JSON, or shell variables.
// Secrets are masked unless asked for, with a constant that reveals nothing about them (not even a length).
import { formatUtc, HANDOFF_KEYS, SECRET_KEYS, type HandoffKey, type HandoffOutputs } from "./outputs";

export { formatUtc };

export const HANDOFF_FORMATS = ["table", "json", "env"] as const;
export type HandoffFormat = (typeof HANDOFF_FORMATS)[number];

export interface FormatOptions {
    /** Print the Secret Value and the User password instead of the mask. */
    showSecrets: boolean;
}

export const MASK = "********";

/** The seed guide's row label for each value. */
export const HANDOFF_LABELS: Readonly<Record<HandoffKey, string>> = {
    applicationClientId: "Application (client) ID",
    directoryTenantId: "Directory (tenant) ID",
    secretValue: "Secret Value",
    userEmail: "User email address",
    userPassword: "User password",
};

/** Shell variable per value, for `--format env`. */
export const HANDOFF_ENV_NAMES: Readonly<Record<HandoffKey, string>> = {
    applicationClientId: "JTEL_TEAMS_APPLICATION_CLIENT_ID",
    directoryTenantId: "JTEL_TEAMS_DIRECTORY_TENANT_ID",
    secretValue: "JTEL_TEAMS_SECRET_VALUE",
    userEmail: "JTEL_TEAMS_USER_EMAIL",
    userPassword: "JTEL_TEAMS_USER_PASSWORD",
};
export const SECRET_EXPIRES_AT_ENV_NAME = "JTEL_TEAMS_SECRET_EXPIRES_AT";

/** The seed guide's note above its table. */
export const SECRET_VALUE_NOTE = "Note: The Secret Value is required, not the Secret ID.";

/** A handoff value as it may be printed: the mask for a secret unless showSecrets. */
export function shownValue(outputs: HandoffOutputs, key: HandoffKey, options: FormatOptions): string {
    return SECRET_KEYS.has(key) && !options.showSecrets ? MASK : outputs.handoff[key];
}

/** Single-quotes a value for POSIX shells: nothing inside '…' is special except ', written as '\''. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

function padEnd(text: string, width: number): string {
    return text + " ".repeat(Math.max(0, width - text.length));
}

/** The seed guide's table (Data | Value, five rows in its order), then expiry, rotation and Key Vault notes. */
export function formatTable(outputs: HandoffOutputs, options: FormatOptions): string {
    const width = Math.max("Data".length, ...HANDOFF_KEYS.map((key) => HANDOFF_LABELS[key].length));
    const lines = [
        `${padEnd("Data", width)} | Value`,
        ...HANDOFF_KEYS.map((key) => `${padEnd(HANDOFF_LABELS[key], width)} | ${shownValue(outputs, key, options)}`),
        "",
        SECRET_VALUE_NOTE,
    ];
    if (outputs.secretExpiresAt !== null) lines.push(`The client secret (Secret Value) expires on ${formatUtc(outputs.secretExpiresAt)}.`);
    if (outputs.previousSecretExpiresAt !== null) {
        lines.push(`After the last rotation the previous secret stops working on ${formatUtc(outputs.previousSecretExpiresAt)}; update the connector before then.`);
    }
    if (outputs.nextRotationAt !== null) {
        lines.push(`The next rotation is due on ${formatUtc(outputs.nextRotationAt)}: the first \`pulumi up\` after it issues a new Secret Value to hand over.`);
    }
    const names = outputs.keyVaultSecretNames;
    if (names) {
        lines.push("The values are also in Key Vault, as these secrets:");
        for (const key of HANDOFF_KEYS) lines.push(`  ${padEnd(HANDOFF_LABELS[key], width)}   ${names[key]}`);
    }
    return `${lines.join("\n")}\n`;
}

/** One JSON object: the five values and the three rotation dates as ISO 8601 (null when absent). */
export function formatJson(outputs: HandoffOutputs, options: FormatOptions): string {
    const values = Object.fromEntries(HANDOFF_KEYS.map((key) => [key, shownValue(outputs, key, options)]));
    const json = {
        ...values,
        secretExpiresAt: outputs.secretExpiresAt,
        previousSecretExpiresAt: outputs.previousSecretExpiresAt,
        nextRotationAt: outputs.nextRotationAt,
    };
    return `${JSON.stringify(json, null, 2)}\n`;
}

/** KEY='value' lines that a POSIX shell can source. */
export function formatEnv(outputs: HandoffOutputs, options: FormatOptions): string {
    const lines = HANDOFF_KEYS.map((key) => `${HANDOFF_ENV_NAMES[key]}=${shellQuote(shownValue(outputs, key, options))}`);
    if (outputs.secretExpiresAt !== null) lines.push(`${SECRET_EXPIRES_AT_ENV_NAME}=${shellQuote(outputs.secretExpiresAt)}`);
    return `${lines.join("\n")}\n`;
}

export function formatHandoff(outputs: HandoffOutputs, format: HandoffFormat, options: FormatOptions): string {
    switch (format) {
        case "table":
            return formatTable(outputs, options);
        case "json":
            return formatJson(outputs, options);
        case "env":
            return formatEnv(outputs, options);
    }
}
