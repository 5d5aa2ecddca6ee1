// .github/workflows/oidc-subject.yml and its script, the ground truth for the stacks' subjects: the script runs
// for real against a loopback HTTPS stand-in for GitHub's token service (the request GitHub's OIDC reference
// documents: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=..., bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN, answer
// {"value": JWT}), with a token whose `sub` is what the fake GitHub computes for that environment.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLoopbackTls } from "../../emulator/certificate";
import { environmentName, loadWorkflows, permissionsOf, printsSubjectOnly, scriptDir, SUBJECT_PROBE_AUDIENCE, SUBJECT_PROBE_RUN, withVars, jobsFor, DISPATCH_MAIN, DISPATCH_BRANCH } from "../gitops/workflowModel";
import { scenario } from "./bootstrapHarness";
import { FakeGitHub } from "../support/fakeGitHub";

const REQUEST_TOKEN = "fake-request-token-for-the-loopback-token-service";
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("the OIDC subject probe (oidc-subject.yml)", function () {
    this.timeout(60_000);
    const workflow = loadWorkflows()["oidc-subject.yml"];
    let server: Server;
    let url: string;
    let caFile: string;
    let dir: string;
    let github: FakeGitHub;
    const seen: { audience: string | null; authorization?: string }[] = [];
    let jwt = "";

    before(async () => {
        github = await FakeGitHub.start(scenario());
        const tls = await makeLoopbackTls();
        dir = mkdtempSync(join(tmpdir(), "oidc-subject-"));
        caFile = join(dir, "ca.pem");
        writeFileSync(caFile, tls.caCertificate);
        server = createServer({ key: tls.privateKey, cert: tls.certificate }, (req, res) => {
            const query = new URL(req.url ?? "/", "https://127.0.0.1").searchParams;
            seen.push({ audience: query.get("audience"), authorization: req.headers.authorization });
            if (req.headers.authorization !== `bearer ${REQUEST_TOKEN}`) { res.writeHead(401).end(); return; }
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: 1, value: jwt }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/distributedtask/hubs/build/plans/x/jobs/y/idtoken?api-version=2.0`;
    });
    after(async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await github.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    async function probe(environment: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
        const summary = join(dir, "summary.md");
        writeFileSync(summary, "");
        const child = spawn("bash", [join(scriptDir, "oidc-subject.sh")], {
            env: { PATH: process.env.PATH, ENVIRONMENT: environment, ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN, CURL_CA_BUNDLE: caFile, GITHUB_STEP_SUMMARY: summary, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        return { status, stdout, stderr: stderr + readFileSync(summary, "utf8") };
    }

    it("prints exactly one line, oidc-subject environment=<env> sub=<sub>, with the subject GitHub put into the token, and never the token", async () => {
        const sub = github.subjectFor("tenant-contoso", "workflow_dispatch");
        const signature = "c2lnbmF0dXJlLW5ldmVyLXByaW50ZWQ";
        jwt = `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ sub, aud: SUBJECT_PROBE_AUDIENCE, environment: "tenant-contoso", ref: "refs/heads/main" })}.${signature}`;
        const run = await probe("tenant-contoso");
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, `oidc-subject environment=tenant-contoso sub=${sub}\n`);
        assert.match(sub, /^repo:jtel@5510001\/jtel-teams-presence@912345678:environment:tenant-contoso:event_name:workflow_dispatch$/);
        for (const secret of [jwt, signature, REQUEST_TOKEN, jwt.split(".")[1]]) assert.ok(!(run.stdout + run.stderr).includes(secret), "no part of the token or the request token is printed");
        assert.equal(seen.at(-1)?.audience, SUBJECT_PROBE_AUDIENCE, "it asks for the audience no federated credential accepts");
        assert.notEqual(SUBJECT_PROBE_AUDIENCE, "api://AzureADTokenExchange");
        assert.match(readFileSync(join(scriptDir, "oidc-subject.sh"), "utf8"), new RegExp(`readonly AUDIENCE="${SUBJECT_PROBE_AUDIENCE}"`));
    });

    it("decodes a payload whose base64url needs padding and uses - and _", async () => {
        const sub = "repo:o@1/r@2:environment:tenant-a:event_name:workflow_dispatch";
        for (const pad of ["", "x", "xy", "xyz"]) {
            jwt = `e30.${b64url({ sub, p: pad, q: "??>>~~" })}.sig`;
            const run = await probe("tenant-a");
            assert.equal(run.stdout, `oidc-subject environment=tenant-a sub=${sub}\n`, run.stderr);
        }
    });

    it("fails with a clear message without id-token: write or without a sub, printing no token", async () => {
        const noPermission = await probe("tenant-a", { ACTIONS_ID_TOKEN_REQUEST_URL: "" });
        assert.equal(noPermission.status, 1);
        assert.match(noPermission.stderr, /needs permissions: id-token: write/);
        jwt = `e30.${b64url({ aud: "x" })}.sig`;
        const noSub = await probe("tenant-a");
        assert.equal(noSub.status, 1);
        assert.match(noSub.stderr, /carries no sub claim/);
        assert.ok(!noSub.stderr.includes(jwt));
    });

    it("probes only a stack whose environments the jtel phase created, before its stack file reaches main (real gh against the fake GitHub)", async () => {
        const step = workflow.jobs.stack.steps?.find((s) => s.run) as { run: string };
        const check = async (stack: string, mode: string) => {
            const child = spawn("bash", ["-e", "-o", "pipefail", "-c", step.run], {
                env: { PATH: process.env.PATH, HOME: dir, STACK: stack, PREVIEW_MODE: mode, REPOSITORY: github.fullName, ...github.env() }, stdio: ["ignore", "pipe", "pipe"],
            });
            let stderr = "";
            child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
            return { status: await new Promise<number | null>((resolve) => child.on("close", resolve)), stderr };
        };
        const before = await check("contoso", "offline-plan");
        assert.equal(before.status, 1);
        assert.match(before.stderr, /::error::There is no environment tenant-contoso: run the bootstrap's jtel phase for contoso first/);
        for (const name of ["tenant-contoso", "tenant-contoso-drift"]) github.state.environments.set(name, { name, id: 1, createdAt: "", waitTimer: 0, reviewers: [], preventSelfReview: false, branchPolicy: { protected_branches: false, custom_branch_policies: true }, branchPolicies: [], variables: new Map() });
        assert.equal((await check("contoso", "offline-plan")).status, 0);
        assert.match((await check("contoso", "reviewed")).stderr, /There is no environment tenant-contoso-preview/);
        assert.match((await check("Contoso", "offline-plan")).stderr, /The stack input "Contoso" is not a stack name/);
        assert.ok(github.requests.every((r) => r.method === "GET"));
    });

    it("runs one probe job per environment of the stack, from main only, and the preview one only in reviewed mode", () => {
        const jobs = (vars: Record<string, string>, ctx = DISPATCH_MAIN) => jobsFor({ "oidc-subject.yml": workflow }, withVars(ctx, vars)).filter(({ job }) => printsSubjectOnly(job)).map(({ job }) => environmentName(job));
        assert.deepEqual(jobs({ PREVIEW_MODE: "reviewed" }), ["tenant-${{ inputs.stack }}", "tenant-${{ inputs.stack }}-drift", "tenant-${{ inputs.stack }}-preview"]);
        assert.deepEqual(jobs({ PREVIEW_MODE: "offline-plan" }), ["tenant-${{ inputs.stack }}", "tenant-${{ inputs.stack }}-drift"]);
        assert.deepEqual(jobs({ PREVIEW_MODE: "reviewed" }, DISPATCH_BRANCH), []);
        for (const [id, job] of Object.entries(workflow.jobs)) {
            if (id === "stack") { assert.deepEqual(permissionsOf(job), { actions: "read" }, "the stack check holds no OIDC token and reads only the environments"); continue; }
            assert.deepEqual(permissionsOf(job), { contents: "read", "id-token": "write" }, id);
            assert.equal(job.env?.ENVIRONMENT, environmentName(job), id);
            assert.deepEqual(job.needs, "stack");
            assert.ok((job.steps ?? []).some((s) => s.run?.trim() === SUBJECT_PROBE_RUN));
        }
        assert.deepEqual(Object.keys(workflow.on), ["workflow_dispatch"]);
    });
});
