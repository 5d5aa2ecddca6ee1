// The rotation planner over five years of hourly runs. It runs on every `pulumi up` and thousands of
// times inside the rotation property tests, so it must stay far cheaper than anything around it.
import { planRotation, type RotationSettings } from "../components/rotationSchedule";
import { check, measured, stats, timeEach, type Benchmark } from "./harness";

const HOUR_MS = 60 * 60 * 1000;
/** Five 365-day years of hourly runs. */
export const PLANNER_CALLS = 5 * 365 * 24;
/** Slowest pass of PLANNER_CALLS calls; see bench/README.md for why 1 s. */
export const PLANNER_PASS_TARGET_MS = 1_000;
// The stack's defaults (Pulumi.yaml): rotate every 180 days, keep the previous secret for 60.
const SETTINGS: RotationSettings = { rotationDays: 180, overlapDays: 60 };
const START_MS = Date.UTC(2026, 0, 1);

export const rotationPlanner: Benchmark = {
    name: `planRotation: ${PLANNER_CALLS} hourly calls`,
    run: (options) =>
        measured(`planRotation: ${PLANNER_CALLS} hourly calls`, async () => {
            const passes = options.quick ? 3 : 10;
            options.log(`planRotation: ${passes} passes of ${PLANNER_CALLS} calls`);
            // Counting live previous secrets keeps the plans observable so no call can be optimised away.
            let withPrevious = 0;
            // No warm-up: the first, cold pass is what a single `pulumi up` pays, and it counts.
            const samples = await timeEach(passes, () => {
                for (let i = 0; i < PLANNER_CALLS; i++) {
                    if (planRotation(new Date(START_MS + i * HOUR_MS), SETTINGS).previous) withPrevious++;
                }
            });
            if (withPrevious === 0) throw new Error("planRotation never reported a previous secret over five years; the benchmark is not exercising the planner");
            return { samples, checks: [check("max ms", stats(samples).maxMs, "<", PLANNER_PASS_TARGET_MS)] };
        }),
};
