// The test side of the real-client conformance suite: an HTTPS emulator in this process and the real
// clients in a child process that trusts the emulator's CA through NODE_EXTRA_CA_CERTS.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Command, ErrorSummary } from "./realClient";

/** Thrown in the test process when the client in the child failed; carries only codes and IDs. */
export class ClientError extends Error {
    constructor(readonly summary: ErrorSummary) {
        super(`${summary.name} ${summary.errorCode}${summary.errorNo ? ` (AADSTS${summary.errorNo})` : ""}`);
    }
}

export class RealClients {
    private nextId = 1;
    private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

    private constructor(private readonly child: ChildProcess) {
        child.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: ErrorSummary }) => {
            if (message.id === undefined) return;
            const waiter = this.pending.get(message.id);
            this.pending.delete(message.id);
            if (message.ok) waiter?.resolve(message.result);
            else waiter?.reject(new ClientError(message.error as ErrorSummary));
        });
        child.on("exit", (code) => {
            for (const waiter of this.pending.values()) waiter.reject(new Error(`client process exited with ${code}`));
            this.pending.clear();
        });
    }

    /** Starts the client process trusting `caFile`, as `NODE_EXTRA_CA_CERTS=caFile node app.js` would. */
    static async start(caFile: string): Promise<RealClients> {
        const child = fork(join(__dirname, "realClient.ts"), [], {
            execArgv: ["-r", "ts-node/register/transpile-only"],
            env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
            stdio: ["ignore", "ignore", "inherit", "ipc"],
        });
        await new Promise<void>((resolve, reject) => {
            child.once("message", () => resolve());
            child.once("exit", (code) => reject(new Error(`client process exited with ${code} before it was ready`)));
        });
        return new RealClients(child);
    }

    call<T>(command: Command): Promise<T> {
        const id = this.nextId++;
        return new Promise<T>((resolve, reject) => {
            this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
            this.child.send({ id, command });
        });
    }

    async stop(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.child.kill("SIGTERM");
        await exited;
    }
}
