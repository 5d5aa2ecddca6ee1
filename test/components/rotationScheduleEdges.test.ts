// The rotation schedule's bounds at their edges, each named: the last settings it plans (the first refused ones
// are in rotationSchedule.test.ts), and the instant the previous secret stops being declared.
import { strict as assert } from "node:assert";
import { planRotation } from "../../components/rotationSchedule";

const NOW = new Date("2026-11-27T10:00:00Z");

describe("the client-secret rotation schedule at its edges", () => {
    it("plans a period of 1 day with an overlap of 1 day, the shortest settings", () => {
        const plan = planRotation(NOW, { rotationDays: 1, overlapDays: 1 });
        assert.equal(plan.current.endDate.getTime() - plan.current.periodStart.getTime(), 2 * 24 * 3600_000);
    });

    it("plans an overlap equal to the period (30 and 30), the longest overlap two slots allow", () => {
        const plan = planRotation(NOW, { rotationDays: 30, overlapDays: 30 });
        assert.equal(plan.current.endDate.getTime() - plan.current.periodStart.getTime(), 60 * 24 * 3600_000);
        // The previous secret ends exactly when the current period does: the next rotation never deletes one still in use.
        assert.equal(plan.previous?.endDate.getTime(), plan.nextRotationAt.getTime());
    });

    it("refuses an overlap one day longer than the period (31 and 30)", () => {
        assert.throws(() => planRotation(NOW, { rotationDays: 30, overlapDays: 31 }), { name: "RangeError", message: "overlapDays 31 must be a whole number from 1 to rotationDays (30)" });
    });

    it("still declares the previous secret one millisecond before it ends, and no longer at the instant it ends", () => {
        // R 180, O 60 (the defaults): the secret issued on 2025-12-21 ends on 2026-08-18, 60 days past the 2026-06-19 rotation.
        const settings = { rotationDays: 180, overlapDays: 60 };
        const end = Date.parse("2026-08-18T00:00:00Z");
        assert.equal(planRotation(new Date(end - 1), settings).previous?.endDate.getTime(), end);
        assert.equal(planRotation(new Date(end), settings).previous, undefined);
    });
});
