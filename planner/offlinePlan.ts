// What `pulumi preview` would show for a change of one stack's settings, without credentials, state or network:
// the real program runs twice against an in-process model of the tenant (tenantModel.ts), at the same instant,
// under the state-keeping engine (engine.ts) that diffs the way the providers do (tables.ts, plan.ts):
//   1. `up` with main's settings (and main's program) into an empty model: the state main's settings leave;
//   2. `preview` with the change's settings (and program) against that state: the steps.
// Running both at one instant keeps rotations due by the clock out of the plan, so only what the change
// itself causes shows. What a model cannot know (drift, hand-made changes, what main really deployed and when)
// is the real preview's, which runs on main right before each up.
import * as pulumi from "@pulumi/pulumi";
import { DeploymentEngine, type RunResult } from "./engine";
import type { PlanStep, StateEntry } from "./plan";
import { USER } from "./tables";
import { MockTenant, type HandMadeIds } from "./tenantModel";

/** The program's main function (index.ts). */
export type Program = (options: { now: Date }) => Promise<Record<string, unknown>>;

/** One side of the change: the config the program receives and the program itself. */
export interface PlanSide {
    /** Full keys (`project:key`, `azuread:tenantId`) -> text, as stackFile.ts builds it. */
    readonly config: Readonly<Record<string, string>>;
    /** Full keys the stack file holds encrypted (`secure:`). */
    readonly secretKeys: readonly string[];
    readonly program: Program;
}

export interface OfflinePlanRequest {
    readonly project: string;
    readonly stack: string;
    /** The one instant both runs use. */
    readonly now: Date;
    /** Main's side; undefined when main has no stack file (the change is the first deploy). */
    readonly base?: PlanSide;
    readonly head: PlanSide;
}

export type OfflinePlanResult =
    | { readonly outcome: "planned"; readonly steps: readonly PlanStep[] }
    /** The program stopped (bad config, another tenant, an unknown permission, a refused step on main's side). */
    | { readonly outcome: "failed"; readonly side: "base" | "head"; readonly message: string };

/**
 * The model of the tenant the plan runs against. Objects that `adopt` names are assumed to exist as the manual
 * guide leaves them (the model cannot read the real tenant), with the stack's own service user name. Any other
 * object ID (a servicePrincipalOwners entry) is assumed to be a user: only an ID the model holds itself, such as
 * the adopted app registration's, is refused here; the real `pulumi up` looks each one up in the tenant.
 */
class PlanTenant extends MockTenant {
    constructor(tenantId: string | undefined, private readonly serviceUser: string | undefined, adopt: HandMadeIds | undefined) {
        super({ ...(tenantId ? { signedInTenantId: tenantId } : {}), ...(adopt ? { handMadeSetup: adopt } : {}) });
    }

    override async read(type: string, id: string): Promise<Record<string, unknown> | undefined> {
        const found = await super.read(type, id);
        if (!found || type !== USER.token || !this.serviceUser) return found;
        return { ...found, userPrincipalName: this.serviceUser, mailNickname: this.serviceUser.split("@")[0] };
    }

    protected override directoryObjectType(objectId: string): string | undefined {
        return super.directoryObjectType(objectId) ?? "User";
    }

    // The program's own look-up of the adopted user (adoption refuses another name) sees the same assumption.
    override async invoke(token: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
        const found = await super.invoke(token, inputs);
        if (token !== "azuread:index/getUser:getUser" || !this.serviceUser) return found;
        return { ...found, userPrincipalName: this.serviceUser };
    }
}

function adoptIds(config: Readonly<Record<string, string>>, project: string): HandMadeIds | undefined {
    const raw = config[`${project}:adopt`];
    if (raw === undefined) return undefined;
    try {
        const parsed = JSON.parse(raw) as Partial<HandMadeIds>;
        const ids = [parsed.applicationObjectId, parsed.servicePrincipalObjectId, parsed.serviceUserObjectId, parsed.delegatedGrantId];
        // An incomplete `adopt` is the program's to refuse, with its own message.
        return ids.every((v) => typeof v === "string") ? (parsed as HandMadeIds) : undefined;
    } catch {
        return undefined;
    }
}

/** The config a side runs with: the post-deploy verification (no resource, only a sign-in) is off. */
function withoutVerification(side: PlanSide, project: string): Record<string, string> {
    return { ...side.config, [`${project}:verify`]: "false" };
}

async function runOnce(
    side: PlanSide, request: OfflinePlanRequest, tenant: MockTenant, previous: readonly StateEntry[], mode: "up" | "preview",
): Promise<RunResult> {
    tenant.now = request.now;
    const engine = new DeploymentEngine(previous, tenant, mode);
    await engine.install({ config: withoutVerification(side, request.project), project: request.project, stack: request.stack, secretKeys: side.secretKeys });
    const outputs = await side.program({ now: request.now });
    // Settling every output waits for every registration the program started; a refused one rejects.
    await Promise.allSettled(Object.values(outputs).map((v) => (pulumi.Output.isInstance(v) ? (v as unknown as { promise(): Promise<unknown> }).promise() : v)));
    return engine.finish();
}

/** Only the program's own words: a config error or a refusal names keys and objects, never a secret. */
function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

export async function offlinePlan(request: OfflinePlanRequest): Promise<OfflinePlanResult> {
    const { project, head, base } = request;
    const [was, now] = [base?.config["azuread:tenantId"]?.toLowerCase(), head.config["azuread:tenantId"]?.toLowerCase()];
    if (was !== undefined && now !== undefined && was !== now) {
        return {
            outcome: "failed", side: "head",
            message: `azuread:tenantId changes from ${was} to ${now}: a stack manages one tenant, and its environments' identities sign in to ${was} only. ` +
                "Onboard the other tenant as a stack of its own (npm run new-tenant) and offboard this one (docs/gitops.md).",
        };
    }
    const tenantId = (head.config["azuread:tenantId"] ?? base?.config["azuread:tenantId"])?.toLowerCase();
    const serviceUser = head.config[`${project}:serviceUserPrincipalName`] ?? base?.config[`${project}:serviceUserPrincipalName`];
    const tenant = new PlanTenant(tenantId, serviceUser, adoptIds(head.config, project) ?? (base ? adoptIds(base.config, project) : undefined));
    let state: readonly StateEntry[] = [];
    if (base) {
        try {
            state = (await runOnce(base, request, tenant, [], "up")).state;
        } catch (error) {
            return { outcome: "failed", side: "base", message: messageOf(error) };
        }
    }
    try {
        return { outcome: "planned", steps: (await runOnce(head, request, tenant, state, "preview")).steps };
    } catch (error) {
        return { outcome: "failed", side: "head", message: messageOf(error) };
    }
}
