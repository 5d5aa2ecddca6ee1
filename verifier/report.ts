import type { CloudName } from "./clouds";
import type { DiagnosisCode } from "./diagnosis";
import type { ChangedAt } from "./retry";
import type { ServiceUserPresence } from "./presence";
import type { AgentSummary } from "./roster";

/**
 * Options for one verification. Without overrides the verifier talks only to the cloud's documented hosts;
 * an override must be https (http only on loopback), see verifier/endpoints.ts.
 */
export interface VerifyOptions {
    /** public (default), usgovernment or usgovernmentdod; china has no presence API and is refused. */
    cloud?: CloudName;
    /** Override of the Entra ID authority host, e.g. https://login.microsoftonline.com. */
    authorityHost?: string;
    /** Override of the Microsoft Graph endpoint, e.g. https://graph.microsoft.com; also the token scope host. */
    graphEndpoint?: string;
    /** Delegated permissions the token must carry; default User.Read and Presence.Read.All. */
    expectedScopes?: readonly string[];
    /** Agents to check: object IDs or sign-in names. */
    agents?: readonly string[];
    /** Bound on the whole verification; default 600. */
    timeoutSeconds?: number;
    /** Cap on any single wait between retries; default 10. */
    maxWaitSeconds?: number;
    /** Password (ROPC) requests allowed: the cloud's budget by default (5 public, 2 US Government), at most one below
     * smart lockout's default threshold there (verifier/clouds.ts). */
    maxPasswordAttempts?: number;
    /**
     * When the newest client secret, the app registration and the service user were created or last changed (ms since
     * the epoch, or "now": provisioned right before this verification). AADSTS7000215, 700016 and 50034 are retried as
     * replication delay only within REPLICATION_WINDOW_MS (10 minutes) of that; unknown or older, they get two tries
     * and are reported as terminal. Default: nothing known.
     */
    changedAt?: ChangedAt;
    /** Milliseconds since the epoch; default Date.now. */
    clock?: () => number;
    /** Waits between retries; default a real timer. */
    sleep?: (ms: number) => Promise<void>;
    /** Uniform draw from [0, 1) for jitter; default Math.random. */
    random?: () => number;
    /** Receives one redacted line per step and retry. */
    onProgress?: (line: string) => void;
}

export interface VerificationAttempts {
    clientCredentials: number;
    password: number;
    graph: number;
}

export interface VerificationReport {
    ok: boolean;
    code: DiagnosisCode;
    /** The AADSTS number when the token endpoint gave one. */
    aadsts?: number;
    message: string;
    remedy: string;
    /** Whether the last error was transient (replication delay, throttling, network). */
    transient: boolean;
    /** The verifier stopped retrying an error that stayed transient (timeout, Retry-After cap or password budget). */
    gaveUp: boolean;
    /** Delegated permissions the token lacks (consent_missing). */
    missingScopes?: string[];
    grantedScopes: string[];
    /** The service user's own presence, when Graph returned one (information only; see serviceUserPresence). */
    availability?: string;
    activity?: string;
    /** From the access token's `oid` claim (or GET /me for an opaque token). */
    serviceUserObjectId?: string;
    /** How Graph answered getPresencesByUserId for the service user; only `read` means it is a Teams user,
     * and none of these fails a verification (the connector never reads its own presence). */
    serviceUserPresence?: ServiceUserPresence;
    /** Information that did not fail the verification, e.g. that the service user has no Teams presence. */
    notes?: string[];
    attempts: VerificationAttempts;
    elapsedMs: number;
    agents?: AgentSummary;
    /** ISO 8601 time the verification finished. */
    verifiedAt: string;
    /** ISO 8601 time the successful password (ROPC) sign-in was sent, with the handoff's (the newest) client
     * secret: the canary the credential activity report must show (verifier/secretUsage.ts). */
    passwordSignInAt?: string;
    /** Entra ID's request ID (`x-ms-request-id`) of that sign-in, when the token endpoint gave one. */
    passwordSignInRequestId?: string;
    /** The request ID of the successful client-credentials check, which signs in with the same secret seconds
     * earlier; it tells the report's record of that check from the password sign-in's. */
    clientCredentialsRequestId?: string;
}
