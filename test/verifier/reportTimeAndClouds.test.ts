// Module-level edges of the credential report: a report time without an offset read as UTC in any zone, and the
// clouds table as a freshly loaded module sees it (its rows are module-level data, which Stryker measures only
// with --with-static).
import assert from "node:assert/strict";
import { reportDateTime } from "../../verifier/usageReport";

describe("a report time without an offset", () => {
    it("is UTC whatever the reading machine's time zone", () => {
        const saved = process.env.TZ;
        try {
            process.env.TZ = "America/New_York";
            assert.equal(reportDateTime("2026-11-27T03:20:10"), "2026-11-27T03:20:10.000Z");
        } finally {
            if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
        }
    });
});

describe("the clouds table as the module builds it when loaded", () => {
    // Module-level data: load verifier/clouds afresh, so the table is built now, not when another test loaded it.
    function freshClouds(): typeof import("../../verifier/clouds") {
        const path = require.resolve("../../verifier/clouds");
        const cached = require.cache[path];
        delete require.cache[path];
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh evaluation of the module
            return require(path) as typeof import("../../verifier/clouds");
        } finally {
            if (cached) require.cache[path] = cached; else delete require.cache[path];
        }
    }

    it("holds each cloud's Microsoft name, hosts, presence and credential report as Learn documents them", () => {
        const { CLOUDS } = freshClouds();
        assert.deepEqual(JSON.parse(JSON.stringify(CLOUDS)), {
            public: {
                title: "Azure global service", authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com",
                presence: true, lockoutThreshold: 10, passwordAttempts: 5, credentialReport: true,
            },
            usgovernment: {
                title: "Azure US Government L4 (GCC High)", authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us",
                presence: true, lockoutThreshold: 3, passwordAttempts: 2, credentialReport: false,
            },
            usgovernmentdod: {
                title: "Azure US Government L5 (DoD)", authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://dod-graph.microsoft.us",
                presence: true, lockoutThreshold: 3, passwordAttempts: 2, credentialReport: false,
            },
            china: {
                title: "Microsoft Azure operated by 21Vianet", authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
                presence: false, lockoutThreshold: 10, passwordAttempts: 5, credentialReport: false,
            },
        });
    });

    it("lets a stack use only the clouds with presence, and refuses China naming it and citing Learn's presence page", () => {
        const { PRESENCE_CLOUD_NAMES, PRESENCE_AVAILABILITY_PAGE, cloudProblem } = freshClouds();
        assert.deepEqual(PRESENCE_CLOUD_NAMES, ["public", "usgovernment", "usgovernmentdod"]);
        assert.equal(PRESENCE_AVAILABILITY_PAGE, "https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid");
        assert.equal(cloudProblem("cloud", "china"),
            `cloud "china" (Microsoft Azure operated by 21Vianet) cannot be used: Microsoft Graph's presence API is not available there ` +
            `(Learn's pages "cloudCommunications: getPresencesByUserId" and "Get presence" mark "China operated by 21Vianet" as not available, ` +
            "https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid), so the jtel connector could never read presence; " +
            "use one of public, usgovernment, usgovernmentdod");
    });
});
