// Fault switches and the counters that decide which request a periodic fault hits.
import type { Faults, UserRecord } from "./types";

export const DEFAULT_LOCKOUT_DURATION_MS = 60_000;

export function defaultFaults(overrides: Partial<Faults> = {}): Faults {
    return {
        replicationDelayMs: 0,
        mfaRequired: new Set(),
        mfaRegistrationRequired: new Set(),
        conditionalAccessBlocked: new Set(),
        passwordExpired: new Set(),
        withoutTeams: new Set(),
        withoutTeamsPresence: "PresenceUnknown",
        nullAvailability: new Set(),
        nullActivity: new Set(),
        withoutPremiumLicence: false,
        reportPageSize: 100,
        reportShape: "metadata",
        reportDelayMs: 0,
        reportSkipsPasswordSignIns: false,
        lockoutThreshold: 10,
        throttleEvery: 0,
        retryAfterSeconds: 1,
        serverErrorEvery: 0,
        latencyMs: 0,
        ...overrides,
    };
}

/** Fault sets name users by object ID or by UPN; UPNs compare case-insensitively like Entra ID. */
export function userListed(set: ReadonlySet<string>, user: Pick<UserRecord, "id" | "userPrincipalName">): boolean {
    if (set.has(user.id)) return true;
    const upn = user.userPrincipalName.toLowerCase();
    for (const entry of set) {
        if (entry.toLowerCase() === upn) return true;
    }
    return false;
}

/** Counts requests so "every n-th" faults are deterministic; n = 0 switches a fault off. Changing n
 * restarts its count, so "every 3rd" means every 3rd request after the switch was set. */
export class FaultCounters {
    private all = { n: 0, count: 0 };
    private graph = { n: 0, count: 0 };

    constructor(private readonly faults: Faults) {}

    /** Call once per incoming HTTP request (token endpoint and Graph). */
    nextRequestFails(): boolean {
        return FaultCounters.tick(this.all, this.faults.serverErrorEvery);
    }

    /** Call once per Graph request, including each sub-request of a `$batch`. */
    nextGraphRequestThrottled(): boolean {
        return FaultCounters.tick(this.graph, this.faults.throttleEvery);
    }

    private static tick(counter: { n: number; count: number }, n: number): boolean {
        if (counter.n !== n) {
            counter.n = n;
            counter.count = 0;
        }
        counter.count++;
        return n > 0 && counter.count % n === 0;
    }
}
