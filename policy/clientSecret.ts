// Policy: every client secret has a fixed, bounded end date and no start date in the past.
import * as azuread from "@pulumi/azuread";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const DAY_MS = 24 * 60 * 60 * 1000;
// RFC 3339 date-time, as the azuread provider requires for startDate and endDate.
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** The portal's cap on a client secret's lifetime (24 months); the policy config may only lower it. */
export const DEFAULT_MAX_SECRET_LIFETIME_DAYS = 730;

export interface ClientSecretInputs {
    readonly endDate?: string;
    readonly startDate?: string;
    readonly endDateRelative?: string;
}

export interface ClientSecretRules {
    /** The instant the check runs at. */
    readonly now: Date;
    /** The longest time from now to endDate, in days. */
    readonly maxLifetimeDays: number;
}

/** The policy config this rule reads (`maxSecretLifetimeDays`), with its default applied. */
export function clientSecretRules(config: { maxSecretLifetimeDays?: number }, now: Date): ClientSecretRules {
    return { now, maxLifetimeDays: config.maxSecretLifetimeDays ?? DEFAULT_MAX_SECRET_LIFETIME_DAYS };
}

/** How the azuread provider stores an end date after Create/Read: RFC 3339 in UTC, whole seconds, `Z`
 * (Go's time.RFC3339; terraform-provider-azuread internal/services/applications/application_password_resource.go). */
function storedForm(time: number): string {
    return new Date(Math.floor(time / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function parse(value: string): number | undefined {
    const time = RFC3339.test(value) ? Date.parse(value) : NaN;
    return Number.isNaN(time) ? undefined : time;
}

/** Why this secret would escape rotation or fail on re-creation; empty when it is fine. Never reads the value. */
export function clientSecretViolations(secret: ClientSecretInputs, rules: ClientSecretRules): string[] {
    const violations: string[] = [];
    const now = rules.now.getTime();
    const schedule = "Declare client secrets only through RotatingSecret (components/rotatingSecret.ts), which sets endDate " +
        "from secretRotationDays + secretOverlapDays";
    if (secret.endDate === undefined || secret.endDate === "") {
        violations.push("the client secret has no endDate" +
            `${secret.endDateRelative !== undefined ? ` (only the deprecated endDateRelative ${JSON.stringify(secret.endDateRelative)})` : ""}: ` +
            "its expiry then follows the provider's default or the time of the run, not the rotation schedule, so it can " +
            `expire unannounced or live on after rotation. ${schedule}.`);
    } else {
        const end = parse(secret.endDate);
        if (end === undefined) {
            violations.push(`the client secret's endDate ${JSON.stringify(secret.endDate)} is not an RFC 3339 date-time such as ` +
                `2027-02-14T00:00:00Z, so Entra ID would reject it. ${schedule}.`);
        } else if (secret.endDate !== storedForm(end)) {
            violations.push(`the client secret's endDate ${secret.endDate} is not written as the azuread provider stores it ` +
                `(${storedForm(end)}: UTC, whole seconds, Z). The provider compares the next run's endDate with the stored ` +
                "text, and endDate forces replacement, so this secret would be replaced — and the connector's secret " +
                `deleted — on every pulumi up. ${schedule}.`);
        } else if (end <= now) {
            violations.push(`the client secret's endDate ${secret.endDate} is not in the future: the connector would get ` +
                `AADSTS7000222 (secret expired) right away. ${schedule}; check secretRotationDays and secretOverlapDays.`);
        } else if (end - now > rules.maxLifetimeDays * DAY_MS) {
            const days = Math.ceil((end - now) / DAY_MS);
            violations.push(`the client secret's endDate ${secret.endDate} is ${days} days from now, more than the ` +
                `${rules.maxLifetimeDays} days allowed (policy config maxSecretLifetimeDays): a long-lived secret that ` +
                "leaves the tenant in the handoff stays usable long after it should have rotated, and Entra ID rejects " +
                "it where an app management policy caps lifetimes lower. Lower secretRotationDays + secretOverlapDays " +
                "(they must also fit secretMaxLifetimeDays).");
        }
    }
    if (secret.startDate !== undefined && secret.startDate !== "") {
        const start = parse(secret.startDate);
        if (start === undefined) {
            violations.push(`the client secret's startDate ${JSON.stringify(secret.startDate)} is not an RFC 3339 date-time. ` +
                "Leave startDate unset: the secret is then valid from its creation.");
        } else if (start < now) {
            violations.push(`the client secret's startDate ${secret.startDate} is in the past: Entra ID rejects a past start ` +
                "date when the secret is created again (KeyCredentialsInvalidStartDate), and every input change re-creates " +
                `it, so the next rotation would fail. Leave startDate unset. ${schedule}.`);
        }
    }
    return violations;
}

/** The policy, reading the clock through `now` so tests can fix it. */
export function clientSecretPolicy(now: () => Date): ResourceValidationPolicy {
    return {
        name: "client-secret-bounded-lifetime",
        description: "Client secrets have an RFC 3339 endDate in the form the provider stores (UTC, whole seconds, Z), at most maxSecretLifetimeDays (default 730) days away, and no startDate in the past.",
        enforcementLevel: "mandatory",
        severity: "high",
        configSchema: {
            properties: {
                maxSecretLifetimeDays: {
                    type: "integer",
                    minimum: 1,
                    maximum: DEFAULT_MAX_SECRET_LIFETIME_DAYS,
                    default: DEFAULT_MAX_SECRET_LIFETIME_DAYS,
                    description: "Longest time, in days, from now to a client secret's endDate. At most 730 (the portal's cap); lower it to match a tenant's app management policy.",
                },
            },
        },
        validateResource: validateResourceOfType(azuread.ApplicationPassword, (secret, args, reportViolation) => {
            const rules = clientSecretRules(args.getConfig<{ maxSecretLifetimeDays?: number }>(), now());
            const inputs = { endDate: secret.endDate, startDate: secret.startDate, endDateRelative: secret.endDateRelative };
            for (const message of clientSecretViolations(inputs, rules)) reportViolation(message);
        }),
    };
}
