// Microsoft Graph v1.0 as far as this project touches it: the router, throttling and token checks every
// request goes through. The routes live in routes/, one file per Graph resource. Every route checks the
// caller's permissions the way Graph does: presence and user reads (diagnosing those is the verifier's job)
// and the management calls a deployer makes (routes/permissions.ts).
import { randomUUID } from "node:crypto";
import { DirectoryError, type EmulatedDirectory } from "./directory";
import type { FaultCounters } from "./faults";
import { applicationRoutes } from "./routes/applications";
import { batchRoutes } from "./routes/batch";
import { directoryObjectRoutes } from "./routes/directoryObjects";
import { grantRoutes } from "./routes/oauth2PermissionGrants";
import { presenceRoutes } from "./routes/presence";
import { reportRoutes } from "./routes/reports";
import { servicePrincipalRoutes } from "./routes/servicePrincipals";
import type { GraphContext, GraphRequest, GraphResult, Handler } from "./routes/support";
import { userRoutes } from "./routes/users";
import type { TokenService } from "./tokens";
import type { Faults, LoggedRequest } from "./types";

export { MAX_BATCH_REQUESTS } from "./routes/batch";
export { MAX_PRESENCE_IDS } from "./routes/presence";
export { UNREADABLE_BODY, type GraphRequest, type GraphResult } from "./routes/support";

interface Route { method: string; pattern: RegExp; handler: Handler }

export class GraphApi implements GraphContext {
    private readonly routes: Route[] = [];

    constructor(
        readonly directory: EmulatedDirectory,
        readonly tokens: TokenService,
        readonly faults: Faults,
        private readonly counters: FaultCounters,
        readonly now: () => Date,
        readonly log: (entry: LoggedRequest) => void,
    ) {
        const route = (method: string, template: string, handler: Handler) => this.route(method, template, handler);
        for (const register of [batchRoutes, presenceRoutes, userRoutes, applicationRoutes, servicePrincipalRoutes, grantRoutes, reportRoutes, directoryObjectRoutes]) {
            register(route, this);
        }
    }

    /** Every Graph request, top-level or from a $batch, goes through here. */
    async dispatch(request: GraphRequest): Promise<GraphResult> {
        const requestId = randomUUID();
        const clientRequestId = request.clientRequestId ?? requestId;
        const withIds = (result: GraphResult): GraphResult => ({
            ...result,
            headers: { ...result.headers, "request-id": requestId, "client-request-id": clientRequestId },
        });
        const errorResult = (status: number, code: string, message: string, headers?: Record<string, string>, details?: unknown[]): GraphResult => withIds({
            status,
            body: { error: { code, message, ...(details ? { details } : {}), innerError: { date: this.graphDate(), "request-id": requestId, "client-request-id": clientRequestId } } },
            ...(headers ? { headers } : {}),
        });

        // Graph evaluates each step of a batch against throttling limits separately, not the envelope.
        const isBatchEnvelope = request.path.toLowerCase() === "/$batch";
        if (!isBatchEnvelope && this.counters.nextGraphRequestThrottled()) {
            return errorResult(429, "TooManyRequests", "Too many requests, retry after the number of seconds in the Retry-After header.",
                { "Retry-After": String(this.faults.retryAfterSeconds) });
        }
        const path = request.path.replace(/\/+$/, "") || "/";
        let params: string[] | undefined;
        let pathMatched = false;
        const route = this.routes.find((r) => {
            const match = r.pattern.exec(path);
            if (!match) return false;
            pathMatched = true;
            if (r.method !== request.method.toUpperCase()) return false;
            params = match.slice(1).map((p) => decodeURIComponent(p));
            return true;
        });
        if (!route || !params) {
            return pathMatched
                ? errorResult(405, "Request_BadRequest", `The HTTP method '${request.method}' is not supported on '${path}'.`)
                : errorResult(404, "NotFound", `Resource not found for the segment '${path.split("/")[1] ?? ""}'. This emulator does not serve ${request.method} ${path}.`);
        }
        const verified = await this.tokens.verify(request.authorization);
        if ("failure" in verified) return errorResult(401, "InvalidAuthenticationToken", verified.failure);
        try {
            return withIds(await route.handler({ request, principal: verified, params }));
        } catch (e) {
            if (e instanceof DirectoryError) return errorResult(e.status, e.code, e.message, undefined, e.details);
            throw e;
        }
    }

    context(fragment: string): string {
        return `${this.tokens.baseUrl}/v1.0/$metadata#${fragment}`;
    }

    private graphDate(): string {
        return this.now().toISOString().replace(/\.\d+Z$/, "");
    }

    private route(method: string, template: string, handler: Handler): void {
        const source = template
            .split("/")
            .map((segment) => (segment === ":id" ? "([^/]+)" : segment.replace(/[$.]/g, (c) => `\\${c}`)))
            .join("/");
        // Graph treats path segments case-insensitively.
        this.routes.push({ method, pattern: new RegExp(`^${source}$`, "i"), handler });
    }
}
