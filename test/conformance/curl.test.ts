// A second, non-JavaScript client: curl (Debian's package) sending the requests Microsoft documents, from
// test/conformance/curl/entra.sh, to the HTTPS emulator with its CA file as the only trusted CA. CI
// installs curl when it is missing (.ci/run); a missing curl fails this suite, it is never skipped.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeJwt } from "jose";
import { startEmulator, type Emulator } from "../../emulator/index";

const run = promisify(execFile);
const SCRIPT = join(__dirname, "curl", "entra.sh");

interface CurlAnswer { status: number; body: Record<string, unknown> }

describe("conformance: curl with Microsoft's documented requests against the HTTPS emulator", function () {
    this.timeout(30_000);
    let emulator: Emulator;
    let seed: ReturnType<Emulator["directory"]["seedPresenceSetup"]>;
    let secrets: string;

    before(async () => {
        await run("curl", ["--version"]).catch(() => {
            throw new Error("curl is not installed: apt-get install curl (.ci/run does this in CI)");
        });
        emulator = await startEmulator({ https: true });
        seed = emulator.directory.seedPresenceSetup();
        emulator.directory.setPresence(seed.serviceUserObjectId, "DoNotDisturb", "Presenting");
        // mkdtemp makes the directory 0700; each credential file is 0600 and everything goes in after().
        secrets = mkdtempSync(join(tmpdir(), "jtel-curl-"));
        save("client_id", seed.handoff.applicationClientId);
        save("client_secret", seed.handoff.secretValue);
        save("username", seed.handoff.userEmail);
        save("password", seed.handoff.userPassword);
    });

    after(async () => {
        if (secrets) rmSync(secrets, { recursive: true, force: true });
        await emulator?.close();
    });

    function save(name: string, value: string): void {
        writeFileSync(join(secrets, name), value, { mode: 0o600 });
    }

    async function curl(command: string): Promise<CurlAnswer> {
        const { stdout } = await run("bash", [SCRIPT, command], {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", EMULATOR_URL: emulator.url, TENANT: emulator.tenantId, CA_FILE: emulator.caFile as string, SECRETS_DIR: secrets },
        });
        const match = /\nHTTP (\d{3})\n$/.exec(stdout);
        assert.ok(match, "entra.sh ends with the HTTP status");
        return { status: Number(match[1]), body: JSON.parse(stdout.slice(0, match.index)) };
    }

    it("reads the OpenID configuration and finds the token endpoint it then uses", async () => {
        const answer = await curl("discover");
        assert.equal(answer.status, 200);
        assert.equal(answer.body.token_endpoint, `${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token`);
    });

    it("signs in with the documented ROPC request and gets access, ID and refresh tokens", async () => {
        const answer = await curl("ropc");
        assert.equal(answer.status, 200);
        assert.equal(answer.body.scope, "User.Read Presence.Read.All profile openid email");
        assert.equal(decodeJwt(answer.body.id_token as string).preferred_username, seed.handoff.userEmail);
        save("refresh_token", answer.body.refresh_token as string);
        save("access_token", answer.body.access_token as string);
    });

    it("reads /me/presence with the bearer token", async () => {
        const answer = await curl("presence");
        assert.equal(answer.status, 200);
        assert.deepEqual([answer.body.availability, answer.body.activity], ["DoNotDisturb", "Presenting"]);
    });

    it("renews with the documented refresh-token request", async () => {
        const answer = await curl("refresh");
        assert.equal(answer.status, 200);
        assert.equal(decodeJwt(answer.body.access_token as string).scp, "User.Read Presence.Read.All");
        assert.equal(typeof answer.body.refresh_token, "string");
    });

    it("gets an app-only token with client credentials and the secret in HTTP Basic", async () => {
        const answer = await curl("client-credentials-basic");
        assert.equal(answer.status, 200);
        const token = decodeJwt(answer.body.access_token as string);
        assert.equal(token.appid, seed.handoff.applicationClientId);
        assert.equal(token.idtyp, "app");
    });

    it("gets AADSTS50126 for a wrong password, in Entra ID's error shape", async () => {
        save("password", "Wrong-Passw0rd-7");
        const answer = await curl("ropc");
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error, "invalid_grant");
        assert.deepEqual(answer.body.error_codes, [50126]);
        save("password", seed.handoff.userPassword);
    });

    it("kept every credential file 0600 and left no header file behind", () => {
        for (const name of ["client_id", "client_secret", "username", "password", "refresh_token", "access_token"]) {
            assert.equal(statSync(join(secrets, name)).mode & 0o777, 0o600, name);
        }
        assert.throws(() => statSync(join(secrets, "basic-header")));
        assert.throws(() => statSync(join(secrets, "bearer-header")));
    });

    it("refuses a server its CA file does not vouch for: curl never sends the credentials", async () => {
        const stranger = await startEmulator({ https: true });
        try {
            const before = stranger.requests.length;
            await assert.rejects(run("bash", [SCRIPT, "ropc"], {
                env: { PATH: process.env.PATH ?? "/usr/bin:/bin", EMULATOR_URL: stranger.url, TENANT: stranger.tenantId, CA_FILE: emulator.caFile as string, SECRETS_DIR: secrets },
            }), (e: { code?: number }) => e.code === 60);
            assert.equal(stranger.requests.length, before);
        } finally {
            await stranger.close();
        }
    });
});
