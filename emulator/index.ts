// Entry point of the local Entra ID + Microsoft Graph emulator. See ARCHITECTURE.md for the contract.
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
    const server = createEmulatorServer({ tokens, graph, faults, counters, now, log });
    const url = await listen(server, options.port ?? 0);
    tokens.baseUrl = url;

    return {
        url,
        tenantId,
        directory,
        faults,
        requests,
        failedPasswordAttempts: (userObjectId) => directory.failedPasswordAttempts(userObjectId),
        close: () => closeServer(server),
    };
}
