// The credential activity reader at its edges: which date-times it takes from the report and which it refuses,
// how much of an unreadable value the admin is shown, the request IDs the verification's canary and a saved usage
// record rely on, and a nextLink below a Graph endpoint written with extra slashes.
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/identity";
import { readCredentialActivity, readEntry, reportDateTime } from "../../verifier/usageReport";
import { unknownMessage } from "../../verifier/secretUsage";
import { standInGraph } from "../support/standInGraph";

const APP_ID = "6c1d4f0e-2b7a-4c3e-9f51-0a8d2e4b7c19";
const TENANT_ID = "9b2e7c41-5d3a-4f86-a0c2-1e8b6d4f3a57";
const REQUEST_ID = "3f6a2c1e-8b4d-4e7f-9a05-1c2d3e4f5a6b";

const detail = (raw: unknown): string => {
    const entry = readEntry(raw, APP_ID);
    return entry.kind === "malformed" ? entry.detail : `not malformed: ${entry.kind}`;
};

describe("credential activity reader: edges of what it reads", () => {
    describe("date-times", () => {
        it("takes a date-time written without seconds, with any number of fractional digits, or with a two-digit offset", () => {
            assert.equal(reportDateTime("2026-11-27T03:20Z"), "2026-11-27T03:20:00.000Z");
            assert.equal(reportDateTime("2026-11-27T03:20:10.1234567Z"), "2026-11-27T03:20:10.123Z");
            assert.equal(reportDateTime("2026-11-27T03:20:10.25Z"), "2026-11-27T03:20:10.250Z");
            assert.equal(reportDateTime("2026-11-27T08:50:10+05:30"), "2026-11-27T03:20:10.000Z");
            assert.equal(reportDateTime("2026-11-26T19:20:10-08:00"), "2026-11-27T03:20:10.000Z");
        });

        it("takes a date-time with blanks around it", () => {
            assert.equal(reportDateTime("  2026-11-27T03:20:10Z \n"), "2026-11-27T03:20:10.000Z");
        });

        it("refuses text before or after a date-time instead of reading the date-time out of it", () => {
            assert.equal(reportDateTime("expired 2026-11-27T03:20:10Z"), undefined);
            assert.equal(reportDateTime("2026-11-27T03:20:10Z and later"), undefined);
            assert.equal(reportDateTime("2026-11-27T03:20:10.5Zx"), undefined);
        });

        it("ends as malformed on an expiry with text around the date-time, never reading it as a date", () => {
            assert.equal(detail({ keyId: "k1", keyType: "clientSecret", expirationDateTime: "x2027-01-19T00:00:00Z" }),
                `expirationDateTime "x2027-01-19T00:00:00Z" is not a date-time`);
        });
    });

    describe("what the admin is shown of a value it cannot read", () => {
        it("names each sign-in time it cannot read by its field", () => {
            assert.equal(detail({ keyId: "k1", keyType: "clientSecret", signInActivity: { lastNonInteractiveSignInDateTime: "soon" } }),
                `signInActivity.lastNonInteractiveSignInDateTime "soon" is not a date-time`);
            assert.equal(detail({ keyId: "k1", keyType: "clientSecret", signInActivity: { lastSuccessfulSignInDateTime: "soon" } }),
                `signInActivity.lastSuccessfulSignInDateTime "soon" is not a date-time`);
        });

        it("quotes at most 40 characters of an unreadable date-time", () => {
            const long = `${"y".repeat(40)}${"z".repeat(60)}`;
            assert.equal(detail({ keyId: "k1", keyType: "clientSecret", signInActivity: { lastSignInDateTime: long } }),
                `signInActivity.lastSignInDateTime "${"y".repeat(40)}" is not a date-time`);
        });

        it("quotes at most 40 characters of a keyType it does not know", () => {
            const long = `${"k".repeat(40)}${"q".repeat(60)}`;
            assert.equal(detail({ keyId: "k1", keyType: long }), `an entry of keyType "${"k".repeat(40)}"`);
        });
    });

    describe("the sign-ins' request IDs", () => {
        const ids = (signInActivity: Record<string, string>): string[] | undefined => {
            const entry = readEntry({ keyId: "k1", keyType: "clientSecret", signInActivity }, APP_ID);
            assert.equal(entry.kind, "secret");
            return entry.kind === "secret" ? entry.credential.requestIds : undefined;
        };

        it("keeps each request ID once, trimmed and in lower case, as the canary compares them", () => {
            assert.deepEqual(ids({
                lastSignInRequestId: ` ${REQUEST_ID.toUpperCase()} `,
                lastNonInteractiveSignInRequestId: REQUEST_ID,
                lastSuccessfulSignInRequestId: "\tAB12CD34-0000-4000-8000-000000000001",
            }), [REQUEST_ID, "ab12cd34-0000-4000-8000-000000000001"]);
        });

        it("drops a blank request ID, so a saved usage record never holds an empty one", () => {
            assert.equal(ids({ lastSignInRequestId: "   ", lastNonInteractiveSignInRequestId: "", lastSuccessfulSignInRequestId: "\t" }), undefined);
            assert.deepEqual(ids({ lastSignInRequestId: "  ", lastSuccessfulSignInRequestId: REQUEST_ID }), [REQUEST_ID]);
        });
    });

    describe("paging", () => {
        const graph = standInGraph();
        const credential: TokenCredential = { getToken: async () => ({ token: "deployer-token", expiresOnTimestamp: 0 }) };

        it("follows Graph's nextLink below a Graph endpoint whose path ends in extra slashes", async () => {
            graph.answer = (path) => (path.includes("skiptoken")
                ? { status: 200, body: { value: [{ keyId: "second" }] } }
                : { status: 200, body: { value: [{ keyId: "first" }], "@odata.nextLink": `${graph.url}/graph/beta/reports/appCredentialSignInActivities?$skiptoken=1` } });
            // "/graph//." is the path "/graph//" once the URL parser drops the dot segment.
            const report = await readCredentialActivity({ tenantId: TENANT_ID, appId: APP_ID, cloud: "public", graphEndpoint: `${graph.url}/graph//.`, credential, timeoutMs: 10_000 });
            assert.deepEqual(report.available ? report.credentials.map((c) => c.keyId) : `${report.reason}: ${report.message}`, ["first", "second"]);
            assert.notEqual(report.available ? "" : report.message, `${unknownMessage("malformed")} (a next page on another host)`);
        });
    });
});
