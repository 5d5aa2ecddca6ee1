import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import type { Handoff } from "../handoff/types";

/** Key Vault secret names and content types of the five handoff values, in the seed guide's order. */
export const HANDOFF_VAULT_ENTRIES: readonly { key: keyof Handoff; suffix: string; contentType: string }[] = [
    { key: "applicationClientId", suffix: "application-client-id", contentType: "jtel handoff: Application (client) ID" },
    { key: "directoryTenantId", suffix: "directory-tenant-id", contentType: "jtel handoff: Directory (tenant) ID" },
    { key: "secretValue", suffix: "secret-value", contentType: "jtel handoff: Secret Value (client secret)" },
    { key: "userEmail", suffix: "user-email", contentType: "jtel handoff: User email address" },
    { key: "userPassword", suffix: "user-password", contentType: "jtel handoff: User password" },
];

export function handoffSecretName(prefix: string, suffix: string): string {
    return `${prefix}-${suffix}`;
}

export interface HandoffVaultArgs {
    /** The five values. */
    readonly handoff: pulumi.Input<Handoff>;
    /** When the client secret expires (ISO 8601): the Secret Value entry expires with it. */
    readonly secretExpiresAt: pulumi.Input<string>;
    /** Resource group of the existing vault. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Name of the existing vault. */
    readonly vaultName: pulumi.Input<string>;
    /** Subscription of the vault; the azure-native provider's default subscription when omitted. */
    readonly subscriptionId?: string;
    /** Prefix of the five secret names (one prefix per tenant when one vault serves several). */
    readonly secretNamePrefix: string;
}

/**
 * Delivers the handoff through an existing Azure Key Vault instead of e-mail: five secrets the jtel contact
 * reads with the Key Vault Secrets User role. Each rotation writes a new version of the Secret Value entry.
 */
export class HandoffVault extends pulumi.ComponentResource {
    /** Key Vault secret name per handoff value. */
    readonly secretNames: pulumi.Output<Record<keyof Handoff, string>>;

    constructor(name: string, args: HandoffVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:HandoffVault", name, {}, opts);

        const provider = args.subscriptionId
            ? new AzureNativeProvider(`${name}-azure`, { subscriptionId: args.subscriptionId }, { parent: this })
            : undefined;
        const handoff = pulumi.output(args.handoff);
        const names = {} as Record<keyof Handoff, string>;
        for (const entry of HANDOFF_VAULT_ENTRIES) {
            const secretName = handoffSecretName(args.secretNamePrefix, entry.suffix);
            names[entry.key] = secretName;
            const expires = entry.key === "secretValue"
                ? pulumi.output(args.secretExpiresAt).apply((iso) => Math.floor(Date.parse(iso) / 1000))
                : undefined;
            new keyvault.Secret(`${name}-${entry.suffix}`, {
                resourceGroupName: args.resourceGroupName,
                vaultName: args.vaultName,
                secretName,
                properties: {
                    value: pulumi.secret(handoff.apply((h) => h[entry.key])),
                    contentType: entry.contentType,
                    attributes: { enabled: true, expires },
                },
                tags: { "managed-by": "jtel-teams-presence" },
            }, { parent: this, provider });
        }

        this.secretNames = pulumi.output(names);
        this.registerOutputs({ secretNames: this.secretNames });
    }
}
