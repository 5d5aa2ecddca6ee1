// Helpers shared by the emulator tests: a controllable clock and thin HTTP wrappers.
import { decodeJwt, type JWTPayload } from "jose";
import type { Emulator, Handoff } from "../../emulator/index";

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/** The emulator's clock, moved by hand so replication delays and expiry need no real waiting. */
export class TestClock {
    private current: Date;
    constructor(start = "2026-03-02T09:00:00Z") {
        this.current = new Date(start);
    }
    readonly now = (): Date => new Date(this.current);
    advance(ms: number): void {
        this.current = new Date(this.current.getTime() + ms);
    }
}

export interface HttpResult {
    status: number;
    headers: Headers;
    // Tests inspect arbitrary JSON shapes.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body: any;
    text: string;
}

async function toResult(response: Response): Promise<HttpResult> {
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

export async function postToken(emulator: Emulator, form: Record<string, string | undefined>, tenant = emulator.tenantId): Promise<HttpResult> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined) params.set(k, v);
    const response = await fetch(`${emulator.url}/${tenant}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: params.toString(),
    });
    return toResult(response);
}

export function ropcForm(handoff: Handoff, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
        grant_type: "password",
        client_id: handoff.applicationClientId,
        client_secret: handoff.secretValue,
        username: handoff.userEmail,
        password: handoff.userPassword,
        scope: GRAPH_SCOPE,
        ...overrides,
    };
}

/** Signs in like the connector and returns the access token; fails the test on any error. */
export async function signIn(emulator: Emulator, handoff: Handoff): Promise<string> {
    const result = await postToken(emulator, ropcForm(handoff));
    if (result.status !== 200) throw new Error(`sign-in failed: ${result.status} ${result.body?.error_codes}`);
    return result.body.access_token as string;
}

/** An app with a secret, signed in with client credentials, holding the given Microsoft Graph app roles
 * and, assigned to its service principal, the given directory roles (e.g. "User Administrator"). */
export async function appToken(emulator: Emulator, roles: string[] = [], directoryRoles: string[] = []): Promise<string> {
    const dir = emulator.directory;
    const app = dir.createApplication({ displayName: `test daemon ${Math.random()}` });
    const sp = dir.createServicePrincipal({ appId: app.appId });
    for (const role of directoryRoles) dir.assignDirectoryRole?.(sp.id, role);
    const secret = dir.addPassword(app.id, {});
    for (const role of roles) {
        const appRole = dir.graphServicePrincipal.appRoles.find((r) => r.value === role);
        if (!appRole) throw new Error(`no Graph app role ${role}`);
        dir.assignAppRole({ appRoleId: appRole.id, principalId: sp.id, resourceId: dir.graphServicePrincipal.id });
    }
    const result = await postToken(emulator, {
        grant_type: "client_credentials", client_id: app.appId, client_secret: secret.secretText, scope: GRAPH_SCOPE,
    });
    if (result.status !== 200) throw new Error(`client credentials failed: ${result.status} ${result.body?.error_codes}`);
    return result.body.access_token as string;
}

/** What README's least-privileged deploying service principal holds (its table) (test/emulator/deployerPermissions.test.ts proves each). */
export const DEPLOYER_ROLES = ["Application.ReadWrite.All", "Directory.Read.All", "User.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"];

export async function graph(
    emulator: Emulator, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${emulator.url}/v1.0${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) } : {}),
    });
    return toResult(response);
}

export function claims(token: string): JWTPayload {
    return decodeJwt(token);
}

export function aadstsOf(result: HttpResult): number | undefined {
    return result.body?.error_codes?.[0];
}
