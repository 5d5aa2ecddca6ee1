// Recording stand-ins for az and pulumi, served from the test's own process. Each is a small bash script on PATH
// that hands its arguments to this server over loopback (bash's /dev/tcp, no process start per call) and prints
// the answer, so a bootstrap run costs no Node.js start per az call.
//
// Every call is recorded ({tool, args, stdout, exit, backend, at}) and answered:
//   - az keeps, like Azure, what a re-run must find again: federated credentials of managed identities and apps
//     (list with the script's query, create, update, delete) and app registrations by display name (list,
//     create). A query it does not know fails the call (exit 2), so a script that changes what it asks is noticed;
//   - otherwise the first rule whose regex matches "tool arg arg ..." answers;
//   - otherwise a call with --query prints one made-up GUID per queried field, derived from the call, so every ID
//     the script reads can be traced to the call that produced it.
import { createHash } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";

export interface Call { tool: string; args: string[]; stdout: string; exit: number; backend: string | null; at: bigint }
export interface Rule { match: string; stdout?: string; exit?: number }
export interface Credential { name: string; subject: string; issuer: string; audiences: string[] }
export interface AzureState { credentials: Record<string, Credential[]>; apps: Record<string, string> }

export const CREDENTIAL_QUERY = "[].[name, subject, issuer, join(',', audiences)]";

export function guid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class FakeCli {
    readonly calls: Call[] = [];
    state: AzureState = { credentials: {}, apps: {} };
    rules: Rule[] = [];

    private constructor(private readonly server: Server) {}

    static async start(): Promise<FakeCli> {
        const server = createServer();
        const fake = new FakeCli(server);
        server.on("connection", (socket) => fake.serve(socket));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return fake;
    }

    /** Writes the az and pulumi stand-ins into `bin`. */
    install(bin: string): void {
        const port = (this.server.address() as AddressInfo).port;
        for (const tool of ["az", "pulumi"]) {
            writeFileSync(join(bin, tool), [
                "#!/usr/bin/env bash",
                `# ${tool} stand-in: test/fleet/fakeCli.ts answers over loopback.`,
                `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 99`,
                `printf '%s\\0' ${tool} "\${PULUMI_BACKEND_URL:-}" "$#" "$@" >&3`,
                "IFS= read -r code <&3",
                "IFS= read -r err <&3",
                '[[ -z "$err" ]] || printf \'%s\\n\' "$err" >&2',
                "cat <&3",
                'exit "$code"',
                "",
            ].join("\n"));
            chmodSync(join(bin, tool), 0o755);
        }
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private serve(socket: Socket): void {
        let buffer = Buffer.alloc(0);
        socket.on("data", (chunk: Buffer) => {
            buffer = Buffer.concat([buffer, chunk]);
            const fields = buffer.toString("utf8").split("\0");
            if (fields.length < 4) return;
            const count = Number(fields[2]);
            if (fields.length < 3 + count + 1) return;
            const [tool, backend] = fields;
            const args = fields.slice(3, 3 + count);
            const answer = this.answer(tool, args);
            this.calls.push({ tool, args, stdout: answer.stdout, exit: answer.exit, backend: backend || null, at: process.hrtime.bigint() });
            socket.end(`${answer.exit}\n${(answer.stderr ?? "").replace(/\n/g, " ")}\n${answer.stdout === "" ? "" : `${answer.stdout}\n`}`);
        });
        socket.on("error", () => socket.destroy());
    }

    private answer(tool: string, args: string[]): { stdout: string; exit: number; stderr?: string } {
        const line = [tool, ...args].join(" ");
        const stateful = tool === "az" ? this.azure(args, line) : undefined;
        if (stateful) return stateful;
        const rule = this.rules.find((r) => new RegExp(r.match).test(line));
        if (rule) return { stdout: rule.stdout ?? "", exit: rule.exit ?? 0 };
        if (args.includes("--query")) {
            const query = args[args.indexOf("--query") + 1];
            const fields = query.startsWith("[") && query.includes(",") ? query.split(",").length : 1;
            return { stdout: Array.from({ length: fields }, (_, i) => guid(`${line}#${i}`)).join("\t"), exit: 0 };
        }
        return { stdout: "", exit: 0 };
    }

    /** The calls Azure keeps state for; undefined for the rules to answer. */
    private azure(args: string[], line: string): { stdout: string; exit: number; stderr?: string } | undefined {
        const flag = (name: string) => {
            const i = args.indexOf(name);
            return i >= 0 ? args[i + 1] : undefined;
        };
        const mi = /^identity federated-credential (list|create|update|delete)$/.exec(args.slice(0, 3).join(" "));
        const app = /^ad app federated-credential (list|create|update|delete)$/.exec(args.slice(0, 4).join(" "));
        if (mi || app) {
            const owner = mi ? `identity ${flag("--identity-name")}` : `app ${flag("--id")}`;
            const creds = (this.state.credentials[owner] ??= []);
            const action = (mi ?? app as RegExpExecArray)[1];
            if (action === "list") {
                if (flag("--query") !== CREDENTIAL_QUERY) return { exit: 2, stdout: "", stderr: `fake az: unknown --query ${flag("--query")}` };
                return { exit: 0, stdout: creds.map((c) => [c.name, c.subject, c.issuer, c.audiences.join(",")].join("\t")).join("\n") };
            }
            const given: Partial<Credential> = mi
                ? { name: flag("--name"), subject: flag("--subject"), issuer: flag("--issuer"), audiences: [flag("--audiences") as string] }
                : action === "delete" ? {} : JSON.parse(flag("--parameters") as string) as Credential;
            const name = mi || action === "create" ? given.name : flag("--federated-credential-id");
            const at = creds.findIndex((c) => c.name === name);
            if (action === "create") {
                // Graph refuses a second credential of one name on an app; ARM's create is a PUT that replaces.
                if (at >= 0 && app) return { exit: 1, stdout: "", stderr: `FederatedIdentityCredential with name ${name} already exists.` };
                if (at >= 0) creds.splice(at, 1);
                creds.push({ name: name as string, subject: given.subject as string, issuer: given.issuer as string, audiences: given.audiences as string[] });
            } else if (at < 0) {
                return { exit: 3, stdout: "", stderr: `fake az: no federated credential ${name} on ${owner}` };
            } else if (action === "update") {
                creds[at] = { name: name as string, subject: given.subject as string, issuer: given.issuer as string, audiences: given.audiences as string[] };
            } else {
                creds.splice(at, 1);
            }
            return { exit: 0, stdout: "" };
        }
        if (/^ad app list /.test(args.join(" "))) return { exit: 0, stdout: this.state.apps[flag("--display-name") as string] ?? "" };
        if (/^ad app create /.test(args.join(" "))) {
            this.state.apps[flag("--display-name") as string] = guid(line);
            return { exit: 0, stdout: this.state.apps[flag("--display-name") as string] };
        }
        return undefined;
    }
}
