// The offline plan in words a reviewer acts on: one section per stack with the steps `pulumi preview` would show
// (Markdown, posted as the pull request's comment), and a warning for every step that changes a handoff value
// the connector holds: a client secret, the service user's password or sign-in name, the client ID.
// Pure: offlinePlan.ts computes the steps, cli/plan.ts reads the files.
import type { OfflinePlanResult } from "./offlinePlan";
import { summarize, type PlanStep } from "./plan";
import { APPLICATION_PASSWORD, APPLICATION_REGISTRATION, RANDOM_PASSWORD, semanticsOf, USER } from "./tables";

/** How the stack's settings file differs between main and the change. */
export type FileChange = "added" | "removed" | "edited" | "unchanged";

/** A `secure:` setting whose ciphertext differs (the plan cannot decrypt either side). */
export interface SecureChange {
    /** The key without the project's namespace, e.g. existingUserPassword. */
    readonly key: string;
    readonly change: "added" | "removed" | "changed" | "unchanged";
}

export interface StackPlan {
    readonly stack: string;
    readonly file: FileChange;
    /** Absent when nothing was run (a removed or unchanged file). */
    readonly result?: OfflinePlanResult;
    readonly secure: readonly SecureChange[];
    /** Main's settings adopt a hand-made setup and the change's no longer do (`pulumi config rm adopt`). */
    readonly adoptionEnds?: boolean;
}

export interface PlanReportContext {
    /** What main's side is, as the reader knows it (a branch, a commit). */
    readonly base: string;
    readonly at: Date;
    /** The program differs between main and the change, so main's side ran main's program. */
    readonly programChanged: boolean;
    /** package-lock.json differs: both sides ran with the change's packages. */
    readonly dependenciesChanged: boolean;
}

const SYMBOL: Record<string, string> = { create: "+ create ", import: "= import ", update: "~ update ", replace: "+-replace", delete: "- delete " };

export const CANNOT_SEE = "It cannot see drift or changes made by hand in a tenant, what main really deployed and when (it assumes main's " +
    "settings were deployed at this same instant, so rotations due by the clock do not show), whether the object IDs servicePrincipalOwners lists " +
    "are users or service principals of the tenant (it assumes they are; `pulumi up` looks each one up before it creates anything), or the values of `secure:` settings. " +
    "The real `pulumi preview` runs on main right before each `pulumi up`, with the tenant's identities, and is kept in that run's summary.";

function slotOf(step: PlanStep): string {
    return /-secret-([a-z])$/.exec(step.name)?.[1] ?? step.name;
}

/** "slot a", "slots a and b". */
function slots(steps: readonly PlanStep[]): string {
    const names = steps.map(slotOf);
    return names.length === 1 ? `slot ${names[0]}` : `slots ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "endDate changes", "displayName and endDate change". */
function changes(properties: readonly string[]): string {
    const unique = [...new Set(properties)];
    const list = unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(", ")} and ${unique[unique.length - 1]}`;
    return `${list} ${unique.length === 1 ? "changes" : "change"}`;
}

function stepLines(step: PlanStep): string[] {
    const kind = semanticsOf(step.type).kind;
    let detail = "";
    if (step.op === "replace") detail = `: ${step.replacedBy.join(", ")} ${step.replacedBy.length === 1 ? "forces" : "force"} the replacement`;
    else if (step.op === "update") detail = `: ${step.changed.join(", ")}`;
    const line = `${SYMBOL[step.op]} ${step.name} (${kind})${detail}`;
    return step.refusal ? [line, `!   would fail: ${step.refusal}`] : [line];
}

/** The reviewer's warnings for these steps, each a sentence that says what changes and what to do. */
export function warningsFor(stack: string, steps: readonly PlanStep[], secure: readonly SecureChange[], firstDeploy: boolean): string[] {
    const handoff = `\`npm run handoff -- --stack ${stack}\` on a trusted machine, or the Key Vault when handoffKeyVault is set`;
    const out: string[] = [];
    const secrets = firstDeploy ? [] : steps.filter((s) => s.type === APPLICATION_PASSWORD.token);
    const replaced = secrets.filter((s) => s.op === "replace");
    const created = secrets.filter((s) => s.op === "create");
    const deleted = secrets.filter((s) => s.op === "delete");
    if (replaced.length + created.length > 0) {
        const what = [
            replaced.length > 0 ? `client secret ${slots(replaced)} ${replaced.length === 1 ? "is" : "are"} replaced (${changes(replaced.flatMap((s) => s.replacedBy))}), ` +
                `and the old ${replaced.length === 1 ? "value is" : "values are"} deleted at the end of the \`pulumi up\` the merge runs: a connector still using ${replaced.length === 1 ? "it" : "one"} cannot sign in until it has the new Secret Value` : "",
            created.length > 0 ? `a new client secret is issued in ${slots(created)}, and the handoff carries it from that \`pulumi up\` on` : "",
        ].filter(Boolean).join("; ");
        out.push(`**The connector's secret will change: hand over the new value.** ${what[0].toUpperCase()}${what.slice(1)} (${handoff}).`);
    }
    if (deleted.length > 0) {
        out.push(`**Client secret ${slots(deleted)} will be deleted** at the end of the next \`pulumi up\`: if the connector still uses ${deleted.length === 1 ? "it" : "one of them"}, it stops signing in.`);
    }
    const password = passwordWarning(steps, secure, handoff);
    if (password && !firstDeploy) out.push(password);
    for (const step of steps) {
        if (step.type === USER.token && step.op === "update" && step.changed.includes("userPrincipalName")) {
            out.push(`**The service user's sign-in name changes: hand over the new User email** (${handoff}); until the connector has it, its sign-in fails.`);
        }
        if (step.type === USER.token && (step.op === "replace" || step.op === "delete")) {
            out.push(`**The service user will be ${step.op === "delete" ? "deleted" : "re-created"}:** the connector cannot sign in with its user email and password${step.op === "replace" ? " until it has the new values" : ""}.`);
        }
        if (step.type === APPLICATION_REGISTRATION.token && (step.op === "replace" || step.op === "delete")) {
            out.push(`**The app registration will be ${step.op === "delete" ? "deleted" : "re-created"}:** the Application (client) ID and the client secret change, so the connector cannot sign in until it has the new values.`);
        }
    }
    for (const s of secure) {
        if (s.key !== "existingUserPassword" && (s.change === "changed" || s.change === "added")) {
            out.push(`**${s.key}'s ciphertext ${s.change === "added" ? "is new" : "changed"}:** the plan cannot decrypt it, so it ran with a stand-in; check its effect in the real preview on main.`);
        }
    }
    return out;
}

/** One warning about the service user's password, or none: what changes it, and whether there is anything to hand over. */
function passwordWarning(steps: readonly PlanStep[], secure: readonly SecureChange[], handoff: string): string | undefined {
    const kept = secure.find((s) => s.key === "existingUserPassword")?.change;
    const generated = steps.find((s) => s.type === RANDOM_PASSWORD.token && (s.op === "replace" || s.op === "delete"));
    const setAgain = steps.some((s) => s.type === USER.token && s.op === "update" && s.changed.includes("password"));
    switch (kept) {
        case "added":
            return "**The service user's password will change to existingUserPassword: the connector needs exactly that password.** The `pulumi up` sets it on the service user " +
                "(the plan cannot decrypt it) and no longer uses the generated one.";
        case "removed":
            return `**existingUserPassword is removed: the service user's password will change: hand over the new value.** The program draws a password and the \`pulumi up\` sets it (${handoff}).`;
        case "changed":
            return "**existingUserPassword's ciphertext changed.** The plan cannot decrypt it (encrypting the same password again also gives a new ciphertext), so it assumes a new value: " +
                "the `pulumi up` sets the service user's password to it. If the password is new, the connector's password will change: hand over the new value.";
        case "unchanged":
            return setAgain
                ? "**The service user's password will be set again**, to existingUserPassword, whose ciphertext did not change: the same password, so the connector keeps signing in and there is nothing to hand over."
                : undefined;
    }
    if (generated) {
        return `**The service user's password will change: hand over the new value.** The generated password is ${generated.op === "replace" ? `drawn again (${changes(generated.replacedBy)})` : "no longer used"}; ` +
            `the \`pulumi up\` sets the new one on the service user, and the connector cannot sign in until it has it (${handoff}).`;
    }
    return setAgain ? `**The service user's password will be set again: hand over the new value** if it changed (${handoff}).` : undefined;
}

function heading(plan: StackPlan): string {
    const result = plan.result;
    if (plan.file === "removed") return `### ${plan.stack}: settings file removed`;
    if (!result) return `### ${plan.stack}: no change`;
    if (result.outcome === "failed") return `### ${plan.stack}: the program stops`;
    const summary = summarize(result.steps.filter((s) => s.op !== "same"));
    const refused = result.steps.some((s) => s.refusal) ? " (would fail)" : "";
    return `### ${plan.stack}${plan.file === "added" ? " (first deploy)" : ""}: ${summary || "no change in the tenant"}${refused}`;
}

/** One stack's section; `failed` when the up the merge runs would fail. */
export function stackSection(plan: StackPlan): { lines: string[]; failed: boolean; quiet?: boolean } {
    const lines = [heading(plan), ""];
    const result = plan.result;
    if (plan.file === "removed") {
        lines.push(`Pulumi.${plan.stack}.yaml is removed: the pipeline stops managing this stack and destroys nothing; the tenant keeps the app, the service user and its secrets. ` +
            "Offboard it by hand (docs/gitops.md, Offboarding).");
        return { lines, failed: false };
    }
    if (!result) {
        lines.push(`Pulumi.${plan.stack}.yaml and the program are the same as on main: nothing to plan.`);
        return { lines, failed: false, quiet: true };
    }
    if (result.outcome === "failed") {
        const side = result.side === "base" ? "with main's settings, so the plan cannot tell what main deployed" : "with this change's settings, so the `pulumi up` the merge runs would fail";
        lines.push(`The program stops ${side}:`, "", "```", result.message, "```");
        return { lines, failed: result.side === "head" };
    }
    const changes = result.steps.filter((s) => s.op !== "same");
    if (changes.length === 0) {
        lines.push("Nothing in the tenant changes: every resource stays as it is.");
    } else {
        lines.push("```diff", ...changes.flatMap(stepLines), "```");
    }
    const warnings = warningsFor(plan.stack, result.steps, plan.secure, plan.file === "added");
    if (plan.adoptionEnds) {
        // The model cannot read the tenant's owners; ServicePrincipal keeps exactly the declared ones
        // (planner/tables.ts, owners), so every owner the adopt run named in its warning goes now.
        warnings.push("**`adopt` is removed: the enterprise application (service principal) keeps only the owners servicePrincipalOwners lists.** " +
            "The plan cannot see the tenant's owners; the adopting `pulumi up` named each one it would remove. List those that must stay in servicePrincipalOwners first (docs/migration.md).");
    }
    if (plan.file === "added") warnings.unshift(`**First deploy:** after the \`pulumi up\` the merge runs, hand over the five values (\`npm run handoff -- --stack ${plan.stack}\` on a trusted machine, or the Key Vault when handoffKeyVault is set).`);
    if (warnings.length > 0) lines.push("", ...warnings.map((w) => `- ⚠️ ${w}`));
    return { lines, failed: result.steps.some((s) => s.refusal !== undefined), quiet: changes.length === 0 && warnings.length === 0 };
}

/** GitHub refuses an issue or pull request comment body longer than 65,536 characters; this leaves room for the
 * pointer line and the quiet stacks' names. */
const COMMENT_LIMIT = 60_000;
/** Up to this many stacks where nothing changes get a section each; more share one line. */
const QUIET_SECTIONS = 20;
/** Room kept for the line that names the stacks left out. */
const POINTER_ROOM = 5_000;

/** Stack names, comma-separated, within `limit` characters: "a, b, c and 12 more". */
export function namesWithin(names: readonly string[], limit: number): string {
    let text = "";
    for (let i = 0; i < names.length; i++) {
        const next = text === "" ? names[i] : `${text}, ${names[i]}`;
        const rest = names.length - i - 1;
        if (next.length + (rest > 0 ? ` and ${rest} more`.length : 0) > limit) return text === "" ? `${names.length} stacks` : `${text} and ${names.length - i} more`;
        text = next;
    }
    return text;
}

/** The whole report: what it is and cannot see, then a section per stack, or that there is nothing to plan. */
export function planReport(plans: readonly StackPlan[], context: PlanReportContext): { text: string; failed: boolean } {
    const lines = ["## Offline plan", ""];
    if (plans.length === 0) {
        lines.push(`Nothing to plan: this change adds, edits or removes no \`Pulumi.<stack>.yaml\` and does not change the program (compared with ${context.base}).`);
        return { text: `${lines.join("\n")}\n`, failed: false };
    }
    lines.push(`_\`npm run plan\`, without credentials, state or network: the real program against a model of each tenant, once with the settings at ${context.base} ` +
        `and once with this change's, both at ${context.at.toISOString()}. ${CANNOT_SEE}_`);
    if (context.programChanged) lines.push("", `The program differs from ${context.base}: main's side ran the program as it is there, this side this change's, so every stack is planned.`);
    if (context.dependenciesChanged) {
        lines.push("", "package-lock.json changed: both sides ran with this change's packages, so a provider upgrade's own diff rules are not in this plan (planner/tables.ts follows the locked providers).");
    }
    // Failures first, then changes; past QUIET_SECTIONS, stacks where nothing changes share one line, so a program
    // change planned over a large fleet still fits one pull request comment.
    const sections = plans.map((plan) => ({ plan, ...stackSection(plan) }));
    const failed = sections.some((s) => s.failed);
    const calm = sections.filter((s) => !s.failed && s.quiet);
    const collapse = calm.length > QUIET_SECTIONS;
    const loud = [...sections.filter((s) => s.failed), ...sections.filter((s) => !s.failed && !s.quiet), ...(collapse ? [] : calm)];
    const quiet = collapse ? calm.map((s) => s.plan.stack) : [];
    const tail = quiet.length === 0 ? [] : ["", `### ${quiet.length} stacks where nothing in the tenant changes`, "", namesWithin(quiet, COMMENT_LIMIT / 4)];
    let length = lines.join("\n").length + tail.join("\n").length + POINTER_ROOM;
    let shown = 0;
    for (const section of loud) {
        const size = section.lines.join("\n").length + 2;
        if (length + size > COMMENT_LIMIT) break;
        lines.push("", ...section.lines);
        length += size;
        shown++;
    }
    if (shown < loud.length) {
        const left = loud.slice(shown).map((s) => s.plan.stack);
        lines.push("", `**${left.length} more ${left.length === 1 ? "stack changes" : "stacks change"}${loud.slice(shown).some((s) => s.failed) ? " or fail" : ""}, left out to stay within GitHub's ` +
            `comment limit:** ${namesWithin(left, POINTER_ROOM - 200)}. Run \`npm run plan -- --stack NAME\` for each.`);
    }
    lines.push(...tail);
    return { text: `${lines.join("\n")}\n`, failed };
}
