// Policy: generated passwords are long enough and never contain a character the connector rejects.
import * as random from "@pulumi/random";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The shortest generated password allowed (the stack's passwordLength minimum). */
export const MIN_GENERATED_PASSWORD_LENGTH = 16;
/** Characters the jtel connector cannot take in a password (the manual guide's list). */
export const CONNECTOR_FORBIDDEN_CHARACTERS = "[]<>?#&";
/** @pulumi/random's symbols when special is on and overrideSpecial is unset (its documentation). */
export const RANDOM_DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export interface PasswordGeneratorInputs {
    readonly length?: number;
    readonly special?: boolean;
    readonly overrideSpecial?: string;
}

function forbiddenIn(alphabet: string): string[] {
    return [...new Set([...alphabet].filter((c) => CONNECTOR_FORBIDDEN_CHARACTERS.includes(c) || /\s/.test(c)))];
}

/** Why passwords drawn with these settings could break the connector; empty when they are fine. The
 * settings are an alphabet, not a password, so naming characters is safe. */
export function passwordGeneratorViolations(generator: PasswordGeneratorInputs): string[] {
    const violations: string[] = [];
    if (generator.length === undefined || !(generator.length >= MIN_GENERATED_PASSWORD_LENGTH)) {
        violations.push(`the generated password's length ${generator.length ?? "(unset)"} is below ${MIN_GENERATED_PASSWORD_LENGTH}: ` +
            "the service user signs in with a password alone (no MFA), so its length is its only strength. " +
            `Set passwordLength to ${MIN_GENERATED_PASSWORD_LENGTH} or more (default 32).`);
    }
    const usesDefault = generator.special !== false && (generator.overrideSpecial === undefined || generator.overrideSpecial === "");
    const alphabet = usesDefault ? RANDOM_DEFAULT_SPECIAL : generator.overrideSpecial ?? "";
    const bad = forbiddenIn(alphabet);
    if (bad.length > 0) {
        violations.push(`the generated password's symbols ${usesDefault ? "(@pulumi/random's default set, as overrideSpecial is unset) " : ""}` +
            `include ${bad.map((c) => JSON.stringify(c)).join(", ")}: the connector rejects [ ] < > ? # & in a password ` +
            "and ROPC rejects surrounding whitespace, so a password drawn with them can break sign-in at random. " +
            "Draw symbols from PASSWORD_SYMBOLS (components/passwordPolicy.ts) via overrideSpecial.");
    }
    return violations;
}

export const passwordGeneratorPolicy: ResourceValidationPolicy = {
    name: "service-user-password-connector-safe",
    description: "Generated passwords have at least 16 characters and no [ ] < > ? # & or whitespace among their symbols.",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateResource: validateResourceOfType(random.RandomPassword, (generator, _args, reportViolation) => {
        const inputs = { length: generator.length, special: generator.special, overrideSpecial: generator.overrideSpecial };
        for (const message of passwordGeneratorViolations(inputs)) reportViolation(message);
    }),
};
