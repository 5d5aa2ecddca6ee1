import assert from "node:assert/strict";
import {
    diagnoseGraphError,
    diagnoseMissingScopes,
    diagnoseNoResponse,
    diagnoseRedirect,
    diagnoseTokenError,
    isRedirectStatus,
} from "../../verifier/diagnosis";

// Whole diagnoses, message text included: the message is what a tenant admin reads in the verification
// report, and `transient` decides whether the verifier keeps retrying or stops and names a remedy.
const W = "App sign-in (client credentials)";

describe("diagnosis messages for the token endpoint", () => {
    it("retries an OAuth temporarily_unavailable or server_error even when the status is below 500", () => {
        for (const error of ["temporarily_unavailable", "server_error"]) {
            assert.deepEqual(diagnoseTokenError(W, 400, { error }), {
                code: "service_unavailable",
                transient: true,
                retryAfterMs: undefined,
                message: `${W}: the service answered HTTP 400.`,
            });
        }
    });

    it("retries a bare HTTP 500 as service_unavailable: 500 is already a server error", () => {
        assert.deepEqual(diagnoseTokenError(W, 500, undefined, 2000), {
            code: "service_unavailable",
            transient: true,
            retryAfterMs: 2000,
            message: `${W}: the service answered HTTP 500.`,
        });
    });

    it("reports error invalid_client without an AADSTS code as a terminal invalid_client_secret, quoting trace and correlation IDs", () => {
        assert.deepEqual(diagnoseTokenError(W, 401, { error: "invalid_client", trace_id: "t-1", correlation_id: "c-1" }), {
            code: "invalid_client_secret",
            transient: false,
            message: `${W}: the token endpoint rejected the client (error invalid_client) (trace ID t-1, correlation ID c-1).`,
        });
    });

    it("reports any other error without an AADSTS code as a terminal unknown_error naming the status and the error", () => {
        assert.deepEqual(diagnoseTokenError(W, 400, { error: "invalid_request" }), {
            code: "unknown_error",
            transient: false,
            message: `${W}: the token endpoint answered HTTP 400 with error invalid_request and no AADSTS code.`,
        });
    });

    it("says only the status when the token endpoint sent neither an error nor a body", () => {
        const expected = { code: "unknown_error", transient: false, message: `${W}: the token endpoint answered HTTP 400 and no AADSTS code.` };
        assert.deepEqual(diagnoseTokenError(W, 400, {}), expected);
        assert.deepEqual(diagnoseTokenError(W, 400, undefined), expected);
    });

    it("quotes only the tracing IDs the token endpoint actually sent", () => {
        assert.equal(diagnoseTokenError(W, 400, { correlation_id: "c-2" }).message, `${W}: the token endpoint answered HTTP 400 and no AADSTS code (correlation ID c-2).`);
        assert.equal(diagnoseTokenError(W, 400, { trace_id: "t-2" }).message, `${W}: the token endpoint answered HTTP 400 and no AADSTS code (trace ID t-2).`);
    });

    it("takes the first numeric entry of error_codes as the AADSTS number, skipping anything else", () => {
        const d = diagnoseTokenError(W, 400, { error_codes: ["x", 50126] });
        assert.equal(d.code, "invalid_credentials");
        assert.equal(d.aadsts, 50126);
    });

    it("retries an unlisted AADSTS number with HTTP 500 as service_unavailable and names the number", () => {
        assert.deepEqual(diagnoseTokenError(W, 500, { error_codes: [90033] }), {
            code: "service_unavailable",
            aadsts: 90033,
            transient: true,
            retryAfterMs: undefined,
            message: `${W}: the service answered HTTP 500 with AADSTS90033.`,
        });
    });

    it("treats an unlisted AADSTS number with HTTP 429 as throttled, quoting Retry-After in seconds", () => {
        assert.deepEqual(diagnoseTokenError(W, 429, { error_codes: [90033], trace_id: "t-3" }, 5000), {
            code: "throttled",
            aadsts: 90033,
            transient: true,
            retryAfterMs: 5000,
            message: `${W}: the request was throttled (HTTP 429, Retry-After 5 s) with AADSTS90033 (trace ID t-3).`,
        });
    });
});

describe("diagnosis messages for Microsoft Graph", () => {
    const G = "Presence read (Microsoft Graph)";

    it("says a presence 403 means the token lacks a presence permission, quoting the Graph error code", () => {
        assert.deepEqual(diagnoseGraphError(G, "presence", 403, "Forbidden"), {
            code: "presence_forbidden",
            transient: false,
            message: `${G}: Microsoft Graph refused to read presence (HTTP 403 Forbidden); the token lacks a presence permission the call needs.`,
        });
    });

    it("reports a user look-up 403 as the missing delegated permission User.ReadBasic.All, terminal", () => {
        assert.deepEqual(diagnoseGraphError(G, "userLookup", 403, undefined), {
            code: "consent_missing",
            transient: false,
            missingScopes: ["User.ReadBasic.All"],
            message: `${G}: Microsoft Graph refused to look up agents by sign-in name (HTTP 403); the delegated permission User.ReadBasic.All is missing.`,
        });
    });

    it("blames a Graph 401 on a Graph endpoint of another cloud, terminal", () => {
        assert.deepEqual(diagnoseGraphError(G, "presence", 401, "InvalidAuthenticationToken"), {
            code: "unknown_error",
            transient: false,
            message: `${G}: Microsoft Graph rejected the access token (HTTP 401 InvalidAuthenticationToken); the Graph endpoint probably belongs to another cloud than the authority host.`,
        });
    });

    it("reports any other Graph status, on either call, as unexpected and terminal", () => {
        for (const stage of ["presence", "userLookup"] as const) {
            assert.deepEqual(diagnoseGraphError(G, stage, 404, undefined), {
                code: "unknown_error",
                transient: false,
                message: `${G}: Microsoft Graph answered HTTP 404, which the verifier does not expect here.`,
            });
        }
    });

    it("retries a Graph HTTP 500 and a Graph 429, which without Retry-After says so by omission", () => {
        assert.deepEqual(diagnoseGraphError(G, "presence", 500, undefined), {
            code: "service_unavailable",
            transient: true,
            retryAfterMs: undefined,
            message: `${G}: the service answered HTTP 500.`,
        });
        assert.deepEqual(diagnoseGraphError(G, "presence", 429, undefined), {
            code: "throttled",
            transient: true,
            retryAfterMs: undefined,
            message: `${G}: the request was throttled (HTTP 429).`,
        });
    });
});

describe("diagnosis messages for redirects, timeouts and missing consent", () => {
    it("counts HTTP 300 as a redirect, which is never followed", () => {
        assert.equal(isRedirectStatus(300), true);
        assert.equal(isRedirectStatus(299), false);
    });

    it("says a redirect without a Location header is a redirect, and that nothing was sent on", () => {
        assert.equal(
            diagnoseRedirect(W, 302, null).message,
            `${W}: the endpoint answered HTTP 302 (a redirect); the verifier does not follow redirects, so nothing was sent there.`,
        );
    });

    it("reports no response before the deadline as a transient timeout", () => {
        assert.deepEqual(diagnoseNoResponse(W), { code: "timeout", transient: true, noResponse: true, message: `${W}: no response arrived before the timeout.` });
    });

    it("names one missing delegated permission in the singular and says when none was granted", () => {
        assert.deepEqual(diagnoseMissingScopes(["Presence.Read.All"], []), {
            code: "consent_missing",
            transient: false,
            missingScopes: ["Presence.Read.All"],
            message: "The access token lacks the delegated permission Presence.Read.All (granted: none).",
        });
    });

    it("lists several missing delegated permissions in the plural next to the granted ones", () => {
        assert.equal(
            diagnoseMissingScopes(["Presence.Read.All", "User.ReadBasic.All"], ["openid", "profile"]).message,
            "The access token lacks the delegated permissions Presence.Read.All, User.ReadBasic.All (granted: openid profile).",
        );
    });
});
