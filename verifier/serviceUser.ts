import { decodeJwt } from "jose";
import type { GraphSession } from "./graph";
import type { Settled } from "./retry";

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in user's object ID from the access token's `oid` claim, read the way scopes.ts reads `scp`;
 * undefined when the token is not a JWT or carries no GUID there. Microsoft tells clients to treat access
 * tokens as opaque ("Tokens that a Microsoft API receives might not always be a JWT that can be decoded",
 * learn.microsoft.com/entra/identity-platform/access-tokens), hence the fallback in serviceUserObjectId.
 */
export function objectIdFromToken(accessToken: string): string | undefined {
    try {
        const oid = decodeJwt(accessToken).oid;
        return typeof oid === "string" && OBJECT_ID.test(oid) ? oid.toLowerCase() : undefined;
    } catch {
        return undefined;
    }
}

export interface ServiceUserId {
    id: string;
    /** Where the ID came from: the token's `oid` claim, or GET /me when the token was opaque. */
    source: "token" | "me";
}

/**
 * The service user's object ID, which the presence read needs. No request when the token names it; for an
 * opaque token, GET /me?$select=id, which the default consent (User.Read) allows. The old way, taking the
 * ID from GET /me/presence, failed for a service user without Teams, whom the connector does not need to
 * be a Teams user at all.
 */
export async function serviceUserObjectId(session: GraphSession, accessToken: string): Promise<Settled<ServiceUserId>> {
    const fromToken = objectIdFromToken(accessToken);
    if (fromToken) return { ok: true, value: { id: fromToken, source: "token" } };
    const where = "Graph GET /me (the service user's object ID; the access token is opaque)";
    const settled = await session.retry<unknown>(where, async (remainingMs) => {
        const outcome = await session.attempt({ method: "GET", path: "/me?$select=id", where, stage: "presence" }, remainingMs);
        if (outcome.ok || outcome.status !== 403) return outcome;
        return {
            ok: false,
            diagnosis: {
                code: "consent_missing",
                transient: false,
                missingScopes: ["User.Read"],
                message: `${where}: Microsoft Graph refused to read the signed-in user (HTTP 403${outcome.graphCode ? ` ${outcome.graphCode}` : ""}); the delegated permission User.Read is missing.`,
            },
        };
    });
    if (!settled.ok) return settled;
    const id = (settled.value as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string" || !OBJECT_ID.test(id)) {
        return { ok: false, gaveUp: false, attempts: 1, diagnosis: { code: "unknown_error", transient: false, message: `${where}: Microsoft Graph answered with a body the verifier does not recognise.` } };
    }
    return { ok: true, value: { id: id.toLowerCase(), source: "me" } };
}
