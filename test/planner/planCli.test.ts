// `npm run plan` (cli/plan.ts) in a git repository holding a copy of this project's program: which stacks a change
// plans, main's side read from git (settings and, when it differs, the program), and its usage errors.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { EXIT, runPlanCli } from "../../cli/plan";
import { programFiles } from "../../planner/programFiles";

const root = join(__dirname, "..", "..");
const AT = "2026-11-27T11:00:00Z";
const CONTOSO = [
    "config:",
    "  azuread:tenantId: 0f1e2d3c-4b5a-6978-8a9b-acbdcedff001",
    "  jtel-teams-presence:serviceUserPrincipalName: jtel-presence@contoso.com",
    "",
].join("\n");

function git(cwd: string, ...args: string[]): string {
    const result = spawnSync("git", ["-c", "user.email=plan@example.com", "-c", "user.name=plan", ...args], { cwd, encoding: "utf8" });
    assert.equal(result.status, 0, `git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
}

async function plan(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runPlanCli(argv, { cwd, stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, now: () => new Date(AT) });
    return { code, stdout, stderr };
}

const sections = (stdout: string) => [...stdout.matchAll(/^### (.+)$/gm)].map((m) => m[1]);

describe("npm run plan in a git repository", function () {
    this.timeout(180_000);
    let repo: string;

    before(() => {
        repo = mkdtempSync(join(tmpdir(), "plan-repo-"));
        const read = (path: string) => { try { return readFileSync(join(root, path), "utf8"); } catch { return undefined; } };
        const files = [...programFiles("index.ts", read).keys(), "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "README.md"];
        for (const file of files) {
            mkdirSync(dirname(join(repo, file)), { recursive: true });
            copyFileSync(join(root, file), join(repo, file));
        }
        symlinkSync(realpathSync(join(root, "node_modules")), join(repo, "node_modules"), "dir");
        writeFileSync(join(repo, ".gitignore"), "node_modules\n");
        writeFileSync(join(repo, "Pulumi.contoso.yaml"), CONTOSO);
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "main");
    });

    afterEach(() => {
        git(repo, "checkout", "-q", "main");
        git(repo, "reset", "-q", "--hard", "main");
        git(repo, "clean", "-q", "-f", "-d");
    });

    after(() => rmSync(repo, { recursive: true, force: true }));

    it("plans nothing for a change that only edits README.md", async () => {
        writeFileSync(join(repo, "README.md"), `${readFileSync(join(repo, "README.md"), "utf8")}\nA line.\n`);
        const result = await plan(repo, "--changed");
        assert.deepEqual([result.code, sections(result.stdout), result.stderr], [EXIT.planned, [], ""]);
        assert.match(result.stdout, /^Nothing to plan: this change adds, edits or removes no `Pulumi.<stack>.yaml` and does not change the program/m);
    });

    it("plans an edited stack file and a new one (its first deploy), and says a removed one destroys nothing", async () => {
        writeFileSync(join(repo, "Pulumi.contoso.yaml"), `${CONTOSO}  jtel-teams-presence:secretOverlapDays: 30\n`);
        writeFileSync(join(repo, "Pulumi.fabrikam.yaml"), CONTOSO.replace("dff001", "dff002").replace("contoso.com", "fabrikam.com"));
        const edited = await plan(repo, "--changed", "--at", AT);
        assert.equal(edited.code, EXIT.planned, edited.stderr);
        assert.deepEqual(sections(edited.stdout), ["contoso: replace 1", "fabrikam (first deploy): create 8"]);
        assert.match(edited.stdout, /\+-replace jtel-presence-secret-b \(ApplicationPassword\): endDate forces the replacement/);
        assert.match(edited.stdout, /The connector's secret will change: hand over the new value/);
        assert.match(edited.stdout, new RegExp(`both at ${AT.replace("Z", ".000Z")}`));

        git(repo, "checkout", "-q", "--", "Pulumi.contoso.yaml");
        rmSync(join(repo, "Pulumi.contoso.yaml"));
        const removed = await plan(repo, "--changed");
        assert.deepEqual(sections(removed.stdout), ["contoso: settings file removed", "fabrikam (first deploy): create 8"]);
        assert.match(removed.stdout, /the pipeline stops managing this stack and destroys nothing/);
    });

    it("runs main's program on main's side when the program changed, and then plans every stack", async () => {
        const file = join(repo, "components", "appRegistration.ts");
        writeFileSync(file, readFileSync(file, "utf8").replace("Managed by jtel-teams-presence (Pulumi).", "Managed by jtel-teams-presence (Pulumi, GitOps)."));
        const result = await plan(repo, "--changed");
        assert.equal(result.code, EXIT.planned, result.stderr);
        assert.deepEqual(sections(result.stdout), ["contoso: update 1"]);
        assert.match(result.stdout, /~ update {2}jtel-presence-registration-app \(ApplicationRegistration\): notes/);
        assert.match(result.stdout, /The program differs from the merge base with main \([0-9a-f]{12}\): main's side ran the program as it is there/);
        assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith("jtel-plan-base-")), [], "main's program is removed after the plan");
    });

    it("compares with the merge base of HEAD and main by default, and with --base when given", async () => {
        git(repo, "checkout", "-q", "-b", "feature");
        writeFileSync(join(repo, "Pulumi.contoso.yaml"), `${CONTOSO}  jtel-teams-presence:appDisplayName: jtel Presence (Contoso)\n`);
        git(repo, "commit", "-q", "-am", "rename the app");
        const byDefault = await plan(repo, "--stack", "contoso");
        assert.deepEqual(sections(byDefault.stdout), ["contoso: update 1"]);
        const againstItself = await plan(repo, "--stack", "contoso", "--base", "HEAD");
        assert.deepEqual(sections(againstItself.stdout), ["contoso: no change"]);
        assert.match(againstItself.stdout, /Pulumi.contoso.yaml and the program are the same as on main: nothing to plan/);
    });

    it("exits 1 when the change's settings stop the program, saying why in the program's words", async () => {
        writeFileSync(join(repo, "Pulumi.contoso.yaml"), CONTOSO.replace("jtel-presence@contoso.com", "bob"));
        const result = await plan(repo, "--changed");
        assert.equal(result.code, EXIT.fails);
        assert.deepEqual(sections(result.stdout), ["contoso: the program stops"]);
        assert.match(result.stdout, /serviceUserPrincipalName "bob" must be an email-like UPN/);
    });

    it("refuses bad usage with exit 2 and one line that names the flag", async () => {
        const cases: [string[], RegExp][] = [
            [[], /^--stack NAME or --changed is required/],
            [["--stack", "Contoso"], /^--stack "Contoso" must be a stack name/],
            [["--stack", "contoso", "--changed"], /^--stack and --changed exclude each other/],
            [["--changed", "--at", "yesterday"], /^--at "yesterday" must be an ISO 8601 date-time/],
            [["--changed", "--base", "no-such-branch"], /^--base "no-such-branch" is not a commit in this repository/],
            [["--stack", "ghost"], /^--stack "ghost" has no Pulumi.ghost.yaml/],
            [["--stak", "contoso"], /^Unknown option '--stak'; the options are --stack, --changed, --base, --at, --help/],
        ];
        for (const [argv, message] of cases) {
            const result = await plan(repo, ...argv);
            assert.equal(result.code, EXIT.usage, argv.join(" "));
            assert.equal(result.stdout, "", argv.join(" "));
            assert.equal(result.stderr.trimEnd().split("\n").length, 1, `one line for ${argv.join(" ")}: ${result.stderr}`);
            assert.match(result.stderr, message);
        }
    });
});
