// Entry point of the local Entra ID + Microsoft Graph emulator. See ARCHITECTURE.md for the contract.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLoopbackTls } from "./certificate";
import { EmulatedDirectory } from "./directory";
import { defaultFaults, FaultCounters } from "./faults";
import { GraphApi } from "./graph";
import { closeServer, createEmulatorServer, listen } from "./server";
import { TokenService } from "./tokens";
import type { Emulator, EmulatorOptions, LoggedRequest } from "./types";

export * from "./types";
export { GRAPH_APP_ID, GRAPH_APP_ROLES, GRAPH_DELEGATED_SCOPES, GRAPH_PUBLIC_ENDPOINT } from "./microsoftGraph";
export { MAX_BATCH_REQUESTS, MAX_PRESENCE_IDS } from "./graph";
export { passwordComplexityProblem } from "./passwordRules";
export { addReportReader, type ReportReader } from "./deployer";

export const DEFAULT_TENANT_ID = "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60";
export const DEFAULT_DOMAIN = "contoso.example";

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const now = options.now ?? (() => new Date());
    const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    const faults = defaultFaults(options.faults);
    const directory = new EmulatedDirectory(tenantId, options.domain ?? DEFAULT_DOMAIN, now, faults);
    const counters = new FaultCounters(faults);
    const requests: LoggedRequest[] = [];
    const log = (entry: LoggedRequest): void => {
        requests.push(entry);
    };
    const tokens = await TokenService.create(directory, faults, now);
    const graph = new GraphApi(directory, tokens, faults, counters, now, log);
    // Certificates are judged by the client's real clock, never the emulator's (possibly moved) one.
    const tls = options.https ? await makeLoopbackTls() : undefined;
    const server = createEmulatorServer({
        ...(tls ? { tls: { key: tls.privateKey, cert: tls.certificate } } : {}),
        tenant: { id: tenantId, domain: directory.domain }, tokens, graph, faults, counters, now, log,
    });
    const url = await listen(server, options.port ?? 0, tls ? "https" : "http");
    tokens.baseUrl = url;

    let caDir: string | undefined;
    let caFile: string | undefined;
    if (tls) {
        // mkdtemp makes a 0700 directory; the CA is public, but a file others could swap would let them
        // choose what the client trusts.
        caDir = mkdtempSync(join(tmpdir(), "jtel-emulator-ca-"));
        caFile = join(caDir, "ca.pem");
        writeFileSync(caFile, tls.caCertificate, { mode: 0o600 });
    }

    return {
        url,
        tenantId,
        ...(tls && caFile ? { caCertificate: tls.caCertificate, caFile } : {}),
        directory,
        faults,
        requests,
        failedPasswordAttempts: (userObjectId) => directory.failedPasswordAttempts(userObjectId),
        close: async () => {
            try {
                await closeServer(server);
            } finally {
                if (caDir) rmSync(caDir, { recursive: true, force: true });
            }
        },
    };
}
