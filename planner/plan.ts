// What Pulumi would do on the next `pulumi up`, computed the way the engine and the providers decide it.
// Pure: given the state one run left behind and the next run's registrations, it returns one step per
// resource and flags what the tenant would refuse. The tables it applies are in tables.ts.
//
// How the decision is made (pulumi-terraform-bridge for azuread/random, azure-native's own Diff):
// - the bridge compares each new input with the *stored state* (what Create's Read returned), value by
//   value: strings exactly (SDKv2 treats "" as absent), sets as sets, lists in order;
// - a property the program does not send takes the provider's default; an Optional+Computed one without
//   an input keeps what was read and never differs;
// - `ignoreChanges` makes the engine send the previous input instead of the new one, and the bridge drops the
//   property from the provider's own diff whether or not a previous input exists (pulumi-terraform-bridge
//   v3.130.0 pkg/tfbridge/diff.go computeIgnoreChanges over the old state, pkg/tfshim/sdk-v2/instance_diff.go:95-108):
//   an ignored property never differs;
// - a differing ForceNew property means replace, any other difference update;
// - azure-native compares new inputs with the inputs it stored and replaces delete-before-create;
// - the `import` option, since Pulumi CLI 3.174 (pulumi/pulumi#19339; this project pins 3.276.0), reads the
//   object and then diffs it against the program's inputs like any update: an in-place difference is applied
//   in the same `pulumi up` (an import step, then an update step), a replacement stops it
//   (pkg/resource/deploy/step_generator.go: "previously-imported resources that still specify an ID may not be
//   replaced"). Before 3.174 any difference stopped the import.
import { semanticsOf, type PropertySemantics, type ResourceSemantics } from "./tables";

export type Operation = "same" | "update" | "replace" | "create" | "delete" | "import";

/** One resource as the previous run left it in the stack's state. */
export interface StateEntry {
    readonly type: string;
    readonly name: string;
    readonly id: string;
    /** What the program sent (after ignoreChanges), as Pulumi stores it. */
    readonly inputs: Record<string, unknown>;
    /** What the provider stored: Graph's read-back plus computed outputs. */
    readonly outputs: Record<string, unknown>;
    readonly protect?: boolean;
}

/** One resource as the next run registers it. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly importId?: string;
    readonly ignoreChanges?: readonly string[];
    readonly protect?: boolean;
}

export interface PlanStep {
    readonly type: string;
    readonly name: string;
    readonly op: Operation;
    /** Properties whose new value differs from what is stored. */
    readonly changed: readonly string[];
    /** The changed properties that force the replacement. */
    readonly replacedBy: readonly string[];
    /** Why the step would fail in a real tenant (Graph or the provider refuses it), if it would. */
    readonly refusal?: string;
}

function zeroOf(p: PropertySemantics): unknown {
    switch (p.kind) {
        case "string": return "";
        case "bool": return false;
        case "int": return 0;
        case "set": case "list": return [];
        case "map": case "object": return {};
    }
}

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined && v !== null)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, canonical(v)]));
    }
    return value;
}

/** Does the bridge see a difference between the stored value and the new one? */
export function valuesDiffer(p: PropertySemantics, stored: unknown, next: unknown): boolean {
    const absent = (v: unknown) => v === undefined || v === null;
    const a = absent(stored) ? zeroOf(p) : stored;
    const b = absent(next) ? zeroOf(p) : next;
    switch (p.kind) {
        case "string": return String(a) !== String(b);
        case "bool": return Boolean(a) !== Boolean(b);
        case "int": return Number(a) !== Number(b);
        case "set": {
            const set = (v: unknown) => JSON.stringify([...new Set((Array.isArray(v) ? v : [v]).map(String))].sort());
            return set(a) !== set(b);
        }
        case "list": case "map": case "object":
            return JSON.stringify(canonical(a)) !== JSON.stringify(canonical(b));
    }
}

function inputFor(p: PropertySemantics, registration: Registration): { value: unknown; sent: boolean } {
    const value = registration.inputs[p.name];
    if (value !== undefined && value !== null) return { value, sent: true };
    return { value: p.default, sent: false };
}

/** The properties whose new value differs from the stored one, and those of them that force replacement. */
export function diffProperties(semantics: ResourceSemantics, previous: StateEntry, registration: Registration): { changed: string[]; replacedBy: string[] } {
    const known = new Set([...semantics.properties.map((p) => p.name), ...semantics.computed]);
    const unknown = Object.keys(registration.inputs).filter((k) => !known.has(k) && registration.inputs[k] !== undefined);
    if (unknown.length > 0) {
        throw new Error(`${semantics.kind} ${registration.name}: the provider table has no entry for ${unknown.join(", ")}; read the provider source and add it to planner/tables.ts`);
    }
    const changed: string[] = [];
    const replacedBy: string[] = [];
    for (const p of semantics.properties) {
        if (registration.ignoreChanges?.includes(p.name)) continue;
        const { value, sent } = inputFor(p, registration);
        // Optional+Computed without an input keeps what the provider read.
        if (!sent && p.computedWhenAbsent) continue;
        const stored = semantics.diffBasis === "inputs" ? previous.inputs[p.name] : previous.outputs[p.name];
        if (!valuesDiffer(p, stored, value)) continue;
        changed.push(p.name);
        if (p.forceNew) replacedBy.push(p.name);
    }
    return { changed, replacedBy };
}

/** The step for one registered resource, without looking at the rest of the tenant. */
export function planResource(previous: StateEntry | undefined, registration: Registration): PlanStep {
    const semantics = semanticsOf(registration.type);
    const base = { type: registration.type, name: registration.name };
    if (!previous) return { ...base, op: registration.importId ? "import" : "create", changed: [], replacedBy: [] };
    const { changed, replacedBy } = diffProperties(semantics, previous, registration);
    const op: Operation = replacedBy.length > 0 ? "replace" : changed.length > 0 ? "update" : "same";
    const refusal = previous.protect && op === "replace"
        ? `${semantics.kind} ${registration.name} is protected: Pulumi refuses to replace it (changed: ${replacedBy.join(", ")})` : undefined;
    return { ...base, op, changed, replacedBy, ...(refusal ? { refusal } : {}) };
}

/**
 * The program's inputs (outside ignoreChanges) that differ from what the provider reads for the object being
 * imported: what the same `pulumi up` changes right after the import (see the header).
 */
export function importMismatch(registration: Registration, read: Record<string, unknown>): string[] {
    const semantics = semanticsOf(registration.type);
    const asIfStored: StateEntry = { type: registration.type, name: registration.name, id: registration.importId ?? "", inputs: read, outputs: read };
    return diffProperties(semantics, asIfStored, registration).changed;
}

/** Keys Graph or the provider holds once, as a create would claim them. */
function keyOf(semantics: ResourceSemantics, state: Record<string, unknown>): string | undefined {
    return semantics.unique?.key(state);
}

/**
 * The whole plan: a step per registration in registration order (an import that differs from the program is
 * followed by its update step), then deletes for what the program no longer registers. Creates and create-before-delete replacements are checked against every object alive
 * at that moment (Pulumi deletes replaced and removed resources only at the end of the update): a second
 * user with the same UPN, a second delegated grant for the same client/resource/consent type/principal, a
 * second owner link, a second declaration of the same API.
 *
 * `planned` gives the state a new or replaced resource would get (storedState of its inputs), needed to
 * know its key; `readImport` gives what an import would read.
 */
export function planRun(
    previous: readonly StateEntry[],
    registrations: readonly Registration[],
    options: { planned: (r: Registration) => Record<string, unknown>; readImport?: (r: Registration) => Record<string, unknown> | undefined },
): PlanStep[] {
    const byKey = new Map(previous.map((e) => [`${e.type}::${e.name}`, e]));
    const alive = new Map<string, string>();
    for (const e of previous) {
        const key = keyOf(semanticsOf(e.type), e.outputs);
        if (key) alive.set(key, `${e.name} (existing)`);
    }
    const steps: PlanStep[] = [];
    const registered = new Set<string>();
    for (const registration of registrations) {
        const id = `${registration.type}::${registration.name}`;
        registered.add(id);
        const prior = byKey.get(id);
        let step = planResource(prior, registration);
        let afterImport: PlanStep | undefined;
        const semantics = semanticsOf(registration.type);
        if (step.op === "import" && options.readImport) {
            const read = options.readImport(registration);
            const mismatch = read ? importMismatch(registration, read) : [];
            const replacedBy = mismatch.filter((name) => semantics.properties.find((p) => p.name === name)?.forceNew);
            if (!read) step = { ...step, refusal: `${registration.importId} does not exist: Pulumi cannot import it` };
            else if (replacedBy.length > 0) {
                step = { ...step, changed: mismatch, replacedBy, refusal: `previously-imported resources that still specify an ID may not be replaced; please remove the \`import\` declaration from your program (${replacedBy.join(", ")} differ${replacedBy.length === 1 ? "s" : ""} from the imported object; keep ${replacedBy.length === 1 ? "it" : "them"} in ignoreChanges while adopting)` };
            } else if (mismatch.length > 0) {
                afterImport = { type: registration.type, name: registration.name, op: "update", changed: mismatch, replacedBy: [] };
            }
        }
        const creates = step.op === "create" || (step.op === "replace" && semantics.replaceOrder === "create-before-delete");
        if (creates && !step.refusal) {
            const key = keyOf(semantics, options.planned(registration));
            const holder = key ? alive.get(key) : undefined;
            if (key && holder) {
                step = { ...step, refusal: `${semantics.kind} ${registration.name} would be created while ${holder} still holds ${key}: ${semantics.unique?.refusal}` };
            }
            if (key) alive.set(key, registration.name);
        }
        steps.push(step);
        if (afterImport) steps.push(afterImport);
    }
    for (const e of previous) {
        if (registered.has(`${e.type}::${e.name}`)) continue;
        steps.push({
            type: e.type, name: e.name, op: "delete", changed: [], replacedBy: [],
            ...(e.protect ? { refusal: `${semanticsOf(e.type).kind} ${e.name} is protected: Pulumi refuses to delete it` } : {}),
        });
    }
    return steps;
}

/** "create 1, replace 2, same 9" style summary, in a fixed order. */
export function summarize(steps: readonly PlanStep[]): string {
    const order: Operation[] = ["create", "import", "update", "replace", "delete", "same"];
    return order.map((op) => [op, steps.filter((s) => s.op === op).length] as const).filter(([, n]) => n > 0).map(([op, n]) => `${op} ${n}`).join(", ");
}

/** A plan that changes nothing in the tenant. */
export function changesNothing(steps: readonly PlanStep[]): boolean {
    return steps.every((s) => s.op === "same");
}
