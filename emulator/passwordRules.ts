// Entra ID's rules for cloud-only user passwords (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy).
import { randomInt } from "node:crypto";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";

/** Why Entra ID would refuse this password, or undefined when it is acceptable. */
export function passwordComplexityProblem(password: string): string | undefined {
    if (password.length < 8 || password.length > 256) {
        return `it has ${password.length} characters; Entra ID needs 8 to 256`;
    }
    const allowed = LOWER + UPPER + DIGITS + SYMBOLS;
    if ([...password].some((c) => !allowed.includes(c))) {
        return "it contains a character outside A-Z, a-z, 0-9 and the symbols Entra ID allows (no Unicode)";
    }
    const classes = [LOWER, UPPER, DIGITS, SYMBOLS].filter((set) => [...password].some((c) => set.includes(c))).length;
    if (classes < 3) {
        return `it uses ${classes} of the 4 character classes (lower case, upper case, digits, symbols); Entra ID needs 3`;
    }
    return undefined;
}

// Leaves out whitespace and the characters the connector rejects ([ ] < > ? # &), so a seeded
// password is always one the real connector could use.
const SEED_SYMBOLS = "@$%^*-_!+={}|:,./~()";

/** A random password that satisfies Entra ID and the connector, for seeded users. */
export function randomSeedPassword(length = 24): string {
    const pick = (set: string): string => set[randomInt(set.length)];
    const all = LOWER + UPPER + DIGITS + SEED_SYMBOLS;
    const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SEED_SYMBOLS)];
    while (chars.length < length) chars.push(pick(all));
    for (let i = chars.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}
