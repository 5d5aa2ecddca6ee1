// Each servicePrincipalOwners entry is looked up in the tenant (azuread's getDirectoryObject) before anything is
// registered: an ID that is not there, or not a user or service principal (the only owners Graph accepts for a
// service principal, learn.microsoft.com/graph/api/serviceprincipal-post-owners), stops the program with a
// ConfigError instead of failing at the service principal's create with the app registration already made.
import { strict as assert } from "node:assert";
import { isDirectoryObjectNotFound, servicePrincipalOwnerProblem } from "../../components/servicePrincipalOwners";
import { startEmulator, type Emulator } from "../../emulator/index";
import { rowsFor, servicePrincipalDeployer, servicePrincipalGrants, type SignedInDeployer } from "../../demo/deployer";
import { deployToEmulator, emulatorConfig } from "../../demo/runDemo";
import { BASE_CONFIG, DEPLOYER_OBJECT_ID, DIRECTORY_OBJECT_LOOK_UP, MockTenant, tenantMocks } from "../support/tenantMocks";
import { failedLookUp } from "../../planner/engine";
import { installMocks, valueOf } from "../support/pulumiHarness";
import { SERVICE_PRINCIPAL } from "../../planner/tables";

const NOW = new Date("2026-11-27T10:00:00Z");
const UNKNOWN = "0f1e2d3c-4b5a-4697-8877-665544332211";
const GROUP = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
const PERSON = "9a8b7c6d-5e4f-4321-8765-fedcba987654";

describe("servicePrincipalOwners entries, checked against the tenant (pure)", () => {
    it("accepts users and service principals, the owners Graph accepts for a service principal", () => {
        assert.equal(servicePrincipalOwnerProblem(PERSON, "User"), undefined);
        assert.equal(servicePrincipalOwnerProblem(PERSON, "ServicePrincipal"), undefined);
    });

    it("refuses an ID the tenant does not hold, naming the key, the entry and what is allowed", () => {
        assert.equal(servicePrincipalOwnerProblem(UNKNOWN, undefined),
            `servicePrincipalOwners entry "${UNKNOWN}" is not an object in this tenant (Microsoft Graph has no directory object with that ID): ` +
            "list the object ID of a user or of a service principal (an enterprise application) of this tenant (Users > the user > Object ID, or Enterprise applications > the app > Object ID)");
    });

    it("refuses a group, a device or an app registration, citing Learn's page; an app registration's ID gets the enterprise application hint", () => {
        for (const type of ["Group", "Device", "Application", "OrgContact"]) {
            const problem = servicePrincipalOwnerProblem(GROUP, type) ?? "";
            assert.match(problem, new RegExp(`^servicePrincipalOwners entry "${GROUP}" is an? ${type}, which cannot own an enterprise application: list the object ID of a user or of a service principal`));
            assert.match(problem, /learn\.microsoft\.com\/graph\/api\/serviceprincipal-post-owners/);
            assert.equal(problem.includes("take the one under Enterprise applications"), type === "Application", type);
        }
    });

    it("tells the provider's not-found failure (directory_object_data_source.go:54) from any other", () => {
        assert.equal(isDirectoryObjectNotFound(failedLookUp(DIRECTORY_OBJECT_LOOK_UP, `Directory Object (Directory Object: "${UNKNOWN}") was not found`)), true);
        assert.equal(isDirectoryObjectNotFound(new Error("retrieving Directory Object: unexpected status 403 (Authorization_RequestDenied)")), false);
        assert.equal(isDirectoryObjectNotFound("was not found"), false);
    });
});

describe("servicePrincipalOwners under the tenant model (strict mocks)", () => {
    async function runWithOwners(owners: string[], directoryObjects: Record<string, string> = {}) {
        const mocks = tenantMocks({ now: NOW, directoryObjects });
        await installMocks(mocks, { config: { ...BASE_CONFIG, servicePrincipalOwners: JSON.stringify(owners) } });
        const { main } = await import("../../stack/main");
        return { mocks, main };
    }

    it("stops before registering anything when an entry is not in the tenant, or is a group, listing every bad entry", async () => {
        const { mocks, main } = await runWithOwners([PERSON, UNKNOWN, GROUP], { [PERSON]: "User", [GROUP]: "Group" });
        await assert.rejects(main({ now: NOW }), (e: Error) => {
            assert.equal(e.name, "ConfigError");
            assert.match(e.message, /^The stack configuration is not valid \(2 problems\); nothing was created:/);
            assert.match(e.message, new RegExp(`servicePrincipalOwners entry "${UNKNOWN}" is not an object in this tenant`));
            assert.match(e.message, new RegExp(`servicePrincipalOwners entry "${GROUP}" is a Group, which cannot own an enterprise application`));
            assert.ok(!e.message.includes(`"${PERSON}"`), "the user is a valid owner");
            return true;
        });
        assert.deepEqual(mocks.resources, []);
        assert.deepEqual(mocks.invokes.filter((i) => i.token === DIRECTORY_OBJECT_LOOK_UP).map((i) => i.inputs.objectId).sort(), [PERSON, UNKNOWN, GROUP].sort());
        assert.ok(!mocks.invokes.some((i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal"), "stopped before resolving permissions");
    });

    it("declares a user and a service principal of the tenant as the enterprise application's owners", async () => {
        const { mocks, main } = await runWithOwners([PERSON, DEPLOYER_OBJECT_ID], { [PERSON]: "ServicePrincipal" });
        const outputs = await main({ now: NOW });
        await valueOf(outputs.servicePrincipalObjectId);
        assert.deepEqual(mocks.byType(SERVICE_PRINCIPAL.token).map((r) => r.inputs.owners), [[PERSON, DEPLOYER_OBJECT_ID]]);
    });

    it("looks nothing up when no owner is declared", async () => {
        const { mocks, main } = await runWithOwners([]);
        await valueOf((await main({ now: NOW })).servicePrincipalObjectId);
        assert.ok(!mocks.invokes.some((i) => i.token === DIRECTORY_OBJECT_LOOK_UP));
    });

    it("answers getDirectoryObject as the provider does: the model's own objects by type, an unknown ID as not found", async () => {
        const tenant = new MockTenant({ handMadeSetup: { applicationObjectId: "11111111-1111-4111-8111-111111111111", servicePrincipalObjectId: "22222222-2222-4222-8222-222222222222", serviceUserObjectId: "33333333-3333-4333-8333-333333333333", delegatedGrantId: "g".repeat(43) } });
        const typeOf = async (objectId: string) => (await tenant.invoke(DIRECTORY_OBJECT_LOOK_UP, { objectId })).type;
        assert.deepEqual(await Promise.all(["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333", DEPLOYER_OBJECT_ID].map(typeOf)),
            ["Application", "ServicePrincipal", "User", "User"]);
        await assert.rejects(typeOf(UNKNOWN), (e: Error & { details?: string }) => isDirectoryObjectNotFound(e) && e.details === e.message);
    });
});

describe("servicePrincipalOwners against the emulator's Graph (GET /directoryObjects/{id})", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let deployer: SignedInDeployer;

    beforeEach(async () => {
        emulator = await startEmulator({ now: () => NOW });
        deployer = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor()));
    });
    afterEach(() => emulator.close());

    const deploy = (owners: string[]) => deployToEmulator({
        emulator, deployer, now: NOW, tenant: { consistencyTimeoutMs: 0 },
        config: { ...emulatorConfig(emulator), "jtel-teams-presence:verify": "false", "jtel-teams-presence:servicePrincipalOwners": JSON.stringify(owners) },
    });
    const appsNamed = () => emulator.directory.applications().filter((a) => a.displayName === "jtel Teams Presence");

    it("refuses an ID the tenant does not hold and an app registration's object ID, leaving no app registration behind", async () => {
        const other = emulator.directory.createApplication({ displayName: "Some other app" });
        await assert.rejects(deploy([UNKNOWN, other.id]), (e: Error) => {
            assert.equal(e.name, "ConfigError");
            assert.match(e.message, new RegExp(`servicePrincipalOwners entry "${UNKNOWN}" is not an object in this tenant`));
            assert.match(e.message, new RegExp(`servicePrincipalOwners entry "${other.id}" is an Application, which cannot own an enterprise application: .*take the one under Enterprise applications`));
            return true;
        });
        assert.deepEqual(appsNamed(), [], "nothing half-created");
    });

    it("needs Directory.Read.All for the look-up (README's row for servicePrincipalOwners), refused before anything is created", async () => {
        await emulator.close();
        emulator = await startEmulator({ now: () => NOW });
        deployer = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor().filter((r) => r.servicePrincipal !== "Directory.Read.All")));
        const owner = emulator.directory.createUser({ userPrincipalName: `owner@${emulator.directory.domain}`, displayName: "Owner", password: "Correct-Horse-7-Battery" }).id;
        await assert.rejects(deploy([owner]), /Graph GET \/directoryObjects\/[0-9a-f-]+ failed \(403 Authorization_RequestDenied\)/);
        assert.deepEqual(appsNamed(), []);
    });

    it("deploys with a user of the tenant as owner, who then owns the enterprise application", async () => {
        const owner = emulator.directory.createUser({ userPrincipalName: `owner@${emulator.directory.domain}`, displayName: "Owner", password: "Correct-Horse-7-Battery" }).id;
        const { result } = await deploy([owner]);
        const spId = String(result.state.find((e) => e.type === SERVICE_PRINCIPAL.token)!.outputs.objectId);
        assert.deepEqual(emulator.directory.servicePrincipals().find((sp) => sp.id === spId)?.ownerIds, [owner]);
    });
});
