import { strict as assert } from "node:assert";
import fc from "fast-check";
import { passwordComplexityProblem, randomSeedPassword } from "../../emulator/passwordRules";
import { startEmulator } from "../../emulator/index";

describe("emulator password rules", () => {
    it("accepts every seeded password, which never holds whitespace or [ ] < > ? # &", () => {
        fc.assert(fc.property(fc.integer({ min: 8, max: 64 }), (length) => {
            const password = randomSeedPassword(length);
            assert.equal(password.length, length);
            assert.equal(passwordComplexityProblem(password), undefined);
            assert.doesNotMatch(password, /[\s[\]<>?#&]/);
        }));
    });

    it("refuses any password that uses fewer than three character classes", () => {
        fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]{8,40}$/), (password) => {
            assert.match(passwordComplexityProblem(password) ?? "", /character classes/);
        }));
    });

    it("refuses passwords shorter than 8 or longer than 256 characters", () => {
        assert.match(passwordComplexityProblem("Ab1-xyz") ?? "", /7 characters/);
        assert.match(passwordComplexityProblem(`Ab1-${"x".repeat(253)}`) ?? "", /257 characters/);
        assert.equal(passwordComplexityProblem(`Ab1-${"x".repeat(252)}`), undefined);
    });

    it("counts a space as a symbol, as Entra ID does", () => {
        assert.equal(passwordComplexityProblem("correct horse 7"), undefined);
    });
});

describe("emulator Microsoft Graph service principal", () => {
    it("carries the real delegated and application permission IDs", async () => {
        const emulator = await startEmulator();
        try {
            const sp = emulator.directory.graphServicePrincipal;
            assert.equal(sp.appId, "00000003-0000-0000-c000-000000000000");
            const scopes = Object.fromEntries(sp.oauth2PermissionScopes.map((s) => [s.value, s.id]));
            assert.deepEqual(scopes, {
                "Presence.Read": "76bc735e-aecd-4a1d-8b4c-2b915deabb79",
                "Presence.Read.All": "9c7a330d-35b3-4aa1-963d-cb2b9f927841",
                "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
                "User.ReadBasic.All": "b340eb25-3456-403f-be2f-af7a0d370277",
                "User.Read.All": "a154be20-db9c-4678-8ab7-66f6cc099a59",
                offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
                "Directory.AccessAsUser.All": "0e263e50-5827-48a4-b97c-d940288653c7",
                // The credential activity report's permission (learn.microsoft.com/graph/permissions-reference#auditlogreadall).
                "AuditLog.Read.All": "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20",
            });
            const roles = Object.fromEntries(sp.appRoles.map((r) => [r.value, r.id]));
            assert.deepEqual(roles, {
                "Presence.Read.All": "a70e0c2d-e793-494c-94c4-118fa0a67f42",
                "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
                "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
                // A deployer's application permissions (IDs as published for Microsoft Graph's app roles).
                "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
                "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
                "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
                "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
                "DelegatedPermissionGrant.ReadWrite.All": "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
                "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
                "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
                "User.ReadWrite.All": "741f803b-c850-494e-b5df-cde7c675a1ca",
                "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da",
            });
        } finally {
            await emulator.close();
        }
    });

    it("seeds a setup the way the manual guide does: owner, never-expiring password, tenant-wide consent, one secret", async () => {
        const emulator = await startEmulator();
        try {
            const seed = emulator.directory.seedPresenceSetup();
            const app = emulator.directory.applications().find((a) => a.id === seed.applicationObjectId);
            const user = emulator.directory.users().find((u) => u.id === seed.serviceUserObjectId);
            assert.deepEqual(app?.ownerIds, [seed.serviceUserObjectId]);
            assert.equal(app?.passwordCredentials.length, 1);
            assert.deepEqual(app?.requiredResourceAccess[0].resourceAccess.map((r) => r.id), ["e1fe6dd8-ba31-4d61-89e7-88639da4683d", "9c7a330d-35b3-4aa1-963d-cb2b9f927841"]);
            assert.equal(user?.passwordPolicies, "DisablePasswordExpiration");
            assert.equal(user?.forceChangePasswordNextSignIn, false);
            assert.deepEqual(emulator.directory.delegatedGrants().map((g) => [g.consentType, g.principalId, g.scope]), [["AllPrincipals", null, "User.Read Presence.Read.All"]]);
            assert.equal(seed.handoff.directoryTenantId, emulator.tenantId);
        } finally {
            await emulator.close();
        }
    });
});
