import { strict as assert } from "node:assert";
import fc from "fast-check";
import { periodIndex, periodStart, planRotation, providerDateTime, ROTATION_EPOCH, secretDisplayName, slotFor, SlotSecret } from "../../components/rotationSchedule";

const DAY = 24 * 60 * 60 * 1000;
const FIVE_YEARS = 5 * 365 * DAY;

interface LiveSecret { slot: string; displayName: string; endDate: number; createdAt: number; serial: number }

/** Carries out the plan the way Pulumi would: a slot whose inputs change is replaced, an undeclared one is deleted. */
function simulate(start: number, gaps: number[], R: number, O: number) {
    const slots = new Map<string, LiveSecret>();
    let serial = 0;
    const events: { at: number; handoff: LiveSecret; before?: LiveSecret; slotsAfter: Map<string, LiveSecret>; rotated: boolean; boundary: number }[] = [];
    let t = start;
    let handoff: LiveSecret | undefined;
    for (const gap of [0, ...gaps]) {
        t += gap;
        const plan = planRotation(new Date(t), { rotationDays: R, overlapDays: O });
        const declared = [plan.current, plan.previous].filter((s): s is SlotSecret => s !== undefined);
        for (const slot of ["a", "b"]) {
            const want = declared.find((s) => s.slot === slot);
            const have = slots.get(slot);
            if (!want) { slots.delete(slot); continue; }
            const inputs = { displayName: secretDisplayName(want), endDate: want.endDate.getTime() };
            if (!have || have.displayName !== inputs.displayName || have.endDate !== inputs.endDate) {
                slots.set(slot, { slot, ...inputs, createdAt: t, serial: serial++ });
            }
        }
        const before = handoff;
        handoff = slots.get(plan.current.slot)!;
        events.push({ at: t, handoff, before, slotsAfter: new Map(slots), rotated: before !== undefined && before.serial !== handoff.serial, boundary: plan.current.periodStart.getTime() });
    }
    return events;
}

const settingsArb = fc.integer({ min: 2, max: 365 }).chain((R) => fc.record({ R: fc.constant(R), O: fc.integer({ min: 1, max: R }) }));
const startArb = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2031, 0, 1) });

/** Redeploy gaps covering five years: daily with jitter, irregular, and with missed runs, never longer than O days. */
function gapsArb(O: number) {
    const maxGap = O * DAY;
    const daily = fc.integer({ min: DAY - 3 * 3600_000, max: DAY + 3 * 3600_000 }).map((g) => Math.min(g, maxGap));
    const irregular = fc.integer({ min: 60_000, max: maxGap });
    const missed = fc.integer({ min: 1, max: O }).map((days) => days * DAY);
    return fc.array(fc.oneof(daily, irregular, missed), { minLength: 1, maxLength: 400 })
        .map((gaps) => {
            // Stretch or cut the list so it spans five simulated years.
            const out: number[] = [];
            let total = 0;
            for (let i = 0; total < FIVE_YEARS; i = (i + 1) % gaps.length) { out.push(gaps[i]); total += gaps[i]; }
            return out;
        });
}

describe("the client-secret rotation schedule", function () {
    this.timeout(120_000);

    it("counts periods from a fixed midnight-UTC epoch, alternating slots a and b", () => {
        assert.equal(ROTATION_EPOCH.toISOString(), "2024-01-01T00:00:00.000Z");
        assert.equal(periodStart(5, 180).toISOString(), "2026-06-19T00:00:00.000Z");
        assert.equal(periodIndex(new Date("2026-06-18T23:59:59Z"), 180), 4);
        assert.equal(periodIndex(new Date("2026-06-19T00:00:00Z"), 180), 5);
        assert.deepEqual([0, 1, 2, 3, -1].map(slotFor), ["a", "b", "a", "b", "b"]);
    });

    it("gives the newest secret R+O days from its period start and the previous one O days past the boundary", () => {
        const plan = planRotation(new Date("2026-06-20T08:00:00Z"), { rotationDays: 180, overlapDays: 60 });
        assert.deepEqual(plan.current.slot, "b");
        assert.equal(plan.current.endDate.toISOString(), "2027-02-14T00:00:00.000Z");
        assert.equal(plan.previous?.slot, "a");
        assert.equal(plan.previous?.endDate.toISOString(), "2026-08-18T00:00:00.000Z");
        assert.equal(plan.nextRotationAt.toISOString(), "2026-12-16T00:00:00.000Z");
        assert.equal(secretDisplayName(plan.current), "jtel presence b 2026-06-19");
    });

    it("stops declaring the previous secret once it has expired, so no secret is ever created already expired", () => {
        const plan = planRotation(new Date("2026-08-18T00:00:00Z"), { rotationDays: 180, overlapDays: 60 });
        assert.equal(plan.previous, undefined);
        fc.assert(fc.property(settingsArb, startArb, ({ R, O }, now) => {
            const p = planRotation(new Date(now), { rotationDays: R, overlapDays: O });
            assert.ok(p.current.endDate.getTime() > now);
            if (p.previous) assert.ok(p.previous.endDate.getTime() > now);
        }));
    });

    it("rejects an overlap longer than the rotation period and non-whole days", () => {
        assert.throws(() => planRotation(new Date(), { rotationDays: 30, overlapDays: 31 }), /overlapDays 31 must be a whole number from 1 to rotationDays \(30\)/);
        assert.throws(() => planRotation(new Date(), { rotationDays: 0, overlapDays: 1 }), /rotationDays 0/);
        assert.throws(() => planRotation(new Date(), { rotationDays: 30, overlapDays: 1.5 }), /overlapDays 1.5/);
        assert.throws(() => planRotation(new Date("nonsense"), { rotationDays: 30, overlapDays: 1 }), /not a valid date/);
    });

    it("rejects an overlap of zero days: the connector would have no time to take the new secret", () => {
        assert.throws(() => planRotation(new Date(), { rotationDays: 30, overlapDays: 0 }),
            { name: "RangeError", message: "overlapDays 0 must be a whole number from 1 to rotationDays (30)" });
    });

    it("refuses to write an invalid date as a secret's end date, saying so", () => {
        assert.throws(() => providerDateTime(new Date("nonsense")), { name: "RangeError", message: "providerDateTime: not a valid date" });
    });

    it("declares identical inputs for every run inside one period (the previous secret only drops out once expired)", () => {
        fc.assert(fc.property(settingsArb, startArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), ({ R, O }, now, f1, f2) => {
            const k = periodIndex(new Date(now), R);
            const at = (f: number) => new Date(periodStart(k, R).getTime() + Math.floor(f * (R * DAY - 1)));
            const [p1, p2] = [planRotation(at(f1), { rotationDays: R, overlapDays: O }), planRotation(at(f2), { rotationDays: R, overlapDays: O })];
            assert.deepEqual(p1.current, p2.current);
            assert.deepEqual(p1.nextRotationAt, p2.nextRotationAt);
            if (p1.previous && p2.previous) assert.deepEqual(p1.previous, p2.previous);
        }), { numRuns: 2000 });
    });

    it("over five simulated years of daily, irregular and missed redeploys, a valid handed-off secret exists at every instant", () => {
        fc.assert(fc.property(settingsArb.chain((s) => fc.tuple(fc.constant(s), startArb, gapsArb(s.O))), ([{ R, O }, start, gaps]) => {
            const events = simulate(start, gaps, R, O);
            for (let i = 0; i < events.length; i++) {
                const e = events[i];
                // The handoff just given out is live and has at least O days left: the contact has time to act.
                assert.equal(e.slotsAfter.get(e.handoff.slot)?.serial, e.handoff.serial);
                assert.ok(e.handoff.endDate - e.at >= O * DAY, "newest secret has fewer than O days left");
                // Until the next redeploy, the handed-off secret stays valid and in place.
                const next = events[i + 1];
                if (next) {
                    assert.ok(e.handoff.endDate >= next.at, `handed-off secret expired ${(next.at - e.handoff.endDate) / DAY} days before the next redeploy`);
                }
            }
        }), { numRuns: 60 });
    });

    it("keeps the previous secret after each rotation until O days past the rotation boundary", () => {
        fc.assert(fc.property(settingsArb.chain((s) => fc.tuple(fc.constant(s), startArb, gapsArb(s.O))), ([{ R, O }, start, gaps]) => {
            for (const e of simulate(start, gaps, R, O).filter((x) => x.rotated)) {
                const before = e.before!;
                if (before.endDate <= e.at) continue; // expired before this late redeploy: nothing left to keep
                assert.equal(e.slotsAfter.get(before.slot)?.serial, before.serial, "rotation deleted the secret the contact still uses");
                assert.ok(before.endDate >= e.boundary + O * DAY, "previous secret ends before boundary + O");
                // On time (at the boundary) that is the full O days; a redeploy d days late leaves O - d.
                assert.ok(before.endDate - e.at >= O * DAY - (e.at - e.boundary));
            }
        }), { numRuns: 60 });
    });

    it("never creates a secret that lives longer than R+O days", () => {
        fc.assert(fc.property(settingsArb.chain((s) => fc.tuple(fc.constant(s), startArb, gapsArb(s.O))), ([{ R, O }, start, gaps]) => {
            for (const e of simulate(start, gaps, R, O)) {
                for (const s of e.slotsAfter.values()) assert.ok(s.endDate - s.createdAt <= (R + O) * DAY && s.endDate > s.createdAt);
            }
        }), { numRuns: 40 });
    });

    it("rotates correctly on a redeploy that comes after a whole missed period", () => {
        const R = 30, O = 10;
        const events = simulate(Date.UTC(2026, 0, 2), [75 * DAY], R, O);
        const last = events[1];
        assert.equal(last.handoff.endDate, periodStart(periodIndex(new Date(last.at), R), R).getTime() + (R + O) * DAY);
        assert.ok(last.rotated);
        assert.ok(last.handoff.endDate - last.at >= O * DAY);
    });
});
