// Loads policy/index.ts the way the Pulumi CLI's analyzer does (from the policy folder), then talks to the
// gRPC server PolicyPack starts, as the CLI would: what it registers, and what it reports for resources.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PACK_DESCRIPTION, PACK_NAME } from "../../policy/policies";
import { analyzerInfo, call, connect, LEVELS } from "./analyzerClient";
import { EXPECTED_POLICIES, TYPES } from "./policyHarness";
import { asMockSecret } from "../support/pulumiHarness";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
// A secret input as the engine sends it, and a value preview cannot know yet.
const secret = (value: string) => asMockSecret(value);
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** PolicyPack prints the port it serves on (the CLI reads it from stdout); capture it instead of printing it. */
async function loadPack(): Promise<number> {
    const log = console.log;
    const cwd = process.cwd();
    let port: number | undefined;
    console.log = (...args: unknown[]) => {
        const line = args.map(String).join(" ");
        if (/^\d+$/.test(line)) port = Number(line);
        else log(...args);
    };
    try {
        // The analyzer runs the pack with the policy folder as its working directory; PolicyPack reads
        // ./package.json from there for the pack's version.
        process.chdir(POLICY_DIR);
        await import("../../policy/index");
        process.chdir(cwd);
        for (let i = 0; i < 200 && port === undefined; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
        process.chdir(cwd);
        console.log = log;
    }
    if (port === undefined) throw new Error("the policy pack did not print the port of its analyzer server");
    return port;
}

function resource<T extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(
    into: T, type: string, name: string, props: Record<string, unknown>, protect = false,
): T {
    into.setType(type);
    into.setName(name);
    into.setUrn(`urn:pulumi:contoso::jtel-teams-presence::${type}::${name}`);
    into.setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
    into.setOptions(new analyzerproto.AnalyzerResourceOptions().setProtect(protect));
    return into;
}

describe("the policy pack as the Pulumi CLI loads it", function () {
    let client: analyzerrpc.AnalyzerClient;

    const analyze = async (type: string, props: Record<string, unknown>) => {
        const response = await call<analyzerproto.AnalyzeResponse>((cb) => client.analyze(resource(new analyzerproto.AnalyzeRequest(), type, "r", props), cb));
        return response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));
    };

    before(async () => {
        const port = await loadPack();
        client = connect(port);
    });

    after(() => client?.close());

    it("registers the pack's name, version, description and every policy with its enforcement level", async () => {
        const { info, name, version, policies } = await analyzerInfo(client);
        assert.equal(name, PACK_NAME);
        assert.equal(name, "jtel-teams-presence");
        assert.equal(version, (await import("../../policy/package.json")).version);
        assert.equal(info.getDescription(), PACK_DESCRIPTION);
        assert.equal(info.getSupportsconfig(), true);
        assert.deepEqual(policies, EXPECTED_POLICIES);
        const secretPolicy = info.getPoliciesList().find((p) => p.getName() === "client-secret-bounded-lifetime");
        const schema = secretPolicy?.getConfigschema()?.getProperties()?.toJavaScript();
        assert.deepEqual(schema?.maxSecretLifetimeDays, {
            type: "integer", minimum: 1, maximum: 730, default: 730,
            description: "Longest time, in days, from now to a client secret's endDate. At most 730 (the portal's cap); lower it to match a tenant's app management policy.",
        });
    });

    it("reports nothing for the service user as the program declares it, with its password secret and its ID unknown", async () => {
        assert.deepEqual(await analyze(TYPES.user, {
            userPrincipalName: "jtel-presence@contoso.com", displayName: "jtel Teams Presence Service", password: secret(UNKNOWN),
            forcePasswordChange: false, disablePasswordExpiration: true, accountEnabled: true,
        }), []);
    });

    it("blocks a forced password change with a mandatory violation", async () => {
        const found = await analyze(TYPES.user, { password: secret("x"), forcePasswordChange: true, accountEnabled: true });
        assert.deepEqual(found.map((d) => [d.policy, d.level]), [["service-user-can-sign-in", "mandatory"]]);
        assert.match(found[0].message, /forcePasswordChange: true/);
    });

    it("blocks a write scope in the delegated grant, naming it", async () => {
        const found = await analyze(TYPES.grant, { servicePrincipalObjectId: UNKNOWN, resourceServicePrincipalObjectId: "x", claimValues: ["Directory.ReadWrite.All", "Presence.Read.All"] });
        assert.deepEqual(found.map((d) => [d.policy, d.level]), [["graph-consent-read-only", "mandatory"]]);
        assert.match(found[0].message, /"Directory.ReadWrite.All"/);
    });

    it("blocks a multi-tenant app registration and a secret without an end date", async () => {
        assert.deepEqual((await analyze(TYPES.app, { displayName: "jtel Teams Presence", signInAudience: "AzureADMultipleOrgs" })).map((d) => d.policy),
            ["app-registration-single-tenant"]);
        assert.deepEqual((await analyze(TYPES.password, { applicationId: UNKNOWN, displayName: "s" })).map((d) => d.policy),
            ["client-secret-bounded-lifetime"]);
    });

    it("warns (advisory) about unprotected tenant objects at the end of a preview", async () => {
        const request = new analyzerproto.AnalyzeStackRequest().setResourcesList([
            resource(new analyzerproto.AnalyzerResource(), TYPES.app, "jtel-presence-registration-app", {}, true),
            resource(new analyzerproto.AnalyzerResource(), TYPES.sp, "jtel-presence-registration-sp", {}, true),
            resource(new analyzerproto.AnalyzerResource(), TYPES.user, "jtel-presence-service-user-user", {}, false),
        ]);
        const response = await call<analyzerproto.AnalyzeResponse>((cb) => client.analyzeStack(request, cb));
        const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), LEVELS[d.getEnforcementlevel()], d.getUrn()]);
        assert.deepEqual(found, [["tenant-objects-protected", "advisory", `urn:pulumi:contoso::jtel-teams-presence::${TYPES.user}::jtel-presence-service-user-user`]]);
    });

    it("applies maxSecretLifetimeDays from the policy config the CLI sends", async () => {
        const endDate = new Date(Date.now() + 200 * 24 * 60 * 60 * 1000).toISOString().replace(/\.\d+Z$/, "Z");
        assert.deepEqual(await analyze(TYPES.password, { endDate }), []);
        const configure = (properties: Record<string, number>) => {
            const request = new analyzerproto.ConfigureAnalyzerRequest();
            request.getPolicyconfigMap().set("client-secret-bounded-lifetime", new analyzerproto.PolicyConfig()
                .setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY).setProperties(Struct.fromJavaScript(properties)));
            return call<Empty>((cb) => client.configure(request, cb));
        };
        try {
            await configure({ maxSecretLifetimeDays: 180 });
            const found = await analyze(TYPES.password, { endDate });
            assert.equal(found.length, 1);
            assert.match(found[0].message, /more than the 180 days allowed \(policy config maxSecretLifetimeDays\)/);
        } finally {
            await configure({});
        }
    });
});
