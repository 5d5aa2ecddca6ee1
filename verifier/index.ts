// The post-deploy verifier: signs in exactly as the jtel connector does and reads presence.
export { verifyPresenceAccess, describeAgents, JUST_PROVISIONED } from "./verify";
export { REPLICATION_WINDOW_MS, type ChangedAt } from "./retry";
export type { VerifyOptions, VerificationReport, VerificationAttempts } from "./report";
export type { AgentSummary } from "./roster";
export { cloudEndpoints, CLOUD_NAMES, CLOUDS, PRESENCE_CLOUD_NAMES, type Cloud, type CloudName, type CloudEndpoints } from "./clouds";
export { checkEndpoint, ENDPOINT_RULE, EndpointError, endpointProblem, isLoopbackHost, resolveEndpoints, type EndpointChoice, type EndpointNames } from "./endpoints";
export { DIAGNOSIS_CODES, REMEDIES, AADSTS_TABLE, remedyFor, type DiagnosisCode } from "./diagnosis";
export { redact } from "./redact";
export type { Handoff } from "../handoff/types";
