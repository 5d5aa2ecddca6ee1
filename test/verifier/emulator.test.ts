import assert from "node:assert/strict";
import { JUST_PROVISIONED, verifyPresenceAccess, type VerificationReport } from "../../verifier/index";
import { assertNoSecrets, closedPortUrl, silentServer, startTenant, type Tenant } from "./support";

describe("verifier against the emulated tenant", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    function passwordRequests(): number {
        return tenant.emulator.requests.filter((r) => r.grantType === "password").length;
    }

    function expectCleanOutput(report: VerificationReport, handoff: Parameters<typeof assertNoSecrets>[1]): void {
        assertNoSecrets(JSON.stringify(report), handoff);
        assertNoSecrets(tenant.progress.join("\n"), handoff);
    }

    describe("success", () => {
        it("signs in like the connector, reads the service user's presence and reports the granted scopes", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.directory.setPresence(seed.serviceUserObjectId, "Available", "Available");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true);
            assert.equal(report.code, "ok");
            assert.equal(report.transient, false);
            assert.equal(report.gaveUp, false);
            assert.equal(report.serviceUserObjectId, seed.serviceUserObjectId);
            assert.equal(report.serviceUserPresence, "read");
            assert.equal(report.availability, "Available");
            assert.equal(report.activity, "Available");
            assert.equal(report.notes, undefined);
            assert.deepEqual([...report.grantedScopes].sort(), ["Presence.Read.All", "User.Read"]);
            assert.deepEqual(report.attempts, { clientCredentials: 1, password: 1, graph: 1 });
            assert.equal(report.verifiedAt, new Date(tenant.time.ms).toISOString());
            expectCleanOutput(report, seed.handoff);
        });

        it("checks the app with client credentials before spending a password attempt, then reads presence only by object ID, as the connector does", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            await verifyPresenceAccess(seed.handoff, tenant.options());
            const sequence = tenant.emulator.requests.map((r) => r.grantType ?? `${r.method} ${r.path}`);
            // The object ID comes from the token's oid claim, so neither GET /me nor GET /me/presence is sent.
            assert.deepEqual(sequence, [
                "client_credentials",
                "password",
                "POST /v1.0/communications/getPresencesByUserId",
            ]);
        });

        it("counts exactly the Graph requests the tenant saw, because the client has no hidden RetryHandler", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.serverErrorEvery = 3;
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true);
            const graphSeen = tenant.emulator.requests.filter((r) => r.path.startsWith("/v1.0")).length;
            const tokenSeen = tenant.emulator.requests.filter((r) => r.path.endsWith("/token")).length;
            assert.equal(report.attempts.graph, graphSeen);
            assert.equal(report.attempts.clientCredentials + report.attempts.password, tokenSeen);
            assert.ok(tenant.emulator.requests.some((r) => r.status === 503), "a 503 was served and retried");
        });
    });

    describe("diagnosis from the token endpoint", () => {
        it("reports invalid_credentials for a wrong password and stops after 5 password attempts, however long the timeout", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, userPassword: "Wrong-Password-123!" }, tenant.options({ timeoutSeconds: 3600 }));
            assert.equal(report.code, "invalid_credentials");
            assert.equal(report.aadsts, 50126);
            assert.equal(report.transient, true);
            assert.equal(report.gaveUp, true);
            assert.equal(report.attempts.password, 5);
            assert.equal(passwordRequests(), 5);
            assert.ok(tenant.emulator.failedPasswordAttempts(seed.serviceUserObjectId) <= 5);
            expectCleanOutput(report, { ...seed.handoff, userPassword: "Wrong-Password-123!" });
        });

        it("sends no password request at all when maxPasswordAttempts would reach smart lockout's threshold", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            await assert.rejects(verifyPresenceAccess({ ...seed.handoff, userPassword: "Wrong-Password-123!" }, tenant.options({ maxPasswordAttempts: 50 })), /maxPasswordAttempts 50 must be a whole number from 1 to 9/);
            assert.equal(passwordRequests(), 0);
        });

        it("reports user_not_found for an unknown user", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, userEmail: "nobody@contoso.example" }, tenant.options());
            assert.equal(report.code, "user_not_found");
            assert.equal(report.aadsts, 50034);
            assert.ok(report.attempts.password <= 5);
        });

        it("reports app_not_found for an unknown client ID without spending a password attempt, retrying it freely while the app is new", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, applicationClientId: "11111111-2222-3333-4444-555555555555" }, tenant.options({ timeoutSeconds: 60, changedAt: JUST_PROVISIONED }));
            assert.equal(report.code, "app_not_found");
            assert.equal(report.aadsts, 700016);
            assert.equal(report.gaveUp, true);
            assert.equal(report.transient, true);
            assert.equal(report.attempts.password, 0);
            assert.ok(report.attempts.clientCredentials > 2, "client credentials are retried freely");
            assert.ok(report.elapsedMs <= 60_000);
        });

        it("reports app_not_found as terminal after two tries when nothing says the app is new", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, applicationClientId: "11111111-2222-3333-4444-555555555555" }, tenant.options());
            assert.equal(report.code, "app_not_found");
            assert.equal(report.gaveUp, false);
            assert.equal(report.transient, false);
            assert.deepEqual(report.attempts, { clientCredentials: 2, password: 0, graph: 0 });
        });

        it("reports invalid_client_secret for a wrong secret value and retries it as a replication delay while the secret is new", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const wrong = { ...seed.handoff, secretValue: "Xyz8Q~not-the-right-secret-value-at-all00" };
            const report = await verifyPresenceAccess(wrong, tenant.options({ timeoutSeconds: 30, changedAt: { secret: tenant.time.ms - 60_000 } }));
            assert.equal(report.code, "invalid_client_secret");
            assert.equal(report.aadsts, 7000215);
            assert.equal(report.gaveUp, true);
            assert.equal(report.attempts.password, 0);
            assert.ok(report.attempts.clientCredentials > 2);
            assert.match(report.remedy, /Secret ID/);
            expectCleanOutput(report, wrong);
        });

        it("stops at once and names the secret ID when the secret ID was handed over instead of the value", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const keyId = tenant.emulator.directory.applications().find((a) => a.id === seed.applicationObjectId)!.passwordCredentials[0].keyId;
            const report = await verifyPresenceAccess({ ...seed.handoff, secretValue: keyId }, tenant.options());
            assert.equal(report.code, "invalid_client_secret");
            assert.equal(report.transient, false);
            assert.equal(report.gaveUp, false);
            assert.equal(report.attempts.clientCredentials, 1);
            assert.match(report.message, /Secret ID/);
        });

        it("reports client_secret_expired once the secret's end date has passed", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ secretEndDateTime: new Date(tenant.time.ms + 3_600_000) });
            tenant.time.ms += 2 * 3_600_000;
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.code, "client_secret_expired");
            assert.equal(report.aadsts, 7000222);
            assert.equal(report.transient, false);
            assert.equal(report.attempts.clientCredentials, 1);
        });

        it("reports consent_missing when no delegated grant exists (AADSTS65001) and keeps within the password budget", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            for (const grant of tenant.emulator.directory.delegatedGrants()) tenant.emulator.directory.revokeDelegated(grant.id);
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.code, "consent_missing");
            assert.equal(report.aadsts, 65001);
            assert.equal(report.transient, true);
            assert.equal(report.gaveUp, true);
            assert.ok(report.attempts.password <= 5);
            assert.match(report.remedy, /`delegatedPermissions`/);
            assert.match(report.remedy, /`consent`/);
        });

        it("reports consent_missing with the missing names when the grant holds fewer scopes than expected", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.code, "consent_missing");
            assert.equal(report.aadsts, undefined);
            assert.deepEqual(report.missingScopes, ["Presence.Read.All"]);
            assert.deepEqual(report.grantedScopes, ["User.Read"]);
            assert.match(report.message, /Presence\.Read\.All/);
            assert.equal(report.attempts.password, 1);
            assert.equal(report.attempts.graph, 0);
        });

        const terminal: [string, (t: Tenant, upn: string, id: string) => void, string, number][] = [
            ["MFA", (t, upn) => t.emulator.faults.mfaRequired.add(upn), "mfa_required", 50076],
            ["MFA registration", (t, upn) => t.emulator.faults.mfaRegistrationRequired.add(upn), "mfa_registration_required", 50079],
            ["a Conditional Access block", (t, upn) => t.emulator.faults.conditionalAccessBlocked.add(upn), "blocked_by_conditional_access", 53003],
            ["an expired password", (t, upn) => t.emulator.faults.passwordExpired.add(upn), "password_expired", 50055],
            ["a disabled user", (t, _upn, id) => t.emulator.directory.updateUser(id, { accountEnabled: false }), "user_disabled", 50057],
        ];
        for (const [what, arrange, code, aadsts] of terminal) {
            it(`reports ${code} (AADSTS${aadsts}) for ${what} after a single password attempt`, async () => {
                const seed = tenant.emulator.directory.seedPresenceSetup();
                arrange(tenant, seed.handoff.userEmail, seed.serviceUserObjectId);
                const report = await verifyPresenceAccess(seed.handoff, tenant.options());
                assert.equal(report.code, code);
                assert.equal(report.aadsts, aadsts);
                assert.equal(report.ok, false);
                assert.equal(report.transient, false);
                assert.equal(report.gaveUp, false);
                assert.equal(report.attempts.password, 1);
                expectCleanOutput(report, seed.handoff);
            });
        }

        it("tells the admin to exclude the service user from MFA with Conditional Access, since security defaults allow no exclusions", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.mfaRequired.add(seed.serviceUserObjectId);
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.match(report.remedy, /Conditional Access/);
            assert.match(report.remedy, /[Ss]ecurity defaults allow no exclusions/);
        });

        it("reports account_locked and stops at once instead of extending the lockout", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.lockoutThreshold = 2;
            const report = await verifyPresenceAccess({ ...seed.handoff, userPassword: "Wrong-Password-123!" }, tenant.options());
            assert.equal(report.code, "account_locked");
            assert.equal(report.aadsts, 50053);
            assert.equal(report.transient, false);
            assert.equal(report.attempts.password, 3);
        });

        it("reports tenant_not_found for an unknown directory ID", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess({ ...seed.handoff, directoryTenantId: "99999999-8888-7777-6666-555555555555" }, tenant.options());
            assert.equal(report.code, "tenant_not_found");
            assert.equal(report.aadsts, 90002);
            assert.equal(report.attempts.clientCredentials, 1);
            assert.equal(report.attempts.password, 0);
        });
    });

    describe("diagnosis from Microsoft Graph and the network", () => {
        it("reports presence_forbidden when the token carries User.Read but no presence permission (403, unlike 65001 which means no grant at all)", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ expectedScopes: ["User.Read"] }));
            assert.equal(report.code, "presence_forbidden");
            assert.equal(report.aadsts, undefined);
            assert.equal(report.transient, false);
            assert.match(report.remedy, /Presence\.Read\.All/);
        });

        it("reports throttled, transient and given up when Graph answers 429 until the timeout", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.throttleEvery = 1;
            tenant.emulator.faults.retryAfterSeconds = 2;
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ timeoutSeconds: 20 }));
            assert.equal(report.code, "throttled");
            assert.equal(report.transient, true);
            assert.equal(report.gaveUp, true);
            assert.ok(report.elapsedMs <= 20_000);
        });

        it("honours Retry-After exactly before retrying a throttled Graph request", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ agents: [{ userPrincipalName: "ann@contoso.example", availability: "Busy" }] });
            tenant.emulator.faults.throttleEvery = 2;
            tenant.emulator.faults.retryAfterSeconds = 7;
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: seed.agentObjectIds }));
            assert.equal(report.ok, true);
            assert.deepEqual(tenant.time.sleeps, [7000]);
            assert.equal(report.attempts.graph, 3);
        });

        it("gives up at once when Retry-After exceeds maxWaitSeconds instead of retrying early", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.throttleEvery = 1;
            tenant.emulator.faults.retryAfterSeconds = 30;
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ maxWaitSeconds: 10 }));
            assert.equal(report.code, "throttled");
            assert.equal(report.gaveUp, true);
            assert.equal(report.attempts.graph, 1);
            assert.deepEqual(tenant.time.sleeps, []);
        });

        it("reports network_error when nothing listens at the authority host", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ authorityHost: await closedPortUrl(), timeoutSeconds: 15 }));
            assert.equal(report.code, "network_error");
            assert.equal(report.transient, true);
            assert.equal(report.gaveUp, true);
            assert.match(report.message, /ECONNREFUSED/);
        });

        it("reports timeout only when no response at all arrived before the deadline", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const silent = await silentServer();
            try {
                const report = await verifyPresenceAccess(seed.handoff, {
                    authorityHost: silent.url,
                    graphEndpoint: tenant.emulator.url,
                    timeoutSeconds: 0.3,
                });
                assert.equal(report.code, "timeout");
                assert.equal(report.transient, true);
                assert.equal(report.gaveUp, true);
                assert.equal(report.attempts.clientCredentials, 1);
            } finally {
                await silent.close();
            }
        });
    });

    describe("retries", () => {
        it("succeeds once a replication delay has passed, retrying client credentials for free and spending one password attempt", async () => {
            tenant.emulator.faults.replicationDelayMs = 30_000;
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ changedAt: JUST_PROVISIONED }));
            assert.equal(report.ok, true, report.message);
            assert.ok(report.attempts.clientCredentials > 1);
            assert.equal(report.attempts.password, 1);
            assert.ok(report.elapsedMs >= 30_000);
            assert.ok(tenant.emulator.requests.some((r) => r.aadsts === 700016), "the app was invisible at first");
            assert.ok(tenant.progress.some((line) => /retrying in/.test(line)));
        });

        it("gives up at the timeout on an error that stayed transient and reports that error, not timeout", async () => {
            tenant.emulator.faults.replicationDelayMs = 3_600_000;
            const seed = tenant.emulator.directory.seedPresenceSetup();
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ timeoutSeconds: 45, changedAt: JUST_PROVISIONED }));
            assert.equal(report.code, "app_not_found");
            assert.equal(report.transient, true);
            assert.equal(report.gaveUp, true);
            assert.ok(report.elapsedMs <= 45_000);
            assert.ok(tenant.time.sleeps.every((ms) => ms <= 10_000), "every wait is capped at maxWaitSeconds");
        });

        it("never waits longer than maxWaitSeconds between retries", async () => {
            tenant.emulator.faults.replicationDelayMs = 3_600_000;
            const seed = tenant.emulator.directory.seedPresenceSetup();
            await verifyPresenceAccess(seed.handoff, tenant.options({ timeoutSeconds: 120, maxWaitSeconds: 3, random: () => 0.999, changedAt: JUST_PROVISIONED }));
            assert.ok(tenant.time.sleeps.length > 10);
            assert.ok(tenant.time.sleeps.every((ms) => ms <= 3000));
        });
    });
});
