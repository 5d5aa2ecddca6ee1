// The credential activity report against the emulator: the emulator records a client secret's last use when its
// token endpoint accepts it and serves GET /beta/reports/appCredentialSignInActivities with Graph's refusals; the
// reader reads it as a deployer and every classification comes out of real HTTP.
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/identity";
import { addReportReader, startEmulator, type Emulator, type Handoff } from "../../emulator/index";
import { classifySecretUsage, type Classification, type UsageRecord } from "../../verifier/secretUsage";
import { LICENCE_MISSING_CODE, PERMISSION_MISSING_CODE, readCredentialActivity } from "../../verifier/usageReport";
import { postToken, ropcForm, TestClock } from "../emulator/support";
import { standInGraph } from "../support/standInGraph";

const HOUR = 3_600_000;

describe("credential activity report (emulator and reader)", () => {
    let clock: TestClock;
    let emulator: Emulator;
    let handoff: Handoff;
    let appObjectId: string;
    /** The seeded secret plays the previous slot; `newest` is added as a rotation would. */
    let previousKeyId: string;
    let newest: { keyId: string; secretText: string };

    beforeEach(async () => {
        clock = new TestClock("2026-11-20T00:30:00Z");
        emulator = await startEmulator({ now: clock.now });
        const seeded = emulator.directory.seedPresenceSetup({ secretEndDateTime: new Date("2027-01-19T00:00:00Z") });
        handoff = seeded.handoff;
        appObjectId = seeded.applicationObjectId;
        previousKeyId = emulator.directory.applications().find((a) => a.id === appObjectId)!.passwordCredentials[0].keyId;
        newest = emulator.directory.addPassword(appObjectId, { displayName: "jtel presence b 2026-11-20", endDateTime: new Date("2027-07-18T00:00:00Z") });
    });
    afterEach(() => emulator.close());

    /** The connector's ROPC sign-in with one of the secrets, at the emulator's clock. */
    async function connectorSignsIn(secretValue: string): Promise<void> {
        const result = await postToken(emulator, ropcForm({ ...handoff, secretValue }));
        assert.equal(result.status, 200, JSON.stringify(result.body));
    }

    async function read(credential: TokenCredential = addReportReader(emulator).credential) {
        return readCredentialActivity({ tenantId: emulator.tenantId, appId: handoff.applicationClientId, cloud: "public", graphEndpoint: emulator.url, credential });
    }

    async function classifyNow(verifiedAt: string | null = null): Promise<Classification> {
        const record: UsageRecord = {
            readAt: clock.now().toISOString(),
            currentSecretKeyId: newest.keyId,
            previousSecretKeyId: previousKeyId,
            previousSecretExpiresAt: "2027-01-19T00:00:00.000Z",
            verification: verifiedAt ? { verifiedAt, elapsedMs: 1_000 } : null,
            report: await read(),
        };
        return classifySecretUsage(record, { now: clock.now(), idleHours: 12 });
    }

    it("records a client secret's last use when the token endpoint accepts it, and serves it by key ID", async () => {
        await connectorSignsIn(handoff.secretValue);
        const usedAt = clock.now();
        clock.advance(HOUR);
        const report = await read();
        assert.ok(report.available);
        const byKey = Object.fromEntries(report.credentials.map((c) => [c.keyId, c]));
        assert.deepEqual(Object.keys(byKey).sort(), [previousKeyId, newest.keyId].sort(), "only this app's client secrets");
        assert.equal(byKey[previousKeyId].lastUsedAt, usedAt.toISOString());
        assert.equal(byKey[previousKeyId].expiresAt, "2027-01-19T00:00:00.000Z");
        assert.equal(byKey[newest.keyId].lastUsedAt, null);
    });

    it("does not record a secret the token endpoint refused (expired)", async () => {
        clock.advance(60 * 24 * HOUR);
        const refused = await postToken(emulator, ropcForm(handoff));
        assert.deepEqual(refused.body.error_codes, [7000222]);
        const report = await read();
        assert.ok(report.available);
        assert.equal(report.credentials.find((c) => c.keyId === previousKeyId)?.lastUsedAt, null);
    });

    it("classifies switched: the connector signs in with the newest secret after the verification", async () => {
        await connectorSignsIn(newest.secretText); // the verification's own sign-in
        const verifiedAt = clock.now().toISOString();
        clock.advance(2 * HOUR);
        await connectorSignsIn(newest.secretText);
        clock.advance(HOUR);
        assert.equal((await classifyNow(verifiedAt)).kind, "switched");
    });

    it("classifies not-switched: the connector keeps the previous secret, with the days left", async () => {
        await connectorSignsIn(newest.secretText);
        const verifiedAt = clock.now().toISOString();
        clock.advance(2 * HOUR);
        await connectorSignsIn(handoff.secretValue);
        const c = await classifyNow(verifiedAt);
        assert.equal(c.kind, "not-switched");
        assert.equal(c.kind === "not-switched" && `${c.slot} ${c.keyId} ${c.daysLeft}`, `previous ${previousKeyId} 59`);
    });

    it("classifies idle: nothing but the verification signed in for 12 hours", async () => {
        await connectorSignsIn(newest.secretText);
        const verifiedAt = clock.now().toISOString();
        clock.advance(13 * HOUR);
        assert.equal((await classifyNow(verifiedAt)).kind, "idle");
    });

    it("classifies unknown (verification-masked) right after the verification", async () => {
        await connectorSignsIn(handoff.secretValue);
        clock.advance(HOUR);
        await connectorSignsIn(newest.secretText);
        const verifiedAt = clock.now().toISOString();
        clock.advance(60_000);
        const c = await classifyNow(verifiedAt);
        assert.equal(c.kind === "unknown" && c.reason, "verification-masked");
    });

    it("reads the report in the shape of Microsoft's own examples (keyType secret, expirationDate, -8:00 offsets) as in the metadata's", async () => {
        // reportroot-list-appcredentialsigninactivities.md (beta) examples vs the beta metadata's keyType clientSecret and expirationDateTime.
        emulator.faults.reportShape = "examples";
        await connectorSignsIn(newest.secretText); // the verification's own sign-in
        const verifiedAt = clock.now().toISOString();
        clock.advance(2 * HOUR);
        await connectorSignsIn(handoff.secretValue);
        const usedAt = clock.now();
        const report = await read();
        assert.ok(report.available, JSON.stringify(report));
        const byKey = Object.fromEntries(report.credentials.map((c) => [c.keyId, c]));
        assert.equal(byKey[previousKeyId]?.lastUsedAt, new Date(Math.floor(usedAt.getTime() / 1000) * 1000).toISOString());
        assert.equal(byKey[previousKeyId]?.expiresAt, "2027-01-19T00:00:00.000Z");
        assert.equal(byKey[newest.keyId]?.expiresAt, "2027-07-18T00:00:00.000Z");
        const c = await classifyNow(verifiedAt);
        assert.equal(c.kind === "not-switched" && `${c.slot} ${c.daysLeft}`, "previous 59", "the examples' shape reads as not-switched, never idle");
    });

    it("answers a filtered request for one credential as a bare entity in the examples' shape, and the reader takes it as one entry", async () => {
        emulator.faults.reportShape = "examples";
        const single = emulator.directory.seedPresenceSetup();
        await postToken(emulator, ropcForm(single.handoff));
        const { credential } = addReportReader(emulator);
        const token = (await credential.getToken(`${emulator.url}/.default`))!.token;
        const raw = await fetch(`${emulator.url}/beta/reports/appCredentialSignInActivities?$filter=${encodeURIComponent(`appId eq '${single.handoff.applicationClientId}'`)}`, { headers: { Authorization: `Bearer ${token}` } });
        const body = (await raw.json()) as Record<string, unknown>;
        assert.deepEqual([body["@odata.type"], body.keyType, "value" in body, /-8:00$/.test(String(body.expirationDate))], ["#microsoft.graph.appCredentialSignInActivity", "secret", false, true]);
        const report = await readCredentialActivity({ tenantId: emulator.tenantId, appId: single.handoff.applicationClientId, cloud: "public", graphEndpoint: emulator.url, credential });
        assert.deepEqual(report.available && report.credentials.map((c) => c.lastUsedAt !== null), [true]);
    });

    it("pages through @odata.nextLink and keeps the filter", async () => {
        emulator.faults.reportPageSize = 1;
        emulator.directory.seedPresenceSetup(); // another app, whose secret must not appear
        await connectorSignsIn(newest.secretText);
        const report = await read();
        assert.ok(report.available);
        assert.deepEqual(report.credentials.map((c) => c.keyId).sort(), [previousKeyId, newest.keyId].sort());
        const pages = emulator.requests.filter((r) => r.path === "/beta/reports/appCredentialSignInActivities");
        assert.equal(pages.length, 2, "two entries, one per page");
    });

    it("is unknown (permission) when the deployer lacks AuditLog.Read.All: Graph's 403 Authentication_MSGraphPermissionMissing", async () => {
        const report = await read(addReportReader(emulator, { auditLogRead: false }).credential);
        assert.deepEqual(report.available === false && [report.reason, report.message.includes(PERMISSION_MISSING_CODE)], ["permission", true]);
        const c = classifySecretUsage({ readAt: clock.now().toISOString(), currentSecretKeyId: newest.keyId, previousSecretKeyId: null, previousSecretExpiresAt: null, verification: null, report }, { now: clock.now(), idleHours: 12 });
        assert.equal(c.kind === "unknown" && c.reason, "permission");
        assert.match(c.kind === "unknown" ? c.message : "", /AuditLog\.Read\.All.*Reports Reader/);
    });

    it("lets a signed-in deployer read it with AuditLog.Read.All and the Reports Reader role, and refuses one without the role", async () => {
        const dir = emulator.directory;
        const client = dir.createApplication({ displayName: "a tool like the Azure CLI" });
        const clientSp = dir.createServicePrincipal({ appId: client.appId });
        const { secretText } = dir.addPassword(client.id, {});
        const password = "Reports-Reader-Pw1!";
        const user = dir.createUser({ userPrincipalName: `operator@${dir.domain}`, displayName: "operator", password, forceChangePasswordNextSignIn: false });
        dir.grantDelegated({ clientId: clientSp.id, resourceId: dir.graphServicePrincipal.id, scope: "AuditLog.Read.All", principalId: user.id });
        const asUser: TokenCredential = {
            getToken: async (scope) => {
                const result = await postToken(emulator, { grant_type: "password", client_id: client.appId, client_secret: secretText, username: user.userPrincipalName, password, scope: String(scope) });
                return { token: result.body.access_token as string, expiresOnTimestamp: 0 };
            },
        };
        const withoutRole = await read(asUser);
        assert.equal(withoutRole.available === false && withoutRole.reason, "permission");
        assert.ok(dir.assignDirectoryRole, "the emulator's directory assigns roles");
        dir.assignDirectoryRole(user.id, "Reports Reader");
        assert.equal((await read(asUser)).available, true);
    });

    it("is unknown (licence) in a tenant without Entra ID P1/P2: Graph's 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant", async () => {
        emulator.faults.withoutPremiumLicence = true;
        const report = await read();
        assert.deepEqual(report.available === false && [report.reason, report.message.includes(LICENCE_MISSING_CODE)], ["licence", true]);
    });

    it("is unknown (no-credential) when the deployer has no token, naming the AADSTS code but no secret", async () => {
        const failing: TokenCredential = { getToken: async () => { throw Object.assign(new Error("AADSTS700016: Application with identifier 'x' was not found. client_secret=hunter2"), { name: "AuthenticationError" }); } };
        const report = await read(failing);
        assert.equal(report.available, false);
        assert.equal(report.available === false && report.reason, "no-credential");
        assert.match(report.available === false ? report.message : "", /AuthenticationError, AADSTS700016/);
        assert.doesNotMatch(JSON.stringify(report), /hunter2/);
        assert.equal(emulator.requests.filter((r) => r.path.startsWith("/beta")).length, 0, "no Graph request without a token");
    });

    it("makes no request at all in a sovereign cloud: the report is global-service only", async () => {
        let asked = 0;
        const counting: TokenCredential = { getToken: async () => { asked++; return { token: "x", expiresOnTimestamp: 0 }; } };
        for (const cloud of ["usgovernment", "china"] as const) {
            const report = await readCredentialActivity({ tenantId: emulator.tenantId, appId: handoff.applicationClientId, cloud, credential: counting });
            assert.equal(report.available === false && report.reason, "sovereign-cloud");
        }
        assert.equal(asked, 0);
        assert.equal(emulator.requests.length, 0);
    });

    it("serves the report under /beta only, as Graph does", async () => {
        const { credential } = addReportReader(emulator);
        const token = (await credential.getToken(`${emulator.url}/.default`))!.token;
        const v1 = await fetch(`${emulator.url}/v1.0/reports/appCredentialSignInActivities`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(v1.status, 404);
        const byKey = await fetch(`${emulator.url}/beta/reports/appCredentialSignInActivities?$filter=${encodeURIComponent(`keyId eq '${newest.keyId}'`)}`, { headers: { Authorization: `Bearer ${token}` } });
        const body = (await byKey.json()) as { value: { keyId: string; keyType: string; appId: string; expirationDateTime: string }[] };
        assert.deepEqual(body.value.map((v) => [v.keyId, v.keyType, v.appId, v.expirationDateTime]), [[newest.keyId, "clientSecret", handoff.applicationClientId, "2027-07-18T00:00:00Z"]]);
        const badTop = await fetch(`${emulator.url}/beta/reports/appCredentialSignInActivities?$top=0`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(badTop.status, 400);
        const noToken = await fetch(`${emulator.url}/beta/reports/appCredentialSignInActivities`);
        assert.equal(noToken.status, 401);
    });

    it("refuses a Graph endpoint that would carry the token in clear text off this machine", async () => {
        await assert.rejects(readCredentialActivity({ tenantId: emulator.tenantId, appId: handoff.applicationClientId, cloud: "public", graphEndpoint: "http://graph.example.com", credential: addReportReader(emulator).credential }), /graphEndpoint "http:\/\/graph.example.com" must use https:\/\//);
    });
});

describe("credential activity reader against a misbehaving Graph", () => {
    const graph = standInGraph();

    const credential: TokenCredential = { getToken: async () => ({ token: "deployer-token", expiresOnTimestamp: 0 }) };
    const read = () => readCredentialActivity({ tenantId: "t", appId: "6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19", cloud: "public", graphEndpoint: graph.url, credential, timeoutMs: 5_000 });

    it("never follows a nextLink to another host, where the token would go", async () => {
        graph.answer = () => ({ status: 200, body: { value: [], "@odata.nextLink": "https://elsewhere.example/beta/reports/appCredentialSignInActivities?$skiptoken=1" } });
        const report = await read();
        assert.equal(report.available === false && report.reason, "malformed");
        assert.equal(graph.seen.length, 1);
    });

    it("never follows a redirect, so the token is sent once, to the Graph origin only", async () => {
        graph.answer = (path) => (path.startsWith("/beta/") ? { status: 307, headers: { Location: `${graph.url}/stolen` } } : { status: 200, body: { value: [] } });
        const report = await read();
        assert.deepEqual(report.available === false && [report.reason, /redirected/.test(report.message)], ["unreachable", true]);
        assert.deepEqual(graph.seen.map((s) => s.path.split("?")[0]), ["/beta/reports/appCredentialSignInActivities"]);
    });

    it("reads the latest of the three sign-in times and skips certificates", async () => {
        graph.answer = () => ({
            status: 200, body: {
                value: [
                    { keyId: "k1", keyType: "clientSecret", expirationDateTime: "2027-01-19T00:00:00Z", signInActivity: { lastSignInDateTime: "2026-11-01T00:00:00Z", lastNonInteractiveSignInDateTime: "2026-11-03T08:00:00Z", lastSuccessfulSignInDateTime: null } },
                    { keyId: "k2", keyType: "certificate", signInActivity: { lastSignInDateTime: "2026-11-05T00:00:00Z" } },
                    { keyId: "k3", signInActivity: null },
                ],
            },
        });
        const report = await read();
        assert.deepEqual(report, { available: true, credentials: [
            { keyId: "k1", lastUsedAt: "2026-11-03T08:00:00.000Z", expiresAt: "2027-01-19T00:00:00.000Z" },
            { keyId: "k3", lastUsedAt: null, expiresAt: null },
        ] });
        assert.equal(decodeURIComponent(graph.seen[0].path), "/beta/reports/appCredentialSignInActivities?$filter=appId eq '6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19'");
        assert.equal(graph.seen[0].authorization, "Bearer deployer-token");
    });

    it("is unknown (not-available) when the beta endpoint answers 400 or 404, and (unreachable) on 5xx", async () => {
        graph.answer = () => ({ status: 400, body: { error: { code: "BadRequest", message: "Resource not found for the segment 'appCredentialSignInActivities'." } } });
        assert.equal(((await read()) as { reason: string }).reason, "not-available");
        graph.answer = () => ({ status: 503, body: { error: { code: "serviceNotAvailable", message: "x" } } });
        assert.equal(((await read()) as { reason: string }).reason, "unreachable");
    });

    it("is unknown (malformed) when the answer is not the report", async () => {
        graph.answer = () => ({ status: 200, body: { value: [{ nokey: true }] } });
        assert.equal(((await read()) as { reason: string }).reason, "malformed");
    });
});
