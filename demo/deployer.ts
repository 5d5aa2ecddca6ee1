// The least-privileged identity that can run `pulumi up` for this project, exactly as README's "What to ask
// of the customer's administrator" states it (the table, and the one directory role after it), and how the
// offline demo and the tests sign it in to the emulator. test/emulator/deployerPermissions.test.ts proves every row: with all of them a deployment
// succeeds; without any one of them Graph answers 403 where the row says it is needed.
import type { Emulator } from "../emulator/index";

export interface DeployerRow {
    /** Graph application permission of a deploying service principal, or a directory role assigned to it. */
    readonly servicePrincipal: string;
    /** Entra role of a deploying user (signed in with `az login`). */
    readonly userRole: string;
    /** When the row is needed and for what (the third column of README's table). */
    readonly neededFor: string;
    /** Needed only in this situation; always needed otherwise. */
    readonly onlyWhen?: "applicationPermissions" | "passwordSetAgain";
}

export const DEPLOYER_ROWS: readonly DeployerRow[] = [
    { servicePrincipal: "Application.ReadWrite.All", userRole: "Cloud Application Administrator", neededFor: "the app registration, its service principal, the declared Graph permissions and the client secrets" },
    { servicePrincipal: "Directory.Read.All", userRole: "Cloud Application Administrator", neededFor: "making the service user an owner of the app, and the `servicePrincipalOwners` owners of the enterprise app, each looked up before anything is created (Graph's owners/$ref requires it next to Application.ReadWrite.All)" },
    { servicePrincipal: "User.ReadWrite.All", userRole: "User Administrator", neededFor: "creating the service user with its password" },
    { servicePrincipal: "DelegatedPermissionGrant.ReadWrite.All", userRole: "Cloud Application Administrator", neededFor: "admin consent to the delegated Graph permissions" },
    { servicePrincipal: "AppRoleAssignment.ReadWrite.All", userRole: "Privileged Role Administrator", neededFor: "only with `applicationPermissions`: consent to Graph application permissions (app roles)", onlyWhen: "applicationPermissions" },
    { servicePrincipal: "User Administrator (directory role)", userRole: "User Administrator", neededFor: "only when an existing service user's password is set: `pulumi config rm adopt` after adopting, or `pulumi config rm existingUserPassword`", onlyWhen: "passwordSetAgain" },
];

const DIRECTORY_ROLE = / \(directory role\)$/;

/** What a deploying service principal holds for these rows: Graph app roles and directory roles. */
export function servicePrincipalGrants(rows: readonly DeployerRow[]): { appRoles: string[]; directoryRoles: string[] } {
    return {
        appRoles: rows.filter((r) => !DIRECTORY_ROLE.test(r.servicePrincipal)).map((r) => r.servicePrincipal),
        directoryRoles: rows.filter((r) => DIRECTORY_ROLE.test(r.servicePrincipal)).map((r) => r.servicePrincipal.replace(DIRECTORY_ROLE, "")),
    };
}

/** The rows a deployment needs: always the unconditional ones, plus the situational ones asked for. */
export function rowsFor(situations: readonly NonNullable<DeployerRow["onlyWhen"]>[] = []): DeployerRow[] {
    return DEPLOYER_ROWS.filter((r) => !r.onlyWhen || situations.includes(r.onlyWhen));
}

export interface SignedInDeployer {
    token: string;
    /** Application (client) ID the deployer signs in with. */
    clientId: string;
    /** Object ID of the deployer: its service principal, or the signed-in user. */
    objectId: string;
}

async function tokenFrom(emulator: Emulator, form: Record<string, string>): Promise<string> {
    const response = await fetch(`${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...form, scope: `${emulator.url}/.default` }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`the emulator refused the deployer's sign-in (${body.error ?? response.status})`);
    return body.access_token;
}

/** A deploying service principal (client credentials, as GitOps' OIDC deployer) holding exactly these grants. */
export async function servicePrincipalDeployer(emulator: Emulator, grants: { appRoles: string[]; directoryRoles: string[] }): Promise<SignedInDeployer> {
    const dir = emulator.directory;
    const app = dir.createApplication({ displayName: "Pulumi deployer" });
    const sp = dir.createServicePrincipal({ appId: app.appId });
    const { secretText } = dir.addPassword(app.id, { displayName: "deployer" });
    for (const name of grants.appRoles) {
        const role = dir.graphServicePrincipal.appRoles.find((r) => r.value === name);
        if (!role) throw new Error(`the emulated Microsoft Graph has no application permission ${name}`);
        dir.assignAppRole({ appRoleId: role.id, principalId: sp.id, resourceId: dir.graphServicePrincipal.id });
    }
    for (const role of grants.directoryRoles) dir.assignDirectoryRole?.(sp.id, role);
    const token = await tokenFrom(emulator, { grant_type: "client_credentials", client_id: app.appId, client_secret: secretText });
    return { token, clientId: app.appId, objectId: sp.id };
}

/** A deploying user holding these Entra roles, signed in through a client consented to
 * Directory.AccessAsUser.All on their behalf (what `az login` gives the azuread provider). */
export async function userDeployer(emulator: Emulator, roles: readonly string[]): Promise<SignedInDeployer> {
    const dir = emulator.directory;
    const password = "Deployer-Passw0rd!2026";
    const user = dir.createUser({ userPrincipalName: `deployer-${Math.random().toString(36).slice(2, 8)}@${dir.domain}`, displayName: "Deploying admin", password, forceChangePasswordNextSignIn: false });
    for (const role of roles) dir.assignDirectoryRole?.(user.id, role);
    const client = dir.createApplication({ displayName: "Deploying tool (like the Azure CLI)" });
    const clientSp = dir.createServicePrincipal({ appId: client.appId });
    const { secretText } = dir.addPassword(client.id, { displayName: "tool" });
    dir.grantDelegated({ clientId: clientSp.id, resourceId: dir.graphServicePrincipal.id, scope: "Directory.AccessAsUser.All", principalId: user.id });
    const token = await tokenFrom(emulator, { grant_type: "password", client_id: client.appId, client_secret: secretText, username: user.userPrincipalName, password });
    return { token, clientId: client.appId, objectId: user.id };
}
