// One tenant's directory held in memory. The public Directory methods act like an administrator
// with immediate effect; the `visible*` methods are what sign-in and Graph see, which lags behind by
// `faults.replicationDelayMs` the way Entra ID's eventual consistency does.
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { graphDateTime } from "./dateTime";
import { createGraphServicePrincipal, GRAPH_APP_ID } from "./microsoftGraph";
import { DEFAULT_LOCKOUT_DURATION_MS } from "./faults";
import { passwordComplexityProblem, randomSeedPassword } from "./passwordRules";
import type {
    AppRoleAssignmentRecord, ApplicationRecord, Availability, DelegatedGrantRecord, Directory, Faults, Handoff,
    ServicePrincipalRecord, UserRecord,
} from "./types";

/** One entry of a Graph error's `details` (e.g. ObjectConflict on userPrincipalName). */
export interface ErrorDetail { code: string; message: string; target: string }

/** A refusal Graph would answer with this status and error code. */
export class DirectoryError extends Error {
    constructor(readonly status: number, readonly code: string, message: string, readonly details?: ErrorDetail[]) {
        super(message);
        this.name = "DirectoryError";
    }
}

export type SecretCheck = "missing" | "invalid" | "expired" | "valid";

/** One time the token endpoint accepted a client secret: when, its answer's request ID, and the grant. */
export interface SecretUse {
    at: Date;
    requestId: string;
    grantType: string;
}

/** Uses kept per secret; the report needs only the latest one it may show, and a test makes a handful. */
const USES_KEPT = 1_000;

interface StoredHash { salt: string; hash: Buffer; setAt: Date }

interface UserState {
    record: UserRecord;
    /** Oldest first; sign-in uses the newest one that has replicated. */
    passwords: StoredHash[];
    failedAttempts: number;
    lockedUntil?: Date;
}

interface SecretState { keyId: string; stored: StoredHash }

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";

// Secrets and passwords are kept only as salted hashes so no inspection or dump of the directory can
// leak them.
function hashOf(value: string, salt = randomBytes(16).toString("hex")): { salt: string; hash: Buffer } {
    return { salt, hash: createHash("sha256").update(salt).update(value, "utf8").digest() };
}

function matches(stored: StoredHash, value: string): boolean {
    return timingSafeEqual(stored.hash, hashOf(value, stored.salt).hash);
}

/** Looks like a Graph secret: three characters, a version marker, 34 more (40 in all). */
function newSecretText(): string {
    let text = "";
    for (let i = 0; i < 37; i++) text += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
    return `${text.slice(0, 3)}8Q~${text.slice(3, 37)}`;
}

function normalizeScope(scope: string): string {
    return scope.split(/\s+/).filter((s) => s.length > 0).join(" ");
}

export class EmulatedDirectory implements Directory {
    readonly graphServicePrincipal: ServicePrincipalRecord;
    private readonly apps = new Map<string, ApplicationRecord>();
    private readonly secrets = new Map<string, SecretState[]>();
    private readonly sps = new Map<string, ServicePrincipalRecord>();
    private readonly userStates = new Map<string, UserState>();
    private readonly grants = new Map<string, DelegatedGrantRecord>();
    private readonly assignments = new Map<string, AppRoleAssignmentRecord>();
    /** Directory roles by the object ID of the user or service principal holding them. */
    private readonly roleHolders = new Map<string, Set<string>>();
    /** When the token endpoint last accepted each client secret, by key ID: the credential activity report. */
    private readonly secretUses = new Map<string, SecretUse[]>();
    private seedCount = 0;

    constructor(
        readonly tenantId: string,
        readonly domain: string,
        private readonly now: () => Date,
        private readonly faults: Faults,
    ) {
        this.graphServicePrincipal = createGraphServicePrincipal(randomUUID());
        this.sps.set(this.graphServicePrincipal.id, this.graphServicePrincipal);
    }

    // ---- administration (immediate) ----

    createApplication(input: { displayName: string; signInAudience?: string; notes?: string; requestedAccessTokenVersion?: number }): ApplicationRecord {
        if (!input.displayName || input.displayName.trim() === "") {
            throw new DirectoryError(400, "Request_BadRequest", "Property 'displayName' is required for an application.");
        }
        const record: ApplicationRecord = {
            id: randomUUID(),
            appId: randomUUID(),
            displayName: input.displayName,
            signInAudience: input.signInAudience ?? "AzureADMyOrg",
            // Graph keeps null for what the caller did not set (an app made in the portal has no token version).
            notes: input.notes ?? null,
            requestedAccessTokenVersion: input.requestedAccessTokenVersion ?? null,
            requiredResourceAccess: [],
            passwordCredentials: [],
            ownerIds: [],
            createdAt: this.now(),
        };
        this.apps.set(record.id, record);
        this.secrets.set(record.id, []);
        return structuredClone(record);
    }

    updateApplication(
        applicationObjectId: string,
        patch: Partial<Pick<ApplicationRecord, "displayName" | "signInAudience" | "requiredResourceAccess" | "notes" | "requestedAccessTokenVersion">>,
    ): void {
        const app = this.app(applicationObjectId);
        if (patch.displayName !== undefined) app.displayName = patch.displayName;
        if (patch.notes !== undefined) app.notes = patch.notes;
        if (patch.requestedAccessTokenVersion !== undefined) app.requestedAccessTokenVersion = patch.requestedAccessTokenVersion;
        if (patch.signInAudience !== undefined) app.signInAudience = patch.signInAudience;
        if (patch.requiredResourceAccess !== undefined) app.requiredResourceAccess = structuredClone(patch.requiredResourceAccess);
    }

    deleteApplication(applicationObjectId: string): void {
        const app = this.app(applicationObjectId);
        // Deleting an app registration also removes its service principal in the home tenant.
        for (const sp of [...this.sps.values()].filter((s) => s.appId === app.appId)) this.deleteServicePrincipal(sp.id);
        this.apps.delete(app.id);
        this.secrets.delete(app.id);
    }

    addPassword(
        applicationObjectId: string,
        input: { displayName?: string; endDateTime?: Date; startDateTime?: Date },
    ): { keyId: string; secretText: string; endDateTime: string } {
        const app = this.app(applicationObjectId);
        const start = input.startDateTime ?? this.now();
        const end = input.endDateTime ?? new Date(start.getTime() + TWO_YEARS_MS);
        // A past end date (or one before the start, which defaults to now) is refused; Graph's message for it
        // (hashicorp/terraform-provider-azuread#201, Azure/azure-rest-api-specs#11985).
        if (end.getTime() <= start.getTime()) {
            throw new DirectoryError(400, "Request_BadRequest", "Key credential end date is invalid.");
        }
        const secretText = newSecretText();
        const keyId = randomUUID();
        app.passwordCredentials.push({
            keyId,
            ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
            startDateTime: graphDateTime(start),
            endDateTime: graphDateTime(end),
            hint: secretText.slice(0, 3),
        });
        this.secrets.get(app.id)?.push({ keyId, stored: { ...hashOf(secretText), setAt: this.now() } });
        return { keyId, secretText, endDateTime: graphDateTime(end) };
    }

    removePassword(applicationObjectId: string, keyId: string): void {
        const app = this.app(applicationObjectId);
        const index = app.passwordCredentials.findIndex((c) => c.keyId === keyId);
        if (index < 0) {
            throw new DirectoryError(400, "Request_BadRequest", `No password credential with keyId '${keyId}' exists on this application.`);
        }
        app.passwordCredentials.splice(index, 1);
        this.secrets.set(app.id, (this.secrets.get(app.id) ?? []).filter((s) => s.keyId !== keyId));
    }

    addOwner(applicationObjectId: string, ownerObjectId: string): void {
        this.addOwnerTo(this.app(applicationObjectId), ownerObjectId);
    }

    removeOwner(applicationObjectId: string, ownerObjectId: string): void {
        this.removeOwnerFrom(this.app(applicationObjectId), ownerObjectId);
    }

    addServicePrincipalOwner(servicePrincipalObjectId: string, ownerObjectId: string): void {
        this.addOwnerTo(this.sp(servicePrincipalObjectId), ownerObjectId);
    }

    removeServicePrincipalOwner(servicePrincipalObjectId: string, ownerObjectId: string): void {
        this.removeOwnerFrom(this.sp(servicePrincipalObjectId), ownerObjectId);
    }

    private addOwnerTo(object: { ownerIds: string[] }, ownerObjectId: string): void {
        if (!this.userStates.has(ownerObjectId) && !this.sps.has(ownerObjectId)) {
            throw new DirectoryError(404, "Request_ResourceNotFound", `Resource '${ownerObjectId}' does not exist or one of its queried reference-property objects are not present.`);
        }
        if (object.ownerIds.includes(ownerObjectId)) {
            // Graph's answer to a second owners/$ref for the same object.
            throw new DirectoryError(400, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'owners'.");
        }
        object.ownerIds.push(ownerObjectId);
    }

    private removeOwnerFrom(object: { ownerIds: string[] }, ownerObjectId: string): void {
        if (!object.ownerIds.includes(ownerObjectId)) {
            throw new DirectoryError(400, "Request_BadRequest", "One or more removed object references do not exist for the following modified properties: 'owners'.");
        }
        object.ownerIds = object.ownerIds.filter((id) => id !== ownerObjectId);
    }

    setRequiredResourceAccess(applicationObjectId: string, rra: ApplicationRecord["requiredResourceAccess"]): void {
        this.app(applicationObjectId).requiredResourceAccess = structuredClone(rra);
    }

    createServicePrincipal(input: { appId: string }): ServicePrincipalRecord {
        const app = [...this.apps.values()].find((a) => a.appId === input.appId);
        if (!app) {
            throw new DirectoryError(400, "Request_BadRequest", `The appId '${input.appId}' of the service principal does not reference a valid application object.`);
        }
        if ([...this.sps.values()].some((s) => s.appId === input.appId)) {
            throw new DirectoryError(409, "Request_MultipleObjectsWithSameKeyValue", `A service principal for appId '${input.appId}' already exists in this tenant.`);
        }
        const record: ServicePrincipalRecord = {
            id: randomUUID(),
            appId: app.appId,
            displayName: app.displayName,
            oauth2PermissionScopes: [],
            appRoles: [],
            ownerIds: [],
            createdAt: this.now(),
        };
        this.sps.set(record.id, record);
        return structuredClone(record);
    }

    deleteServicePrincipal(servicePrincipalObjectId: string): void {
        if (!this.sps.delete(servicePrincipalObjectId)) throw this.notFound(servicePrincipalObjectId);
        for (const owned of [...this.apps.values(), ...this.sps.values()]) owned.ownerIds = owned.ownerIds.filter((id) => id !== servicePrincipalObjectId);
        for (const g of [...this.grants.values()]) {
            if (g.clientId === servicePrincipalObjectId || g.resourceId === servicePrincipalObjectId) this.grants.delete(g.id);
        }
        for (const a of [...this.assignments.values()]) {
            if (a.principalId === servicePrincipalObjectId || a.resourceId === servicePrincipalObjectId) this.assignments.delete(a.id);
        }
    }

    createUser(input: {
        userPrincipalName: string; displayName: string; password: string;
        forceChangePasswordNextSignIn?: boolean; accountEnabled?: boolean; passwordPolicies?: string; mailNickname?: string;
    }): UserRecord {
        const upn = input.userPrincipalName ?? "";
        const at = upn.lastIndexOf("@");
        if (at <= 0 || upn.slice(at + 1).toLowerCase() !== this.domain.toLowerCase()) {
            throw new DirectoryError(400, "Request_BadRequest", `The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization (${this.domain}).`);
        }
        if (this.userByUpn(upn)) {
            // Graph's body for it (microsoftgraph/microsoft-graph-docs#1508): 400 with an ObjectConflict detail.
            const message = "Another object with the same value for property userPrincipalName already exists.";
            throw new DirectoryError(400, "Request_BadRequest", message, [{ code: "ObjectConflict", message, target: "userPrincipalName" }]);
        }
        if (!input.displayName) {
            throw new DirectoryError(400, "Request_BadRequest", "Property 'displayName' is required for a user.");
        }
        this.assertPasswordComplexity(input.password);
        const now = this.now();
        const record: UserRecord = {
            id: randomUUID(),
            userPrincipalName: upn,
            displayName: input.displayName,
            accountEnabled: input.accountEnabled ?? true,
            // Graph forces a change at next sign-in unless told otherwise, and that breaks ROPC.
            forceChangePasswordNextSignIn: input.forceChangePasswordNextSignIn ?? true,
            ...(input.passwordPolicies !== undefined ? { passwordPolicies: input.passwordPolicies } : {}),
            mailNickname: input.mailNickname ?? upn.slice(0, at),
            // Never set unless someone sets it (the azuread provider does, through beta, right after create).
            showInAddressList: null,
            createdAt: now,
            passwordChangedAt: now,
            presence: { availability: "PresenceUnknown", activity: "PresenceUnknown" },
        };
        this.userStates.set(record.id, { record, passwords: [{ ...hashOf(input.password), setAt: now }], failedAttempts: 0 });
        return structuredClone(record);
    }

    setPassword(userObjectId: string, password: string, forceChangePasswordNextSignIn?: boolean): void {
        const state = this.userState(userObjectId);
        this.assertPasswordComplexity(password);
        const now = this.now();
        state.passwords.push({ ...hashOf(password), setAt: now });
        state.record.passwordChangedAt = now;
        state.record.forceChangePasswordNextSignIn = forceChangePasswordNextSignIn ?? true;
    }

    updateUser(userObjectId: string, patch: Partial<Pick<UserRecord, "accountEnabled" | "displayName" | "passwordPolicies" | "showInAddressList">>): void {
        const user = this.userState(userObjectId).record;
        if (patch.showInAddressList !== undefined) user.showInAddressList = patch.showInAddressList;
        if (patch.accountEnabled !== undefined) user.accountEnabled = patch.accountEnabled;
        if (patch.displayName !== undefined) user.displayName = patch.displayName;
        if (patch.passwordPolicies !== undefined) user.passwordPolicies = patch.passwordPolicies;
    }

    deleteUser(userObjectId: string): void {
        if (!this.userStates.delete(userObjectId)) throw this.notFound(userObjectId);
        for (const g of [...this.grants.values()]) if (g.principalId === userObjectId) this.grants.delete(g.id);
        for (const owned of [...this.apps.values(), ...this.sps.values()]) owned.ownerIds = owned.ownerIds.filter((id) => id !== userObjectId);
    }

    setPresence(userObjectId: string, availability: Availability, activity?: string): void {
        const record = this.userState(userObjectId).record;
        record.presence = { availability, activity: activity ?? availability, sequence: (record.presence.sequence ?? 0) + 1 };
    }

    grantDelegated(input: { clientId: string; resourceId: string; scope: string; principalId?: string }): DelegatedGrantRecord {
        const resource = this.sps.get(input.resourceId);
        if (!this.sps.has(input.clientId)) throw this.badReference("clientId", input.clientId);
        if (!resource) throw this.badReference("resourceId", input.resourceId);
        if (input.principalId !== undefined && !this.userStates.has(input.principalId)) throw this.badReference("principalId", input.principalId);
        const scope = normalizeScope(input.scope ?? "");
        // Stricter than Graph, which stores any string: a misspelt scope should fail the test that made it.
        const unknown = scope.split(" ").filter((s) => s && !resource.oauth2PermissionScopes.some((p) => p.value === s));
        if (unknown.length > 0) {
            throw new DirectoryError(400, "Request_BadRequest", `Scope '${unknown.join(" ")}' is not a delegated permission of ${resource.displayName}.`);
        }
        const principalId = input.principalId ?? null;
        const consentType = principalId === null ? "AllPrincipals" : "Principal";
        // One grant per client, resource, consent type and principal (hashicorp/terraform-provider-azuread#690).
        const duplicate = [...this.grants.values()].some(
            (g) => g.clientId === input.clientId && g.resourceId === input.resourceId && g.consentType === consentType && g.principalId === principalId,
        );
        if (duplicate) {
            throw new DirectoryError(409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.");
        }
        const record: DelegatedGrantRecord = {
            id: randomBytes(24).toString("base64url"),
            clientId: input.clientId,
            resourceId: input.resourceId,
            consentType,
            principalId,
            scope,
            createdAt: this.now(),
        };
        this.grants.set(record.id, record);
        return structuredClone(record);
    }

    updateDelegatedScope(grantId: string, scope: string): void {
        const grant = this.grants.get(grantId);
        if (!grant) throw this.notFound(grantId);
        grant.scope = normalizeScope(scope);
    }

    revokeDelegated(grantId: string): void {
        if (!this.grants.delete(grantId)) throw this.notFound(grantId);
    }

    assignAppRole(input: { appRoleId: string; principalId: string; resourceId: string }): AppRoleAssignmentRecord {
        const resource = this.sps.get(input.resourceId);
        if (!this.sps.has(input.principalId)) throw this.badReference("principalId", input.principalId);
        if (!resource) throw this.badReference("resourceId", input.resourceId);
        if (!resource.appRoles.some((r) => r.id === input.appRoleId)) {
            throw new DirectoryError(400, "Request_BadRequest", "Permission being assigned was not found on application");
        }
        const duplicate = [...this.assignments.values()].some(
            (a) => a.principalId === input.principalId && a.resourceId === input.resourceId && a.appRoleId === input.appRoleId,
        );
        if (duplicate) {
            throw new DirectoryError(400, "Request_BadRequest", "Permission being assigned already exists on the object");
        }
        const record: AppRoleAssignmentRecord = { id: randomBytes(24).toString("base64url"), ...input, createdAt: this.now() };
        this.assignments.set(record.id, record);
        return structuredClone(record);
    }

    removeAppRoleAssignment(assignmentId: string): void {
        if (!this.assignments.delete(assignmentId)) throw this.notFound(assignmentId);
    }

    /** Assigns a directory role (by display name, e.g. "User Administrator") to a user or service principal. */
    assignDirectoryRole(principalObjectId: string, role: string): void {
        if (!this.userStates.has(principalObjectId) && !this.sps.has(principalObjectId)) throw this.notFound(principalObjectId);
        let held = this.roleHolders.get(principalObjectId);
        if (!held) this.roleHolders.set(principalObjectId, (held = new Set()));
        held.add(role);
    }

    removeDirectoryRole(principalObjectId: string, role: string): void {
        this.roleHolders.get(principalObjectId)?.delete(role);
    }

    directoryRolesOf(principalObjectId: string): string[] {
        return [...(this.roleHolders.get(principalObjectId) ?? [])];
    }

    isApplicationOwner(applicationObjectId: string, principalObjectId: string): boolean {
        return this.apps.get(applicationObjectId)?.ownerIds.includes(principalObjectId) ?? false;
    }

    // ---- inspection (everything, replicated or not) ----

    applications(): ApplicationRecord[] { return [...this.apps.values()].map((r) => structuredClone(r)); }
    servicePrincipals(): ServicePrincipalRecord[] { return [...this.sps.values()].map((r) => structuredClone(r)); }
    users(): UserRecord[] { return [...this.userStates.values()].map((s) => structuredClone(s.record)); }
    delegatedGrants(): DelegatedGrantRecord[] { return [...this.grants.values()].map((r) => structuredClone(r)); }
    appRoleAssignments(): AppRoleAssignmentRecord[] { return [...this.assignments.values()].map((r) => structuredClone(r)); }

    seedPresenceSetup(input: {
        delegatedScopes?: string[];
        agents?: { userPrincipalName: string; availability: Availability; activity?: string }[];
        secretEndDateTime?: Date;
    } = {}): {
        handoff: Handoff; applicationObjectId: string; servicePrincipalObjectId: string;
        serviceUserObjectId: string; agentObjectIds: string[];
    } {
        const scopes = input.delegatedScopes ?? ["User.Read", "Presence.Read.All"];
        const graph = this.graphServicePrincipal;
        const resourceAccess = scopes.map((name) => {
            const scope = graph.oauth2PermissionScopes.find((s) => s.value === name);
            if (!scope) throw new Error(`seedPresenceSetup: '${name}' is not a delegated Microsoft Graph permission`);
            return { id: scope.id, type: "Scope" as const };
        });
        this.seedCount++;
        const suffix = this.seedCount === 1 ? "" : `-${this.seedCount}`;

        const app = this.createApplication({ displayName: `jtel Presence Connector${suffix}` });
        this.setRequiredResourceAccess(app.id, [{ resourceAppId: GRAPH_APP_ID, resourceAccess }]);
        const sp = this.createServicePrincipal({ appId: app.appId });
        const password = randomSeedPassword();
        const user = this.createUser({
            userPrincipalName: `jtel-presence${suffix}@${this.domain}`,
            displayName: `jtel Presence Service${suffix}`,
            password,
            forceChangePasswordNextSignIn: false,
            passwordPolicies: "DisablePasswordExpiration",
        });
        this.addOwner(app.id, user.id);
        this.grantDelegated({ clientId: sp.id, resourceId: graph.id, scope: scopes.join(" ") });
        const secretEnd = input.secretEndDateTime ?? new Date(this.now().getTime() + ONE_YEAR_MS);
        const secret = this.addPassword(app.id, { displayName: "jtel presence connector", endDateTime: secretEnd });

        const agentObjectIds = (input.agents ?? []).map((agent) => {
            const created = this.createUser({
                userPrincipalName: agent.userPrincipalName,
                displayName: agent.userPrincipalName.split("@")[0],
                password: randomSeedPassword(),
                forceChangePasswordNextSignIn: false,
            });
            this.setPresence(created.id, agent.availability, agent.activity);
            return created.id;
        });

        return {
            handoff: {
                applicationClientId: app.appId,
                directoryTenantId: this.tenantId,
                secretValue: secret.secretText,
                userEmail: user.userPrincipalName,
                userPassword: password,
            },
            applicationObjectId: app.id,
            servicePrincipalObjectId: sp.id,
            serviceUserObjectId: user.id,
            agentObjectIds,
        };
    }

    // ---- what sign-in and Graph see ----

    isReplicated(createdAt: Date): boolean {
        return this.now().getTime() - createdAt.getTime() >= this.faults.replicationDelayMs;
    }

    visibleApplication(objectId: string): ApplicationRecord | undefined {
        const app = this.apps.get(objectId);
        return app && this.isReplicated(app.createdAt) ? structuredClone(app) : undefined;
    }

    visibleApplications(): ApplicationRecord[] {
        return this.applications().filter((a) => this.isReplicated(a.createdAt));
    }

    visibleApplicationByAppId(appId: string): ApplicationRecord | undefined {
        return this.visibleApplications().find((a) => a.appId === appId);
    }

    visibleServicePrincipal(objectId: string): ServicePrincipalRecord | undefined {
        const sp = this.sps.get(objectId);
        return sp && this.isReplicated(sp.createdAt) ? structuredClone(sp) : undefined;
    }

    visibleServicePrincipals(): ServicePrincipalRecord[] {
        return this.servicePrincipals().filter((s) => this.isReplicated(s.createdAt));
    }

    visibleServicePrincipalByAppId(appId: string): ServicePrincipalRecord | undefined {
        return this.visibleServicePrincipals().find((s) => s.appId === appId);
    }

    /** By object ID or UPN (case-insensitive). */
    visibleUser(idOrUpn: string): UserRecord | undefined {
        // Object IDs are GUIDs (stored lower-case), which Graph matches whatever their case.
        const state = this.userStates.get(idOrUpn) ?? this.userStates.get(idOrUpn.toLowerCase()) ?? this.userByUpn(idOrUpn);
        return state && this.isReplicated(state.record.createdAt) ? structuredClone(state.record) : undefined;
    }

    visibleUsers(): UserRecord[] {
        return this.users().filter((u) => this.isReplicated(u.createdAt));
    }

    visibleGrants(): DelegatedGrantRecord[] {
        return this.delegatedGrants().filter((g) => this.isReplicated(g.createdAt));
    }

    visibleAppRoleAssignments(): AppRoleAssignmentRecord[] {
        return this.appRoleAssignments().filter((a) => this.isReplicated(a.createdAt));
    }

    /** A user or service principal, for owner references. */
    visibleDirectoryObject(id: string): { kind: "user"; user: UserRecord } | { kind: "servicePrincipal"; sp: ServicePrincipalRecord } | undefined {
        const user = this.visibleUser(id);
        if (user && user.id === id) return { kind: "user", user };
        const sp = this.visibleServicePrincipal(id);
        return sp ? { kind: "servicePrincipal", sp } : undefined;
    }

    /** How a presented client secret fares against the app's replicated secrets. */
    /** `use` names the request, for the credential activity report; a secret that passes is recorded with it. */
    checkClientSecret(applicationObjectId: string, secret: string | undefined, use?: Omit<SecretUse, "at">): SecretCheck {
        if (!secret) return "missing";
        const app = this.apps.get(applicationObjectId);
        if (!app) return "invalid";
        const now = this.now().getTime();
        for (const s of this.secrets.get(app.id) ?? []) {
            if (!this.isReplicated(s.stored.setAt) || !matches(s.stored, secret)) continue;
            const credential = app.passwordCredentials.find((c) => c.keyId === s.keyId);
            if (!credential || Date.parse(credential.startDateTime) > now) return "invalid";
            if (Date.parse(credential.endDateTime) <= now) return "expired";
            const uses = this.secretUses.get(s.keyId) ?? [];
            uses.push({ at: this.now(), requestId: use?.requestId ?? randomUUID(), grantType: use?.grantType ?? "unknown" });
            this.secretUses.set(s.keyId, uses.slice(-USES_KEPT));
            return "valid";
        }
        return "invalid";
    }

    /** Every time the token endpoint accepted the client secret with this key ID, oldest first. */
    secretUsesOf(keyId: string): readonly SecretUse[] {
        return (this.secretUses.get(keyId) ?? []).map((u) => ({ ...u, at: new Date(u.at) }));
    }

    /** When the token endpoint last accepted the client secret with this key ID; undefined if never. */
    secretLastUsedAt(keyId: string): Date | undefined {
        return this.secretUsesOf(keyId).at(-1)?.at;
    }

    /** Compares with the newest password that has replicated, so a fresh reset still fails for a while. */
    checkPassword(userObjectId: string, password: string): boolean {
        const state = this.userState(userObjectId);
        const current = [...state.passwords].reverse().find((p) => this.isReplicated(p.setAt));
        return current !== undefined && matches(current, password);
    }

    isLocked(userObjectId: string): boolean {
        const state = this.userState(userObjectId);
        if (!state.lockedUntil) return false;
        if (state.lockedUntil.getTime() > this.now().getTime()) return true;
        state.lockedUntil = undefined;
        state.failedAttempts = 0;
        return false;
    }

    recordFailedPassword(userObjectId: string): void {
        const state = this.userState(userObjectId);
        state.failedAttempts++;
        if (state.failedAttempts >= this.faults.lockoutThreshold) {
            const duration = this.faults.lockoutDurationMs ?? DEFAULT_LOCKOUT_DURATION_MS;
            state.lockedUntil = new Date(this.now().getTime() + duration);
        }
    }

    resetFailedPasswords(userObjectId: string): void {
        this.userState(userObjectId).failedAttempts = 0;
    }

    failedPasswordAttempts(userObjectId: string): number {
        return this.userStates.get(userObjectId)?.failedAttempts ?? 0;
    }

    // ---- helpers ----

    private sp(objectId: string): ServicePrincipalRecord {
        const found = this.sps.get(objectId);
        if (!found) throw this.notFound(objectId);
        return found;
    }

    private app(objectId: string): ApplicationRecord {
        const app = this.apps.get(objectId);
        if (!app) throw this.notFound(objectId);
        return app;
    }

    private userState(objectId: string): UserState {
        const state = this.userStates.get(objectId);
        if (!state) throw this.notFound(objectId);
        return state;
    }

    private userByUpn(upn: string): UserState | undefined {
        const wanted = upn.toLowerCase();
        return [...this.userStates.values()].find((s) => s.record.userPrincipalName.toLowerCase() === wanted);
    }

    private assertPasswordComplexity(password: string): void {
        const problem = passwordComplexityProblem(password ?? "");
        if (problem) {
            throw new DirectoryError(400, "Request_BadRequest", `The specified password does not comply with password complexity requirements: ${problem}. Please provide a different password.`);
        }
    }

    private notFound(id: string): DirectoryError {
        return new DirectoryError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    }

    private badReference(property: string, id: string): DirectoryError {
        return new DirectoryError(400, "Request_BadRequest", `Invalid value specified for property '${property}': no object with ID '${id}' exists in this tenant.`);
    }
}
