// The Azure CLI's own argument parser, offline: az command lines run through azure.cli.core (azParse.py, one warm
// interpreter, a forked child per command) with no network and no sign-in, so each one either parses (it then
// stops at "Please run 'az login'", or for `az login` at the unreachable network) or fails with az's own usage
// error. Which az: the one on PATH, through the Python its launcher names (Debian: /usr/bin/az, #!/usr/bin/python3).
//
// No network: inside `unshare -n` (a network namespace with only a down loopback) where the kernel allows it
// (root here and in CI), else `unshare -rn` (an unprivileged user namespace), and in every case HTTP(S)_PROXY set
// to a closed loopback port, so even without a namespace a request can only fail on 127.0.0.1.
// No sign-in: AZURE_CONFIG_DIR is a fresh empty folder, removed afterwards.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AzResult { args: string[]; code: number; stdout: string; stderr: string }

/** The interpreter the `az` launcher on PATH runs, or undefined without az. */
export function azPython(): string | undefined {
    const which = spawnSync("bash", ["-c", "command -v az"], { encoding: "utf8" });
    if (which.status !== 0) return undefined;
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(which.stdout.trim(), "utf8").split("\n")[0])?.[1];
    return shebang && /python/.test(shebang) ? shebang : undefined;
}

/** How commands are kept off the network here: the unshare prefix that works, and its name. */
export function networkIsolation(): { prefix: string[]; how: string } {
    for (const prefix of [["unshare", "-n"], ["unshare", "-rn"]]) {
        if (spawnSync(prefix[0], [...prefix.slice(1), "true"]).status === 0) return { prefix, how: `${prefix.join(" ")} and proxies to a closed loopback port` };
    }
    return { prefix: [], how: "proxies to a closed loopback port (no network namespace allowed here)" };
}

/** Runs each argument list through az's parser and command code, offline and signed out. */
export async function runAzOffline(batch: string[][]): Promise<AzResult[]> {
    const python = azPython();
    if (!python) throw new Error("az is not installed: .ci/run installs Debian's azure-cli, the parser these checks need");
    const config = mkdtempSync(join(tmpdir(), "az-config-"));
    const closed = "http://127.0.0.1:9";
    try {
        const { prefix } = networkIsolation();
        const command = [...prefix, python, join(__dirname, "azParse.py")];
        const child = spawn(command[0], command.slice(1), {
            env: {
                PATH: process.env.PATH, HOME: config, AZURE_CONFIG_DIR: config, AZ_INSTALLER: "DEB", AZURE_CORE_COLLECT_TELEMETRY: "false",
                AZURE_CORE_NO_COLOR: "true", HTTPS_PROXY: closed, HTTP_PROXY: closed, https_proxy: closed, http_proxy: closed, NO_PROXY: "", LANG: "C.UTF-8",
            },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        child.stdin.end(JSON.stringify(batch));
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        if (status !== 0) throw new Error(`azParse.py failed (${status}): ${stderr}`);
        return JSON.parse(stdout) as AzResult[];
    } finally {
        rmSync(config, { recursive: true, force: true });
    }
}

export type Verdict = "parsed" | "cannot-load" | "parse-error";

/**
 * What az's answer says about the command line: parsed (it got past argparse and the validators and stopped at the
 * missing sign-in or network), cannot-load (Debian's 2.45 lacks the module the command's arguments come from:
 * azure.keyvault.v7_0, see test/fleet/bootstrapAz.test.ts), or a parse error.
 */
export function verdictOf(result: AzResult): Verdict {
    const err = result.stderr;
    if (result.code === 0) return "parsed";
    if (/Please run 'az login' to setup account/.test(err)) return "parsed";
    // `az account set` reads the (empty) local profile once its arguments parsed.
    if (result.args.slice(0, 2).join(" ") === "account set" && /The subscription of '.*' doesn't exist in cloud/.test(err)) return "parsed";
    if (result.args[0] === "login" && /(Max retries exceeded|Failed to establish a new connection|ProxyError|Network is unreachable|name resolution)/.test(err)) return "parsed";
    // Debian's 2.45 imports azure.keyvault.key_vault_id in the validators, which run after the arguments parsed.
    if (/No module named 'azure\.keyvault\.key_vault_id'/.test(err) && !/unrecognized arguments|the following arguments are required/.test(err)) return "parsed";
    if (/No module named 'azure\.keyvault\.v7_0'/.test(err)) return "cannot-load";
    return "parse-error";
}

// ---------------------------------------------------------------------------------------------------------
// az command lines as docs show them

/**
 * Every az invocation in a shell text (lines of a code block, or one inline command), as argument lists the shell
 * would pass: quotes removed, `\` line continuations joined, comments dropped, $VAR and <placeholder> replaced by
 * `sample(name)`, and each $(...) replaced by a sample value after its own az command is taken out.
 */
export function azCommandsIn(text: string, sample: (name: string) => string): string[][] {
    const found: string[][] = [];
    const joined = text.replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
        for (const words of commandsOf(line, sample, found)) if (words[0] === "az") found.push(words.slice(1));
    }
    return found;
}

/** The simple commands of one line (split at ;, &&, ||, |), each as words. Nested $(...) commands go to `found`. */
function commandsOf(line: string, sample: (name: string) => string, found: string[][]): string[][] {
    const commands: string[][] = [];
    let words: string[] = [];
    let word: string | undefined;
    let i = 0;
    const push = () => { if (word !== undefined) words.push(word); word = undefined; };
    const end = () => { push(); if (words.length > 0) commands.push(words); words = []; };
    const variable = (): string => {
        const m = /^\$(\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(line.slice(i));
        if (!m) { i += 1; return "$"; }
        i += m[0].length;
        return sample(m[2] ?? m[3]);
    };
    const substitution = (): string => {
        let depth = 0;
        let j = i + 2;
        for (; j < line.length; j++) {
            if (line[j] === "(") depth++;
            if (line[j] === ")") { if (depth === 0) break; depth--; }
        }
        const inner = line.slice(i + 2, j);
        i = j + 1;
        for (const c of commandsOf(inner, sample, found)) if (c[0] === "az") found.push(c.slice(1));
        return sample("substitution");
    };
    while (i < line.length) {
        const c = line[i];
        if (c === "#" && word === undefined) break;
        if (/\s/.test(c)) { push(); i++; continue; }
        if (c === ";" || c === "|" || (c === "&" && line[i + 1] === "&")) { end(); i += c === ";" ? 1 : line[i + 1] === c ? 2 : 1; continue; }
        if (c === "<" && /^<[A-Za-z][^>]*>/.test(line.slice(i))) {
            const m = /^<([^>]*)>/.exec(line.slice(i)) as RegExpExecArray;
            word = (word ?? "") + sample(`<${m[1]}>`);
            i += m[0].length;
            continue;
        }
        if (c === "'") { const j = line.indexOf("'", i + 1); word = (word ?? "") + line.slice(i + 1, j); i = j + 1; continue; }
        if (c === "\"") {
            word = word ?? "";
            i++;
            while (i < line.length && line[i] !== "\"") {
                if (line[i] === "\\" && /["\\$`]/.test(line[i + 1])) { word += line[i + 1]; i += 2; }
                else if (line[i] === "$" && line[i + 1] === "(") word += substitution();
                else if (line[i] === "$") word += variable();
                else { word += line[i]; i++; }
            }
            i++;
            continue;
        }
        if (c === "\\") { word = (word ?? "") + line[i + 1]; i += 2; continue; }
        if (c === "$" && line[i + 1] === "(") { word = (word ?? "") + substitution(); continue; }
        if (c === "$") { word = (word ?? "") + variable(); continue; }
        word = (word ?? "") + c;
        i++;
    }
    end();
    // Assignments before a command (x=$(az ...) was handled as a substitution) are not commands.
    return commands.map((words) => words.filter((w, k) => !(k === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)))).filter((w) => w.length > 0);
}

/** The az commands of a Markdown file: shell code blocks (``` sh, bash, shell or no language), and inline code that starts with `az `. */
export function azCommandsInMarkdown(markdown: string, sample: (name: string) => string): string[][] {
    const out: string[][] = [];
    let fence: string | undefined;
    let block: string[] = [];
    for (const line of markdown.split("\n")) {
        const opening = /^\s*```(\w*)\s*$/.exec(line);
        if (fence === undefined && opening) { fence = opening[1]; block = []; continue; }
        if (fence !== undefined && /^\s*```\s*$/.test(line)) {
            if (["", "sh", "bash", "shell"].includes(fence)) out.push(...azCommandsIn(block.join("\n"), sample));
            fence = undefined;
            continue;
        }
        if (fence !== undefined) { block.push(line); continue; }
        // Inline code with a flag is a command; a bare `az login` in prose only names the tool.
        for (const m of line.matchAll(/`(az [^`]+)`/g)) if (/\s-/.test(m[1])) out.push(...azCommandsIn(m[1], sample));
    }
    return out;
}
