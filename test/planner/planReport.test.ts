// The offline plan in a reviewer's words (planner/planReport.ts): the steps as `pulumi preview` marks them, and a
// warning for every step that changes a value the connector holds.
import { strict as assert } from "node:assert";
import type { PlanStep } from "../../planner/plan";
import { namesWithin, planReport, stackSection, warningsFor, type StackPlan } from "../../planner/planReport";
import { APPLICATION_PASSWORD, APPLICATION_REGISTRATION, RANDOM_PASSWORD, USER } from "../../planner/tables";

const step = (type: string, name: string, op: PlanStep["op"], changed: string[] = [], replacedBy: string[] = [], refusal?: string): PlanStep =>
    ({ type, name, op, changed, replacedBy, ...(refusal ? { refusal } : {}) });
const headlines = (warnings: string[]) => warnings.map((w) => /^\*\*(.+?)\*\*/.exec(w)?.[1]);
const AT = new Date("2026-11-27T11:00:00Z");

describe("the offline plan's words", () => {
    it("warns that a deleted client secret stops a connector that still uses it", () => {
        const warnings = warningsFor("contoso", [step(APPLICATION_PASSWORD.token, "jtel-presence-secret-a", "delete")], [], false);
        assert.deepEqual(headlines(warnings), ["Client secret slot a will be deleted"]);
    });

    it("warns once that the password changes when the generated one is drawn again, and tells how to hand it over", () => {
        const warnings = warningsFor("contoso", [
            step(RANDOM_PASSWORD.token, "jtel-presence-service-user-password", "replace", ["length"], ["length"]),
            step(USER.token, "jtel-presence-service-user-user", "update", ["password"]),
        ], [], false);
        assert.deepEqual(headlines(warnings), ["The service user's password will change: hand over the new value."]);
        assert.match(warnings[0], /drawn again \(length changes\).*`npm run handoff -- --stack contoso` on a trusted machine/);
    });

    it("warns that a re-created app or service user changes the values the connector holds", () => {
        const warnings = warningsFor("contoso", [
            step(APPLICATION_REGISTRATION.token, "jtel-presence-registration-app", "replace", ["x"], ["x"]),
            step(USER.token, "jtel-presence-service-user-user", "delete"),
        ], [], false);
        assert.deepEqual(headlines(warnings), ["The app registration will be re-created:", "The service user will be deleted:"]);
    });

    it("says nothing about handing over on a first deploy beyond handing over all five values", () => {
        const section = stackSection({
            stack: "contoso", file: "added", secure: [],
            result: { outcome: "planned", steps: [step(APPLICATION_PASSWORD.token, "jtel-presence-secret-b", "create"), step(RANDOM_PASSWORD.token, "p", "create")] },
        });
        assert.deepEqual(section.lines.filter((l) => l.startsWith("- ⚠️")).map((l) => /\*\*(.+?)\*\*/.exec(l)?.[1]), ["First deploy:"]);
    });

    it("marks a step the tenant would refuse and fails the plan", () => {
        const section = stackSection({
            stack: "contoso", file: "edited", secure: [],
            result: { outcome: "planned", steps: [step(USER.token, "u", "replace", ["x"], ["x"], "Another object with the same value for property userPrincipalName already exists.")] },
        });
        assert.equal(section.failed, true);
        assert.equal(section.lines[0], "### contoso: replace 1 (would fail)");
        assert.ok(section.lines.includes("!   would fail: Another object with the same value for property userPrincipalName already exists."));
    });

    it("fails only when the change's side stops, not main's, and says which", () => {
        const head = stackSection({ stack: "c", file: "edited", secure: [], result: { outcome: "failed", side: "head", message: "bad" } });
        const base = stackSection({ stack: "c", file: "edited", secure: [], result: { outcome: "failed", side: "base", message: "bad" } });
        assert.deepEqual([head.failed, base.failed], [true, false]);
        assert.match(head.lines.join("\n"), /with this change's settings, so the `pulumi up` the merge runs would fail/);
        assert.match(base.lines.join("\n"), /with main's settings, so the plan cannot tell what main deployed/);
    });

    it("states what it cannot see, and the program and dependency changes it ran with", () => {
        const { text, failed } = planReport([{ stack: "c", file: "unchanged", secure: [] }], { base: "main (abc)", at: AT, programChanged: true, dependenciesChanged: true });
        assert.equal(failed, false);
        assert.match(text, /It cannot see drift or changes made by hand in a tenant/);
        assert.match(text, /The program differs from main \(abc\)/);
        assert.match(text, /package-lock.json changed: both sides ran with this change's packages/);
        assert.match(planReport([], { base: "main (abc)", at: AT, programChanged: false, dependenciesChanged: false }).text, /^Nothing to plan: /m);
    });
});

describe("the offline plan as one pull request comment, for a fleet of any size", () => {
    const CONTEXT = { base: "main (abc)", at: AT, programChanged: true, dependenciesChanged: false };
    const renamed = (stack: string): StackPlan => ({
        stack, file: "unchanged", secure: [],
        result: { outcome: "planned", steps: [step(APPLICATION_REGISTRATION.token, "jtel-presence-registration-app", "update", ["displayName"])] },
    });
    const quiet = (stack: string): StackPlan => ({ stack, file: "unchanged", secure: [], result: { outcome: "planned", steps: [step(USER.token, "jtel-presence-service-user-user", "same")] } });
    const failing = (stack: string): StackPlan => ({ stack, file: "edited", secure: [], result: { outcome: "failed", side: "head", message: "bad" } });

    it("shows failures first, then changes, then each stack where nothing changes; past 20 of those, one line names them", () => {
        const few = planReport([quiet("a"), renamed("b"), quiet("c"), failing("d")], CONTEXT);
        assert.equal(few.failed, true);
        assert.deepEqual([...few.text.matchAll(/^### (.+)$/gm)].map((m) => m[1]), ["d: the program stops", "b: update 1", "a: no change in the tenant", "c: no change in the tenant"]);
        const calm = Array.from({ length: 21 }, (_, i) => quiet(`calm-${i}`));
        const many = planReport([...calm, renamed("b")], CONTEXT);
        assert.deepEqual([...many.text.matchAll(/^### (.+)$/gm)].map((m) => m[1]), ["b: update 1", "21 stacks where nothing in the tenant changes"]);
        assert.match(many.text, /\n\ncalm-0, calm-1, .*, calm-20\n$/);
        assert.equal(planReport(calm.slice(0, 20), CONTEXT).text.match(/^### calm-\d+: no change in the tenant$/gm)?.length, 20);
    });

    it("stays within GitHub's 65,536-character comment limit for 3,000 changed stacks, naming those left out and keeping a failure", () => {
        const plans = [...Array.from({ length: 2_999 }, (_, i) => renamed(`tenant-${i}`)), failing("broken"), ...Array.from({ length: 3_000 }, (_, i) => quiet(`calm-${i}`))];
        const { text, failed } = planReport(plans, CONTEXT);
        assert.ok(text.length <= 65_536, `${text.length} characters`);
        assert.equal(failed, true);
        assert.match(text, /^### broken/m, "the failing stack is shown first");
        assert.match(text, /^\*\*\d+ more stacks change, left out to stay within GitHub's comment limit:\*\* tenant-\d+, /m);
        assert.match(text, /^### 3000 stacks where nothing in the tenant changes$/m);
        assert.match(text, / and \d+ more\n$/);
    });

    it("names stacks within a budget, saying how many more there are", () => {
        assert.equal(namesWithin(["a", "b", "c"], 100), "a, b, c");
        assert.equal(namesWithin(["alpha", "beta", "gamma"], 20), "alpha and 2 more");
        assert.equal(namesWithin(["a-very-long-stack-name"], 5), "1 stacks");
    });
});

