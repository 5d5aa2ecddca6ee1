// What the connector's operator reads and relies on: the canary's edges (verificationCanary), the not-recording and
// not-recorded-yet explanations word for word, a report time without an offset read as UTC in any zone, and the
// clouds table as a freshly loaded module sees it (its rows are module-level data).
import assert from "node:assert/strict";
import {
    CANARY_GRACE_HOURS, classifySecretUsage, verificationCanary, type Classification, type CredentialActivity, type UsageRecord,
} from "../../verifier/secretUsage";
import { reportDateTime } from "../../verifier/usageReport";

const N = "3f1b6c2a-7d4e-4a51-9b08-2c6e1f0a9d47";
const P = "a8e5d1c3-0b7f-4e29-8d64-5f3a2b1c0e98";
const SIGN_IN_AT = "2026-11-27T03:20:10.200Z";
const ROPC_ID = "5d0c3e1a-2b4f-4c6d-9e8f-7a1b2c3d4e5f";
const CC_ID = "9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a5b";
const VERIFICATION = { verifiedAt: "2026-11-27T03:20:11.000Z", elapsedMs: 2_314, passwordSignInAt: SIGN_IN_AT, passwordSignInRequestId: ROPC_ID, clientCredentialsRequestId: CC_ID };
const HOUR = 3_600_000;
const SLACK = 2 * 60 * 1000;

const after = (hours: number, from = SIGN_IN_AT) => new Date(Date.parse(from) + hours * HOUR).toISOString();
const used = (keyId: string, lastUsedAt: string | null, requestIds?: string[]): CredentialActivity => ({ keyId, lastUsedAt, expiresAt: null, ...(requestIds ? { requestIds } : {}) });

function record(credentials: CredentialActivity[], readAt: string): UsageRecord {
    return {
        readAt, currentSecretKeyId: N, previousSecretKeyId: P, previousSecretExpiresAt: "2027-01-19T00:00:00.000Z", verification: VERIFICATION,
        report: { available: true, credentials },
    };
}
function classify(credentials: CredentialActivity[], readAt: string): Classification {
    return classifySecretUsage(record(credentials, readAt), { now: new Date(readAt), idleHours: 12 });
}
const message = (c: Classification): string => (c.kind === "unknown" ? c.message : assert.fail(`expected unknown, got ${c.kind}`));
const canaryState = (newest: CredentialActivity, readAt: string) => verificationCanary(record([newest], readAt), newest, Date.parse(readAt)).state;

describe("the canary's edges: when the report counts as recording the verification's sign-in", () => {
    it("counts a use of the newest secret after the verification's window as recording, even when the report lists only the client-credentials request", () => {
        assert.equal(canaryState(used(N, "2026-11-27T03:30:00.000Z", [CC_ID]), after(21)), "seen");
    });

    it("does not count a client-credentials-only use at the very end of the verification's window (its slack) as a later use", () => {
        const end = new Date(Date.parse(VERIFICATION.verifiedAt) + SLACK).toISOString();
        assert.equal(canaryState(used(N, end, [CC_ID]), after(21)), "missing");
    });

    it("counts a use exactly the allowed clock slack before the password sign-in as that sign-in", () => {
        const earliest = new Date(Date.parse(SIGN_IN_AT) - SLACK).toISOString();
        assert.equal(canaryState(used(N, earliest), after(21)), "seen");
    });
});

describe("matching the verification's request IDs in the report", () => {
    it("takes a report request ID for the verification's password sign-in only when it is the same ID, whatever its case", () => {
        const id = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3dff";
        const rec: UsageRecord = { ...record([], after(21)), verification: { ...VERIFICATION, passwordSignInRequestId: id.toUpperCase() } };
        const state = (requestIds: string[]) => verificationCanary(rec, used(N, null, requestIds), Date.parse(after(21))).state;
        assert.equal(state([id]), "seen");
        // U+FB00 (the "ff" ligature) is not the letters f f; only its upper case is "FF".
        assert.equal(state([id.replace(/ff$/, "\uFB00")]), "missing");
    });
});

describe("what the operator reads when the report does not show the verification's sign-in", () => {
    it(`says within the grace that ${CANARY_GRACE_HOURS} hours without that sign-in turn the reason into not-recording`, () => {
        const lagging = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(13));
        assert.equal(lagging.kind === "unknown" && lagging.reason, "not-recorded-yet");
        assert.match(message(lagging), new RegExp(`; without that sign-in ${CANARY_GRACE_HOURS} hours after it, the reason becomes not-recording$`));
    });

    it("says how many whole hours later it read the report, that the secret shows no use, and where to check by hand", () => {
        const silent = classify([used(N, null), used(P, "2026-11-20T02:00:00.000Z")], after(21.5));
        assert.equal(silent.kind === "unknown" && silent.reason, "not-recording");
        const text = message(silent);
        assert.ok(text.includes(`(key ID ${N}) 21 hours later (it shows no use of that secret), so it does not record the connector's kind of ` +
            `sign-in (ROPC with a client secret) in this tenant, or lags more than ${CANARY_GRACE_HOURS} hours: its silence proves nothing. `), text);
        assert.ok(text.endsWith("Sign-in logs, user sign-ins (interactive and non-interactive) filtered by the Application (client) ID"), text);
    });

    it("names the newest secret's last use when the report shows an older one", () => {
        const old = classify([used(N, "2026-11-20T01:00:00.000Z"), used(P, after(20))], after(21));
        assert.equal(old.kind === "unknown" && old.reason, "not-recording");
        assert.ok(message(old).includes("21 hours later (that secret's last use it shows is 2026-11-20 01:00 UTC), so"), message(old));
    });

    it("counts one listed foreign client secret in the singular when the report lists none of the stack's", () => {
        const foreign = classify([used("11111111-2222-4333-8444-555555555555", "2026-11-20T01:00:00.000Z")], after(21));
        assert.equal(foreign.kind === "unknown" && foreign.reason, "malformed");
        assert.ok(message(foreign).endsWith(": it lists 1 client secret for the app, none with the stack's key IDs (currentSecretKeyId, previousSecretKeyId)"), message(foreign));
    });
});

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
