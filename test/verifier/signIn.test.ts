import assert from "node:assert/strict";
import { AuthenticationHandler, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { verifyPresenceAccess, type Handoff, type VerifyOptions } from "../../verifier/index";
import { GraphOriginAuthenticationHandler, SignedInUserTokenProvider } from "../../verifier/graph";
import { requestToken } from "../../verifier/signIn";
import { aadError, startFake, tokenBody, type FakeTenant } from "./fakeTenant";
import { assertNoSecrets, closedPortUrl, FakeTime } from "./support";

const handoff: Handoff = {
    applicationClientId: "11111111-2222-3333-4444-555555555555",
    directoryTenantId: "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60",
    secretValue: "Abc8Q~fake-secret-value-0123456789abcdefg",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Pw with spaces+&=/ 1234!",
};
const SERVICE_USER = "2b1f9f6e-0c2d-4e55-9a3b-6c7d8e9f0a1b";

function presenceAnswers(path: string): { status: number; body: unknown } {
    // The fake's tokens carry no `oid`, so the verifier asks GET /me for the service user's object ID.
    if (path.startsWith("/v1.0/me?")) return { status: 200, body: { id: SERVICE_USER } };
    return { status: 200, body: { value: [{ id: SERVICE_USER, availability: "Available", activity: "Available" }] } };
}

describe("sign-in and Graph against a hand-written fake", () => {
    let fake: FakeTenant | undefined;
    let time: FakeTime;
    beforeEach(() => {
        time = new FakeTime();
    });
    afterEach(async () => {
        await fake?.close();
        fake = undefined;
    });

    const options = (url: string, extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
        authorityHost: url,
        graphEndpoint: url,
        clock: time.now,
        sleep: time.sleep,
        random: () => 0.5,
        ...extra,
    });

    it("posts a form-urlencoded client_credentials request, then the ROPC request with every field, to {authority}/{tenant}/oauth2/v2.0/token", async () => {
        fake = await startFake((r) => (r.path.endsWith("/token") ? tokenBody() : presenceAnswers(r.path)));
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.ok, true, report.message);
        const [app, user] = fake.requests;
        assert.equal(app.path, `/${handoff.directoryTenantId}/oauth2/v2.0/token`);
        assert.equal(app.headers["content-type"], "application/x-www-form-urlencoded");
        assert.equal(app.headers.accept, "application/json");
        assert.deepEqual(Object.fromEntries(new URLSearchParams(app.body)), {
            grant_type: "client_credentials",
            client_id: handoff.applicationClientId,
            client_secret: handoff.secretValue,
            scope: `${fake.url}/.default`,
        });
        assert.deepEqual(Object.fromEntries(new URLSearchParams(user.body)), {
            grant_type: "password",
            client_id: handoff.applicationClientId,
            client_secret: handoff.secretValue,
            scope: `${fake.url}/.default`,
            username: handoff.userEmail,
            password: handoff.userPassword,
        });
        assert.deepEqual(JSON.parse(fake.requests[3].body), { ids: [SERVICE_USER] });
        assert.match(String(fake.requests[2].headers.authorization), /^Bearer eyJ/);
    });

    it("leaves no timer behind once a token request is answered, so the CLI exits as soon as verification ends", async () => {
        fake = await startFake(() => tokenBody());
        const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
        const before = timers();
        const outcome = await requestToken("client_credentials", handoff, { authorityHost: fake.url, graphEndpoint: fake.url }, 20_000, time.now);
        assert.equal(outcome.ok, true);
        assert.equal(timers(), before);
    });

    it("keeps a token answer's x-ms-request-id when it is a GUID, and when the request was sent, for the report's canary", async () => {
        const id = "0D4C2B1A-9F8E-4D7C-8B6A-5F4E3D2C1B0A";
        fake = await startFake((_r, i) => ({ ...tokenBody(), headers: { "x-ms-request-id": i === 0 ? id : "request 42; drop table" } }));
        const endpoint = { authorityHost: fake.url, graphEndpoint: fake.url };
        const first = await requestToken("password", handoff, endpoint, 20_000, time.now);
        assert.deepEqual(first.ok && [first.value.requestId, first.value.sentAt], [id.toLowerCase(), time.ms]);
        const second = await requestToken("password", handoff, endpoint, 20_000, time.now);
        assert.equal(second.ok && second.value.requestId, undefined);
    });

    it("keeps the token answer's x-ms-request-id GUID for the canary even when the header pads it with a no-break space", async () => {
        const id = "0D4C2B1A-9F8E-4D7C-8B6A-5F4E3D2C1B0A";
        // HTTP header values may carry obs-text bytes (RFC 9110 section 5.5); 0xA0 reads as U+00A0, which fetch keeps.
        fake = await startFake(() => ({ ...tokenBody(), headers: { "x-ms-request-id": `\u00a0${id}\u00a0` } }));
        const outcome = await requestToken("password", handoff, { authorityHost: fake.url, graphEndpoint: fake.url }, 20_000, time.now);
        assert.equal(outcome.ok && outcome.value.requestId, id.toLowerCase());
    });

    it("retries a token endpoint 503 without a JSON body and then succeeds", async () => {
        fake = await startFake((r, i) => (i === 0 ? { status: 503, body: "Service Unavailable" } : r.path.endsWith("/token") ? tokenBody() : presenceAnswers(r.path)));
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.ok, true);
        assert.equal(report.attempts.clientCredentials, 2);
    });

    it("honours Retry-After on a throttled token request", async () => {
        fake = await startFake((r, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "3" } } : r.path.endsWith("/token") ? tokenBody() : presenceAnswers(r.path)));
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.ok, true);
        assert.deepEqual(time.sleeps, [3000]);
    });

    it("stops on an AADSTS number outside the table and reports unknown_error", async () => {
        fake = await startFake(() => aadError(4242));
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.code, "unknown_error");
        assert.equal(report.aadsts, 4242);
        assert.equal(report.attempts.clientCredentials, 1);
        assert.match(report.message, /not in the verifier's table/);
    });

    it("reads granted scopes from the response's scope field when the access token is opaque", async () => {
        fake = await startFake((r) =>
            r.path.endsWith("/token")
                ? { status: 200, body: { token_type: "Bearer", access_token: "opaque-token-value", scope: "https://graph.microsoft.com/User.Read https://graph.microsoft.com/Presence.Read.All" } }
                : presenceAnswers(r.path),
        );
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.ok, true, report.message);
        assert.deepEqual(report.grantedScopes, ["User.Read", "Presence.Read.All"]);
    });

    it("reports network_error when Graph cannot be reached after a successful sign-in", async () => {
        fake = await startFake(() => tokenBody());
        const report = await verifyPresenceAccess(handoff, options(fake.url, { graphEndpoint: await closedPortUrl(), timeoutSeconds: 20 }));
        assert.equal(report.code, "network_error");
        assert.equal(report.gaveUp, true);
        assert.ok(report.attempts.graph > 1);
        assert.match(report.message, /ECONNREFUSED/);
    });

    it("reports a Graph 401 as unknown_error that points at a cloud mismatch", async () => {
        fake = await startFake((r) => (r.path.endsWith("/token") ? tokenBody() : { status: 401, body: { error: { code: "InvalidAuthenticationToken", message: "bad audience" } } }));
        const report = await verifyPresenceAccess(handoff, options(fake.url));
        assert.equal(report.code, "unknown_error");
        assert.match(report.message, /another cloud/);
    });

    it("redacts secrets that a server echoes back in its error", async () => {
        fake = await startFake(() => aadError(50057, 400, { trace_id: `echo ${handoff.userPassword} ${handoff.secretValue}`, correlation_id: encodeURIComponent(handoff.userPassword) }));
        const lines: string[] = [];
        const report = await verifyPresenceAccess(handoff, options(fake.url, { onProgress: (l) => lines.push(l) }));
        assert.equal(report.code, "user_disabled");
        assert.match(report.message, /\[redacted\]/);
        assertNoSecrets(JSON.stringify(report), handoff);
        assertNoSecrets(lines.join("\n"), handoff);
    });

    it("rethrows an unexpected failure without secrets in its message", async () => {
        fake = await startFake(() => ({ status: 503 }));
        const failing = options(fake.url, {
            sleep: async () => {
                throw new Error(`boom ${handoff.secretValue} ${handoff.userPassword}`);
            },
        });
        await assert.rejects(verifyPresenceAccess(handoff, failing), (error: Error) => {
            assert.match(error.message, /boom/);
            assertNoSecrets(error.message, handoff);
            assert.equal((error as { cause?: unknown }).cause, undefined);
            return true;
        });
    });

    it("rejects misuse of the options with an error naming the option", async () => {
        await assert.rejects(verifyPresenceAccess(handoff, { authorityHost: "login", graphEndpoint: "https://graph.microsoft.com" }), /authorityHost/);
        await assert.rejects(verifyPresenceAccess(handoff, { authorityHost: "https://x", graphEndpoint: "https://y", maxPasswordAttempts: 0 }), /maxPasswordAttempts/);
        await assert.rejects(verifyPresenceAccess(handoff, { authorityHost: "https://x", graphEndpoint: "https://y", timeoutSeconds: -1 }), /timeoutSeconds/);
    });
});

describe("Graph client middleware", () => {
    async function run(url: string, headers?: Record<string, string>): Promise<Record<string, string>> {
        const handler = new GraphOriginAuthenticationHandler("http://127.0.0.1:4000", new SignedInUserTokenProvider("token-1"));
        let seen: Record<string, string> = {};
        const next: Middleware = {
            execute: async (context: Context) => {
                seen = context.options?.headers as Record<string, string>;
            },
        };
        handler.setNext(next);
        await handler.execute({ request: url, options: { headers } });
        return seen;
    }

    it("attaches the bearer token to the configured Graph origin, including plain-http loopback", async () => {
        assert.equal((await run("http://127.0.0.1:4000/v1.0/me/presence")).Authorization, "Bearer token-1");
    });

    it("never sends the token to another origin, even one on the same host", async () => {
        assert.equal((await run("http://127.0.0.1:4001/v1.0/me/presence", { Authorization: "Bearer stale" })).Authorization, undefined);
        assert.equal((await run("https://graph.microsoft.com/v1.0/me/presence")).Authorization, undefined);
    });

    it("is needed because the library's AuthenticationHandler sends no token to a plain-http host, even one listed in customHosts", async () => {
        const library = new AuthenticationHandler(new SignedInUserTokenProvider("token-1"));
        let seen: unknown;
        library.setNext({ execute: async (context: Context) => void (seen = context.options?.headers) });
        await library.execute({ request: "http://127.0.0.1:4000/v1.0/me/presence", options: { headers: {} }, customHosts: new Set(["127.0.0.1"]) });
        assert.equal((seen as Record<string, string> | undefined)?.Authorization, undefined);
    });
});
