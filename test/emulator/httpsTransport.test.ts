// HTTPS mode: a certificate made at start for the loopback names, signed by a CA whose file a client
// trusts. This process cannot add a CA to Node's store after start-up, so it uses node:https's own `ca`
// option per request, the "client's own option" route; test/conformance/ uses NODE_EXTRA_CA_CERTS.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { dirname } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { startEmulator, type Emulator } from "../../emulator/index";
import { ropcForm } from "./support";

interface Answer { status: number; body: unknown; text: string }

function call(url: string, options: { ca?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = httpsRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {}, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text, body: text ? JSON.parse(text) : undefined }));
        });
        req.on("error", reject);
        req.end(options.body);
    });
}

function peerCertificate(url: string, ca: string): Promise<PeerCertificate> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port), ca }, () => {
            const certificate = socket.getPeerCertificate();
            socket.end();
            resolve(certificate);
        });
        socket.on("error", reject);
    });
}

describe("emulator HTTPS mode", () => {
    let emulator: Emulator;

    before(async () => {
        emulator = await startEmulator({ https: true });
    });

    after(() => emulator.close());

    it("serves https on 127.0.0.1 with a certificate for 127.0.0.1, localhost and ::1, signed by the CA it hands out", async () => {
        assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        assert.ok(emulator.caCertificate && emulator.caFile);
        const ca = new X509Certificate(emulator.caCertificate);
        const server = new X509Certificate((await peerCertificate(emulator.url, emulator.caCertificate)).raw);
        assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey), "the CA signed the server certificate");
        assert.equal(server.checkIP("127.0.0.1"), "127.0.0.1");
        assert.equal(server.checkIP("::1"), "::1");
        assert.equal(server.checkHost("localhost"), "localhost");
        assert.equal(server.checkHost("login.microsoftonline.com"), undefined);
        assert.equal(server.ca, false);
        assert.equal(ca.ca, true);
        assert.ok(Date.parse(server.validTo) > Date.now() + 7 * 24 * 3600_000, "valid for a working week at least");
    });

    it("writes the CA to a 0600 file in a 0700 directory, the same PEM it reports", () => {
        assert.ok(emulator.caFile);
        assert.equal(statSync(emulator.caFile).mode & 0o777, 0o600);
        assert.equal(statSync(dirname(emulator.caFile)).mode & 0o777, 0o700);
        assert.equal(readFileSync(emulator.caFile, "utf8"), emulator.caCertificate);
        assert.doesNotMatch(emulator.caCertificate ?? "", /PRIVATE KEY/);
    });

    it("is refused by a client that does not trust the CA", async () => {
        await assert.rejects(call(`${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`), (e: NodeJS.ErrnoException) => {
            assert.match(String(e.code), /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
            return true;
        });
    });

    it("signs in and serves Graph to a client that trusts the CA through its own option, advertising https endpoints", async () => {
        const ca = emulator.caCertificate;
        const { handoff } = emulator.directory.seedPresenceSetup();
        const configuration = await call(`${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`, { ca });
        const endpoints = configuration.body as Record<string, string>;
        assert.ok(endpoints.token_endpoint.startsWith(`${emulator.url}/`));
        assert.ok(endpoints.issuer.startsWith("https://"));
        const form = new URLSearchParams(ropcForm(handoff) as Record<string, string>).toString();
        const signedIn = await call(endpoints.token_endpoint, { ca, method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form });
        assert.equal(signedIn.status, 200);
        const token = (signedIn.body as { access_token: string }).access_token;
        const presence = await call(`${emulator.url}/v1.0/me/presence`, { ca, headers: { Authorization: `Bearer ${token}` } });
        assert.equal(presence.status, 200);
    });

    it("makes a CA per emulator: one emulator's CA does not vouch for another's certificate", async () => {
        const other = await startEmulator({ https: true });
        try {
            assert.notEqual(other.caCertificate, emulator.caCertificate);
            await assert.rejects(call(`${other.url}/common/discovery/instance`, { ca: emulator.caCertificate }));
            assert.equal((await call(`${other.url}/common/discovery/instance`, { ca: other.caCertificate })).status, 200);
        } finally {
            await other.close();
        }
    });

    it("removes the CA file and its directory on close", async () => {
        const short = await startEmulator({ https: true });
        const file = short.caFile;
        assert.ok(file && existsSync(file));
        await short.close();
        assert.equal(existsSync(file), false);
        assert.equal(existsSync(dirname(file)), false);
    });

    it("stays plain http with no CA when https is not asked for", async () => {
        const plain = await startEmulator();
        try {
            assert.match(plain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(plain.caFile, undefined);
            assert.equal(plain.caCertificate, undefined);
        } finally {
            await plain.close();
        }
    });
});
