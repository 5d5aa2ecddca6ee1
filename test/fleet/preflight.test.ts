// `npm run doctor`, the onboarding preflight: with the real gh against the fake GitHub API on loopback (Actions runs,
// jobs and logs answered as GitHub does), the bootstrap's own read-only inspect phase, and the stateful az stand-in
// that holds what the real bootstrap created. Read-only throughout: the fake GitHub sees GET requests only, az only
// list/show commands built in fleet/preflightCommands.ts (test/fleet/bootstrapAz.test.ts parses those with az's
// parser), and no token reaches the log host.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { EXIT, runDoctorCli, stackConfigOf, summarize, USAGE } from "../../cli/doctor";
import { bootstrapInstructions, stackFileText, validateTenant } from "../../fleet/newTenant";
import {
    domainRow, exitCodeOf, githubRows, parseInspection, previewModeRow, renderTable, rolesRow, subscriptionRow, versionAtLeast, type Row,
} from "../../fleet/preflight";
import { az, doctorAzCommands, shellLine } from "../../fleet/preflightCommands";
import { credentialProblems, ownCredential, prefixOf, probeJobName, subjectsInLog, wantedCredentials } from "../../fleet/subjectProbe";
import { root } from "../gitops/workflowModel";
import { BootstrapBench, scenario, STATE_TENANT, TENANTS } from "./bootstrapHarness";
import { addProbeRun, CUSTOMER_ADMIN, doctor, ROLES, type DoctorRun } from "./preflightHarness";

const PREFIX = "repo:jtel@5510001/jtel-teams-presence@912345678";
const CLASSIC = "repo:jtel/jtel-teams-presence";
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The table's row for a check: its mark, result and what to do. */
function row(run: DoctorRun, check: string): string {
    const line = run.stdout.split("\n").find((l) => l.startsWith(`| ${check} |`));
    assert.ok(line, `no row "${check}" in:\n${run.stdout}`);
    return line;
}

/** Every az call of a run is one the doctor's command table builds (and so one the az parser test parses), and reads only. */
function assertReadOnly(run: DoctorRun, inputs: Parameters<typeof doctorAzCommands>[0]): void {
    const shapes = new Set(doctorAzCommands(inputs).map((args) => args.join(" ").replace(GUID, "GUID")));
    for (const call of run.calls.filter((c) => c.tool === "az")) {
        assert.ok(shapes.has(call.args.join(" ").replace(GUID, "GUID")), `az ${call.args.join(" ")} is not in fleet/preflightCommands.ts`);
    }
    assert.deepEqual(run.calls.filter((c) => c.tool === "pulumi").map((c) => c.args.join(" ")).filter((a) => a !== "version"), []);
    assert.deepEqual(run.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`), [], "GET requests only");
}

function stackFile(config: Record<string, string> = {}): string {
    return stackFileText(validateTenant({ stack: "contoso", tenantId: TENANTS.contoso, serviceUser: "jtel-presence@contoso.com", config }));
}

describe("npm run doctor: what it decides", () => {
    it("reads the subject from a job log as GitHub serves it and as gh run view prints it, and from no other line", () => {
        const sub = `${PREFIX}:environment:tenant-contoso:event_name:workflow_dispatch`;
        const log = `\ufeff2026-12-01T10:00:00.0000000Z ##[group]Run bash .github/scripts/oidc-subject.sh\n2026-12-01T10:00:00.1000000Z   ENVIRONMENT: tenant-contoso\n2026-12-01T10:00:01.0000000Z oidc-subject environment=tenant-contoso sub=${sub}\r\n`;
        assert.deepEqual([...subjectsInLog(log)], [["tenant-contoso", sub]]);
        const viaRunView = `subject in tenant-contoso-drift\tRun bash .github/scripts/oidc-subject.sh\t2026-12-01T10:00:01.0000000Z oidc-subject environment=tenant-contoso-drift sub=${sub.replace("tenant-contoso:", "tenant-contoso-drift:")}`;
        assert.deepEqual([...subjectsInLog(viaRunView).keys()], ["tenant-contoso-drift"]);
        assert.equal(subjectsInLog("echo oidc-subject environment=%s sub=%s\nprintf 'oidc-subject environment=x sub=y' extra").size, 0);
        assert.equal(prefixOf(sub, "tenant-contoso"), PREFIX);
        assert.equal(prefixOf(`${PREFIX}:environment:tenant-contoso`, "tenant-contoso"), undefined, "a template without event_name is not the design's");
    });

    it("names each probe job as oidc-subject.yml does", () => {
        const workflow = yaml.load(readFileSync(join(root, ".github", "workflows", "oidc-subject.yml"), "utf8")) as { jobs: Record<string, { name?: string; environment?: string }> };
        const probes = Object.values(workflow.jobs).filter((job) => job.environment);
        assert.equal(probes.length, 3);
        for (const job of probes) assert.equal(job.name, probeJobName(job.environment as string));
    });

    it("wants the bootstrap's credentials per preview mode, and names both subjects of a stale one", () => {
        const reviewed = wantedCredentials(PREFIX, "contoso", "reviewed");
        assert.deepEqual(reviewed.deploy.map((w) => w.name), ["tenant-contoso-push", "tenant-contoso-schedule", "tenant-contoso-workflow-dispatch"]);
        assert.deepEqual(reviewed.read.map((w) => w.name), ["tenant-contoso-drift-schedule", "tenant-contoso-drift-workflow-dispatch", "tenant-contoso-preview-pull-request"]);
        const offline = wantedCredentials(PREFIX, "contoso", "offline-plan");
        assert.deepEqual(offline.read.map((w) => w.name), ["tenant-contoso-drift-schedule", "tenant-contoso-drift-workflow-dispatch"]);
        const credential = (name: string, subject: string) => ({ name, subject, issuer: "https://token.actions.githubusercontent.com", audiences: "api://AzureADTokenExchange" });
        const have = [
            credential("tenant-contoso-drift-schedule", `${CLASSIC}:environment:tenant-contoso-drift:event_name:schedule`),
            credential("tenant-contoso-preview-pull-request", `${PREFIX}:environment:tenant-contoso-preview:event_name:pull_request`),
            credential("someone-elses", "repo:x/y:ref:refs/heads/main"),
        ];
        const problems = credentialProblems("contoso", have, offline.read);
        assert.deepEqual(problems, [
            `tenant-contoso-drift-schedule trusts ${CLASSIC}:environment:tenant-contoso-drift:event_name:schedule, but GitHub sends ${PREFIX}:environment:tenant-contoso-drift:event_name:schedule (a sign-in fails with AADSTS700213)`,
            `tenant-contoso-drift-workflow-dispatch is missing (GitHub sends ${PREFIX}:environment:tenant-contoso-drift:event_name:workflow_dispatch)`,
            `tenant-contoso-preview-pull-request (${PREFIX}:environment:tenant-contoso-preview:event_name:pull_request) is not wanted in this preview mode`,
        ]);
        const unknown = wantedCredentials(PREFIX, "contoso", undefined);
        assert.deepEqual(credentialProblems("contoso", [have[1]], [], unknown.optional), [], "with the mode unknown, the pull_request credential is neither wanted nor unwanted");
    });

    it("asks for Privileged Role Administrator, User Administrator and Cloud Application Administrator, or Global Administrator, naming each missing role", () => {
        assert.equal(rolesRow([ROLES.globalAdmin].join("\n"), CUSTOMER_ADMIN).state, "ok");
        assert.equal(rolesRow([ROLES.cloudAppAdmin, ROLES.userAdmin, ROLES.privilegedRoleAdmin].join("\n"), CUSTOMER_ADMIN).state, "ok");
        const missing = rolesRow([ROLES.privilegedRoleAdmin, ROLES.cloudAppAdmin].join("\n"), CUSTOMER_ADMIN);
        assert.equal(missing.state, "fix");
        assert.match(missing.result, /lacks User Administrator \(/);
        assert.match(missing.result, /lacks User Administrator \([^;]*\); holds: Privileged Role Administrator, Cloud Application Administrator$/);
        assert.match(missing.todo, /assigns User Administrator to admin@contoso\.com/);
        assert.match(rolesRow("", CUSTOMER_ADMIN).result, /lacks Privileged Role Administrator .*User Administrator .*Cloud Application Administrator .*holds: none/);
        assert.equal(rolesRow("\tGlobal Administrator", CUSTOMER_ADMIN).state, "ok", "a role without its template ID counts by name");
    });

    it("wants the service user's domain verified in the tenant", () => {
        assert.equal(domainRow("Contoso.com\ttrue\ncontoso.onmicrosoft.com\ttrue", "jtel-presence@contoso.com").state, "ok");
        const unverified = domainRow("contoso.com\tfalse\ncontoso.onmicrosoft.com\ttrue", "jtel-presence@contoso.com");
        assert.equal(unverified.state, "fix");
        assert.match(unverified.result, /contoso\.com .* not verified/);
        assert.match(unverified.todo, /verify contoso\.com .*contoso\.onmicrosoft\.com/);
        assert.match(domainRow("contoso.onmicrosoft.com\ttrue", "jtel-presence@contoso.com").result, /not a domain of the tenant; verified: contoso\.onmicrosoft\.com/);
    });

    it("needs a subscription only for handoffKeyVault, and not the tenant-level entry of --allow-no-subscriptions", () => {
        const tenant = TENANTS.contoso;
        const none = `${tenant}\tN/A(tenant level account)`;
        assert.equal(subscriptionRow(none, tenant, undefined).state, "ok");
        assert.match(subscriptionRow(none, tenant, undefined).todo, /--allow-no-subscriptions is enough/);
        const vault = { vaultName: "kv-contoso" };
        assert.equal(subscriptionRow(none, tenant, vault).state, "fix");
        assert.match(subscriptionRow(none, tenant, vault).result, /handoffKeyVault kv-contoso lives in an Azure subscription, and az sees none/);
        const sub = "aaaaaaaa-1111-4111-8111-000000000001";
        assert.equal(subscriptionRow(`${sub}\tContoso prod`, tenant, vault).state, "ok");
        assert.equal(subscriptionRow(`${sub}\tContoso prod`, tenant, { ...vault, subscriptionId: sub.toUpperCase() }).state, "ok");
        assert.equal(subscriptionRow(`${sub}\tContoso prod`, tenant, { ...vault, subscriptionId: "bbbbbbbb-1111-4111-8111-000000000001" }).state, "fix");
    });

    it("flags a PREVIEW_MODE that disagrees with what the plan gives, and a template without the event, with the command", () => {
        const inspection = parseInspection([
            "repository=jtel/jtel-teams-presence", "visibility=private", `subject_prefix=${PREFIX}`, `reported_prefix=${PREFIX}`, "template=repo,context",
            "template_problem=the OIDC subject template of jtel/jtel-teams-presence is {repo,context}, not {repo,context,event_name}",
            "template_fix=gh api -X PUT repos/jtel/jtel-teams-presence/actions/oidc/customization/sub --input - <<<'{}'", "main_protected=true",
            "preview_mode=offline-plan", "preview_reason=jtel/jtel-teams-presence is private and jtel is on GitHub Team", "preview_mode_variable=reviewed",
            "environment=tenant-contoso branches=branch:main,branch:release/* reviewers=0", "environment=tenant-contoso-drift absent",
        ].join("\n"), "==> x\n    GitHub reports use_immutable_subject false but the prefix ...\n");
        const rows = githubRows(inspection, "contoso", undefined);
        const get = (check: string) => rows.find((r) => r.check === check) as Row;
        assert.equal(get("preview mode").state, "fix");
        assert.match(get("preview mode").todo, /run the jtel phase, then the customer phase, again for every stack/);
        assert.equal(get("subject template").state, "fix");
        assert.match(get("subject template").todo, /runs once: gh api -X PUT/);
        assert.equal(get("environments").state, "fix");
        assert.match(get("environments").result, /tenant-contoso admits branch:main,branch:release\/\*/);
        assert.match(get("subject prefix").result, /reports use_immutable_subject false/);
        assert.equal(previewModeRow({ ...inspection, previewMode: "unknown", previewModeVariable: "" }).state, "open");
        assert.equal(previewModeRow({ ...inspection, previewMode: "unknown", previewModeVariable: "offline-plan" }).state, "ok");
    });

    it("prints one table whose cells hold no line break or bare pipe, and exits 1 only with something to fix", () => {
        const rows: Row[] = [{ check: "a", state: "ok", result: "x | y\nz", todo: "" }, { check: "b", state: "open", result: "later", todo: "someone" }];
        const table = renderTable(rows);
        assert.equal(table.split("\n").length, 4);
        assert.match(table, /\| a \| ok: x \\\| y z \| {2}\|/);
        assert.equal(exitCodeOf(rows), 0);
        assert.equal(exitCodeOf([...rows, { check: "c", state: "fix", result: "", todo: "" }]), 1);
        assert.ok(versionAtLeast("2.45.0", "2.45.0") && versionAtLeast("v3.280.1", "3.276.0") && !versionAtLeast("2.9.9", "2.23.0"));
    });

    it("never passes on a token from a tool's error", () => {
        const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        const text = summarize(`WARNING: x\nERROR: failed with ghp_abcdefghijklmnopqrstuvwxyz0123456789 and Bearer ${jwt}\n`);
        assert.doesNotMatch(text, /ghp_|eyJ/);
        assert.match(text, /^failed with \[redacted\] and Bearer \[redacted\]$/);
    });

    it("counts as the stack's own credentials exactly those the bootstrap names and replaces (its own_credential_re)", () => {
        const script = join(root, ".github", "scripts", "bootstrap-tenant.sh");
        const line = readFileSync(script, "utf8").split("\n").find((l) => l.startsWith("own_credential_re="));
        assert.ok(line, "bootstrap-tenant.sh sets own_credential_re");
        const names = ["", "-preview", "-drift", "-review", "-preview-drift"].flatMap((env) =>
            ["push", "schedule", "workflow-dispatch", "workflow_dispatch", "pull-request", "release"].flatMap((event) =>
                [`tenant-contoso${env}-${event}`, `tenant-contoso2${env}-${event}`, `x-tenant-contoso${env}-${event}`, `tenant-contoso${env}-${event}-old`]));
        const bash = spawnSync("bash", ["-c", `stack=contoso; ${line}; for n in "$@"; do if [[ $n =~ $own_credential_re ]]; then echo 1; else echo 0; fi; done`, "bash", ...names], { encoding: "utf8" });
        assert.equal(bash.status, 0, bash.stderr);
        const theirs = bash.stdout.trim().split("\n").map((b) => b === "1");
        assert.deepEqual(names.map((n) => ownCredential("contoso", n)), theirs);
        assert.equal(theirs.filter(Boolean).length, 12, "3 environments x 4 events");
    });

    it("reads a stack file with an encrypted value and adopt without decrypting it", () => {
        const text = `${stackFile()}  jtel-teams-presence:existingUserPassword:\n    secure: v1:abcdef==\n  jtel-teams-presence:adopt: {"applicationObjectId":"0f1e2d3c-4b5a-4697-8a9b-acbdcedff001","servicePrincipalObjectId":"0f1e2d3c-4b5a-4697-8a9b-acbdcedff002","serviceUserObjectId":"0f1e2d3c-4b5a-4697-8a9b-acbdcedff003","delegatedGrantId":"abcdefghijklmnop"}\n`;
        const config = stackConfigOf(text, "Pulumi.contoso.yaml");
        assert.equal(config.tenantId, TENANTS.contoso);
        assert.ok(config.adopt);
    });

    it("reads a stack file as npm run plan hands it to the program: lists, nested secure values, other namespaces", () => {
        // planner/stackFile.ts is the one reading of Pulumi.<stack>.yaml; the doctor strips only the project's namespace.
        const text = `${stackFile()}  jtel-teams-presence:verifyAgents:\n    - a@contoso.com\n    - b@contoso.com\n  jtel-teams-presence:secretRotationDays: 90\n  jtel-teams-presence:existingUserPassword:\n    secure: v1:abcdef==\n  azure-native:location: westeurope\n`;
        const config = stackConfigOf(text, "Pulumi.contoso.yaml");
        assert.deepEqual(config.verifyAgents, ["a@contoso.com", "b@contoso.com"]);
        assert.equal(config.secretRotationDays, 90);
        assert.match(config.existingUserPassword ?? "", /^Plan-[0-9a-f]{20}-X9$/, "the planner's stand-in, taken as a secret key");
        assert.throws(() => stackConfigOf(`${stackFile()}  jtel-teams-presence:verifyAgents: a@contoso.com\n`, "Pulumi.contoso.yaml"), /verifyAgents/);
        assert.throws(() => stackConfigOf("config: [\n", "Pulumi.contoso.yaml"), (e: Error) => e.name === "ConfigError" && /Pulumi\.contoso\.yaml is not valid YAML/.test(e.message));
        assert.throws(() => stackConfigOf("config:\n  - a\n", "Pulumi.contoso.yaml"), /config: must be a mapping/);
    });
});

describe("npm run doctor: bad usage", () => {
    const cases: [string[], RegExp][] = [
        [[], /^--stack is required/],
        [["--stack", "Contoso"], /^--stack "Contoso" must be lower-case letters/],
        [["--stack", "contoso", "--repo", "jtel"], /^--repo "jtel" must be the GitHub repository as ORG\/REPO/],
        [["--stack", "contoso", "--subject-prefix", "repo:jtel/x:ref"], /^--subject-prefix "repo:jtel\/x:ref" must be the subject prefix GitHub sends/],
        [["--stack", "contoso", "--check"], /--check/],
        [["--stack", "nowhere"], /^--stack nowhere: Pulumi\.nowhere\.yaml or .* is not in /],
    ];
    it("exits 1, not 2, when the doctor itself fails (flags fine, nothing checked to the end), printing only the error's name", async () => {
        const out = { stdout: "", stderr: "" };
        // A file where the repository root should be: reading Pulumi.contoso.yaml fails with ENOTDIR, not ENOENT.
        const code = await runDoctorCli(["--stack", "contoso"], { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, cwd: join(root, "package.json"), env: { PATH: "/nonexistent" } });
        assert.equal(code, EXIT.fix);
        assert.equal(out.stderr, "Internal error: Error; nothing was checked to the end.\n");
        assert.equal(out.stdout, "");
    });
    for (const [argv, message] of cases) {
        it(`exits 2 on ${argv.join(" ") || "no flags"}, naming the flag in one line, before running anything`, async () => {
            const out = { stdout: "", stderr: "" };
            const code = await runDoctorCli(argv, { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, cwd: root, env: { PATH: "/nonexistent" } });
            assert.equal(code, 2);
            assert.match(out.stderr.split("\n")[0], message);
            assert.equal(out.stderr.trim().split("\n").length, 2, "the error, then where help is");
            assert.equal(out.stdout, "");
        });
    }
});

describe("npm run doctor against GitHub and Azure as the bootstrap left them", function () {
    this.timeout(240_000);
    let bench: BootstrapBench;
    const repo = "jtel/jtel-teams-presence";
    const inputs = { stack: "contoso", repo, tenant: TENANTS.contoso, graph: "https://graph.microsoft.com", resourceGroup: "jtel-state", subscription: "aaaaaaaa-0000-4000-8000-000000000001", appId: "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001" };
    const jtel = (extra: Parameters<typeof doctor>[3] = {}) => doctor(bench, ["--stack", "contoso"], STATE_TENANT, extra);
    const customer = (extra: Parameters<typeof doctor>[3] = {}) => doctor(bench, ["--stack", "contoso"], TENANTS.contoso, extra);

    before(async () => {
        // A private repository on GitHub Team created this year: immutable subjects, offline-plan mode.
        bench = await BootstrapBench.create(scenario());
        bench.writeStackFile("contoso", stackFile());
        bench.github.state.workflows.add("oidc-subject.yml");
        await bench.bootstrap("contoso", { through: "customer" });
    });
    after(async () => bench?.dispose());

    it("before any oidc-subject run: nothing to fix, and the exact gh 2.23 command that starts one, which works", async () => {
        const run = await jtel();
        assert.equal(run.code, 0, run.stdout);
        assert.match(row(run, "GitHub's subject in tenant-contoso"), /open: no successful oidc-subject run for it yet \| gh workflow run oidc-subject\.yml --ref main -f stack=contoso, then run this check again \|/);
        assert.match(row(run, "subject prefix"), new RegExp(`ok: ${PREFIX} \\(GitHub's sub_claim_prefix\\)`));
        assert.match(row(run, "credentials of managed identity jtel-presence-contoso-deploy"), /ok: 3 credentials, each trusting the subject GitHub sends \(the prefix GitHub's API reports\)/);
        assertReadOnly(run, inputs);
        const start = /(gh workflow run [^,|]+), then/.exec(row(run, "GitHub's subject in tenant-contoso"))?.[1] as string;
        const child = spawn("bash", ["-c", start], { env: { PATH: process.env.PATH, HOME: bench.dir, ...bench.github.env({ repo }) }, stdio: "ignore" });
        assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0);
        assert.deepEqual(bench.github.state.dispatches, [{ workflow: "oidc-subject.yml", ref: "main", inputs: { stack: "contoso" } }]);
    });

    it("a Team private repository created this year with matching credentials: exit 0 for the jtel operator, from GitHub's own subjects, read-only, no token to the log host", async () => {
        const probe = addProbeRun(bench, "contoso", "offline-plan");
        // gh 2.23 would send GH_ENTERPRISE_TOKEN to the log host (it takes Azure Storage for an enterprise host).
        const run = await jtel({ env: { GH_ENTERPRISE_TOKEN: "ghe_enterpriseTokenNeverToBeSent000000" } });
        assert.equal(run.code, 0, run.stdout);
        for (const env of ["tenant-contoso", "tenant-contoso-drift"]) {
            assert.match(row(run, `GitHub's subject in ${env}`), new RegExp(`ok: ${PREFIX}:environment:${env}:event_name:workflow_dispatch \\(run ${probe.id} of `));
        }
        assert.doesNotMatch(run.stdout, /GitHub's subject in tenant-contoso-preview/, "no preview probe in offline-plan mode");
        assert.match(row(run, "credentials of managed identity jtel-presence-contoso-preview"), /ok: 2 credentials, each trusting the subject GitHub sends \(the prefix GitHub's tokens carry \(oidc-subject run\)\)/);
        assert.match(row(run, "preview mode"), /ok: PREVIEW_MODE is offline-plan/);
        assert.match(row(run, "directory roles"), /open: not readable from this sign-in \| the customer's administrator, signed in with az login --tenant \S+ --allow-no-subscriptions, runs: az rest --method get --url 'https:\/\/graph\.microsoft\.com\/v1\.0\/me\/transitiveMemberOf/);
        assertReadOnly(run, inputs);
        const logs = run.requests.filter((r) => /\/actions\/jobs\/\d+\/logs$/.test(r.path));
        assert.equal(logs.length, 2, "one log per environment");
        assert.ok(bench.github.blobRequests.length >= 2 && bench.github.blobRequests.every((b) => b.status === 200 && !b.authorization), "the log host got no Authorization header");
        assert.doesNotMatch(run.stdout + run.stderr, /ghp_|ghe_|eyJ/);
    });

    it("for the customer's administrator in a tenant without a subscription and no handoffKeyVault: exit 0", async () => {
        const run = await customer();
        assert.equal(run.code, 0, run.stdout);
        assert.match(row(run, "az sign-in"), /ok: the customer's tenant .* as admin@contoso\.com \(user\)/);
        assert.match(row(run, "directory roles"), /ok: admin@contoso\.com holds Privileged Role Administrator, User Administrator, Cloud Application Administrator/);
        assert.match(row(run, "service user's domain"), /ok: contoso\.com is a verified domain/);
        assert.match(row(run, "Azure subscription"), /ok: not needed: the stack sets no handoffKeyVault/);
        assert.match(row(run, `credentials of app jtel presence deployer (${repo} contoso)`), /ok: 3 credentials/);
        assert.match(row(run, "pulumi"), /ok: 3\.276\.0 \(3\.276\.0 or newer\) \|/);
        assertReadOnly(run, inputs);
    });

    it("gh run view --log, as docs/gitops.md shows it, prints the subject lines the doctor reads (from the run's zip)", async () => {
        const probe = bench.github.state.runs.at(-1);
        assert.ok(probe);
        const child = spawn("gh", ["run", "view", String(probe.id), "--log"], { env: { PATH: process.env.PATH, HOME: bench.dir, ...bench.github.env({ repo }) }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0);
        const docs = /match `([^`]+)`/.exec(readFileSync(join(root, "docs", "gitops.md"), "utf8"))?.[1] as string;
        const lines = stdout.split("\n").filter((l) => new RegExp(docs).test(l));
        assert.deepEqual(lines.map((l) => new RegExp(docs).exec(l)?.[1]), ["tenant-contoso", "tenant-contoso-drift"]);
        assert.deepEqual([...subjectsInLog(stdout).values()], [`${PREFIX}:environment:tenant-contoso:event_name:workflow_dispatch`, `${PREFIX}:environment:tenant-contoso-drift:event_name:workflow_dispatch`]);
    });

    it("a credential with a classic subject while GitHub sends the immutable one: exit 1 naming both subjects and the phase that replaces it", async () => {
        const saved = bench.azState();
        const state = bench.azState();
        const deploy = state.credentials["identity jtel-presence-contoso-deploy"].find((c) => c.name === "tenant-contoso-push");
        const reader = Object.entries(state.apps).find(([name]) => name.startsWith("jtel presence reader"))?.[1] as string;
        const drift = state.credentials[`app ${reader}`].find((c) => c.name === "tenant-contoso-drift-schedule");
        assert.ok(deploy && drift);
        deploy.subject = `${CLASSIC}:environment:tenant-contoso:event_name:push`;
        drift.subject = `${CLASSIC}:environment:tenant-contoso-drift:event_name:schedule`;
        bench.writeAzState(state);
        try {
            const run = await jtel();
            assert.equal(run.code, 1, run.stdout);
            const line = row(run, "credentials of managed identity jtel-presence-contoso-deploy");
            assert.match(line, new RegExp(`FIX: tenant-contoso-push trusts ${CLASSIC}:environment:tenant-contoso:event_name:push, but GitHub sends ${PREFIX}:environment:tenant-contoso:event_name:push \\(a sign-in fails with AADSTS700213\\)`));
            assert.match(line, new RegExp(`run the jtel phase again: bash \\.github/scripts/bootstrap-tenant\\.sh jtel --stack contoso --tenant-id ${TENANTS.contoso} \\(it replaces`));
            assert.match(run.stdout, /^1 to fix \(FIX\)/m);
            const asCustomer = await customer();
            assert.equal(asCustomer.code, 1, asCustomer.stdout);
            assert.match(row(asCustomer, `credentials of app jtel presence reader (${repo} contoso)`), new RegExp(`FIX: tenant-contoso-drift-schedule trusts ${CLASSIC}:.* but GitHub sends ${PREFIX}:environment:tenant-contoso-drift:event_name:schedule .*runs the customer phase again: bash bootstrap-tenant\\.sh customer --stack contoso --tenant-id ${TENANTS.contoso} --repo ${repo} --subject-prefix ${PREFIX} --preview-mode offline-plan`));
            assertReadOnly(asCustomer, inputs);
        } finally {
            bench.writeAzState(saved);
        }
    });

    it("GitHub's tokens disagreeing with GitHub's API (a rename after the bootstrap): exit 1 with --subject-prefix for the jtel phase", async () => {
        addProbeRun(bench, "contoso", "offline-plan", (env) => `repo:jtel@5510001/presence-fleet@912345678:environment:${env}:event_name:workflow_dispatch`);
        try {
            const run = await jtel();
            assert.equal(run.code, 1, run.stdout);
            assert.match(row(run, "GitHub's subject in tenant-contoso"), /FIX: GitHub sends repo:jtel@5510001\/presence-fleet@912345678:environment:tenant-contoso:event_name:workflow_dispatch .* but GitHub's API reports repo:jtel@5510001\/jtel-teams-presence@912345678 \| run the jtel phase with --subject-prefix repo:jtel@5510001\/presence-fleet@912345678/);
            assert.match(row(run, "credentials of managed identity jtel-presence-contoso-deploy"), /FIX: tenant-contoso-push trusts repo:jtel@5510001\/jtel-teams-presence@912345678:.*but GitHub sends repo:jtel@5510001\/presence-fleet@912345678:/);
        } finally {
            bench.github.state.runs.pop();
        }
    });
});

describe("npm run doctor in a customer's tenant that is not ready", function () {
    this.timeout(120_000);
    let bench: BootstrapBench;
    before(async () => {
        bench = await BootstrapBench.create(scenario());
        bench.writeStackFile("contoso", stackFile({ handoffKeyVault: '{"resourceGroupName":"rg","vaultName":"kv-contoso"}' }));
        // The customer's administrator has no gh: GitHub is the jtel operator's part.
        bench.shadow("gh", "echo 'gh: not installed here' >&2; exit 127");
    });
    after(async () => bench?.dispose());

    it("exits 1 naming the missing directory role, the unverified domain and the handoffKeyVault without a subscription; GitHub is the jtel operator's", async () => {
        const run = await doctor(bench, ["--stack", "contoso", "--repo", "jtel/jtel-teams-presence", "--subject-prefix", PREFIX], TENANTS.contoso, {
            customer: { roles: [ROLES.privilegedRoleAdmin, ROLES.cloudAppAdmin], domains: ["contoso.com\tfalse", "contoso.onmicrosoft.com\ttrue"] },
        });
        assert.equal(run.code, 1, run.stdout);
        assert.match(row(run, "directory roles"), /FIX: admin@contoso\.com lacks User Administrator/);
        assert.match(row(run, "service user's domain"), /FIX: contoso\.com \(of jtel-presence@contoso\.com\) is a domain of the tenant but not verified/);
        assert.match(row(run, "Azure subscription"), /FIX: handoffKeyVault kv-contoso lives in an Azure subscription, and az sees none in tenant/);
        assert.match(row(run, "gh"), /ok: not installed; not needed here/);
        assert.match(row(run, "GitHub"), /open: not checked: gh is not installed \| the jtel operator runs npm run doctor -- --stack contoso/);
        assert.match(row(run, "pulumi"), /ok: 3\.276\.0 .*\|/);
        assert.match(row(run, "credentials of app jtel presence deployer (jtel/jtel-teams-presence contoso)"), /open: none yet \| the customer phase creates them with 3 subjects of --subject-prefix/);
        assert.equal(run.stdout.match(/\| FIX: /g)?.length, 3, run.stdout);
        assert.deepEqual(run.requests, []);
    });

    it("exits 1 when az is signed in to neither tenant, with both sign-in commands", async () => {
        const run = await doctor(bench, ["--stack", "contoso"], "99999999-9999-4999-8999-999999999999");
        assert.equal(run.code, 1, run.stdout);
        assert.match(row(run, "az sign-in"), new RegExp(`FIX: signed in to tenant 99999999-9999-4999-8999-999999999999 .* \\| jtel operator: az login --tenant ${STATE_TENANT}; the customer's administrator: az login --tenant ${TENANTS.contoso} --allow-no-subscriptions \\|`));
    });
});

describe("npm run doctor's printed az commands", () => {
    it("are the exact commands it runs, shell-quoted, and new-tenant's next steps name the preflight", () => {
        const printed = shellLine("az", az.directoryRoles("https://graph.microsoft.com"));
        assert.equal(printed, "az rest --method get --url 'https://graph.microsoft.com/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole?$select=displayName,roleTemplateId' --resource https://graph.microsoft.com --query 'value[].[roleTemplateId, displayName]' -o tsv");
        assert.match(shellLine("az", az.subscriptions(TENANTS.contoso)), /^az account list --query '\[\?tenantId=='\\''0f1e2d3c-4b5a-4697-8a9b-acbdcedff001'\\''\]\.\[id, name\]' -o tsv$/);
        assert.match(bootstrapInstructions(validateTenant({ stack: "contoso", tenantId: TENANTS.contoso, serviceUser: "jtel-presence@contoso.com", config: {} }), "jtel/jtel-teams-presence"), /npm run doctor -- --stack contoso/);
    });
});

describe("npm run doctor's documentation", () => {
    it("is a package script, introduced in docs/gitops.md with its exit codes, run in its onboarding before the jtel phase and again after the oidc-subject run", async () => {
        const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.equal(pkg.scripts.doctor, "ts-node --transpile-only cli/doctor.ts");
        const gitops = readFileSync(join(root, "docs", "gitops.md"), "utf8");
        const preflight = gitops.split("### The preflight: `npm run doctor`")[1].split("\n## ")[0];
        assert.match(preflight, /Exit codes: \*\*0\*\* nothing to fix, \*\*1\*\* something to fix\s+or\s+the\s+doctor\s+itself\s+failed\s+\(`Internal error:` and the error's name\), \*\*2\*\* bad\s+usage/);
        assert.match(USAGE, /Exit codes: 0 nothing to fix, 1 something to fix \(the FIX rows say what\) or an internal error, 2 bad usage\./);
        assert.deepEqual(EXIT, { fine: 0, fix: 1, usage: 2 });
        const help = { stdout: "" };
        assert.equal(await runDoctorCli(["--help"], { stdout: (t) => { help.stdout += t; }, stderr: () => undefined, cwd: root, env: {} }), 0);
        assert.equal(help.stdout, `${USAGE}\n`);
        const onboarding = gitops.split("## Onboarding a tenant")[1].split("\n### ")[0];
        // The steps, numbered in this order: a partner reads them top-down.
        const steps = [
            ["1", "npm run new-tenant -- --stack contoso"], ["2", "npm run doctor -- --stack contoso"],
            ["3", "bash .github/scripts/bootstrap-tenant.sh jtel --stack contoso"], ["4", "bash bootstrap-tenant.sh customer --stack contoso"],
            ["5", "bash .github/scripts/bootstrap-tenant.sh link --stack contoso"], ["6", "gh workflow run oidc-subject.yml --ref main -f stack=contoso"],
            ["7", "npm run doctor -- --stack contoso` again"], ["8", "The pull request** with `Pulumi.contoso.yaml`"], ["9", "The handoff"],
        ];
        const at = steps.map(([n, text]) => {
            const step = onboarding.indexOf(`\n${n}. **`);
            assert.ok(step >= 0, `no step ${n}`);
            const next = onboarding.indexOf(`\n${Number(n) + 1}. **`);
            assert.ok(onboarding.slice(step, next < 0 ? undefined : next).includes(text), `step ${n} is not: ${text}`);
            return step;
        });
        assert.deepEqual(at, [...at].sort((a, b) => a - b), "the steps are in order");
    });
});
