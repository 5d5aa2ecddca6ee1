// The credential activity report for one deployed stack (`npm run status`, `npm run handoff`, the demo's
// rotation walkthrough): read with the deployer's credential (never the handoff's secret) by usageReport.ts and
// kept with the stack's non-secret outputs it is judged against. Nothing here can fail a command: a report that
// cannot be read comes back as `unknown` with the reason.
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import { CLOUD_NAMES, type CloudName } from "./clouds";
import type { UsageRecord, VerificationRecord } from "./secretUsage";
import { readCredentialActivity } from "./usageReport";

/** The deployer's credential for one tenant. */
export type CredentialFactory = (tenantId: string) => TokenCredential;

/** The non-secret outputs the report is read for and judged against. */
export interface UsageOutputs {
    directoryTenantId?: string | null;
    applicationClientId?: string | null;
    currentSecretKeyId?: string | null;
    previousSecretKeyId?: string | null;
    previousSecretExpiresAt?: string | null;
    cloud?: CloudName;
    verification?: { verifiedAt?: string; elapsedMs?: number; passwordSignInAt?: string; passwordSignInRequestId?: string; clientCredentialsRequestId?: string };
}

const usageOutputsSchema = z.object({
    directoryTenantId: z.string().nullish().catch(undefined),
    applicationClientId: z.string().nullish().catch(undefined),
    currentSecretKeyId: z.string().nullish().catch(undefined),
    previousSecretKeyId: z.string().nullish().catch(undefined),
    previousSecretExpiresAt: z.iso.datetime({ offset: true }).nullish().catch(undefined),
    cloud: z.enum(CLOUD_NAMES).optional().catch(undefined),
    verification: z.object({
        verifiedAt: z.iso.datetime({ offset: true }).optional(),
        elapsedMs: z.number().int().nonnegative().optional(),
        // The canary (verifier/secretUsage.ts): a malformed one counts as absent, like any other value here.
        passwordSignInAt: z.iso.datetime({ offset: true }).optional().catch(undefined),
        passwordSignInRequestId: z.string().min(1).optional().catch(undefined),
        clientCredentialsRequestId: z.string().min(1).optional().catch(undefined),
    }).optional().catch(undefined),
});

/** The non-secret outputs the report needs, picked from `pulumi stack output --json` (with or without
 * --show-secrets); anything else, the handoff included, is dropped. A malformed value counts as absent. */
export function pickUsageOutputs(raw: unknown): UsageOutputs {
    const parsed = usageOutputsSchema.safeParse(raw);
    return parsed.success ? parsed.data : {};
}

export interface ReadUsageOptions {
    credential: CredentialFactory;
    /** Override of the Graph endpoint (the local emulator); https, http only on loopback. */
    graphEndpoint?: string;
    now(): Date;
}

/** Reads the report for a deployed stack; undefined when the outputs do not name a tenant and an app yet. */
export async function readUsageRecord(outputs: UsageOutputs, options: ReadUsageOptions): Promise<UsageRecord | undefined> {
    const tenantId = outputs.directoryTenantId;
    const appId = outputs.applicationClientId;
    if (!tenantId || !appId) return undefined;
    const report = await readCredentialActivity({
        tenantId,
        appId,
        cloud: outputs.cloud ?? "public",
        ...(options.graphEndpoint !== undefined ? { graphEndpoint: options.graphEndpoint } : {}),
        credential: options.credential(tenantId),
    });
    return {
        readAt: options.now().toISOString(),
        currentSecretKeyId: outputs.currentSecretKeyId ?? null,
        previousSecretKeyId: outputs.previousSecretKeyId ?? null,
        previousSecretExpiresAt: outputs.previousSecretExpiresAt ?? null,
        verification: verificationRecord(outputs.verification),
        report,
    };
}

/** The verification output's fields the report is judged against, without the ones it does not carry. */
function verificationRecord(v: UsageOutputs["verification"]): VerificationRecord | null {
    if (!v?.verifiedAt) return null;
    const { verifiedAt, elapsedMs, passwordSignInAt, passwordSignInRequestId, clientCredentialsRequestId } = v;
    return {
        verifiedAt,
        ...(elapsedMs !== undefined ? { elapsedMs } : {}),
        ...(passwordSignInAt !== undefined ? { passwordSignInAt } : {}),
        ...(passwordSignInRequestId !== undefined ? { passwordSignInRequestId } : {}),
        ...(clientCredentialsRequestId !== undefined ? { clientCredentialsRequestId } : {}),
    };
}
