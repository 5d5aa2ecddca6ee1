// Runs a policy's validate functions the way @pulumi/policy's analyzer server does, without the server:
// props behind the same unknown-checking proxy, notApplicable as a throw, config through getConfig.
import {
    Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { AZUREAD_TYPES } from "../support/tenantMocks";

class NotApplicable extends Error {}

const isTypeOf = (type: string) => (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === type;

/** Violation messages the policy reports for one resource, or "not applicable" when no validation applied. */
export async function runResourcePolicy(
    policy: Policy, type: string, props: Record<string, unknown>, config: object = {},
): Promise<string[] | "not applicable"> {
    const validations = (policy as ResourceValidationPolicy).validateResource;
    if (validations === undefined) throw new Error(`${policy.name} is not a resource policy`);
    const messages: string[] = [];
    let applied = 0;
    for (const validate of Array.isArray(validations) ? validations : [validations]) {
        const args = {
            type, props: unknownCheckingProxy(props), urn: `urn:pulumi:test::jtel-teams-presence::${type}::r`, name: "r",
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            stackTags: new Map<string, string>(), isType: isTypeOf(type), asType: () => undefined,
            getConfig: () => config, notApplicable: () => { throw new NotApplicable(); },
        } as unknown as ResourceValidationArgs;
        try {
            await validate(args, (message) => messages.push(message));
            applied++;
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return applied === 0 ? "not applicable" : messages;
}

export interface StackResourceInput {
    type: string;
    name: string;
    protect: boolean;
}

/** Violations (message and URN) the stack policy reports for these resources. */
export async function runStackPolicy(policy: Policy, resources: StackResourceInput[]): Promise<{ message: string; urn?: string }[]> {
    const validate = (policy as StackValidationPolicy).validateStack;
    if (validate === undefined) throw new Error(`${policy.name} is not a stack policy`);
    const violations: { message: string; urn?: string }[] = [];
    const args = {
        resources: resources.map((r) => ({
            type: r.type, name: r.name, urn: `urn:pulumi:test::jtel-teams-presence::${r.type}::${r.name}`, props: {},
            opts: { protect: r.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [], propertyDependencies: {}, isType: isTypeOf(r.type), asType: () => undefined,
        }) as unknown as PolicyResource),
        stackTags: new Map<string, string>(), getConfig: () => ({}), notApplicable: () => { throw new NotApplicable(); },
    } as unknown as StackValidationArgs;
    await validate(args, (message, urn) => violations.push({ message, urn }));
    return violations;
}

export const TYPES = { ...AZUREAD_TYPES, legacyApp: "azuread:index/application:Application" } as const;

/** The pack's policies and their enforcement levels, as the pack must register them. */
export const EXPECTED_POLICIES: Record<string, string> = {
    "service-user-can-sign-in": "mandatory",
    "app-registration-single-tenant": "mandatory",
    "graph-consent-read-only": "mandatory",
    "graph-declared-permissions-read-only": "mandatory",
    "graph-app-roles-read-only": "mandatory",
    "client-secret-bounded-lifetime": "mandatory",
    "tenant-objects-protected": "advisory",
    "service-user-password-connector-safe": "mandatory",
};
