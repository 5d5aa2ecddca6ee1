// The scenario table: what each `pulumi up` of the real program does to a tenant, with the plan written out.
// test/planner/redeployScenarios.test.ts runs it; docs/rotation.md shows it.
import type { HandMadeIds, TenantMockOptions } from "../support/tenantMocks";
import type { Operation, PlanStep } from "../../planner/plan";

export const N = {
    app: "jtel-presence-registration-app",
    sp: "jtel-presence-registration-sp",
    access: "jtel-presence-registration-graph-access",
    user: "jtel-presence-service-user-user",
    password: "jtel-presence-service-user-password",
    owner: "jtel-presence-owner",
    grant: "jtel-presence-consent-delegated",
    a: "jtel-presence-secret-a",
    b: "jtel-presence-secret-b",
    rolePresence: "jtel-presence-consent-role-Presence.Read.All",
    vault: ["application-client-id", "directory-tenant-id", "secret-value", "user-email", "user-password"].map((s) => `jtel-presence-vault-${s}`),
};

export const ADOPT: HandMadeIds = {
    applicationObjectId: "11111111-1111-4111-8111-111111111111",
    servicePrincipalObjectId: "22222222-2222-4222-8222-222222222222",
    serviceUserObjectId: "33333333-3333-4333-8333-333333333333",
    delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
};
export const ADOPT_CONFIG = { adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" };
/** Whoever registered the app without an admin role owns both the app and its enterprise application (Learn,
 * "Overview of enterprise application ownership"); an admin may also have added owners under Enterprise applications. */
export const REGISTRANT = "44444444-4444-4444-8444-444444444444";
export const HAND_MADE_OWNERS: NonNullable<TenantMockOptions["handMadeOwners"]> = { servicePrincipal: [REGISTRANT], application: [REGISTRANT] };
const KEEP_REGISTRANT = { servicePrincipalOwners: JSON.stringify([REGISTRANT]) };
const VAULT = { handoffKeyVault: '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence"}' };

export type ExpectedPlan = Partial<Record<Exclude<Operation, "same">, string[]>>;

export interface Run { at: string; config?: Record<string, string> }

export interface Scenario {
    /** As docs/rotation.md's table names it. */
    name: string;
    /** Runs before the one whose plan is checked. */
    before: Run[];
    run: Run;
    /** Every step that is not "same". */
    plan: ExpectedPlan;
    /** What the scenario shows about the secrets (docs/rotation.md's "effect on the secrets" column). */
    secrets: string;
    handMade?: boolean;
    /** Owners the hand-made setup has besides the service user's link. */
    handMadeOwners?: TenantMockOptions["handMadeOwners"];
    /** Owners of the service principal the checked run warns that `pulumi config rm adopt` will remove. */
    warnsOf?: string[];
}

// Default schedule R = 180, O = 60: boundaries 2026-06-19 (slot b), 2026-12-16 (a), 2027-06-14 (b); the
// secret of 2026-06-19 ends 2027-02-14, its predecessor (slot a) ended 2026-08-18.
export const SCENARIOS: Scenario[] = [
    {
        name: "first deploy",
        before: [], run: { at: "2026-11-27T10:00:00Z" },
        plan: { create: [N.app, N.password, N.b, N.access, N.sp, N.grant, N.user, N.owner] },
        secrets: "creates the current slot only (the previous period's secret would already have ended)",
    },
    {
        name: "redeploy a minute later",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T10:01:00Z" },
        plan: {}, secrets: "nothing",
    },
    {
        name: "redeploy the next day",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-28T10:00:00Z" },
        plan: {}, secrets: "nothing",
    },
    {
        name: "first redeploy after a rotation boundary",
        before: [{ at: "2026-11-27T10:00:00Z" }, { at: "2026-12-15T23:00:00Z" }], run: { at: "2026-12-16T01:00:00Z" },
        plan: { create: [N.a] },
        secrets: "issues the new secret in the free slot a; slot b (the connector's) stays valid until 2027-02-14",
    },
    {
        name: "first redeploy after a rotation boundary, overlap = period (O = R = 60)",
        before: [{ at: "2026-12-15T10:00:00Z", config: { secretRotationDays: "60", secretOverlapDays: "60" } }],
        run: { at: "2026-12-16T01:00:00Z", config: { secretRotationDays: "60", secretOverlapDays: "60" } },
        plan: { replace: [N.a] },
        secrets: "replaces slot a (its secret ended at this boundary); slot b stays valid until 2027-02-14",
    },
    {
        name: "first redeploy after the previous secret ended (boundary + O)",
        before: [{ at: "2026-06-20T08:00:00Z" }, { at: "2026-08-17T12:00:00Z" }], run: { at: "2026-08-18T01:00:00Z" },
        plan: { delete: [N.a] },
        secrets: "deletes slot a, whose secret ended at 2026-08-18 00:00 and no longer signs in; the current one is untouched",
    },
    {
        name: "redeploy 10 days late",
        before: [{ at: "2026-11-27T10:00:00Z" }, { at: "2026-12-15T23:00:00Z" }], run: { at: "2026-12-26T10:00:00Z" },
        plan: { create: [N.a] },
        secrets: "as at the boundary; the connector's secret keeps O - d (about 50) days",
    },
    {
        name: "deploy after a whole missed period",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2027-06-20T10:00:00Z" },
        plan: { create: [N.a], replace: [N.b] },
        secrets: "re-issues both slots; the handed-over secret had ended on 2027-02-14",
    },
    {
        name: "change secretRotationDays (180 → 90)",
        before: [{ at: "2026-06-20T08:00:00Z" }], run: { at: "2026-06-20T09:00:00Z", config: { secretRotationDays: "90" } },
        plan: { replace: [N.b, N.a] },
        secrets: "moves every boundary: both slots re-issued at once, the old secrets deleted right after",
    },
    {
        name: "change secretOverlapDays (60 → 30)",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { secretOverlapDays: "30" } },
        plan: { replace: [N.b] },
        secrets: "re-issues the current slot b (its end moves from 2027-02-14 to 2027-01-15) and deletes the old secret right after: hand the new one over at once",
    },
    {
        name: "rename the app (appDisplayName)",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { appDisplayName: "jtel Presence (Contoso)" } },
        plan: { update: [N.app] },
        secrets: "nothing; the app is renamed in place and keeps its client ID",
    },
    {
        name: "rename the service user (serviceUserPrincipalName)",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { serviceUserPrincipalName: "presence@contoso.com" } },
        plan: { update: [N.user] },
        secrets: "nothing; the same user is renamed in place and keeps its password, but the connector needs the new user email",
    },
    {
        name: "switch consent tenant → serviceUser",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { consent: "serviceUser" } },
        plan: { replace: [N.grant] }, secrets: "nothing; the new grant (another consent type) is created next to the old one, which is deleted after",
    },
    {
        name: "switch consent serviceUser → tenant",
        before: [{ at: "2026-11-27T10:00:00Z", config: { consent: "serviceUser" } }], run: { at: "2026-11-27T11:00:00Z" },
        plan: { replace: [N.grant] }, secrets: "nothing",
    },
    {
        name: "add an application permission",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { applicationPermissions: '["Presence.Read.All"]' } },
        plan: { update: [N.access], create: [N.rolePresence] }, secrets: "nothing",
    },
    {
        name: "add verifyAgents",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: { verifyAgents: '["agent@contoso.com"]' } },
        plan: {}, secrets: "nothing",
    },
    {
        name: "turn handoffKeyVault on",
        before: [{ at: "2026-11-27T10:00:00Z" }], run: { at: "2026-11-27T11:00:00Z", config: VAULT },
        plan: { create: N.vault }, secrets: "nothing (the five values are also written to the vault)",
    },
    {
        name: "redeploy with handoffKeyVault the next day",
        before: [{ at: "2026-11-27T10:00:00Z", config: VAULT }], run: { at: "2026-11-28T10:00:00Z", config: VAULT },
        plan: {}, secrets: "nothing",
    },
    {
        name: "adopt a hand-made setup",
        handMade: true,
        before: [], run: { at: "2026-11-27T10:00:00Z", config: ADOPT_CONFIG },
        plan: { import: [N.app, N.access, N.sp, N.grant, N.user, N.owner], create: [N.b] },
        secrets: "imports everything made by hand and adds the managed secret (slot b); the hand-made secret is left alone",
    },
    {
        name: "then `pulumi config rm adopt`",
        handMade: true,
        before: [{ at: "2026-11-27T10:00:00Z", config: ADOPT_CONFIG }], run: { at: "2026-11-27T11:00:00Z", config: { existingUserPassword: ADOPT_CONFIG.existingUserPassword } },
        plan: { update: [N.app, N.user] },
        secrets: "nothing; the app and the user take the stack's settings (name, notes, token version, password set again unchanged)",
    },
    {
        name: "adopt a hand-made setup whose enterprise app has an owner",
        handMade: true, handMadeOwners: HAND_MADE_OWNERS,
        before: [], run: { at: "2026-11-27T10:00:00Z", config: ADOPT_CONFIG },
        plan: { import: [N.app, N.access, N.sp, N.grant, N.user, N.owner], create: [N.b] }, warnsOf: [REGISTRANT],
        secrets: "as above; the owner is kept while adopting, and the run warns that the next step removes it",
    },
    {
        name: "then `pulumi config rm adopt`, the owner not in servicePrincipalOwners",
        handMade: true, handMadeOwners: HAND_MADE_OWNERS,
        before: [{ at: "2026-11-27T10:00:00Z", config: ADOPT_CONFIG }], run: { at: "2026-11-27T11:00:00Z", config: { existingUserPassword: ADOPT_CONFIG.existingUserPassword } },
        plan: { update: [N.app, N.sp, N.user] },
        secrets: "nothing; as above, and the enterprise app loses its owner (the stack declares none); the app registration's owners stay",
    },
    {
        name: "then `pulumi config rm adopt`, the owner in servicePrincipalOwners",
        handMade: true, handMadeOwners: HAND_MADE_OWNERS,
        before: [{ at: "2026-11-27T10:00:00Z", config: { ...ADOPT_CONFIG, ...KEEP_REGISTRANT } }],
        run: { at: "2026-11-27T11:00:00Z", config: { existingUserPassword: ADOPT_CONFIG.existingUserPassword, ...KEEP_REGISTRANT } },
        plan: { update: [N.app, N.user] },
        secrets: "nothing; as the plain `config rm adopt`, and the declared owner stays",
    },
];

/** A plan as docs/rotation.md writes it: "create secret-a; replace secret-b", or "nothing". */
export function planText(plan: ExpectedPlan): string {
    const order = ["create", "import", "update", "replace", "delete"] as const;
    return order.filter((op) => plan[op]?.length).map((op) => `${op} ${[...plan[op]!].sort().map((n) => n.replace(/^jtel-presence-/, "")).join(", ")}`).join("; ") || "nothing";
}

/** The steps that are not "same", grouped by operation, names sorted: the form of a scenario's plan. */
export function planOf(steps: readonly PlanStep[]): ExpectedPlan {
    const plan: ExpectedPlan = {};
    for (const step of steps) {
        if (step.op === "same") continue;
        (plan[step.op] ??= []).push(step.name);
    }
    for (const names of Object.values(plan)) names?.sort();
    return plan;
}
