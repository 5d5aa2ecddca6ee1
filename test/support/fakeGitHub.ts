// A fake of GitHub's REST API on loopback, answering as api.github.com does today, for the REAL `gh` CLI.
//
// How gh reaches it: gh talks to https://api.github.com exactly as on github.com, through a loopback HTTPS
// proxy (HTTPS_PROXY=http://127.0.0.1:PORT). The proxy accepts CONNECT to api.github.com:443 only, terminates
// TLS itself with a certificate for api.github.com signed by a throw-away CA (emulator/certificate.ts), which gh
// trusts through SSL_CERT_FILE (Go's crypto/x509 reads it on Linux), and answers from memory. It forwards nothing:
// any other CONNECT or plain proxy request is refused with 403 and recorded in `refused`, so a test can assert
// that nothing tried to leave loopback. gh gets a fake token (GH_TOKEN) and an empty GH_CONFIG_DIR.
//
// What it models (GitHub's REST reference, github/rest-api-description as published in @octokit/openapi-types
// 29.0.1, and docs.github.com pages cited next to each rule):
//   - repositories (GET /repos/{owner}/{repo}: id, name, owner.id/login/type, visibility);
//   - organizations (GET /orgs/{org}: `plan` only for an owner's token, "orgs/get": "To see the full details
//     about an organization, the authenticated user must be an organization owner"), teams by slug;
//   - the token's user (GET /user, "users/get-authenticated": the private user response, whose schema
//     "private-user" has an optional `plan` {name, space, collaborators, private_repos}, only for a classic token
//     with read:user or user; gh's default scopes are repo, read:org and gist, so usually the public one);
//   - the OIDC subject settings of a repository and of its organization (GET/PUT
//     /repos/{owner}/{repo}/actions/oidc/customization/sub: use_default, include_claim_keys,
//     use_immutable_subject, sub_claim_prefix; GET /orgs/{org}/actions/oidc/customization/sub), and the `sub`
//     GitHub puts into a job's token (subjectFor(): docs.github.com/en/actions/reference/security/oidc);
//   - branch protection (GET /repos/{owner}/{repo}/branches/{branch}: `protected`);
//   - environments with their protection rules (GET/PUT/DELETE .../environments/{name}, GET .../environments),
//     including GitHub's 422 for required reviewers or a wait timer on a plan without them ("Deployments and
//     environments": on Free, Pro and Team only public repositories have them) with GitHub's error body, and
//     the environment "shell" GitHub leaves behind when it refuses the rule (observed on github.com);
//   - deployment branch policies (GET/POST/DELETE; 303 for a pattern that exists, 404 while the environment
//     does not restrict to custom policies);
//   - environment and repository variables (GET/POST/PATCH/DELETE, POST 201, PATCH 204);
//   - Actions workflow runs, their jobs and logs (addWorkflowRun() records a finished run; docs.github.com/en/rest/
//     actions/workflow-runs and /workflow-jobs):
//       GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}            a workflow by numeric ID or file name
//           (`state.workflows`: the files on the default branch; a run adds its own);
//       POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches  {ref, inputs}: 204, recorded in
//           `state.dispatches` (what `gh workflow run` sends);
//       GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs       {total_count, workflow_runs}, newest
//           first, filtered by `branch`, `event` and `status` (a status such as `completed`, or a conclusion such as
//           `success`: the reference lists both under `status`); 404 for a workflow file the repository lacks;
//       GET /repos/{owner}/{repo}/actions/runs/{run_id}                      one run;
//       GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs                 {total_count, jobs} with steps;
//       GET /repos/{owner}/{repo}/actions/jobs/{job_id}                      one job;
//       GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs                 302, Location: a blob URL of the job's
//           plain-text log ("Gets a redirect URL to download a plain text file of logs for a workflow job. This link
//           expires after 1 minute. Look for Location: in the response header");
//       GET /repos/{owner}/{repo}/actions/runs/{run_id}/logs                 302 to a zip of the run's logs ("an
//           archive of log files"): one `<job name>/<step number>_<step name>.txt` per step, which is what
//           `gh run view --log` reads, and `<n>_<job name>.txt` per job;
//     The blob host is Azure Storage, where github.com's redirects point today (observed:
//     https://productionresultssa1.blob.core.windows.net/actions-results/<id>/workflow-job-run-<id>/logs/job/
//     job-logs.txt?rsct=text%2Fplain&se=...&sig=...&sp=r&spr=https&sr=b&st=...&sv=2021-12-02, in
//     MicrosoftDocs/playfab-docs#546). The proxy admits CONNECT to it too, serves it from memory (a valid `sig` that
//     has not expired: the log, else Azure's 403 AuthenticationFailed) and records in `blobRequests` whether a
//     request carried an Authorization header: the SAS in the URL is the only credential that host needs. A job
//     log starts with a UTF-8 byte order mark and each line with an ISO timestamp, as GitHub's do;
//   - pagination with per_page/page and a Link header on every list, as GitHub does.
// Errors carry GitHub's body shape {"message", "documentation_url", "status"}. Anything else answers 404.
//
// API for tests (the bootstrap's and a later preflight's):
//   const gh = await FakeGitHub.start(scenario)   scenario: FakeScenario (below)
//   gh.env({ repo: "owner/name" })                the environment for a gh child process (PATH not included)
//   gh.subjectFor(environment, event)             the `sub` GitHub would put into that job's token
//   gh.state                                       the live repository and organization, to assert on or change
//   gh.requests / gh.refused                       every request (with a process.hrtime.bigint() time) / refusals
//   gh.addWorkflowRun({ workflow, jobs })          a finished workflow run with its jobs' steps and log lines
//   gh.blobRequests                                every request to the blob host (log downloads)
//   gh.route(method, /^\/path$/, handler)          add an endpoint
//   await gh.stop()
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, TLSSocket } from "node:tls";
import { crc32 } from "node:zlib";
import { makeLoopbackTls } from "../../emulator/certificate";

export const API_HOST = "api.github.com";
/** Where github.com redirects log downloads today (Azure Storage; see the header). */
export const BLOB_HOST = "productionresultssa1.blob.core.windows.net";
const API = `https://${API_HOST}`;

export type Plan = "free" | "pro" | "team" | "enterprise";

export interface OidcTemplate {
    use_default: boolean;
    include_claim_keys?: string[];
    /** Omitted: the repository reports nothing and the organization's setting applies. */
    use_immutable_subject?: boolean;
}

export interface FakeScenario {
    owner: { login: string; id: number; type: "Organization" | "User" };
    repo: { name: string; id: number; visibility: "public" | "private" | "internal" };
    /** The owner's GitHub plan. */
    plan: Plan;
    /** Whether the token may see the organization's plan (an owner's token with admin:org). */
    planVisible?: boolean;
    /** Whether GitHub sends immutable subjects for this repository (created or renamed after July 15, 2026, or opted in). */
    immutableSubjects: boolean;
    /** The repository's subject settings as stored. */
    oidc: OidcTemplate;
    /** What the GET reports besides use_default and include_claim_keys; default: both, as github.com does today. */
    reports?: { useImmutableSubject?: boolean; subClaimPrefix?: boolean };
    /** The organization's subject template (GitHub's default when omitted). */
    orgOidc?: { include_claim_keys: string[]; use_immutable_subject?: boolean };
    protectedBranches?: string[];
    teams?: Record<string, number>;
    /** Paths (regular expressions over "METHOD /path") answered 403, as for a token without the needed scope. */
    forbidden?: RegExp[];
    /** Whether a refused reviewers rule still leaves the environment created (github.com does); default true. */
    shellOnRefusedRule?: boolean;
    /** The user the token belongs to (GET /user); default TOKEN_USER, an operator who does not own the repository. */
    tokenUser?: { login: string; id: number };
    /** Whether GET /user answers with the private user response, which carries `plan` (a classic token with read:user or user). */
    userScope?: boolean;
}

/** The token's user where a scenario names none: the jtel operator, an organization's admin with a personal Free account. */
export const TOKEN_USER = { login: "jtel-operator", id: 7_700_001 };

export interface FakeEnvironment {
    name: string;
    id: number;
    createdAt: string;
    waitTimer: number;
    reviewers: { type: "User" | "Team"; id: number }[];
    preventSelfReview: boolean;
    /** null: every branch may deploy. */
    branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
    branchPolicies: { id: number; name: string; type: "branch" | "tag" }[];
    variables: Map<string, string>;
}

export interface FakeStep {
    number: number;
    name: string;
    conclusion: "success" | "failure" | "skipped";
    /** The step's log lines, without timestamps. */
    lines: string[];
}

export interface FakeJob {
    id: number;
    runId: number;
    name: string;
    conclusion: "success" | "failure" | "skipped" | "cancelled";
    startedAt: string;
    completedAt: string;
    steps: FakeStep[];
}

export interface FakeRun {
    id: number;
    runNumber: number;
    /** The workflow's file name under .github/workflows. */
    workflow: string;
    event: string;
    branch: string;
    conclusion: "success" | "failure" | "cancelled";
    createdAt: string;
    jobs: FakeJob[];
}

/** A finished run as a test describes it: jobs, each with steps of log lines (conclusions default to success). */
export interface RunInput {
    workflow: string;
    event?: string;
    branch?: string;
    createdAt?: string;
    jobs: { name: string; conclusion?: FakeJob["conclusion"]; steps: { name: string; lines: string[]; conclusion?: FakeStep["conclusion"] }[] }[];
}

export interface BlobRequest { at: bigint; method: string; path: string; status: number; authorization: boolean }

export interface FakeState {
    scenario: FakeScenario;
    oidc: OidcTemplate;
    environments: Map<string, FakeEnvironment>;
    variables: Map<string, string>;
    /** Workflow files on the default branch (a run adds its own). */
    workflows: Set<string>;
    runs: FakeRun[];
    /** Every workflow_dispatch event created (POST .../dispatches): the workflow file, ref and inputs. */
    dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
}

export interface RecordedRequest {
    at: bigint;
    method: string;
    path: string;
    query: Record<string, string>;
    body: unknown;
    status: number;
}

type Handler = (req: { method: string; path: string; query: URLSearchParams; body: unknown; match: RegExpExecArray }) => { status: number; body?: unknown; headers?: Record<string, string> };

const DOCS = "https://docs.github.com/rest";
/** GitHub's answer to required reviewers where the plan has none (observed on github.com; see the header). */
export const REVIEWERS_REFUSED = "Failed to create the environment protection rule. Please ensure the billing plan supports the required reviewers protection rule.";
export const WAIT_TIMER_REFUSED = "Failed to create the environment protection rule. Please ensure the billing plan supports the wait timer protection rule.";
const FAKE_TOKEN = "ghp_fakeTokenForTheLoopbackFakeOnly0000000000";

function error(status: number, message: string, docs = DOCS): { status: number; body: unknown } {
    return { status, body: { message, documentation_url: docs, status: String(status) } };
}

/** A zip archive of stored (uncompressed) files: the local headers, then the central directory (PKWARE APPNOTE 4.3). */
export function zipOf(files: { name: string; text: string }[]): Buffer {
    const local: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (const file of files) {
        const name = Buffer.from(file.name, "utf8");
        const data = Buffer.from(file.text, "utf8");
        const crc = crc32(data);
        const header = Buffer.alloc(30);
        header.writeUInt32LE(0x04034b50, 0);
        header.writeUInt16LE(20, 4);
        header.writeUInt16LE(0x0800, 6); // UTF-8 names
        header.writeUInt32LE(crc, 14);
        header.writeUInt32LE(data.length, 18);
        header.writeUInt32LE(data.length, 22);
        header.writeUInt16LE(name.length, 26);
        local.push(header, name, data);
        const entry = Buffer.alloc(46);
        entry.writeUInt32LE(0x02014b50, 0);
        entry.writeUInt16LE(20, 4);
        entry.writeUInt16LE(20, 6);
        entry.writeUInt16LE(0x0800, 8);
        entry.writeUInt32LE(crc, 16);
        entry.writeUInt32LE(data.length, 20);
        entry.writeUInt32LE(data.length, 24);
        entry.writeUInt16LE(name.length, 28);
        entry.writeUInt32LE(offset, 42);
        central.push(entry, name);
        offset += header.length + name.length + data.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...local, directory, end]);
}

export class FakeGitHub {
    readonly requests: RecordedRequest[] = [];
    readonly refused: string[] = [];
    readonly blobRequests: BlobRequest[] = [];
    readonly state: FakeState;
    private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
    private nextId = 1000;
    /** Signs the blob URLs this fake hands out (a stand-in for a storage account key; never leaves the process). */
    private readonly blobKey = randomBytes(32);
    /** Blob path -> what it serves. */
    private readonly blobs = new Map<string, { type: string; body: () => Buffer }>();

    private constructor(scenario: FakeScenario, private readonly proxy: Server, private readonly dir: string) {
        this.state = {
            scenario,
            oidc: structuredClone(scenario.oidc),
            environments: new Map(),
            variables: new Map(),
            workflows: new Set(),
            runs: [],
            dispatches: [],
        };
        this.defineRoutes();
    }

    static async start(scenario: FakeScenario): Promise<FakeGitHub> {
        const tls = await makeLoopbackTls(new Date(), 2, { dns: [API_HOST, BLOB_HOST], ip: [] });
        const dir = mkdtempSync(join(tmpdir(), "fake-github-"));
        writeFileSync(join(dir, "ca.pem"), tls.caCertificate);
        const context = createSecureContext({ key: tls.privateKey, cert: tls.certificate });
        const proxy = createServer();
        const fake = new FakeGitHub(scenario, proxy, dir);
        const api = createServer((req, res) => fake.serve(req, res));
        const blob = createServer((req, res) => fake.serveBlob(req, res));
        proxy.on("request", (req: IncomingMessage, res: ServerResponse) => {
            fake.refused.push(`${req.method} ${req.url}`);
            res.writeHead(403).end();
        });
        proxy.on("connect", (req: IncomingMessage, socket: Socket) => {
            const server = req.url === `${API_HOST}:443` ? api : req.url === `${BLOB_HOST}:443` ? blob : undefined;
            if (!server) {
                fake.refused.push(`CONNECT ${req.url}`);
                socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
                return;
            }
            socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            const secure = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: ["http/1.1"] });
            secure.on("error", () => socket.destroy());
            server.emit("connection", secure);
        });
        await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
        return fake;
    }

    get port(): number {
        return (this.proxy.address() as AddressInfo).port;
    }

    /** Environment variables that point a gh child process at this fake and nothing else. */
    env(options: { repo?: string } = {}): Record<string, string> {
        const proxy = `http://127.0.0.1:${this.port}`;
        return {
            HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: "", no_proxy: "",
            SSL_CERT_FILE: join(this.dir, "ca.pem"),
            GH_TOKEN: FAKE_TOKEN,
            GH_CONFIG_DIR: join(this.dir, "gh-config"),
            GH_NO_UPDATE_NOTIFIER: "1",
            GH_PROMPT_DISABLED: "1",
            NO_COLOR: "1",
            ...(options.repo ? { GH_REPO: options.repo } : {}),
        };
    }

    async stop(): Promise<void> {
        this.proxy.closeAllConnections();
        await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
        rmSync(this.dir, { recursive: true, force: true });
    }

    route(method: string, pattern: RegExp, handler: Handler): void {
        this.routes.unshift({ method, pattern, handler });
    }

    get fullName(): string {
        return `${this.state.scenario.owner.login}/${this.state.scenario.repo.name}`;
    }

    /** The repo part of the subject: repo:OWNER/REPO, or with immutable subjects repo:OWNER@OWNER_ID/REPO@REPO_ID. */
    subjectPrefix(): string {
        const { owner, repo, immutableSubjects } = this.state.scenario;
        return immutableSubjects ? `repo:${owner.login}@${owner.id}/${repo.name}@${repo.id}` : `repo:${owner.login}/${repo.name}`;
    }

    /** The template in force: the repository's keys, the organization's when it opted in without keys, else the default. */
    claimKeys(): string[] {
        const { oidc } = this.state;
        if (oidc.use_default) return ["repo", "context"];
        return oidc.include_claim_keys ?? this.state.scenario.orgOidc?.include_claim_keys ?? ["repo", "context"];
    }

    /**
     * The `sub` of a job that names `environment` for `event`: the template's claims joined by ':' (GitHub's OIDC
     * reference, "Customizing the subject claims"; `context` is environment:NAME for a job with an environment, and
     * the repo claim keeps the IDs under immutable subjects).
     */
    subjectFor(environment: string, event: string): string {
        const claims: Record<string, string> = {
            repo: this.subjectPrefix().slice("repo:".length),
            context: `environment:${environment}`,
            event_name: event,
            environment,
            repository_owner: this.state.scenario.owner.login,
            repository_owner_id: String(this.state.scenario.owner.id),
            repository_id: String(this.state.scenario.repo.id),
        };
        return this.claimKeys().map((key) => (key === "context" ? claims.context : `${key}:${claims[key]}`)).join(":");
    }

    /** Records a finished workflow run (newest last), as GitHub would after its jobs ran; returns it. */
    addWorkflowRun(input: RunInput): FakeRun {
        const created = input.createdAt ?? new Date(Date.now() + this.state.runs.length * 1000).toISOString();
        const id = (this.nextId += 10_000);
        const jobs: FakeJob[] = input.jobs.map((job) => ({
            id: (this.nextId += 1), runId: id, name: job.name, conclusion: job.conclusion ?? "success", startedAt: created, completedAt: created,
            steps: job.steps.map((step, i) => ({ number: i + 1, name: step.name, lines: step.lines, conclusion: step.conclusion ?? "success" })),
        }));
        const failed = jobs.some((j) => j.conclusion === "failure" || j.conclusion === "cancelled");
        const run: FakeRun = {
            id, runNumber: this.state.runs.length + 1, workflow: input.workflow, event: input.event ?? "workflow_dispatch",
            branch: input.branch ?? "main", conclusion: failed ? "failure" : "success", createdAt: created, jobs,
        };
        this.state.runs.push(run);
        this.state.workflows.add(input.workflow);
        return run;
    }

    /** A job's plain-text log as GitHub serves it: a byte order mark, then every step's lines, each after its timestamp. */
    jobLog(job: FakeJob): string {
        const at = (i: number) => new Date(Date.parse(job.startedAt) + i * 137).toISOString().replace("Z", "0000Z");
        let i = 0;
        return `\ufeff${job.steps.flatMap((step) => step.lines).map((line) => `${at(i++)} ${line}`).join("\n")}\n`;
    }

    /** The zip GitHub serves for a run's logs: `<job>/<n>_<step>.txt` per step and `<i>_<job>.txt` per job. */
    runLogZip(run: FakeRun): Buffer {
        const files: { name: string; text: string }[] = [];
        run.jobs.forEach((job, index) => {
            const log = this.jobLog(job);
            files.push({ name: `${index}_${job.name}.txt`, text: log });
            const lines = log.replace(/^\ufeff/, "").split("\n");
            let at = 0;
            for (const step of job.steps) {
                files.push({ name: `${job.name}/${step.number}_${step.name.replace(/\//g, "")}.txt`, text: `\ufeff${lines.slice(at, at + step.lines.length).join("\n")}\n` });
                at += step.lines.length;
            }
        });
        return zipOf(files);
    }

    private workflowId(file: string): number {
        return 160_000 + [...file].reduce((sum, c) => sum + c.charCodeAt(0), 0);
    }

    /** A blob URL like github.com's (an Azure Storage SAS that expires after a minute) for `body`. */
    private blobUrl(kind: string, type: string, body: () => Buffer): string {
        const path = `/actions-results/${randomUUID()}/${kind}`;
        const start = new Date();
        const expiry = new Date(start.getTime() + 60_000);
        const se = expiry.toISOString().replace(/\.\d+Z$/, "Z");
        this.blobs.set(path, { type, body });
        const query = new URLSearchParams({
            rsct: type, se, sig: this.blobSignature(path, se), sp: "r", spr: "https", sr: "b", st: start.toISOString().replace(/\.\d+Z$/, "Z"), sv: "2021-12-02",
        });
        return `https://${BLOB_HOST}${path}?${query.toString()}`;
    }

    private blobSignature(path: string, expiry: string): string {
        return createHmac("sha256", this.blobKey).update(`${path}\n${expiry}`).digest("base64");
    }

    private serveBlob(req: IncomingMessage, res: ServerResponse): void {
        const url = new URL(req.url ?? "/", `https://${BLOB_HOST}`);
        const blob = this.blobs.get(url.pathname);
        const se = url.searchParams.get("se") ?? "";
        const valid = blob !== undefined && url.searchParams.get("sig") === this.blobSignature(url.pathname, se) && Date.parse(se) > Date.now();
        const status = req.method !== "GET" ? 405 : valid ? 200 : 403;
        this.blobRequests.push({ at: process.hrtime.bigint(), method: req.method ?? "GET", path: url.pathname, status, authorization: req.headers.authorization !== undefined });
        req.resume();
        if (status === 200 && blob) {
            res.writeHead(200, { "content-type": blob.type, "x-ms-blob-type": "BlockBlob", "x-ms-version": "2021-12-02" }).end(blob.body());
            return;
        }
        // Azure Storage's answer to a missing, wrong or expired SAS signature.
        res.writeHead(status, { "content-type": "application/xml" }).end(
            `\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.</Message></Error>`,
        );
    }

    private runJson(run: FakeRun): unknown {
        const repo = this.fullName;
        const base = `${API}/repos/${repo}/actions/runs/${run.id}`;
        return {
            id: run.id, name: run.workflow.replace(/\.ya?ml$/, ""), node_id: `WFR_${run.id}`, head_branch: run.branch, head_sha: "0".repeat(40),
            path: `.github/workflows/${run.workflow}`, display_title: run.workflow.replace(/\.ya?ml$/, ""), run_number: run.runNumber, run_attempt: 1,
            event: run.event, status: "completed", conclusion: run.conclusion, workflow_id: this.workflowId(run.workflow),
            url: base, html_url: `https://github.com/${repo}/actions/runs/${run.id}`, jobs_url: `${base}/jobs`, logs_url: `${base}/logs`,
            created_at: run.createdAt, updated_at: run.createdAt, run_started_at: run.createdAt,
        };
    }

    private jobJson(job: FakeJob): unknown {
        const repo = this.fullName;
        return {
            id: job.id, run_id: job.runId, run_url: `${API}/repos/${repo}/actions/runs/${job.runId}`, run_attempt: 1, node_id: `CR_${job.id}`,
            head_sha: "0".repeat(40), url: `${API}/repos/${repo}/actions/jobs/${job.id}`, html_url: `https://github.com/${repo}/actions/runs/${job.runId}/job/${job.id}`,
            status: "completed", conclusion: job.conclusion, started_at: job.startedAt, completed_at: job.completedAt, name: job.name,
            steps: job.steps.map((s) => ({ name: s.name, status: "completed", conclusion: s.conclusion, number: s.number, started_at: job.startedAt, completed_at: job.completedAt })),
            check_run_url: `${API}/repos/${repo}/check-runs/${job.id}`, labels: ["ubuntu-latest"], runner_name: "GitHub Actions 1", workflow_name: this.state.runs.find((r) => r.id === job.runId)?.workflow.replace(/\.ya?ml$/, ""),
        };
    }

    private planAllowsRules(): boolean {
        const { repo, plan } = this.state.scenario;
        return repo.visibility === "public" || plan === "enterprise";
    }

    private environmentJson(env: FakeEnvironment): unknown {
        const repo = this.fullName;
        const rules: unknown[] = [];
        if (env.waitTimer > 0) rules.push({ id: env.id + 1, node_id: `GA_wait${env.id}`, type: "wait_timer", wait_timer: env.waitTimer });
        if (env.reviewers.length > 0) {
            rules.push({
                id: env.id + 2, node_id: `GA_rev${env.id}`, type: "required_reviewers", prevent_self_review: env.preventSelfReview,
                reviewers: env.reviewers.map((r) => ({ type: r.type, reviewer: r.type === "Team" ? { id: r.id, slug: this.teamSlug(r.id) } : { id: r.id, type: "User" } })),
            });
        }
        if (env.branchPolicy !== null) rules.push({ id: env.id + 3, node_id: `GA_bp${env.id}`, type: "branch_policy" });
        return {
            id: env.id, node_id: `EN_${env.id}`, name: env.name, url: `${API}/repos/${repo}/environments/${env.name}`,
            html_url: `https://github.com/${repo}/deployments/activity_log?environments_filter=${env.name}`,
            created_at: env.createdAt, updated_at: env.createdAt, protection_rules: rules, deployment_branch_policy: env.branchPolicy,
        };
    }

    private teamSlug(id: number): string | undefined {
        return Object.entries(this.state.scenario.teams ?? {}).find(([, teamId]) => teamId === id)?.[0];
    }

    private newEnvironment(name: string): FakeEnvironment {
        const env: FakeEnvironment = {
            name, id: this.nextId += 10, createdAt: new Date().toISOString(), waitTimer: 0, reviewers: [], preventSelfReview: false,
            branchPolicy: null, branchPolicies: [], variables: new Map(),
        };
        this.state.environments.set(name, env);
        return env;
    }

    /** A page of a list, with GitHub's Link header (per_page default 30, at most 100). */
    private page(path: string, query: URLSearchParams, key: string, items: unknown[], extra: Record<string, unknown> = {}): { status: number; body: unknown; headers: Record<string, string> } {
        const perPage = Math.min(Math.max(Number(query.get("per_page") ?? 30) || 30, 1), 100);
        const pageNo = Math.max(Number(query.get("page") ?? 1) || 1, 1);
        const last = Math.max(Math.ceil(items.length / perPage), 1);
        const link = (n: number) => `<${API}${path}?per_page=${perPage}&page=${n}>`;
        const links: string[] = [];
        if (pageNo > 1) links.push(`${link(pageNo - 1)}; rel="prev"`);
        if (pageNo < last) links.push(`${link(pageNo + 1)}; rel="next"`, `${link(last)}; rel="last"`);
        if (pageNo > 1) links.push(`${link(1)}; rel="first"`);
        return {
            status: 200,
            body: { total_count: items.length, ...extra, [key]: items.slice((pageNo - 1) * perPage, pageNo * perPage) },
            headers: links.length > 0 ? { link: links.join(", ") } : {},
        };
    }

    private defineRoutes(): void {
        const s = () => this.state.scenario;
        const repoPath = "/repos/([^/]+)/([^/]+)";
        const env = (name: string) => this.state.environments.get(decodeURIComponent(name));
        const add = (method: string, pattern: string, handler: Handler) => this.routes.push({ method, pattern: new RegExp(`^${pattern}$`), handler });

        add("GET", repoPath, () => {
            const { owner, repo } = s();
            return {
                status: 200, body: {
                    id: repo.id, node_id: `R_${repo.id}`, name: repo.name, full_name: this.fullName, private: repo.visibility !== "public", visibility: repo.visibility,
                    owner: { login: owner.login, id: owner.id, node_id: `O_${owner.id}`, type: owner.type, site_admin: false },
                    html_url: `https://github.com/${this.fullName}`, default_branch: "main", archived: false, disabled: false,
                },
            };
        });
        add("GET", "/user", () => {
            const { owner, plan, tokenUser = TOKEN_USER, userScope } = s();
            const own = owner.type === "User" && owner.login.toLowerCase() === tokenUser.login.toLowerCase();
            const body: Record<string, unknown> = { login: tokenUser.login, id: tokenUser.id, node_id: `U_${tokenUser.id}`, type: "User", site_admin: false };
            if (userScope) body.plan = { name: own ? plan : "free", space: 976562499, collaborators: 0, private_repos: 10000 };
            return { status: 200, body };
        });
        add("GET", "/orgs/([^/]+)", () => {
            const { owner, plan, planVisible } = s();
            if (owner.type !== "Organization") return error(404, "Not Found", `${DOCS}/orgs/orgs#get-an-organization`);
            return { status: 200, body: { login: owner.login, id: owner.id, node_id: `O_${owner.id}`, type: "Organization", ...(planVisible ? { plan: { name: plan, space: 976562499, private_repos: 999999, filled_seats: 4, seats: 5 } } : {}) } };
        });
        add("GET", "/orgs/([^/]+)/teams/([^/]+)", ({ match }) => {
            const id = s().teams?.[decodeURIComponent(match[2])];
            return id === undefined ? error(404, "Not Found", `${DOCS}/teams/teams#get-a-team-by-name`) : { status: 200, body: { id, node_id: `T_${id}`, slug: match[2], name: match[2], privacy: "closed" } };
        });
        add("GET", `${repoPath}/actions/oidc/customization/sub`, () => {
            const { oidc } = this.state;
            const reports = { useImmutableSubject: true, subClaimPrefix: true, ...s().reports };
            const body: Record<string, unknown> = { use_default: oidc.use_default };
            if (!oidc.use_default && oidc.include_claim_keys) body.include_claim_keys = oidc.include_claim_keys;
            if (reports.useImmutableSubject && oidc.use_immutable_subject !== undefined) body.use_immutable_subject = oidc.use_immutable_subject;
            if (reports.subClaimPrefix) body.sub_claim_prefix = this.subjectPrefix();
            return { status: 200, body };
        });
        add("PUT", `${repoPath}/actions/oidc/customization/sub`, ({ body }) => {
            const b = (body ?? {}) as Partial<OidcTemplate>;
            if (typeof b.use_default !== "boolean") return error(422, "Invalid request.\n\n\"use_default\" wasn't supplied.", `${DOCS}/actions/oidc#set-the-customization-template-for-an-oidc-subject-claim-for-a-repository`);
            this.state.oidc = { use_default: b.use_default, ...(b.include_claim_keys ? { include_claim_keys: b.include_claim_keys } : {}), ...(b.use_immutable_subject !== undefined ? { use_immutable_subject: b.use_immutable_subject } : { use_immutable_subject: this.state.oidc.use_immutable_subject }) };
            if (b.use_immutable_subject === true) this.state.scenario.immutableSubjects = true;
            return { status: 201, body: {} };
        });
        add("GET", "/orgs/([^/]+)/actions/oidc/customization/sub", () => {
            if (s().owner.type !== "Organization") return error(404, "Not Found");
            const org = s().orgOidc ?? { include_claim_keys: ["repo", "context"] };
            return { status: 200, body: org };
        });
        add("GET", `${repoPath}/branches/([^/]+)`, ({ match }) => {
            const branch = decodeURIComponent(match[3]);
            return { status: 200, body: { name: branch, protected: (s().protectedBranches ?? []).includes(branch), commit: { sha: "0".repeat(40) } } };
        });

        add("GET", `${repoPath}/environments`, ({ path, query }) => this.page(path, query, "environments", [...this.state.environments.values()].map((e) => this.environmentJson(e))));
        add("GET", `${repoPath}/environments/([^/]+)`, ({ match }) => {
            const found = env(match[3]);
            return found ? { status: 200, body: this.environmentJson(found) } : error(404, "Not Found", `${DOCS}/deployments/environments#get-an-environment`);
        });
        add("PUT", `${repoPath}/environments/([^/]+)`, ({ match, body }) => {
            const name = decodeURIComponent(match[3]);
            const b = (body ?? {}) as { wait_timer?: number; reviewers?: { type: "User" | "Team"; id: number }[] | null; prevent_self_review?: boolean; deployment_branch_policy?: FakeEnvironment["branchPolicy"] };
            const docs = `${DOCS}/deployments/environments#create-or-update-an-environment`;
            const policy = b.deployment_branch_policy;
            if (policy && policy.protected_branches === policy.custom_branch_policies) return error(422, "Invalid request.\n\nprotected_branches and custom_branch_policies cannot have the same value.", docs);
            const refusal = !this.planAllowsRules() && ((b.reviewers?.length ?? 0) > 0 ? REVIEWERS_REFUSED : (b.wait_timer ?? 0) > 0 ? WAIT_TIMER_REFUSED : undefined);
            if (refusal) {
                if (!env(match[3]) && s().shellOnRefusedRule !== false) this.newEnvironment(name);
                return error(422, refusal, docs);
            }
            for (const reviewer of b.reviewers ?? []) {
                if (reviewer.type === "Team" && this.teamSlug(reviewer.id) === undefined) return error(422, "Validation Failed", docs);
            }
            const target = env(match[3]) ?? this.newEnvironment(name);
            if (b.wait_timer !== undefined) target.waitTimer = b.wait_timer;
            if (b.reviewers !== undefined) target.reviewers = b.reviewers ?? [];
            if (b.prevent_self_review !== undefined) target.preventSelfReview = b.prevent_self_review;
            if (b.deployment_branch_policy !== undefined) {
                target.branchPolicy = b.deployment_branch_policy;
                if (b.deployment_branch_policy === null || !b.deployment_branch_policy.custom_branch_policies) target.branchPolicies = [];
            }
            return { status: 200, body: this.environmentJson(target) };
        });
        add("DELETE", `${repoPath}/environments/([^/]+)`, ({ match }) => {
            this.state.environments.delete(decodeURIComponent(match[3]));
            return { status: 204 };
        });
        add("GET", `${repoPath}/environments/([^/]+)/deployment-branch-policies`, ({ match, path, query }) => {
            const found = env(match[3]);
            if (!found) return error(404, "Not Found");
            return this.page(path, query, "branch_policies", found.branchPolicies.map((p) => ({ id: p.id, node_id: `MDE2OkdhdGVCcmFuY2hQb2xpY3k${p.id}`, name: p.name, type: p.type })));
        });
        add("POST", `${repoPath}/environments/([^/]+)/deployment-branch-policies`, ({ match, body }) => {
            const found = env(match[3]);
            const b = (body ?? {}) as { name?: string; type?: "branch" | "tag" };
            if (!found || !found.branchPolicy?.custom_branch_policies) return error(404, "Not Found", `${DOCS}/deployments/branch-policies#create-a-deployment-branch-policy`);
            const type = b.type ?? "branch";
            const existing = found.branchPolicies.find((p) => p.name === b.name && p.type === type);
            if (existing) return { status: 303, headers: { location: `${API}${match[0]}/${existing.id}` } };
            const created = { id: this.nextId += 1, name: String(b.name), type };
            found.branchPolicies.push(created);
            return { status: 200, body: { id: created.id, node_id: `MDE2OkdhdGVCcmFuY2hQb2xpY3k${created.id}`, name: created.name, type } };
        });
        add("GET", `${repoPath}/environments/([^/]+)/deployment-branch-policies/(\\d+)`, ({ match }) => {
            const policy = env(match[3])?.branchPolicies.find((p) => p.id === Number(match[4]));
            return policy ? { status: 200, body: { id: policy.id, name: policy.name, type: policy.type } } : error(404, "Not Found");
        });
        add("DELETE", `${repoPath}/environments/([^/]+)/deployment-branch-policies/(\\d+)`, ({ match }) => {
            const found = env(match[3]);
            if (found) found.branchPolicies = found.branchPolicies.filter((p) => p.id !== Number(match[4]));
            return { status: 204 };
        });

        // Actions: workflows, runs, jobs and their logs (see the header).
        const actionsDocs = `${DOCS}/actions/workflow-runs`;
        const workflowOf = (idOrFile: string) => {
            const key = decodeURIComponent(idOrFile);
            return [...this.state.workflows].find((w) => w === key || String(this.workflowId(w)) === key);
        };
        add("GET", `${repoPath}/actions/workflows/([^/]+)`, ({ match }) => {
            const workflow = workflowOf(match[3]);
            if (!workflow) return error(404, "Not Found", `${DOCS}/actions/workflows#get-a-workflow`);
            const id = this.workflowId(workflow);
            return { status: 200, body: { id, node_id: `W_${id}`, name: workflow.replace(/\.ya?ml$/, ""), path: `.github/workflows/${workflow}`, state: "active", url: `${API}/repos/${this.fullName}/actions/workflows/${id}` } };
        });
        add("GET", `${repoPath}/actions/workflows/([^/]+)/runs`, ({ match, path, query }) => {
            const workflow = workflowOf(match[3]);
            if (!workflow) return error(404, "Not Found", `${actionsDocs}#list-workflow-runs-for-a-workflow`);
            const status = query.get("status");
            const runs = this.state.runs
                .filter((r) => r.workflow === workflow)
                .filter((r) => !query.get("branch") || r.branch === query.get("branch"))
                .filter((r) => !query.get("event") || r.event === query.get("event"))
                .filter((r) => !status || status === "completed" || r.conclusion === status)
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
            return this.page(path, query, "workflow_runs", runs.map((r) => this.runJson(r)));
        });
        add("POST", `${repoPath}/actions/workflows/([^/]+)/dispatches`, ({ match, body }) => {
            const workflow = workflowOf(match[3]);
            const b = (body ?? {}) as { ref?: string; inputs?: Record<string, string> };
            const docs = `${DOCS}/actions/workflows#create-a-workflow-dispatch-event`;
            if (!workflow) return error(404, "Not Found", docs);
            if (typeof b.ref !== "string") return error(422, "Invalid request.\n\n\"ref\" wasn't supplied.", docs);
            this.state.dispatches.push({ workflow, ref: b.ref, inputs: b.inputs ?? {} });
            return { status: 204 };
        });
        add("GET", `${repoPath}/actions/runs/(\\d+)`, ({ match }) => {
            const run = this.state.runs.find((r) => r.id === Number(match[3]));
            return run ? { status: 200, body: this.runJson(run) } : error(404, "Not Found", `${actionsDocs}#get-a-workflow-run`);
        });
        add("GET", `${repoPath}/actions/runs/(\\d+)/jobs`, ({ match, path, query }) => {
            const run = this.state.runs.find((r) => r.id === Number(match[3]));
            if (!run) return error(404, "Not Found", `${DOCS}/actions/workflow-jobs#list-jobs-for-a-workflow-run`);
            return this.page(path, query, "jobs", run.jobs.map((j) => this.jobJson(j)));
        });
        add("GET", `${repoPath}/actions/jobs/(\\d+)`, ({ match }) => {
            const job = this.state.runs.flatMap((r) => r.jobs).find((j) => j.id === Number(match[3]));
            return job ? { status: 200, body: this.jobJson(job) } : error(404, "Not Found", `${DOCS}/actions/workflow-jobs#get-a-job-for-a-workflow-run`);
        });
        add("GET", `${repoPath}/actions/jobs/(\\d+)/logs`, ({ match }) => {
            const job = this.state.runs.flatMap((r) => r.jobs).find((j) => j.id === Number(match[3]));
            if (!job) return error(404, "Not Found", `${DOCS}/actions/workflow-jobs#download-job-logs-for-a-workflow-run`);
            const location = this.blobUrl(`workflow-job-run-${randomUUID()}/logs/job/job-logs.txt`, "text/plain", () => Buffer.from(this.jobLog(job), "utf8"));
            return { status: 302, headers: { location } };
        });
        add("GET", `${repoPath}/actions/runs/(\\d+)/logs`, ({ match }) => {
            const run = this.state.runs.find((r) => r.id === Number(match[3]));
            if (!run) return error(404, "Not Found", `${actionsDocs}#download-workflow-run-logs`);
            const location = this.blobUrl(`workflow-run-${run.id}/logs/run/logs.zip`, "application/zip", () => this.runLogZip(run));
            return { status: 302, headers: { location } };
        });

        const variables = (collection: (match: RegExpExecArray) => Map<string, string> | undefined, base: string) => {
            const docs = `${DOCS}/actions/variables`;
            const json = (name: string, value: string) => ({ name, value, created_at: "2026-12-01T00:00:00Z", updated_at: "2026-12-01T00:00:00Z" });
            add("GET", base, ({ path, query, match }) => {
                const vars = collection(match);
                if (!vars) return error(404, "Not Found", docs);
                const items = [...vars].map(([n, v]) => json(n, v));
                // Variables list 10 per page by default and at most 30 (GitHub's REST reference, "List ... variables").
                const perPage = Math.min(Number(query.get("per_page") ?? 10) || 10, 30);
                const q = new URLSearchParams(query);
                q.set("per_page", String(perPage));
                return this.page(path, q, "variables", items);
            });
            add("POST", base, ({ body, match }) => {
                const vars = collection(match);
                const b = (body ?? {}) as { name?: string; value?: string };
                if (!vars) return error(404, "Not Found", docs);
                if (typeof b.name !== "string" || typeof b.value !== "string") return error(422, "Invalid request.\n\n\"name\", \"value\" weren't supplied.", docs);
                // Not documented: the fake answers a duplicate like GitHub's other create endpoints, 409.
                if (vars.has(b.name.toUpperCase())) return error(409, "Already exists - Variable already exists", docs);
                vars.set(b.name.toUpperCase(), b.value);
                return { status: 201, body: {} };
            });
            add("GET", `${base}/([^/]+)`, ({ match }) => {
                const name = decodeURIComponent(match[match.length - 1]).toUpperCase();
                const value = collection(match)?.get(name);
                return value === undefined ? error(404, "Not Found", docs) : { status: 200, body: json(name, value) };
            });
            add("PATCH", `${base}/([^/]+)`, ({ match, body }) => {
                const name = decodeURIComponent(match[match.length - 1]).toUpperCase();
                const vars = collection(match);
                const b = (body ?? {}) as { value?: string };
                if (!vars?.has(name)) return error(404, "Not Found", docs);
                if (typeof b.value === "string") vars.set(name, b.value);
                return { status: 204 };
            });
            add("DELETE", `${base}/([^/]+)`, ({ match }) => {
                collection(match)?.delete(decodeURIComponent(match[match.length - 1]).toUpperCase());
                return { status: 204 };
            });
        };
        variables(() => this.state.variables, `${repoPath}/actions/variables`);
        variables((match) => env(match[3])?.variables, `${repoPath}/environments/([^/]+)/variables`);
    }

    private serve(req: IncomingMessage, res: ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", API);
            const method = req.method ?? "GET";
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
            let answer: { status: number; body?: unknown; headers?: Record<string, string> };
            const repoOf = /^\/repos\/([^/]+)\/([^/]+)/.exec(url.pathname);
            const auth = req.headers.authorization ?? "";
            if (auth !== `token ${FAKE_TOKEN}` && auth !== `Bearer ${FAKE_TOKEN}`) {
                answer = error(401, "Bad credentials");
            } else if (repoOf && `${repoOf[1]}/${repoOf[2]}`.toLowerCase() !== this.fullName.toLowerCase()) {
                answer = error(404, "Not Found");
            } else if ((this.state.scenario.forbidden ?? []).some((p) => p.test(`${method} ${url.pathname}`))) {
                answer = error(403, "Resource not accessible by personal access token");
            } else {
                const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
                const match = route?.pattern.exec(url.pathname);
                answer = route && match ? route.handler({ method, path: url.pathname, query: url.searchParams, body, match }) : error(404, "Not Found");
            }
            this.requests.push({ at: process.hrtime.bigint(), method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, status: answer.status });
            const headers: Record<string, string> = { "x-github-media-type": "github.v3; format=json", "x-oauth-scopes": "repo, read:org", ...answer.headers };
            if (answer.body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
            res.writeHead(answer.status, headers);
            res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
        });
    }
}
