// Failure scenarios the offline demo can run: each makes the emulated tenant fail the way a real one does,
// so the verification's diagnosis and remedy can be seen without an Azure account.
import type { Emulator } from "../emulator/index";
import { firstDeploymentDate, walkThroughConnectorNotSwitched, type WalkthroughContext } from "./connectorNotSwitched";

export interface ScenarioContext {
    emulator: Emulator;
    /** The service user's sign-in name. */
    serviceUserPrincipalName: string;
}

export interface Scenario {
    description: string;
    /** Verification code the scenario ends with. */
    expectedCode: string;
    /** Applied before the stack program runs. */
    before?: (ctx: ScenarioContext) => void;
    /** Applied after each resource is created; may change the tenant behind the program's back. */
    afterCreate?: (ctx: ScenarioContext, type: string, state: Record<string, unknown>) => Promise<void> | void;
    /** The date the demo's `pulumi up` runs at, given the requested one (`--now` or the clock). */
    programNow?: (requested: Date) => Date;
    /** Goes on after the handoff is printed (a later `pulumi up`, the connector's sign-ins). */
    afterHandoff?: (ctx: WalkthroughContext) => Promise<unknown>;
}

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
    "mfa-required": {
        description: "a Conditional Access policy (or security defaults) demands MFA from the service user",
        expectedCode: "mfa_required",
        before: ({ emulator, serviceUserPrincipalName }) => { emulator.faults.mfaRequired.add(serviceUserPrincipalName); },
    },
    "slow-replication": {
        description: "Entra ID takes 4 seconds to replicate every new object, secret and grant",
        expectedCode: "ok",
        before: ({ emulator }) => { emulator.faults.replicationDelayMs = 4_000; },
    },
    "consent-revoked": {
        description: "an administrator revokes the admin consent right after it was granted",
        expectedCode: "consent_missing",
        afterCreate: ({ emulator }, type) => {
            if (!type.endsWith(":ServicePrincipalDelegatedPermissionGrant")) return;
            for (const grant of emulator.directory.delegatedGrants()) emulator.directory.revokeDelegated(grant.id);
        },
    },
    "expired-password": {
        description: "the service user's password has expired (a tenant password policy without DisablePasswordExpiration)",
        expectedCode: "password_expired",
        before: ({ emulator, serviceUserPrincipalName }) => { emulator.faults.passwordExpired.add(serviceUserPrincipalName); },
    },
    "conditional-access-block": {
        description: "a Conditional Access policy blocks the service user's sign-in",
        expectedCode: "blocked_by_conditional_access",
        before: ({ emulator, serviceUserPrincipalName }) => { emulator.faults.conditionalAccessBlocked.add(serviceUserPrincipalName); },
    },
    "service-user-unlicensed": {
        description: "the service user has no Teams licence (as the seed guide leaves it), and Microsoft Graph answers HTTP 404 for its presence; the connector does not need one, so the verification succeeds with a note",
        expectedCode: "ok",
        before: ({ emulator, serviceUserPrincipalName }) => {
            emulator.faults.withoutTeams.add(serviceUserPrincipalName);
            emulator.faults.withoutTeamsPresence = "NotFound";
        },
    },
    "connector-not-switched": {
        description: "a rotation where the jtel connector keeps the old client secret: the credential activity report shows it before the old secret expires, `npm run status` warns, and the remedy is shown",
        expectedCode: "ok",
        programNow: firstDeploymentDate,
        afterHandoff: walkThroughConnectorNotSwitched,
    },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
