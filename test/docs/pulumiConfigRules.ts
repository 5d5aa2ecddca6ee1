// What the Pulumi CLI does with stack configuration before the program runs, modelled from pulumi/pulumi
// (commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8) so documented commands can be checked without the CLI:
// - `pulumi config set [--path] [--secret] KEY VALUE` and `config set-all --json` (pkg/cmd/pulumi/config/config.go):
//   a plain value is a string; --path builds a list or map ("true"/"false" become booleans, integers numbers);
//   --secret stores the value encrypted.
// - validation at `pulumi up`/`preview` (pkg/workspace/config.go mergeConfig, validateStackConfigValue): a key the
//   project declares without `default` or `value` must be set on the stack; a `secret: true` key must be stored
//   encrypted; an explicitly typed key must hold that type (sdk/go/common/workspace/project.go
//   ValidateConfigValue): a string is never an array, whatever JSON it holds.
// - what the program then receives (sdk/nodejs/cmd/pulumi-language-nodejs/main.go): every value as a string,
//   lists and maps as JSON text, and the list of encrypted keys.

/** One stack config value as Pulumi stores it. */
export interface StackValue {
    /** The plain value: the text, or a list/map for object values. */
    value: unknown;
    secure: boolean;
}

export interface ProjectConfigType {
    type?: string;
    items?: { type: string; items?: unknown };
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

export interface Project {
    name: string;
    config: Record<string, ProjectConfigType>;
}

/** `a.b[0]["c.d"]` -> ["a", "b", 0, "c.d"] (resource.PropertyPath syntax, as --path reads keys). */
export function parsePath(path: string): (string | number)[] {
    const parts: (string | number)[] = [];
    const pattern = /([^.[\]]+)|\[(\d+)\]|\["([^"]+)"\]|\./gy;
    let match: RegExpExecArray | null;
    while (pattern.lastIndex < path.length && (match = pattern.exec(path)) !== null) {
        if (match[1] !== undefined) parts.push(match[1]);
        else if (match[2] !== undefined) parts.push(Number(match[2]));
        else if (match[3] !== undefined) parts.push(match[3]);
    }
    if (pattern.lastIndex !== path.length) throw new Error(`cannot parse the config path ${path}`);
    return parts;
}

function pathValue(text: string): unknown {
    if (text === "true") return true;
    if (text === "false") return false;
    return /^-?\d+$/.test(text) ? Number(text) : text;
}

function setAt(container: unknown, path: (string | number)[], value: unknown): unknown {
    const [head, ...rest] = path;
    if (head === undefined) return value;
    if (typeof head === "number") {
        const list = Array.isArray(container) ? [...container] : [];
        if (head > list.length) throw new Error(`index ${head} is past the end of the list (Pulumi refuses to leave holes)`);
        list[head] = setAt(list[head], rest, value);
        return list;
    }
    const map = container !== null && typeof container === "object" && !Array.isArray(container) ? { ...(container as Record<string, unknown>) } : {};
    map[head] = setAt(map[head], rest, value);
    return map;
}

/** Applies one `pulumi config set` command line (already split into words) to a stack's config. */
export function configSet(stack: Record<string, StackValue>, words: string[], projectName: string): void {
    const args = words.slice(3); // pulumi config set
    const path = args.includes("--path");
    const secure = args.includes("--secret");
    const positional = args.filter((a) => !a.startsWith("--"));
    const [rawKey, value] = positional;
    if (rawKey === undefined || value === undefined) throw new Error(`no key and value in: ${words.join(" ")}`);
    const [top, ...rest] = path ? parsePath(rawKey) : [rawKey];
    const key = String(top).includes(":") ? String(top) : `${projectName}:${top}`;
    if (rest.length === 0) {
        stack[key] = { value, secure };
        return;
    }
    const current = stack[key]?.value;
    stack[key] = { value: setAt(typeof current === "object" ? current : undefined, rest, pathValue(value)), secure };
}

/** Applies `pulumi config set-all --json '{...}'` in the format `pulumi config --json` prints. */
export function configSetAllJson(stack: Record<string, StackValue>, json: string, projectName: string): void {
    const entries = JSON.parse(json) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
    for (const [rawKey, entry] of Object.entries(entries)) {
        if (entry.value === undefined) throw new Error(`value for --json object key "${rawKey}" is nil`);
        const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
        // With objectValue present, `value` (its JSON text) is stored as an object value.
        stack[key] = { value: entry.objectValue !== undefined ? JSON.parse(entry.value) : entry.value, secure: entry.secret === true };
    }
}

/** The `config:` map of a stack settings file (Pulumi.<stack>.yaml), as loaded from YAML. */
export function fromStackFile(config: Record<string, unknown>): Record<string, StackValue> {
    const stack: Record<string, StackValue> = {};
    for (const [key, value] of Object.entries(config)) {
        const secure = value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
        stack[key] = { value: typeof value === "object" && value !== null && !secure ? value : String(secure ? (value as { secure: unknown }).secure : value), secure };
    }
    return stack;
}

function validateValue(typeName: string, items: ProjectConfigType["items"], value: unknown): boolean {
    switch (typeName) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return value !== null && typeof value === "object" && !Array.isArray(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((v) => validateValue(items.type, items.items as ProjectConfigType["items"], v));
    }
}

/** The errors `pulumi up` would stop with before running the program, worded as Pulumi words them. */
export function validateStackConfig(project: Project, stack: Record<string, StackValue>, stackName: string): string[] {
    const missing: string[] = [];
    const errors: string[] = [];
    for (const name of Object.keys(project.config).sort()) {
        const declared = project.config[name];
        const key = name.includes(":") ? name : `${project.name}:${name}`;
        let value = stack[key];
        if (value === undefined) {
            if (declared.default === undefined && declared.value === undefined) {
                if (key.startsWith(`${project.name}:`)) missing.push(name);
                continue;
            }
            // A default is merged in as a plain (unencrypted) value, then validated like any other.
            const fallback = declared.value ?? declared.default;
            value = { value: typeof fallback === "object" ? fallback : String(fallback), secure: false };
        }
        if (declared.type === undefined) continue;
        if (declared.secret && !value.secure) {
            errors.push(`Stack '${stackName}' with configuration key '${name}' must be encrypted as it's secret`);
            continue;
        }
        if (!validateValue(declared.type, declared.items, value.value)) {
            const typeName = declared.items ? `array<${declared.items.type}>` : declared.type;
            errors.push(`Stack '${stackName}' with configuration key '${name}' must be of type '${typeName}'`);
        }
    }
    // Missing keys are reported alone, before any type is checked.
    if (missing.length > 0) return [`Stack '${stackName}' is missing configuration value${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}`];
    return errors;
}

/** What the program receives: PULUMI_CONFIG's strings (objects as JSON text) and PULUMI_CONFIG_SECRET_KEYS. */
export function programConfig(stack: Record<string, StackValue>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(stack)) config[key] = typeof value.value === "string" ? value.value : JSON.stringify(value.value);
    return { config, secretKeys: Object.keys(stack).filter((k) => stack[k].secure) };
}
