// Which client secret each of the two slots holds at a given instant. Pure: the program passes the clock in.
//
// Time is cut into periods of R days counted from a fixed epoch. The secret issued for period k ends
// R + O days after the period starts, so it outlives the next rotation boundary by O days: the jtel
// contact has O days to switch to the new secret. Slots alternate: even periods use slot "a", odd "b".
// End dates derive from period boundaries, never from "now", so every run inside a period declares the
// same inputs and Pulumi replaces nothing. The one change inside a period is deliberate: once the previous
// secret has ended it is no longer declared (one delete), because Graph refuses to create a secret whose
// end has passed, which a first deployment late in a period would otherwise ask for (README, Rotation).

const DAY_MS = 24 * 60 * 60 * 1000;

/** Period 0 starts here (midnight UTC, so every boundary is a midnight UTC). Changing it re-keys every stack. */
export const ROTATION_EPOCH = new Date(Date.UTC(2024, 0, 1));

export interface RotationSettings {
    /** R: days between rotations. */
    rotationDays: number;
    /** O: days the previous secret stays valid after a rotation boundary. */
    overlapDays: number;
}

export type Slot = "a" | "b";

export interface SlotSecret {
    slot: Slot;
    /** Period index the secret was issued for. */
    period: number;
    /** The period's start: the earliest instant this secret is issued. */
    periodStart: Date;
    /** When the secret expires: periodStart + R + O days. */
    endDate: Date;
}

export interface RotationPlan {
    /** The newest secret: the one the handoff carries. */
    current: SlotSecret;
    /** The secret issued one period earlier, while it is still valid; undefined once it has expired (or
     * would be expired when created, as on a first deployment late in a period). */
    previous?: SlotSecret;
    /** The next rotation boundary. */
    nextRotationAt: Date;
}

export function periodIndex(now: Date, rotationDays: number): number {
    return Math.floor((now.getTime() - ROTATION_EPOCH.getTime()) / (rotationDays * DAY_MS));
}

export function periodStart(period: number, rotationDays: number): Date {
    return new Date(ROTATION_EPOCH.getTime() + period * rotationDays * DAY_MS);
}

export function slotFor(period: number): Slot {
    return ((period % 2) + 2) % 2 === 0 ? "a" : "b";
}

function secretFor(period: number, s: RotationSettings): SlotSecret {
    const start = periodStart(period, s.rotationDays);
    return {
        slot: slotFor(period),
        period,
        periodStart: start,
        endDate: new Date(start.getTime() + (s.rotationDays + s.overlapDays) * DAY_MS),
    };
}

export function planRotation(now: Date, settings: RotationSettings): RotationPlan {
    const { rotationDays, overlapDays } = settings;
    if (!Number.isInteger(rotationDays) || rotationDays < 1) throw new RangeError(`rotationDays ${rotationDays} must be a whole number of at least 1`);
    if (!Number.isInteger(overlapDays) || overlapDays < 1 || overlapDays > rotationDays) {
        throw new RangeError(`overlapDays ${overlapDays} must be a whole number from 1 to rotationDays (${rotationDays})`);
    }
    if (Number.isNaN(now.getTime())) throw new RangeError("now is not a valid date");
    const k = periodIndex(now, rotationDays);
    const current = secretFor(k, settings);
    const previous = secretFor(k - 1, settings);
    return {
        current,
        previous: previous.endDate.getTime() > now.getTime() ? previous : undefined,
        nextRotationAt: periodStart(k + 1, rotationDays),
    };
}

/**
 * An instant as the azuread provider sends it and Microsoft Graph writes it back: RFC 3339 with whole
 * seconds and `Z`. The provider parses end_date and re-formats it with Go's time.RFC3339, which drops
 * fractions (internal/helpers/credentials/credentials.go:196-201 in terraform-provider-azuread v3.8.0), and
 * its Read stores Graph's endDateTime string (application_password_resource.go:265), e.g.
 * "2299-12-31T00:00:00Z". An input in any other form (toISOString()'s ".000Z") differs from that stored
 * string on every run, and end_date is ForceNew: both secrets would be replaced by every `pulumi up`.
 */
export function providerDateTime(instant: Date): string {
    const ms = instant.getTime();
    if (Number.isNaN(ms)) throw new RangeError("providerDateTime: not a valid date");
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A secret's display name in the portal: says which slot and period it belongs to, never its value. */
export function secretDisplayName(secret: SlotSecret): string {
    return `jtel presence ${secret.slot} ${secret.periodStart.toISOString().slice(0, 10)}`;
}
