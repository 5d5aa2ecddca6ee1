// The TLS identity of an HTTPS emulator: a throw-away certificate authority that signs one server
// certificate for the loopback names, made at start. Node's crypto cannot build X.509 certificates, so
// node-forge assembles and signs them; the RSA keys come from Node's native generator (fast, and
// node-forge's pure-JS key generation would take seconds).
//
// The CA's private key is dropped as soon as the server certificate is signed: trusting the CA file
// (NODE_EXTRA_CA_CERTS, curl --cacert) can then only ever vouch for this one emulator's certificate.
import { generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";

/** Names the server certificate covers; the emulator listens on 127.0.0.1, `localhost` resolves there. */
export const LOOPBACK_NAMES = { dns: ["localhost"], ip: ["127.0.0.1", "::1"] } as const;

export interface LoopbackTls {
    /** PEM of the CA that signed the server certificate: what a client must trust. Not secret. */
    caCertificate: string;
    /** PEM server certificate for {@link LOOPBACK_NAMES}. */
    certificate: string;
    /** PEM PKCS#8 private key of the server certificate. Stays in the emulator's memory. */
    privateKey: string;
}

const generateRsa = promisify(generateKeyPair);
const DAY_MS = 24 * 3600 * 1000;

async function rsaKeyPair(): Promise<{ publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pkcs8: string }> {
    const { publicKey, privateKey } = await generateRsa("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return {
        publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
        privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
        pkcs8: privateKey,
    };
}

/** A positive 128-bit serial number, as RFC 5280 §4.1.2.2 asks (unique, at most 20 octets). */
function serialNumber(): string {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes.toString("hex");
}

/** Host names and IP addresses a server certificate covers. */
export interface CertificateNames {
    readonly dns: readonly string[];
    readonly ip: readonly string[];
}

/**
 * Makes a CA and a server certificate valid from a day before `now` (clock skew between the emulator's
 * clock and the client's) to `validDays` after it. Uses the real clock by default because TLS clients
 * check validity against theirs. `names` defaults to the loopback names; a test that stands in for a public
 * host behind a loopback proxy (test/support/fakeGitHub.ts: api.github.com) names that host instead.
 */
export async function makeLoopbackTls(now: Date = new Date(), validDays = 30, names: CertificateNames = LOOPBACK_NAMES): Promise<LoopbackTls> {
    const [caKeys, serverKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
    const notBefore = new Date(now.getTime() - DAY_MS);
    const notAfter = new Date(now.getTime() + validDays * DAY_MS);
    // A random suffix keeps two emulators' CAs apart in a trust store or a certificate error message.
    const caName = [{ name: "commonName", value: `jtel-teams-presence emulator CA ${randomBytes(4).toString("hex")}` }];

    const ca = forge.pki.createCertificate();
    ca.serialNumber = serialNumber();
    ca.publicKey = caKeys.publicKey;
    ca.validity.notBefore = notBefore;
    ca.validity.notAfter = notAfter;
    ca.setSubject(caName);
    ca.setIssuer(caName);
    ca.setExtensions([
        // pathLenConstraint 0: this CA can sign server certificates, never another CA.
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    ca.sign(caKeys.privateKey, forge.md.sha256.create());

    const server = forge.pki.createCertificate();
    server.serialNumber = serialNumber();
    server.publicKey = serverKeys.publicKey;
    server.validity.notBefore = notBefore;
    server.validity.notAfter = notAfter;
    server.setSubject([{ name: "commonName", value: names.ip[0] ?? names.dns[0] }]);
    server.setIssuer(caName);
    server.setExtensions([
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        // Clients match the host against subjectAltName only (RFC 6125), never the common name.
        {
            name: "subjectAltName",
            altNames: [
                ...names.dns.map((value) => ({ type: 2, value })),
                ...names.ip.map((ip) => ({ type: 7, ip })),
            ],
        },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    ]);
    server.sign(caKeys.privateKey, forge.md.sha256.create());

    return {
        caCertificate: forge.pki.certificateToPem(ca),
        certificate: forge.pki.certificateToPem(server),
        privateKey: serverKeys.pkcs8,
    };
}
