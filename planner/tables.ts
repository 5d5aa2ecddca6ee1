// What the real providers do with each resource this program registers, as tables read from their source.
// The plan check (plan.ts) and the provider-faithful mocks (engine.ts, planner/tenantModel.ts,
// demo/emulatorMocks.ts) use them; nothing here runs during a real `pulumi up`.
//
// Sources, pinned to the versions package-lock.json installs (re-check them on every provider upgrade):
// - @pulumi/azuread 6.9.1 bridges terraform-provider-azuread at commit 38d1993a1ea6 = tag v3.8.0
//   (pulumi/pulumi-azuread v6.9.1, provider/go.mod). Paths below are under internal/ of that tag.
// - @pulumi/random 4.21.2 bridges terraform-provider-random v3.9.0 (commit f8d869dc98d9, pulumi/pulumi-random
//   provider/go.mod); internal/provider/resource_password.go.
// - @pulumi/azure-native 3.28.0: pulumi/pulumi-azure-native provider/pkg/provider/diff.go (commit 03707ff7)
//   and provider.go (azureNativeProvider.Diff).
// - Graph's stored shapes: microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml (f54f11b6).
//
// Differences found against /work/shared/reference/provider-semantics.md: the provider version is v3.8.0,
// not "HEAD of late 2026"; ApplicationOwner also fails with "requires import" when the link exists, not only
// ApplicationApiAccess; ServicePrincipal create refuses an existing one for the client ID; the grant's
// user_object_id is stored as "" for tenant-wide consent; random's keepers only replace when values are not
// null; azure-native diffs new inputs against the *inputs* it stored (not outputs) and replaces
// delete-before-create by default, so "create-before-delete unless deleteBeforeReplace" holds only for the
// bridged providers; and "the program's inputs must match what the provider reads" for an import held only
// before Pulumi CLI 3.174: the pinned CLI imports, then updates what differs (plan.ts, header).

import { graphDateTime } from "../emulator/dateTime";

export { graphDateTime };

/** How the bridge compares a property: strings (SDKv2: "" equals absent), sets (order and duplicates do
 * not matter), ordered lists, booleans and integers (false/0 equal absent), maps and nested objects. */
export type PropertyKind = "string" | "bool" | "int" | "set" | "list" | "map" | "object";

export interface PropertySemantics {
    /** Pulumi input/output name. */
    readonly name: string;
    /** Name in the provider's schema, as written in the source. */
    readonly tf: string;
    readonly kind: PropertyKind;
    /** A changed value replaces the resource (Terraform ForceNew / RequiresReplace, azure-native path parameter). */
    readonly forceNew?: boolean;
    /** The value the provider uses when the program sends none; it takes part in every diff. */
    readonly default?: unknown;
    /** Optional+Computed: without an input the provider keeps what it read, so an absent input never diffs. */
    readonly computedWhenAbsent?: boolean;
    /** What provider + Graph store for a value the program sent (Create ends with Read). Identity if absent. */
    readonly stored?: (sent: unknown) => unknown;
    /** Never read back from Graph: state keeps what the program sent (and nothing after an import). */
    readonly writeOnly?: boolean;
    /** Repository path and line of the fact. */
    readonly source: string;
}

/** Something Graph (or the provider) refuses to hold twice; a create of the same key while the old one lives fails. */
export interface Uniqueness {
    /** The key from a resource's stored state (or normalised inputs); undefined when it cannot be known. */
    readonly key: (state: Record<string, unknown>) => string | undefined;
    /** Exactly what the deployment would fail with. */
    readonly refusal: string;
    readonly source: string;
}

export interface ResourceSemantics {
    readonly token: string;
    /** Short name used in plans and messages. */
    readonly kind: string;
    readonly provider: "azuread" | "random" | "azure-native";
    readonly properties: readonly PropertySemantics[];
    /** Outputs only the provider produces (IDs, generated values); never diffed. */
    readonly computed: readonly string[];
    /** What new inputs are compared with: the stored state (bridged providers) or the stored inputs (azure-native). */
    readonly diffBasis: "state" | "inputs";
    readonly replaceOrder: "create-before-delete" | "delete-before-create";
    readonly unique?: Uniqueness;
    /** Where Create ends with Read (what makes state = Graph's read-back). */
    readonly readAfterCreate: string;
}

const AZUREAD = "hashicorp/terraform-provider-azuread@v3.8.0 internal/services/";
const RANDOM = "hashicorp/terraform-provider-random@v3.9.0 internal/provider/resource_password.go";
const NATIVE = "pulumi/pulumi-azure-native provider/pkg/provider/";

/**
 * The round trip of a credential date: credentials.go parses it as RFC 3339 and re-formats it with Go's
 * time.RFC3339 (no fractions, the input's offset kept) before sending; Graph stores the instant and its
 * Read returns it in UTC. Not RFC 3339 at all: the provider's validation refuses it.
 */
export function credentialDateRoundTrip(sent: unknown): string {
    const text = String(sent);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text) || Number.isNaN(Date.parse(text))) {
        throw new RangeError(`${JSON.stringify(text)} is not an RFC 3339 date-time (validation.IsRFC3339Time)`);
    }
    return graphDateTime(new Date(Math.floor(Date.parse(text) / 1000) * 1000));
}

/** Graph stores scopes space-separated and the provider reads them back with tf.FromSpaceSeparated. */
function scopeSet(sent: unknown): string[] {
    const values = Array.isArray(sent) ? sent.map(String) : [];
    return [...new Set(values.join(" ").split(/\s+/).filter(Boolean))];
}

const P = (p: PropertySemantics): PropertySemantics => p;

// No `owners` here: the resource neither sends, reads nor changes the application's owners (its Arguments,
// application_registration_resource.go:62-172, and Read, 261-324), so owners added by hand stay. Each owner the
// program wants is one ApplicationOwner, which reads and deletes only its own link (application_owner_resource.go:121-154,156-179).
// The older azuread.Application, which this program does not use, manages the whole list like ServicePrincipal
// (application_resource.go:396-406, 1556-1590, 1716-1724) and would remove the ApplicationOwner's link.
export const APPLICATION_REGISTRATION: ResourceSemantics = {
    token: "azuread:index/applicationRegistration:ApplicationRegistration",
    kind: "ApplicationRegistration",
    provider: "azuread",
    properties: [
        P({ name: "displayName", tf: "display_name", kind: "string", source: `${AZUREAD}applications/application_registration_resource.go:64` }),
        P({ name: "signInAudience", tf: "sign_in_audience", kind: "string", default: "AzureADMyOrg", source: `${AZUREAD}applications/application_registration_resource.go:154` }),
        P({ name: "notes", tf: "notes", kind: "string", source: `${AZUREAD}applications/application_registration_resource.go:121` }),
        // Graph stores api.requestedAccessTokenVersion; an app made in the portal has null, read back as 0.
        P({ name: "requestedAccessTokenVersion", tf: "requested_access_token_version", kind: "int", default: 2, source: `${AZUREAD}applications/application_registration_resource.go:139,298` }),
        P({ name: "description", tf: "description", kind: "string", source: `${AZUREAD}applications/application_registration_resource.go:71` }),
    ],
    computed: ["clientId", "objectId", "publisherDomain", "disabledByMicrosoft"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    readAfterCreate: `${AZUREAD.replace("services/", "")}sdk/wrapper_resource.go:63`,
};

export const SERVICE_PRINCIPAL: ResourceSemantics = {
    token: "azuread:index/servicePrincipal:ServicePrincipal",
    kind: "ServicePrincipal",
    provider: "azuread",
    properties: [
        P({ name: "clientId", tf: "client_id", kind: "string", forceNew: true, source: `${AZUREAD}serviceprincipals/service_principal_resource.go:75` }),
        P({ name: "accountEnabled", tf: "account_enabled", kind: "bool", default: true, source: `${AZUREAD}serviceprincipals/service_principal_resource.go:83` }),
        P({ name: "appRoleAssignmentRequired", tf: "app_role_assignment_required", kind: "bool", source: `${AZUREAD}serviceprincipals/service_principal_resource.go:96` }),
        // Optional, not Computed (205-214): no input means no owners. Create adds the deployer and removes it
        // unless declared (435-525); Read stores every owner Graph lists (679-687); Update, on a change, removes
        // each listed owner the program does not declare (565-596). The bridge plans a null config value for a
        // non-Computed attribute (pulumi-terraform-bridge v3.130.0 pkg/vendored/opentofu/plans/objchange/objchange.go:383-388),
        // so owners read by an import or a refresh and not declared are removed by the next update.
        P({ name: "owners", tf: "owners", kind: "set", default: [], source: `${AZUREAD}serviceprincipals/service_principal_resource.go:205-214,435-525,565-596,679-687` }),
    ],
    computed: ["objectId", "displayName", "oauth2PermissionScopeIds", "appRoleIds", "type"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.clientId ? `service principal for client ${String(s.clientId).toLowerCase()}` : undefined),
        refusal: "the provider refuses to create a second service principal for the same client ID (ImportAsExistsDiag: \"already exists - to be managed via Terraform this resource needs to be imported\")",
        source: `${AZUREAD}serviceprincipals/service_principal_resource.go:402`,
    },
    readAfterCreate: `${AZUREAD}serviceprincipals/service_principal_resource.go:527`,
};

export const APPLICATION_API_ACCESS: ResourceSemantics = {
    token: "azuread:index/applicationApiAccess:ApplicationApiAccess",
    kind: "ApplicationApiAccess",
    provider: "azuread",
    properties: [
        P({ name: "applicationId", tf: "application_id", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_api_access_resource.go:53` }),
        P({ name: "apiClientId", tf: "api_client_id", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_api_access_resource.go:61` }),
        P({ name: "roleIds", tf: "role_ids", kind: "set", source: `${AZUREAD}applications/application_api_access_resource.go:67` }),
        P({ name: "scopeIds", tf: "scope_ids", kind: "set", source: `${AZUREAD}applications/application_api_access_resource.go:78` }),
    ],
    computed: [],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.applicationId && s.apiClientId ? `declared API ${String(s.apiClientId).toLowerCase()} on ${String(s.applicationId)}` : undefined),
        refusal: "the provider refuses to declare an API the application already declares: \"... requires import\" (ResourceRequiresImport)",
        source: `${AZUREAD}applications/application_api_access_resource.go:131-135`,
    },
    readAfterCreate: `${AZUREAD.replace("services/", "")}sdk/wrapper_resource.go:63`,
};

export const APPLICATION_OWNER: ResourceSemantics = {
    token: "azuread:index/applicationOwner:ApplicationOwner",
    kind: "ApplicationOwner",
    provider: "azuread",
    properties: [
        P({ name: "applicationId", tf: "application_id", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_owner_resource.go:51` }),
        P({ name: "ownerObjectId", tf: "owner_object_id", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_owner_resource.go:59` }),
    ],
    computed: [],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.applicationId && s.ownerObjectId ? `owner ${String(s.ownerObjectId).toLowerCase()} of ${String(s.applicationId)}` : undefined),
        refusal: "a second owner link for the same user: the provider answers \"requires import\", Graph 400 Request_BadRequest \"One or more added object references already exist for the following modified properties: 'owners'.\"",
        source: `${AZUREAD}applications/application_owner_resource.go:90-96`,
    },
    readAfterCreate: `${AZUREAD.replace("services/", "")}sdk/wrapper_resource.go:63`,
};

export const USER: ResourceSemantics = {
    token: "azuread:index/user:User",
    kind: "User",
    provider: "azuread",
    properties: [
        P({ name: "userPrincipalName", tf: "user_principal_name", kind: "string", source: `${AZUREAD}users/user_resource.go:69,720` }),
        P({ name: "displayName", tf: "display_name", kind: "string", source: `${AZUREAD}users/user_resource.go:76,703` }),
        P({ name: "accountEnabled", tf: "account_enabled", kind: "bool", default: true, source: `${AZUREAD}users/user_resource.go:87,758` }),
        // Only sent with a password change (user_resource.go:604-608) and never read back.
        P({ name: "forcePasswordChange", tf: "force_password_change", kind: "bool", default: false, writeOnly: true, source: `${AZUREAD}users/user_resource.go:175` }),
        P({ name: "password", tf: "password", kind: "string", writeOnly: true, computedWhenAbsent: true, source: `${AZUREAD}users/user_resource.go:244-251` }),
        // Read from passwordPolicies (user_resource.go:786-799).
        P({ name: "disablePasswordExpiration", tf: "disable_password_expiration", kind: "bool", default: false, source: `${AZUREAD}users/user_resource.go:263,799` }),
        P({ name: "disableStrongPassword", tf: "disable_strong_password", kind: "bool", default: false, source: `${AZUREAD}users/user_resource.go:257,798` }),
        // Set through the beta API right after create (user_resource.go:516-526); null for users made
        // elsewhere, read back as false (user_resource.go:815).
        P({ name: "showInAddressList", tf: "show_in_address_list", kind: "bool", default: true, source: `${AZUREAD}users/user_resource.go:283,815` }),
        P({ name: "mailNickname", tf: "mail_nickname", kind: "string", computedWhenAbsent: true, source: `${AZUREAD}users/user_resource.go:203-208,421-424` }),
        P({ name: "usageLocation", tf: "usage_location", kind: "string", source: `${AZUREAD}users/user_resource.go:304` }),
    ],
    computed: ["objectId", "mail", "userType", "creationType"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.userPrincipalName ? `user ${String(s.userPrincipalName).toLowerCase()}` : undefined),
        refusal: "Graph 400 Request_BadRequest \"Another object with the same value for property userPrincipalName already exists.\" (details: ObjectConflict on userPrincipalName)",
        source: "microsoftgraph/microsoft-graph-docs#1508 (create user with an existing UPN)",
    },
    readAfterCreate: `${AZUREAD}users/user_resource.go:551`,
};

export const DELEGATED_GRANT: ResourceSemantics = {
    token: "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
    kind: "ServicePrincipalDelegatedPermissionGrant",
    provider: "azuread",
    properties: [
        P({ name: "servicePrincipalObjectId", tf: "service_principal_object_id", kind: "string", forceNew: true, source: `${AZUREAD}serviceprincipals/service_principal_delegated_permission_grant_resource.go:86` }),
        P({ name: "resourceServicePrincipalObjectId", tf: "resource_service_principal_object_id", kind: "string", forceNew: true, source: `${AZUREAD}serviceprincipals/service_principal_delegated_permission_grant_resource.go:78` }),
        // Omitted for tenant-wide consent; Read stores PrincipalId.GetOrZero(), i.e. "" (line 210).
        P({ name: "userObjectId", tf: "user_object_id", kind: "string", forceNew: true, stored: (v) => (v === undefined || v === null ? "" : v), source: `${AZUREAD}serviceprincipals/service_principal_delegated_permission_grant_resource.go:94,210` }),
        P({ name: "claimValues", tf: "claim_values", kind: "set", stored: scopeSet, source: `${AZUREAD}serviceprincipals/service_principal_delegated_permission_grant_resource.go:65,207` }),
    ],
    computed: [],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.servicePrincipalObjectId && s.resourceServicePrincipalObjectId
            ? `delegated grant ${String(s.servicePrincipalObjectId)} -> ${String(s.resourceServicePrincipalObjectId)} ${s.userObjectId ? `Principal ${String(s.userObjectId)}` : "AllPrincipals"}`
            : undefined),
        refusal: "Graph 409 Request_MultipleObjectsWithSameKeyValue \"Permission entry already exists.\" (one grant per client, resource, consent type and principal)",
        source: "hashicorp/terraform-provider-azuread#690",
    },
    readAfterCreate: `${AZUREAD}serviceprincipals/service_principal_delegated_permission_grant_resource.go:162`,
};

export const APP_ROLE_ASSIGNMENT: ResourceSemantics = {
    token: "azuread:index/appRoleAssignment:AppRoleAssignment",
    kind: "AppRoleAssignment",
    provider: "azuread",
    properties: [
        P({ name: "appRoleId", tf: "app_role_id", kind: "string", forceNew: true, source: `${AZUREAD}approleassignments/app_role_assignment_resource.go:64` }),
        P({ name: "principalObjectId", tf: "principal_object_id", kind: "string", forceNew: true, source: `${AZUREAD}approleassignments/app_role_assignment_resource.go:72` }),
        P({ name: "resourceObjectId", tf: "resource_object_id", kind: "string", forceNew: true, source: `${AZUREAD}approleassignments/app_role_assignment_resource.go:80` }),
    ],
    computed: ["principalDisplayName", "principalType", "resourceDisplayName"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    unique: {
        key: (s) => (s.appRoleId && s.principalObjectId && s.resourceObjectId
            ? `app role ${String(s.appRoleId)} of ${String(s.resourceObjectId)} for ${String(s.principalObjectId)}` : undefined),
        refusal: "Graph 400 Request_BadRequest \"Permission being assigned already exists on the object\"",
        source: "Graph: POST /servicePrincipals/{id}/appRoleAssignedTo of an existing assignment",
    },
    readAfterCreate: `${AZUREAD}approleassignments/app_role_assignment_resource.go:158`,
};

export const APPLICATION_PASSWORD: ResourceSemantics = {
    token: "azuread:index/applicationPassword:ApplicationPassword",
    kind: "ApplicationPassword",
    provider: "azuread",
    // No Update function at all (application_password_resource.go:29-32): every input is ForceNew.
    properties: [
        P({ name: "applicationId", tf: "application_id", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_password_resource.go:55,251` }),
        P({ name: "displayName", tf: "display_name", kind: "string", forceNew: true, computedWhenAbsent: true, source: `${AZUREAD}applications/application_password_resource.go:64,254` }),
        P({ name: "startDate", tf: "start_date", kind: "string", forceNew: true, computedWhenAbsent: true, stored: credentialDateRoundTrip, source: `${AZUREAD}applications/application_password_resource.go:72,264` }),
        P({ name: "endDate", tf: "end_date", kind: "string", forceNew: true, computedWhenAbsent: true, stored: credentialDateRoundTrip, source: `${AZUREAD}applications/application_password_resource.go:81,265; ${AZUREAD.replace("services/", "")}helpers/credentials/credentials.go:196-201` }),
        P({ name: "endDateRelative", tf: "end_date_relative", kind: "string", forceNew: true, source: `${AZUREAD}applications/application_password_resource.go:90` }),
        P({ name: "rotateWhenChanged", tf: "rotate_when_changed", kind: "map", forceNew: true, source: `${AZUREAD}applications/application_password_resource.go:100` }),
    ],
    computed: ["keyId", "value"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    readAfterCreate: `${AZUREAD}applications/application_password_resource.go:216`,
};

const randomInt = (name: string, tf: string, line: number, defaultValue?: number): PropertySemantics =>
    P({ name, tf, kind: "int", forceNew: true, ...(defaultValue !== undefined ? { default: defaultValue } : {}), source: `${RANDOM}:${line}` });
const randomBool = (name: string, tf: string, line: number, computedWhenAbsent = false): PropertySemantics =>
    P({ name, tf, kind: "bool", forceNew: true, ...(computedWhenAbsent ? { computedWhenAbsent } : { default: true }), source: `${RANDOM}:${line}` });

export const RANDOM_PASSWORD: ResourceSemantics = {
    token: "random:index/randomPassword:RandomPassword",
    kind: "RandomPassword",
    provider: "random",
    properties: [
        randomInt("length", "length", 585),
        randomBool("special", "special", 602),
        randomBool("upper", "upper", 612),
        randomBool("lower", "lower", 622),
        randomBool("numeric", "numeric", 654, true),
        randomInt("minNumeric", "min_numeric", 672, 0),
        randomInt("minUpper", "min_upper", 682, 0),
        randomInt("minLower", "min_lower", 692, 0),
        randomInt("minSpecial", "min_special", 702, 0),
        // Replaced on any change except "" -> null (RequiresReplaceUnlessEmptyStringToNull).
        P({ name: "overrideSpecial", tf: "override_special", kind: "string", forceNew: true, source: `${RANDOM}:714-718` }),
        // Replaced when a value changes; keepers removed (null) do not replace (RequiresReplaceIfValuesNotNull).
        P({ name: "keepers", tf: "keepers", kind: "map", forceNew: true, source: `${RANDOM}:576` }),
    ],
    computed: ["result", "bcryptHash"],
    diffBasis: "state",
    replaceOrder: "create-before-delete",
    readAfterCreate: `${RANDOM}:86-89 (Create sets the whole state; no remote object)`,
};

export const KEY_VAULT_SECRET: ResourceSemantics = {
    token: "azure-native:keyvault:Secret",
    kind: "keyvault.Secret",
    provider: "azure-native",
    // Every PUT path parameter replaces (diff.go:23-31); the body's properties update in place, each PUT a
    // new secret version.
    properties: [
        P({ name: "resourceGroupName", tf: "resourceGroupName (path)", kind: "string", forceNew: true, source: `${NATIVE}diff.go:23-31` }),
        P({ name: "vaultName", tf: "vaultName (path)", kind: "string", forceNew: true, source: `${NATIVE}diff.go:23-31` }),
        P({ name: "secretName", tf: "secretName (path)", kind: "string", forceNew: true, source: `${NATIVE}diff.go:23-31` }),
        P({ name: "properties", tf: "properties (body)", kind: "object", source: `${NATIVE}diff.go:33-52` }),
        P({ name: "tags", tf: "tags (body)", kind: "map", source: `${NATIVE}diff.go:33-52` }),
    ],
    computed: ["name", "type", "location", "azureApiVersion"],
    // azureNativeProvider.Diff: oldInputs := parseCheckpointObject(oldState), then oldInputs.Diff(news).
    diffBasis: "inputs",
    // azureNativeProvider.Diff: deleteBeforeReplace := len(replaces) > 0.
    replaceOrder: "delete-before-create",
    readAfterCreate: `${NATIVE}provider.go (azureNativeProvider.Create stores inputs and the PUT response)`,
};

export const AZURE_NATIVE_PROVIDER: ResourceSemantics = {
    token: "pulumi:providers:azure-native",
    kind: "azure-native provider",
    provider: "azure-native",
    properties: [
        // DiffConfig answers DIFF_UNKNOWN (0) with no replacements, so the engine compares the inputs itself and updates.
        P({ name: "subscriptionId", tf: "subscriptionId", kind: "string", source: `${NATIVE}provider.go (azureNativeProvider.DiffConfig)` }),
    ],
    computed: [],
    diffBasis: "inputs",
    replaceOrder: "create-before-delete",
    readAfterCreate: "provider resources have no remote object",
};

/** Every resource type the program registers, by type token. */
export const RESOURCE_SEMANTICS: ReadonlyMap<string, ResourceSemantics> = new Map([
    APPLICATION_REGISTRATION, SERVICE_PRINCIPAL, APPLICATION_API_ACCESS, APPLICATION_OWNER, USER, DELEGATED_GRANT,
    APP_ROLE_ASSIGNMENT, APPLICATION_PASSWORD, RANDOM_PASSWORD, KEY_VAULT_SECRET, AZURE_NATIVE_PROVIDER,
].map((s) => [s.token, s]));

export function semanticsOf(token: string): ResourceSemantics {
    const found = RESOURCE_SEMANTICS.get(token);
    if (!found) throw new Error(`no provider table for resource type ${token}: read its provider source and add one to planner/tables.ts`);
    return found;
}

/**
 * The state the provider stores after Create (which ends with Read) for these inputs: each property as
 * Graph writes it back, the provider's defaults for properties not sent, and the computed outputs.
 * azure-native keeps the inputs themselves alongside its outputs.
 */
export function storedState(token: string, inputs: Record<string, unknown>, computed: Record<string, unknown> = {}): Record<string, unknown> {
    const semantics = semanticsOf(token);
    const state: Record<string, unknown> = {};
    for (const p of semantics.properties) {
        const sent = inputs[p.name];
        if (sent === undefined || sent === null) {
            if (p.default !== undefined) state[p.name] = p.default;
            else if (p.stored && !p.computedWhenAbsent) state[p.name] = p.stored(sent);
            continue;
        }
        state[p.name] = p.stored ? p.stored(sent) : sent;
    }
    for (const key of semantics.computed) if (computed[key] !== undefined) state[key] = computed[key];
    for (const [key, value] of Object.entries(computed)) if (!(key in state)) state[key] = value;
    return state;
}
