// The stack program: validate config, check the tenant, resolve Graph permissions, provision, verify.
// Everything that can fail on bad input fails here, before the first resource is registered.
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { adoptedUserProblem } from "../components/adoption";
import { MICROSOFT_GRAPH_APP_ID, resolvePermissions } from "../components/graphPermissions";
import { PresenceTenant } from "../components/presenceTenant";
import { isDirectoryObjectNotFound, servicePrincipalOwnerProblem } from "../components/servicePrincipalOwners";
import { ConfigError, parseStackConfig, RawConfig, SECRET_CONFIG_KEYS, StackConfig, TENANT_ID_KEY } from "./config";
import { postDeployVerification, VerifyFunction } from "./postDeployVerification";
import { assertSameTenant } from "./tenantGuard";

export interface MainOptions {
    /** The instant to run at; the real clock by default. The rotation schedule depends on it. */
    now?: Date;
    /** The post-deploy verifier; the real one by default. */
    verify?: VerifyFunction;
    /** Where the verifier's progress lines go (already redacted); `pulumi.log.info` by default. */
    log?: (line: string) => void;
}

/** Reads this project's keys and azuread:tenantId from the stack's config. */
export function readRawConfig(): RawConfig {
    const prefix = `${pulumi.getProject()}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
        else if (key === TENANT_ID_KEY) raw[key] = value;
    }
    return raw;
}

/**
 * Which of the keys that must be secret Pulumi holds encrypted. The language host passes the stack's `secure:`
 * keys in PULUMI_CONFIG_SECRET_KEYS (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * constructConfigSecretKeys); the SDK reads them with runtime.isConfigSecret (sdk/nodejs/runtime/config.ts),
 * which is exported but marked internal, hence the fallback to the variable itself.
 */
export function readSecretKeys(): Set<string> {
    const prefix = `${pulumi.getProject()}:`;
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    const secret = typeof isConfigSecret === "function"
        ? (key: string) => isConfigSecret(key)
        : (key: string) => {
            const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
            return Array.isArray(listed) && listed.includes(key);
        };
    return new Set(SECRET_CONFIG_KEYS.filter((key) => secret(`${prefix}${key}`)));
}

/** The directory object's type (`User`, `ServicePrincipal`, `Group`, ...), or undefined when the tenant has none
 * with this ID; any other failure of the look-up is the provider's to report. */
async function directoryObjectType(objectId: string): Promise<string | undefined> {
    try {
        return (await azuread.getDirectoryObject({ objectId })).type;
    } catch (error) {
        if (isDirectoryObjectNotFound(error)) return undefined;
        throw error;
    }
}

export async function main(options: MainOptions = {}) {
    const config: StackConfig = parseStackConfig(readRawConfig(), readSecretKeys());
    const now = options.now ?? new Date();

    const client = await azuread.getClientConfig();
    assertSameTenant(config.tenantId, client.tenantId);

    if (config.adopt) {
        const existing = await azuread.getUser({ objectId: config.adopt.serviceUserObjectId });
        const problem = adoptedUserProblem(config.adopt, config.serviceUserPrincipalName, existing.userPrincipalName);
        if (problem) throw new ConfigError([problem]);
    }

    // A wrong owner would otherwise fail at the service principal's create, after the app registration exists.
    const ownerProblems = (await Promise.all(config.servicePrincipalOwners.map(async (id) => servicePrincipalOwnerProblem(id, await directoryObjectType(id)))))
        .filter((p): p is string => p !== undefined);
    if (ownerProblems.length > 0) throw new ConfigError(ownerProblems);

    const graph = await azuread.getServicePrincipal({ clientId: MICROSOFT_GRAPH_APP_ID });
    const delegated = resolvePermissions("delegatedPermissions", config.delegatedPermissions, graph.oauth2PermissionScopeIds, "delegated");
    const application = resolvePermissions("applicationPermissions", config.applicationPermissions, graph.appRoleIds, "application");

    const tenant = new PresenceTenant("jtel-presence", {
        tenantId: config.tenantId,
        appDisplayName: config.appDisplayName,
        serviceUserPrincipalName: config.serviceUserPrincipalName,
        serviceUserDisplayName: config.serviceUserDisplayName,
        graph: { servicePrincipalObjectId: graph.objectId, delegated, application },
        consent: config.consent,
        passwordLength: config.passwordLength,
        passwordNeverExpires: config.passwordNeverExpires,
        secretRotationDays: config.secretRotationDays,
        secretOverlapDays: config.secretOverlapDays,
        now,
        protect: config.protect,
        adopt: config.adopt,
        servicePrincipalOwners: config.servicePrincipalOwners,
        handoffKeyVault: config.handoffKeyVault,
        existingUserPassword: config.existingUserPassword !== undefined ? pulumi.secret(config.existingUserPassword) : undefined,
    });

    const verification = postDeployVerification({
        handoff: tenant.handoff,
        after: tenant.provisioned,
        secretCreatedAt: tenant.currentSecretCreatedAt,
        enabled: config.verify,
        cloud: config.cloud,
        passwordAttempts: config.verifyPasswordAttempts,
        authorityHost: config.authorityHost,
        graphEndpoint: config.graphEndpoint,
        expectedScopes: config.delegatedPermissions,
        agents: config.verifyAgents,
        timeoutSeconds: config.verifyTimeoutSeconds,
        verify: options.verify,
        log: options.log,
    });

    return {
        handoff: tenant.handoff,
        applicationClientId: tenant.applicationClientId,
        directoryTenantId: tenant.directoryTenantId,
        userEmail: tenant.userEmail,
        applicationObjectId: tenant.applicationObjectId,
        servicePrincipalObjectId: tenant.servicePrincipalObjectId,
        serviceUserObjectId: tenant.serviceUserObjectId,
        secretExpiresAt: tenant.secretExpiresAt,
        previousSecretExpiresAt: tenant.previousSecretExpiresAt,
        // Key IDs, never values: npm run status and handoff find the secrets in Graph's credential activity report by them.
        currentSecretKeyId: tenant.currentSecretKeyId,
        previousSecretKeyId: tenant.previousSecretKeyId,
        // When the newest secret was created: npm run verify --stack waits out replication only within minutes of it.
        currentSecretCreatedAt: tenant.currentSecretCreatedAt,
        nextRotationAt: tenant.nextRotationAt,
        delegatedPermissions: delegated.map((p) => p.name),
        applicationPermissions: application.map((p) => p.name),
        keyVaultSecretNames: tenant.keyVaultSecretNames,
        // The report exists in the global cloud only; status and handoff ask nothing elsewhere.
        cloud: config.cloud,
        verification,
    };
}
