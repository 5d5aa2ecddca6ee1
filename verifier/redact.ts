export const REDACTED = "[redacted]";

// Anything shaped like a JWT is a bearer token even when we did not mint it ourselves.
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/**
 * Removes every secret from text built from remote or user-supplied material. Secrets are also removed
 * in their form-encoded and URI-encoded spellings, because servers echo request bodies back that way.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
    const spellings = new Set<string>();
    for (const secret of secrets) {
        if (!secret) continue;
        spellings.add(secret);
        spellings.add(encodeURIComponent(secret));
        spellings.add(new URLSearchParams({ s: secret }).toString().slice(2));
        spellings.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first so a secret that contains another secret is removed whole.
    let result = text;
    for (const spelling of [...spellings].sort((a, b) => b.length - a.length)) {
        result = result.split(spelling).join(REDACTED);
    }
    return result.replace(JWT_PATTERN, REDACTED);
}
