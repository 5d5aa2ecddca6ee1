// The stack's configuration: one zod schema, validated once before any resource is registered.
// Every message names the key, the bad value (never for a secret key) and what is allowed.
import { z } from "zod";
import { DEFAULT_PASSWORD_LENGTH, handMadePasswordProblems, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../components/passwordPolicy";
import { cloudProblem, passwordAttemptsProblem, type CloudName } from "../verifier/clouds";
import { endpointProblem, shownEndpoint } from "../verifier/endpoints";
import { UserError } from "../components/userError";

/** Raw values as the program receives them: strings, with lists and objects as JSON text. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/** Keys in the project's namespace (`pulumi config set KEY VALUE`). */
export const PROJECT_KEYS = [
    "serviceUserPrincipalName", "appDisplayName", "serviceUserDisplayName", "delegatedPermissions",
    "applicationPermissions", "consent", "passwordNeverExpires", "passwordLength", "secretRotationDays",
    "secretOverlapDays", "secretMaxLifetimeDays", "protect", "verify", "verifyTimeoutSeconds", "verifyAgents",
    "verifyPasswordAttempts", "cloud", "authorityHost", "graphEndpoint", "handoffKeyVault", "adopt", "existingUserPassword",
    "servicePrincipalOwners",
] as const;

/** The one key read from the azuread provider's namespace. */
export const TENANT_ID_KEY = "azuread:tenantId";

/** Keys whose value must be stored encrypted (`pulumi config set --secret`): the program refuses them in clear. */
export const SECRET_CONFIG_KEYS: readonly (typeof PROJECT_KEYS)[number][] = ["existingUserPassword"];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Entra ID's UPN rules, simplified: up to 64 letters, digits and . _ - ' ! # ^ ~ before the @, a domain of up to 48
// characters after it (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy, "Username policies").
const UPN = /^(?!\.)[A-Za-z0-9._'!#^~-]{1,64}(?<!\.)@(?=[^@]{1,48}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function text(key: string, fallback: string | undefined, max: number) {
    return z.preprocess((v) => (v === undefined || v === "" ? fallback : v), z
        .string({ error: () => `${key} is required` })
        .max(max, { error: (i) => `${key} ${show(i.input)} is longer than ${max} characters` }));
}

function bool(key: string, fallback: boolean) {
    return z.preprocess(
        (v) => (v === undefined ? fallback : v === "true" ? true : v === "false" ? false : v),
        z.boolean({ error: (i) => `${key} ${show(i.input)} must be true or false` }));
}

function whole(key: string, fallback: number, min: number, max: number, unit: string) {
    return z.preprocess(
        (v) => (v === undefined ? fallback : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
        z.number({ error: (i) => `${key} ${show(i.input)} must be a whole number of ${unit} from ${min} to ${max}` })
            .int({ error: (i) => `${key} ${show(i.input)} must be a whole number of ${unit} from ${min} to ${max}` })
            .min(min, { error: (i) => `${key} ${show(i.input)} must be a whole number of ${unit} from ${min} to ${max}` })
            .max(max, { error: (i) => `${key} ${show(i.input)} must be a whole number of ${unit} from ${min} to ${max}` }));
}

function json(v: unknown): unknown {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}

function nameList(key: string, fallback: string[], example: string) {
    const message = (i: { input?: unknown }) =>
        `${key} ${show(i.input)} must be a JSON list of permission names such as ${example}`;
    return z.preprocess((v) => (v === undefined ? fallback : json(v)), z
        .array(z.string({ error: message }).regex(/^[A-Za-z][A-Za-z0-9_.]*$/, { error: message }), { error: message })
        .refine((l) => new Set(l).size === l.length, { error: (i) => `${key} ${show(i.input)} lists a permission twice` }));
}

function endpointUrl(key: string) {
    return z
        .string()
        .superRefine((u, ctx) => {
            const problem = endpointProblem(u);
            if (problem) ctx.addIssue({ code: "custom", message: `${key} ${show(shownEndpoint(u))} ${problem}` });
        })
        .transform((u) => u.replace(/\/+$/, ""))
        .optional();
}

const keyVaultSchema = z.object({
    subscriptionId: z.string().regex(GUID, { error: (i) => `handoffKeyVault.subscriptionId ${show(i.input)} must be a GUID` }).optional(),
    resourceGroupName: z.string({ error: () => "handoffKeyVault.resourceGroupName is required (the vault's resource group)" })
        .regex(/^[-\w._()]{1,90}$/, { error: (i) => `handoffKeyVault.resourceGroupName ${show(i.input)} must be 1-90 letters, digits, - _ . ( )` }),
    vaultName: z.string({ error: () => "handoffKeyVault.vaultName is required" })
        .regex(/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, { error: (i) => `handoffKeyVault.vaultName ${show(i.input)} must be 3-24 letters, digits and hyphens, starting with a letter` }),
    secretNamePrefix: z.string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,79}$/, { error: (i) => `handoffKeyVault.secretNamePrefix ${show(i.input)} must be 1-80 letters, digits and hyphens` })
        .default("jtel-presence"),
}, { error: (i) => `handoffKeyVault ${show(i.input)} must be an object {"resourceGroupName": "...", "vaultName": "..."}` }).strict();

const objectId = (field: string) => z.string({ error: () => `adopt.${field} is required` })
    .regex(GUID, { error: (i) => `adopt.${field} ${show(i.input)} must be an object ID (a GUID)` });

const adoptSchema = z.object({
    applicationObjectId: objectId("applicationObjectId"),
    servicePrincipalObjectId: objectId("servicePrincipalObjectId"),
    serviceUserObjectId: objectId("serviceUserObjectId"),
    delegatedGrantId: z.string({ error: () => "adopt.delegatedGrantId is required: the ID of the oauth2PermissionGrant that \"Grant admin consent\" created (see docs/migration.md)" })
        .regex(/^[A-Za-z0-9_-]{16,128}$/, { error: (i) => `adopt.delegatedGrantId ${show(i.input)} must be an oauth2PermissionGrant ID (letters, digits, - and _)` }),
}, { error: (i) => `adopt ${show(i.input)} must be an object with applicationObjectId, servicePrincipalObjectId, serviceUserObjectId and delegatedGrantId` }).strict();

// The enterprise application's owners: azuread's ServicePrincipal removes every owner not listed
// (service_principal_resource.go:565-596 in terraform-provider-azuread v3.8.0).
const ownersMessage = (i: { input?: unknown }) =>
    `servicePrincipalOwners ${show(i.input)} must be a JSON list of object IDs (GUIDs) of users or service principals, such as ["0f1e2d3c-4b5a-4697-8877-665544332211"]`;
const servicePrincipalOwners = z.preprocess((v) => (v === undefined ? [] : json(v)), z
    .array(z.string({ error: ownersMessage }).regex(GUID, { error: (i) => `servicePrincipalOwners entry ${show(i.input)} must be an object ID (a GUID) of a user or service principal` }), { error: ownersMessage })
    .refine((l) => new Set(l.map((id) => id.toLowerCase())).size === l.length, { error: (i) => `servicePrincipalOwners ${show(i.input)} lists an owner twice` })
    // Graph answers object IDs in lower case, and the provider compares them as written.
    .transform((l) => l.map((id) => id.toLowerCase())));

// A secret: no message here ever shows the value. A hand-made password only has to satisfy Entra ID and the
// connector, not the stricter rules of the generated one.
const existingPassword = z.string().superRefine((pw, ctx) => {
    for (const problem of handMadePasswordProblems(pw)) {
        ctx.addIssue({ code: "custom", message: `existingUserPassword (secret, not shown) ${problem}; the connector cannot sign in with it, so reset it instead: pulumi config rm existingUserPassword` });
    }
}).optional();

const schema = z.object({
    tenantId: z.string({ error: () => `${TENANT_ID_KEY} is required: the customer's Directory (tenant) ID, e.g. pulumi config set azuread:tenantId 00000000-0000-0000-0000-000000000000` })
        .regex(GUID, { error: (i) => `${TENANT_ID_KEY} ${show(i.input)} must be a Directory (tenant) ID: a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47` })
        .transform((s) => s.toLowerCase()),
    serviceUserPrincipalName: z.string({ error: () => "serviceUserPrincipalName is required: the service user's sign-in name, such as jtel-presence@contoso.com" })
        .regex(UPN, { error: (i) => `serviceUserPrincipalName ${show(i.input)} must be an email-like UPN such as jtel-presence@contoso.com (up to 64 characters before the @, 48 after)` }),
    appDisplayName: text("appDisplayName", "jtel Teams Presence", 120),
    serviceUserDisplayName: text("serviceUserDisplayName", "jtel Teams Presence Service", 256),
    delegatedPermissions: nameList("delegatedPermissions", ["User.Read", "Presence.Read.All"], '["User.Read","Presence.Read.All"]'),
    applicationPermissions: nameList("applicationPermissions", [], '["Presence.Read.All"]'),
    consent: z.preprocess((v) => v ?? "tenant", z.enum(["tenant", "serviceUser"], { error: (i) => `consent ${show(i.input)} must be "tenant" or "serviceUser"` })),
    passwordNeverExpires: bool("passwordNeverExpires", true),
    passwordLength: whole("passwordLength", DEFAULT_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, "characters"),
    secretRotationDays: whole("secretRotationDays", 180, 1, 730, "days"),
    secretOverlapDays: whole("secretOverlapDays", 60, 1, 730, "days"),
    secretMaxLifetimeDays: whole("secretMaxLifetimeDays", 730, 2, 730, "days"),
    protect: bool("protect", true),
    verify: bool("verify", true),
    verifyTimeoutSeconds: whole("verifyTimeoutSeconds", 600, 10, 3600, "seconds"),
    verifyAgents: z.preprocess((v) => (v === undefined ? [] : json(v)), z.array(
        z.string().refine((s) => GUID.test(s) || UPN.test(s), { error: (i) => `verifyAgents entry ${show(i.input)} must be an object ID (GUID) or a sign-in name such as agent@contoso.com` }),
        { error: (i) => `verifyAgents ${show(i.input)} must be a JSON list such as ["agent1@contoso.com","agent2@contoso.com"]` })),
    // Checked with the cloud in parseStackConfig (passwordAttemptsProblem): its range depends on the cloud.
    verifyPasswordAttempts: z.preprocess((v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v), z.unknown())
        .transform((v) => v as number | undefined),
    // A cloud without Graph's presence API (china) is refused here, before anything is registered.
    cloud: z.preprocess((v) => v ?? "public", z.string({ error: (i) => cloudProblem("cloud", i.input) ?? "" })
        .superRefine((c, ctx) => {
            const problem = cloudProblem("cloud", c);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .transform((c) => c as CloudName)),
    authorityHost: endpointUrl("authorityHost"),
    graphEndpoint: endpointUrl("graphEndpoint"),
    handoffKeyVault: z.preprocess(json, keyVaultSchema.optional()),
    adopt: z.preprocess(json, adoptSchema.optional()),
    existingUserPassword: existingPassword,
    servicePrincipalOwners,
}).superRefine((c, ctx) => {
    if (!Number.isInteger(c.secretRotationDays) || !Number.isInteger(c.secretOverlapDays) || !Number.isInteger(c.secretMaxLifetimeDays)) return;
    // Each secret lives R + O days; a tenant's app management policy may cap that lower.
    if (c.secretRotationDays + c.secretOverlapDays > c.secretMaxLifetimeDays) {
        ctx.addIssue({
            code: "custom", path: ["secretOverlapDays"],
            message: `secretRotationDays (${c.secretRotationDays}) + secretOverlapDays (${c.secretOverlapDays}) = ${c.secretRotationDays + c.secretOverlapDays} days must not exceed secretMaxLifetimeDays (${c.secretMaxLifetimeDays}): each client secret lives rotation + overlap days`,
        });
    }
    // Only two slots exist: an overlap longer than the period would delete a secret still inside its overlap.
    if (c.secretOverlapDays > c.secretRotationDays) {
        ctx.addIssue({
            code: "custom", path: ["secretOverlapDays"],
            message: `secretOverlapDays (${c.secretOverlapDays}) must not exceed secretRotationDays (${c.secretRotationDays}): the previous secret is replaced at the next rotation`,
        });
    }
    if (c.adopt !== undefined && c.existingUserPassword === undefined) {
        ctx.addIssue({
            code: "custom", path: ["existingUserPassword"],
            message: "adopt keeps the service user's current password so the connector keeps working: set it with `pulumi config set --secret existingUserPassword` (stored encrypted); to reset it instead, finish the adoption first (see docs/migration.md)",
        });
    }
    if (Array.isArray(c.delegatedPermissions) && !c.delegatedPermissions.includes("Presence.Read.All")) {
        ctx.addIssue({
            code: "custom", path: ["delegatedPermissions"],
            message: `delegatedPermissions ${show(c.delegatedPermissions)} must include "Presence.Read.All": the connector signs in as the service user and reads the agents' presence`,
        });
    }
});

export type StackConfig = z.infer<typeof schema>;

/** A UserError: `pulumi up` prints only the message. */
export class ConfigError extends UserError {
    constructor(readonly problems: string[]) {
        super(`The stack configuration is not valid (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
            problems.map((p) => `  - ${p}`).join("\n") +
            // Pulumi refuses a JSON string for a list-typed key before the program runs, hence --path for lists.
            "\nSet a value with `pulumi config set KEY VALUE`, a list item by item with `pulumi config set --path 'KEY[0]' VALUE` " +
            "(or as a YAML list in Pulumi.<stack>.yaml), a secret with `pulumi config set --secret KEY`.");
        this.name = "ConfigError";
    }
}

/** verifyPasswordAttempts must stay below smart lockout's default threshold in the stack's cloud (verifier/clouds.ts). */
function verifyPasswordAttemptsProblem(raw: RawConfig): string | undefined {
    const cloud = raw.cloud ?? "public";
    if (raw.verifyPasswordAttempts === undefined || cloudProblem("cloud", cloud)) return undefined;
    return passwordAttemptsProblem("verifyPasswordAttempts", raw.verifyPasswordAttempts, cloud as CloudName);
}

/**
 * Validates raw config; throws ConfigError listing every problem. `raw` uses the config keys as names;
 * `secretKeys` names the keys Pulumi holds encrypted (a key of SECRET_CONFIG_KEYS outside it is refused).
 */
export function parseStackConfig(raw: RawConfig, secretKeys: ReadonlySet<string> = new Set()): StackConfig {
    const input: Record<string, unknown> = { tenantId: raw[TENANT_ID_KEY] };
    for (const key of PROJECT_KEYS) input[key] = raw[key];
    const unknownKeys = Object.keys(raw).filter((k) => k !== TENANT_ID_KEY && !(PROJECT_KEYS as readonly string[]).includes(k));
    const result = schema.safeParse(input);
    const problems = unknownKeys.map((k) => `${k} is not a configuration key of this project; known keys: ${PROJECT_KEYS.join(", ")}`);
    for (const key of SECRET_CONFIG_KEYS) {
        if (raw[key] !== undefined && !secretKeys.has(key)) {
            problems.push(`${key} is stored in plain text in the stack's settings file (and in git, where stacks are committed); ` +
                `store it encrypted with \`pulumi config set --secret ${key}\` (it prompts for the value), then change the password if that file was shared`);
        }
    }
    if (!result.success) problems.push(...result.error.issues.map((i) => i.message));
    const attempts = verifyPasswordAttemptsProblem(raw);
    if (attempts) problems.push(attempts);
    if (problems.length > 0 || !result.success) throw new ConfigError(problems);
    return result.data;
}
