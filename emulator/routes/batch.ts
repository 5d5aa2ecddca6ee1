// JSON batching: up to 20 steps per POST /$batch, each run through the same routes as a top-level request.
import { fail, objectBody, ok, type GraphContext, type GraphRequest, type GraphResult, type RouteContext, type RouteRegistrar } from "./support";

export const MAX_BATCH_REQUESTS = 20;

function hasContentType(headers: unknown): boolean {
    if (typeof headers !== "object" || headers === null) return false;
    return Object.entries(headers).some(([name, value]) => name.toLowerCase() === "content-type" && typeof value === "string" && value.trim() !== "");
}

async function batch(g: GraphContext, ctx: RouteContext): Promise<GraphResult> {
    if (ctx.request.inBatch) throw fail(400, "BadRequest", "A $batch request cannot contain another $batch.");
    const requests = objectBody(ctx.request).requests;
    if (!Array.isArray(requests) || requests.length === 0) {
        throw fail(400, "BadRequest", "Invalid batch payload format: 'requests' must be a non-empty array.");
    }
    if (requests.length > MAX_BATCH_REQUESTS) {
        throw fail(400, "BadRequest", `Number of batch request steps exceeds the maximum of ${MAX_BATCH_REQUESTS}.`);
    }
    const ids = new Set<string>();
    for (const step of requests as Record<string, unknown>[]) {
        if (typeof step !== "object" || step === null || typeof step.id !== "string" || typeof step.method !== "string" || typeof step.url !== "string") {
            throw fail(400, "BadRequest", "Invalid batch payload format: every request needs a string 'id', 'method' and 'url'.");
        }
        // "Not case-sensitive. Must be unique in the batch" (microsoft-graph-docs-contrib concepts/json-batching.md).
        if (ids.has(step.id.toLowerCase())) throw fail(400, "BadRequest", `Batch request id '${step.id}' is used more than once (ids are not case-sensitive).`);
        ids.add(step.id.toLowerCase());
        // "When a body is included with the request, the headers object must contain a value for Content-Type" (same page).
        if (step.body !== undefined && !hasContentType(step.headers)) {
            throw fail(400, "BadRequest", `Batch request '${step.id}' has a body but no Content-Type header; add "headers": {"Content-Type": "application/json"}.`);
        }
        if (/^[a-z]+:\/\//i.test(step.url)) throw fail(400, "BadRequest", `Batch request '${step.id}' must use a URL relative to the version, like /users/{id}; got an absolute URL.`);
    }
    // Steps run one after another; dependsOn ordering is implied and not otherwise interpreted.
    const responses = [];
    for (const step of requests as { id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown }[]) {
        const url = new URL(step.url.replace(/^\/?/, "/"), "http://batch.invalid");
        const sub: GraphRequest = {
            method: step.method.toUpperCase(),
            // The Graph SDK's BatchRequestContent keeps the version segment ("/v1.0/me"); Graph accepts both.
            path: url.pathname.replace(/^\/v1\.0(?=\/|$)/i, "") || "/",
            query: url.searchParams,
            body: step.body,
            inBatch: true,
            ...(ctx.request.authorization ? { authorization: ctx.request.authorization } : {}),
            ...(ctx.request.clientRequestId ? { clientRequestId: ctx.request.clientRequestId } : {}),
        };
        const result = await g.dispatch(sub);
        g.log({ at: g.now(), method: sub.method, path: `/v1.0${sub.path}`, status: result.status, inBatch: true });
        const headers: Record<string, string> = {};
        if (result.body !== undefined) headers["Content-Type"] = "application/json";
        if (result.headers?.["Retry-After"]) headers["Retry-After"] = result.headers["Retry-After"];
        responses.push({ id: step.id, status: result.status, headers, ...(result.body !== undefined ? { body: result.body } : {}) });
    }
    return ok({ responses });
}

export function batchRoutes(route: RouteRegistrar, g: GraphContext): void {
    route("POST", "/$batch", (ctx) => batch(g, ctx));
}
