// `npm run emulator`: a local tenant with a working presence setup, for demos, for trying the verifier
// offline and for pointing any MSAL-based client at. HTTPS by default, with a CA made at start whose file
// is printed (clients trust it with NODE_EXTRA_CA_CERTS or curl --cacert). The handoff (secret and
// password included) goes to a 0600 file, never to the terminal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags, UsageError } from "./flags";
import { GRAPH_DELEGATED_SCOPES, startEmulator, type Availability, type EmulatorOptions, type Faults } from "../emulator/index";

export const USAGE = `Usage: npm run emulator -- [options]

  --port N                    port on 127.0.0.1 (default: a free one)
  --http                      serve plain http instead of https (no CA file)
  --json                      print one JSON line {"url","caFile","tenantId","handoffFile","verifyCommand"} and nothing else
  --tenant-id GUID            directory (tenant) ID to play
  --domain NAME               verified domain for sign-in names (default contoso.example)
  --scopes LIST               delegated Graph scopes to consent (default User.Read,Presence.Read.All)
  --replication-delay-ms N    new objects stay invisible this long, the seeded setup included
  --mfa                       the service user needs MFA (AADSTS50076)
  --mfa-registration          the service user must register for MFA (AADSTS50079)
  --ca-block                  Conditional Access blocks the service user (AADSTS53003)
  --password-expired          the service user's password has expired (AADSTS50055)
  --service-user-without-teams ANSWER
                              the service user has no Teams licence; Graph answers its presence
                              with presence-unknown (PresenceUnknown) or not-found (HTTP 404)
  --lockout-threshold N       wrong passwords before smart lockout (default 10)
  --throttle-every N          every N-th Graph request gets 429
  --retry-after-seconds N     Retry-After sent with a 429 (default 1)
  --server-error-every N      every N-th request gets 503
  --latency-ms N              added latency per request
  --help                      show this help

Exit codes: 0 stopped by Ctrl+C or SIGTERM (or --help), 1 could not start, 2 bad usage.`;

/** A path as one shell word: as it is when it needs no quoting, single-quoted otherwise. */
function shellWord(path: string): string {
    return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

const AGENTS: { userPrincipalName: string; availability: Availability; activity: string }[] = [
    { userPrincipalName: "anna", availability: "Available", activity: "Available" },
    { userPrincipalName: "ben", availability: "Busy", activity: "InACall" },
    { userPrincipalName: "carla", availability: "Away", activity: "BeRightBack" },
];

export { UsageError };

const WITHOUT_TEAMS_ANSWERS: Readonly<Record<string, Faults["withoutTeamsPresence"]>> = {
    "presence-unknown": "PresenceUnknown",
    "not-found": "NotFound",
};

export interface EmulatorCliConfig {
    options: EmulatorOptions & { faults: Partial<Faults> };
    delegatedScopes?: string[];
    serviceUserFaults: ("mfaRequired" | "mfaRegistrationRequired" | "conditionalAccessBlocked" | "passwordExpired" | "withoutTeams")[];
    /** One JSON line on stdout instead of the human-readable summary. */
    json: boolean;
    help: boolean;
}

function whole(flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value.trim()) || Number(value) > max) {
        throw new UsageError(`${flag} "${value}" must be a whole number from 0 to ${max}`);
    }
    return Number(value);
}

const OPTIONS = {
    port: { type: "string" },
    http: { type: "boolean" },
    json: { type: "boolean" },
    "tenant-id": { type: "string" },
    domain: { type: "string" },
    scopes: { type: "string" },
    "replication-delay-ms": { type: "string" },
    mfa: { type: "boolean" },
    "mfa-registration": { type: "boolean" },
    "ca-block": { type: "boolean" },
    "password-expired": { type: "boolean" },
    "service-user-without-teams": { type: "string" },
    "lockout-threshold": { type: "string" },
    "throttle-every": { type: "string" },
    "retry-after-seconds": { type: "string" },
    "server-error-every": { type: "string" },
    "latency-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

export function parseEmulatorArgs(argv: string[]): EmulatorCliConfig {
    const values = parseFlags(argv, OPTIONS, `the options are ${Object.keys(OPTIONS).map((flag) => `--${flag}`).join(", ")}`);
    const tenantId = values["tenant-id"];
    if (tenantId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) {
        throw new UsageError(`--tenant-id "${tenantId}" must be a GUID such as 11111111-2222-3333-4444-555555555555`);
    }
    const domain = values.domain;
    if (domain !== undefined && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) {
        throw new UsageError(`--domain "${domain}" must be a domain name such as contoso.example`);
    }
    const faults: Partial<Faults> = {};
    const numeric: [keyof Faults, string][] = [
        ["replicationDelayMs", "replication-delay-ms"], ["lockoutThreshold", "lockout-threshold"], ["throttleEvery", "throttle-every"],
        ["retryAfterSeconds", "retry-after-seconds"], ["serverErrorEvery", "server-error-every"], ["latencyMs", "latency-ms"],
    ];
    const raw = values as Record<string, string | boolean | undefined>;
    for (const [key, flag] of numeric) {
        const n = whole(`--${flag}`, raw[flag] as string | undefined);
        if (n !== undefined) (faults as Record<string, number>)[key] = n;
    }
    if (faults.lockoutThreshold === 0) throw new UsageError("--lockout-threshold must be at least 1");
    const port = whole("--port", values.port, 65535);
    const serviceUserFaults: EmulatorCliConfig["serviceUserFaults"] = [];
    if (values.mfa) serviceUserFaults.push("mfaRequired");
    if (values["mfa-registration"]) serviceUserFaults.push("mfaRegistrationRequired");
    if (values["ca-block"]) serviceUserFaults.push("conditionalAccessBlocked");
    if (values["password-expired"]) serviceUserFaults.push("passwordExpired");
    const withoutTeams = values["service-user-without-teams"];
    if (withoutTeams !== undefined) {
        const answer = Object.hasOwn(WITHOUT_TEAMS_ANSWERS, withoutTeams) ? WITHOUT_TEAMS_ANSWERS[withoutTeams] : undefined;
        if (!answer) throw new UsageError(`--service-user-without-teams "${withoutTeams}" must be one of: ${Object.keys(WITHOUT_TEAMS_ANSWERS).join(", ")}`);
        faults.withoutTeamsPresence = answer;
        serviceUserFaults.push("withoutTeams");
    }
    const delegatedScopes = values.scopes?.split(",").map((s) => s.trim()).filter(Boolean);
    if (delegatedScopes !== undefined) {
        const known = GRAPH_DELEGATED_SCOPES.map((s) => s.value);
        const unknown = delegatedScopes.filter((s) => !known.includes(s));
        if (delegatedScopes.length === 0 || unknown.length > 0) {
            throw new UsageError(`--scopes "${values.scopes}" must list delegated Microsoft Graph permissions the emulator knows, comma-separated: ${known.join(", ")}`);
        }
    }
    return {
        options: {
            faults,
            https: !values.http,
            ...(port !== undefined ? { port } : {}),
            ...(tenantId !== undefined ? { tenantId } : {}),
            ...(domain !== undefined ? { domain } : {}),
        },
        ...(delegatedScopes ? { delegatedScopes } : {}),
        serviceUserFaults,
        json: values.json ?? false,
        help: values.help ?? false,
    };
}

async function main(): Promise<void> {
    let config: EmulatorCliConfig;
    try {
        config = parseEmulatorArgs(process.argv.slice(2));
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`${e.message}\nRun with --help for usage.\n`);
        process.exitCode = 2;
        return;
    }
    if (config.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }

    const emulator = await startEmulator(config.options);
    const domain = emulator.directory.domain;
    let seed;
    try {
        seed = emulator.directory.seedPresenceSetup({
            ...(config.delegatedScopes ? { delegatedScopes: config.delegatedScopes } : {}),
            agents: AGENTS.map((a) => ({ ...a, userPrincipalName: `${a.userPrincipalName}@${domain}` })),
        });
    } catch (e) {
        await emulator.close();
        process.stderr.write(`${(e as Error).message}\nRun with --help for usage.\n`);
        process.exitCode = 2;
        return;
    }
    for (const fault of config.serviceUserFaults) emulator.faults[fault].add(seed.serviceUserObjectId);

    // mkdtemp makes a 0700 directory; the file itself is 0600 because it holds the secret and password. Beside
    // the five values it says where they work (this emulator) and which CA to trust, so `npm run verify --handoff`
    // needs no more flags and never reaches for Microsoft's hosts.
    const dir = mkdtempSync(join(tmpdir(), "jtel-emulator-"));
    const handoffFile = join(dir, "handoff.json");
    const endpoints = { authorityHost: emulator.url, graphEndpoint: emulator.url, ...(emulator.caFile ? { caFile: emulator.caFile } : {}) };
    writeFileSync(handoffFile, `${JSON.stringify({ ...seed.handoff, ...endpoints }, null, 2)}\n`, { mode: 0o600 });

    // Ready to clean up before anything is printed: a script may stop the emulator as soon as it reads the line.
    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        rmSync(dir, { recursive: true, force: true });
        emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // `npm run` starts this under `sh -c`, and npm forwards SIGTERM to that shell only
    // (@npmcli/run-script lib/signal-manager.js), which dies without passing it on. Noticing the lost
    // parent is what lets `kill <npm's pid>` still clean up the handoff and CA files.
    const parent = process.ppid;
    setInterval(() => {
        if (process.ppid !== parent) stop();
    }, 250).unref();

    const agentUpns = AGENTS.map((a) => `${a.userPrincipalName}@${domain}`);
    const active = Object.entries(config.options.faults).map(([k, v]) => `${k}=${v}`).concat(config.serviceUserFaults);
    // The CA is set up front so verify need not restart itself to trust it.
    const trust = emulator.caFile ? `NODE_EXTRA_CA_CERTS=${shellWord(emulator.caFile)} ` : "";
    const verifyCommand = `${trust}npm run verify -- --handoff ${shellWord(handoffFile)} --agents ${seed.agentObjectIds.join(",")}`;
    if (config.json) {
        // Scripts read this one line to find the emulator: paths and IDs, never the secret or password.
        process.stdout.write(`${JSON.stringify({ url: emulator.url, caFile: emulator.caFile ?? null, tenantId: emulator.tenantId, handoffFile, verifyCommand })}\n`);
    } else process.stdout.write([
        `Entra ID + Microsoft Graph emulator listening on ${emulator.url}`,
        `  tenant ID:     ${emulator.tenantId}`,
        `  client ID:     ${seed.handoff.applicationClientId}`,
        `  service user:  ${seed.handoff.userEmail}`,
        "  agents:",
        ...AGENTS.map((a, i) => `    ${seed.agentObjectIds[i]}  ${agentUpns[i]}  ${a.availability}/${a.activity}`),
        `  faults:        ${active.length > 0 ? active.join(", ") : "none"}`,
        `  handoff file:  ${handoffFile} (mode 0600, holds the secret and password, deleted on exit)`,
        ...(emulator.caFile ? [
            `  CA file:       ${emulator.caFile} (trust it: NODE_EXTRA_CA_CERTS or curl --cacert; deleted on exit)`,
            `  authority:     ${emulator.url}/${emulator.tenantId} (MSAL: knownAuthorities ["${new URL(emulator.url).host}"])`,
        ] : []),
        "",
        "Verify against it (the handoff file names this emulator's endpoints and CA):",
        `  ${verifyCommand}`,
        // Object IDs work with the default consent; sign-in names need User.ReadBasic.All to be resolved.
        "  (agents by sign-in name need --scopes User.Read,Presence.Read.All,User.ReadBasic.All)",
        "",
        "Ctrl+C stops the emulator.",
        "",
    ].join("\n"));
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`emulator failed to start: ${(e as Error).message}\n`);
        process.exit(1);
    });
}
