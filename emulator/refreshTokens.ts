// Refresh tokens: opaque random strings the emulator remembers, as Entra ID's are opaque to clients.
// Kept only as SHA-256 hashes, like the directory keeps secrets, so no inspection can leak one.
import { createHash, randomBytes } from "node:crypto";
import type { OidcScope } from "./tokenRequest";

/** Entra ID's default inactivity lifetime of a refresh token (configurable-token-lifetimes: 90 days). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

export interface RefreshGrant {
    /** Application (client) ID the token was issued to; only that client may redeem it. */
    clientId: string;
    userId: string;
    /** The resource the original request named (Graph's public endpoint, Graph's app ID or the emulator URL). */
    resource: string;
    /** OIDC scopes of the original request, reused when a refresh request sends no `scope`. */
    oidc: OidcScope[];
    issuedAt: Date;
}

function digest(token: string): string {
    return createHash("sha256").update(token, "utf8").digest("hex");
}

export class RefreshTokenStore {
    private readonly grants = new Map<string, RefreshGrant>();

    issue(grant: RefreshGrant): string {
        const token = randomBytes(48).toString("base64url");
        this.grants.set(digest(token), { ...grant, oidc: [...grant.oidc] });
        return token;
    }

    /** The grant behind a token, or undefined for anything this emulator did not issue. */
    find(token: string): RefreshGrant | undefined {
        const grant = this.grants.get(digest(token));
        return grant ? { ...grant, oidc: [...grant.oidc] } : undefined;
    }

    /** True once the token has gone unused for {@link REFRESH_TOKEN_LIFETIME_MS} on the emulator clock. */
    static expired(grant: RefreshGrant, now: Date): boolean {
        return now.getTime() - grant.issuedAt.getTime() >= REFRESH_TOKEN_LIFETIME_MS;
    }
}
