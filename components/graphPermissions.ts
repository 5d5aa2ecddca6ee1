// Microsoft Graph permission names -> IDs, resolved from the tenant's Graph service principal at deploy
// time (never from copied GUIDs), with the closest valid names when a name is wrong.
import { distance } from "fastest-levenshtein";
import { UserError } from "./userError";

/** Microsoft Graph's application (client) ID, the same in every tenant and cloud. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export interface ResolvedPermission {
    name: string;
    id: string;
}

/** A UserError: `pulumi up` prints only the message. */
export class UnknownPermissionError extends UserError {
    constructor(readonly key: string, readonly names: string[], message: string) {
        super(message);
        this.name = "UnknownPermissionError";
    }
}

/** Up to three valid names closest to `name`: case-insensitive match first, then by edit distance. */
export function closestNames(name: string, valid: string[], max = 3): string[] {
    const lower = name.toLowerCase();
    return [...valid]
        .map((v) => ({ v, d: v.toLowerCase() === lower ? -1 : distance(lower, v.toLowerCase()) }))
        .sort((x, y) => x.d - y.d || x.v.localeCompare(y.v))
        .slice(0, max)
        .map((x) => x.v);
}

/**
 * The names not in `valid`, each as `"Name" is not <what>; closest: A, B, C`: the one sentence `pulumi up` (against
 * the tenant's Graph) and `npm run new-tenant` (against the policy pack's allowlist) both say.
 */
export function unknownPermissions(names: readonly string[], valid: readonly string[], what: string): { name: string; sentence: string }[] {
    return names.filter((name) => !valid.includes(name))
        .map((name) => ({ name, sentence: `${JSON.stringify(name)} is not ${what}; closest: ${closestNames(name, [...valid]).join(", ")}` }));
}

/**
 * Looks every name up in `available` (name -> ID, as the Graph service principal publishes it).
 * `key` is the config key the names came from, so the error can name it.
 */
export function resolvePermissions(key: string, names: readonly string[], available: Record<string, string>, kind: "delegated" | "application"): ResolvedPermission[] {
    const unknown = unknownPermissions(names, Object.keys(available), `a Microsoft Graph ${kind} permission`);
    if (unknown.length > 0) {
        const lines = unknown.map((u) => `  ${u.sentence}`);
        throw new UnknownPermissionError(key, unknown.map((u) => u.name), `${key} names permissions Microsoft Graph does not publish in this tenant:\n${lines.join("\n")}`);
    }
    return names.map((name) => ({ name, id: available[name] }));
}
