// Reads Microsoft Graph's application credential activity report for one app, as the deployer (never with the
// handoff's secret: the connector's app has no reason to read sign-in reports).
//
// GET {graph}/beta/reports/appCredentialSignInActivities?$filter=appId eq '{client ID}'
//   - beta only, global service only: microsoftgraph/microsoft-graph-docs-contrib
//     api-reference/beta/api/reportroot-list-appcredentialsigninactivities.md ("global-only" include; $filter,
//     examples 2 and 3 filter on keyId and appId);
//   - the entity (keyId, appId, appObjectId, keyType clientSecret|certificate|unknownFutureValue, expirationDateTime,
//     signInActivity, ...): microsoftgraph/msgraph-metadata schemas/type-mappings/beta-entity-types.json
//     ("appCredentialSignInActivity") and beta-enum-types.json ("applicationKeyType"), as the resource page
//     api-reference/beta/resources/appcredentialsigninactivity.md lists them;
//   - the same page's examples answer otherwise: keyType "secret", "expirationDate", offsets like "-8:00" (not
//     ISO 8601), and for a filtered request the bare entity without a `value` array. The reader takes both shapes;
//     anything it cannot place (another keyType, a date it cannot read) makes the report `malformed`, never a
//     secret that silently reads as unused;
//   - AuditLog.Read.All (application), or delegated with the Reports Reader role: the page's permissions table;
//     without it Graph answers 403 Authentication_MSGraphPermissionMissing ("Calling principal does not have
//     required MSGraph permissions AuditLog.Read.All", microsoftgraph/microsoft-graph-docs-contrib#8997 for its
//     sibling report servicePrincipalSignInActivities);
//   - a tenant without Entra ID P1/P2 gets 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant ("Neither
//     tenant is B2C or tenant doesn't have premium license", microsoftgraph/microsoft-graph-docs#11818 for the
//     beta reports; MicrosoftDocs/entra-docs concept-usage-insights-report.md lists the P1/P2 prerequisite);
//   - pages through @odata.nextLink.
// The verifier's transport rules apply unchanged: the endpoint rule (verifier/endpoints.ts: https, http only on
// loopback), the token only to the Graph origin and never with a redirect (verifier/graph.ts).
import type { TokenCredential } from "@azure/identity";
import type { Client } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import { cloudEndpoints, cloudProfile, type CloudName } from "./clouds";
import { checkEndpoint } from "./endpoints";
import { createGraphClient, graphAttempt } from "./graph";
import { redact } from "./redact";
import { unknownMessage, type ActivityReport, type CredentialActivity, type UnavailableReason } from "./secretUsage";

export const REPORT_PATH = "/reports/appCredentialSignInActivities";
/** Graph's error codes for the two refusals a deployer meets (sources above). */
export const PERMISSION_MISSING_CODE = "Authentication_MSGraphPermissionMissing";
export const LICENCE_MISSING_CODE = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A guard against a nextLink that never ends; one app has a handful of secrets. */
const MAX_PAGES = 50;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ReadActivityOptions {
    /** The customer's Directory (tenant) ID. */
    tenantId: string;
    /** The app registration's Application (client) ID. */
    appId: string;
    /** The tenant's cloud; the report exists only where verifier/clouds.ts says so (the global service). */
    cloud: CloudName;
    /** Override of the Graph endpoint (the local emulator); https, or http on loopback only. */
    graphEndpoint?: string;
    /** The deployer's credential (DefaultAzureCredential in the CLIs). */
    credential: TokenCredential;
    /** Bound on the whole read; 30 s by default. */
    timeoutMs?: number;
}

function unavailable(reason: UnavailableReason, detail?: string, tenantId?: string): ActivityReport {
    const message = tenantId ? unknownMessage(reason).replace("<tenant ID>", tenantId) : unknownMessage(reason);
    return { available: false, reason, message: detail ? `${message} (${detail})` : message };
}

const text = z.string().nullish();
const entrySchema = z.object({
    keyId: z.string().min(1),
    appId: text,
    keyType: text,
    expirationDateTime: text,
    expirationDate: text,
    signInActivity: z.object({
        lastSignInDateTime: text,
        lastSignInRequestId: text,
        lastNonInteractiveSignInDateTime: text,
        lastNonInteractiveSignInRequestId: text,
        lastSuccessfulSignInDateTime: text,
        lastSuccessfulSignInRequestId: text,
    }).nullish(),
});
const pageSchema = z.object({ value: z.array(z.unknown()), "@odata.nextLink": z.string().optional() });
/** The examples' answer to a filtered request: one entity, no collection. */
const bareEntitySchema = z.object({ keyId: z.string() });

/** `clientSecret` in the metadata, `secret` in the page's examples; compared without case. */
const CLIENT_SECRET_TYPES = new Set(["clientsecret", "secret"]);
const CERTIFICATE_TYPE = "certificate";

/** A DateTimeOffset as Graph documents it ("always in UTC"), or as the examples write it ("-8:00"); undefined
 * when it is not a date-time at all. A time without an offset is UTC, never the reading machine's zone. */
export function reportDateTime(value: string): string | undefined {
    const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{1,2}:\d{2})?$/i.exec(value.trim());
    if (!match) return undefined;
    const offset = match[2] === undefined ? "Z" : match[2].replace(/^([+-])(\d):/, "$10$2:");
    const ms = Date.parse(`${match[1]}${offset}`);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

type EntryResult = { kind: "secret"; credential: CredentialActivity } | { kind: "skip" } | { kind: "malformed"; detail: string };

/** Pure: one entry of the report for this app: a client secret, something to skip, or why the report is malformed. */
export function readEntry(raw: unknown, appId: string): EntryResult {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) return { kind: "malformed", detail: "an entry without keyId" };
    const e = parsed.data;
    // The filter asks for this app; a certificate is not a client secret.
    if (e.appId && e.appId.toLowerCase() !== appId.toLowerCase()) return { kind: "skip" };
    if (e.keyType && e.keyType.toLowerCase() === CERTIFICATE_TYPE) return { kind: "skip" };
    if (e.keyType && !CLIENT_SECRET_TYPES.has(e.keyType.toLowerCase())) {
        return { kind: "malformed", detail: `an entry of keyType ${JSON.stringify(e.keyType.slice(0, 40))}` };
    }
    const times: Record<string, string | null> = {};
    const fields: [string, string | null | undefined][] = [
        ["expirationDateTime", e.expirationDateTime ?? e.expirationDate],
        ["signInActivity.lastSignInDateTime", e.signInActivity?.lastSignInDateTime],
        ["signInActivity.lastNonInteractiveSignInDateTime", e.signInActivity?.lastNonInteractiveSignInDateTime],
        ["signInActivity.lastSuccessfulSignInDateTime", e.signInActivity?.lastSuccessfulSignInDateTime],
    ];
    for (const [name, value] of fields) {
        if (value === null || value === undefined) {
            times[name] = null;
            continue;
        }
        const iso = reportDateTime(value);
        if (iso === undefined) return { kind: "malformed", detail: `${name} ${JSON.stringify(value.slice(0, 40))} is not a date-time` };
        times[name] = iso;
    }
    const uses = fields.slice(1).map(([name]) => times[name]).filter((v): v is string => v !== null).map((v) => Date.parse(v));
    // The sign-ins' request IDs, which the verification's canary looks for (verifier/secretUsage.ts).
    const activity = e.signInActivity;
    const requestIds = [...new Set([activity?.lastSignInRequestId, activity?.lastNonInteractiveSignInRequestId, activity?.lastSuccessfulSignInRequestId]
        .filter((id): id is string => typeof id === "string" && id.trim() !== "")
        .map((id) => id.trim().toLowerCase()))];
    return {
        kind: "secret",
        credential: {
            keyId: e.keyId,
            lastUsedAt: uses.length === 0 ? null : new Date(Math.max(...uses)).toISOString(),
            expiresAt: times.expirationDateTime,
            ...(requestIds.length > 0 ? { requestIds } : {}),
        },
    };
}

/** The path below the version segment for a nextLink on the same origin, or undefined for any other link. */
function nextPath(link: string, graphEndpoint: string): string | undefined {
    let url: URL;
    try {
        url = new URL(link);
    } catch {
        return undefined;
    }
    const base = new URL(graphEndpoint);
    const prefix = `${base.pathname.replace(/\/+$/, "")}/beta/`;
    if (url.origin !== base.origin || !url.pathname.startsWith(prefix)) return undefined;
    return `/${url.pathname.slice(prefix.length)}${url.search}`;
}

/** A short, secret-free account of why the credential gave no token. */
function credentialFailure(error: unknown): string {
    const name = error instanceof Error ? error.name : "Error";
    const aadsts = /AADSTS\d+/.exec(error instanceof Error ? error.message : String(error))?.[0];
    return redact(aadsts ? `${name}, ${aadsts}` : name, []);
}

/**
 * The app's client secrets with their last use. Never throws for a tenant-side problem: an unavailable report
 * comes back with its reason (no request at all in a sovereign cloud). Throws only for a graphEndpoint that breaks
 * the endpoint rule, which callers check first.
 */
export async function readCredentialActivity(options: ReadActivityOptions): Promise<ActivityReport> {
    if (!cloudProfile(options.cloud).credentialReport) return unavailable("sovereign-cloud", `cloud ${options.cloud}`);
    const graphEndpoint = options.graphEndpoint === undefined ? cloudEndpoints("public").graphEndpoint : checkEndpoint("graphEndpoint", options.graphEndpoint);
    // Interpolated into $filter: only a GUID may go there.
    if (!GUID.test(options.appId)) return unavailable("malformed", "the Application (client) ID is not a GUID");

    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let token: string;
    try {
        const issued = await options.credential.getToken(`${graphEndpoint}/.default`, {
            tenantId: options.tenantId,
            abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        if (!issued?.token) return unavailable("no-credential", "the credential returned no token", options.tenantId);
        token = issued.token;
    } catch (error) {
        return unavailable("no-credential", credentialFailure(error), options.tenantId);
    }

    const client: Client = createGraphClient(graphEndpoint, { getAccessToken: () => Promise.resolve(token) }, "beta");
    const credentials: CredentialActivity[] = [];
    let path: string | undefined = `${REPORT_PATH}?$filter=${encodeURIComponent(`appId eq '${options.appId}'`)}`;
    for (let page = 0; path !== undefined; page++) {
        if (page === MAX_PAGES) return unavailable("malformed", `more than ${MAX_PAGES} pages`);
        const outcome = await graphAttempt(client, { method: "GET", path, where: "Credential activity report", stage: "presence" }, Math.max(1, deadline - Date.now()), Date.now);
        if (!outcome.ok) {
            if (outcome.status === 403) {
                return outcome.graphCode === LICENCE_MISSING_CODE
                    ? unavailable("licence", `HTTP 403 ${LICENCE_MISSING_CODE}`)
                    : unavailable("permission", `HTTP 403${outcome.graphCode ? ` ${outcome.graphCode}` : ""}`);
            }
            if (outcome.status === 401) return unavailable("no-credential", `Graph refused the deployer's token: HTTP 401${outcome.graphCode ? ` ${outcome.graphCode}` : ""}`);
            if (outcome.status === 400 || outcome.status === 404) return unavailable("not-available", `HTTP ${outcome.status}${outcome.graphCode ? ` ${outcome.graphCode}` : ""}`);
            return unavailable("unreachable", outcome.status !== undefined ? `HTTP ${outcome.status}` : outcome.diagnosis.code);
        }
        const parsed = pageSchema.safeParse(outcome.value);
        const bare = parsed.success ? undefined : bareEntitySchema.safeParse(outcome.value);
        if (!parsed.success && !bare?.success) return unavailable("malformed", "no value array");
        for (const raw of parsed.success ? parsed.data.value : [outcome.value]) {
            const entry = readEntry(raw, options.appId);
            if (entry.kind === "malformed") return unavailable("malformed", entry.detail);
            if (entry.kind === "secret") credentials.push(entry.credential);
        }
        const link = parsed.success ? parsed.data["@odata.nextLink"] : undefined;
        if (link === undefined) path = undefined;
        else {
            path = nextPath(link, graphEndpoint);
            // A next page elsewhere would need the token sent to another host; the report is then incomplete.
            if (path === undefined) return unavailable("malformed", "a next page on another host");
        }
    }
    return { available: true, credentials };
}
