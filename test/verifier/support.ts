// Shared by the verifier tests: an emulated tenant on a fake clock that the verifier's sleeps advance,
// so replication delays, Retry-After and the 600-second timeout cost no real time.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import type { VerifyOptions } from "../../verifier/index";
import type { GraphSession } from "../../verifier/graph";
import { retryUntilSettled } from "../../verifier/retry";

export class FakeTime {
    ms = Date.parse("2026-11-27T09:00:00Z");
    readonly sleeps: number[] = [];
    readonly now = (): number => this.ms;
    readonly date = (): Date => new Date(this.ms);
    readonly sleep = async (ms: number): Promise<void> => {
        this.sleeps.push(ms);
        this.ms += ms;
    };
}

/**
 * A Graph session whose answers are `attempt`'s, retried the way the verifier retries Graph (verifier/retry.ts,
 * base 500 ms, cap 10 s) within 600 s on `time`, so a Retry-After shows up in `time.sleeps`, not as a real wait.
 */
export function scriptedGraph(attempt: GraphSession["attempt"], time = new FakeTime()): GraphSession {
    const deadlineMs = time.ms + 600_000;
    return {
        attempt,
        retry: (label, run) => retryUntilSettled({ label, baseMs: 500 }, { now: time.now, sleep: time.sleep, random: () => 0.5, deadlineMs, capMs: 10_000, progress: () => undefined }, run),
    };
}

export interface Tenant {
    emulator: Emulator;
    time: FakeTime;
    options(extra?: Partial<VerifyOptions>): VerifyOptions & { onProgress: (line: string) => void };
    progress: string[];
}

export async function startTenant(): Promise<Tenant> {
    const time = new FakeTime();
    const emulator = await startEmulator({ now: time.date });
    const progress: string[] = [];
    return {
        emulator,
        time,
        progress,
        options: (extra = {}) => ({
            authorityHost: emulator.url,
            graphEndpoint: emulator.url,
            clock: time.now,
            sleep: time.sleep,
            random: () => 0.5,
            onProgress: (line) => progress.push(line),
            ...extra,
        }),
    };
}

/** Fails when any secret of the handoff, or anything shaped like a JWT, appears in the text. */
export function assertNoSecrets(text: string, handoff: Handoff): void {
    assert.ok(!text.includes(handoff.secretValue), "the client secret leaked");
    assert.ok(!text.includes(handoff.userPassword), "the password leaked");
    assert.ok(!text.includes(encodeURIComponent(handoff.userPassword)), "the encoded password leaked");
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]+\.eyJ/, "an access token leaked");
}

/** A server that accepts connections and never answers, for the no-response timeout. */
export async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** A URL where nothing listens: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
}
