// Credentials go only where they must: every test here starts real listeners that redirect, downgrade https to
// http or sit on an address that is not loopback, and checks that the client secret, password or token never
// arrived where they should not.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { verifyPresenceAccess, type Handoff, type VerificationReport, type VerifyOptions } from "../../verifier/index";
import { selfSignedCertificate, type TestCertificate } from "../support/certificate";
import { startFake, tokenBody, type FakeRequest, type FakeResponse, type FakeTenant } from "./fakeTenant";
import { assertNoSecrets, FakeTime } from "./support";

const handoff: Handoff = {
    applicationClientId: "11111111-2222-3333-4444-555555555555",
    directoryTenantId: "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60",
    secretValue: "Abc8Q~transport-secret-value-0123456789ab",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Transport-Passw0rd!42",
};
const SERVICE_USER = "2b1f9f6e-0c2d-4e55-9a3b-6c7d8e9f0a1b";

function graphAnswers(request: FakeRequest): FakeResponse {
    if (request.path.endsWith("/token")) return tokenBody();
    // The fake's tokens carry no `oid`, so the verifier asks GET /me for the service user's object ID.
    if (request.path.startsWith("/v1.0/me?")) return { status: 200, body: { id: SERVICE_USER } };
    return { status: 200, body: { value: [{ id: SERVICE_USER, availability: "Available", activity: "Available" }] } };
}

/** Nothing of the handoff, and no bearer token, reached this listener. */
function assertNothingArrived(listener: FakeTenant, what: string): void {
    assert.deepEqual(listener.requests.map((r) => `${r.method} ${r.path}`), [], `${what} received requests`);
}

describe("where the verifier sends credentials", () => {
    const listeners: FakeTenant[] = [];
    let time: FakeTime;
    const listen = async (handler: (r: FakeRequest, i: number) => FakeResponse, options?: Parameters<typeof startFake>[1]) => {
        const listener = await startFake(handler, options);
        listeners.push(listener);
        return listener;
    };
    const options = (authorityHost: string, graphEndpoint = authorityHost): VerifyOptions => ({
        authorityHost, graphEndpoint, clock: time.now, sleep: time.sleep, random: () => 0.5, timeoutSeconds: 60,
    });

    beforeEach(() => {
        time = new FakeTime();
    });
    afterEach(async () => {
        await Promise.all(listeners.splice(0).map((l) => l.close()));
    });

    describe("a token endpoint that redirects", () => {
        for (const status of [301, 302, 307, 308]) {
            it(`never re-sends client_secret, username or password on a ${status} to another host, and reports redirected`, async () => {
                // 127.0.0.2 is another loopback host: a different origin the redirect points at.
                const trap = await listen(graphAnswers, { host: "127.0.0.2" });
                const authority = await listen(() => ({ status, headers: { Location: `${trap.url}/steal/oauth2/v2.0/token` } }));
                const report = await verifyPresenceAccess(handoff, options(authority.url, trap.url));
                assert.equal(report.code, "redirected");
                assert.equal(report.transient, false);
                assert.match(report.message, new RegExp(`HTTP ${status} redirecting to ${trap.url.replace(/\./g, "\\.")}`));
                assert.deepEqual(report.attempts, { clientCredentials: 1, password: 0, graph: 0 });
                assertNothingArrived(trap, "the redirect target");
                assert.equal(authority.requests.length, 1);
            });
        }

        it("never re-posts the password form on a 307 to the same host, not even to another path", async () => {
            const authority = await listen((r) => (r.path.endsWith("/token") && r.body.includes("grant_type=password")
                ? { status: 307, headers: { Location: "/elsewhere" } }
                : graphAnswers(r)));
            const report = await verifyPresenceAccess(handoff, options(authority.url));
            assert.equal(report.code, "redirected");
            assert.match(report.message, /Password sign-in \(ROPC\): the endpoint answered HTTP 307 redirecting to a relative location on the same host/);
            // One client-credentials request and one password request; a redirect is final, so no retries.
            assert.deepEqual(authority.requests.map((r) => r.path), [
                `/${handoff.directoryTenantId}/oauth2/v2.0/token`, `/${handoff.directoryTenantId}/oauth2/v2.0/token`,
            ]);
            assert.equal(report.attempts.password, 1);
            assertNoSecrets(JSON.stringify(report), handoff);
        });
    });

    describe("a Graph endpoint that redirects", () => {
        for (const status of [301, 302, 307, 308]) {
            it(`never sends the access token along a ${status} to another host`, async () => {
                const trap = await listen(graphAnswers, { host: "127.0.0.2" });
                const graph = await listen((r) => ({ status, headers: { Location: `${trap.url}${r.path}` } }));
                const authority = await listen(graphAnswers);
                const report = await verifyPresenceAccess(handoff, options(authority.url, graph.url));
                assert.equal(report.code, "redirected");
                assert.match(report.message, /the verifier does not follow redirects, so nothing was sent there/);
                assertNothingArrived(trap, "the redirect target");
                assert.equal(graph.requests.length, 1);
            });
        }

        it("never sends the access token along a redirect to another path on the same host", async () => {
            const graph = await listen((r) => (r.path.startsWith("/v1.0/me?") ? { status: 308, headers: { Location: "/collect" } } : graphAnswers(r)));
            const report = await verifyPresenceAccess(handoff, options(graph.url));
            assert.equal(report.code, "redirected");
            assert.deepEqual(graph.requests.filter((r) => r.path === "/collect"), []);
        });
    });

    describe("an https endpoint that redirects to http (a downgrade)", function () {
        // The verification runs in a child process that trusts the throwaway certificate; checks stay on.
        this.timeout(30_000);
        let certificate: TestCertificate;
        before(() => {
            certificate = selfSignedCertificate();
        });
        after(() => certificate.remove());

        function verifyInChild(verifyOptions: VerifyOptions): Promise<VerificationReport & { thrown?: string }> {
            const script = join(__dirname, "fixtures", "verifyInChild.ts");
            return new Promise((resolve, reject) => {
                execFile(process.execPath, ["-r", "ts-node/register/transpile-only", script, JSON.stringify({ handoff, options: verifyOptions })], {
                    cwd: join(__dirname, "..", ".."),
                    env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate.certFile },
                }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
            });
        }

        it("sends the token request over https, refuses the redirect to http, and nothing reaches the http host", async () => {
            const plain = await listen(graphAnswers);
            const authority = await listen((r) => ({ status: 308, headers: { Location: `${plain.url}${r.path}` } }), { tls: certificate });
            const signIn = await verifyInChild({ authorityHost: authority.url, graphEndpoint: plain.url, timeoutSeconds: 30 });
            assert.equal(signIn.code, "redirected", JSON.stringify(signIn));
            assert.equal(authority.requests.length, 1, "the https authority was reached");
            assertNothingArrived(plain, "the http host");
        });

        it("sends the bearer token to the https Graph endpoint only, never to the http host it redirects to", async () => {
            const plain = await listen(graphAnswers);
            const authority = await listen(graphAnswers, { tls: certificate });
            const graph = await listen((r) => ({ status: 307, headers: { Location: `${plain.url}${r.path}` } }), { tls: certificate });
            const report = await verifyInChild({ authorityHost: authority.url, graphEndpoint: graph.url, timeoutSeconds: 30 });
            assert.equal(report.code, "redirected", JSON.stringify(report));
            assert.match(String(graph.requests[0]?.headers.authorization), /^Bearer /);
            assertNothingArrived(plain, "the http host");
        });
    });

    describe("an http endpoint that is not loopback", () => {
        // Every address of this machine that is not loopback, plus 0.0.0.0, which reaches this machine's listeners
        // without being loopback, so the test runs (and means something) on a machine with no other interface.
        const addresses = [
            ...Object.values(networkInterfaces()).flat()
                .filter((a) => a !== undefined && !a.internal && !a.address.startsWith("fe80:"))
                .map((a) => a!.address),
            "0.0.0.0",
        ];

        for (const address of addresses) {
            it(`refuses http://${address.includes(":") ? `[${address}]` : address} before sending anything, as authority host or Graph endpoint`, async () => {
                const remote = await listen(graphAnswers, { host: address });
                const local = await listen(graphAnswers);
                await assert.rejects(verifyPresenceAccess(handoff, options(remote.url)), (error: Error) => {
                    assert.match(error.message, /authorityHost "http:\/\/.+" must use https:\/\/, or http:\/\/ only for a loopback host \(127\.0\.0\.0\/8, localhost or \[::1\]\)/);
                    assertNoSecrets(error.message, handoff);
                    return true;
                });
                await assert.rejects(verifyPresenceAccess(handoff, options(local.url, remote.url)), /graphEndpoint "http:\/\/.+" must use https:\/\//);
                assertNothingArrived(remote, `the listener on ${address}`);
                assertNothingArrived(local, "the loopback authority (the rule is checked before signing in)");
            });
        }
    });

    it("still signs in over http on every loopback spelling the rule allows", async () => {
        const fake = await listen(graphAnswers);
        const port = new URL(fake.url).port;
        for (const host of ["127.0.0.1", "localhost", "127.1"]) {
            const before = fake.requests.length;
            const report = await verifyPresenceAccess(handoff, options(`http://${host}:${port}`));
            assert.equal(report.ok, true, `${host}: ${report.message}`);
            assert.ok(fake.requests.length > before, `${host} reached no listener`);
        }
    });
});
