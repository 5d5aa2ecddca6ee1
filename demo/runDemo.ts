// The whole mission offline: a local tenant, the real stack program carried out against it through Graph
// calls, the post-deploy verification over HTTP, and the handoff table for the jtel contact.
import { chmodSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import program from "../index";
import { startEmulator, type Emulator } from "../emulator/index";
import type { Handoff } from "../handoff/types";
import { DeploymentEngine, type RunResult } from "../planner/engine";
import { changesNothing, summarize, type StateEntry } from "../planner/plan";
import { RANDOM_PASSWORD } from "../planner/tables";
import type { VerificationFailedError, VerificationSummary } from "../stack/postDeployVerification";
import { verifyPresenceAccess, type VerifyOptions } from "../verifier/index";
import { rowsFor, servicePrincipalDeployer, servicePrincipalGrants, type SignedInDeployer } from "./deployer";
import { EmulatorTenant, type EmulatorTenantOptions } from "./emulatorMocks";
import { SCENARIOS } from "./scenarios";
import { formatTable } from "../handoff/index";

export interface DemoOptions {
    /** A failure scenario from SCENARIOS. */
    scenario?: string;
    /** The instant the stack program runs at (rotation dates follow it); the real clock by default. */
    now?: Date;
    /** Print the secret and password instead of masking them. */
    showSecrets?: boolean;
    /** After a verified deployment, write the stack's outputs here (0600), as `pulumi stack output --json --show-secrets` prints them. */
    saveOutputs?: string;
    stdout: (line: string) => void;
    stderr: (line: string) => void;
    /** Receives the handoff values; tests use it to scan the output for them. */
    onHandoff?: (handoff: Handoff) => void;
}

/** Agents seeded in the emulated tenant, so the verification reads their presence too. */
const AGENTS = [
    { name: "anna.agent", availability: "Available", activity: "Available" },
    { name: "ben.agent", availability: "Busy", activity: "InACall" },
    { name: "carla.agent", availability: "Away", activity: "Away" },
    { name: "dan.nolicence", availability: "PresenceUnknown", activity: "PresenceUnknown" },
] as const;

/** Config keys the demo's stack gets from the emulator it runs against. */
export function emulatorConfig(emulator: Emulator): Record<string, string> {
    return {
        "azuread:tenantId": emulator.tenantId,
        "jtel-teams-presence:serviceUserPrincipalName": `jtel-presence@${emulator.directory.domain}`,
        "jtel-teams-presence:authorityHost": emulator.url,
        "jtel-teams-presence:graphEndpoint": emulator.url,
    };
}

export interface EmulatorDeployment {
    emulator: Emulator;
    deployer: SignedInDeployer;
    /** Full keys (`jtel-teams-presence:...`, `azuread:tenantId`). */
    config: Record<string, string>;
    now: Date;
    /** The state the previous run left; none for a first deployment. */
    previous?: readonly StateEntry[];
    /** `preview` plans against the previous state and changes nothing in the tenant. */
    mode?: "up" | "preview";
    tenant?: Partial<EmulatorTenantOptions>;
    log?: (line: string) => void;
    /** The clock the post-deploy verification records its time with; the real one by default. */
    clock?: () => number;
}

/** `pulumi up` (or `preview`) of the real program against the emulator, as the deployer. */
export async function deployToEmulator(d: EmulatorDeployment): Promise<{ result: RunResult; outputs: Awaited<ReturnType<typeof program>> }> {
    const tenant = new EmulatorTenant({
        url: d.emulator.url, tenantId: d.emulator.tenantId, accessToken: d.deployer.token,
        deployerClientId: d.deployer.clientId, deployerObjectId: d.deployer.objectId, ...d.tenant,
    });
    const engine = new DeploymentEngine(d.previous ?? [], tenant, d.mode ?? "up");
    await engine.install({ config: d.config, stack: "demo" });
    const clock = d.clock;
    const outputs = await program({
        now: d.now, ...(d.log ? { log: d.log } : {}),
        ...(clock ? { verify: (handoff: Handoff, options: VerifyOptions) => verifyPresenceAccess(handoff, { ...options, clock }) } : {}),
    });
    // Settle every output (a refused registration rejects it) before ending the run.
    await Promise.allSettled(Object.values(outputs).map((v) => (pulumi.Output.isInstance(v) ? (v as unknown as { promise(): Promise<unknown> }).promise() : v)));
    return { result: await engine.finish(), outputs };
}

/**
 * What a second `pulumi up` would do right now: every resource read back from the tenant as the provider's
 * Read does (`pulumi preview --refresh`), then the program planned against that state. An end date sent in
 * a form Graph does not store, or anything else Graph normalises, shows up as a replacement here.
 */
export async function redeployPlan(d: EmulatorDeployment & { previous: readonly StateEntry[] }): Promise<RunResult["steps"]> {
    const tenant = new EmulatorTenant({
        url: d.emulator.url, tenantId: d.emulator.tenantId, accessToken: d.deployer.token,
        deployerClientId: d.deployer.clientId, deployerObjectId: d.deployer.objectId,
    });
    const refreshed: StateEntry[] = [];
    for (const entry of d.previous) {
        // A RandomPassword has no remote object; its state is all there is.
        if (entry.type === RANDOM_PASSWORD.token) { refreshed.push(entry); continue; }
        const read = await tenant.read(entry.type, entry.id);
        // Write-only values (password, secret value) are kept in state, not read.
        if (read) refreshed.push({ ...entry, outputs: { ...pickWriteOnly(entry.outputs), ...read } });
    }
    const { result } = await deployToEmulator({ ...d, previous: refreshed, mode: "preview" });
    return result.steps;
}

/** Every stack output resolved, secrets in clear: what `pulumi stack output --json --show-secrets` prints. */
async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const entries = await Promise.all(Object.entries(outputs).map(async ([key, value]) =>
        [key, pulumi.Output.isInstance(value) ? await (value as unknown as { promise(): Promise<unknown> }).promise() : value] as const));
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** Writes a file only its owner can read, also when it existed before with wider rights. */
function writeSecretFile(path: string, text: string): void {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
}

function pickWriteOnly(outputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(["password", "forcePasswordChange", "value"].filter((k) => k in outputs).map((k) => [k, outputs[k]]));
}

export async function runDemo(options: DemoOptions): Promise<number> {
    const { stdout } = options;
    const scenario = options.scenario ? SCENARIOS[options.scenario] : undefined;
    if (options.scenario && !scenario) throw new RangeError(`unknown scenario ${options.scenario}`);
    const programNow = scenario?.programNow?.(options.now ?? new Date()) ?? options.now ?? new Date();
    // The tenant's clock runs at the program's date, so secret expiry is judged at the same instant; a scenario
    // may move it on (shiftMs) to show what happens days later.
    const realStart = Date.now();
    let shiftMs = 0;
    const tenantNow = () => new Date(programNow.getTime() + shiftMs + (Date.now() - realStart));
    const emulator = await startEmulator({ now: tenantNow });
    try {
        const upn = `jtel-presence@${emulator.directory.domain}`;
        stdout(`[1/4] Local tenant emulator on ${emulator.url} (tenant ${emulator.tenantId}); no Azure account needed.`);
        // Exactly README's least-privileged deploying service principal for this configuration.
        const deployer = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor()));
        for (const agent of AGENTS) {
            const user = emulator.directory.createUser({ userPrincipalName: `${agent.name}@${emulator.directory.domain}`, displayName: agent.name, password: `Agent-${agent.name}-Pw1!`, forceChangePasswordNextSignIn: false });
            emulator.directory.setPresence(user.id, agent.availability, agent.activity);
        }
        const ctx = { emulator, serviceUserPrincipalName: upn };
        if (scenario) {
            stdout(`      scenario ${options.scenario}: ${scenario.description}.`);
            scenario.before?.(ctx);
        }

        stdout(`[2/4] pulumi up: the stack program (index.ts, components/) at ${programNow.toISOString()}, its resources created through Graph calls:`);
        const config = {
            ...emulatorConfig(emulator),
            "jtel-teams-presence:delegatedPermissions": JSON.stringify(["User.Read", "Presence.Read.All", "User.ReadBasic.All"]),
            "jtel-teams-presence:verifyAgents": JSON.stringify(AGENTS.map((a) => `${a.name}@${emulator.directory.domain}`)),
            "jtel-teams-presence:verifyTimeoutSeconds": "60",
        };
        const verifyLines: string[] = [];
        // The verification runs on the tenant's clock, as on a real machine: the new secret's age (its start date, set
        // by the tenant) is what decides whether replication can explain an invalid secret.
        const { result, outputs } = await deployToEmulator({
            emulator, deployer, config, now: programNow, log: (line) => verifyLines.push(line), clock: () => tenantNow().getTime(),
            tenant: {
                onStep: (step) => stdout(`      + ${step.summary}`),
                afterCreate: (type, state) => scenario?.afterCreate?.(ctx, type, state),
            },
        });
        const plain = async <T>(output: pulumi.Output<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();
        const [handoff, secretExpiresAt, previousSecretExpiresAt, nextRotationAt] = await Promise.all([
            plain(outputs.handoff), plain(outputs.secretExpiresAt), plain(outputs.previousSecretExpiresAt), plain(outputs.nextRotationAt),
        ]);

        options.onHandoff?.(handoff);
        // Verification runs once every resource exists, so awaiting it first keeps the resource lines above.
        const verification = await plain(outputs.verification).then((v) => v, (error: Error) => error);
        // Planned only after the verification: a preview switches Pulumi's runtime into dry-run mode.
        const redeploy = await redeployPlan({ emulator, deployer, config, now: new Date(programNow.getTime() + 60_000), previous: result.state });
        stdout(changesNothing(redeploy)
            ? `      redeploy check: a pulumi up a minute later, planned against what the tenant returns, changes nothing (${summarize(redeploy)})`
            : `      redeploy check: a pulumi up a minute later would change the tenant: ${redeploy.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}${s.changed.length ? ` (${s.changed.join(", ")})` : ""}`).join("; ")}`);
        stdout("[3/4] Post-deploy verification: signing in and reading presence exactly as the jtel connector will:");
        for (const line of verifyLines) stdout(`      ${line}`);
        if (verification instanceof Error) {
            if (verification.name !== "VerificationFailedError") throw verification;
            const failed = verification as VerificationFailedError;
            for (const line of failed.message.split("\n")) stdout(`      ${line}`);
            return failed.report.gaveUp ? 3 : 1;
        }
        {
            const agents = (verification as VerificationSummary).agents;
            stdout(`      verified: scopes ${verification.grantedScopes?.join(" ")}; service user ${verification.availability ?? "without Teams presence"}` +
                (agents ? `; agents ${agents.resolved}/${agents.requested} read, without Teams presence: ${agents.presenceUnknown.join(", ") || "none"}` : ""));
        }

        stdout("[4/4] Handoff for the jtel contact:");
        const table = formatTable({ handoff, secretExpiresAt, previousSecretExpiresAt, nextRotationAt }, { showSecrets: options.showSecrets ?? false });
        for (const line of table.trimEnd().split("\n")) stdout(line);
        if (!options.showSecrets) stdout("(secrets masked: run with --show-secrets to print them)");
        if (options.saveOutputs) {
            writeSecretFile(options.saveOutputs, `${JSON.stringify(await resolveOutputs(outputs), null, 2)}\n`);
            stdout(`Outputs saved to ${options.saveOutputs} (0600: it holds the secret and the password; delete it when done).`);
        }
        await scenario?.afterHandoff?.({
            emulator, handoff, stdout, now: tenantNow,
            advance: (ms) => { shiftMs += ms; },
            redeploy: async (at) => {
                // Days later the first sign-in's token has long expired: the deployer signs in again, as a new run would.
                const fresh = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor()));
                // The verification's time is the tenant's, as on a real machine, so its own sign-in is told apart.
                const again = await deployToEmulator({
                    emulator, deployer: fresh, config, now: at, previous: result.state, log: (line) => stdout(`      ${line}`), clock: () => tenantNow().getTime(),
                });
                const o = again.outputs;
                const [newHandoff, directoryTenantId, applicationClientId, currentSecretKeyId, previousSecretKeyId, secretExpiresAt, previousExpiresAt, currentSecretCreatedAt, verified] = await Promise.all([
                    plain(o.handoff), plain(o.directoryTenantId), plain(o.applicationClientId), plain(o.currentSecretKeyId), plain(o.previousSecretKeyId),
                    plain(o.secretExpiresAt), plain(o.previousSecretExpiresAt), plain(o.currentSecretCreatedAt), plain(o.verification),
                ]);
                options.onHandoff?.(newHandoff);
                return {
                    handoff: newHandoff,
                    outputs: {
                        directoryTenantId, applicationClientId, currentSecretKeyId, previousSecretKeyId, secretExpiresAt, previousSecretExpiresAt: previousExpiresAt, currentSecretCreatedAt, cloud: o.cloud,
                        ...(verified.verifiedAt ? { verification: { verifiedAt: verified.verifiedAt, ...(verified.elapsedMs !== undefined ? { elapsedMs: verified.elapsedMs } : {}) } } : {}),
                    },
                };
            },
        });
        return 0;
    } finally {
        await emulator.close();
    }
}
