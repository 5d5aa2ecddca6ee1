// README's least-privilege table and the directory role after it (demo/deployer.ts), proved row by row: the real program deployed against
// the emulator, whose management routes check permissions as Graph's reference states them
// (emulator/routes/permissions.ts), succeeds with every row and fails with Graph's 403 without any one.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator/index";
import { DEPLOYER_ROWS, rowsFor, servicePrincipalDeployer, servicePrincipalGrants, userDeployer, type DeployerRow, type SignedInDeployer } from "../../demo/deployer";
import { deployToEmulator, emulatorConfig } from "../../demo/runDemo";
import type { StateEntry } from "../../planner/plan";

const NOW = new Date("2026-11-27T10:00:00Z");
const APP_PERMISSIONS = { "jtel-teams-presence:applicationPermissions": '["Presence.Read.All"]' };

function configFor(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
    return { ...emulatorConfig(emulator), "jtel-teams-presence:verify": "false", ...extra };
}

async function deploy(emulator: Emulator, deployer: SignedInDeployer, extra: Record<string, string> = {}, previous: readonly StateEntry[] = []) {
    return (await deployToEmulator({ emulator, deployer, config: configFor(emulator, extra), now: NOW, previous, tenant: { consistencyTimeoutMs: 0 } })).result;
}

/** Graph's 403 for a directory operation, as the deployment reports it. */
const REFUSED = /403 Authorization_RequestDenied\): Insufficient privileges to complete the operation\./;

/** Adopt what the manual guide made, then `pulumi config rm adopt`: the service user's password is set again. */
async function adoptThenRemoveAdopt(emulator: Emulator, deployer: SignedInDeployer) {
    const seed = emulator.directory.seedPresenceSetup();
    const grant = emulator.directory.delegatedGrants().find((g) => g.clientId === seed.servicePrincipalObjectId)!;
    const adopt = {
        "jtel-teams-presence:adopt": JSON.stringify({
            applicationObjectId: seed.applicationObjectId, servicePrincipalObjectId: seed.servicePrincipalObjectId,
            serviceUserObjectId: seed.serviceUserObjectId, delegatedGrantId: grant.id,
        }),
        "jtel-teams-presence:existingUserPassword": seed.handoff.userPassword,
    };
    const adopted = await deploy(emulator, deployer, adopt);
    const { "jtel-teams-presence:adopt": _removed, ...withoutAdopt } = adopt;
    return deploy(emulator, deployer, withoutAdopt, adopted.state);
}

/** The Graph call each row is needed for: where a deployment without it stops. */
const FAILS_AT: Record<string, RegExp> = {
    "Application.ReadWrite.All": /Graph POST \/applications failed/,
    "Directory.Read.All": /Graph POST \/applications\/[0-9a-f-]+\/owners\/\$ref failed/,
    "User.ReadWrite.All": /Graph POST \/users failed/,
    "DelegatedPermissionGrant.ReadWrite.All": /Graph POST \/oauth2PermissionGrants failed/,
    "AppRoleAssignment.ReadWrite.All": /Graph POST \/servicePrincipals\/[0-9a-f-]+\/appRoleAssignedTo failed/,
    "User Administrator (directory role)": /Graph PATCH \/users\/[0-9a-f-]+ failed/,
};

/** A configuration that needs the row, and the deployment that needs it. */
function situationOf(row: DeployerRow) {
    if (row.onlyWhen === "applicationPermissions") return { rows: rowsFor(["applicationPermissions"]), run: (e: Emulator, d: SignedInDeployer) => deploy(e, d, APP_PERMISSIONS) };
    if (row.onlyWhen === "passwordSetAgain") return { rows: rowsFor(["passwordSetAgain"]), run: adoptThenRemoveAdopt };
    return { rows: rowsFor(), run: (e: Emulator, d: SignedInDeployer) => deploy(e, d) };
}

describe("README's least-privileged deployer, proved against the emulator's Graph permissions", function () {
    this.timeout(60_000);
    let emulator: Emulator;

    beforeEach(async () => { emulator = await startEmulator({ now: () => NOW }); });
    afterEach(() => emulator.close());

    it("a service principal with exactly the rows needed always deploys the default stack, creating everything", async () => {
        const deployer = await servicePrincipalDeployer(emulator, servicePrincipalGrants(rowsFor()));
        const { steps } = await deploy(emulator, deployer);
        assert.deepEqual([...new Set(steps.map((s) => s.op))], ["create"]);
        assert.equal(steps.length, 8);
    });

    for (const row of DEPLOYER_ROWS) {
        const situation = situationOf(row);
        it(`README row "${row.servicePrincipal}": needed for ${row.neededFor.replace(/`/g, "")}; with it the deployment succeeds, without it Graph answers 403`, async () => {
            const withRow = await servicePrincipalDeployer(emulator, servicePrincipalGrants(situation.rows));
            const result = await situation.run(emulator, withRow);
            assert.ok(result.steps.length > 0);
            await emulator.close();
            emulator = await startEmulator({ now: () => NOW });
            const without = await servicePrincipalDeployer(emulator, servicePrincipalGrants(situation.rows.filter((r) => r !== row)));
            await assert.rejects(situation.run(emulator, without), (error: Error) => {
                assert.match(error.message, REFUSED);
                assert.match(error.message, FAILS_AT[row.servicePrincipal]);
                return true;
            });
        });
    }

    it("README column \"Entra role\": a user with Cloud Application Administrator and User Administrator deploys; without either, Graph answers 403", async () => {
        await deploy(emulator, await userDeployer(emulator, ["Cloud Application Administrator", "User Administrator"]));
        for (const missing of ["Cloud Application Administrator", "User Administrator"]) {
            await emulator.close();
            emulator = await startEmulator({ now: () => NOW });
            const roles = ["Cloud Application Administrator", "User Administrator"].filter((r) => r !== missing);
            await assert.rejects(deploy(emulator, await userDeployer(emulator, roles)), REFUSED, `without ${missing}`);
        }
    });

    it("README column \"Entra role\" for a service principal: holding only the roles (as docs/gitops.md bootstraps the deployer) it deploys; without Cloud Application Administrator Graph answers 403", async () => {
        await deploy(emulator, await servicePrincipalDeployer(emulator, { appRoles: [], directoryRoles: ["Cloud Application Administrator", "User Administrator"] }));
        await emulator.close();
        emulator = await startEmulator({ now: () => NOW });
        await assert.rejects(deploy(emulator, await servicePrincipalDeployer(emulator, { appRoles: [], directoryRoles: ["User Administrator"] })), REFUSED);
    });

    it("README row \"Privileged Role Administrator\": with applicationPermissions a user also needs it; Cloud Application Administrator cannot consent to Graph app roles", async () => {
        await deploy(emulator, await userDeployer(emulator, ["Cloud Application Administrator", "User Administrator", "Privileged Role Administrator"]), APP_PERMISSIONS);
        await emulator.close();
        emulator = await startEmulator({ now: () => NOW });
        await assert.rejects(deploy(emulator, await userDeployer(emulator, ["Cloud Application Administrator", "User Administrator"]), APP_PERMISSIONS),
            /appRoleAssignedTo failed \(403 Authorization_RequestDenied\)/);
    });

    it("README's table lists exactly the rows whose service principal holds a Graph permission, in honest columns", () => {
        const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
        const table = readme.split("| service principal: Graph permission | or user: Entra role | needed for |")[1]?.split("\n\n")[0] ?? "";
        const rows = table.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("| ") && !l.startsWith("|---"));
        const graphRows = DEPLOYER_ROWS.filter((r) => servicePrincipalGrants([r]).appRoles.length === 1);
        assert.deepEqual(rows.map((l) => l.split(" | ").map((c) => c.replace(/^\| |`| \|$/g, ""))),
            graphRows.map((r) => [r.servicePrincipal, r.userRole, r.neededFor.replace(/`/g, "")]));
        // Every Graph permission column cell is a Graph application permission, every role cell a directory role.
        for (const r of graphRows) assert.match(r.servicePrincipal, /^[A-Z][A-Za-z]+(\.[A-Z][A-Za-z]+)+$/);
    });

    it("README states the directory role a service principal needs beside its Graph permissions, row by row, after the table", () => {
        const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8").replace(/\s+/g, " ");
        const roleRows = DEPLOYER_ROWS.filter((r) => servicePrincipalGrants([r]).directoryRoles.length === 1);
        assert.equal(roleRows.length, 1);
        for (const r of roleRows) {
            const role = servicePrincipalGrants([r]).directoryRoles[0];
            assert.ok(readme.includes(`it needs one directory role as well: ${role}, ${r.neededFor}`), `README does not state ${role} for: ${r.neededFor}`);
        }
    });
});
