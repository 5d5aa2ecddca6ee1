// Every az command the bootstrap runs and the docs show parses with the Azure CLI's own parser at the minimum
// version the bootstrap states (MIN_AZ, azure-cli 2.45.0: Debian's package), offline and signed out
// (test/support/azCli.ts): a parse error and "Please run 'az login'" are told apart.
//
// The bootstrap's commands are the argument lists its az stand-in received (fakeCli.ts) in real runs of every
// phase, both preview modes, and the re-runs that replace and remove federated credentials. The docs' commands are
// taken from README.md's and docs/gitops.md's shell blocks and inline code, and from new-tenant's printed steps.
// The preflight's commands (npm run doctor: what it runs and what it prints for the customer's administrator) come
// from its command table, fleet/preflightCommands.ts; test/fleet/preflight.test.ts checks the doctor runs no other.
// One shape is parsed once (IDs and names normalised).
//
// Debian's azure-cli 2.45 cannot load two of them: `az keyvault key create` and `az keyvault secret show` build
// their arguments from the track-1 SDK module azure.keyvault.v7_0, which Debian does not package
// ("No module named 'azure.keyvault.v7_0'"). Their shapes were checked against azure-cli 2.45.0's own source as
// Debian ships it (package azure-cli 2.45.0-1, /usr/lib/python3/dist-packages/azure/cli/command_modules/keyvault/):
//   - commands.py: `keyvault key create` is keyvault_custom('create', 'create_key'); custom.py create_key(client,
//     name, protection, key_size, key_ops, disabled, expires, not_before, tags, kty, curve, exportable,
//     release_policy); _params.py: key_name/vault_base_url in the shared key arguments (--name/-n, --vault-name),
//     'keyvault key' key_ops options_list ['--ops'] nargs='*' of JsonWebKeyOperation (encrypt, decrypt, sign,
//     verify, wrapKey, unwrapKey, import, export), 'keyvault key create|import' key_size options_list ['--size']
//     type int, 'keyvault key create' kty of JsonWebKeyType (EC, EC-HSM, RSA, RSA-HSM, oct, oct-HSM);
//   - commands.py: `keyvault secret show` is keyvault_command('show', 'get_secret'); _params.py's shared secret
//     arguments: secret_name --name/-n, vault_base_url --vault-name, secret_version --version/-v, --id.
// SOURCE_CHECKED below holds exactly those flags, and a command of those two that uses another flag or value fails.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapInstructions, validateTenant } from "../../fleet/newTenant";
import { doctorAzCommands, shellLine } from "../../fleet/preflightCommands";
import { root } from "../gitops/workflowModel";
import { azCommandsIn, azCommandsInMarkdown, azPython, networkIsolation, runAzOffline, verdictOf, type AzResult } from "../support/azCli";
import { documents } from "../docs/shellBlocks";
import { BootstrapBench, scenario, SCRIPT, TENANTS } from "./bootstrapHarness";

const MIN_AZ = /^readonly MIN_AZ="([\d.]+)"$/m.exec(readFileSync(SCRIPT, "utf8"))?.[1];

const SOURCE_CHECKED: Record<string, { flags: Record<string, RegExp | null> }> = {
    "keyvault key create": { flags: { "--vault-name": /^[\w-]+$/, "--name": /^[\w-]+$/, "--kty": /^(EC|EC-HSM|RSA|RSA-HSM|oct|oct-HSM)$/, "--size": /^\d+$/, "--ops": /^(encrypt|decrypt|sign|verify|wrapKey|unwrapKey|import|export)$/, "--help": null } },
    "keyvault secret show": { flags: { "--vault-name": /./, "--name": /./, "--query": /./, "-o": /^(json|jsonc|tsv|table|yaml|yamlc|none)$/ } },
};

/** The flags of a command line and the values after each (--ops takes several). */
function flagsOf(args: string[]): [string, string[]][] {
    const out: [string, string[]][] = [];
    for (const a of args) {
        if (a.startsWith("-")) out.push([a, []]);
        else if (out.length > 0) out[out.length - 1][1].push(a);
    }
    return out;
}

function sourceCheck(args: string[]): string[] {
    const command = args.filter((a) => !a.startsWith("-")).slice(0, 3).join(" ");
    const known = SOURCE_CHECKED[command];
    if (!known) return [`az ${args.join(" ")}: Debian's az cannot load it and its shape was not checked against the source`];
    const problems: string[] = [];
    for (const [flag, values] of flagsOf(args.slice(3))) {
        if (!(flag in known.flags)) problems.push(`az ${command}: ${flag} is not an argument of azure-cli 2.45.0's ${command}`);
        const allowed = known.flags[flag];
        for (const v of values) if (allowed && !allowed.test(v)) problems.push(`az ${command}: ${flag} ${v} is not allowed`);
    }
    return problems;
}

const GUID = "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001";

/** Sample values for the docs' variables and <placeholders>. */
function sample(name: string): string {
    if (/tenant|subscription|id|^<?me>?$|client|object/i.test(name)) return GUID;
    if (name === "substitution") return `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
    if (/LOCATION/.test(name)) return "westeurope";
    return "jtelsample";
}

/** One argument list per shape: GUIDs, azblob URLs and JSON bodies' IDs made alike. */
function shape(args: string[]): string {
    return args.map((a) => a.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "GUID")).join("\u0000");
}

describe("every az command the bootstrap runs and the docs show, through the Azure CLI's own parser", function () {
    // One warm az interpreter, a fork per distinct command (~30).
    this.timeout(300_000);
    const bootstrapCalls: string[][] = [];
    let results: AzResult[] = [];
    const fromDocs: [string, string[]][] = [];
    const fromDoctor: string[][] = [];

    before(async function () {
        if (!azPython()) {
            if (process.env.CI) throw new Error("az is missing: .ci/run installs Debian's azure-cli, and CI must not skip these checks");
            this.skip();
        }
        // The calls of the bootstrap runs in this process (bootstrap.test.ts); where some kind is missing (this file
        // run alone), run the phases that make it: both modes, a replaced subject and removed pull_request credentials.
        const needed = [/^identity federated-credential update /, /^identity federated-credential delete /, /^ad app federated-credential update /, /^ad app federated-credential delete /, /^keyvault key create /, /^ad app create /];
        const have = () => BootstrapBench.recorded.filter((c) => c.tool === "az").map((c) => c.args.join(" "));
        if (!needed.every((n) => have().some((line) => n.test(line)))) {
            const bench = await BootstrapBench.create(scenario({ repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "public" }, immutableSubjects: false, oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"], use_immutable_subject: false } }));
            try {
                await bench.bootstrap("contoso");
                bench.github.state.scenario.repo.visibility = "private";
                bench.github.state.scenario.immutableSubjects = true;
                await bench.bootstrap("contoso", { through: "customer" });
            } finally {
                await bench.dispose();
            }
        }
        const seen = new Set<string>();
        for (const call of BootstrapBench.recorded) {
            if (call.tool !== "az" || seen.has(shape(call.args))) continue;
            seen.add(shape(call.args));
            bootstrapCalls.push(call.args);
        }
        for (const { file, markdown } of documents(root)) {
            for (const args of azCommandsInMarkdown(markdown, sample)) fromDocs.push([file, args]);
        }
        // The documents that show az commands: a moved section must not drop out of this check.
        for (const file of ["README.md", join("docs", "gitops.md"), join("docs", "handoff.md"), join("docs", "migration.md"), join("docs", "secret-usage.md")]) {
            assert.ok(fromDocs.some(([where]) => where === file), `no az command read from ${file}`);
        }
        const printed = bootstrapInstructions(validateTenant({
            stack: "contoso", tenantId: TENANTS.contoso, serviceUser: "jtel-presence@contoso.com",
            config: { handoffKeyVault: '{"resourceGroupName":"rg","vaultName":"kv-contoso"}' },
        }), "jtel/jtel-teams-presence");
        for (const line of printed.split("\n").filter((l) => /^\s+az /.test(l))) for (const args of azCommandsIn(line.trim(), sample)) fromDocs.push(["npm run new-tenant's next steps", args]);
        // As run, and as printed for someone else to paste (shell-quoted, read back by the shell-word reader).
        for (const args of doctorAzCommands({ stack: "contoso", repo: "jtel/jtel-teams-presence", tenant: TENANTS.contoso, graph: "https://graph.microsoft.com", resourceGroup: "jtel-state", subscription: GUID, appId: GUID })) {
            fromDoctor.push(args, ...azCommandsIn(shellLine("az", args), sample));
        }
        const batch = [...bootstrapCalls, ...fromDocs.map(([, args]) => args), ...fromDoctor];
        const unique = [...new Map(batch.map((args) => [shape(args), args])).values()];
        results = await runAzOffline(unique);
    });

    it(`runs az ${MIN_AZ}, the bootstrap's stated minimum, without network and without a sign-in`, () => {
        const version = results.find((r) => r.args.join(" ") === 'version --query "azure-cli" -o tsv');
        assert.equal(version?.stdout.trim(), MIN_AZ, "the parser is the minimum version the bootstrap states");
        assert.ok(networkIsolation().how.length > 0);
        const login = results.find((r) => r.args[0] === "login");
        assert.ok(login, "an az login from the docs was run");
        assert.doesNotMatch(login.stderr, /Please run 'az login'/);
        assert.match(login.stderr, /127\.0\.0\.1|ProxyError|Failed to establish|name resolution|unreachable/i, "az login reached no network");
    });

    it("parses every az command the bootstrap ran, in every phase and both preview modes", () => {
        assert.ok(bootstrapCalls.length >= 25, `only ${bootstrapCalls.length} shapes recorded`);
        const problems: string[] = [];
        for (const args of bootstrapCalls) {
            const result = results.find((r) => shape(r.args) === shape(args)) as AzResult;
            const verdict = verdictOf(result);
            if (verdict === "parse-error") problems.push(`az ${args.join(" ")}\n${result.stderr.split("\n").filter((l) => /ERROR|error:/.test(l)).join("\n")}`);
            if (verdict === "cannot-load") problems.push(...sourceCheck(args));
        }
        assert.deepEqual(problems, []);
    });

    it("parses every az command README.md, every docs/*.md and new-tenant show, including the sign-in without a subscription", () => {
        assert.ok(fromDocs.some(([, args]) => args.join(" ") === `login --tenant ${GUID} --allow-no-subscriptions`), "the docs sign in with --allow-no-subscriptions");
        assert.ok(!fromDocs.some(([, args]) => args[0] === "login" && !args.includes("--allow-no-subscriptions")), "no sign-in to a customer tenant needs a subscription");
        const problems: string[] = [];
        for (const [where, args] of fromDocs) {
            const result = results.find((r) => shape(r.args) === shape(args)) as AzResult;
            const verdict = verdictOf(result);
            if (verdict === "parse-error") problems.push(`${where}: az ${args.join(" ")}\n${result.stderr.split("\n").filter((l) => /ERROR|error:/.test(l)).join("\n")}`);
            if (verdict === "cannot-load") problems.push(...sourceCheck(args).map((p) => `${where}: ${p}`));
        }
        assert.deepEqual(problems, []);
    });

    it("parses every az command npm run doctor runs or prints, each of which only reads", () => {
        assert.ok(fromDoctor.length >= 22, `only ${fromDoctor.length} doctor commands`);
        const problems: string[] = [];
        for (const args of fromDoctor) {
            const result = results.find((r) => shape(r.args) === shape(args)) as AzResult;
            const verdict = verdictOf(result);
            if (verdict === "parse-error") problems.push(`az ${args.join(" ")}\n${result.stderr.split("\n").filter((l) => /ERROR|error:/.test(l)).join("\n")}`);
            if (verdict === "cannot-load") problems.push(...sourceCheck(args));
            if (/\b(create|update|delete|set|add|remove|assign)\b/.test(args.slice(0, 4).join(" ")) && !args.includes("--help")) problems.push(`az ${args.join(" ")} changes something`);
            if (args[0] === "rest" && args[args.indexOf("--method") + 1] !== "get") problems.push(`az ${args.join(" ")} is not a GET`);
        }
        assert.deepEqual(problems, []);
    });

    it("has .ci/tools (run by .ci/run and ci.yml) install gh, Debian's azure-cli and unshare, so these checks fail rather than skip without them", () => {
        const ciRun = readFileSync(join(root, ".ci", "tools"), "utf8");
        for (const [tool, pkg] of [["gh", "gh"], ["az", "azure-cli"], ["unshare", "util-linux"]]) {
            assert.match(ciRun, new RegExp(`command -v ${tool} >/dev/null \\|\\| missing\\+=\\(${pkg}\\)`), tool);
        }
    });

    it("tells a parse error from a missing sign-in, and checks the shapes it cannot load against the source table", async () => {
        const [wrongFlag, missing, fine, unloadable] = await runAzOffline([
            ["identity", "federated-credential", "update", "--name", "n", "--identity-name", "i", "--resource-group", "rg", "--subjects", "s"],
            ["ad", "app", "federated-credential", "delete", "--id", GUID],
            ["ad", "app", "federated-credential", "delete", "--id", GUID, "--federated-credential-id", "n"],
            ["keyvault", "key", "create", "--vault-name", "v", "--name", "k", "--kty", "RSA", "--size", "3072", "--ops", "encrypt", "decrypt"],
        ]);
        assert.equal(verdictOf(wrongFlag), "parse-error", wrongFlag.stderr);
        assert.equal(verdictOf(missing), "parse-error", missing.stderr);
        assert.equal(verdictOf(fine), "parsed", fine.stderr);
        assert.equal(verdictOf(unloadable), "cannot-load", unloadable.stderr);
        assert.deepEqual(sourceCheck(unloadable.args), []);
        assert.match(sourceCheck(["keyvault", "key", "create", "--vault-name", "v", "--name", "k", "--key-type", "RSA"]).join(), /--key-type is not an argument/);
        assert.match(sourceCheck(["keyvault", "key", "create", "--vault-name", "v", "--name", "k", "--kty", "RSA", "--ops", "encrypt", "unwrap"]).join(), /--ops unwrap is not allowed/);
    });

    it("agrees with the az launcher itself on a parse error and on a missing sign-in", () => {
        const config = mkdtempSync(join(tmpdir(), "az-launcher-"));
        const run = (args: string[]) => spawnSync("az", args, { encoding: "utf8", env: { PATH: process.env.PATH, HOME: config, AZURE_CONFIG_DIR: config, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" } });
        try {
            const parseError = run(["identity", "federated-credential", "list", "--identity-nam3", "x"]);
            const signIn = run(["identity", "federated-credential", "list", "--identity-name", "x", "--resource-group", "rg"]);
            assert.equal(verdictOf({ args: [], code: parseError.status ?? -1, stdout: parseError.stdout, stderr: parseError.stderr }), "parse-error");
            assert.equal(verdictOf({ args: [], code: signIn.status ?? -1, stdout: signIn.stdout, stderr: signIn.stderr }), "parsed");
        } finally {
            rmSync(config, { recursive: true, force: true });
        }
    });
});
