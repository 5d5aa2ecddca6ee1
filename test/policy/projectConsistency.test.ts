// The pack must never block the project's own deployments, and its pinned constants must match the program's.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { CONNECTOR_FORBIDDEN_CHARACTERS as PROGRAM_FORBIDDEN, MIN_PASSWORD_LENGTH } from "../../components/passwordPolicy";
import { MICROSOFT_GRAPH_APP_ID as PROGRAM_GRAPH_APP_ID } from "../../components/graphPermissions";
import { parseStackConfig } from "../../stack/config";
import { DEFAULT_MAX_SECRET_LIFETIME_DAYS } from "../../policy/clientSecret";
import { MICROSOFT_GRAPH_APP_ID, READ_ONLY_APP_ROLES, READ_ONLY_DELEGATED_SCOPES } from "../../policy/graphAllowlist";
import { CONNECTOR_FORBIDDEN_CHARACTERS, MIN_GENERATED_PASSWORD_LENGTH } from "../../policy/passwordGenerator";
import { createPolicies, PACK_DESCRIPTION } from "../../policy/policies";
import { BASE_CONFIG, TENANT_ID, tenantMocks } from "../support/tenantMocks";
import { GRAPH_ROLE_IDS, GRAPH_SCOPE_IDS } from "../support/graphFixture";
import { installMocks, RecordingMocks, valueOf } from "../support/pulumiHarness";
import { runResourcePolicy, runStackPolicy } from "./policyHarness";

const ROOT = path.join(__dirname, "..", "..");

/** Runs stack/main.ts under the project's strict mocks, as test/stack/program.test.ts does. */
async function deploy(config: Record<string, string>, now: Date): Promise<RecordingMocks> {
    const mocks = tenantMocks();
    await installMocks(mocks, { config });
    const { main } = await import("../../stack/main");
    const outputs = await main({ now });
    // Resolving every output waits for every registration the program started.
    await Promise.all(Object.values(outputs).map((v) => valueOf(v as pulumi.Input<unknown>)));
    return mocks;
}

/** Every violation any policy reports for what the program registered, as "policy: message". */
async function violations(mocks: RecordingMocks, now: Date) {
    const policies = createPolicies({ now: () => now });
    const found: { policy: string; level: string; message: string }[] = [];
    const custom = mocks.resources.filter((r) => r.custom);
    for (const policy of policies) {
        if ("validateStack" in policy) {
            for (const v of await runStackPolicy(policy, custom.map((r) => ({ type: r.type, name: r.name, protect: r.protect })))) {
                found.push({ policy: policy.name, level: String(policy.enforcementLevel), message: v.message });
            }
            continue;
        }
        for (const r of custom) {
            const result = await runResourcePolicy(policy, r.type, r.inputs);
            if (result === "not applicable") continue;
            for (const message of result) found.push({ policy: policy.name, level: String(policy.enforcementLevel), message });
        }
    }
    return found;
}

const SCENARIOS: { name: string; config: Record<string, string>; now: string }[] = [
    { name: "the default deployment", config: BASE_CONFIG, now: "2026-11-27T10:00:00Z" },
    { name: "the default deployment right after a rotation (both secret slots)", config: BASE_CONFIG, now: "2026-06-20T08:00:00Z" },
    {
        name: "every allowed permission, consent for the service user only, the shortest password",
        config: {
            ...BASE_CONFIG,
            delegatedPermissions: '["User.Read","Presence.Read","Presence.Read.All","User.ReadBasic.All","User.Read.All","offline_access"]',
            applicationPermissions: '["Presence.Read.All","User.ReadBasic.All","User.Read.All"]',
            consent: "serviceUser", passwordLength: "16",
        },
        now: "2026-11-27T10:00:00Z",
    },
    {
        name: "the longest secret lifetime the stack allows (R + O = 730)",
        config: { ...BASE_CONFIG, secretRotationDays: "365", secretOverlapDays: "365" },
        now: "2026-12-31T23:59:00Z",
    },
];

describe("the policy pack against the project's own deployments", function () {
    for (const scenario of SCENARIOS) {
        it(`reports nothing for ${scenario.name}`, async () => {
            const now = new Date(scenario.now);
            const mocks = await deploy(scenario.config, now);
            // The scenario must have registered what the policies check, or this test could not fail.
            for (const type of ["ApplicationRegistration", "User", "ServicePrincipalDelegatedPermissionGrant", "ApplicationPassword", "RandomPassword", "ApplicationApiAccess"]) {
                assert.ok(mocks.resources.some((r) => r.type.endsWith(`:${type}`)), `${scenario.name} registered no ${type}`);
            }
            assert.deepEqual(await violations(mocks, now), []);
        });
    }

    it("only warns, never blocks, when a stack lifts protection to clean up (protect=false)", async () => {
        const now = new Date("2026-11-27T10:00:00Z");
        const found = await violations(await deploy({ ...BASE_CONFIG, protect: "false" }, now), now);
        assert.deepEqual([...new Set(found.map((v) => `${v.policy} ${v.level}`))], ["tenant-objects-protected advisory"]);
        assert.equal(found.length, 3);
    });
});

describe("the policy pack's pinned values match the program's", () => {
    it("allows exactly the Graph IDs the program's fixture uses for those names", () => {
        for (const [name, id] of Object.entries(READ_ONLY_DELEGATED_SCOPES)) assert.equal(id, GRAPH_SCOPE_IDS[name], name);
        for (const [name, id] of Object.entries(READ_ONLY_APP_ROLES)) assert.equal(id, GRAPH_ROLE_IDS[name], name);
        assert.equal(MICROSOFT_GRAPH_APP_ID, PROGRAM_GRAPH_APP_ID);
    });

    it("uses the program's forbidden password characters and minimum length", () => {
        assert.equal(CONNECTOR_FORBIDDEN_CHARACTERS, PROGRAM_FORBIDDEN);
        assert.equal(MIN_GENERATED_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH);
    });

    it("caps secret lifetime at the stack's secretMaxLifetimeDays default", () => {
        const config = parseStackConfig({ "azuread:tenantId": TENANT_ID, serviceUserPrincipalName: "jtel-presence@contoso.com" });
        assert.equal(DEFAULT_MAX_SECRET_LIFETIME_DAYS, config.secretMaxLifetimeDays);
    });

    it("declares the same dependency ranges as the project, which it resolves them from", () => {
        const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const pack = JSON.parse(readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")) as { dependencies: Record<string, string>; version?: string };
        for (const [name, range] of Object.entries(pack.dependencies)) assert.equal(range, root.dependencies[name], name);
        assert.match(String(pack.version), /^\d+\.\d+\.\d+$/);
    });

    it("has a PulumiPolicy.yaml with the nodejs runtime and the pack's description", () => {
        const manifest = yaml.load(readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8")) as Record<string, unknown>;
        assert.deepEqual(manifest, { description: PACK_DESCRIPTION, runtime: "nodejs" });
    });
});
