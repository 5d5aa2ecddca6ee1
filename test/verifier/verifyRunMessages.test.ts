// What a tenant admin reads when a verification gives up, when the service user has no Teams presence, and
// what never reaches the report: the access tokens, even when a server echoes them back.
import assert from "node:assert/strict";
import { UnsecuredJWT } from "jose";
import { verifyPresenceAccess } from "../../verifier/index";
import { settingsFrom } from "../../verifier/verify";
import { FakeTime, startTenant, type Tenant } from "./support";
import { startFake, tokenBody, type FakeResponse, type FakeTenant } from "./fakeTenant";

const TENANT_ID = "11111111-2222-3333-4444-555555555555";
const SERVICE_USER_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const handoff = {
    applicationClientId: "99999999-8888-7777-6666-555555555555",
    directoryTenantId: TENANT_ID,
    secretValue: "stand-in-secret-value~0123456789abcdefghij",
    userEmail: "jtel-presence@contoso.example",
    userPassword: "Stand-in-Password-1!",
};

describe("verification messages against the emulated tenant", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    describe("verification give-up messages", () => {
        it("gives up at once, and says why, when Graph asks to wait longer than maxWaitSeconds", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            Object.assign(tenant.emulator.faults, { throttleEvery: 1, retryAfterSeconds: 20 });
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ maxWaitSeconds: 10 }));
            assert.equal(report.code, "throttled");
            assert.equal(report.gaveUp, true);
            assert.equal(
                report.message,
                "Graph POST /communications/getPresencesByUserId (service user): the request was throttled (HTTP 429, Retry-After 20 s). The server asked to wait longer than maxWaitSeconds, so the verifier gave up.",
            );
            assert.equal(report.attempts.graph, 1);
        });

        it("stops after five wrong-password answers and names the budget and smart lockout's threshold in the cloud", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, userPassword: "Not-The-Password-1!" }, tenant.options());
            assert.equal(report.code, "invalid_credentials");
            assert.equal(report.gaveUp, true);
            assert.equal(report.attempts.password, 5);
            assert.match(
                report.message,
                /^Password sign-in \(ROPC\): AADSTS50126: the user name or password is wrong \(a user or password set in the last minutes may not have replicated yet\) \(trace ID [0-9a-f-]{36}, correlation ID [0-9a-f-]{36}\)\. The verifier stopped after 5 password attempts, the budget in cloud public \(smart lockout locks an account there after 10 failed sign-ins by default\)\.$/,
            );
        });
    });

    describe("verification without a Teams presence for the service user", () => {
        it("passes with both notes, in order and one space apart, when the service user has no Teams presence and no agents are listed", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.withoutTeams.add(seed.serviceUserObjectId);
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true, report.message);
            assert.equal(report.serviceUserPresence, "PresenceUnknown");
            const teamsNote =
                "The service user has no Teams presence (it answered PresenceUnknown) — expected without a Teams licence; agents need one, since Microsoft Graph serves presence only for Microsoft Teams users.";
            const agentsNote = "List agents in verifyAgents (npm run verify: --agents) to prove that a Teams user's presence can be read.";
            assert.equal(
                report.message,
                `Signed in as ${seed.handoff.userEmail} the way the jtel connector does and Microsoft Graph answered the connector's presence request by object ID. ${teamsNote} ${agentsNote}`,
            );
            assert.deepEqual(report.notes, [teamsNote, agentsNote]);
        });
    });
});

describe("verification against a stand-in token endpoint and Graph", () => {
    let fake: FakeTenant | undefined;
    afterEach(async () => {
        await fake?.close();
        fake = undefined;
    });

    async function verifyAgainst(answer: (path: string, body: string) => FakeResponse): Promise<{ report: Awaited<ReturnType<typeof verifyPresenceAccess>>; progress: string[] }> {
        fake = await startFake((request) => answer(request.path, request.body));
        const progress: string[] = [];
        const time = new FakeTime();
        const report = await verifyPresenceAccess(handoff, {
            authorityHost: fake.url,
            graphEndpoint: fake.url,
            clock: time.now,
            sleep: time.sleep,
            random: () => 0.5,
            timeoutSeconds: 60,
            onProgress: (line) => progress.push(line),
        });
        return { report, progress };
    }

    it("says 'none' when the token grants no delegated permission at all", async () => {
        const { report, progress } = await verifyAgainst(() => tokenBody(""));
        assert.equal(report.code, "consent_missing");
        assert.deepEqual(report.grantedScopes, []);
        assert.ok(progress.includes("Granted delegated permissions: none"), progress.join("\n"));
    });

    it("shows the service user's presence without a ' / activity' part when Graph gives no activity", async () => {
        const userToken = new UnsecuredJWT({ scp: "User.Read Presence.Read.All", oid: SERVICE_USER_ID }).encode();
        const { report, progress } = await verifyAgainst((path) => {
            if (path.includes("/oauth2/v2.0/token")) return { status: 200, body: { token_type: "Bearer", expires_in: 3599, access_token: userToken } };
            if (path.includes("getPresencesByUserId")) return { status: 200, body: { value: [{ id: SERVICE_USER_ID, availability: "Available" }] } };
            return { status: 404, body: { error: { code: "NotFound", message: "unexpected request" } } };
        });
        assert.equal(report.ok, true, report.message);
        assert.equal(report.message, `Signed in as ${handoff.userEmail} the way the jtel connector does and read presence by object ID (service user: Available).`);
        assert.equal(progress.at(-1), "Service user presence: Available");
        assert.equal("activity" in report, false);
    });

    it("never shows the app's or the user's access token, even opaque ones that Graph echoes back in an error", async () => {
        const appToken = "opaque-app-token-0123456789";
        const userToken = "opaque-user-token-9876543210";
        const { report, progress } = await verifyAgainst((path, body) => {
            if (path.includes("/oauth2/v2.0/token")) {
                const accessToken = body.includes("grant_type=client_credentials") ? appToken : userToken;
                return { status: 200, body: { token_type: "Bearer", expires_in: 3599, access_token: accessToken, scope: "User.Read Presence.Read.All" } };
            }
            // An opaque token means the verifier asks GET /me for the service user's object ID.
            return { status: 403, body: { error: { code: `${appToken}/${userToken}`, message: "echo" } } };
        });
        const expected =
            "Graph GET /me (the service user's object ID; the access token is opaque): Microsoft Graph refused to read the signed-in user (HTTP 403 [redacted]/[redacted]); the delegated permission User.Read is missing.";
        assert.equal(report.message, expected);
        assert.equal(progress.at(-1), `consent_missing: ${expected}`);
        for (const text of [report.message, ...progress]) {
            assert.ok(!text.includes(appToken) && !text.includes(userToken), text);
        }
    });
});

describe("waiting between retries", () => {
    it("really waits when no sleep function is given, so a Retry-After is honoured in real time", async () => {
        const { sleep } = settingsFrom({});
        const started = Date.now();
        const hung = new Promise<string>((resolve) => setTimeout(() => resolve("never woke up"), 2000).unref());
        const outcome = await Promise.race([sleep(50).then(() => "woke up"), hung]);
        assert.equal(outcome, "woke up");
        assert.ok(Date.now() - started >= 45, `woke up after ${Date.now() - started} ms`);
    });
});
