// Runs .github/scripts/bootstrap-tenant.sh for real: with the REAL gh against the fake GitHub API on loopback
// (test/support/fakeGitHub.ts) and recording fakes of az and pulumi (fakeCli.ts; az keeps federated credentials
// and app registrations, so a re-run finds what the first run made). The script is copied into a throw-away
// repository folder, so its Pulumi.<stack>.yaml and `cd` to the repository root stay there.
// Used by bootstrap.test.ts (the isolation proof and the onboarding scenarios) and bootstrapAz.test.ts (every
// recorded az call through the Azure CLI's own parser).
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scriptDir } from "../gitops/workflowModel";
import { FakeGitHub, type FakeScenario } from "../support/fakeGitHub";
import { type AzureState, type Call, FakeCli, type Rule } from "./fakeCli";

export type { Call, Rule } from "./fakeCli";

export const SCRIPT = join(scriptDir, "bootstrap-tenant.sh");
export const STATE_TENANT = "11111111-2222-4333-8444-555555555555";
export const STATE_SUBSCRIPTION = "aaaaaaaa-0000-4000-8000-000000000001";
export const TENANTS: Record<string, string> = { contoso: "0f1e2d3c-4b5a-4697-8a9b-acbdcedff001", fabrikam: "8a7b6c5d-4e3f-4a21-9b0c-d1e2f3a4b5c6" };
export const ACCOUNT_ID = `/subscriptions/${STATE_SUBSCRIPTION}/resourceGroups/jtel-state/providers/Microsoft.Storage/storageAccounts/jtelstate`;
export const VAULT_ID = `/subscriptions/${STATE_SUBSCRIPTION}/resourceGroups/jtel-state/providers/Microsoft.KeyVault/vaults/jtel-state-kv`;
export const REVIEWERS_TEAM = { slug: "presence-reviewers", id: 4242 };

export interface Run { calls: Call[]; stdout: string; stderr: string; status: number | null }

/** The organization jtel with the fleet repository; override what a scenario changes. */
export function scenario(overrides: Partial<FakeScenario> = {}): FakeScenario {
    return {
        owner: { login: "jtel", id: 5_510_001, type: "Organization" },
        repo: { name: "jtel-teams-presence", id: 912_345_678, visibility: "private" },
        plan: "team",
        planVisible: false,
        immutableSubjects: true,
        oidc: { use_default: false, include_claim_keys: ["repo", "context", "event_name"] },
        protectedBranches: ["main"],
        teams: { [REVIEWERS_TEAM.slug]: REVIEWERS_TEAM.id },
        ...overrides,
    };
}

function baseRules(tenant: string): Rule[] {
    return [
        { match: "^az version", stdout: "2.45.0" },
        { match: "^az keyvault key create --help", stdout: "" },
        { match: "^az account show", stdout: tenant },
        { match: "^az storage account show", stdout: ACCOUNT_ID },
        { match: "^az keyvault show", stdout: VAULT_ID },
        { match: "^az keyvault key show", exit: 3 },
        { match: "^az ad sp show --id \\S+$", exit: 3 },
        { match: "length\\(value", stdout: "0" },
        { match: "^pulumi stack select", exit: 255 },
    ];
}

export class BootstrapBench {
    /** Every az and pulumi call of every bench in this process (bootstrapAz.test.ts parses them with az). */
    static readonly recorded: Call[] = [];

    private constructor(readonly github: FakeGitHub, readonly cli: FakeCli, readonly dir: string, readonly script: string) {}

    /** Every az and pulumi call of every run, in order. */
    get calls(): Call[] {
        return this.cli.calls;
    }

    /** A fake GitHub for the scenario and a repository folder holding the script (or a mutant of it). */
    static async create(fake: FakeScenario, scriptText = readFileSync(SCRIPT, "utf8")): Promise<BootstrapBench> {
        // These tests drive the real gh; .ci/run installs Debian's, so a missing gh fails them (never a skip).
        if (spawnSync("gh", ["--version"]).status !== 0) throw new Error("gh is missing: .ci/run installs it (apt-get install gh); the bootstrap's tests drive the real gh");
        const github = await FakeGitHub.start(fake);
        const cli = await FakeCli.start();
        const dir = mkdtempSync(join(tmpdir(), "bootstrap-"));
        mkdirSync(join(dir, ".github", "scripts"), { recursive: true });
        mkdirSync(join(dir, "bin"));
        const script = join(dir, ".github", "scripts", "bootstrap-tenant.sh");
        writeFileSync(script, scriptText);
        cli.install(join(dir, "bin"));
        return new BootstrapBench(github, cli, dir, script);
    }

    /** Replaces a tool on PATH with a shell script (e.g. an old gh). */
    shadow(tool: string, body: string): void {
        writeFileSync(join(this.dir, "bin", tool), `#!/bin/sh\n${body}\n`);
        chmodSync(join(this.dir, "bin", tool), 0o755);
    }

    /** Puts the real tool back (removes a shadow). */
    unshadow(tool: string): void {
        rmSync(join(this.dir, "bin", tool), { force: true });
    }

    writeStackFile(stack: string, text: string): void {
        writeFileSync(join(this.dir, `Pulumi.${stack}.yaml`), text);
    }

    /** What the fake az keeps: federated credentials by "identity NAME" / "app APPID", app IDs by display name. */
    azState(): AzureState {
        return structuredClone(this.cli.state);
    }

    /** Changes what the fake az keeps, as someone else's change in Azure would. */
    writeAzState(state: AzureState): void {
        this.cli.state = structuredClone(state);
    }

    /** One phase, signed in (az) to `tenant`. `env` adds or (undefined) removes variables. */
    async run(args: string[], tenant: string, options: { env?: Record<string, string | undefined>; rules?: Rule[]; cwd?: string } = {}): Promise<Run> {
        this.cli.rules = [...(options.rules ?? []), ...baseRules(tenant)];
        const first = this.cli.calls.length;
        const env: Record<string, string> = {
            PATH: `${join(this.dir, "bin")}:${process.env.PATH}`, HOME: this.dir, TMPDIR: tmpdir(), LANG: "C.UTF-8",
            STATE_SUBSCRIPTION_ID: STATE_SUBSCRIPTION, STATE_TENANT_ID: STATE_TENANT, STATE_RESOURCE_GROUP: "jtel-state",
            STATE_STORAGE_ACCOUNT: "jtelstate", STATE_KEY_VAULT: "jtel-state-kv", STATE_LOCATION: "westeurope", PREVIEW_REVIEWERS_TEAM: REVIEWERS_TEAM.slug,
            ...this.github.env({ repo: this.github.fullName }),
        };
        for (const [key, value] of Object.entries(options.env ?? {})) {
            if (value === undefined) delete env[key];
            else env[key] = value;
        }
        const child = spawn("bash", [this.script, ...args], { env, cwd: options.cwd ?? this.dir, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        const calls = this.cli.calls.slice(first);
        BootstrapBench.recorded.push(...calls);
        return { calls, stdout, stderr, status };
    }

    /**
     * The phases for one stack, in the order the script prints them (all three unless `through` stops earlier),
     * each fed what the one before printed; each must succeed.
     */
    async bootstrap(stack: string, options: { jtelArgs?: string[]; rules?: Rule[]; through?: "jtel" | "customer" | "link" } = {}): Promise<{ jtel: Run; customer?: Run; link?: Run }> {
        const tenant = TENANTS[stack];
        const jtel = await this.run(["jtel", "--stack", stack, "--tenant-id", tenant, ...(options.jtelArgs ?? [])], STATE_TENANT, { rules: options.rules });
        if (jtel.status !== 0) throw new Error(`jtel phase failed (${jtel.status}):\n${jtel.stderr}`);
        if (options.through === "jtel") return { jtel };
        const customerCommand = /bash bootstrap-tenant\.sh (customer .*)/.exec(jtel.stdout)?.[1].split(" ");
        if (!customerCommand) throw new Error(`the jtel phase printed no customer command:\n${jtel.stdout}`);
        const customer = await this.run(customerCommand, tenant, { rules: options.rules });
        if (customer.status !== 0) throw new Error(`customer phase failed (${customer.status}):\n${customer.stderr}`);
        if (options.through === "customer") return { jtel, customer };
        const deployer = /--deployer-client-id (\S+)/.exec(customer.stdout)?.[1];
        const reader = /--reader-client-id (\S+)/.exec(customer.stdout)?.[1];
        if (!deployer || !reader) throw new Error(`the customer phase printed no client IDs:\n${customer.stdout}`);
        const link = await this.run(["link", "--stack", stack, "--deployer-client-id", deployer, "--reader-client-id", reader], STATE_TENANT, { rules: options.rules });
        if (link.status !== 0) throw new Error(`link phase failed (${link.status}):\n${link.stderr}`);
        return { jtel, customer, link };
    }

    async dispose(): Promise<void> {
        await this.github.stop();
        await this.cli.stop();
        rmSync(this.dir, { recursive: true, force: true });
    }
}
