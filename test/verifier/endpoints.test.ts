import assert from "node:assert/strict";
import { UnsecuredJWT } from "jose";
import { cloudEndpoints, PRESENCE_CLOUD_NAMES, verifyPresenceAccess, type CloudName, type Handoff } from "../../verifier/index";
import { checkEndpoint, ENDPOINT_RULE, endpointProblem, isLoopbackHost, resolveEndpoints } from "../../verifier/endpoints";
import { FakeTime } from "./support";

const handoff: Handoff = {
    applicationClientId: "11111111-2222-3333-4444-555555555555",
    directoryTenantId: "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60",
    secretValue: "Abc8Q~endpoint-secret-value-0123456789ab",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Endpoint-Passw0rd!42",
};

describe("the endpoint rule", () => {
    for (const url of ["https://login.microsoftonline.com", "https://graph.microsoft.us/", "https://proxy.contoso.com:8443/entra",
        "http://127.0.0.1:4000", "http://127.42.0.9", "http://localhost:8080", "http://LOCALHOST", "http://[::1]:4000", "http://127.1"]) {
        it(`lets credentials go to ${url}`, () => assert.equal(endpointProblem(url), undefined));
    }

    for (const [url, rule] of [
        ["http://192.0.2.2:4000", /must use https:\/\/, or http:\/\/ only for a loopback host/],
        ["http://10.0.0.5", /must use https:\/\//],
        ["http://0.0.0.0:4000", /must use https:\/\//],
        ["http://login.microsoftonline.com", /must use https:\/\//],
        ["http://localhost.contoso.com", /must use https:\/\//],
        ["http://127.0.0.1.nip.io", /must use https:\/\//],
        ["http://[::ffff:127.0.0.1]", /must use https:\/\//],
        ["ftp://127.0.0.1", /must use https:\/\//],
        ["login.microsoftonline.com", /must be an absolute URL/],
        ["https://user:pass@login.microsoftonline.com", /must not carry a user name or password/],
        ["https://login.microsoftonline.com?x=1", /must not have a query \(\?\) or fragment \(#\)/],
        ["https://login.microsoftonline.com#frag", /must not have a query/],
    ] as const) {
        it(`refuses ${url}`, () => assert.match(endpointProblem(url) ?? "accepted", rule));
    }

    it("treats all of 127.0.0.0/8, localhost and [::1] as loopback, and nothing else", () => {
        for (const host of ["127.0.0.1", "127.255.255.254", "localhost", "[::1]"]) assert.equal(isLoopbackHost(host), true, host);
        for (const host of ["128.0.0.1", "0.0.0.0", "localhost.", "[::2]", "example.com", "127.0.0.1.example.com"]) assert.equal(isLoopbackHost(host), false, host);
    });

    it("names the setting and masks a password in the URL it quotes", () => {
        assert.throws(() => checkEndpoint("--authority-host", "https://bob:hunter2@login.example"), (e: Error) => {
            assert.match(e.message, /^--authority-host "https:\/\/\*\*\*@login\.example\/" must not carry a user name or password$/);
            assert.ok(!e.message.includes("hunter2"));
            return true;
        });
        assert.equal(checkEndpoint("authorityHost", "http://127.0.0.1:4000///"), "http://127.0.0.1:4000");
    });

    it("refuses a URL carrying only a user name, or only a password", () => {
        assert.equal(endpointProblem("https://bob@login.example"), "must not carry a user name or password");
        assert.equal(endpointProblem("https://:hunter2@login.example"), "must not carry a user name or password");
    });

    it("masks a lone user name or a lone password in the URL it quotes", () => {
        assert.throws(() => checkEndpoint("authorityHost", "https://:hunter2@login.example"),
            { name: "EndpointError", message: 'authorityHost "https://***@login.example/" must not carry a user name or password' });
        assert.throws(() => checkEndpoint("authorityHost", "https://bob@login.example"),
            { name: "EndpointError", message: 'authorityHost "https://***@login.example/" must not carry a user name or password' });
    });

    it("masks the credentials of a value that is not even a URL", () => {
        assert.throws(() => checkEndpoint("--graph-endpoint", "//bob:hunter2@graph.example"), {
            name: "EndpointError",
            message: `--graph-endpoint "//***@graph.example" must be an absolute URL: ${ENDPOINT_RULE}, such as https://login.microsoftonline.com`,
        });
    });

    it("says a setting that is not a string must be a URL, and what kind", () => {
        assert.throws(() => checkEndpoint("graphEndpoint", 42),
            { name: "EndpointError", message: "graphEndpoint must be a URL: https://, or http:// only for a loopback host (127.0.0.0/8, localhost or [::1])" });
    });

    it("does not take a host that merely ends in a loopback address for loopback", () => {
        assert.equal(isLoopbackHost("10.127.0.0.1"), false);
        assert.equal(isLoopbackHost("x127.0.0.1"), false);
    });

    it("uses a cloud's documented hosts when nothing overrides them, and checks an override", () => {
        for (const cloud of PRESENCE_CLOUD_NAMES) assert.deepEqual(resolveEndpoints({ cloud }), cloudEndpoints(cloud));
        assert.deepEqual(resolveEndpoints({}), cloudEndpoints("public"));
        assert.deepEqual(resolveEndpoints({ cloud: "usgovernmentdod", graphEndpoint: "http://127.0.0.1:9/" }), {
            authorityHost: "https://login.microsoftonline.us", graphEndpoint: "http://127.0.0.1:9",
        });
        assert.throws(() => resolveEndpoints({ authorityHost: "http://192.0.2.2" }, { cloud: "--cloud", authorityHost: "--authority-host", graphEndpoint: "--graph-endpoint" }), /^EndpointError: --authority-host "http:\/\/192\.0\.2\.2" must use https/);
        assert.throws(() => resolveEndpoints({ cloud: "germany" as CloudName }), /cloud "germany" must be one of public, usgovernment, usgovernmentdod/);
    });
});

describe("a verification with a cloud chosen and no override", () => {
    const realFetch = globalThis.fetch;
    afterEach(() => {
        globalThis.fetch = realFetch;
    });

    for (const cloud of PRESENCE_CLOUD_NAMES) {
        it(`talks only to the ${cloud} cloud's documented hosts and asks for its Graph scope`, async () => {
            const seen: { url: string; body?: string; authorization?: string }[] = [];
            // Stands in for the network: records each request and answers like Entra ID and Graph.
            globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
                const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
                const headers = new Headers(init?.headers);
                seen.push({ url, body: typeof init?.body === "string" ? init.body : undefined, authorization: headers.get("authorization") ?? undefined });
                const path = new URL(url).pathname;
                const user = "2b1f9f6e-0c2d-4e55-9a3b-6c7d8e9f0a1b";
                // The token carries no `oid`, so the verifier also asks GET /me: one more Graph request to place.
                const body = path.endsWith("/oauth2/v2.0/token")
                    ? { token_type: "Bearer", access_token: new UnsecuredJWT({ scp: "User.Read Presence.Read.All" }).encode() }
                    : path === "/v1.0/me"
                        ? { id: user }
                        : { value: [{ id: user, availability: "Available", activity: "Available" }] };
                return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
            }) as typeof fetch;
            const time = new FakeTime();
            const report = await verifyPresenceAccess(handoff, { cloud, clock: time.now, sleep: time.sleep, random: () => 0.5 });
            assert.equal(report.ok, true, report.message);
            const hosts = cloudEndpoints(cloud);
            assert.deepEqual([...new Set(seen.map((s) => new URL(s.url).origin))].sort(), [hosts.authorityHost, hosts.graphEndpoint].sort());
            const tokenRequests = seen.filter((s) => s.url === `${hosts.authorityHost}/${handoff.directoryTenantId}/oauth2/v2.0/token`);
            assert.equal(tokenRequests.length, 2);
            for (const t of tokenRequests) assert.equal(new URLSearchParams(t.body).get("scope"), `${hosts.graphEndpoint}/.default`);
            for (const s of seen.filter((x) => x.url.startsWith(hosts.graphEndpoint))) assert.match(String(s.authorization), /^Bearer /);
        });
    }
});
