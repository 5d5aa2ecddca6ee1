// Issue #14: the connector needs no Teams licence for its service user, so the verification proves the call the
// connector makes (getPresencesByUserId by object ID) and treats the service user's own presence as information.
// Microsoft documents presence as "only supported for Microsoft Teams users" and not what Graph answers for
// others (learn.microsoft.com/graph/api/resources/presence), so both emulator answers are covered.
import assert from "node:assert/strict";
import { UnsecuredJWT } from "jose";
import type { Emulator, Handoff } from "../../emulator/index";
import { verifyPresenceAccess, type VerifyOptions } from "../../verifier/index";
import { noTeamsPresenceNote, ownPresenceFrom } from "../../verifier/presence";
import { objectIdFromToken } from "../../verifier/serviceUser";
import { startFake, tokenBody, type FakeResponse, type FakeTenant } from "./fakeTenant";
import { assertNoSecrets, FakeTime, startTenant, type Tenant } from "./support";

const NOTE = /The service user has no Teams presence \(.+\) — expected without a Teams licence; agents need one/;

describe("a service user without a Teams licence", () => {
    describe("against the emulated tenant", () => {
        let tenant: Tenant;
        beforeEach(async () => {
            tenant = await startTenant();
        });
        afterEach(async () => {
            await tenant.emulator.close();
        });

        function withoutTeams(emulator: Emulator, userPrincipalName: string, answer: "PresenceUnknown" | "NotFound"): void {
            emulator.faults.withoutTeams.add(userPrincipalName);
            emulator.faults.withoutTeamsPresence = answer;
        }

        function presenceCalls(): { status: number }[] {
            return tenant.emulator.requests.filter((r) => r.path === "/v1.0/communications/getPresencesByUserId");
        }

        it("verifies with a note, not a failure, when Graph answers PresenceUnknown for the service user", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.directory.setPresence(seed.serviceUserObjectId, "Available");
            withoutTeams(tenant.emulator, seed.handoff.userEmail, "PresenceUnknown");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true, report.message);
            assert.equal(report.code, "ok");
            assert.equal(report.serviceUserPresence, "PresenceUnknown");
            assert.equal(report.availability, "PresenceUnknown");
            assert.equal(report.serviceUserObjectId, seed.serviceUserObjectId);
            assert.match(report.notes?.[0] ?? "", NOTE);
            assert.match(report.message, NOTE);
            assert.ok(tenant.progress.some((line) => NOTE.test(line)), "the note is in the progress lines");
            assertNoSecrets(JSON.stringify(report), seed.handoff);
        });

        it("verifies with its own note, not a failure, when Graph answers the service user's presence with null availability and activity", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            tenant.emulator.faults.nullAvailability.add(seed.handoff.userEmail);
            tenant.emulator.faults.nullActivity.add(seed.handoff.userEmail);
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true, report.message);
            assert.equal(report.serviceUserPresence, "PresenceNull");
            assert.equal(report.availability, undefined);
            assert.match(report.notes?.[0] ?? "", NOTE);
            assert.match(report.notes?.[0] ?? "", /it answered null for availability/);
        });

        it("verifies with a note when Graph answers HTTP 404 for the service user's presence", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup();
            withoutTeams(tenant.emulator, seed.serviceUserObjectId, "NotFound");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.ok, true, report.message);
            assert.equal(report.serviceUserPresence, "notFound");
            assert.equal(report.availability, undefined);
            assert.match(report.notes?.[0] ?? "", /HTTP 404/);
            assert.match(report.notes?.[0] ?? "", NOTE);
            assert.match(report.notes?.[1] ?? "", /verifyAgents/, "without agents, the report says how to prove a real presence read");
            assert.deepEqual(presenceCalls().map((r) => r.status), [404], "the 404 came from the emulator, once, not retried");
            assert.equal(report.attempts.graph, 1);
        });

        it("reads the agents' presence by object ID and still only notes the service user's 404", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({
                delegatedScopes: ["User.Read", "Presence.Read.All", "User.ReadBasic.All"],
                agents: [
                    { userPrincipalName: "ann@contoso.example", availability: "Busy", activity: "InACall" },
                    { userPrincipalName: "bo@contoso.example", availability: "Available" },
                ],
            });
            withoutTeams(tenant.emulator, seed.handoff.userEmail, "NotFound");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: ["ann@contoso.example", seed.agentObjectIds[1]] }));
            assert.equal(report.ok, true, report.message);
            assert.equal(report.serviceUserPresence, "notFound");
            assert.deepEqual(report.agents?.availability, { Busy: 1, Available: 1 });
            assert.equal(report.agents?.resolved, 2);
            assert.deepEqual(report.notes?.length, 1, "with agents listed, no hint to list agents");
            assert.match(report.notes?.[0] ?? "", NOTE);
            // One call for the service user alone (so a 404 can only be about it), one for the roster.
            assert.deepEqual(presenceCalls().map((r) => r.status), [404, 200]);
        });

        it("still fails with presence_forbidden when the token lacks Presence.Read.All, whatever the service user's licence", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
            withoutTeams(tenant.emulator, seed.handoff.userEmail, "NotFound");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options({ expectedScopes: ["User.Read"] }));
            assert.equal(report.ok, false);
            assert.equal(report.code, "presence_forbidden");
            assert.doesNotMatch(report.remedy, /licen[cs]e/i);
        });

        it("still fails with consent_missing when a configured scope is missing, before any presence read", async () => {
            const seed = tenant.emulator.directory.seedPresenceSetup({ delegatedScopes: ["User.Read"] });
            withoutTeams(tenant.emulator, seed.handoff.userEmail, "PresenceUnknown");
            const report = await verifyPresenceAccess(seed.handoff, tenant.options());
            assert.equal(report.code, "consent_missing");
            assert.deepEqual(report.missingScopes, ["Presence.Read.All"]);
            assert.equal(presenceCalls().length, 0);
        });
    });

    describe("against a hand-written Graph", () => {
        const handoff: Handoff = {
            applicationClientId: "11111111-2222-3333-4444-555555555555",
            directoryTenantId: "8c3f6b2e-4d1a-4f7e-9b5c-2a7d9e1f3c60",
            secretValue: "Abc8Q~fake-secret-value-0123456789abcdefg",
            userEmail: "jtel-presence@contoso.example",
            userPassword: "Pw-for-the-fake-1234!",
        };
        const SERVICE_USER = "2b1f9f6e-0c2d-4e55-9a3b-6c7d8e9f0a1b";
        const withOid: FakeResponse = {
            status: 200,
            body: { token_type: "Bearer", expires_in: 3599, access_token: new UnsecuredJWT({ scp: "User.Read Presence.Read.All", oid: SERVICE_USER }).encode() },
        };
        let fake: FakeTenant | undefined;
        let time: FakeTime;
        beforeEach(() => {
            time = new FakeTime();
        });
        afterEach(async () => {
            await fake?.close();
            fake = undefined;
        });
        const options = (url: string): VerifyOptions => ({ authorityHost: url, graphEndpoint: url, clock: time.now, sleep: time.sleep, random: () => 0.5, timeoutSeconds: 30 });
        const graphPaths = (): string[] => (fake?.requests ?? []).filter((r) => !r.path.endsWith("/token")).map((r) => `${r.method} ${r.path}`);

        async function verifyWith(presence: FakeResponse, token: FakeResponse = withOid) {
            fake = await startFake((r) => (r.path.endsWith("/token") ? token : presence));
            return verifyPresenceAccess(handoff, options(fake.url));
        }

        it("sends the token's oid to getPresencesByUserId and asks nothing else", async () => {
            const report = await verifyWith({ status: 200, body: { value: [{ id: SERVICE_USER, availability: "Away", activity: "Away" }] } });
            assert.equal(report.ok, true, report.message);
            assert.deepEqual(graphPaths(), ["POST /v1.0/communications/getPresencesByUserId"]);
            assert.deepEqual(JSON.parse(fake!.requests[2].body), { ids: [SERVICE_USER] });
            assert.equal(report.serviceUserPresence, "read");
            assert.equal(report.availability, "Away");
        });

        it("notes a service user left out of the answer instead of failing", async () => {
            const report = await verifyWith({ status: 200, body: { value: [] } });
            assert.equal(report.ok, true, report.message);
            assert.equal(report.serviceUserPresence, "absent");
            assert.match(report.notes?.[0] ?? "", /left out of the answer/);
        });

        it("fails on a 404 that is not Graph's (no error code in the body), e.g. a wrong endpoint", async () => {
            const report = await verifyWith({ status: 404, body: "<html>Not Found</html>" });
            assert.equal(report.ok, false);
            assert.equal(report.code, "unknown_error");
            assert.match(report.message, /HTTP 404/);
        });

        it("fails with unknown_error on a malformed presence answer", async () => {
            const report = await verifyWith({ status: 200, body: { presences: "Available" } });
            assert.equal(report.ok, false);
            assert.equal(report.code, "unknown_error");
            assert.match(report.message, /does not recognise/);
        });

        it("fails with unknown_error on a 401 for the presence call", async () => {
            const report = await verifyWith({ status: 401, body: { error: { code: "InvalidAuthenticationToken", message: "x" } } });
            assert.equal(report.code, "unknown_error");
            assert.match(report.message, /rejected the access token/);
        });

        it("fails with presence_forbidden on a 403 for the presence call", async () => {
            const report = await verifyWith({ status: 403, body: { error: { code: "Forbidden", message: "x" } } });
            assert.equal(report.code, "presence_forbidden");
        });

        it("falls back to GET /me?$select=id when the access token is opaque", async () => {
            const opaque: FakeResponse = { status: 200, body: { token_type: "Bearer", access_token: "opaque-token-value", scope: "User.Read Presence.Read.All" } };
            fake = await startFake((r) => {
                if (r.path.endsWith("/token")) return opaque;
                if (r.path.startsWith("/v1.0/me?")) return { status: 200, body: { id: SERVICE_USER.toUpperCase() } };
                return { status: 200, body: { value: [{ id: SERVICE_USER, availability: "PresenceUnknown", activity: "PresenceUnknown" }] } };
            });
            const report = await verifyPresenceAccess(handoff, options(fake.url));
            assert.equal(report.ok, true, report.message);
            assert.deepEqual(graphPaths(), ["GET /v1.0/me?$select=id", "POST /v1.0/communications/getPresencesByUserId"]);
            assert.deepEqual(JSON.parse(fake.requests[3].body), { ids: [SERVICE_USER] });
            assert.equal(report.serviceUserObjectId, SERVICE_USER);
        });

        it("reports a refused GET /me fallback as consent_missing for User.Read", async () => {
            fake = await startFake((r) =>
                r.path.endsWith("/token")
                    ? { status: 200, body: { token_type: "Bearer", access_token: "opaque", scope: "Presence.Read.All" } }
                    : { status: 403, body: { error: { code: "Authorization_RequestDenied", message: "x" } } },
            );
            const report = await verifyPresenceAccess(handoff, { ...options(fake.url), expectedScopes: ["Presence.Read.All"] });
            assert.equal(report.code, "consent_missing");
            assert.deepEqual(report.missingScopes, ["User.Read"]);
        });

        it("reads the default fake token (no oid) through GET /me as well", async () => {
            const report = await verifyWith({ status: 200, body: { id: SERVICE_USER, value: [] } }, tokenBody());
            assert.deepEqual(graphPaths(), ["GET /v1.0/me?$select=id", "POST /v1.0/communications/getPresencesByUserId"]);
            assert.equal(report.serviceUserPresence, "absent");
        });
    });

    describe("pure decisions", () => {
        const ID = "2b1f9f6e-0c2d-4e55-9a3b-6c7d8e9f0a1b";

        it("takes the object ID from the token's oid claim only when it is a GUID in a readable JWT", () => {
            assert.equal(objectIdFromToken(new UnsecuredJWT({ oid: ID.toUpperCase() }).encode()), ID);
            assert.equal(objectIdFromToken(new UnsecuredJWT({ oid: "not-a-guid" }).encode()), undefined);
            assert.equal(objectIdFromToken(new UnsecuredJWT({ scp: "User.Read" }).encode()), undefined);
            assert.equal(objectIdFromToken("opaque-token-value"), undefined);
        });

        it("tells a Teams presence from PresenceUnknown, a null availability, a missing entry and a 404", () => {
            assert.deepEqual(ownPresenceFrom(ID, { value: [{ id: ID.toUpperCase(), availability: "Busy", activity: "InACall" }] }), {
                outcome: "read", presence: { id: ID.toUpperCase(), availability: "Busy", activity: "InACall" },
            });
            assert.equal(ownPresenceFrom(ID, { value: [{ id: ID, availability: "PresenceUnknown" }] }).outcome, "PresenceUnknown");
            // Graph's metadata declares availability nullable; a null is named as such, not taken for PresenceUnknown.
            assert.deepEqual(ownPresenceFrom(ID, { value: [{ id: ID, availability: null, activity: null }] }), { outcome: "PresenceNull" });
            assert.deepEqual(ownPresenceFrom(ID, { value: [{ id: ID, availability: "Away", activity: null }] }), {
                outcome: "read", presence: { id: ID, availability: "Away", activity: null },
            });
            assert.deepEqual(ownPresenceFrom(ID, { value: [{ id: "someone-else", availability: "Busy" }] }), { outcome: "absent" });
            assert.deepEqual(ownPresenceFrom(ID, "notFound"), { outcome: "notFound" });
        });

        it("says in every note that the service user's missing presence is expected and that agents need a licence", () => {
            for (const outcome of ["PresenceUnknown", "PresenceNull", "absent", "notFound"] as const) {
                assert.match(noTeamsPresenceNote(outcome), NOTE);
            }
        });
    });
});
