// Starts the pack in its own process exactly as the CLI's `pulumi-analyzer-policy` shim does: working
// directory policy/, `node <@pulumi/pulumi/cmd/run-policy-pack resolved from there> <engine> .`. That path
// type-checks the pack with ts-node and policy/tsconfig.json and reads policy/package.json, which the
// in-process test (pack.test.ts) does not exercise.
import { strict as assert } from "node:assert";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { analyzerInfo, connect } from "./analyzerClient";
import { EXPECTED_POLICIES } from "./policyHarness";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

describe("the policy pack started as the CLI's analyzer plugin starts it", function () {
    this.timeout(60_000);
    let child: ChildProcess | undefined;

    after(() => {
        if (child?.exitCode === null) child.kill();
    });

    it("type-checks, serves from policy/ and registers every policy with its enforcement level", async () => {
        // The shim resolves the runner with `node -e require.resolve(...)` in the pack's directory.
        const runner = execFileSync(process.execPath, ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"],
            { cwd: POLICY_DIR, encoding: "utf8" }).trim();
        // The engine address is unused until the engine calls back; nothing here calls the engine.
        const started = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
        child = started;
        let stderr = "";
        started.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            started.stdout?.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const line = stdout.split("\n")[0];
                if (stdout.includes("\n") && /^\d+$/.test(line.trim())) resolve(Number(line.trim()));
            });
            started.on("exit", (code) => reject(new Error(`the pack exited with ${code} before serving:\n${stdout}\n${stderr}`)));
        });

        const client = connect(port);
        try {
            const { name, version, policies } = await analyzerInfo(client);
            assert.equal(name, "jtel-teams-presence");
            assert.equal(version, JSON.parse(readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).version);
            assert.deepEqual(policies, EXPECTED_POLICIES);
        } finally {
            client.close();
        }
        assert.equal(stderr, "");
    });
});
