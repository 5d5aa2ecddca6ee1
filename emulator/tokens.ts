// The tenant's token endpoint (ROPC and client credentials) and the RS256 keys behind its tokens.
// Checks run in the order Entra ID runs them, so the first failing condition decides the AADSTS code,
// exactly like a real tenant where several things can be wrong at once.
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from "jose";
import type { EmulatedDirectory } from "./directory";
import { userListed } from "./faults";
import { GRAPH_APP_ID, GRAPH_PUBLIC_ENDPOINT } from "./microsoftGraph";
import type { Faults } from "./types";

export const TOKEN_LIFETIME_SECONDS = 3599;

/** Who a valid Graph access token speaks for. */
export interface Principal {
    kind: "user" | "app";
    /** The user's object ID for delegated tokens, the client service principal's for app tokens. */
    oid: string;
    upn?: string;
    appId: string;
    scopes: ReadonlySet<string>;
    roles: ReadonlySet<string>;
}

export interface TokenResponse {
    status: number;
    body: Record<string, unknown>;
    grantType?: string;
    username?: string;
    aadsts?: number;
}

interface AadFailure { kind: "failure"; status: number; error: string; code: number; description: string; suberror?: string }
interface Issued { kind: "issued"; body: Record<string, unknown> }
type Outcome = AadFailure | Issued;

// Generating an RSA key takes ~200 ms and test suites start many emulators, so one key pair serves
// the whole process; the per-emulator `kid` still keeps one emulator from accepting another's tokens.
let sharedKeyPair: Promise<{ privateKey: KeyLike; publicKey: KeyLike }> | undefined;

const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

function failure(code: number, error: string, description: string, status = 400, suberror?: string): AadFailure {
    return { kind: "failure", status, error, code, description, ...(suberror ? { suberror } : {}) };
}

export class TokenService {
    private privateKey!: KeyLike;
    private publicKey!: KeyLike;
    private readonly kid = randomUUID();
    /** Set once the server listens; token audiences and the emulator's own Graph host depend on it. */
    baseUrl = "";

    private constructor(
        private readonly directory: EmulatedDirectory,
        private readonly faults: Faults,
        private readonly now: () => Date,
    ) {}

    static async create(directory: EmulatedDirectory, faults: Faults, now: () => Date): Promise<TokenService> {
        const service = new TokenService(directory, faults, now);
        sharedKeyPair ??= generateKeyPair("RS256");
        const { privateKey, publicKey } = await sharedKeyPair;
        service.privateKey = privateKey;
        service.publicKey = publicKey;
        return service;
    }

    get issuer(): string {
        // Graph access tokens are v1.0 tokens, whose issuer is sts.windows.net.
        return `https://sts.windows.net/${this.directory.tenantId}/`;
    }

    async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
        return { keys: [{ ...(await exportJWK(this.publicKey)), kid: this.kid, use: "sig", alg: "RS256" }] };
    }

    /** `tenantSegment` is the path segment before /oauth2/v2.0/token. */
    async handle(tenantSegment: string, form: URLSearchParams): Promise<TokenResponse> {
        const grantType = form.get("grant_type") ?? undefined;
        const username = grantType === "password" ? form.get("username") ?? undefined : undefined;
        const outcome = await this.evaluate(tenantSegment, form, grantType);
        const logged = { ...(grantType ? { grantType } : {}), ...(username ? { username } : {}) };
        if (outcome.kind === "failure") {
            return { status: outcome.status, body: this.errorBody(outcome), aadsts: outcome.code, ...logged };
        }
        return { status: 200, body: outcome.body, ...logged };
    }

    async verify(authorization: string | undefined): Promise<Principal | { failure: string }> {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
        if (!match) return { failure: "Access token is empty." };
        let payload: JWTPayload;
        try {
            if (decodeProtectedHeader(match[1]).kid !== this.kid) {
                return { failure: "Access token validation failure. The signing key is not one this tenant uses." };
            }
            ({ payload } = await jwtVerify(match[1], this.publicKey, {
                algorithms: ["RS256"],
                issuer: this.issuer,
                currentDate: this.now(),
            }));
        } catch (e) {
            const code = (e as { code?: string }).code;
            if (code === "ERR_JWT_EXPIRED") return { failure: "Lifetime validation failed, the token is expired." };
            if (code === "ERR_JWS_INVALID" || code === "ERR_JWT_INVALID") return { failure: "CompactToken parsing failed with error code: 80049217" };
            return { failure: "Access token validation failure." };
        }
        if (payload.tid !== this.directory.tenantId) {
            return { failure: "Access token validation failure. The token was issued for another tenant." };
        }
        const audiences = new Set([this.baseUrl, GRAPH_PUBLIC_ENDPOINT, GRAPH_APP_ID]);
        if (typeof payload.aud !== "string" || !audiences.has(payload.aud)) {
            return { failure: "Access token validation failure. Invalid audience." };
        }
        const scp = typeof payload.scp === "string" ? payload.scp.split(" ").filter(Boolean) : [];
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
        return {
            kind: payload.idtyp === "app" ? "app" : "user",
            oid: String(payload.oid),
            ...(typeof payload.upn === "string" ? { upn: payload.upn } : {}),
            appId: String(payload.appid),
            scopes: new Set(scp),
            roles: new Set(roles),
        };
    }

    private async evaluate(tenantSegment: string, form: URLSearchParams, grantType: string | undefined): Promise<Outcome> {
        const required = grantType === "password"
            ? ["client_id", "scope", "username", "password"]
            : ["client_id", "scope"];
        for (const name of ["grant_type", ...required]) {
            if (!form.get(name)) {
                return failure(900144, "invalid_request", `The request body must contain the following parameter: '${name}'.`);
            }
        }
        if (grantType !== "password" && grantType !== "client_credentials") {
            return failure(70003, "unsupported_grant_type", `The app requested an unsupported grant type '${grantType}'.`);
        }
        const tenant = this.directory.tenantId.toLowerCase();
        const segment = tenantSegment.toLowerCase();
        if (segment !== tenant && segment !== this.directory.domain.toLowerCase()) {
            return failure(90002, "invalid_request", `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
        }
        const scope = this.parseScope(form.get("scope") ?? "");
        if ("kind" in scope) return scope;

        const clientId = form.get("client_id") ?? "";
        const app = this.directory.visibleApplicationByAppId(clientId);
        const clientSp = this.directory.visibleServicePrincipalByAppId(clientId);
        if (!app || !clientSp) {
            return failure(700016, "unauthorized_client", `Application with identifier '${clientId}' was not found in the directory '${this.directory.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
        }
        switch (this.directory.checkClientSecret(app.id, form.get("client_secret") ?? undefined)) {
            case "missing":
                return failure(7000218, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401);
            case "invalid":
                return failure(7000215, "invalid_client", `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`, 401);
            case "expired":
                return failure(7000222, "invalid_client", `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`, 401);
            case "valid":
                break;
        }
        if (grantType === "client_credentials") return this.clientCredentials(app.appId, app.displayName, clientSp.id, scope);
        return this.password(form, app.appId, app.displayName, clientSp.id, scope);
    }

    /** Entra ID takes exactly one `{resource}/.default` here, optionally with the OpenID scopes. */
    private parseScope(raw: string): AadFailure | { resource: string; extra: string[] } {
        const parts = raw.split(/\s+/).filter(Boolean);
        const defaults = parts.filter((p) => p.toLowerCase().endsWith("/.default"));
        const extra = parts.filter((p) => OIDC_SCOPES.has(p));
        // The rejected value is not echoed: whatever was sent there could be something secret.
        if (defaults.length !== 1 || defaults.length + extra.length !== parts.length) {
            return failure(70011, "invalid_scope", `The provided value for the input parameter 'scope' is not valid. This emulator accepts '{graph endpoint}/.default', e.g. '${GRAPH_PUBLIC_ENDPOINT}/.default'.`);
        }
        const resource = defaults[0].slice(0, -"/.default".length).replace(/\/+$/, "");
        return { resource, extra };
    }

    /** The audience a requested resource maps to, or undefined when it is not Microsoft Graph. */
    private graphAudience(resource: string): string | undefined {
        const lower = resource.toLowerCase();
        if (lower === GRAPH_PUBLIC_ENDPOINT || lower === GRAPH_APP_ID) return GRAPH_PUBLIC_ENDPOINT;
        if (lower === this.baseUrl.toLowerCase()) return this.baseUrl;
        return undefined;
    }

    private resourceMissing(resource: string): AadFailure {
        return failure(500011, "invalid_resource", `The resource principal named ${resource} was not found in the tenant named ${this.directory.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }

    private async clientCredentials(
        appId: string, appName: string, clientSpId: string, scope: { resource: string },
    ): Promise<Outcome> {
        const audience = this.graphAudience(scope.resource);
        const graph = this.directory.visibleServicePrincipalByAppId(GRAPH_APP_ID);
        if (!audience || !graph) return this.resourceMissing(scope.resource);
        const roles = this.directory.visibleAppRoleAssignments()
            .filter((a) => a.principalId === clientSpId && a.resourceId === graph.id)
            .map((a) => graph.appRoles.find((r) => r.id === a.appRoleId)?.value)
            .filter((v): v is string => v !== undefined);
        const claims: JWTPayload = {
            oid: clientSpId, sub: clientSpId, appid: appId, app_displayname: appName, idtyp: "app",
            ...(roles.length > 0 ? { roles: [...new Set(roles)] } : {}),
        };
        return this.success(audience, claims);
    }

    private async password(
        form: URLSearchParams, appId: string, appName: string, clientSpId: string, scope: { resource: string; extra: string[] },
    ): Promise<Outcome> {
        const username = form.get("username") ?? "";
        const password = form.get("password") ?? "";
        const user = this.directory.visibleUser(username);
        if (!user || user.userPrincipalName.toLowerCase() !== username.toLowerCase()) {
            return failure(50034, "invalid_grant", `The user account {EUII Hidden} does not exist in the ${this.directory.tenantId} directory. To sign into this application, the account must be added to the directory.`);
        }
        if (this.directory.isLocked(user.id)) {
            return failure(50053, "invalid_grant", "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.");
        }
        const invalidCredentials = failure(50126, "invalid_grant", "Error validating credentials due to invalid username or password.");
        // ROPC refuses padded passwords outright; Entra ID never gets to compare, so nothing is counted.
        if (password !== password.trim()) return invalidCredentials;
        if (!this.directory.checkPassword(user.id, password)) {
            this.directory.recordFailedPassword(user.id);
            return invalidCredentials;
        }
        this.directory.resetFailedPasswords(user.id);

        if (!user.accountEnabled) return failure(50057, "invalid_grant", "The user account is disabled.");
        if (user.forceChangePasswordNextSignIn || userListed(this.faults.passwordExpired, user)) {
            return failure(50055, "invalid_grant", "The password is expired.", 400, "user_password_expired");
        }
        const audience = this.graphAudience(scope.resource);
        const resourceName = audience ?? scope.resource;
        if (userListed(this.faults.mfaRegistrationRequired, user)) {
            return failure(50079, "invalid_grant", `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resourceName}'.`, 400, "basic_action");
        }
        if (userListed(this.faults.mfaRequired, user)) {
            return failure(50076, "invalid_grant", `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceName}'.`, 400, "basic_action");
        }
        if (userListed(this.faults.conditionalAccessBlocked, user)) {
            return failure(53003, "access_denied", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
        }
        const graph = this.directory.visibleServicePrincipalByAppId(GRAPH_APP_ID);
        if (!audience || !graph) return this.resourceMissing(scope.resource);

        const scopes = new Set<string>();
        for (const grant of this.directory.visibleGrants()) {
            if (grant.clientId !== clientSpId || grant.resourceId !== graph.id) continue;
            if (grant.consentType === "AllPrincipals" || grant.principalId === user.id) {
                for (const s of grant.scope.split(" ").filter(Boolean)) scopes.add(s);
            }
        }
        if (scopes.size === 0) {
            return failure(65001, "invalid_grant", `The user or administrator has not consented to use the application with ID '${appId}' named '${appName}'. Send an interactive authorization request for this user and resource.`, 400, "consent_required");
        }
        const scp = [...scopes].join(" ");
        const claims: JWTPayload = {
            oid: user.id, sub: user.id, upn: user.userPrincipalName, unique_name: user.userPrincipalName,
            name: user.displayName, appid: appId, app_displayname: appName, idtyp: "user", scp,
        };
        return this.success(audience, claims, [scp, ...scope.extra].join(" "));
    }

    private async success(audience: string, claims: JWTPayload, responseScope?: string): Promise<Issued> {
        const issuedAt = Math.floor(this.now().getTime() / 1000);
        const accessToken = await new SignJWT({ ...claims, tid: this.directory.tenantId, ver: "1.0", uti: randomUUID() })
            .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
            .setAudience(audience)
            .setIssuer(this.issuer)
            .setIssuedAt(issuedAt)
            .setNotBefore(issuedAt)
            .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
            .sign(this.privateKey);
        return {
            kind: "issued",
            body: {
                token_type: "Bearer",
                ...(responseScope !== undefined ? { scope: responseScope } : {}),
                expires_in: TOKEN_LIFETIME_SECONDS,
                ext_expires_in: TOKEN_LIFETIME_SECONDS,
                access_token: accessToken,
            },
        };
    }

    private errorBody(f: AadFailure): Record<string, unknown> {
        const traceId = randomUUID();
        const correlationId = randomUUID();
        const timestamp = this.now().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
        return {
            error: f.error,
            error_description: `AADSTS${f.code}: ${f.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
            error_codes: [f.code],
            timestamp,
            trace_id: traceId,
            correlation_id: correlationId,
            error_uri: `https://login.microsoftonline.com/error?code=${f.code}`,
            ...(f.suberror ? { suberror: f.suberror } : {}),
        };
    }
}
