// What `pulumi up` prints when the program stops on a person's mistake: the program runs through Pulumi's own
// runner (fixtures/runLikePulumi.ts), whose error handler prints a RunError's message alone and anything
// else as "failed with an unhandled exception" with util.inspect (stack and every field of the error object).
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { RUNNER_SECRETS } from "./fixtures/runLikePulumi";

interface Printed {
    code: number | null;
    output: string;
}

function runLikePulumi(scenario: string): Promise<Printed> {
    const script = join(__dirname, "fixtures", "runLikePulumi.ts");
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", script, scenario], { cwd: join(__dirname, "..", ".."), timeout: 45_000 }, (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, output: `${stdout}${stderr}` });
        });
    });
}

/** Only the message: no stack frames, none of the error object's fields, no secret. */
function assertMessageOnly(printed: Printed, fields: string[]): void {
    assert.equal(printed.code, 32, `the runner did not log the error as a user-actionable message:\n${printed.output}`);
    assert.doesNotMatch(printed.output, /failed with an unhandled exception/);
    assert.doesNotMatch(printed.output, /^\s+at .+[(:]\d+/m, "a stack frame was printed");
    for (const field of [...fields, "__pulumiRunError"]) assert.ok(!printed.output.includes(`${field}:`), `the field ${field} was printed`);
    for (const secret of Object.values(RUNNER_SECRETS)) assert.ok(!printed.output.includes(secret), "a secret was printed");
}

describe("errors a person reads in `pulumi up`, printed by Pulumi's own runner", function () {
    // Each scenario starts Node, ts-node and @pulumi/pulumi once; they run side by side.
    this.timeout(60_000);
    const printed: Record<string, Printed> = {};
    before(async () => {
        const names = ["config", "tenant", "permission", "verification"];
        const results = await Promise.all(names.map((name) => runLikePulumi(name)));
        names.forEach((name, i) => (printed[name] = results[i]));
    });

    it("prints a configuration mistake as its message only, every problem listed, the plain-text password not shown", () => {
        const out = printed.config;
        assertMessageOnly(out, ["problems"]);
        assert.match(out.output, /error: .*The stack configuration is not valid \(3 problems\); nothing was created:/);
        assert.match(out.output, /existingUserPassword is stored in plain text/);
        assert.match(out.output, /passwordLength 8 must be a whole number of characters from 16 to 256/);
        assert.match(out.output, /authorityHost "http:\/\/192\.0\.2\.2" must use https:\/\//);
    });

    it("prints a tenant mismatch as its message only", () => {
        const out = printed.tenant;
        assertMessageOnly(out, ["configuredTenantId", "signedInTenantId"]);
        assert.match(out.output, /error: .*The stack is configured for tenant .* but the signed-in identity belongs to tenant .*; nothing was created/);
    });

    it("prints an unknown Graph permission as its message only, with the closest valid names", () => {
        const out = printed.permission;
        assertMessageOnly(out, ["key", "names"]);
        assert.match(out.output, /error: .*delegatedPermissions names permissions Microsoft Graph does not publish/);
        assert.match(out.output, /"Presense\.Read\.Al" is not a Microsoft Graph delegated permission; closest: Presence\.Read\.All/);
    });

    it("prints a failed post-deploy verification as its diagnosis and remedy only, with no secret the endpoint echoed", () => {
        const out = printed.verification;
        assertMessageOnly(out, ["report", "grantedScopes", "attempts"]);
        assert.match(out.output, /error: .*Post-deploy verification failed/);
        assert.match(out.output, /code: mfa_required \(AADSTS50076\)/);
        assert.match(out.output, /what to do: The connector's password sign-in cannot answer an MFA prompt/);
    });
});
