// Pulumi.<stack>.yaml and Pulumi.yaml read the way the Pulumi CLI hands them to the program (planner/stackFile.ts).
import { strict as assert } from "node:assert";
import { parseStackFile, programConfig, projectDefaults, secureStandIn, StackFileError } from "../../planner/stackFile";
import { handMadePasswordProblems } from "../../components/passwordPolicy";

describe("a stack file read like the Pulumi CLI reads it", () => {
    const project = "jtel-teams-presence";

    it("hands scalars over as written and lists and objects as JSON, with bare keys in the project's namespace", () => {
        const text = [
            "secretsprovider: azurekeyvault://kv.vault.azure.net/keys/tenant-contoso",
            "config:",
            "  azuread:tenantId: 0f1e2d3c-4b5a-6978-8a9b-acbdcedff001",
            "  jtel-teams-presence:secretRotationDays: 90",
            "  jtel-teams-presence:verify: false",
            "  jtel-teams-presence:delegatedPermissions: [User.Read, Presence.Read.All]",
            "  jtel-teams-presence:handoffKeyVault:",
            "    resourceGroupName: rg",
            "    vaultName: kv",
            "  consent: serviceUser",
        ].join("\n");
        assert.deepEqual(parseStackFile(text, "Pulumi.contoso.yaml", project), {
            config: {
                "azuread:tenantId": "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001",
                "jtel-teams-presence:secretRotationDays": "90",
                "jtel-teams-presence:verify": "false",
                "jtel-teams-presence:delegatedPermissions": '["User.Read","Presence.Read.All"]',
                "jtel-teams-presence:handoffKeyVault": '{"resourceGroupName":"rg","vaultName":"kv"}',
                "jtel-teams-presence:consent": "serviceUser",
            },
            secure: {},
        });
    });

    it("replaces secure: values, nested ones too, by a stand-in that depends only on the ciphertext", () => {
        const text = "config:\n  jtel-teams-presence:existingUserPassword:\n    secure: v1:abc\n  x:obj:\n    inner:\n      secure: v1:def\n";
        const settings = parseStackFile(text, "Pulumi.contoso.yaml", project);
        assert.deepEqual(settings.secure, { "jtel-teams-presence:existingUserPassword": "v1:abc", "x:obj": "v1:def" });
        assert.equal(settings.config["jtel-teams-presence:existingUserPassword"], secureStandIn("v1:abc"));
        assert.equal(settings.config["x:obj"], JSON.stringify({ inner: secureStandIn("v1:def") }));
        assert.notEqual(secureStandIn("v1:abc"), secureStandIn("v1:abd"));
        assert.deepEqual(handMadePasswordProblems(secureStandIn("v1:abc")), [], "the program accepts the stand-in as a hand-made password");
    });

    it("names the file when it is not YAML or has no mapping of settings", () => {
        assert.throws(() => parseStackFile("config: [a", "Pulumi.contoso.yaml", project), (e: unknown) => e instanceof StackFileError && /^Pulumi\.contoso\.yaml is not valid YAML/.test(e.message));
        assert.throws(() => parseStackFile("config: [a, b]", "Pulumi.contoso.yaml", project), /Pulumi\.contoso\.yaml: config: must be a mapping/);
        assert.throws(() => parseStackFile("- a", "Pulumi.contoso.yaml", project), /must be a YAML mapping/);
        assert.deepEqual(parseStackFile("", "Pulumi.contoso.yaml", project), { config: {}, secure: {} });
    });

    it("takes the project's defaults for keys the stack file does not set, as pulumi's mergeConfig does", () => {
        const { project: name, defaults } = projectDefaults("name: p\nconfig:\n  a:\n    type: integer\n    default: 180\n  b:\n    type: array\n    default: [x, y]\n  c:\n    type: string\n  other:key: {default: v}\n");
        assert.equal(name, "p");
        assert.deepEqual(defaults, { "p:a": "180", "p:b": '["x","y"]', "other:key": "v" });
        assert.deepEqual(programConfig({ config: { "p:a": "90" }, secure: {} }, defaults), { "p:a": "90", "p:b": '["x","y"]', "other:key": "v" });
        assert.throws(() => projectDefaults("config: {}\n"), /Pulumi.yaml has no project name/);
    });
});
