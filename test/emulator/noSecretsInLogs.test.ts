import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { appToken, claims, DEPLOYER_ROLES, graph, postToken, ropcForm, type HttpResult } from "./support";

describe("emulator request log and responses", () => {
    let emulator: Emulator;

    before(async () => {
        emulator = await startEmulator();
    });

    after(() => emulator.close());

    it("never puts a secret, password or token into the request log, and responses echo none of them", async () => {
        const seed = emulator.directory.seedPresenceSetup({ agents: [{ userPrincipalName: "anna@contoso.example", availability: "Busy" }] });
        const { handoff } = seed;
        const secrets: string[] = [handoff.secretValue, handoff.userPassword];
        const tokens: string[] = [];
        const ordinary: HttpResult[] = [];

        const ok = await postToken(emulator, ropcForm(handoff));
        assert.equal(ok.status, 200);
        tokens.push(ok.body.access_token);
        const token = ok.body.access_token as string;

        // Failures that carry the real secret or password in the request.
        ordinary.push(await postToken(emulator, ropcForm(handoff, { password: ` ${handoff.userPassword} ` })));
        ordinary.push(await postToken(emulator, ropcForm(handoff, { client_id: "11111111-2222-3333-4444-555555555555" })));
        ordinary.push(await postToken(emulator, ropcForm(handoff, { username: "ghost@contoso.example" })));
        ordinary.push(await postToken(emulator, ropcForm(handoff, { scope: handoff.secretValue })));
        ordinary.push(await postToken(emulator, ropcForm(handoff, { password: `${handoff.userPassword}x` })));
        ordinary.push(await postToken(emulator, ropcForm(handoff), "not-this-tenant"));
        emulator.faults.mfaRequired.add(handoff.userEmail);
        ordinary.push(await postToken(emulator, ropcForm(handoff)));
        emulator.faults.mfaRequired.clear();

        const cc = await postToken(emulator, { grant_type: "client_credentials", client_id: handoff.applicationClientId, client_secret: handoff.secretValue, scope: "https://graph.microsoft.com/.default" });
        assert.equal(cc.status, 200);
        tokens.push(cc.body.access_token);

        ordinary.push(await graph(emulator, "GET", "/me/presence", { token }));
        ordinary.push(await graph(emulator, "POST", "/communications/getPresencesByUserId", { token, body: { ids: seed.agentObjectIds } }));
        ordinary.push(await graph(emulator, "POST", "/$batch", { token, body: { requests: [{ id: "1", method: "GET", url: "/me/presence" }] } }));
        ordinary.push(await graph(emulator, "GET", "/me/presence", { token: handoff.secretValue }));
        ordinary.push(await graph(emulator, "GET", `/applications/${seed.applicationObjectId}`, { token }));

        // Management calls that carry new secrets and passwords, by a deployer allowed to make them.
        const deployer = await appToken(emulator, DEPLOYER_ROLES, ["User Administrator"]);
        tokens.push(deployer);
        const newPassword = "Managed-Passw0rd-77";
        secrets.push(newPassword);
        ordinary.push(await graph(emulator, "POST", "/users", {
            token: deployer, body: { accountEnabled: true, displayName: "m", userPrincipalName: "managed@contoso.example", passwordProfile: { password: newPassword, forceChangePasswordNextSignIn: false } },
        }));
        ordinary.push(await graph(emulator, "PATCH", `/users/${seed.serviceUserObjectId}`, { token: deployer, body: { passwordProfile: { password: "weak" } } }));
        secrets.push("weak");
        const added = await graph(emulator, "POST", `/applications/${seed.applicationObjectId}/addPassword`, { token: deployer, body: { passwordCredential: { displayName: "b" } } });
        assert.equal(added.status, 200);
        secrets.push(added.body.secretText);
        ordinary.push(await graph(emulator, "GET", `/applications/${seed.applicationObjectId}`, { token: deployer }));

        emulator.faults.serverErrorEvery = 1;
        ordinary.push(await postToken(emulator, ropcForm(handoff)));
        ordinary.push(await graph(emulator, "GET", "/me/presence", { token }));
        emulator.faults.serverErrorEvery = 0;

        const log = JSON.stringify(emulator.requests);
        assert.ok(emulator.requests.length >= 20, `expected the series to be logged, got ${emulator.requests.length} entries`);
        for (const value of [...secrets.filter((s) => s !== "weak"), ...tokens]) {
            assert.ok(!log.includes(value), "the request log holds a secret, password or token");
        }
        assert.ok(!/client_secret|access_token|Bearer|passwordProfile|secretText/i.test(log));
        for (const response of ordinary) {
            for (const value of [...secrets.filter((s) => s !== "weak"), ...tokens]) {
                assert.ok(!response.text.includes(value), `a ${response.status} response echoes a secret, password or token`);
            }
            assert.ok(!response.text.includes('"weak"'));
        }
        for (const token of tokens) {
            const decoded = JSON.stringify(claims(token));
            for (const value of secrets) assert.ok(!decoded.includes(value), "an access token carries a secret or password");
        }
        const inspection = JSON.stringify([emulator.directory.applications(), emulator.directory.users()]);
        for (const value of secrets.filter((s) => s !== "weak")) assert.ok(!inspection.includes(value), "directory inspection exposes a secret or password");
    });

    it("logs the grant type, user name, status and AADSTS code of token requests", async () => {
        const { handoff } = emulator.directory.seedPresenceSetup();
        const before = emulator.requests.length;
        await postToken(emulator, ropcForm(handoff, { password: "Wrong-Passw0rd" }));
        const entry = emulator.requests[before];
        assert.equal(emulator.requests.length, before + 1);
        assert.deepEqual(
            { method: entry.method, path: entry.path, grantType: entry.grantType, username: entry.username, status: entry.status, aadsts: entry.aadsts },
            { method: "POST", path: `/${emulator.tenantId}/oauth2/v2.0/token`, grantType: "password", username: handoff.userEmail, status: 400, aadsts: 50126 },
        );
        assert.ok(entry.at instanceof Date);
    });
});
