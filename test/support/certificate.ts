// A throwaway self-signed certificate for an https listener on 127.0.0.1, made with the openssl CLI (Node can
// make keys but not certificates). Its files live in a private temp folder until `remove()`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
    cert: string;
    key: string;
    /** The certificate as a file, for NODE_EXTRA_CA_CERTS in a child process that must trust it. */
    certFile: string;
    remove(): void;
}

export function selfSignedCertificate(): TestCertificate {
    const dir = mkdtempSync(join(tmpdir(), "test-cert-"));
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    try {
        execFileSync("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
            "-keyout", keyFile, "-out", certFile,
        ], { stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error("the https tests need the openssl CLI to make a throwaway certificate", { cause: error });
    }
    return {
        cert: readFileSync(certFile, "utf8"),
        key: readFileSync(keyFile, "utf8"),
        certFile,
        remove: () => rmSync(dir, { recursive: true, force: true }),
    };
}
