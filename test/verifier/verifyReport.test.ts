// What a tenant admin reads from a verification run: the progress lines and the report, whole.
import assert from "node:assert/strict";
import { JUST_PROVISIONED, verifyPresenceAccess } from "../../verifier/index";
import { startTenant, type Tenant } from "./support";

describe("verification report and progress lines", () => {
    let tenant: Tenant;
    beforeEach(async () => {
        tenant = await startTenant();
    });
    afterEach(async () => {
        await tenant.emulator.close();
    });

    it("reports each step and the service user's presence with its activity", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        tenant.emulator.directory.setPresence(seed.serviceUserObjectId, "Busy", "InACall");
        const report = await verifyPresenceAccess(seed.handoff, tenant.options());
        assert.equal(report.message, `Signed in as ${seed.handoff.userEmail} the way the jtel connector does and read presence by object ID (service user: Busy / InACall).`);
        assert.deepEqual(tenant.progress, [
            `Client credentials check: ${tenant.emulator.url}/${seed.handoff.directoryTenantId}`,
            `Password sign-in (ROPC): ${seed.handoff.userEmail}`,
            "Granted delegated permissions: User.Read Presence.Read.All",
            "Service user presence: Busy / InACall",
        ]);
        assert.equal(report.availability, "Busy");
        assert.equal(report.activity, "InACall");
        assert.deepEqual(report.grantedScopes, ["User.Read", "Presence.Read.All"]);
    });

    it("when a secret stays invalid until the timeout, says so, grants nothing and reports no presence fields", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup();
        const handoff = { ...seed.handoff, secretValue: "not-the-secret-value~1234567890abcdefghij" };
        const report = await verifyPresenceAccess(handoff, tenant.options({ timeoutSeconds: 30, changedAt: JUST_PROVISIONED }));
        assert.equal(report.ok, false);
        assert.equal(report.code, "invalid_client_secret");
        assert.equal(report.gaveUp, true);
        assert.match(report.message, / The error stayed transient until the timeout, so the verifier gave up\.$/);
        assert.equal(tenant.progress.at(-1), `invalid_client_secret: ${report.message.replace(/ The error stayed.*$/, "")}`);
        assert.deepEqual(report.grantedScopes, []);
        for (const key of ["availability", "activity", "serviceUserObjectId", "serviceUserPresence", "notes", "agents"]) {
            assert.equal(key in report, false, `no ${key} before presence was read`);
        }
    });
    it("checks no agents for an empty agent list, and reports the agents it checked in the progress and the message", async () => {
        const seed = tenant.emulator.directory.seedPresenceSetup({
            delegatedScopes: ["User.Read", "Presence.Read.All", "User.ReadBasic.All"],
            agents: [{ userPrincipalName: "ann@contoso.example", availability: "Busy" }],
        });
        tenant.emulator.directory.setPresence(seed.serviceUserObjectId, "Available");
        const none = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: [] }));
        assert.equal(none.ok, true, none.message);
        assert.equal("agents" in none, false);
        assert.equal(none.message.includes("Agents:"), false);
        tenant.progress.length = 0;
        const one = await verifyPresenceAccess(seed.handoff, tenant.options({ agents: ["ann@contoso.example"] }));
        assert.equal(one.ok, true, one.message);
        assert.ok(tenant.progress.includes("Agents: 1 requested, 1 resolved"), tenant.progress.join("\n"));
        assert.ok(one.message.endsWith(" Agents: 1 requested, 1 resolved."), one.message);
    });
});
