// After the resources exist, sign in with the handoff values exactly as the jtel connector will and read
// presence. Runs inside `pulumi up` only (never in preview); a failure fails the update with the diagnosis.
import * as pulumi from "@pulumi/pulumi";
import type { Handoff } from "../handoff/types";
import type { ChangedAt, VerificationReport, VerifyOptions } from "../verifier/index";
import { cloudEndpoints, type CloudName } from "../verifier/clouds";
import { UserError } from "../components/userError";

export type VerifyFunction = (handoff: Handoff, options: VerifyOptions) => Promise<VerificationReport>;

export interface PostDeployVerificationArgs {
    /** The five values the connector will get. */
    handoff: pulumi.Output<Handoff>;
    /** Resolves once everything the sign-in depends on exists (owner link, consent, secret). */
    after: pulumi.Input<unknown>;
    /** When the newest client secret was created (its start date as Graph returned it), or null when unknown. */
    secretCreatedAt?: pulumi.Input<string | null>;
    /** `verify` config: false exports `{status: "disabled"}` and signs in nowhere. */
    enabled: boolean;
    cloud: CloudName;
    /** `verifyPasswordAttempts`: the password budget when lower than the cloud's (verifier/clouds.ts). */
    passwordAttempts?: number;
    authorityHost?: string;
    graphEndpoint?: string;
    /** Delegated permissions the token must carry. */
    expectedScopes: readonly string[];
    /** Agents whose presence is read too. */
    agents: readonly string[];
    timeoutSeconds: number;
    /** The verifier; replaced only by tests and the offline demo's clock. */
    verify?: VerifyFunction;
    /** Receives progress lines (already redacted); `pulumi.log.info` by default. */
    log?: (line: string) => void;
}

/** The `verification` stack output: no secret in it, so it is exported as plain text. */
export interface VerificationSummary {
    status: "verified" | "skipped" | "disabled";
    reason?: string;
    verifiedAt?: string;
    grantedScopes?: string[];
    availability?: string;
    activity?: string;
    /** How Graph answered for the service user's own presence (information; only agents need Teams). */
    serviceUserPresence?: VerificationReport["serviceUserPresence"];
    notes?: string[];
    attempts?: VerificationReport["attempts"];
    elapsedMs?: number;
    agents?: VerificationReport["agents"];
    /** When the verification's password sign-in with the newest secret (`currentSecretKeyId`) was sent, and the
     * request IDs of it and of the client-credentials check: the canary `npm run status` and `npm run handoff`
     * expect the credential activity report to show (verifier/secretUsage.ts). */
    passwordSignInAt?: string;
    passwordSignInRequestId?: string;
    clientCredentialsRequestId?: string;
}

/** A UserError: `pulumi up` prints only the message (diagnosis and remedy), never the report's fields. */
export class VerificationFailedError extends UserError {
    constructor(readonly report: VerificationReport) {
        super([
            `Post-deploy verification failed: the jtel connector could not sign in and read presence with the handoff values.`,
            `  code: ${report.code}${report.aadsts !== undefined ? ` (AADSTS${report.aadsts})` : ""}${report.gaveUp ? ", still failing when the verification gave up" : ""}`,
            `  what happened: ${report.message}`,
            `  what to do: ${report.remedy}`,
            `The resources exist; fix the cause and run \`pulumi up\` again, or check later with \`npm run verify -- --stack <stack>\`.`,
        ].join("\n"));
        this.name = "VerificationFailedError";
    }
}

export function endpointsFor(args: Pick<PostDeployVerificationArgs, "cloud" | "authorityHost" | "graphEndpoint">) {
    const cloud = cloudEndpoints(args.cloud);
    return { authorityHost: args.authorityHost ?? cloud.authorityHost, graphEndpoint: args.graphEndpoint ?? cloud.graphEndpoint };
}

export function summarize(report: VerificationReport): VerificationSummary {
    return {
        status: "verified",
        verifiedAt: report.verifiedAt,
        grantedScopes: report.grantedScopes,
        availability: report.availability,
        activity: report.activity,
        ...(report.serviceUserPresence ? { serviceUserPresence: report.serviceUserPresence } : {}),
        ...(report.notes ? { notes: report.notes } : {}),
        attempts: report.attempts,
        elapsedMs: report.elapsedMs,
        ...(report.agents ? { agents: report.agents } : {}),
        ...(report.passwordSignInAt ? { passwordSignInAt: report.passwordSignInAt } : {}),
        ...(report.passwordSignInRequestId ? { passwordSignInRequestId: report.passwordSignInRequestId } : {}),
        ...(report.clientCredentialsRequestId ? { clientCredentialsRequestId: report.clientCredentialsRequestId } : {}),
    };
}

/**
 * What replication can explain during `pulumi up`: errors about the secret for minutes after its start date (read
 * back from Graph); errors about the app or user for minutes after this verification starts, since whatever this
 * run created or changed was provisioned just before it, and neither resource reads back a creation time
 * (terraform-provider-azuread v3.8.0 application_registration_resource.go, user_resource.go). A secret whose start
 * date was not read back counts as just created too: inside `pulumi up` it may be, and taking it for an old one
 * would stop a fresh deployment after two tries.
 */
export function changedAtFor(secretCreatedAt: string | null | undefined): ChangedAt {
    const secret = secretCreatedAt ? Date.parse(secretCreatedAt) : Number.NaN;
    return { secret: Number.isNaN(secret) ? "now" : secret, app: "now", user: "now" };
}

// The verifier (Graph client, token decoding) loads only when a verification runs: every preview and the
// start of every `up` would otherwise pay for it (bench/README.md, program start).
const loadVerifier: VerifyFunction = async (handoff, options) => (await import("../verifier/verify")).verifyPresenceAccess(handoff, options);

export function postDeployVerification(args: PostDeployVerificationArgs): pulumi.Output<VerificationSummary> {
    if (!args.enabled) return pulumi.output<VerificationSummary>({ status: "disabled", reason: "verify is false" });
    const verify = args.verify ?? loadVerifier;
    const log = args.log ?? ((line: string) => pulumi.log.info(line));
    // In preview the secret and user do not exist yet (or are about to change); only `up` can prove them. Decided
    // before waiting on any output: a new secret's start date is unknown in preview.
    if (pulumi.runtime.isDryRun()) return pulumi.output<VerificationSummary>({ status: "skipped", reason: "preview: verification runs during pulumi up" });
    const result = pulumi.all([args.handoff, args.after, args.secretCreatedAt ?? null]).apply(async ([handoff, , secretCreatedAt]): Promise<VerificationSummary> => {
        const report = await verify(handoff, {
            cloud: args.cloud,
            changedAt: changedAtFor(secretCreatedAt),
            ...endpointsFor(args),
            ...(args.passwordAttempts !== undefined ? { maxPasswordAttempts: args.passwordAttempts } : {}),
            expectedScopes: args.expectedScopes,
            agents: args.agents,
            timeoutSeconds: args.timeoutSeconds,
            onProgress: (line) => log(`verify: ${line}`),
        });
        if (!report.ok) throw new VerificationFailedError(report);
        return summarize(report);
    });
    // The summary is derived from secrets but holds none (the verifier redacts and reports no credential).
    return pulumi.unsecret(result);
}
