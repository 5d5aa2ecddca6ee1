import { strict as assert } from "node:assert";
import { closestNames, resolvePermissions, UnknownPermissionError } from "../../components/graphPermissions";
import { GRAPH_ROLE_IDS, GRAPH_SCOPE_IDS } from "../support/graphFixture";

describe("resolving Graph permission names", () => {
    it("resolves names to the IDs the Graph service principal publishes, in the configured order", () => {
        assert.deepEqual(resolvePermissions("delegatedPermissions", ["User.Read", "Presence.Read.All"], GRAPH_SCOPE_IDS, "delegated"), [
            { name: "User.Read", id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d" },
            { name: "Presence.Read.All", id: "9c7a330d-35b3-4aa1-963d-cb2b9f927841" },
        ]);
        assert.deepEqual(resolvePermissions("applicationPermissions", ["Presence.Read.All"], GRAPH_ROLE_IDS, "application"),
            [{ name: "Presence.Read.All", id: "a70e0c2d-e793-494c-94c4-118fa0a67f42" }]);
    });

    it("picks delegated and application IDs from their own maps, though names repeat", () => {
        assert.notEqual(GRAPH_SCOPE_IDS["Presence.Read.All"], GRAPH_ROLE_IDS["Presence.Read.All"]);
        assert.throws(() => resolvePermissions("applicationPermissions", ["User.Read"], GRAPH_ROLE_IDS, "application"), UnknownPermissionError);
    });

    it("fails on an unknown name with the key, every unknown name and the closest valid names", () => {
        assert.throws(() => resolvePermissions("delegatedPermissions", ["presence.read.all", "Usr.Read", "User.Read"], GRAPH_SCOPE_IDS, "delegated"), (e: UnknownPermissionError) => {
            assert.equal(e.key, "delegatedPermissions");
            assert.deepEqual(e.names, ["presence.read.all", "Usr.Read"]);
            assert.match(e.message, /"presence.read.all" is not a Microsoft Graph delegated permission; closest: Presence.Read.All,/);
            assert.match(e.message, /"Usr.Read" is not a Microsoft Graph delegated permission; closest: User.Read,/);
            return true;
        });
    });

    it("ranks a case-only difference first, then by edit distance", () => {
        assert.deepEqual(closestNames("user.read", Object.keys(GRAPH_SCOPE_IDS)), ["User.Read", "User.Read.All", "Presence.Read"]);
        assert.deepEqual(closestNames("Presence.ReadAll", Object.keys(GRAPH_SCOPE_IDS), 1), ["Presence.Read.All"]);
    });
});
