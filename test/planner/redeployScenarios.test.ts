// What each `pulumi up` does to a real tenant, run after run: the real program (index.ts) under mocks that
// keep the stack's state between runs and diff the way the azuread/random/azure-native providers do
// (planner/tables.ts, planner/plan.ts). Each scenario states its expected plan in full: every resource
// not listed must be "same". README's Rotation section shows this table.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { BASE_CONFIG, deployAt, MockTenant } from "../support/tenantMocks";
import { capturingWarnings } from "../support/pulumiHarness";
import { periodStart, planRotation, providerDateTime } from "../../components/rotationSchedule";
import type { PlanStep, StateEntry } from "../../planner/plan";
import { APPLICATION_OWNER, SERVICE_PRINCIPAL } from "../../planner/tables";
import { ADOPT, N, planOf, planText, REGISTRANT, SCENARIOS, type ExpectedPlan, type Scenario } from "./scenarios";

async function runScenario(scenario: Scenario): Promise<{ steps: PlanStep[]; state: StateEntry[]; tenant: MockTenant; warnings: string[] }> {
    const tenant = new MockTenant(scenario.handMade ? { handMadeSetup: ADOPT, handMadeOwners: scenario.handMadeOwners } : {});
    let state: StateEntry[] = [];
    for (const run of scenario.before) state = (await capturingWarnings(() => deployAt(tenant, state, { ...BASE_CONFIG, ...run.config }, new Date(run.at)))).result.state;
    const { result, warnings } = await capturingWarnings(() => deployAt(tenant, state, { ...BASE_CONFIG, ...scenario.run.config }, new Date(scenario.run.at)));
    return { ...result, tenant, warnings };
}

function sorted(plan: ExpectedPlan): ExpectedPlan {
    return Object.fromEntries(Object.entries(plan).map(([op, names]) => [op, [...(names ?? [])].sort()]));
}

describe("what each pulumi up does to a real tenant (provider-faithful plans through index.ts)", function () {
    this.timeout(120_000);

    for (const scenario of SCENARIOS) {
        it(`${scenario.name}: ${JSON.stringify(scenario.plan)}`, async () => {
            const { steps, warnings } = await runScenario(scenario);
            assert.deepEqual(steps.filter((s) => s.refusal).map((s) => `${s.name}: ${s.refusal}`), [], "a step the tenant would refuse");
            assert.deepEqual(planOf(steps), sorted(scenario.plan));
            assert.deepEqual(warnings.map((w) => /does not list: ([^.]*)\./.exec(w)?.[1]), scenario.warnsOf ? [scenario.warnsOf.join(", ")] : [], "warnings");
        });
    }

    it("gives the connector's secret O - d days after a redeploy d days late, and never deletes it early", async () => {
        const late = SCENARIOS.find((s) => s.name === "redeploy 10 days late")!;
        const { state } = await runScenario(late);
        const b = state.find((e) => e.name === N.b)!;
        assert.equal(b.outputs.endDate, "2027-02-14T00:00:00Z");
        assert.equal((Date.parse(String(b.outputs.endDate)) - Date.parse(late.run.at)) / 86_400_000, 60 - 10 - 10 / 24);
    });

    it("keeps both secrets at a boundary when the overlap equals the period, and the connector's one valid O days past it", async () => {
        const settings = { rotationDays: 60, overlapDays: 60 };
        const boundary = planRotation(new Date("2026-12-16T01:00:00Z"), settings).current.periodStart;
        assert.equal(boundary.toISOString(), periodStart(18, 60).toISOString());
        const { state } = await runScenario(SCENARIOS.find((s) => s.name.includes("O = R"))!);
        assert.equal(state.find((e) => e.name === N.b)?.outputs.endDate, providerDateTime(new Date(boundary.getTime() + 60 * 86_400_000)));
    });

    it("removes the enterprise app's owners at `pulumi config rm adopt` unless servicePrincipalOwners lists them, and never the app registration's", async () => {
        const ownersAfter = async (name: string) => {
            const { tenant } = await runScenario(SCENARIOS.find((s) => s.name === name)!);
            return {
                servicePrincipal: tenant.list(SERVICE_PRINCIPAL.token)[0].owners,
                application: tenant.list(APPLICATION_OWNER.token).map((o) => o.ownerObjectId).sort(),
            };
        };
        const app = [ADOPT.serviceUserObjectId, REGISTRANT].sort();
        assert.deepEqual(await ownersAfter("adopt a hand-made setup whose enterprise app has an owner"), { servicePrincipal: [REGISTRANT], application: app });
        assert.deepEqual(await ownersAfter("then `pulumi config rm adopt`, the owner not in servicePrincipalOwners"), { servicePrincipal: [], application: app });
        assert.deepEqual(await ownersAfter("then `pulumi config rm adopt`, the owner in servicePrincipalOwners"), { servicePrincipal: [REGISTRANT], application: app });
    });

    it("plans no operation at all for any two redeploys inside one period, on the same side of the previous secret's end", async () => {
        await fc.assert(fc.asyncProperty(
            fc.integer({ min: 2, max: 120 }).chain((R) => fc.record({ R: fc.constant(R), O: fc.integer({ min: 1, max: R }), k: fc.integer({ min: 10, max: 40 }), f1: fc.double({ min: 0, max: 1, noNaN: true }), f2: fc.double({ min: 0, max: 1, noNaN: true }) })),
            async ({ R, O, k, f1, f2 }) => {
                const DAY = 86_400_000;
                const start = periodStart(k, R).getTime();
                const cleanup = start + O * DAY;
                // Both instants on the same side of the moment the previous secret ends.
                const [lo, hi] = f1 < 0.5 ? [start, Math.min(cleanup, start + R * DAY)] : [Math.min(cleanup, start + R * DAY), start + R * DAY];
                if (hi - lo < 2) return;
                const [t1, t2] = [f1, f2].map((f) => lo + Math.floor(((f * 2) % 1) * (hi - lo - 1))).sort((a, b) => a - b);
                const config = { ...BASE_CONFIG, secretRotationDays: String(R), secretOverlapDays: String(O) };
                const tenant = new MockTenant();
                const first = await deployAt(tenant, [], config, new Date(t1));
                const second = await deployAt(tenant, first.state, config, new Date(t2));
                assert.deepEqual(planOf(second.steps), {}, `R=${R} O=${O} ${new Date(t1).toISOString()} -> ${new Date(t2).toISOString()}`);
            }), { numRuns: 12 });
    });
});

describe("docs/rotation.md's table of redeploys", () => {
    const rotation = readFileSync(join(__dirname, "..", "..", "docs", "rotation.md"), "utf8");
    const section = rotation.split("\n## Every redeploy, planned\n")[1]?.split("\n## ")[0] ?? "";

    it("shows every scenario of this table with its plan", () => {
        for (const scenario of SCENARIOS) {
            const row = section.split("\n").find((l) => l.startsWith(`| ${scenario.name} |`));
            assert.ok(row, `docs/rotation.md's table has no row for "${scenario.name}"`);
            const plan = planText(scenario.plan);
            assert.ok(row.includes(`| ${plan} |`), `docs/rotation.md's row for "${scenario.name}" should show "${plan}": ${row}`);
        }
    });
});
