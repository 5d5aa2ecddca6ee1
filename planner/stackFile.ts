// A stack's settings file (Pulumi.<stack>.yaml) and the project file (Pulumi.yaml) read the way the Pulumi CLI
// hands them to the program, without the CLI and without the stack's key: `npm run plan` runs the program on them.
//
// What the CLI does (pulumi/pulumi):
// - every config value reaches the program as text in PULUMI_CONFIG (sdk/nodejs/cmd/pulumi-language-nodejs/
//   main.go, constructConfig): scalars as written (`180` -> "180", `true` -> "true"), lists and objects as JSON;
// - a value `{secure: v1:...}` is decrypted with the stack's secrets provider and its key is listed as secret;
// - a key the stack file does not set takes the project's default from Pulumi.yaml (pkg/workspace/config.go,
//   mergeConfig, as Pulumi.yaml's own comment notes).
// The plan cannot decrypt: a `secure:` value becomes a stand-in derived from its ciphertext, so an unchanged
// ciphertext gives the same stand-in on both sides and a changed one a different stand-in.
import { createHash } from "node:crypto";
import yaml from "js-yaml";

/** The stack file as the program would see it. */
export interface StackSettings {
    /** Full keys (`project:key`, `azuread:tenantId`) -> the text the program receives. */
    readonly config: Readonly<Record<string, string>>;
    /** Full keys whose value is `secure:` ciphertext -> that ciphertext (what the plan compares instead of values). */
    readonly secure: Readonly<Record<string, string>>;
}

/** The stack file cannot be read: names the file and what is wrong with it. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

function isSecure(value: unknown): value is { secure: string } {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/**
 * A stand-in for a value the plan cannot decrypt. It satisfies the program's rules for a hand-made password
 * (components/passwordPolicy.ts: three character classes, none of the connector's forbidden characters) and
 * depends only on the ciphertext, never on anything secret.
 */
export function secureStandIn(ciphertext: string): string {
    return `Plan-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 20)}-X9`;
}

/** Replaces every nested `{secure: ...}` with its stand-in, recording where it was. */
function standIns(value: unknown, found: string[]): unknown {
    if (isSecure(value)) {
        found.push(value.secure);
        return secureStandIn(value.secure);
    }
    if (Array.isArray(value)) return value.map((v) => standIns(v, found));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, standIns(v, found)]));
    }
    return value;
}

/** The text the program receives for a config value: scalars as written, lists and objects as JSON. */
function asProgramText(value: unknown): string {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
}

/** The project's name and its config defaults (`config: key: {default: ...}` in Pulumi.yaml), as full keys. */
export function projectDefaults(projectYaml: string): { project: string; defaults: Record<string, string> } {
    let parsed: unknown;
    try {
        parsed = yaml.load(projectYaml);
    } catch (error) {
        throw new StackFileError(`Pulumi.yaml is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const doc = (parsed ?? {}) as { name?: unknown; config?: Record<string, unknown> };
    if (typeof doc.name !== "string" || doc.name === "") throw new StackFileError("Pulumi.yaml has no project name (name:)");
    const defaults: Record<string, string> = {};
    for (const [key, declared] of Object.entries(doc.config ?? {})) {
        const value = declared !== null && typeof declared === "object" && !Array.isArray(declared) ? (declared as { default?: unknown }).default : declared;
        if (value === undefined) continue;
        defaults[key.includes(":") ? key : `${doc.name}:${key}`] = asProgramText(value);
    }
    return { project: doc.name, defaults };
}

/**
 * Reads Pulumi.<stack>.yaml: its `config:` section as the program receives it, `secure:` values replaced by
 * stand-ins and listed with their ciphertext. Keys without a namespace belong to the project.
 */
export function parseStackFile(text: string, file: string, project: string): StackSettings {
    let parsed: unknown;
    try {
        parsed = yaml.load(text);
    } catch (error) {
        throw new StackFileError(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    if (parsed !== undefined && parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
        throw new StackFileError(`${file} must be a YAML mapping with a config: section`);
    }
    const section = (parsed as { config?: unknown } | null)?.config ?? {};
    if (section === null || typeof section !== "object" || Array.isArray(section)) throw new StackFileError(`${file}: config: must be a mapping of keys to values`);
    const config: Record<string, string> = {};
    const secure: Record<string, string> = {};
    for (const [rawKey, value] of Object.entries(section)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const ciphertexts: string[] = [];
        const plain = standIns(value, ciphertexts);
        config[key] = asProgramText(plain);
        if (ciphertexts.length > 0) secure[key] = ciphertexts.join("\n");
    }
    return { config, secure };
}

/** What the program receives: the project's defaults, overridden by the stack file. */
export function programConfig(settings: StackSettings, defaults: Readonly<Record<string, string>>): Record<string, string> {
    return { ...defaults, ...settings.config };
}

/** Main's settings adopt a hand-made setup and the change's no longer do (`pulumi config rm adopt`). */
export function endsAdoption(project: string, base: StackSettings | undefined, head: StackSettings): boolean {
    const adopts = (s: StackSettings) => s.config[`${project}:adopt`] !== undefined;
    return base !== undefined && adopts(base) && !adopts(head);
}
