import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHandoffCli, SHOW_SECRETS_HINT, type HandoffCliIo } from "../../cli/handoff";

const SECRET = "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL";
const PASSWORD = "Tr0ub4dor'Horse-9!zQ";
const KEY_VAULT_NAMES = {
    applicationClientId: "jtel-contoso-application-client-id",
    directoryTenantId: "jtel-contoso-directory-tenant-id",
    secretValue: "jtel-contoso-secret-value",
    userEmail: "jtel-contoso-user-email",
    userPassword: "jtel-contoso-user-password",
};

/** What `pulumi stack output --json --show-secrets` prints for a deployed stack. */
function stackOutputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        handoff: {
            applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
            directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
            secretValue: SECRET,
            userEmail: "jtel-presence@contoso.example",
            userPassword: PASSWORD,
        },
        applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
        directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
        userEmail: "jtel-presence@contoso.example",
        applicationObjectId: "99999999-8888-4777-8666-555555555555",
        secretExpiresAt: "2027-05-26T09:00:00.000Z",
        previousSecretExpiresAt: "2026-12-11T09:00:00.000Z",
        nextRotationAt: "2027-02-25T09:00:00.000Z",
        delegatedPermissions: ["User.Read", "Presence.Read.All"],
        applicationPermissions: [],
        keyVaultSecretNames: KEY_VAULT_NAMES,
        verification: { ok: true, code: "ok" },
        ...overrides,
    };
}

interface Captured {
    code: number;
    stdout: string;
    stderr: string;
    execCalls: { file: string; args: readonly string[] }[];
}

const ROWS: [string, string][] = [
    ["Application (client) ID", "0f1e2d3c-4b5a-4697-8877-665544332211"],
    ["Directory (tenant) ID", "a1b2c3d4-e5f6-4789-abcd-ef0123456789"],
    ["Secret Value", SECRET],
    ["User email address", "jtel-presence@contoso.example"],
    ["User password", PASSWORD],
];

function assertNoSecrets(out: Captured): void {
    for (const text of [out.stdout, out.stderr]) {
        assert.ok(!text.includes(SECRET), "the client secret leaked");
        assert.ok(!text.includes(PASSWORD), "the password leaked");
        assert.ok(!text.includes(SECRET.slice(-4)), "the client secret's last characters leaked");
        assert.ok(!text.includes(PASSWORD.slice(-4)), "the password's last characters leaked");
    }
}

describe("npm run handoff", () => {
    let dir: string;
    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "handoff-cli-"));
    });
    afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    async function cli(argv: string[], extra: Partial<HandoffCliIo> = {}): Promise<Captured> {
        let stdout = "";
        let stderr = "";
        const execCalls: Captured["execCalls"] = [];
        const io: HandoffCliIo = {
            stdout: (t) => {
                stdout += t;
            },
            stderr: (t) => {
                stderr += t;
            },
            readStdin: async () => JSON.stringify(stackOutputs()),
            readFile: (path) => readFile(path, "utf8"),
            execFile: async (file, args) => {
                execCalls.push({ file, args });
                return { stdout: JSON.stringify(stackOutputs()), stderr: "" };
            },
            now: () => new Date("2026-11-27T10:00:00Z"),
            ...extra,
        };
        const code = await runHandoffCli(argv, io);
        return { code, stdout, stderr, execCalls };
    }

    async function outputsFile(outputs: unknown): Promise<string> {
        const path = join(dir, "outputs.json");
        // It holds the secret and the password: readable by this user only, as any handoff file should be.
        await writeFile(path, typeof outputs === "string" ? outputs : JSON.stringify(outputs), { mode: 0o600 });
        return path;
    }

    /** The table's header and five rows, split at the column bar. */
    function tableRows(stdout: string): [string, string][] {
        return stdout.split("\n").slice(0, 6).map((line) => {
            const [label, value] = line.split(" | ");
            return [label.trimEnd(), value];
        });
    }

    describe("table (the default)", () => {
        it("prints the header Data | Value and the guide's five rows in its order, both secrets masked", async () => {
            const out = await cli(["--outputs", "-"]);
            assert.equal(out.code, 0, out.stderr);
            assert.deepEqual(tableRows(out.stdout), [
                ["Data", "Value"],
                ...ROWS.map(([label, value]): [string, string] => [label, label === "Secret Value" || label === "User password" ? "********" : value]),
            ]);
            assertNoSecrets(out);
        });

        it("prints the Secret Value and the User password in their rows with --show-secrets", async () => {
            const out = await cli(["--outputs", "-", "--show-secrets"]);
            assert.equal(out.code, 0, out.stderr);
            assert.deepEqual(tableRows(out.stdout), [["Data", "Value"], ...ROWS]);
        });

        it("follows the table with the Secret Value note, the expiry, the previous secret's deadline, the next rotation and the Key Vault names", async () => {
            const out = await cli(["--outputs", "-"]);
            const below = out.stdout.split("\n").slice(6);
            assert.deepEqual(below, [
                "",
                "Note: The Secret Value is required, not the Secret ID.",
                "The client secret (Secret Value) expires on 2027-05-26 09:00 UTC.",
                "After the last rotation the previous secret stops working on 2026-12-11 09:00 UTC; update the connector before then.",
                "The next rotation is due on 2027-02-25 09:00 UTC: the first `pulumi up` after it issues a new Secret Value to hand over.",
                "The values are also in Key Vault, as these secrets:",
                "  Application (client) ID   jtel-contoso-application-client-id",
                "  Directory (tenant) ID     jtel-contoso-directory-tenant-id",
                "  Secret Value              jtel-contoso-secret-value",
                "  User email address        jtel-contoso-user-email",
                "  User password             jtel-contoso-user-password",
                "",
            ]);
        });

        it("leaves out the previous secret's deadline and Key Vault when those outputs are null", async () => {
            const out = await cli(["--outputs", await outputsFile(stackOutputs({ previousSecretExpiresAt: null, keyVaultSecretNames: null }))]);
            assert.equal(out.code, 0, out.stderr);
            assert.doesNotMatch(out.stdout, /previous secret|Key Vault/);
            assert.match(out.stdout, /The next rotation is due on 2027-02-25 09:00 UTC/);
        });
    });

    describe("json", () => {
        it("prints one object with the five values and three dates, secrets masked", async () => {
            const out = await cli(["--outputs", "-", "--format", "json"]);
            assert.equal(out.code, 0, out.stderr);
            assert.deepEqual(JSON.parse(out.stdout), {
                applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
                directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
                secretValue: "********",
                userEmail: "jtel-presence@contoso.example",
                userPassword: "********",
                secretExpiresAt: "2027-05-26T09:00:00.000Z",
                previousSecretExpiresAt: "2026-12-11T09:00:00.000Z",
                nextRotationAt: "2027-02-25T09:00:00.000Z",
            });
            assertNoSecrets(out);
        });

        it("prints the secret and the password with --show-secrets", async () => {
            const out = await cli(["--outputs", "-", "--format", "json", "--show-secrets"]);
            const json = JSON.parse(out.stdout);
            assert.equal(json.secretValue, SECRET);
            assert.equal(json.userPassword, PASSWORD);
        });
    });

    describe("env", () => {
        it("prints the six JTEL_TEAMS_ variables, secrets masked", async () => {
            const out = await cli(["--outputs", "-", "--format", "env"]);
            assert.equal(out.code, 0, out.stderr);
            assert.equal(out.stdout, [
                "JTEL_TEAMS_APPLICATION_CLIENT_ID='0f1e2d3c-4b5a-4697-8877-665544332211'",
                "JTEL_TEAMS_DIRECTORY_TENANT_ID='a1b2c3d4-e5f6-4789-abcd-ef0123456789'",
                "JTEL_TEAMS_SECRET_VALUE='********'",
                "JTEL_TEAMS_USER_EMAIL='jtel-presence@contoso.example'",
                "JTEL_TEAMS_USER_PASSWORD='********'",
                "JTEL_TEAMS_SECRET_EXPIRES_AT='2027-05-26T09:00:00.000Z'",
                "",
            ].join("\n"));
            assertNoSecrets(out);
        });

        it("single-quotes a password that contains a single quote as '\\''", async () => {
            const out = await cli(["--outputs", "-", "--format", "env", "--show-secrets"]);
            assert.match(out.stdout, /^JTEL_TEAMS_SECRET_VALUE='Qx8~sEcReT\.vAlUe_0123456789-abcdefghijKL'$/m);
            assert.match(out.stdout, /^JTEL_TEAMS_USER_PASSWORD='Tr0ub4dor'\\''Horse-9!zQ'$/m);
        });
    });

    describe("secrets", () => {
        for (const format of ["table", "json", "env"]) {
            it(`keeps the secret and the password out of stdout and stderr in --format ${format} without --show-secrets, and says how to reveal them`, async () => {
                const out = await cli(["--stack", "contoso", "--format", format]);
                assert.equal(out.code, 0, out.stderr);
                assertNoSecrets(out);
                assert.equal(out.stderr, `${SHOW_SECRETS_HINT}\n`);
                assert.match(out.stderr, /--show-secrets/);
            });
        }

        it("prints no hint on stderr with --show-secrets", async () => {
            const out = await cli(["--stack", "contoso", "--show-secrets"]);
            assert.equal(out.code, 0);
            assert.equal(out.stderr, "");
        });
    });

    describe("--stack", () => {
        it("runs exactly `pulumi stack output --json --show-secrets --stack NAME` once", async () => {
            const out = await cli(["--stack", "my-org/jtel-teams-presence/contoso"]);
            assert.equal(out.code, 0, out.stderr);
            assert.deepEqual(out.execCalls, [{ file: "pulumi", args: ["stack", "output", "--json", "--show-secrets", "--stack", "my-org/jtel-teams-presence/contoso"] }]);
            assert.equal(tableRows(out.stdout)[1]?.[1], "0f1e2d3c-4b5a-4697-8877-665544332211");
        });

        it("exits 2, as `npm run verify --stack` does, and suggests --outputs when the pulumi CLI is not installed (ENOENT)", async () => {
            const out = await cli(["--stack", "contoso"], {
                execFile: async () => {
                    throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
                },
            });
            assert.equal(out.code, 2);
            assert.equal(out.stdout, "");
            assert.match(out.stderr, /^--stack contoso: the pulumi CLI was not found on PATH; install it \(https:\/\/www\.pulumi\.com\/docs\/install\/\) or pass --outputs FILE/);
        });

        it("exits 2 with the first line of pulumi's stderr, tokens redacted, when pulumi fails", async () => {
            const token = "pul-0123456789abcdef0123456789abcdef01234567";
            const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
            const out = await cli(["--stack", "contoso"], {
                execFile: async () => {
                    throw Object.assign(new Error("Command failed"), { code: 255, stderr: `\nerror: no stack named 'contoso' found (token ${token}, bearer ${jwt})\nmore detail\n` });
                },
            });
            assert.equal(out.code, 2);
            assert.equal(out.stderr, "--stack contoso: `pulumi stack output` failed: error: no stack named 'contoso' found (token [redacted], bearer [redacted]); check the stack name with `pulumi stack ls`\n");
        });

        it("exits 2 without quoting pulumi's output when it is not JSON", async () => {
            const out = await cli(["--stack", "contoso"], { execFile: async () => ({ stdout: `handoff: ${SECRET}`, stderr: "" }) });
            assert.equal(out.code, 2);
            assert.match(out.stderr, /`pulumi stack output --json` did not print JSON/);
            assertNoSecrets(out);
        });

        it("exits 2 and says to run pulumi up when the stack has no handoff output (never deployed)", async () => {
            const out = await cli(["--stack", "contoso"], { execFile: async () => ({ stdout: "{}", stderr: "" }) });
            assert.equal(out.code, 2);
            assert.match(out.stderr, /^--stack contoso has no `handoff` output: the stack has not been deployed with this program yet.*; run `pulumi up --stack contoso` first\n/);
        });
    });

    describe("--outputs", () => {
        it("reads the outputs from a file, saying on stderr that it got the stack's outputs", async () => {
            const file = await outputsFile(stackOutputs());
            const out = await cli(["--outputs", file, "--format", "json"]);
            assert.equal(out.code, 0, out.stderr);
            assert.equal(JSON.parse(out.stdout).userEmail, "jtel-presence@contoso.example");
            assert.deepEqual(out.execCalls, []);
            assert.equal(out.stderr.split("\n")[0], `--outputs ${file}: the stack's outputs (as \`pulumi stack output --json --show-secrets\` prints them); using their handoff output`);
        });

        it("takes the handoff object README's first deployment prints (`pulumi stack output handoff --show-secrets`), says so, and prints no dates it does not have", async () => {
            const file = await outputsFile(stackOutputs().handoff);
            const out = await cli(["--outputs", file]);
            assert.equal(out.code, 0, out.stderr);
            assert.deepEqual(tableRows(out.stdout), [
                ["Data", "Value"],
                ...ROWS.map(([label, value]): [string, string] => [label, label === "Secret Value" || label === "User password" ? "********" : value]),
            ]);
            assert.doesNotMatch(out.stdout, /expires|rotation/);
            assert.equal(out.stderr.split("\n")[0], `--outputs ${file}: the handoff object (as \`pulumi stack output handoff --show-secrets\` prints it); ` +
                "it carries no expiry or rotation dates, so none are printed or checked (the stack's outputs, `pulumi stack output --json --show-secrets`, have them)");
            const json = JSON.parse((await cli(["--outputs", file, "--format", "json"])).stdout);
            assert.deepEqual([json.secretExpiresAt, json.previousSecretExpiresAt, json.nextRotationAt], [null, null, null]);
            assert.doesNotMatch((await cli(["--outputs", file, "--format", "env"])).stdout, /JTEL_TEAMS_SECRET_EXPIRES_AT/);
            assertNoSecrets(out);
        });

        it("checks the handoff object's values with the same rules, naming the file and the key", async () => {
            const out = await cli(["--outputs", await outputsFile({ ...(stackOutputs().handoff as Record<string, string>), userEmail: "nobody", extra: 1 })]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /outputs\.json has unexpected key\(s\) extra; allowed are exactly applicationClientId/);
            assert.match(out.stderr, /outputs\.json userEmail "nobody" must be the service user's sign-in name/);
            assertNoSecrets(out);
        });

        it("exits 2 on a file that is neither shape, saying which commands print one", async () => {
            for (const content of [{ hello: "world" }, ["a"], "[secret]"]) {
                const out = await cli(["--outputs", await outputsFile(JSON.stringify(content))]);
                assert.equal(out.code, 2);
                assert.equal(out.stderr.split("\n").length, 3, "one line and the pointer to --help");
                assert.match(out.stderr, content === "[secret]"
                    ? /holds "\[secret\]": it was printed without --show-secrets; print it again with `pulumi stack output handoff --show-secrets`/
                    : /is neither the handoff object nor a stack's outputs: .*; pass what `pulumi stack output handoff --show-secrets` or `pulumi stack output --json --show-secrets` prints/);
            }
        });

        it("exits 2 and names --show-secrets when the outputs hold \"[secret]\" instead of the handoff", async () => {
            const out = await cli(["--outputs", "-"], { readStdin: async () => JSON.stringify(stackOutputs({ handoff: "[secret]" })) });
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--outputs - \(stdin\): the `handoff` output is "\[secret\]" because the outputs were read without --show-secrets; read them with `pulumi stack output --json --show-secrets`/);
        });

        it("exits 2 and says what is missing and the next step when the outputs have no handoff", async () => {
            const { handoff: _h, ...rest } = stackOutputs();
            const out = await cli(["--outputs", await outputsFile(rest)]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /has no `handoff` output.*; run `pulumi up` first, then pass what `pulumi stack output --json --show-secrets` prints/);
        });

        it("exits 2 naming a missing handoff value without echoing the secret or the password", async () => {
            const handoff = { ...(stackOutputs().handoff as Record<string, string>), directoryTenantId: undefined, secretValue: "" };
            const out = await cli(["--outputs", await outputsFile(stackOutputs({ handoff }))]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /output handoff is missing directoryTenantId/);
            assert.match(out.stderr, /output handoff\.secretValue must be the client secret's Value \(not its Secret ID\)/);
            assertNoSecrets(out);
        });

        it("exits 2 and says what is wrong when a value is malformed, instead of printing it for the jtel contact", async () => {
            const handoff = { ...(stackOutputs().handoff as Record<string, string>), applicationClientId: "jtel", directoryTenantId: "x", userEmail: "nobody", userPassword: ` ${PASSWORD}`, secretValue: "9a3f0c1e-5b7d-4e2a-8c6f-1d2e3f4a5b6c" };
            const out = await cli(["--outputs", await outputsFile(stackOutputs({ handoff }))]);
            assert.equal(out.code, 2);
            assert.equal(out.stdout, "");
            for (const key of ["applicationClientId \"jtel\"", "directoryTenantId \"x\"", "userEmail \"nobody\"", "userPassword must be", "secretValue is shaped like a GUID"]) {
                assert.ok(out.stderr.includes(`output handoff.${key}`), key);
            }
            assert.ok(!out.stderr.includes("9a3f0c1e"), "the Secret ID was quoted");
            assertNoSecrets(out);
        });

        it("exits 2 when the secret has expired or the previous one outlives it", async () => {
            const expired = await cli(["--stack", "contoso"], { now: () => new Date("2027-06-01T00:00:00Z") });
            assert.equal(expired.code, 2);
            assert.match(expired.stderr, /the client secret expired on 2027-05-26 09:00 UTC/);
            const crossed = await cli(["--outputs", await outputsFile(stackOutputs({ previousSecretExpiresAt: "2027-12-01T00:00:00.000Z" }))]);
            assert.equal(crossed.code, 2);
            assert.match(crossed.stderr, /previousSecretExpiresAt "2027-12-01T00:00:00.000Z" is after secretExpiresAt/);
        });

        it("exits 2 on a file that is not JSON without quoting its content", async () => {
            const out = await cli(["--outputs", await outputsFile(`{"handoff": {"secretValue": "${SECRET}"`)]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /is not valid JSON; pass what `pulumi stack output --json --show-secrets` or `pulumi stack output handoff --show-secrets` prints/);
            assertNoSecrets(out);
        });

        it("exits 2 naming the file when it cannot be read", async () => {
            const out = await cli(["--outputs", join(dir, "missing.json")]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--outputs .*missing\.json: cannot read the file \(ENOENT\)/);
        });
    });

    describe("exits 2 on bad usage", () => {
        it("names an unknown flag and lists the options", async () => {
            const out = await cli(["--stak", "contoso"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /Unknown option '--stak'; the options are --stack NAME, --outputs FILE\|-, --format table\|json\|env, --show-secrets, --usage read\|skip, --skip-usage, --graph-endpoint URL, --help/);
            assert.deepEqual(out.execCalls, []);
        });

        it("names --format and the allowed formats", async () => {
            const out = await cli(["--stack", "contoso", "--format", "yaml"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--format "yaml" must be one of table, json, env/);
            assert.deepEqual(out.execCalls, []);
        });

        it("names --stack when its value is missing", async () => {
            const out = await cli(["--stack"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /Option '--stack <value>' argument missing/);
        });

        it("refuses --show-secrets with a value", async () => {
            const out = await cli(["--stack", "contoso", "--show-secrets=yes"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /Option '--show-secrets' does not take an argument/);
        });

        it("asks for --stack or --outputs when neither is given", async () => {
            const out = await cli([]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /Pass --stack NAME or --outputs FILE\|-/);
        });

        it("refuses --stack and --outputs together", async () => {
            const out = await cli(["--stack", "contoso", "--outputs", "-"]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /either --stack NAME or --outputs FILE\|-, not both/);
        });

        it("refuses an empty --stack name", async () => {
            const out = await cli(["--stack", ""]);
            assert.equal(out.code, 2);
            assert.match(out.stderr, /--stack "" must name a stack/);
            assert.deepEqual(out.execCalls, []);
        });
    });

    it("prints the usage and exits 0 with --help", async () => {
        const out = await cli(["--help"]);
        assert.equal(out.code, 0);
        assert.match(out.stdout, /^Usage: npm run handoff -- \(--stack NAME \| --outputs FILE\|-\)/);
        assert.match(out.stdout, /--format FORMAT +table/);
    });
});
