// One rule for stack names, whether TypeScript (new-tenant, status) or bash (list-stacks.sh, bootstrap-tenant.sh) applies it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invalidStackNames, managedStacks, STACK_NAME, tenantResourceNames } from "../../fleet/stacks";
import { scriptDir } from "../gitops/workflowModel";

describe("stack names", () => {
    it("are written with the same regular expression in both scripts", () => {
        // bash's extended regular expressions have no (?: ), only plain groups.
        const ere = escape(STACK_NAME.source.replace("(?:", "("));
        assert.match(readFileSync(join(scriptDir, "list-stacks.sh"), "utf8"), new RegExp(`^valid='${ere}'$`, "m"));
        assert.match(readFileSync(join(scriptDir, "bootstrap-tenant.sh"), "utf8"), new RegExp(`^readonly STACK_RE='${ere}'$`, "m"));
    });

    const samples = ["contoso", "a", "fabrikam-eu", "x1", "9lives", "a".repeat(40), "a".repeat(41), "Contoso", "con_toso", "con.toso", "-contoso", "contoso-", "con toso", ""];

    it("are accepted and refused alike by list-stacks.sh and fleet/stacks.ts", () => {
        const dir = mkdtempSync(join(tmpdir(), "stack-names-"));
        try {
            for (const name of samples) {
                const file = join(dir, `Pulumi.${name}.yaml`);
                writeFileSync(file, "config: {}\n");
                const result = spawnSync("bash", [join(scriptDir, "list-stacks.sh"), dir], { encoding: "utf8" });
                assert.equal(result.status === 0, invalidStackNames(managedStacks([`Pulumi.${name}.yaml`])).length === 0, `"${name}"`);
                rmSync(file);
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("fit every name derived from them: environments, a 3-63 character container, a key", () => {
        for (const name of samples.filter((s) => STACK_NAME.test(s))) {
            const names = tenantResourceNames(name);
            assert.match(names.stateContainer, /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, name);
            assert.match(names.stateKey, /^[0-9a-zA-Z-]{1,127}$/, name);
            assert.ok(names.previewEnvironment.length <= 255);
        }
    });

    it("leave out Pulumi.yaml and the example stack", () => {
        assert.deepEqual(managedStacks(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.b.yaml", "Pulumi.a.yaml", "README.md"]), ["a", "b"]);
    });
});

function escape(source: string): string {
    return source.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
