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

    it("ranks the name that differs only in case ahead of one a single edit away, even one that sorts first", () => {
        // "Presence.Rea" is one edit from "presence.read" and sorts before "Presence.Read".
        assert.deepEqual(closestNames("presence.read", ["Presence.Read", "Presence.Rea", "Presence.Read.All"]), ["Presence.Read", "Presence.Rea", "Presence.Read.All"]);
    });

    it("prints the whole error as UnknownPermissionError: the key, then one line per unknown name with its closest names", () => {
        assert.throws(() => resolvePermissions("applicationPermissions", ["Presence.ReadAll", "user.read.all"], GRAPH_ROLE_IDS, "application"), (e: UnknownPermissionError) => {
            const closest = (n: string) => closestNames(n, Object.keys(GRAPH_ROLE_IDS)).join(", ");
            assert.equal(String(e), "UnknownPermissionError: applicationPermissions names permissions Microsoft Graph does not publish in this tenant:\n" +
                `  "Presence.ReadAll" is not a Microsoft Graph application permission; closest: ${closest("Presence.ReadAll")}\n` +
                `  "user.read.all" is not a Microsoft Graph application permission; closest: ${closest("user.read.all")}`);
            return true;
        });
    });
});
