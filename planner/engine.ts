// Pulumi mocks that behave like the engine during `pulumi up` (or `pulumi preview`) against a stack that
// already has state: each registration is planned against the previous run's state (plan.ts), an
// unchanged resource hands the program its stored outputs, and only what the plan calls for reaches the
// tenant. Chaining runs gives the state each run leaves behind, so a scenario ("first deploy, redeploy a
// day later") runs the real program twice and compares plans. It carries out the tests' runs, `npm run demo`'s
// deployments against the emulator and `npm run plan`'s offline plans (offlinePlan.ts).
import * as pulumi from "@pulumi/pulumi";
import { planResource, planRun, type PlanStep, type Registration, type StateEntry } from "./plan";
import { semanticsOf, storedState } from "./tables";
import { SECRET_CONFIG_KEYS } from "../stack/config";

/** The tenant (or a model of it) the engine carries a plan out against, the way the provider would. */
export interface TenantModel {
    /** Look-ups (getClientConfig, getServicePrincipal, getUser, getDirectoryObject). */
    invoke(token: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
    /** Provider Create, ending with its Read: the ID and the state it stores. */
    create(type: string, name: string, inputs: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown> }>;
    /** Provider Read of an existing object (import); undefined when it does not exist. */
    read(type: string, id: string): Promise<Record<string, unknown> | undefined>;
    /** Provider Update, ending with its Read. */
    update(type: string, previous: StateEntry, inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
    /** Provider Delete. */
    delete(type: string, previous: StateEntry): Promise<void>;
}

/** Secret inputs reach mocks wrapped in Pulumi's signature object; providers see plain values. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
        return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/**
 * A look-up the provider failed, as the program receives it: the language host rejects with the engine's gRPC
 * error details (@pulumi/pulumi runtime/invoke.js: `new Error(err.details)`), which carry the bridge's
 * `invoking {token}: ...` (pulumi-terraform-bridge pkg/tfbridge/provider.go, Invoke) around the provider's message.
 */
export function failedLookUp(token: string, message: string): Error & { details: string } {
    const details = `invoking ${token}: 1 error occurred:\n\t* ${message}`;
    return Object.assign(new Error(details), { details });
}

interface RequestOptions { protect: boolean; ignoreChanges: string[] }

export interface RunResult {
    /** One step per resource, in registration order, then deletes. */
    steps: PlanStep[];
    /** The state this run leaves behind: the next run's `previous`. */
    state: StateEntry[];
}

export class DeploymentEngine implements pulumi.runtime.Mocks {
    private readonly previousByKey: Map<string, StateEntry>;
    private readonly registrations: Registration[] = [];
    private readonly next: StateEntry[] = [];
    private readonly retired: StateEntry[] = [];
    private readonly requestOptions = new Map<string, RequestOptions>();
    private readonly reads = new Map<string, Record<string, unknown> | undefined>();
    private readonly failures: Error[] = [];

    constructor(
        private readonly previous: readonly StateEntry[],
        private readonly tenant: TenantModel,
        private readonly mode: "up" | "preview" = "up",
    ) {
        this.previousByKey = new Map(previous.map((e) => [`${e.type}::${e.name}`, e]));
    }

    /** Sets config and these mocks, and records each registration's protect and ignoreChanges options. */
    async install(options: { config: Record<string, string>; project?: string; stack?: string; secretKeys?: readonly string[] }): Promise<void> {
        const project = options.project ?? "jtel-teams-presence";
        const qualified = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
        const config: Record<string, string> = {};
        for (const [k, v] of Object.entries(options.config)) config[qualified(k)] = v;
        // Unless told otherwise, secret keys were set with `pulumi config set --secret`, as the program insists.
        const secretKeys = (options.secretKeys ?? SECRET_CONFIG_KEYS).map(qualified).filter((k) => k in config);
        pulumi.runtime.setAllConfig(config, secretKeys);
        await pulumi.runtime.setMocks(this, project, options.stack ?? "test", this.mode === "preview");
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        monitor.registerResource = (req: any, callback: any) => {
            this.requestOptions.set(`${req.getType()}::${req.getName()}`, { protect: req.getProtect(), ignoreChanges: req.getIgnorechangesList() });
            return register(req, callback);
        };
    }

    async call(args: pulumi.runtime.MockCallArgs): Promise<Record<string, unknown>> {
        try {
            return await this.tenant.invoke(args.token, args.inputs as Record<string, unknown>);
        } catch (error) {
            // Under mocks the program gets only an error's `details`, as from the engine; without them, no message.
            if (typeof (error as { details?: unknown } | null)?.details === "string") throw error;
            throw failedLookUp(args.token, error instanceof Error ? error.message : String(error));
        }
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
        if (!args.custom) return { id: undefined, state: {} };
        try {
            return await this.register(args);
        } catch (error) {
            this.failures.push(error as Error);
            throw error;
        }
    }

    private async register(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
        const key = `${args.type}::${args.name}`;
        const options = this.requestOptions.get(key) ?? { protect: false, ignoreChanges: [] };
        const registration: Registration = {
            type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>,
            ...(args.id ? { importId: args.id } : {}),
            ignoreChanges: options.ignoreChanges, protect: options.protect,
        };
        this.registrations.push(registration);
        const prior = this.previousByKey.get(key);
        if (registration.importId && !prior) this.reads.set(key, await this.tenant.read(args.type, registration.importId));
        // The whole plan so far, so uniqueness is checked against everything alive at this point. An import that
        // differs from the program's inputs has a second step: the update Pulumi applies right after it.
        const [planned, afterImport] = this.planSoFar().filter((s) => s.type === args.type && s.name === args.name);
        const step = planned ?? planResource(prior, registration);
        if (step.refusal && this.mode === "up") throw new Error(`${args.name}: ${step.refusal}`);

        const semantics = semanticsOf(args.type);
        const keptInputs = (base: Record<string, unknown>) => {
            const kept = { ...registration.inputs };
            for (const name of options.ignoreChanges) {
                if (base[name] === undefined) delete kept[name];
                else kept[name] = base[name];
            }
            return kept;
        };
        const record = (entry: StateEntry) => {
            this.next.push(entry);
            return { id: entry.id, state: entry.outputs };
        };
        switch (step.op) {
            case "same":
                return record({ ...prior!, inputs: keptInputs(prior!.inputs), protect: options.protect });
            case "update": {
                const inputs = keptInputs(prior!.inputs);
                const outputs = this.mode === "up"
                    ? await this.tenant.update(args.type, prior!, inputs)
                    : storedState(args.type, inputs, computedOf(semantics.computed, prior!.outputs));
                return record({ ...prior!, inputs, outputs, protect: options.protect });
            }
            case "import": {
                const read = this.reads.get(key) ?? {};
                const imported: StateEntry = { type: args.type, name: args.name, id: registration.importId!, inputs: keptInputs(read), outputs: read, protect: options.protect };
                if (afterImport?.op !== "update" || this.mode === "preview") return record(imported);
                return record({ ...imported, outputs: await this.tenant.update(args.type, imported, imported.inputs) });
            }
            case "create":
            case "replace": {
                if (prior && semantics.replaceOrder === "delete-before-create" && this.mode === "up") await this.tenant.delete(args.type, prior);
                else if (prior) this.retired.push(prior);
                if (this.mode === "preview") {
                    return record({ type: args.type, name: args.name, id: `(new ${args.name})`, inputs: registration.inputs, outputs: storedState(args.type, registration.inputs), protect: options.protect });
                }
                const created = await this.tenant.create(args.type, args.name, registration.inputs);
                return record({ type: args.type, name: args.name, id: created.id, inputs: registration.inputs, outputs: created.outputs, protect: options.protect });
            }
            default:
                throw new Error(`unexpected step ${step.op} for ${args.name}`);
        }
    }

    private planSoFar(): PlanStep[] {
        return planRun(this.previous, this.registrations, {
            planned: (r) => storedState(r.type, r.inputs),
            readImport: (r) => this.reads.get(`${r.type}::${r.name}`),
        }).filter((s) => s.op !== "delete");
    }

    /**
     * Ends the run as the engine does: replaced and no longer registered resources are deleted last.
     * Throws the first registration failure, as `pulumi up` would report it.
     */
    async finish(): Promise<RunResult> {
        await waitForRegistrations();
        if (this.failures.length > 0) throw this.failures[0];
        const steps = planRun(this.previous, this.registrations, {
            planned: (r) => storedState(r.type, r.inputs),
            readImport: (r) => this.reads.get(`${r.type}::${r.name}`),
        });
        const deletes = steps.filter((s) => s.op === "delete");
        if (this.mode === "up") {
            for (const refused of deletes.filter((s) => s.refusal)) throw new Error(`${refused.name}: ${refused.refusal}`);
            for (const old of this.retired) await this.tenant.delete(old.type, old);
            for (const removed of deletes) {
                const entry = this.previousByKey.get(`${removed.type}::${removed.name}`);
                if (entry) await this.tenant.delete(entry.type, entry);
            }
        }
        return { steps, state: this.mode === "up" ? [...this.next] : [...this.previous] };
    }
}

/**
 * Waits until every registration the program started has been answered, as the language host does
 * before the engine finishes an update (`waitForRPCs` in @pulumi/pulumi's runtime/settings.js, exported
 * but not typed). A resource whose inputs resolve late (the Key Vault entries wait for the handoff) would
 * otherwise be missing from the plan.
 */
async function waitForRegistrations(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
    if (typeof settings.waitForRPCs !== "function") throw new Error("@pulumi/pulumi no longer exports runtime/settings waitForRPCs; update planner/engine.ts");
    await settings.waitForRPCs();
}

function computedOf(names: readonly string[], outputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(names.filter((n) => outputs[n] !== undefined).map((n) => [n, outputs[n]]));
}
