// The whole mission offline: a local tenant, the real stack program carried out against it through Graph
// calls, the post-deploy verification over HTTP, and the handoff table for the jtel contact.
import * as pulumi from "@pulumi/pulumi";
import program from "../index";
import { startEmulator, type Emulator } from "../emulator";
import type { Handoff } from "../handoff/types";
import type { VerificationFailedError, VerificationSummary } from "../stack/postDeployVerification";
import { EmulatorMocks } from "./emulatorMocks";
import { SCENARIOS } from "./scenarios";
import { formatTable } from "../handoff";

export interface DemoOptions {
    /** A failure scenario from SCENARIOS. */
    scenario?: string;
    /** The instant the stack program runs at (rotation dates follow it); the real clock by default. */
    now?: Date;
    /** Print the secret and password instead of masking them. */
    showSecrets?: boolean;
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

async function deployerToken(emulator: Emulator): Promise<{ token: string; clientId: string; objectId: string }> {
    const app = emulator.directory.createApplication({ displayName: "Pulumi deployer (offline demo)" });
    const sp = emulator.directory.createServicePrincipal({ appId: app.appId });
    const { secretText } = emulator.directory.addPassword(app.id, { displayName: "deployer" });
    const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, client_secret: secretText, scope: `${emulator.url}/.default` }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`the emulator refused the deployer's sign-in (${body.error ?? response.status})`);
    return { token: body.access_token, clientId: app.appId, objectId: sp.id };
}

export async function runDemo(options: DemoOptions): Promise<number> {
    const { stdout } = options;
    const scenario = options.scenario ? SCENARIOS[options.scenario] : undefined;
    if (options.scenario && !scenario) throw new RangeError(`unknown scenario ${options.scenario}`);
    const programNow = options.now ?? new Date();
    // The tenant's clock runs at the program's date, so secret expiry is judged at the same instant.
    const realStart = Date.now();
    const emulator = await startEmulator({ now: () => new Date(programNow.getTime() + (Date.now() - realStart)) });
    try {
        const upn = `jtel-presence@${emulator.directory.domain}`;
        stdout(`[1/4] Local tenant emulator on ${emulator.url} (tenant ${emulator.tenantId}); no Azure account needed.`);
        const deployer = await deployerToken(emulator);
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
        const mocks = new EmulatorMocks({
            url: emulator.url, tenantId: emulator.tenantId, accessToken: deployer.token,
            deployerClientId: deployer.clientId, deployerObjectId: deployer.objectId,
            onStep: (step) => stdout(`      + ${step.summary}`),
            afterCreate: (type, state) => scenario?.afterCreate?.(ctx, type, state),
        });
        pulumi.runtime.setAllConfig({
            "azuread:tenantId": emulator.tenantId,
            "jtel-teams-presence:serviceUserPrincipalName": upn,
            "jtel-teams-presence:delegatedPermissions": JSON.stringify(["User.Read", "Presence.Read.All", "User.ReadBasic.All"]),
            "jtel-teams-presence:verifyAgents": JSON.stringify(AGENTS.map((a) => `${a.name}@${emulator.directory.domain}`)),
            "jtel-teams-presence:authorityHost": emulator.url,
            "jtel-teams-presence:graphEndpoint": emulator.url,
            "jtel-teams-presence:verifyTimeoutSeconds": "60",
        });
        await pulumi.runtime.setMocks(mocks, "jtel-teams-presence", "demo", false);
        const verifyLines: string[] = [];
        const outputs = await program({ now: programNow, log: (line) => verifyLines.push(line) });
        const plain = async <T>(output: pulumi.Output<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();
        const [handoff, secretExpiresAt, previousSecretExpiresAt, nextRotationAt] = await Promise.all([
            plain(outputs.handoff), plain(outputs.secretExpiresAt), plain(outputs.previousSecretExpiresAt), plain(outputs.nextRotationAt),
        ]);

        options.onHandoff?.(handoff);
        // Verification runs once every resource exists, so awaiting it first keeps the resource lines above.
        const verification = await plain(outputs.verification).then((v) => v, (error: Error) => error);
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
        return 0;
    } finally {
        await emulator.close();
    }
}
