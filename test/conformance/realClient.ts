// A child process that drives the real, unmodified clients — @azure/msal-node and
// @microsoft/microsoft-graph-client — against an HTTPS emulator, the way an application would. It is
// started with NODE_EXTRA_CA_CERTS naming the emulator's CA file, which is exactly what a developer
// does; the test process cannot trust a CA after start-up, hence the separate process.
//
// Commands arrive over IPC (secrets never travel in argv or the environment). Answers carry claims,
// codes and statuses, never a token, secret or password.
import { ConfidentialClientApplication, type AuthenticationResult, type Configuration } from "@azure/msal-node";
import { BatchRequestContent, BatchResponseContent, Client, GraphError } from "@microsoft/microsoft-graph-client";
import { decodeJwt } from "jose";

/** A request that left loopback: none should ever happen, so every one is reported back. */
const outsideRequests: string[] = [];
const realFetch = globalThis.fetch;
// Both libraries call the global fetch (msal-node src/network/HttpClient.ts; the Graph SDK's
// HTTPMessageHandler). The guard keeps a misconfigured client from ever reaching Microsoft's real
// instance discovery and lets the tests prove that it never tried.
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
        outsideRequests.push(`${url.protocol}//${url.host}${url.pathname}`);
        throw new TypeError(`refused to leave loopback: ${url.host}`);
    }
    return realFetch(input, init);
};

export interface AppConfig {
    clientId: string;
    clientSecret: string;
    authority: string;
    knownAuthorities?: string[];
    cloudDiscoveryMetadata?: string;
}

export interface ResultSummary {
    tokenType: string;
    fromCache: boolean;
    scopes: string[];
    tenantId: string;
    correlationId: string;
    accessTokenClaims: Record<string, unknown>;
    idTokenClaims: Record<string, unknown>;
    account: { homeAccountId: string; environment: string; tenantId: string; username: string; localAccountId: string } | null;
}

export interface ErrorSummary {
    name: string;
    errorCode: string;
    errorNo?: string;
    subError?: string;
    correlationId?: string;
    status?: number;
}

export type Command =
    | { op: "configure"; name: string; config: AppConfig }
    | { op: "ropc"; app: string; scopes: string[]; username: string; password: string; correlationId?: string }
    | { op: "clientCredentials"; app: string; scopes: string[] }
    | { op: "silent"; app: string; scopes: string[]; forceRefresh: boolean }
    | { op: "accounts"; app: string }
    | { op: "graph"; app: string; scopes: string[]; baseUrl: string; method: "GET" | "POST"; path: string; body?: unknown }
    | { op: "batch"; app: string; scopes: string[]; baseUrl: string; steps: { id: string; method: string; url: string; body?: unknown }[] }
    | { op: "outside" };

const apps = new Map<string, ConfidentialClientApplication>();

function summary(result: AuthenticationResult | null): ResultSummary {
    if (!result) throw new Error("MSAL returned no result");
    const account = result.account;
    return {
        tokenType: result.tokenType,
        fromCache: result.fromCache,
        scopes: result.scopes,
        tenantId: result.tenantId,
        correlationId: result.correlationId,
        accessTokenClaims: decodeJwt(result.accessToken) as Record<string, unknown>,
        idTokenClaims: result.idTokenClaims as Record<string, unknown>,
        account: account
            ? { homeAccountId: account.homeAccountId, environment: account.environment, tenantId: account.tenantId, username: account.username, localAccountId: account.localAccountId }
            : null,
    };
}

function errorSummary(e: unknown): ErrorSummary {
    const error = e as { name?: string; errorCode?: string; errorNo?: string; subError?: string; correlationId?: string; status?: number; statusCode?: number; code?: string };
    return {
        name: error.name ?? "Error",
        errorCode: error.errorCode ?? error.code ?? "",
        ...(error.errorNo !== undefined ? { errorNo: String(error.errorNo) } : {}),
        ...(error.subError ? { subError: error.subError } : {}),
        ...(error.correlationId ? { correlationId: error.correlationId } : {}),
        ...(error.status !== undefined ? { status: error.status } : error.statusCode !== undefined ? { status: error.statusCode } : {}),
    };
}

function app(name: string): ConfidentialClientApplication {
    const found = apps.get(name);
    if (!found) throw new Error(`no MSAL application named ${name}`);
    return found;
}

/** What an application does: ask MSAL for a token (from its cache when it can) on every Graph call. */
function graphClient(appName: string, scopes: string[], baseUrl: string): Client {
    const msal = app(appName);
    return Client.init({
        authProvider: (done) => {
            msal.getTokenCache().getAllAccounts().then(async (accounts) => {
                const result = accounts[0]
                    ? await msal.acquireTokenSilent({ account: accounts[0], scopes })
                    : await msal.acquireTokenByClientCredential({ scopes });
                done(null, result?.accessToken ?? null);
            }).catch((e: unknown) => done(e, null));
        },
        baseUrl,
        defaultVersion: "v1.0",
        // Over https the library's AuthenticationHandler sends the token to a custom host listed by
        // host name (GraphRequestUtil.isCustomHost); over plain http it never would.
        customHosts: new Set([new URL(baseUrl).hostname]),
    });
}

async function run(command: Command): Promise<unknown> {
    switch (command.op) {
        case "configure": {
            const configuration: Configuration = {
                auth: {
                    clientId: command.config.clientId,
                    clientSecret: command.config.clientSecret,
                    authority: command.config.authority,
                    ...(command.config.knownAuthorities ? { knownAuthorities: command.config.knownAuthorities } : {}),
                    ...(command.config.cloudDiscoveryMetadata ? { cloudDiscoveryMetadata: command.config.cloudDiscoveryMetadata } : {}),
                },
            };
            apps.set(command.name, new ConfidentialClientApplication(configuration));
            return null;
        }
        case "ropc":
            return summary(await app(command.app).acquireTokenByUsernamePassword({
                scopes: command.scopes, username: command.username, password: command.password,
                ...(command.correlationId ? { correlationId: command.correlationId } : {}),
            }));
        case "clientCredentials":
            return summary(await app(command.app).acquireTokenByClientCredential({ scopes: command.scopes, skipCache: true }));
        case "silent": {
            const msal = app(command.app);
            const [account] = await msal.getTokenCache().getAllAccounts();
            if (!account) throw new Error("no account in the MSAL cache");
            return summary(await msal.acquireTokenSilent({ account, scopes: command.scopes, forceRefresh: command.forceRefresh }));
        }
        case "accounts":
            return (await app(command.app).getTokenCache().getAllAccounts()).map((a) => ({ homeAccountId: a.homeAccountId, username: a.username }));
        case "graph": {
            const started = Date.now();
            const client = graphClient(command.app, command.scopes, command.baseUrl);
            const request = client.api(command.path);
            try {
                const body = command.method === "GET" ? await request.get() : await request.post(command.body);
                return { ok: true, body, elapsedMs: Date.now() - started };
            } catch (e) {
                if (!(e instanceof GraphError)) throw e;
                return { ok: false, statusCode: e.statusCode, code: e.code, elapsedMs: Date.now() - started };
            }
        }
        case "batch": {
            const client = graphClient(command.app, command.scopes, command.baseUrl);
            const content = new BatchRequestContent(command.steps.map((step) => ({
                id: step.id,
                request: new Request(`${command.baseUrl}/v1.0${step.url}`, {
                    method: step.method,
                    ...(step.body !== undefined ? { body: JSON.stringify(step.body), headers: { "Content-Type": "application/json" } } : {}),
                }),
            })));
            const responses = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
            const result = [];
            for (const step of command.steps) {
                const response = responses.getResponseById(step.id);
                const text = await response.text();
                result.push({ id: step.id, status: response.status, retryAfter: response.headers.get("Retry-After"), body: text ? JSON.parse(text) : undefined });
            }
            return result;
        }
        case "outside":
            return [...outsideRequests];
    }
}

process.on("message", (message: { id: number; command: Command }) => {
    run(message.command).then(
        (result) => process.send?.({ id: message.id, ok: true, result }),
        (e: unknown) => process.send?.({ id: message.id, ok: false, error: errorSummary(e) }),
    );
});
process.send?.({ ready: true });
