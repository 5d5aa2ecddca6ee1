// A deployer identity in the emulated tenant for reading reports: an app with Microsoft Graph's AuditLog.Read.All
// application permission (or without it, to see the refusal) and a credential in @azure/identity's TokenCredential
// shape that signs in with client credentials, which is what DefaultAzureCredential hands the CLIs in a real
// tenant. @azure/identity's own ClientSecretCredential cannot serve here: MSAL refuses an http:// authority.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { GRAPH_APP_ID } from "./microsoftGraph";
import type { Emulator } from "./types";

export interface ReportReader {
    /** The reader app's Application (client) ID. */
    appId: string;
    credential: TokenCredential;
}

/** Creates the reader app; `auditLogRead: false` leaves out the app role (Graph then answers 403). */
export function addReportReader(emulator: Emulator, options: { auditLogRead?: boolean } = {}): ReportReader {
    const { directory } = emulator;
    const app = directory.createApplication({ displayName: "jtel presence deployer (report reader)" });
    const sp = directory.createServicePrincipal({ appId: app.appId });
    const { secretText } = directory.addPassword(app.id, { displayName: "deployer" });
    if (options.auditLogRead !== false) {
        const graph = directory.servicePrincipals().find((s) => s.appId === GRAPH_APP_ID);
        const role = graph?.appRoles.find((r) => r.value === "AuditLog.Read.All");
        if (!graph || !role) throw new Error("the emulated Microsoft Graph has no AuditLog.Read.All app role");
        directory.assignAppRole({ appRoleId: role.id, principalId: sp.id, resourceId: graph.id });
    }
    const credential: TokenCredential = {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
            const response = await fetch(`${emulator.url}/${options?.tenantId ?? emulator.tenantId}/oauth2/v2.0/token`, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, client_secret: secretText, scope }),
                redirect: "manual",
                ...(options?.abortSignal ? { signal: options.abortSignal as AbortSignal } : {}),
            });
            const body = (await response.json()) as { access_token?: string; expires_in?: number; error_codes?: number[] };
            // Like @azure/identity's AuthenticationError: the AADSTS code, never the secret.
            if (!body.access_token) throw Object.assign(new Error(`AADSTS${body.error_codes?.[0] ?? "?"}: the emulator refused the report reader's sign-in`), { name: "AuthenticationError" });
            return { token: body.access_token, expiresOnTimestamp: Date.now() + (body.expires_in ?? 3599) * 1000 };
        },
    };
    return { appId: app.appId, credential };
}
