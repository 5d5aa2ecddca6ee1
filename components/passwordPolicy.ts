// The service user's password: what the generator may draw from and what a valid password looks like.
// Entra ID accepts 8–256 characters from three of four classes; the jtel connector additionally breaks on
// [ ] < > ? # & and ROPC rejects leading/trailing whitespace (../shared/reference/entra-and-graph.md).

/** Characters the jtel connector cannot take in a password (the manual guide's list). */
export const CONNECTOR_FORBIDDEN_CHARACTERS = "[]<>?#&";

/** Symbols the generator draws from: Entra ID's symbol set minus the connector's forbidden characters, and
 * minus quotes, backslash, backtick, `$`, `/`, `|`, `;`, braces and parentheses, which need escaping in the
 * shells, .env files and config files a password passes through on its way to the connector. */
export const PASSWORD_SYMBOLS = "!@%^*-_+=:,.~";

export const MIN_PASSWORD_LENGTH = 16;
export const DEFAULT_PASSWORD_LENGTH = 32;
export const MAX_PASSWORD_LENGTH = 256;

/** Arguments for @pulumi/random's RandomPassword: at least one character of each class, symbols only
 * from PASSWORD_SYMBOLS, no whitespace. */
export function passwordSpec(length: number = DEFAULT_PASSWORD_LENGTH) {
    if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
        throw new RangeError(
            `password length ${length} must be a whole number from ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH}`);
    }
    return {
        length,
        upper: true,
        lower: true,
        numeric: true,
        special: true,
        overrideSpecial: PASSWORD_SYMBOLS,
        minUpper: 1,
        minLower: 1,
        minNumeric: 1,
        minSpecial: 1,
    };
}

/** True when the password holds any of CONNECTOR_FORBIDDEN_CHARACTERS: the one test both password rules use. */
function hasConnectorForbiddenCharacter(password: string): boolean {
    return [...CONNECTOR_FORBIDDEN_CHARACTERS].some((c) => password.includes(c));
}

const CONNECTOR_REJECTS = `contains a character the connector rejects (${[...CONNECTOR_FORBIDDEN_CHARACTERS].join(" ")})`;

/**
 * Why a generated password would fail Entra ID or the connector; empty when it is fine. ServiceUser checks
 * every password @pulumi/random draws with it before the password reaches the user. The reasons never quote
 * the password or any of its characters, so they are safe to print.
 */
export function passwordProblems(password: string, minLength: number = MIN_PASSWORD_LENGTH): string[] {
    const problems: string[] = [];
    if (password.length < minLength) problems.push(`shorter than ${minLength} characters`);
    if (password.length > MAX_PASSWORD_LENGTH) problems.push(`longer than ${MAX_PASSWORD_LENGTH} characters`);
    if (/\s/.test(password)) problems.push("contains whitespace");
    if (hasConnectorForbiddenCharacter(password)) problems.push(CONNECTOR_REJECTS);
    if (/[^\x21-\x7e]/.test(password.replace(/\s/g, ""))) problems.push("contains a non-ASCII character");
    if (!/[A-Z]/.test(password)) problems.push("has no upper-case letter");
    if (!/[a-z]/.test(password)) problems.push("has no lower-case letter");
    if (!/[0-9]/.test(password)) problems.push("has no digit");
    if (!/[^A-Za-z0-9\s]/.test(password)) problems.push("has no symbol");
    return problems;
}

/** Entra ID's symbols for cloud-user passwords, space included (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy). */
export const ENTRA_PASSWORD_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";
export const ENTRA_MIN_PASSWORD_LENGTH = 8;

const CHARACTER_CLASSES: readonly { name: string; test: (c: string) => boolean }[] = [
    { name: "lower-case letter", test: (c) => c >= "a" && c <= "z" },
    { name: "upper-case letter", test: (c) => c >= "A" && c <= "Z" },
    { name: "digit", test: (c) => c >= "0" && c <= "9" },
    { name: "symbol", test: (c) => ENTRA_PASSWORD_SYMBOLS.includes(c) },
];

/**
 * Why a password someone set by hand (the one adoption keeps) would fail Entra ID or the connector; empty when
 * both accept it. Entra ID: 8–256 characters from A–Z, a–z, 0–9 and its symbols, three of the four classes.
 * The connector: none of [ ] < > ? # &, and no leading or trailing whitespace (ROPC refuses it). Each reason
 * names the rule and never quotes the password or any character of it.
 */
export function handMadePasswordProblems(password: string): string[] {
    const problems: string[] = [];
    if (password.length < ENTRA_MIN_PASSWORD_LENGTH) problems.push(`is shorter than ${ENTRA_MIN_PASSWORD_LENGTH} characters (Entra ID needs 8 to 256)`);
    if (password.length > MAX_PASSWORD_LENGTH) problems.push(`is longer than ${MAX_PASSWORD_LENGTH} characters (Entra ID needs 8 to 256)`);
    if (password !== password.trim()) problems.push("starts or ends with whitespace, which the password sign-in (ROPC) refuses");
    if (hasConnectorForbiddenCharacter(password)) problems.push(CONNECTOR_REJECTS);
    if ([...password].some((c) => !CHARACTER_CLASSES.some((k) => k.test(c)))) {
        problems.push("contains a character Entra ID does not allow (only A-Z, a-z, 0-9, space and Entra ID's symbols; no Unicode, no tabs)");
    }
    const missing = CHARACTER_CLASSES.filter((k) => ![...password].some((c) => k.test(c)));
    if (missing.length > 1) {
        problems.push(`uses ${CHARACTER_CLASSES.length - missing.length} of the 4 character classes, Entra ID needs 3: it has no ${missing.map((k) => k.name).join(" and no ")}`);
    }
    return problems;
}
