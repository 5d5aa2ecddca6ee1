// The tenant's token endpoint (ROPC, client credentials, refresh token) and the RS256 keys behind its
// tokens. Checks run in the order Entra ID runs them, so the first failing condition decides the AADSTS
// code, exactly like a real tenant where several things can be wrong at once.
import { createHash, randomUUID } from "node:crypto";
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from "jose";
import { aadErrorBody, type AadError } from "./aadError";
import type { EmulatedDirectory } from "./directory";
import { classifyTenantSegment, tenantNotFound } from "./discovery";
import { userListed } from "./faults";
import { GRAPH_APP_ID, GRAPH_PUBLIC_ENDPOINT } from "./microsoftGraph";
import { RefreshTokenStore } from "./refreshTokens";
import { clientAuthentication, parseScopes, type OidcScope, type RequestedScopes } from "./tokenRequest";
import type { Faults, UserRecord } from "./types";

export const TOKEN_LIFETIME_SECONDS = 3599;
const ID_TOKEN_LIFETIME_SECONDS = 3600;

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

/** One POST to `/{tenant}/oauth2/v2.0/token`. */
export interface TokenRequest {
    /** The path segment before /oauth2/v2.0/token: tenant ID, domain, `organizations`, `common`, ... */
    tenantSegment: string;
    form: URLSearchParams;
    /** The Authorization header, for HTTP Basic client authentication. */
    authorization?: string;
    /** Reported back as `correlation_id` in an error body. */
    correlationId: string;
}

export interface TokenResponse {
    status: number;
    body: Record<string, unknown>;
    /** The answer's `x-ms-request-id` (also an error's `trace_id`), and what the credential activity report
     * gives as a sign-in's request ID. */
    requestId: string;
    grantType?: string;
    username?: string;
    aadsts?: number;
}

interface AadFailure extends AadError { kind: "failure"; status: number }
interface Issued { kind: "issued"; body: Record<string, unknown> }
type Outcome = AadFailure | Issued;

interface Client { appId: string; displayName: string; servicePrincipalId: string }

// Generating an RSA key takes ~200 ms and test suites start many emulators, so one key pair serves
// the whole process; the per-emulator `kid` still keeps one emulator from accepting another's tokens.
let sharedKeyPair: Promise<{ privateKey: KeyLike; publicKey: KeyLike }> | undefined;

const GRANT_TYPES = ["password", "client_credentials", "refresh_token"];

function failure(code: number, error: string, description: string, status = 400, suberror?: string): AadFailure {
    return { kind: "failure", status, error, code, description, ...(suberror ? { suberror } : {}) };
}

function fromError(e: AadError, status = 400): AadFailure {
    return { kind: "failure", status, ...e };
}

function isFailure(value: unknown): value is AadError {
    return typeof value === "object" && value !== null && "code" in value && "error" in value;
}

function base64url(value: string): string {
    return Buffer.from(value, "utf8").toString("base64url");
}

export class TokenService {
    private privateKey!: KeyLike;
    private publicKey!: KeyLike;
    private readonly kid = randomUUID();
    private readonly refreshTokens = new RefreshTokenStore();
    /** Set once the server listens; token audiences, issuers and the emulator's own Graph host depend on it. */
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

    /** ID tokens are v2.0 tokens: their issuer is the authority, the one the OpenID configuration names. */
    get idTokenIssuer(): string {
        return `${this.baseUrl}/${this.directory.tenantId}/v2.0`;
    }

    async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
        return { keys: [{ ...(await exportJWK(this.publicKey)), kid: this.kid, use: "sig", alg: "RS256" }] };
    }

    async handle(request: TokenRequest): Promise<TokenResponse> {
        const { form } = request;
        const grantType = form.get("grant_type") ?? undefined;
        const username = grantType === "password" ? form.get("username") ?? undefined : undefined;
        const requestId = randomUUID();
        const outcome = await this.evaluate(request, grantType, requestId);
        const logged = { ...(grantType ? { grantType } : {}), ...(username ? { username } : {}) };
        if (outcome.kind === "failure") {
            return { status: outcome.status, body: aadErrorBody(outcome, this.now(), request.correlationId, requestId), requestId, aadsts: outcome.code, ...logged };
        }
        return { status: 200, body: outcome.body, requestId, ...logged };
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

    private async evaluate(request: TokenRequest, grantType: string | undefined, requestId: string): Promise<Outcome> {
        const { form } = request;
        const auth = clientAuthentication(form, request.authorization);
        if (isFailure(auth)) return fromError(auth);
        const required = grantType === "password"
            ? ["client_id", "scope", "username", "password"]
            : grantType === "refresh_token" ? ["client_id", "refresh_token"] : ["client_id", "scope"];
        for (const name of ["grant_type", ...required]) {
            const present = name === "client_id" ? auth.clientId !== undefined : Boolean(form.get(name));
            if (!present) {
                return failure(900144, "invalid_request", `The request body must contain the following parameter: '${name}'.`);
            }
        }
        if (!grantType || !GRANT_TYPES.includes(grantType)) {
            return failure(70003, "unsupported_grant_type", `The app requested an unsupported grant type '${grantType}'.`);
        }
        const tenantFailure = this.tenantFailure(request.tenantSegment, grantType, auth.clientId ?? "");
        if (tenantFailure) return tenantFailure;
        const rawScope = form.get("scope");
        let scope: RequestedScopes | undefined;
        if (rawScope || grantType !== "refresh_token") {
            const parsed = parseScopes(rawScope ?? "", grantType);
            if (isFailure(parsed)) return fromError(parsed);
            scope = parsed;
        }

        const clientId = auth.clientId ?? "";
        const app = this.directory.visibleApplicationByAppId(clientId);
        const clientSp = this.directory.visibleServicePrincipalByAppId(clientId);
        if (!app || !clientSp) {
            return failure(700016, "unauthorized_client", `Application with identifier '${clientId}' was not found in the directory '${this.directory.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
        }
        switch (this.directory.checkClientSecret(app.id, auth.secret, { requestId, grantType: grantType ?? "" })) {
            case "missing":
                return failure(7000218, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401);
            case "invalid":
                return failure(7000215, "invalid_client", `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`, 401);
            case "expired":
                return failure(7000222, "invalid_client", `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`, 401);
            case "valid":
                break;
        }
        const client: Client = { appId: app.appId, displayName: app.displayName, servicePrincipalId: clientSp.id };
        if (grantType === "client_credentials") return this.clientCredentials(client, scope as RequestedScopes);
        if (grantType === "refresh_token") return this.refresh(form, client, scope);
        return this.password(form, client, scope as RequestedScopes);
    }

    /**
     * Which tenant segments a grant may use. ROPC: tenant or `organizations`, never `common`/`consumers`
     * (v2-oauth-ropc, `tenant`; AADSTS9001023). Client credentials: the tenant only, since no user names
     * one (AADSTS50059, MissingTenantRealmAndNoUserInformationProvided). Refresh tokens: also `common`
     * (v2-oauth2-auth-code-flow, "Refresh the access token"), not `consumers`, which serves personal
     * accounts (AADSTS9002332). All codes: learn.microsoft.com/entra/identity-platform/reference-error-codes.
     */
    private tenantFailure(segment: string, grantType: string, clientId: string): AadFailure | undefined {
        const kind = classifyTenantSegment(segment, this.directory.tenantId, this.directory.domain);
        if (kind === "unknown") return fromError({ ...tenantNotFound(segment), error: "invalid_request" });
        if (kind === "tenant") return undefined;
        if (grantType === "client_credentials") {
            return failure(50059, "invalid_request", "No tenant-identifying information found in either the request or implied by any provided credentials.");
        }
        if (grantType === "password" && (kind === "common" || kind === "consumers")) {
            return failure(9001023, "invalid_request", "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.");
        }
        if (kind === "consumers") {
            return failure(9002332, "invalid_request", `Application '${clientId}' is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request.`);
        }
        return undefined;
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

    private async clientCredentials(client: Client, scope: RequestedScopes): Promise<Outcome> {
        const audience = this.graphAudience(scope.resource);
        const graph = this.directory.visibleServicePrincipalByAppId(GRAPH_APP_ID);
        if (!audience || !graph) return this.resourceMissing(scope.resource);
        const roles = this.directory.visibleAppRoleAssignments()
            .filter((a) => a.principalId === client.servicePrincipalId && a.resourceId === graph.id)
            .map((a) => graph.appRoles.find((r) => r.id === a.appRoleId)?.value)
            .filter((v): v is string => v !== undefined);
        const claims: JWTPayload = {
            oid: client.servicePrincipalId, sub: client.servicePrincipalId, appid: client.appId, app_displayname: client.displayName, idtyp: "app",
            ...(roles.length > 0 ? { roles: [...new Set(roles)] } : {}),
        };
        return { kind: "issued", body: { token_type: "Bearer", ...(await this.accessToken(audience, claims)) } };
    }

    private async password(form: URLSearchParams, client: Client, scope: RequestedScopes): Promise<Outcome> {
        const username = form.get("username") ?? "";
        const password = form.get("password") ?? "";
        const user = this.directory.visibleUser(username);
        if (!user || user.userPrincipalName.toLowerCase() !== username.toLowerCase()) return this.userMissing();
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
        return this.delegated(form, client, user, scope, scope.oidc.includes("offline_access"));
    }

    /**
     * The refresh-token grant (v2-oauth2-auth-code-flow, "Refresh the access token"). A refresh token
     * stays valid after use (the client is expected to keep the newest one) until it has been unused for
     * 90 days or the user's password changes; the account and policy checks run again, as a fresh token
     * is issued against the tenant's current state.
     */
    private async refresh(form: URLSearchParams, client: Client, requested: RequestedScopes | undefined): Promise<Outcome> {
        const grant = this.refreshTokens.find(form.get("refresh_token") ?? "");
        if (!grant) return failure(9002313, "invalid_request", "Invalid request. Request is malformed or invalid.");
        if (grant.clientId !== client.appId) {
            return failure(70000, "invalid_grant", "Provided grant is invalid or malformed. The refresh token was issued to a different client.");
        }
        const now = this.now();
        if (RefreshTokenStore.expired(grant, now)) {
            return failure(700082, "invalid_grant", `The refresh token has expired due to inactivity. The token was issued on ${grant.issuedAt.toISOString()} and was inactive for 90.00:00:00.`);
        }
        const user = this.directory.visibleUser(grant.userId);
        if (!user) return this.userMissing();
        // A password reset revokes the user's refresh tokens once it has replicated.
        if (user.passwordChangedAt.getTime() > grant.issuedAt.getTime()
            && now.getTime() - user.passwordChangedAt.getTime() >= this.faults.replicationDelayMs) {
            return failure(50173, "invalid_grant", `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${grant.issuedAt.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${user.passwordChangedAt.toISOString()}'.`);
        }
        const scope: RequestedScopes = requested ?? { resource: grant.resource, isDefault: true, names: [], oidc: grant.oidc };
        return this.delegated(form, client, user, scope, true);
    }

    private userMissing(): AadFailure {
        return failure(50034, "invalid_grant", `The user account {EUII Hidden} does not exist in the ${this.directory.tenantId} directory. To sign into this application, the account must be added to the directory.`);
    }

    /** Account state, policies, resource and consent for a delegated token, then the token response. */
    private async delegated(form: URLSearchParams, client: Client, user: UserRecord, scope: RequestedScopes, withRefreshToken: boolean): Promise<Outcome> {
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
            if (grant.clientId !== client.servicePrincipalId || grant.resourceId !== graph.id) continue;
            if (grant.consentType === "AllPrincipals" || grant.principalId === user.id) {
                for (const s of grant.scope.split(" ").filter(Boolean)) scopes.add(s);
            }
        }
        // ROPC cannot show a consent prompt: every named permission must already be consented. Names
        // compare case-insensitively (the documented request asks for "user.read").
        const consented = new Set([...scopes].map((s) => s.toLowerCase()));
        if (scopes.size === 0 || scope.names.some((n) => !consented.has(n.toLowerCase()))) {
            return failure(65001, "invalid_grant", `The user or administrator has not consented to use the application with ID '${client.appId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`, 400, "consent_required");
        }
        // The token carries every consented scope of the resource, not only the named ones (Entra ID's
        // consent is additive).
        const scp = [...scopes].join(" ");
        const claims: JWTPayload = {
            oid: user.id, sub: user.id, upn: user.userPrincipalName, unique_name: user.userPrincipalName,
            name: user.displayName, appid: client.appId, app_displayname: client.displayName, idtyp: "user", scp,
        };
        const body: Record<string, unknown> = {
            token_type: "Bearer",
            scope: [scp, ...this.responseOidcScopes(scope.oidc)].join(" "),
            ...(await this.accessToken(audience, claims)),
        };
        // v2-oauth-ropc, "Successful authentication response": refresh_token only for offline_access,
        // id_token only for openid.
        if (withRefreshToken) {
            body.refresh_token = this.refreshTokens.issue({ clientId: client.appId, userId: user.id, resource: scope.resource, oidc: scope.oidc, issuedAt: this.now() });
        }
        if (scope.oidc.includes("openid")) body.id_token = await this.idToken(client.appId, user, scope.oidc);
        // MSAL sends client_info=1 and builds the account's home ID "uid.utid" from the answer
        // (msal-common src/request/RequestParameterBuilder.ts addClientInfo; src/account/ClientInfo.ts).
        if (form.get("client_info") === "1") {
            body.client_info = base64url(JSON.stringify({ uid: user.id, utid: this.directory.tenantId }));
        }
        return { kind: "issued", body };
    }

    /** The OIDC part of the response `scope`, as v2-oauth-ropc's example shows it: a request for
     * "user.read openid profile offline_access" answers "User.Read profile openid email". */
    private responseOidcScopes(requested: readonly OidcScope[]): string[] {
        const result: string[] = [];
        if (requested.includes("profile")) result.push("profile");
        if (requested.includes("openid")) result.push("openid");
        if (requested.includes("email") || requested.includes("openid")) result.push("email");
        return result;
    }

    private async accessToken(audience: string, claims: JWTPayload): Promise<Record<string, unknown>> {
        const issuedAt = Math.floor(this.now().getTime() / 1000);
        const accessToken = await new SignJWT({ ...claims, tid: this.directory.tenantId, ver: "1.0", uti: randomUUID() })
            .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
            .setAudience(audience)
            .setIssuer(this.issuer)
            .setIssuedAt(issuedAt)
            .setNotBefore(issuedAt)
            .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
            .sign(this.privateKey);
        return { expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken };
    }

    /**
     * A v2.0 ID token (learn.microsoft.com/entra/identity-platform/id-token-claims-reference): audience
     * the client, `sub` pairwise per app, `oid`, `name` and `preferred_username` only with `profile`.
     * `email` is left out: the emulated users have no mail attribute.
     */
    private async idToken(clientId: string, user: UserRecord, oidc: readonly OidcScope[]): Promise<string> {
        const issuedAt = Math.floor(this.now().getTime() / 1000);
        const tenantId = this.directory.tenantId;
        const sub = createHash("sha256").update(`${tenantId}:${clientId}:${user.id}`).digest("base64url");
        const profile = oidc.includes("profile") ? { oid: user.id, name: user.displayName, preferred_username: user.userPrincipalName } : {};
        return new SignJWT({ ...profile, tid: tenantId, ver: "2.0", uti: randomUUID() })
            .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
            .setAudience(clientId)
            .setIssuer(this.idTokenIssuer)
            .setSubject(sub)
            .setIssuedAt(issuedAt)
            .setNotBefore(issuedAt)
            .setExpirationTime(issuedAt + ID_TOKEN_LIFETIME_SECONDS)
            .sign(this.privateKey);
    }
}
