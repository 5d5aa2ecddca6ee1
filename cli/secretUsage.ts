// Reads which client secret the connector uses for the CLIs (`npm run status`, `npm run handoff`): the
// deployer's Graph token from @azure/identity's DefaultAzureCredential (the `az login` or workflow OIDC session
// the deployment already uses; never the handoff's secret). The report and the outputs it is judged against are
// verifier/usageRecord.ts's, re-exported here for the commands.
import type { TokenCredential } from "@azure/identity";
import type { CredentialFactory } from "../verifier/usageRecord";

export { pickUsageOutputs, readUsageRecord, type CredentialFactory, type ReadUsageOptions, type UsageOutputs } from "../verifier/usageRecord";

/** DefaultAzureCredential for the tenant, loaded only when a report is read (@azure/identity is large). */
export const defaultAzureCredential: CredentialFactory = (tenantId) => {
    let inner: Promise<TokenCredential> | undefined;
    return {
        getToken: async (scopes, options) => {
            inner ??= import("@azure/identity").then(({ DefaultAzureCredential }) => new DefaultAzureCredential({ tenantId }));
            return (await inner).getToken(scopes, options);
        },
    };
};
