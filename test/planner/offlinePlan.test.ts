// `npm run plan`'s core on config changes: main's Pulumi.<stack>.yaml and the change's, through the real program
// (index.ts) at one instant, printed for the reviewer. Every change of settings in the scenario table
// (scenarios.ts, which docs/rotation.md shows) is planned here from stack files, and the two must agree:
// the steps are the scenario's plan, and the printed lines and warnings are written out below.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import program from "../../index";
import { offlinePlan, type PlanSide, type Program } from "../../planner/offlinePlan";
import { CANNOT_SEE, stackSection, type FileChange, type SecureChange } from "../../planner/planReport";
import { endsAdoption, parseStackFile, programConfig, projectDefaults, type StackSettings } from "../../planner/stackFile";
import { BASE_CONFIG, MockTenant } from "../support/tenantMocks";
import { planOf, SCENARIOS, type Run, type Scenario } from "./scenarios";

const PROJECT = projectDefaults(readFileSync(join(__dirname, "..", "..", "Pulumi.yaml"), "utf8"));

/** A stack file as `pulumi config set` writes it: lists and objects as YAML, the secret key as `secure:` ciphertext. */
function stackFileText(config: Readonly<Record<string, string>>): string {
    const entries = Object.entries(config).map(([key, value]) => {
        const full = key.includes(":") ? key : `${PROJECT.project}:${key}`;
        if (key === "existingUserPassword") return [full, { secure: `v1:${Buffer.from(value).toString("base64")}` }];
        return [full, /^[[{]/.test(value) ? JSON.parse(value) as unknown : value];
    });
    return yaml.dump({ config: Object.fromEntries(entries) });
}

function side(settings: StackSettings): PlanSide {
    return { config: programConfig(settings, PROJECT.defaults), secretKeys: Object.keys(settings.secure), program: program as unknown as Program };
}

function secureChanges(base: StackSettings | undefined, head: StackSettings): SecureChange[] {
    const keys = [...new Set([...Object.keys(base?.secure ?? {}), ...Object.keys(head.secure)])];
    return keys.map((key) => ({
        key: key.split(":")[1],
        change: base?.secure[key] === undefined ? "added" : head.secure[key] === undefined ? "removed" : base.secure[key] === head.secure[key] ? "unchanged" : "changed",
    }));
}

/** Plans main's file against the change's, both at `at`, and prints the stack's section. */
async function planFiles(baseText: string | undefined, headText: string, at: string) {
    const head = parseStackFile(headText, "Pulumi.contoso.yaml", PROJECT.project);
    const base = baseText === undefined ? undefined : parseStackFile(baseText, "Pulumi.contoso.yaml at main", PROJECT.project);
    const result = await offlinePlan({ project: PROJECT.project, stack: "contoso", now: new Date(at), head: side(head), ...(base ? { base: side(base) } : {}) });
    const file: FileChange = base === undefined ? "added" : "edited";
    const section = stackSection({ stack: "contoso", file, result, secure: secureChanges(base, head), adoptionEnds: endsAdoption(PROJECT.project, base, head) });
    return { result, section, text: section.lines.join("\n") };
}

const lastConfig = (s: Scenario): Run["config"] | undefined => s.before.at(-1)?.config;
/**
 * A change of the stack's settings (or a new stack file), as opposed to a redeploy at a later time. Scenarios whose
 * tenant holds objects made by hand beyond what `adopt` names (owners added in the portal) are left out: the offline
 * plan cannot see them, says so, and warns instead when `adopt` is removed.
 */
const isConfigChange = (s: Scenario) => s.handMadeOwners === undefined && (s.before.length === 0 || JSON.stringify(lastConfig(s) ?? {}) !== JSON.stringify(s.run.config ?? {}));

const SECRET = "The connector's secret will change: hand over the new value.";
const FIRST = "First deploy:";

/** What `npm run plan` must print for each change of settings: the diff lines and the warnings' headlines. */
const PLAN_TABLE: { scenario: string; lines: string[]; warnings: string[] }[] = [
    {
        scenario: "first deploy",
        lines: [
            "+ create  jtel-presence-registration-app (ApplicationRegistration)",
            "+ create  jtel-presence-service-user-password (RandomPassword)",
            "+ create  jtel-presence-secret-b (ApplicationPassword)",
            "+ create  jtel-presence-registration-graph-access (ApplicationApiAccess)",
            "+ create  jtel-presence-registration-sp (ServicePrincipal)",
            "+ create  jtel-presence-consent-delegated (ServicePrincipalDelegatedPermissionGrant)",
            "+ create  jtel-presence-service-user-user (User)",
            "+ create  jtel-presence-owner (ApplicationOwner)",
        ],
        warnings: [FIRST],
    },
    {
        scenario: "change secretRotationDays (180 → 90)",
        lines: [
            "+-replace jtel-presence-secret-a (ApplicationPassword): displayName, endDate force the replacement",
            "+-replace jtel-presence-secret-b (ApplicationPassword): displayName, endDate force the replacement",
        ],
        warnings: [SECRET],
    },
    {
        scenario: "change secretOverlapDays (60 → 30)",
        lines: ["+-replace jtel-presence-secret-b (ApplicationPassword): endDate forces the replacement"],
        warnings: [SECRET],
    },
    {
        scenario: "rename the app (appDisplayName)",
        lines: ["~ update  jtel-presence-registration-app (ApplicationRegistration): displayName"],
        warnings: [],
    },
    {
        scenario: "rename the service user (serviceUserPrincipalName)",
        lines: ["~ update  jtel-presence-service-user-user (User): userPrincipalName"],
        warnings: ["The service user's sign-in name changes: hand over the new User email"],
    },
    {
        scenario: "switch consent tenant → serviceUser",
        lines: ["+-replace jtel-presence-consent-delegated (ServicePrincipalDelegatedPermissionGrant): userObjectId forces the replacement"],
        warnings: [],
    },
    {
        scenario: "switch consent serviceUser → tenant",
        lines: ["+-replace jtel-presence-consent-delegated (ServicePrincipalDelegatedPermissionGrant): userObjectId forces the replacement"],
        warnings: [],
    },
    {
        scenario: "add an application permission",
        lines: [
            "~ update  jtel-presence-registration-graph-access (ApplicationApiAccess): roleIds",
            "+ create  jtel-presence-consent-role-Presence.Read.All (AppRoleAssignment)",
        ],
        warnings: [],
    },
    { scenario: "add verifyAgents", lines: [], warnings: [] },
    {
        scenario: "turn handoffKeyVault on",
        lines: [
            "+ create  jtel-presence-vault-application-client-id (keyvault.Secret)",
            "+ create  jtel-presence-vault-directory-tenant-id (keyvault.Secret)",
            "+ create  jtel-presence-vault-user-email (keyvault.Secret)",
            "+ create  jtel-presence-vault-user-password (keyvault.Secret)",
            "+ create  jtel-presence-vault-secret-value (keyvault.Secret)",
        ],
        warnings: [],
    },
    {
        scenario: "adopt a hand-made setup",
        lines: [
            "= import  jtel-presence-registration-app (ApplicationRegistration)",
            "+ create  jtel-presence-secret-b (ApplicationPassword)",
            "= import  jtel-presence-registration-graph-access (ApplicationApiAccess)",
            "= import  jtel-presence-service-user-user (User)",
            "= import  jtel-presence-registration-sp (ServicePrincipal)",
            "= import  jtel-presence-owner (ApplicationOwner)",
            "= import  jtel-presence-consent-delegated (ServicePrincipalDelegatedPermissionGrant)",
        ],
        warnings: [FIRST],
    },
    {
        scenario: "then `pulumi config rm adopt`",
        lines: [
            "~ update  jtel-presence-registration-app (ApplicationRegistration): displayName, notes, requestedAccessTokenVersion",
            "~ update  jtel-presence-service-user-user (User): displayName, password, showInAddressList",
        ],
        warnings: [
            "The service user's password will be set again",
            "`adopt` is removed: the enterprise application (service principal) keeps only the owners servicePrincipalOwners lists.",
        ],
    },
];

/** The diff lines of a printed section, and the bold headline of each warning. */
function printed(text: string): { lines: string[]; warnings: string[] } {
    const diff = /```diff\n([\s\S]*?)\n```/.exec(text)?.[1];
    return {
        lines: diff ? diff.split("\n") : [],
        warnings: [...text.matchAll(/^- ⚠️ \*\*(.+?)\*\*/gm)].map((m) => m[1]),
    };
}

describe("npm run plan: each change of a stack's settings, planned from its Pulumi.<stack>.yaml", function () {
    this.timeout(120_000);

    it("covers every change of settings in the scenario table, and only those", () => {
        const changes = SCENARIOS.filter(isConfigChange).map((s) => s.name).sort();
        assert.deepEqual(PLAN_TABLE.map((r) => r.scenario).sort(), changes);
    });

    for (const row of PLAN_TABLE) {
        it(`${row.scenario}: prints ${row.lines.length} step${row.lines.length === 1 ? "" : "s"} and ${row.warnings.length === 0 ? "no warning" : row.warnings.join("; ")}`, async () => {
            const scenario = SCENARIOS.find((s) => s.name === row.scenario) as Scenario;
            const before = scenario.before.at(-1);
            const baseText = before === undefined ? undefined : stackFileText({ ...BASE_CONFIG, ...before.config });
            const { result, text } = await planFiles(baseText, stackFileText({ ...BASE_CONFIG, ...scenario.run.config }), scenario.run.at);
            assert.equal(result.outcome, "planned", text);
            if (result.outcome !== "planned") return;
            // The same plan as the scenario table's, which runs main's side at its own (earlier) time.
            assert.deepEqual(planOf(result.steps), Object.fromEntries(Object.entries(scenario.plan).map(([op, names]) => [op, [...names].sort()])));
            assert.deepEqual(printed(text), { lines: row.lines, warnings: row.warnings });
            if (row.lines.length === 0) assert.match(text, /Nothing in the tenant changes/);
        });
    }
});

describe("npm run plan: secure settings, which it cannot decrypt", function () {
    this.timeout(120_000);
    const withPassword = (ciphertext: string) => `${stackFileText(BASE_CONFIG)}  jtel-teams-presence:existingUserPassword:\n    secure: ${ciphertext}\n`;

    it("says the service user's password will be set when existingUserPassword's ciphertext changes", async () => {
        const { result, text } = await planFiles(withPassword("v1:AAAA"), withPassword("v1:BBBB"), "2026-11-27T11:00:00Z");
        assert.equal(result.outcome === "planned" && planOf(result.steps).update?.join(), "jtel-presence-service-user-user");
        assert.deepEqual(printed(text).warnings, ["existingUserPassword's ciphertext changed."]);
        assert.match(text, /cannot decrypt it \(encrypting the same password again also gives a new ciphertext\)/);
        assert.doesNotMatch(text, /v1:AAAA|v1:BBBB/, "no ciphertext in the comment");
    });

    it("plans nothing when the ciphertext is the same and only the file's layout changed", async () => {
        const { result, text } = await planFiles(withPassword("v1:AAAA"), `# reordered\n${withPassword("v1:AAAA")}`, "2026-11-27T11:00:00Z");
        assert.deepEqual(result.outcome === "planned" && planOf(result.steps), {});
        assert.deepEqual(printed(text).warnings, []);
    });

    it("reports a plain-text existingUserPassword as the program does, before anything", async () => {
        const plain = `${stackFileText(BASE_CONFIG)}  jtel-teams-presence:existingUserPassword: Plain-Passw0rd!\n`;
        const { result, section, text } = await planFiles(stackFileText(BASE_CONFIG), plain, "2026-11-27T11:00:00Z");
        assert.deepEqual([result.outcome, section.failed], ["failed", true]);
        assert.match(text, /existingUserPassword is stored in plain text in the stack's settings file/);
        assert.doesNotMatch(text, /Plain-Passw0rd!/);
    });
});

describe("npm run plan: what the model assumes", function () {
    this.timeout(120_000);

    it("refuses a stack that moves to another tenant instead of planning it", async () => {
        const other = stackFileText({ ...BASE_CONFIG, "azuread:tenantId": "99999999-8888-7777-6666-555555555555" });
        const { result, section } = await planFiles(stackFileText(BASE_CONFIG), other, "2026-11-27T11:00:00Z");
        assert.equal(section.failed, true);
        assert.match(result.outcome === "failed" ? result.message : "", /azuread:tenantId changes from .* a stack manages one tenant/);
    });

    it("adopts with the stack's own service user name, since it cannot read the hand-made user", async () => {
        const scenario = SCENARIOS.find((s) => s.name === "adopt a hand-made setup") as Scenario;
        const config: Record<string, string> = { ...BASE_CONFIG, ...scenario.run.config, serviceUserPrincipalName: "presence@contoso.com" };
        const { result } = await planFiles(undefined, stackFileText(config), scenario.run.at);
        assert.deepEqual(result.outcome === "planned" && result.steps.filter((s) => s.refusal).map((s) => s.refusal), []);
        // The tenant model itself (the tests' hand-made setup) has another name, which a real import would refuse.
        assert.notEqual(new MockTenant({ handMadeSetup: JSON.parse(config.adopt) }).list("azuread:index/user:User")[0].userPrincipalName, config.serviceUserPrincipalName);
    });

    it("takes a servicePrincipalOwners ID it cannot look up for a user, says so, and refuses one it holds that is no user", async () => {
        const person = "9a8b7c6d-5e4f-4321-8765-fedcba987654";
        const owned = await planFiles(stackFileText(BASE_CONFIG), stackFileText({ ...BASE_CONFIG, servicePrincipalOwners: JSON.stringify([person]) }), "2026-11-27T11:00:00Z");
        assert.deepEqual(owned.result.outcome === "planned" && planOf(owned.result.steps), { update: ["jtel-presence-registration-sp"] });
        assert.match(CANNOT_SEE, /whether the object IDs servicePrincipalOwners lists are users or service principals of the tenant \(it assumes they are/);
        // The adopted app registration's object ID, where its enterprise application's belongs.
        const scenario = SCENARIOS.find((s) => s.name === "adopt a hand-made setup") as Scenario;
        const appId = (JSON.parse(String(scenario.run.config?.adopt)) as { applicationObjectId: string }).applicationObjectId;
        const wrong = await planFiles(undefined, stackFileText({ ...BASE_CONFIG, ...scenario.run.config, servicePrincipalOwners: JSON.stringify([appId]) }), scenario.run.at);
        assert.match(wrong.result.outcome === "failed" ? wrong.result.message : "", new RegExp(`servicePrincipalOwners entry "${appId}" is an Application, which cannot own an enterprise application`));
    });
});
