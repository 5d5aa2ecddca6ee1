// `npm run new-tenant`: a stack file the program accepts, or a refusal naming the flag with nothing written.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { runNewTenantCli } from "../../cli/newTenant";
import { resolvePermissions } from "../../components/graphPermissions";
import { CONFIG_FLAGS, EXCLUDED_KEYS, permissionProblems, PROJECT } from "../../fleet/newTenant";
import { READ_ONLY_APP_ROLES, READ_ONLY_DELEGATED_SCOPES } from "../../policy/graphAllowlist";
import { parseStackConfig, PROJECT_KEYS, TENANT_ID_KEY, type RawConfig } from "../../stack/config";

const TENANT = "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001";
const REQUIRED = ["--stack", "contoso", "--tenant-id", TENANT, "--service-user", "jtel-presence@contoso.com"];

/** What the program gets from a stack file: pulumi passes every value as a string, objects and lists as JSON. */
function rawConfigOf(stackFile: string): RawConfig {
    const { config } = yaml.load(stackFile) as { config: Record<string, unknown> };
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const name = key === TENANT_ID_KEY ? key : key.replace(`${PROJECT}:`, "");
        raw[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}

describe("npm run new-tenant", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "new-tenant-"));
        writeFileSync(join(dir, "Pulumi.yaml"), "name: jtel-teams-presence\n");
        writeFileSync(join(dir, "Pulumi.dev.yaml"), readFileSync(join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    async function newTenant(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        const out = { code: -1, stdout: "", stderr: "" };
        out.code = await runNewTenantCli(argv, { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, cwd: dir });
        return out;
    }
    const stackFile = () => readFileSync(join(dir, "Pulumi.contoso.yaml"), "utf8");
    const files = () => readdirSync(dir).sort();

    it("writes a Pulumi.<stack>.yaml that the program's schema accepts, with the values given", async () => {
        const run = await newTenant([...REQUIRED, "--secret-rotation-days", "90", "--secret-overlap-days", "30", "--delegated-permissions", '["User.Read","Presence.Read.All","User.ReadBasic.All"]', "--verify-agents", '["agent1@contoso.com"]', "--consent", "serviceUser"]);
        assert.equal(run.code, 0, run.stderr);
        const raw = rawConfigOf(stackFile());
        const config = parseStackConfig(raw);
        assert.equal(config.tenantId, TENANT);
        assert.equal(config.serviceUserPrincipalName, "jtel-presence@contoso.com");
        assert.deepEqual([config.secretRotationDays, config.secretOverlapDays, config.consent], [90, 30, "serviceUser"]);
        assert.deepEqual(config.delegatedPermissions, ["User.Read", "Presence.Read.All", "User.ReadBasic.All"]);
        assert.deepEqual(config.verifyAgents, ["agent1@contoso.com"]);
        const { config: written } = yaml.load(stackFile()) as { config: Record<string, unknown> };
        assert.deepEqual(written[`${PROJECT}:delegatedPermissions`], ["User.Read", "Presence.Read.All", "User.ReadBasic.All"], "lists are YAML lists");
        assert.equal(written[`${PROJECT}:secretRotationDays`], "90", "scalars are strings, as pulumi config set stores them");
    });

    it("accepts every permission the policy pack allows, in both lists", async () => {
        const run = await newTenant([...REQUIRED, "--delegated-permissions", JSON.stringify(Object.keys(READ_ONLY_DELEGATED_SCOPES)),
            "--application-permissions", JSON.stringify(Object.keys(READ_ONLY_APP_ROLES))]);
        assert.equal(run.code, 0, run.stderr);
    });

    it("says of a mistyped permission what `pulumi up` would say of it, closest names included", () => {
        const [problem] = permissionProblems({ delegatedPermissions: ["User.Read", "Presence.Read.All", "User.ReadBasic.Al"], applicationPermissions: [] });
        let programs = "";
        try {
            resolvePermissions("delegatedPermissions", ["User.ReadBasic.Al"], READ_ONLY_DELEGATED_SCOPES, "delegated");
        } catch (error) {
            programs = (error as Error).message.split("\n")[1].trim();
        }
        assert.equal(programs, '"User.ReadBasic.Al" is not a Microsoft Graph delegated permission; closest: User.ReadBasic.All, User.Read.All, User.Read');
        assert.equal(problem, 'delegatedPermissions "User.ReadBasic.Al" is not a Microsoft Graph delegated permission the policy pack allows; closest: User.ReadBasic.All, User.Read.All, User.Read');
    });

    it("has a flag for every configuration key of the program except the secret ones", () => {
        const covered = [...Object.values(CONFIG_FLAGS), "serviceUserPrincipalName", ...Object.keys(EXCLUDED_KEYS)].sort();
        assert.deepEqual(covered, [...PROJECT_KEYS].sort());
        assert.equal(CONFIG_FLAGS["handoff-key-vault"], "handoffKeyVault");
    });

    it("prints the three bootstrap phases with this stack and tenant, and what the script cannot do", async () => {
        const run = await newTenant([...REQUIRED, "--repo", "jtel/jtel-teams-presence"]);
        assert.match(run.stdout, /^ {5}bash \.github\/scripts\/bootstrap-tenant\.sh jtel --stack contoso --tenant-id 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001$/m);
        assert.match(run.stdout, /^ {5}az login --tenant 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 --allow-no-subscriptions$/m);
        assert.match(run.stdout, /^ {5}bash bootstrap-tenant\.sh customer --stack contoso --tenant-id 0f1e2d3c-4b5a-4697-8a9b-acbdcedff001 --repo jtel\/jtel-teams-presence --subject-prefix <PREFIX> --preview-mode <MODE>$/m);
        assert.match(run.stdout, /Phase 1 prints this line with the prefix and the mode GitHub reported/);
        assert.match(run.stdout, /^ {5}bash \.github\/scripts\/bootstrap-tenant\.sh link --stack contoso --deployer-client-id <deployer> --reader-client-id <reader>$/m);
        assert.match(run.stdout, /excludes jtel-presence@contoso\.com from MFA with a Conditional Access policy/);
        assert.match(run.stdout, /reviewed \(public or GitHub Enterprise: tenant-contoso-preview, a reviewer approves every run\) or\s+offline-plan \(no identity trusts a pull request\)/);
        assert.doesNotMatch(run.stdout, /gh variable|--subscription-id/, "gh api only; no subscription without handoffKeyVault");
        assert.doesNotMatch(run.stdout, /handoffKeyVault|--application-permissions/);
    });

    it("asks for the Privileged Role Administrator role when application permissions are configured, and prints the Key Vault grants", async () => {
        const run = await newTenant([...REQUIRED, "--application-permissions", '["Presence.Read.All"]', "--handoff-key-vault", '{"resourceGroupName":"rg-jtel","vaultName":"kv-contoso","subscriptionId":"aaaaaaaa-0000-4000-8000-000000000009"}']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /bootstrap-tenant\.sh jtel --stack contoso --tenant-id \S+ --application-permissions$/m);
        assert.match(run.stdout, /bootstrap-tenant\.sh customer .* --repo <ORG\/REPO> --subject-prefix <PREFIX> --preview-mode <MODE> --application-permissions$/m);
        assert.match(run.stdout, /--role "Key Vault Contributor" --scope \/subscriptions\/aaaaaaaa-0000-4000-8000-000000000009\/resourceGroups\/rg-jtel\/providers\/Microsoft\.KeyVault\/vaults\/kv-contoso/);
        assert.match(run.stdout, /bootstrap-tenant\.sh link --stack contoso --deployer-client-id <deployer> --reader-client-id <reader> --subscription-id aaaaaaaa-0000-4000-8000-000000000009$/m);
        assert.match(run.stdout, /handoffKeyVault: the only part of this stack that needs an Azure subscription in the customer's tenant/);
        assert.doesNotMatch(run.stdout, /gh variable/);
    });

    const refusals: [string, string[], RegExp][] = [
        ["a tenant ID that is not a GUID", ["--stack", "contoso", "--tenant-id", "contoso.com", "--service-user", "jtel-presence@contoso.com"], /--tenant-id: azuread:tenantId "contoso\.com" must be a Directory \(tenant\) ID/],
        ["a service user that is not a UPN", ["--stack", "contoso", "--tenant-id", TENANT, "--service-user", "bob"], /--service-user: serviceUserPrincipalName "bob" must be an email-like UPN/],
        ["an overlap longer than the rotation", [...REQUIRED, "--secret-rotation-days", "30", "--secret-overlap-days", "60"], /--secret-overlap-days: secretOverlapDays \(60\) must not exceed secretRotationDays \(30\)/],
        ["a list that is not JSON", [...REQUIRED, "--delegated-permissions", "User.Read,Presence.Read.All"], /--delegated-permissions: delegatedPermissions "User\.Read,Presence\.Read\.All" must be a JSON list/],
        ["a Key Vault without a name", [...REQUIRED, "--handoff-key-vault", '{"resourceGroupName":"rg"}'], /--handoff-key-vault: handoffKeyVault\.vaultName is required/],
        ["an unknown flag", [...REQUIRED, "--rotation-days", "90"], /Unknown option '--rotation-days'.*every configuration key has one/],
        ["a secret on the command line", [...REQUIRED, "--existing-user-password", "Tr0ub4dor-Horse-9!zQ"], /--existing-user-password \(existingUserPassword\) is a secret: set it once the stack exists/],
        ["adoption", [...REQUIRED, "--adopt", "{}"], /--adopt \(adopt\) needs existingUserPassword/],
        ["a stack name with upper case", ["--stack", "Contoso", "--tenant-id", TENANT, "--service-user", "jtel-presence@contoso.com"], /--stack "Contoso" must be lower-case letters, digits and inner hyphens/],
        ["the example stack's name", ["--stack", "dev", "--tenant-id", TENANT, "--service-user", "jtel-presence@contoso.com"], /--stack "dev" is the commented example/],
        ["missing required flags", ["--stack", "contoso"], /--tenant-id, --service-user are required/],
        ["a mistyped delegated permission, with the closest allowed names",
            [...REQUIRED, "--delegated-permissions", '["User.Read","Presence.Read.All","User.ReadBasic.Al"]'],
            /--delegated-permissions: delegatedPermissions "User\.ReadBasic\.Al" is not a Microsoft Graph delegated permission the policy pack allows; closest: User\.ReadBasic\.All, /],
        ["a mistyped application permission, with the closest allowed names",
            [...REQUIRED, "--application-permissions", '["Presence.ReadAll"]'],
            /--application-permissions: applicationPermissions "Presence\.ReadAll" is not a Microsoft Graph application permission the policy pack allows; closest: Presence\.Read\.All, /],
        ["a permission the policy pack does not allow", [...REQUIRED, "--delegated-permissions", '["User.Read","Presence.Read.All","Mail.Read"]'],
            /delegatedPermissions "Mail\.Read" is not a Microsoft Graph delegated permission the policy pack allows; closest: /],
    ];
    for (const [what, argv, message] of refusals) {
        it(`refuses ${what}, naming the flag, and writes nothing`, async () => {
            const before = files();
            const run = await newTenant(argv);
            assert.equal(run.code, 2);
            assert.match(run.stderr, message);
            assert.match(run.stderr, /Nothing was written/);
            assert.equal(run.stdout, "");
            assert.deepEqual(files(), before);
            assert.ok(!run.stderr.includes("Tr0ub4dor-Horse-9!zQ"), "the secret is not echoed");
        });
    }

    it("refuses to overwrite an existing stack file unless told, and then keeps its secrets provider and key", async () => {
        assert.equal((await newTenant(REQUIRED)).code, 0);
        const initialised = `secretsprovider: azurekeyvault://jtel-state-kv.vault.azure.net/keys/tenant-contoso\nencryptedkey: c2VjcmV0LWRhdGEta2V5\n${stackFile()}`;
        writeFileSync(join(dir, "Pulumi.contoso.yaml"), initialised);
        const again = await newTenant([...REQUIRED, "--secret-rotation-days", "90"]);
        assert.equal(again.code, 2);
        assert.match(again.stderr, /Pulumi\.contoso\.yaml already exists; pass --force/);
        assert.equal(stackFile(), initialised);
        assert.equal((await newTenant([...REQUIRED, "--secret-rotation-days", "90", "--force"])).code, 0);
        const rewritten = yaml.load(stackFile()) as { secretsprovider: string; encryptedkey: string; config: Record<string, string> };
        assert.equal(rewritten.secretsprovider, "azurekeyvault://jtel-state-kv.vault.azure.net/keys/tenant-contoso");
        assert.equal(rewritten.encryptedkey, "c2VjcmV0LWRhdGEta2V5");
        assert.equal(rewritten.config[`${PROJECT}:secretRotationDays`], "90");
    });

    it("refuses a second stack for a tenant that already has one", async () => {
        assert.equal((await newTenant(REQUIRED)).code, 0);
        const run = await newTenant(["--stack", "contoso-2", "--tenant-id", TENANT.toUpperCase(), "--service-user", "jtel-presence@contoso.com"]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /already managed by stack contoso/);
        assert.equal(existsSync(join(dir, "Pulumi.contoso-2.yaml")), false);
    });

    it("writes every value as JSON, so no value can change the file's structure", async () => {
        const run = await newTenant([...REQUIRED, "--app-display-name", "jtel: presence\nsecretsprovider: evil"]);
        assert.equal(run.code, 0, run.stderr);
        const parsed = yaml.load(stackFile()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(parsed), ["config"]);
        assert.equal((parsed.config as Record<string, string>)[`${PROJECT}:appDisplayName`], "jtel: presence\nsecretsprovider: evil");
    });
});
