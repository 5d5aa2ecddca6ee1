// Rules the tenant, the connector and the person reading `pulumi up` rely on in components/: the handoff's Key Vault
// secret names, the password rules' reasons, the servicePrincipalOwners check, the adoption warning for several owners,
// and the service principal's declared owners.
import { strict as assert } from "node:assert";
import { adoptionPlan, removedOwnersWarning } from "../../components/adoption";
import { AppRegistration } from "../../components/appRegistration";
import { HANDOFF_VAULT_ENTRIES, handoffSecretName } from "../../components/handoffVault";
import { CONNECTOR_FORBIDDEN_CHARACTERS, handMadePasswordProblems, passwordProblems } from "../../components/passwordPolicy";
import { SERVICE_PRINCIPAL_OWNER_TYPES, servicePrincipalOwnerProblem } from "../../components/servicePrincipalOwners";
import { GeneratedPasswordError, checkedGeneratedPassword } from "../../components/serviceUser";
import { capturingWarnings, installMocks, RecordingMocks, settle, valueOf } from "../support/pulumiHarness";

const SP = "a1b2c3d4-e5f6-4789-abcd-ef0123456789";
const OWNER_A = "0f1e2d3c-4b5a-4697-8877-665544332211";
const OWNER_B = "22222222-3333-4444-5555-666666666666";
const DECLARED = "9a8b7c6d-5e4f-4321-8765-fedcba987654";
const ALLOWED = "the object ID of a user or of a service principal (an enterprise application) of this tenant";

describe("adopting a setup with several owners nobody declared", () => {
    it("warns in the plural, lists every owner separated by commas, and gives a keep command for each", () => {
        const warning = removedOwnersWarning({ servicePrincipalObjectId: SP }, [OWNER_A, OWNER_B], [DECLARED]);
        assert.equal(warning, `The adopted service principal ${SP} (Enterprise applications > the app > Owners) has 2 owners that ` +
            `servicePrincipalOwners does not list: ${OWNER_A}, ${OWNER_B}. They are kept while adopting; \`pulumi config rm adopt\` will remove them, ` +
            "because the stack declares the enterprise application's owners (none unless servicePrincipalOwners lists them). To keep them, before that: " +
            `pulumi config set --path 'servicePrincipalOwners[0]' ${DECLARED}; pulumi config set --path 'servicePrincipalOwners[1]' ${OWNER_A}; ` +
            `pulumi config set --path 'servicePrincipalOwners[2]' ${OWNER_B}`);
    });
});

describe("the handoff in Key Vault", () => {
    it("stores the five values under the secret names and content types the jtel contact reads, in the guide's order", () => {
        assert.deepEqual(HANDOFF_VAULT_ENTRIES.map((e) => [e.key, handoffSecretName("contoso", e.suffix), e.contentType]), [
            ["applicationClientId", "contoso-application-client-id", "jtel handoff: Application (client) ID"],
            ["directoryTenantId", "contoso-directory-tenant-id", "jtel handoff: Directory (tenant) ID"],
            ["secretValue", "contoso-secret-value", "jtel handoff: Secret Value (client secret)"],
            ["userEmail", "contoso-user-email", "jtel handoff: User email address"],
            ["userPassword", "contoso-user-password", "jtel handoff: User password"],
        ]);
    });
});

describe("the password rules' reasons", () => {
    const REJECTS = "contains a character the connector rejects ([ ] < > ? # &)";

    it("refuses a drawn password with any of the connector's forbidden characters, naming them spaced apart", () => {
        assert.equal(CONNECTOR_FORBIDDEN_CHARACTERS, "[]<>?#&");
        for (const c of "[]<>?#&") {
            assert.deepEqual(passwordProblems(`Abcdefgh12345678${c}`), [REJECTS]);
        }
    });

    it("refuses a hand-made password with a forbidden character under the same reason", () => {
        assert.deepEqual(handMadePasswordProblems("Abcdefgh1#"), [REJECTS]);
    });

    it("accepts a hand-made password using any of Entra ID's symbols the connector takes, space included", () => {
        const symbols = "@$%^*-_!+={}|\\:',./`~\"(); ";
        assert.deepEqual(handMadePasswordProblems(`Abcd1${symbols}x`), []);
        for (const s of symbols) assert.deepEqual(handMadePasswordProblems(`Abcdefg1${s}x`), [], `symbol ${JSON.stringify(s)}`);
    });

    it("names each character class a hand-made password lacks when it uses fewer than three", () => {
        assert.deepEqual(handMadePasswordProblems("abcdefghij"),
            ["uses 1 of the 4 character classes, Entra ID needs 3: it has no upper-case letter and no digit and no symbol"]);
        assert.deepEqual(handMadePasswordProblems("ABCDEFGHIJ"),
            ["uses 1 of the 4 character classes, Entra ID needs 3: it has no lower-case letter and no digit and no symbol"]);
        assert.deepEqual(handMadePasswordProblems("!!!!!!!!!!"),
            ["uses 1 of the 4 character classes, Entra ID needs 3: it has no lower-case letter and no upper-case letter and no digit"]);
    });

    it("lists every broken rule of a drawn password in the error, separated by semicolons", () => {
        assert.throws(() => checkedGeneratedPassword("abc", 16), (e: unknown) => {
            assert.ok(e instanceof GeneratedPasswordError);
            assert.ok(e.message.startsWith("The password generated for the service user breaks a rule of Entra ID or the connector " +
                "(shorter than 16 characters; has no upper-case letter; has no digit; has no symbol), so it was not set on the user."), e.message);
            return true;
        });
    });
});

describe("servicePrincipalOwners entries", () => {
    it("accepts users and service principals as owners of the enterprise application", () => {
        assert.deepEqual([...SERVICE_PRINCIPAL_OWNER_TYPES], ["User", "ServicePrincipal"]);
        assert.equal(servicePrincipalOwnerProblem(DECLARED, "User"), undefined);
        assert.equal(servicePrincipalOwnerProblem(DECLARED, "ServicePrincipal"), undefined);
    });

    it("refuses a group, saying what to list instead and adding no app-registration hint", () => {
        assert.equal(servicePrincipalOwnerProblem(DECLARED, "Group"),
            `servicePrincipalOwners entry "${DECLARED}" is a Group, which cannot own an enterprise application: list ${ALLOWED}, ` +
            "the only owners Microsoft Graph accepts for a service principal (learn.microsoft.com/graph/api/serviceprincipal-post-owners)");
    });

    it("uses 'a' before a type that starts with a consonant even when it contains capital vowels", () => {
        assert.match(servicePrincipalOwnerProblem(DECLARED, "TokenIssuancePolicy") ?? "", /" is a TokenIssuancePolicy, which/);
        assert.match(servicePrincipalOwnerProblem(DECLARED, "Application") ?? "", /" is an Application, which/);
    });

    it("names what to list when the ID is not in the tenant", () => {
        assert.equal(servicePrincipalOwnerProblem(DECLARED, undefined),
            `servicePrincipalOwners entry "${DECLARED}" is not an object in this tenant (Microsoft Graph has no directory object with that ID): ` +
            `list ${ALLOWED} (Users > the user > Object ID, or Enterprise applications > the app > Object ID)`);
    });
});

describe("the enterprise application's declared owners", () => {
    const SP_TYPE = "azuread:index/servicePrincipal:ServicePrincipal";
    const ADOPT = { applicationObjectId: "0f0f0f0f-1111-4222-8333-444444444444", servicePrincipalObjectId: SP,
        serviceUserObjectId: "11111111-2222-3333-4444-555555555555", delegatedGrantId: "grant-id" };

    async function register(args: { owners?: string[]; adopt?: boolean; ownersInTenant?: string[] }) {
        const mocks = new RecordingMocks({}, {
            [SP_TYPE]: () => (args.ownersInTenant ? { owners: args.ownersInTenant } : {}),
        });
        await installMocks(mocks, { config: {} });
        const plan = adoptionPlan(ADOPT);
        const { warnings } = await capturingWarnings(async () => {
            const reg = new AppRegistration("reg", {
                displayName: "jtel presence", apiClientId: "00000003-0000-0000-c000-000000000000", scopeIds: [], roleIds: [],
                servicePrincipalOwners: args.owners,
                adopt: args.adopt ? { application: plan.application, servicePrincipal: plan.servicePrincipal, apiAccess: plan.apiAccess, ids: ADOPT } : undefined,
            });
            await valueOf(reg.servicePrincipalObjectId);
            for (let i = 0; i < 3; i++) await settle();
        });
        return { sp: mocks.one(SP_TYPE), warnings };
    }

    it("sends no owners input when servicePrincipalOwners is unset, so stacks that never listed owners see no change", async () => {
        const { sp } = await register({});
        assert.equal("owners" in sp.inputs, false, JSON.stringify(sp.inputs));
    });

    it("sends exactly the listed owners when servicePrincipalOwners lists some", async () => {
        const { sp } = await register({ owners: [DECLARED] });
        assert.deepEqual(sp.inputs.owners, [DECLARED]);
    });

    it("warns, while adopting, only of the owners servicePrincipalOwners does not list", async () => {
        const { warnings } = await register({ owners: [DECLARED], adopt: true, ownersInTenant: [OWNER_A, DECLARED] });
        assert.deepEqual(warnings, [removedOwnersWarning({ servicePrincipalObjectId: SP }, [OWNER_A], [DECLARED])]);
    });

    it("warns of nothing while adopting a service principal that has no owners", async () => {
        const { warnings } = await register({ adopt: true });
        assert.deepEqual(warnings, []);
    });
});
