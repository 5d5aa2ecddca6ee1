import { strict as assert } from "node:assert";
import fc from "fast-check";
import { appRoleAssignmentViolations } from "../../policy/appRoleAssignment";
import { declaredAccessViolations, fromRequiredResourceAccess } from "../../policy/declaredAccess";
import { delegatedGrantViolations } from "../../policy/delegatedGrant";
import { MICROSOFT_GRAPH_APP_ID, READ_ONLY_APP_ROLES, READ_ONLY_DELEGATED_SCOPES } from "../../policy/graphAllowlist";

const ALLOWED_SCOPES = Object.keys(READ_ONLY_DELEGATED_SCOPES);
const DIRECTORY_READ_WRITE_ALL_ROLE = "19dbc75e-c2e2-444c-a770-ec69d8559fc7";
const MAIL_SEND_SCOPE = "e383f46e-2787-4529-855e-0e479a3ffac0";

describe("policy graph-consent-read-only", () => {
    it("passes any subset of the read-only scopes", () => {
        fc.assert(fc.property(fc.subarray(ALLOWED_SCOPES), (scopes) => {
            assert.deepEqual(delegatedGrantViolations({ claimValues: scopes }), []);
        }));
    });

    it("rejects Directory.ReadWrite.All, naming the scope and the delegatedPermissions key", () => {
        const [message, ...rest] = delegatedGrantViolations({ claimValues: ["Presence.Read.All", "Directory.ReadWrite.All", "User.Read"] });
        assert.equal(rest.length, 0);
        assert.ok(message.includes('"Directory.ReadWrite.All"'), message);
        assert.match(message, /can change data/);
        assert.match(message, /delegatedPermissions/);
    });

    it("rejects any scope containing Write", () => {
        fc.assert(fc.property(fc.string(), fc.constantFrom("Write", "write", "WRITE"), fc.string(), (before, write, after) => {
            const scope = `${before}${write}${after}`.replace(/\s/g, "");
            const messages = delegatedGrantViolations({ claimValues: ["User.Read", scope] });
            assert.equal(messages.length, 1);
            assert.ok(messages[0].includes(JSON.stringify(scope)), messages[0]);
        }), { numRuns: 300 });
    });

    it("rejects every scope outside the allowlist, including names that are object keys like constructor", () => {
        fc.assert(fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom("constructor", "__proto__", "toString", "user.read")), (raw) => {
            const scope = raw.replace(/\s/g, "") || "x";
            fc.pre(!ALLOWED_SCOPES.includes(scope));
            assert.equal(delegatedGrantViolations({ claimValues: [scope] }).length, 1);
        }), { numRuns: 300 });
    });

    it("reads space-separated scopes in one entry as separate scopes, as Entra ID stores them", () => {
        const messages = delegatedGrantViolations({ claimValues: ["User.Read Mail.Send"] });
        assert.equal(messages.length, 1);
        assert.ok(messages[0].includes('"Mail.Send"'));
    });
});

describe("policy graph-declared-permissions-read-only", () => {
    it("passes the read-only scope and role IDs on Microsoft Graph", () => {
        assert.deepEqual(declaredAccessViolations({
            apiClientId: MICROSOFT_GRAPH_APP_ID,
            scopeIds: Object.values(READ_ONLY_DELEGATED_SCOPES),
            roleIds: Object.values(READ_ONLY_APP_ROLES).map((id) => id.toUpperCase()),
        }), []);
    });

    it("rejects a declared write scope or role, naming its ID and the config key", () => {
        const messages = declaredAccessViolations({
            apiClientId: MICROSOFT_GRAPH_APP_ID, scopeIds: [MAIL_SEND_SCOPE], roleIds: [DIRECTORY_READ_WRITE_ALL_ROLE],
        });
        assert.equal(messages.length, 2);
        assert.ok(messages[0].includes(MAIL_SEND_SCOPE) && messages[0].includes("delegatedPermissions"), messages[0]);
        assert.ok(messages[1].includes(DIRECTORY_READ_WRITE_ALL_ROLE) && messages[1].includes("applicationPermissions"), messages[1]);
    });

    it("rejects a delegated scope ID declared as an app role (the two ID lists are separate)", () => {
        assert.equal(declaredAccessViolations({ apiClientId: MICROSOFT_GRAPH_APP_ID, roleIds: [READ_ONLY_DELEGATED_SCOPES["User.Read"]] }).length, 1);
    });

    it("rejects permissions declared on an API other than Microsoft Graph", () => {
        const [message] = declaredAccessViolations({ apiClientId: "00000002-0000-0ff1-ce00-000000000000", scopeIds: [] });
        assert.match(message, /not Microsoft Graph/);
    });

    it("reads azuread.Application's requiredResourceAccess blocks the same way", () => {
        const block = {
            resourceAppId: MICROSOFT_GRAPH_APP_ID,
            resourceAccesses: [
                { id: READ_ONLY_DELEGATED_SCOPES["Presence.Read.All"], type: "Scope" },
                { id: DIRECTORY_READ_WRITE_ALL_ROLE, type: "Role" },
            ],
        };
        const messages = declaredAccessViolations(fromRequiredResourceAccess(block));
        assert.equal(messages.length, 1);
        assert.ok(messages[0].includes(DIRECTORY_READ_WRITE_ALL_ROLE));
    });

    it("rejects any scope ID outside the allowlist", () => {
        fc.assert(fc.property(fc.uuid(), (id) => {
            fc.pre(!Object.values(READ_ONLY_DELEGATED_SCOPES).includes(id.toLowerCase()));
            assert.equal(declaredAccessViolations({ apiClientId: MICROSOFT_GRAPH_APP_ID, scopeIds: [id] }).length, 1);
        }), { numRuns: 300 });
    });
});

describe("policy graph-app-roles-read-only", () => {
    it("passes Presence.Read.All, User.ReadBasic.All and User.Read.All", () => {
        for (const id of ["a70e0c2d-e793-494c-94c4-118fa0a67f42", "97235f07-e226-4f63-ace3-39588e11d3a1", "df021288-bdef-4463-88db-98f22de89214"]) {
            assert.deepEqual(appRoleAssignmentViolations({ appRoleId: id }), []);
        }
    });

    it("rejects Directory.ReadWrite.All as an application permission, naming the role ID and applicationPermissions", () => {
        const [message, ...rest] = appRoleAssignmentViolations({ appRoleId: DIRECTORY_READ_WRITE_ALL_ROLE });
        assert.equal(rest.length, 0);
        assert.ok(message.includes(DIRECTORY_READ_WRITE_ALL_ROLE), message);
        assert.match(message, /client secret alone/);
        assert.match(message, /applicationPermissions/);
    });

    it("rejects any other role ID, and a missing one", () => {
        fc.assert(fc.property(fc.uuid(), (id) => {
            fc.pre(!Object.values(READ_ONLY_APP_ROLES).includes(id.toLowerCase()));
            assert.equal(appRoleAssignmentViolations({ appRoleId: id }).length, 1);
        }), { numRuns: 300 });
        assert.equal(appRoleAssignmentViolations({}).length, 1);
    });
});
