// Runs the stack program under Pulumi's mocks and records everything it registers. The mocks are strict:
// an invoke without a handler throws, so a new look-up is never silently undefined.
import * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "node:crypto";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, unknown>;
    /** URN of the parent resource ("" for the stack itself). */
    parent: string;
    protect: boolean;
    /** The import ID the program asked for, if any. */
    importId?: string;
    custom: boolean;
    /** The state the mock returned (inputs plus computed outputs). */
    state: Record<string, unknown>;
    id?: string;
}

export type InvokeHandler = (inputs: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;
export type ResourceHandler = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | Promise<Record<string, unknown>>;

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[] = [];
    /** Raw register requests keyed by type::name, filled by the monitor wrapper. */
    readonly requests = new Map<string, { parent: string; protect: boolean; importId?: string }>();

    constructor(
        private readonly invokeHandlers: Record<string, InvokeHandler>,
        private readonly resourceHandlers: Record<string, ResourceHandler> = {},
    ) {}

    async call(args: pulumi.runtime.MockCallArgs): Promise<Record<string, unknown>> {
        const handler = this.invokeHandlers[args.token];
        this.invokes.push({ token: args.token, inputs: args.inputs });
        if (!handler) throw new Error(`unexpected invoke ${args.token}: add a handler to the test's mocks`);
        return handler(args.inputs);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Record<string, unknown> }> {
        const handler = this.resourceHandlers[args.type];
        const computed = handler ? await handler(args) : {};
        const id = (computed.id as string | undefined) ?? (args.custom ? args.id || randomUUID() : undefined);
        const state = { ...args.inputs, ...computed };
        const request = this.requests.get(`${args.type}::${args.name}`);
        this.resources.push({
            type: args.type, name: args.name, urn: "", inputs: args.inputs, parent: request?.parent ?? "",
            protect: request?.protect ?? false, importId: request?.importId, custom: args.custom ?? false, state, id,
        });
        return { id, state };
    }

    byType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    one(type: string): RecordedResource {
        const found = this.byType(type);
        if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
        return found[0];
    }

    named(name: string): RecordedResource {
        const found = this.resources.find((r) => r.name === name);
        if (!found) throw new Error(`no resource named ${name}; registered: ${this.resources.map((r) => r.name).join(", ")}`);
        return found;
    }

    /** Name of the resource's parent, from its parent URN (names are unique in this program). */
    parentName(resource: RecordedResource): string {
        return resource.parent.split("::").pop() ?? "";
    }
}

export interface RunOptions {
    config: Record<string, string>;
    /** Keys (as in `config`) whose values Pulumi holds encrypted, as `pulumi config set --secret` stores them. */
    secretKeys?: string[];
    preview?: boolean;
    project?: string;
    stack?: string;
}

/** Installs the mocks and config; wraps the mock monitor so parent, protect and import IDs are recorded too. */
export async function installMocks(mocks: RecordingMocks, options: RunOptions): Promise<void> {
    const project = options.project ?? "jtel-teams-presence";
    const config: Record<string, string> = {};
    const qualified = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
    for (const [k, v] of Object.entries(options.config)) config[qualified(k)] = v;
    pulumi.runtime.setAllConfig(config, (options.secretKeys ?? []).map(qualified));
    await pulumi.runtime.setMocks(mocks, project, options.stack ?? "test", options.preview ?? false);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: any) => {
        mocks.requests.set(`${req.getType()}::${req.getName()}`, {
            parent: req.getParent(), protect: req.getProtect(), importId: req.getImportid() || undefined,
        });
        return register(req, callback);
    };
}

/** A secret as mocks receive it in resource inputs: Pulumi's secret signature around the value. */
export function asMockSecret(value: unknown): Record<string, unknown> {
    return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/** The plain value of an output (mocks make every value known). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** The output's underlying promise: rejects when the program's work for that output failed (as `pulumi up` would). */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (output as any).promise();
}

/** Runs `run` with pulumi.log.warn captured: the warnings `pulumi up` would print. */
export async function capturingWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => { warnings.push(message); return Promise.resolve(); };
    try {
        return { result: await run(), warnings };
    } finally {
        pulumi.log.warn = warn;
    }
}
