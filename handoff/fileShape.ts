// The two JSON shapes a person holds the five values in, and which one a file is: the handoff object
// (`pulumi stack output handoff --show-secrets`, README's first deployment; `npm run emulator` writes one too,
// with its endpoints) and the stack's whole outputs (`pulumi stack output --json --show-secrets`). `npm run
// handoff --outputs` and `npm run verify --handoff` take either and say which one they got.
import { HANDOFF_KEYS } from "./validate";

export const HANDOFF_OBJECT_COMMAND = "`pulumi stack output handoff --show-secrets`";
export const STACK_OUTPUTS_COMMAND = "`pulumi stack output --json --show-secrets`";

/** Beside the five values, a handoff object may say where to sign in and which CA to trust (the emulator's file). */
export const ENDPOINT_KEYS = ["authorityHost", "graphEndpoint", "caFile"] as const;
export type EndpointKey = (typeof ENDPOINT_KEYS)[number];

/**
 * Outputs the program exports next to `handoff` and that no handoff object has: a file with one of them (and no
 * `handoff`) is a stack's outputs without the handoff, not a handoff object with odd keys.
 */
const OUTPUTS_ONLY_KEYS = [
    "secretExpiresAt", "previousSecretExpiresAt", "nextRotationAt", "applicationObjectId", "servicePrincipalObjectId", "serviceUserObjectId",
    "currentSecretKeyId", "previousSecretKeyId", "delegatedPermissions", "applicationPermissions", "keyVaultSecretNames", "verification",
];

/** What `pulumi stack output` prints for a secret output read without --show-secrets. */
export const SECRET_PLACEHOLDER = "[secret]";

export type HandoffFile =
    /** The five values (not yet validated) and the endpoint keys the file carried, split apart. */
    | { shape: "handoff object"; handoff: Record<string, unknown>; endpoints: Partial<Record<EndpointKey, unknown>> }
    /** The stack's outputs as printed; their `handoff` output holds the five values. */
    | { shape: "stack outputs"; outputs: Record<string, unknown> };

/** The file is neither shape; the message says which command prints one. */
export class HandoffFileError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Which shape the parsed JSON `json` from `source` (`--handoff h.json`) has. Never quotes a value. */
export function readHandoffFile(json: unknown, source: string): HandoffFile {
    if (json === SECRET_PLACEHOLDER) {
        throw new HandoffFileError(`${source} holds "${SECRET_PLACEHOLDER}": it was printed without --show-secrets; print it again with ${HANDOFF_OBJECT_COMMAND}`);
    }
    if (isRecord(json)) {
        const keys = Object.keys(json);
        if ("handoff" in json || keys.some((key) => OUTPUTS_ONLY_KEYS.includes(key))) return { shape: "stack outputs", outputs: json };
        if (keys.some((key) => (HANDOFF_KEYS as readonly string[]).includes(key))) {
            const endpoints = Object.fromEntries(ENDPOINT_KEYS.filter((key) => key in json).map((key) => [key, json[key]]));
            const handoff = Object.fromEntries(keys.filter((key) => !(ENDPOINT_KEYS as readonly string[]).includes(key)).map((key) => [key, json[key]]));
            return { shape: "handoff object", handoff, endpoints };
        }
    }
    throw new HandoffFileError(
        `${source} is neither the handoff object nor a stack's outputs: ${isRecord(json) ? `it has none of the keys handoff, ${HANDOFF_KEYS.join(", ")}` : "it is not a JSON object"}; ` +
        `pass what ${HANDOFF_OBJECT_COMMAND} or ${STACK_OUTPUTS_COMMAND} prints (or the handoff file \`npm run emulator\` writes)`,
    );
}

/** The one line that says which shape a command got, for stderr. */
export function describeHandoffFile(file: HandoffFile, source: string): string {
    if (file.shape === "stack outputs") return `${source}: the stack's outputs (as ${STACK_OUTPUTS_COMMAND} prints them); using their handoff output`;
    const endpoints = ENDPOINT_KEYS.filter((key) => key in file.endpoints);
    return `${source}: the handoff object (as ${HANDOFF_OBJECT_COMMAND} prints it)${endpoints.length > 0 ? `, with ${endpoints.join(", ")}` : ""}`;
}
