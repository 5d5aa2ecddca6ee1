// The emulator's public contract. The verifier's tests, the demo and the emulator-backed Pulumi mocks
// code against these types only; everything else in emulator/ is internal.

export type { Handoff } from "../handoff/types";
import type { Handoff } from "../handoff/types";

export type Availability =
    | "Available" | "AvailableIdle" | "Away" | "BeRightBack" | "Busy" | "BusyIdle"
    | "DoNotDisturb" | "Offline" | "PresenceUnknown";

export interface EmulatorOptions {
    /** Directory (tenant) ID the emulator plays; a fixed GUID by default. */
    tenantId?: string;
    /** Verified domain for user principal names; `contoso.example` by default. */
    domain?: string;
    /** The emulator's clock; `() => new Date()` by default. Expiry, replication delays and lockout use it. */
    now?: () => Date;
    /** Port on 127.0.0.1; 0 (a free port) by default. */
    port?: number;
    /** Serve HTTPS with a certificate made at start for 127.0.0.1, localhost and ::1, signed by a CA that
     * is written to `emulator.caFile`. Plain HTTP when false or left out. */
    https?: boolean;
    /** Initial fault switches; anything left out keeps its default. */
    faults?: Partial<Faults>;
}

export interface ApplicationRecord {
    /** Object ID. */
    id: string;
    /** Application (client) ID. */
    appId: string;
    displayName: string;
    signInAudience: string;
    /** Null unless set. */
    notes?: string | null;
    /** api.requestedAccessTokenVersion: null for apps made in the portal. */
    requestedAccessTokenVersion?: number | null;
    requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: "Scope" | "Role" }[] }[];
    passwordCredentials: { keyId: string; displayName?: string; startDateTime: string; endDateTime: string; hint: string }[];
    ownerIds: string[];
    createdAt: Date;
}

export interface ServicePrincipalRecord {
    /** Object ID. */
    id: string;
    /** The application (client) ID it represents. */
    appId: string;
    displayName: string;
    /** Delegated permissions the SP exposes (Microsoft Graph's are the real IDs). */
    oauth2PermissionScopes: { id: string; value: string }[];
    /** Application permissions the SP exposes. */
    appRoles: { id: string; value: string }[];
    /** Owners of the enterprise application (users or service principals), apart from the app registration's. */
    ownerIds: string[];
    createdAt: Date;
}

export interface UserRecord {
    /** Object ID. */
    id: string;
    userPrincipalName: string;
    displayName: string;
    accountEnabled: boolean;
    forceChangePasswordNextSignIn: boolean;
    passwordPolicies?: string;
    mailNickname?: string;
    /** Null unless set (the provider sets it through Graph beta after creating a user). */
    showInAddressList?: boolean | null;
    createdAt: Date;
    passwordChangedAt: Date;
    /** Teams presence this user shows; `PresenceUnknown` for users without Teams. `sequence` counts changes
     * (Graph's opaque `sequenceNumber` grows with each one). */
    presence: { availability: Availability; activity: string; sequence?: number };
}

export interface DelegatedGrantRecord {
    id: string;
    clientId: string;
    resourceId: string;
    consentType: "AllPrincipals" | "Principal";
    principalId: string | null;
    /** Space-separated scope names, as Graph stores them. */
    scope: string;
    createdAt: Date;
}

export interface AppRoleAssignmentRecord {
    id: string;
    appRoleId: string;
    principalId: string;
    resourceId: string;
    createdAt: Date;
}

/** Switches that make the emulator fail the way a real tenant does. All off by default. */
export interface Faults {
    /** New applications, service principals, users, secrets, grants and role assignments stay invisible
     * to the token endpoint and Graph for this long after creation (eventual consistency). */
    replicationDelayMs: number;
    /** User object IDs or UPNs that need MFA (AADSTS50076). */
    mfaRequired: Set<string>;
    /** User object IDs or UPNs that must register for MFA (AADSTS50079). */
    mfaRegistrationRequired: Set<string>;
    /** User object IDs or UPNs blocked by a Conditional Access policy (AADSTS53003). */
    conditionalAccessBlocked: Set<string>;
    /** User object IDs or UPNs whose password has expired (AADSTS50055). */
    passwordExpired: Set<string>;
    /** User object IDs or UPNs without a Teams licence. Microsoft documents presence as "only supported for
     * Microsoft Teams users" and not what Graph answers for anyone else, so `withoutTeamsPresence` plays
     * either plausible answer. */
    withoutTeams: Set<string>;
    /** How Graph answers presence reads for `withoutTeams` users: `PresenceUnknown` (their presence reads
     * PresenceUnknown whatever `setPresence` said) or `NotFound` (HTTP 404 for them; getPresencesByUserId
     * leaves them out, and answers 404 when no requested ID has a presence and one of them is such a user). */
    withoutTeamsPresence: "PresenceUnknown" | "NotFound";
    /** User object IDs or UPNs whose presence Graph answers with `availability: null`. Graph's metadata declares
     * the property nullable (msgraph-metadata schemas/v1.0-Prod.csdl, EntityType "presence": no Nullable="false"). */
    nullAvailability: Set<string>;
    /** User object IDs or UPNs whose presence Graph answers with `activity: null` (nullable like availability). */
    nullActivity: Set<string>;
    /** The tenant has no Microsoft Entra ID P1/P2 licence: the sign-in activity reports answer 403
     * Authentication_RequestFromNonPremiumTenantOrB2CTenant, as Graph does. */
    withoutPremiumLicence: boolean;
    /** Entries per page of `/beta/reports/appCredentialSignInActivities` before an `@odata.nextLink`. */
    reportPageSize: number;
    /** The shape of that report: `metadata` (the beta metadata: keyType `clientSecret`, `expirationDateTime`, UTC
     * times) or `examples` (the reference page's examples: keyType `secret`, `expirationDate`, times at offset
     * `-8:00`, and a filtered answer of one credential as a bare entity without `value`). */
    reportShape: "metadata" | "examples";
    /** How long after a sign-in the credential activity report shows it, and after a client secret's start that it
     * lists the secret at all; 0 (at once) by default. Microsoft does not
     * document this report's lag; a user's signInActivity "might take up to 24 hours to update"
     * (MicrosoftDocs/entra-docs docs/identity/monitoring-health/howto-manage-inactive-user-accounts.md). */
    reportDelayMs: number;
    /** The report never shows password (ROPC) sign-ins, only the others (client credentials, refresh): whether it
     * records a delegated ROPC sign-in that authenticates the client with its secret is not documented. */
    reportSkipsPasswordSignIns: boolean;
    /** Failed password attempts before smart lockout locks the account (AADSTS50053); 10 like Entra ID. */
    lockoutThreshold: number;
    /** How long a locked account stays locked; 60 s (Entra ID's initial lockout) when unset. */
    lockoutDurationMs?: number;
    /** Every n-th Graph request (not the token endpoint) gets HTTP 429 with Retry-After; 0 = never. */
    throttleEvery: number;
    /** Retry-After seconds sent with a 429. */
    retryAfterSeconds: number;
    /** Every n-th request (token endpoint and Graph) gets HTTP 503; 0 = never. */
    serverErrorEvery: number;
    /** Added latency per request. */
    latencyMs: number;
}

/** One line of the request log. Never holds a secret, password or token. */
export interface LoggedRequest {
    at: Date;
    method: string;
    /** Path without the query string. */
    path: string;
    /** For the token endpoint: the grant type. */
    grantType?: string;
    /** For password grants: the user name that was tried. */
    username?: string;
    /** HTTP status returned. */
    status: number;
    /** AADSTS code returned, if any. */
    aadsts?: number;
    /** True for a sub-request dispatched from a `$batch` (the envelope is logged separately). */
    inBatch?: boolean;
}

export interface Directory {
    readonly tenantId: string;
    readonly domain: string;
    /** Microsoft Graph's own service principal (appId 00000003-0000-0000-c000-000000000000) with the real
     * permission IDs from ../shared/reference/entra-and-graph.md. */
    readonly graphServicePrincipal: ServicePrincipalRecord;

    createApplication(input: { displayName: string; signInAudience?: string }): ApplicationRecord;
    /** Returns the secret text, once, like Graph's addPassword. */
    addPassword(applicationObjectId: string, input: { displayName?: string; endDateTime?: Date; startDateTime?: Date }): { keyId: string; secretText: string; endDateTime: string };
    removePassword(applicationObjectId: string, keyId: string): void;
    addOwner(applicationObjectId: string, ownerObjectId: string): void;
    /** Makes a user or service principal an owner of the service principal (Enterprise applications > Owners). */
    addServicePrincipalOwner(servicePrincipalObjectId: string, ownerObjectId: string): void;
    setRequiredResourceAccess(applicationObjectId: string, rra: ApplicationRecord["requiredResourceAccess"]): void;
    createServicePrincipal(input: { appId: string }): ServicePrincipalRecord;
    createUser(input: {
        userPrincipalName: string; displayName: string; password: string;
        forceChangePasswordNextSignIn?: boolean; accountEnabled?: boolean; passwordPolicies?: string;
    }): UserRecord;
    setPassword(userObjectId: string, password: string, forceChangePasswordNextSignIn?: boolean): void;
    updateUser(userObjectId: string, patch: Partial<Pick<UserRecord, "accountEnabled" | "displayName" | "passwordPolicies">>): void;
    setPresence(userObjectId: string, availability: Availability, activity?: string): void;
    grantDelegated(input: { clientId: string; resourceId: string; scope: string; principalId?: string }): DelegatedGrantRecord;
    revokeDelegated(grantId: string): void;
    assignAppRole(input: { appRoleId: string; principalId: string; resourceId: string }): AppRoleAssignmentRecord;
    /** Optional so other Directory fakes need not implement them; the emulator's directory does. */
    assignDirectoryRole?(principalObjectId: string, role: string): void;
    deleteApplication?(applicationObjectId: string): void;
    deleteServicePrincipal?(servicePrincipalObjectId: string): void;
    deleteUser?(userObjectId: string): void;
    removeAppRoleAssignment?(assignmentId: string): void;

    applications(): ApplicationRecord[];
    servicePrincipals(): ServicePrincipalRecord[];
    users(): UserRecord[];
    delegatedGrants(): DelegatedGrantRecord[];
    appRoleAssignments(): AppRoleAssignmentRecord[];

    /** A complete working setup made the way the manual guide does it: app, service principal, service
     * user (owner of the app, password never expires, no forced change), tenant-wide consent for the
     * given delegated scopes (default `User.Read Presence.Read.All`), one client secret. Optionally some
     * agents with presence. Returns the handoff and the created object IDs. */
    seedPresenceSetup(input?: {
        delegatedScopes?: string[];
        agents?: { userPrincipalName: string; availability: Availability; activity?: string }[];
        secretEndDateTime?: Date;
    }): {
        handoff: Handoff;
        applicationObjectId: string;
        servicePrincipalObjectId: string;
        serviceUserObjectId: string;
        agentObjectIds: string[];
    };
}

export interface Emulator {
    /** Base URL, e.g. http://127.0.0.1:41234 (https:// with `https: true`). Authority host and Graph endpoint both. */
    readonly url: string;
    readonly tenantId: string;
    /** With `https: true`: PEM of the CA that signed the server certificate, the one thing a client must
     * trust. Not secret; its private key was discarded after signing. */
    readonly caCertificate?: string;
    /** With `https: true`: a 0600 file holding `caCertificate` (for NODE_EXTRA_CA_CERTS, curl --cacert),
     * removed by close(). */
    readonly caFile?: string;
    readonly directory: Directory;
    /** Mutable fault switches; changes apply to the next request. */
    readonly faults: Faults;
    /** Requests served so far, oldest first. */
    readonly requests: LoggedRequest[];
    /** Failed password attempts per user object ID (what smart lockout counts). */
    failedPasswordAttempts(userObjectId: string): number;
    /** Stops the server and removes `caFile`. */
    close(): Promise<void>;
}
