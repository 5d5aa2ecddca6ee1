// The emulated tenant the verifier benchmarks run against: the real clock and real timers, no faults, so
// the figures are what one verification costs end to end on loopback.
import { startEmulator, type Emulator, type Handoff } from "../emulator/index";
import { redact, verifyPresenceAccess, type VerificationReport, type VerifyOptions } from "../verifier/index";
import { BenchmarkSetupError } from "./harness";

export interface BenchTenant {
    emulator: Emulator;
    handoff: Handoff;
    options: VerifyOptions;
}

/** Starts an emulator and seeds one working setup, with `agentCount` agents when given. */
export async function startBenchTenant(seed: { agentCount?: number; delegatedScopes?: string[] } = {}): Promise<BenchTenant> {
    const emulator = await startEmulator();
    try {
        const agents = seed.agentCount ? agentNames(seed.agentCount, emulator.directory.domain) : undefined;
        const { handoff } = emulator.directory.seedPresenceSetup({
            ...(seed.delegatedScopes ? { delegatedScopes: seed.delegatedScopes } : {}),
            agents: (agents ?? []).map((userPrincipalName, i) => ({ userPrincipalName, availability: i % 2 === 0 ? "Available" : "Busy" })),
        });
        return {
            emulator,
            handoff,
            options: {
                authorityHost: emulator.url,
                graphEndpoint: emulator.url,
                ...(seed.delegatedScopes ? { expectedScopes: seed.delegatedScopes } : {}),
                ...(agents ? { agents } : {}),
            },
        };
    } catch (error) {
        await emulator.close();
        throw error;
    }
}

/** One verification that must succeed: timing a failure path would measure the wrong thing. */
export async function verifyOk(tenant: BenchTenant): Promise<VerificationReport> {
    const report = await verifyPresenceAccess(tenant.handoff, tenant.options);
    if (!report.ok) {
        // The verifier redacts its reports already; redact again so a bench log can never carry a secret.
        const text = redact(`${report.code}: ${report.message}`, [tenant.handoff.secretValue, tenant.handoff.userPassword]);
        throw new BenchmarkSetupError(`verification failed, so there is nothing to measure (${text})`);
    }
    return report;
}

/** Sign-in names (not object IDs), so the verifier resolves every agent through $batch first. */
function agentNames(count: number, domain: string): string[] {
    return Array.from({ length: count }, (_, i) => `agent${String(i + 1).padStart(4, "0")}@${domain}`);
}
