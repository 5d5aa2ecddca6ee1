// `npm run demo -- --scenario connector-not-switched`: a rotation where the jtel connector keeps the old client
// secret. The stack is deployed before a rotation boundary and the connector configured with that handoff; the
// daily `pulumi up` after the boundary issues a new secret (the previous one stays valid for the overlap); the
// connector keeps signing in with the old one. The next morning, before the daily up, the credential activity
// report shows it: the warning `npm run status` prints and its exit code, then the remedy and the report once
// the connector uses the newest secret.
import { addReportReader, type Emulator, type Handoff } from "../emulator/index";
import { DEFAULT_THRESHOLDS, usageProblems } from "../fleet/status";
import { periodIndex, periodStart } from "../components/rotationSchedule";
import { readUsageRecord, type UsageOutputs } from "../verifier/usageRecord";
import { classifySecretUsage, describeUsage, usageCell } from "../verifier/secretUsage";

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** The defaults of secretRotationDays and secretOverlapDays (Pulumi.yaml), which the demo's stack keeps. */
const ROTATION_DAYS = 180;
const OVERLAP_DAYS = 60;
/** The walkthrough's second `up` leaves this many days of the overlap: inside the status's 14-day deadline. */
const DAYS_LEFT = 10;

/** When the demo's first `up` runs: two days before the rotation boundary whose overlap ends DAYS_LEFT days
 * after the second `up`, chosen from the requested date so every run shows the same story. */
export function firstDeploymentDate(requested: Date): Date {
    const boundary = periodStart(periodIndex(requested, ROTATION_DAYS), ROTATION_DAYS);
    return new Date(boundary.getTime() - 2 * DAY_MS);
}

/** The second `up`: after the boundary, DAYS_LEFT days before the previous secret expires. */
export function rotationDeploymentDate(firstUp: Date): Date {
    const boundary = periodStart(periodIndex(firstUp, ROTATION_DAYS) + 1, ROTATION_DAYS);
    return new Date(boundary.getTime() + (OVERLAP_DAYS - DAYS_LEFT) * DAY_MS);
}

export interface WalkthroughContext {
    emulator: Emulator;
    /** The handoff of the first `up`: what the connector was configured with. */
    handoff: Handoff;
    stdout(line: string): void;
    /** Moves the tenant's clock. */
    advance(ms: number): void;
    now(): Date;
    /** Runs `pulumi up` again at this date against the state of the first one; returns its non-secret outputs and handoff. */
    redeploy(at: Date): Promise<{ outputs: UsageOutputs & { secretExpiresAt: string; currentSecretCreatedAt?: string | null }; handoff: Handoff }>;
}

/** The connector's sign-in (ROPC with the Secret Value it has); true when Entra ID issued a token. */
async function connectorSignsIn(emulator: Emulator, handoff: Handoff, secretValue: string): Promise<boolean> {
    const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
            grant_type: "password", client_id: handoff.applicationClientId, client_secret: secretValue,
            username: handoff.userEmail, password: handoff.userPassword, scope: `${emulator.url}/.default`,
        }),
        redirect: "manual",
    });
    await response.body?.cancel();
    return response.status === 200;
}

const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The walkthrough after the first deployment's handoff; returns the exit code `npm run status` gives at the warning. */
export async function walkThroughConnectorNotSwitched(ctx: WalkthroughContext): Promise<number> {
    const { emulator, stdout } = ctx;
    const oldSecret = ctx.handoff.secretValue;
    const reader = addReportReader(emulator);

    stdout("[rotation 1/4] The jtel contact configures the connector with this handoff; it signs in about once an hour:");
    for (let i = 0; i < 3; i++) {
        ctx.advance(HOUR_MS);
        stdout(`      ${stamp(ctx.now())} connector sign-in with the handed-over secret: ${(await connectorSignsIn(emulator, ctx.handoff, oldSecret)) ? "ok" : "refused"}`);
    }

    const second = rotationDeploymentDate(ctx.now());
    ctx.advance(second.getTime() - ctx.now().getTime());
    stdout(`[rotation 2/4] The daily pulumi up at ${stamp(ctx.now())}, after the rotation boundary: a new client secret, the previous one valid for the overlap:`);
    const { outputs, handoff } = await ctx.redeploy(ctx.now());
    stdout(`      newest secret key ID ${outputs.currentSecretKeyId} (created ${outputs.currentSecretCreatedAt ? stamp(new Date(outputs.currentSecretCreatedAt)) : "at an unknown time"}, expires ${outputs.secretExpiresAt.slice(0, 10)}); previous ${outputs.previousSecretKeyId} (valid until ${outputs.previousSecretExpiresAt?.slice(0, 10)})`);
    stdout("      the new Secret Value is handed over (npm run handoff, or the Key Vault) ... but the connector is not updated:");
    for (let i = 0; i < 3; i++) {
        ctx.advance(4 * HOUR_MS);
        stdout(`      ${stamp(ctx.now())} connector sign-in with the OLD secret: ${(await connectorSignsIn(emulator, handoff, oldSecret)) ? "ok (still valid)" : "refused"}`);
    }

    ctx.advance(24 * HOUR_MS - 12 * HOUR_MS - 5 * 60_000);
    stdout(`[rotation 3/4] ${stamp(ctx.now())}, before the next daily up: the workflow reads Graph's credential activity report (GET /beta/reports/appCredentialSignInActivities) as the deployer:`);
    const record = await readUsageRecord(outputs, { credential: () => reader.credential, graphEndpoint: emulator.url, now: ctx.now });
    if (!record) throw new Error("the redeploy's outputs name no tenant or app");
    const usage = classifySecretUsage(record, { now: ctx.now(), idleHours: DEFAULT_THRESHOLDS.idleHours });
    const problems = usageProblems(usage, DEFAULT_THRESHOLDS, ctx.now());
    stdout(`      connector secret: ${usageCell(usage)}`);
    stdout(`      ${describeUsage(usage, "npm run handoff -- --stack <stack>")}`);
    for (const p of problems) stdout(`      npm run status: ${p.code}: ${p.message}`);
    const statusExit = problems.length > 0 ? 1 : 0;
    stdout(`      npm run status exits ${statusExit}${statusExit ? ` (a connector on an old secret within ${DEFAULT_THRESHOLDS.switchDeadlineDays} days of its expiry), and the run's summary shows the row` : ""}.`);

    stdout("[rotation 4/4] The remedy: the jtel contact puts the newest Secret Value into the connector:");
    ctx.advance(HOUR_MS);
    stdout(`      ${stamp(ctx.now())} connector sign-in with the newest secret: ${(await connectorSignsIn(emulator, handoff, handoff.secretValue)) ? "ok" : "refused"}`);
    ctx.advance(10 * 60_000);
    const after = await readUsageRecord(outputs, { credential: () => reader.credential, graphEndpoint: emulator.url, now: ctx.now });
    const fixed = after ? classifySecretUsage(after, { now: ctx.now(), idleHours: DEFAULT_THRESHOLDS.idleHours }) : undefined;
    stdout(`      connector secret: ${fixed ? usageCell(fixed) : "unknown"}; ${fixed ? describeUsage(fixed) : ""}`);
    stdout("      The previous secret can now expire without an outage.");
    return statusExit;
}
