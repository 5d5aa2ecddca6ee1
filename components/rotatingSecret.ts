import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { planRotation, providerDateTime, RotationSettings, secretDisplayName, Slot, SlotSecret } from "./rotationSchedule";

export interface RotatingSecretArgs {
    /** Resource ID `/applications/{objectId}` of the app registration the secrets belong to. */
    readonly applicationId: pulumi.Input<string>;
    /** R: days between rotations. */
    readonly rotationDays: number;
    /** O: days the previous secret stays valid after a rotation boundary. */
    readonly overlapDays: number;
    /** The instant the program runs at; the schedule depends on nothing else. */
    readonly now: Date;
}

/**
 * Two client-secret slots on alternating schedules (see rotationSchedule.ts). At each rotation boundary the
 * older slot is replaced by a new secret while the other keeps working for the overlap, so the jtel contact
 * can switch without downtime. startDate is left unset: a past start date is rejected on re-creation.
 */
export class RotatingSecret extends pulumi.ComponentResource {
    /** The newest secret's value (secret): the handoff's "Secret Value". */
    readonly value: pulumi.Output<string>;
    /** The newest secret's key ID (not its value). */
    readonly keyId: pulumi.Output<string>;
    /**
     * When the newest secret was created: its start date as the provider read it back from Graph (startDateTime,
     * which defaults to the creation time since the program sends none), or null when the provider gave none.
     */
    readonly createdAt: pulumi.Output<string | null>;
    /** The previous secret's key ID, or null when it is gone: the credential activity report names secrets by key ID. */
    readonly previousKeyId: pulumi.Output<string | null>;
    /** The newest secret's slot, "a" or "b". */
    readonly slot: pulumi.Output<Slot>;
    /** When the newest secret expires (RFC 3339, whole seconds, `Z`: exactly the secret's end date). */
    readonly expiresAt: pulumi.Output<string>;
    /** When the previous secret expires (ISO 8601), or null when it is gone. */
    readonly previousExpiresAt: pulumi.Output<string | null>;
    /** The next rotation boundary (ISO 8601): the first redeploy after it issues a new secret. */
    readonly nextRotationAt: pulumi.Output<string>;

    constructor(name: string, args: RotatingSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jtel:presence:RotatingSecret", name, {}, opts);

        const settings: RotationSettings = { rotationDays: args.rotationDays, overlapDays: args.overlapDays };
        const plan = planRotation(args.now, settings);
        const declare = (secret: SlotSecret) => new azuread.ApplicationPassword(`${name}-${secret.slot}`, {
            applicationId: args.applicationId,
            displayName: secretDisplayName(secret),
            // The form the provider stores, so the next run compares equal (see providerDateTime).
            endDate: providerDateTime(secret.endDate),
        }, { parent: this });

        const current = declare(plan.current);
        const previous = plan.previous ? declare(plan.previous) : undefined;

        this.value = pulumi.secret(current.value);
        this.keyId = current.keyId;
        this.createdAt = current.startDate.apply((startDate) => startDate || null);
        this.previousKeyId = previous ? previous.keyId : pulumi.output(null);
        this.slot = pulumi.output(plan.current.slot);
        this.expiresAt = pulumi.output(providerDateTime(plan.current.endDate));
        this.previousExpiresAt = pulumi.output(plan.previous ? providerDateTime(plan.previous.endDate) : null);
        this.nextRotationAt = pulumi.output(providerDateTime(plan.nextRotationAt));
        this.registerOutputs({
            value: this.value,
            keyId: this.keyId,
            createdAt: this.createdAt,
            previousKeyId: this.previousKeyId,
            slot: this.slot,
            expiresAt: this.expiresAt,
            previousExpiresAt: this.previousExpiresAt,
            nextRotationAt: this.nextRotationAt,
        });
    }
}
