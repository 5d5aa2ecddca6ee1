// Reports (beta): the application credential activity report, GET /beta/reports/appCredentialSignInActivities.
// Shape from microsoftgraph/msgraph-metadata (beta appCredentialSignInActivity entity, signInActivity complex
// type) and microsoftgraph/microsoft-graph-docs-contrib api-reference/beta/api/
// reportroot-list-appcredentialsigninactivities.md ($filter on appId and keyId, $top). A client secret's last use
// is when the token endpoint last accepted it (EmulatedDirectory.secretUsesOf), with that answer's x-ms-request-id as
// lastSignInRequestId, as of `faults.reportDelayMs` ago (so a secret created since is not listed yet) and without password sign-ins under
// `faults.reportSkipsPasswordSignIns`. Refusals as Graph gives them:
// without AuditLog.Read.All 403 Authentication_MSGraphPermissionMissing (microsoftgraph/microsoft-graph-docs-contrib
// #8997), in a tenant without Entra ID P1/P2 (`faults.withoutPremiumLicence`) 403
// Authentication_RequestFromNonPremiumTenantOrB2CTenant (microsoftgraph/microsoft-graph-docs#11818). A signed-in
// caller needs the delegated scope and one of the page's directory roles (Reports Reader, Security Reader, Security
// Administrator, or a role above them); Graph's answer without the role is not documented, so the emulator gives
// its generic Authorization_RequestDenied.
import type { SecretUse } from "../directory";
import type { ApplicationRecord } from "../types";
import { applyFilter, fail, ok, parseEqFilter, permitted, type GraphContext, type RouteRegistrar } from "./support";

const PATH = "/beta/reports/appCredentialSignInActivities";
/** The roles the reference page names for delegated access, and the two that hold every read. */
const REPORT_ROLES = ["Reports Reader", "Security Reader", "Security Administrator", "Global Reader", "Global Administrator"];
const MAX_TOP = 999;

/** Graph writes these date-times in whole seconds. */
const graphTime = (date: Date | string): string => new Date(date).toISOString().replace(/\.\d+Z$/, "Z");

/** The same instant the way the reference page's examples write it: at UTC-8, with a one-digit offset hour
 * ("2021-04-01T21:36:48-8:00"), which is not ISO 8601. */
const examplesTime = (date: Date | string): string => `${new Date(new Date(date).getTime() - 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, "")}-8:00`;

type Credential = ApplicationRecord["passwordCredentials"][number];

export function reportRoutes(route: RouteRegistrar, g: GraphContext): void {
    const { directory } = g;
    route("GET", PATH, (ctx) => {
        if (!permitted(ctx.principal, ["AuditLog.Read.All"])) {
            throw fail(403, "Authentication_MSGraphPermissionMissing", "Calling principal does not have required MSGraph permissions AuditLog.Read.All");
        }
        if (ctx.principal.kind === "user" && !directory.directoryRolesOf(ctx.principal.oid).some((r) => REPORT_ROLES.includes(r))) {
            throw fail(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        if (g.faults.withoutPremiumLicence) {
            throw fail(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license");
        }
        const query = ctx.request.query;
        const graphSp = directory.graphServicePrincipal;
        // A report as of `reportDelayMs` ago lists no client secret created since.
        const shownUntil = g.now().getTime() - g.faults.reportDelayMs;
        const rows = directory.visibleApplications().flatMap((app) => {
            const sp = directory.visibleServicePrincipalByAppId(app.appId);
            const listed = app.passwordCredentials.filter((c) => Date.parse(c.startDateTime) <= shownUntil);
            return listed.map((c: Credential): Record<string, unknown> & { appId: string; keyId: string; id: string } => {
                const use = shownUse(g, c.keyId);
                const used = use?.at;
                const common = {
                    id: Buffer.from(`${c.keyId}|application`).toString("base64"),
                    keyId: c.keyId,
                    keyUsage: "sign",
                    appId: app.appId,
                    appObjectId: app.id,
                    servicePrincipalObjectId: sp?.id ?? null,
                    resourceId: used ? graphSp.id : null,
                    credentialOrigin: "application",
                };
                if (g.faults.reportShape === "examples") {
                    return {
                        ...common,
                        keyType: "secret",
                        expirationDate: examplesTime(c.endDateTime),
                        signInActivity: use ? { lastSignInDateTime: examplesTime(use.at), lastSignInRequestId: use.requestId } : null,
                    };
                }
                return {
                    ...common,
                    keyType: "clientSecret",
                    createdDateTime: graphTime(c.startDateTime),
                    expirationDateTime: graphTime(c.endDateTime),
                    signInActivity: use ? { lastSignInDateTime: graphTime(use.at), lastSignInRequestId: use.requestId } : null,
                };
            });
        });
        const filtered = applyFilter(rows, parseEqFilter(query.get("$filter")), {
            appid: (r) => r.appId, keyid: (r) => r.keyId, id: (r) => r.id,
        });
        const top = query.get("$top");
        if (top !== null && !(/^\d+$/.test(top) && Number(top) >= 1 && Number(top) <= MAX_TOP)) {
            throw fail(400, "BadRequest", `Invalid value '${top}' for $top: a whole number from 1 to ${MAX_TOP}.`);
        }
        const pageSize = Math.min(top !== null ? Number(top) : Infinity, Math.max(1, g.faults.reportPageSize));
        const skip = Number(query.get("$skiptoken") ?? "0");
        if (!Number.isInteger(skip) || skip < 0) throw fail(400, "BadRequest", "Invalid $skiptoken.");
        const page = filtered.slice(skip, skip + pageSize);
        // The page's examples 2 and 3 answer a filtered request with the entity itself, not a collection.
        if (g.faults.reportShape === "examples" && query.has("$filter") && filtered.length === 1) {
            return ok({ "@odata.type": "#microsoft.graph.appCredentialSignInActivity", ...filtered[0] });
        }
        const body: Record<string, unknown> = { "@odata.context": `${g.tokens.baseUrl}/beta/$metadata#reports/appCredentialSignInActivities`, value: page };
        if (skip + pageSize < filtered.length) {
            const next = new URLSearchParams(query);
            next.set("$skiptoken", String(skip + pageSize));
            body["@odata.nextLink"] = `${g.tokens.baseUrl}${PATH}?${next.toString()}`;
        }
        return ok(body);
    });
}

/** The latest use of a secret the report shows now: old enough for `reportDelayMs`, and not a password sign-in
 * when `reportSkipsPasswordSignIns`. */
function shownUse(g: GraphContext, keyId: string): SecretUse | undefined {
    const shownUntil = g.now().getTime() - g.faults.reportDelayMs;
    const shown = g.directory.secretUsesOf(keyId).filter((u) => u.at.getTime() <= shownUntil && !(g.faults.reportSkipsPasswordSignIns && u.grantType === "password"));
    return shown.at(-1);
}
