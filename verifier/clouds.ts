// The Microsoft clouds as data: where the connector signs in and reads presence, and what each cloud offers.
// Sources (each fact is pinned by test/verifier/clouds.test.ts):
// - Hosts: Learn, "Microsoft Graph national cloud deployments" (https://learn.microsoft.com/graph/deployments;
//   microsoftgraph/microsoft-graph-docs-contrib concepts/deployments.md): sign-in login.microsoftonline.com,
//   login.microsoftonline.us (both US Government clouds), login.chinacloudapi.cn; Graph graph.microsoft.com,
//   graph.microsoft.us (L4), dod-graph.microsoft.us (L5, DoD), microsoftgraph.chinacloudapi.cn.
// - Presence: Learn, "cloudCommunications: getPresencesByUserId" and "Get presence" (v1.0), national cloud table:
//   global, US Government L4 and L5 (DOD) ✅, China operated by 21Vianet ❌.
// - Smart lockout: Entra docs, "Protect user accounts from attacks with Microsoft Entra smart lockout"
//   (https://learn.microsoft.com/entra/identity/authentication/howto-password-smart-lockout; MicrosoftDocs/entra-docs
//   docs/identity/authentication/howto-password-smart-lockout.md): 10 failed attempts in Azure Public and 21Vianet
//   tenants, 3 in Azure US Government tenants; P1 tenants can change it.
// - Credential activity report: Learn, "List appCredentialSignInActivities" (beta): global service ✅, US Government
//   L4, L5 (DOD) and China ❌.

/** Where the connector signs in and reads presence; the token scope host follows the Graph host. */
export interface CloudEndpoints {
    /** Entra ID authority host, no trailing slash. */
    authorityHost: string;
    /** Microsoft Graph endpoint, no trailing slash. */
    graphEndpoint: string;
}

export interface Cloud extends CloudEndpoints {
    /** Microsoft's name for it. */
    title: string;
    /** Graph's presence API (getPresencesByUserId, GET /users/{id}/presence) exists here: the connector can work. */
    presence: boolean;
    /** Smart lockout's default threshold: failed sign-ins before the account locks. */
    lockoutThreshold: number;
    /** Password (ROPC) attempts one verification makes by default: below the threshold (see verifier/verify.ts). */
    passwordAttempts: number;
    /** Graph serves the application credential activity report (`/beta/reports/appCredentialSignInActivities`). */
    credentialReport: boolean;
}

export type CloudName = "public" | "usgovernment" | "usgovernmentdod" | "china";

export const CLOUDS: Readonly<Record<CloudName, Readonly<Cloud>>> = {
    public: {
        title: "Azure global service",
        authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com",
        presence: true, lockoutThreshold: 10, passwordAttempts: 5, credentialReport: true,
    },
    usgovernment: {
        title: "Azure US Government L4 (GCC High)",
        authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us",
        presence: true, lockoutThreshold: 3, passwordAttempts: 2, credentialReport: false,
    },
    usgovernmentdod: {
        title: "Azure US Government L5 (DoD)",
        authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://dod-graph.microsoft.us",
        presence: true, lockoutThreshold: 3, passwordAttempts: 2, credentialReport: false,
    },
    china: {
        title: "Microsoft Azure operated by 21Vianet",
        authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
        presence: false, lockoutThreshold: 10, passwordAttempts: 5, credentialReport: false,
    },
};

/** Every cloud the table knows, as stack outputs may name it. */
export const CLOUD_NAMES: readonly CloudName[] = Object.keys(CLOUDS) as CloudName[];

/** The clouds a stack or a verification may use: those where Graph serves presence. */
export const PRESENCE_CLOUD_NAMES: readonly CloudName[] = CLOUD_NAMES.filter((name) => CLOUDS[name].presence);

/** Learn's page that marks where the presence API exists. */
export const PRESENCE_AVAILABILITY_PAGE = "https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid";

function isCloudName(name: string): name is CloudName {
    return Object.prototype.hasOwnProperty.call(CLOUDS, name);
}

/**
 * Why `value` cannot be the cloud of a stack or a verification, or undefined when it can. `key` is the setting or
 * flag that named it (`cloud`, `--cloud`).
 */
export function cloudProblem(key: string, value: unknown): string | undefined {
    const allowed = PRESENCE_CLOUD_NAMES.join(", ");
    if (typeof value !== "string" || !isCloudName(value)) return `${key} ${JSON.stringify(value) ?? String(value)} must be one of ${allowed}`;
    const cloud = CLOUDS[value];
    if (cloud.presence) return undefined;
    return `${key} "${value}" (${cloud.title}) cannot be used: Microsoft Graph's presence API is not available there ` +
        `(Learn's pages "cloudCommunications: getPresencesByUserId" and "Get presence" mark "China operated by 21Vianet" as not available, ` +
        `${PRESENCE_AVAILABILITY_PAGE}), so the jtel connector could never read presence; use one of ${allowed}`;
}

/** The table's row for a cloud; throws for a name it does not know. */
export function cloudProfile(cloud: CloudName): Readonly<Cloud> {
    if (!isCloudName(cloud)) throw new RangeError(`cloud "${String(cloud)}" must be one of ${CLOUD_NAMES.join(", ")}`);
    return CLOUDS[cloud];
}

export function cloudEndpoints(cloud: CloudName): CloudEndpoints {
    const { authorityHost, graphEndpoint } = cloudProfile(cloud);
    return { authorityHost, graphEndpoint };
}

/** The password attempts a verification may make in a cloud: at least 1, below smart lockout's default threshold. */
export function passwordAttemptRange(cloud: CloudName): { min: number; max: number; default: number } {
    const { lockoutThreshold, passwordAttempts } = cloudProfile(cloud);
    return { min: 1, max: lockoutThreshold - 1, default: passwordAttempts };
}

/**
 * Why `value` cannot be the password-attempt budget in `cloud`, or undefined when it can. `key` names the setting or
 * flag; `value` is a number or the text it was given as.
 */
export function passwordAttemptsProblem(key: string, value: unknown, cloud: CloudName): string | undefined {
    const { min, max } = passwordAttemptRange(cloud);
    const number = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number === "number" && Number.isInteger(number) && number >= min && number <= max) return undefined;
    const shown = typeof number === "number" ? String(number) : JSON.stringify(value) ?? String(value);
    return `${key} ${shown} must be a whole number from ${min} to ${max} in cloud ${cloud}: smart lockout locks an account there after ` +
        `${CLOUDS[cloud].lockoutThreshold} failed sign-ins by default (a tenant with Entra ID P1 may set fewer; then choose fewer attempts still)`;
}
