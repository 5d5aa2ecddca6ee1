// The credential activity reader's words for each way the report can be missing, as a tenant admin reads them in
// the usage table, and the limits it keeps (pages, hosts, the app it asks about). A stand-in Graph on loopback.
import assert from "node:assert/strict";
import type { GetTokenOptions, TokenCredential } from "@azure/identity";
import { readCredentialActivity, type ReadActivityOptions } from "../../verifier/usageReport";
import { unknownMessage, type ActivityReport } from "../../verifier/secretUsage";
import { standInGraph } from "../support/standInGraph";

const APP_ID = "6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19";
const TENANT_ID = "9b2e7c41-5d3a-4f86-a0c2-1e8b6d4f3a57";

describe("credential activity reader: the admin's words and its limits", () => {
    const graph = standInGraph();

    const credential: TokenCredential = { getToken: async () => ({ token: "deployer-token", expiresOnTimestamp: 0 }) };
    const read = (extra: Partial<ReadActivityOptions> = {}) =>
        readCredentialActivity({ tenantId: TENANT_ID, appId: APP_ID, cloud: "public", graphEndpoint: graph.url, credential, timeoutMs: 10_000, ...extra });
    const message = (report: ActivityReport): string => (report.available ? "available" : `${report.reason}: ${report.message}`);
    const graphError = (status: number, code?: string) => () => ({ status, body: { error: { code: code ?? "", message: "x" } } });

    it("names the sovereign cloud it made no request in", async () => {
        assert.equal(message(await read({ cloud: "china" })), `sovereign-cloud: ${unknownMessage("sovereign-cloud")} (cloud china)`);
    });

    it("refuses an Application (client) ID that is not a GUID before asking for any token, whatever the endpoint", async () => {
        let asked = 0;
        const counting: TokenCredential = { getToken: async () => { asked++; return { token: "x", expiresOnTimestamp: 0 }; } };
        for (const graphEndpoint of [graph.url, undefined]) {
            const report = await read({ appId: "6c1d4f0e' or appId ne '", credential: counting, graphEndpoint });
            assert.equal(message(report), `malformed: ${unknownMessage("malformed")} (the Application (client) ID is not a GUID)`);
        }
        assert.equal(asked, 0);
        assert.equal(graph.seen.length, 0);
    });

    it("asks the deployer's credential for a token of the customer's tenant", async () => {
        const asked: (GetTokenOptions | undefined)[] = [];
        const recording: TokenCredential = { getToken: async (_scopes, options) => { asked.push(options); return null; } };
        await read({ credential: recording });
        assert.equal(asked[0]?.tenantId, TENANT_ID);
        assert.ok(asked[0]?.abortSignal instanceof AbortSignal);
    });

    it("tells the admin the az login command for this tenant when the credential gives no token", async () => {
        const none: TokenCredential = { getToken: async () => null };
        assert.equal(message(await read({ credential: none })),
            `no-credential: no Microsoft Graph token for the deployer: sign in with \`az login --tenant ${TENANT_ID}\` (the workflow signs in with OIDC) (the credential returned no token)`);
    });

    it("names a non-Error failure of the credential as Error, with its AADSTS code", async () => {
        const throwing: TokenCredential = { getToken: async () => { throw "AADSTS50034: The user account does not exist"; } };
        assert.match(message(await read({ credential: throwing })), /\(Error, AADSTS50034\)$/);
    });

    it("gives each refusal by Graph its reason and its HTTP status and code", async () => {
        const cases: [ReturnType<typeof graphError>, string][] = [
            [graphError(403), `permission: ${unknownMessage("permission")} (HTTP 403)`],
            [graphError(401, "InvalidAuthenticationToken"), `no-credential: ${unknownMessage("no-credential")} (Graph refused the deployer's token: HTTP 401 InvalidAuthenticationToken)`],
            [graphError(401), `no-credential: ${unknownMessage("no-credential")} (Graph refused the deployer's token: HTTP 401)`],
            [graphError(404, "ResourceNotFound"), `not-available: ${unknownMessage("not-available")} (HTTP 404 ResourceNotFound)`],
            [graphError(400), `not-available: ${unknownMessage("not-available")} (HTTP 400)`],
            [graphError(501, "notImplemented"), `unreachable: ${unknownMessage("unreachable")} (HTTP 501)`],
        ];
        for (const [reply, expected] of cases) {
            graph.answer = reply;
            assert.equal(message(await read()), expected);
        }
    });

    it("says what was wrong with an answer that is not the report", async () => {
        graph.answer = () => ({ status: 200, body: { values: [] } });
        assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (no value array)`);
        graph.answer = () => ({ status: 200, body: { value: [{ nokey: true }] } });
        assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (an entry without keyId)`);
        graph.answer = () => ({ status: 200, body: { value: [], "@odata.nextLink": "https://elsewhere.example/beta/reports/appCredentialSignInActivities" } });
        assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (a next page on another host)`);
    });

    it("ends as malformed, never as a silent secret, on an entry of a keyType it does not know", async () => {
        // The beta metadata's applicationKeyType is clientSecret | certificate | unknownFutureValue; unknownFutureValue stands
        // for a member added later (Graph's evolvable enums), which may be a client secret.
        for (const keyType of ["unknownFutureValue", "federatedCredential"]) {
            graph.answer = () => ({ status: 200, body: { value: [{ keyId: "k1", appId: APP_ID, keyType }] } });
            assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (an entry of keyType ${JSON.stringify(keyType)})`);
        }
    });

    it("takes keyType secret (the page's examples) and clientSecret (the metadata) alike, and skips certificates", async () => {
        graph.answer = () => ({ status: 200, body: { value: [
            { keyId: "a", keyType: "secret", expirationDate: "2021-04-01T21:36:48-8:00", signInActivity: { lastSignInDateTime: "2021-04-01T00:00:00-8:00" } },
            { keyId: "b", keyType: "clientSecret", expirationDateTime: "2027-01-19T00:00:00Z" },
            { keyId: "c", keyType: "certificate" },
        ] } });
        assert.deepEqual(await read(), { available: true, credentials: [
            { keyId: "a", lastUsedAt: "2021-04-01T08:00:00.000Z", expiresAt: "2021-04-02T05:36:48.000Z" },
            { keyId: "b", lastUsedAt: null, expiresAt: "2027-01-19T00:00:00.000Z" },
        ] });
    });

    it("ends as malformed on a date-time it cannot read, instead of taking it for never used", async () => {
        graph.answer = () => ({ status: 200, body: { value: [{ keyId: "k1", keyType: "clientSecret", signInActivity: { lastSignInDateTime: "yesterday" } }] } });
        assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (signInActivity.lastSignInDateTime "yesterday" is not a date-time)`);
    });

    it("keeps only this app's client secrets when Graph returns another app's entries", async () => {
        graph.answer = () => ({ status: 200, body: { value: [
            { keyId: "other", appId: "11111111-2222-4333-8444-555555555555", keyType: "clientSecret" },
            { keyId: "mine", appId: APP_ID.toUpperCase(), keyType: "clientSecret" },
        ] } });
        assert.deepEqual(await read(), { available: true, credentials: [{ keyId: "mine", lastUsedAt: null, expiresAt: null }] });
    });

    it("stops after 50 pages of a report that never ends", async () => {
        graph.answer = (path) => ({ status: 200, body: { value: [], "@odata.nextLink": `${graph.url}${path.split("?")[0]}?$skiptoken=${graph.seen.length}` } });
        assert.equal(message(await read()), `malformed: ${unknownMessage("malformed")} (more than 50 pages)`);
        assert.equal(graph.seen.length, 50);
    });

    it("follows a nextLink below a Graph endpoint that has a path", async () => {
        graph.answer = (path) => (path.includes("skiptoken")
            ? { status: 200, body: { value: [{ keyId: "second" }] } }
            : { status: 200, body: { value: [{ keyId: "first" }], "@odata.nextLink": `${graph.url}/graph/beta/reports/appCredentialSignInActivities?$skiptoken=1` } });
        const report = await read({ graphEndpoint: `${graph.url}/graph` });
        assert.deepEqual(report.available && report.credentials.map((c) => c.keyId), ["first", "second"]);
        assert.deepEqual(graph.seen.map(({ path: p }) => p.split("?")[0]), ["/graph/beta/reports/appCredentialSignInActivities", "/graph/beta/reports/appCredentialSignInActivities"]);
    });
});
