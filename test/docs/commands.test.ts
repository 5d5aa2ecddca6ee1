// Every command README.md and docs/*.md show works as written. Each `sh` block either says on its first line what it
// needs (`# needs: … (not run by the doc test)`: a real tenant, the Pulumi CLI, GitHub, the npm registry) or runs
// here: a document's offline blocks run in order in one bash session (`set -eo pipefail`, so a later block may use
// a file or variable an earlier one made), from the root of a scratch copy of the repository (the working tree's
// files, node_modules linked, a git repository whose main and origin/main are that tree, as a clone would be),
// with a time limit per block. The documents run side by side: most of their time is waiting for the emulator,
// the demo's replication and the benchmark. Nothing leaves loopback: a network namespace with only loopback where
// the kernel allows one, every Node process preloaded with test/support/loopbackOnly.cjs (any other host throws),
// and the proxies of curl and the like pointed at a closed loopback port. HOME and TMPDIR are the scratch's own,
// so the handoff files the blocks write (0600) go with it.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { codeBlocks, documentedBlocks, documents, needsOf, PLACEHOLDER, type CodeBlock } from "./shellBlocks";

const ROOT = join(__dirname, "..", "..");
const GUARD = join(ROOT, "test", "support", "loopbackOnly.cjs");
/** A closed port on loopback: a proxied request fails there instead of leaving the machine. */
const CLOSED_PROXY = "http://127.0.0.1:9";
/** Per block: the longest (the README's demo and emulator) take 10-20 s alone, several times that on a loaded machine. */
const BLOCK_SECONDS = 150;

/** What a marker may name: something this machine does not have or must not do in a test. */
const KNOWN_NEEDS = /\b(tenant|Azure|Pulumi CLI|GitHub|npm registry|az and gh|state|quiet machine|minutes|an hour)\b/;

interface Session { file: string; blocks: CodeBlock[]; code: number | null; output: string; timedOut?: CodeBlock; leftRunning: boolean; seconds: number }

/** How blocks are kept off the network here: `unshare -n` (root) or `-rn` (a user namespace) with loopback up. */
function isolation(): string[] {
    for (const prefix of [["unshare", "-n"], ["unshare", "-rn"]]) {
        if (spawnSync(prefix[0], [...prefix.slice(1), "ip", "link", "set", "lo", "up"]).status === 0) return prefix;
    }
    return [];
}

/** The working tree's files (tracked and new, not ignored) copied into `dir`, node_modules linked, committed as main. */
function scratchCopy(dir: string): void {
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(listed.status, 0, listed.stderr);
    for (const file of listed.stdout.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)))) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        copyFileSync(join(ROOT, file), join(dir, file));
    }
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const git = (...args: string[]) => {
        const run = spawnSync("git", ["-c", "user.name=doc test", "-c", "user.email=doc-test@localhost", "-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8" });
        assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
    };
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "the working tree, for the doc test");
    git("update-ref", "refs/remotes/origin/main", "HEAD");
}

/** One document's offline blocks as one bash script; each block announces itself on stderr first. */
function script(blocks: readonly CodeBlock[]): string {
    const parts = ["set -eo pipefail"];
    blocks.forEach((block, i) => parts.push(`printf '\\n@@block %d\\n' ${i} >&2`, block.text));
    parts.push("printf '\\n@@done\\n' >&2");
    return `${parts.join("\n")}\n`;
}

/** Runs one document's blocks in its own scratch copy; kills the session when a block overruns its limit. */
function runSession(file: string, blocks: CodeBlock[], base: string, prefix: readonly string[]): Promise<Session> {
    const dir = mkdtempSync(join(base, "doc-"));
    const repo = join(dir, "repo");
    for (const sub of ["home", "tmp"]) mkdirSync(join(dir, sub));
    scratchCopy(repo);
    const scriptFile = join(dir, "blocks.sh");
    writeFileSync(scriptFile, script(blocks));
    const inner = prefix.length > 0 ? ["bash", "-c", 'ip link set lo up && exec bash "$0"', scriptFile] : ["bash", scriptFile];
    const command = [...prefix, ...inner];
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command[0], command.slice(1), {
            cwd: repo, detached: true, stdio: ["ignore", "pipe", "pipe"],
            env: {
                PATH: process.env.PATH, LANG: "C.UTF-8", HOME: join(dir, "home"), TMPDIR: join(dir, "tmp"), TERM: "dumb", NO_COLOR: "1",
                NODE_OPTIONS: `--require ${GUARD}`, npm_config_update_notifier: "false", npm_config_fund: "false",
                HTTPS_PROXY: CLOSED_PROXY, HTTP_PROXY: CLOSED_PROXY, https_proxy: CLOSED_PROXY, http_proxy: CLOSED_PROXY,
                ALL_PROXY: CLOSED_PROXY, NO_PROXY: "127.0.0.1,localhost,::1", no_proxy: "127.0.0.1,localhost,::1",
            },
        });
        const session: Session = { file, blocks, code: null, output: "", leftRunning: false, seconds: 0 };
        let current = -1;
        let timer: NodeJS.Timeout | undefined;
        const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
                session.timedOut = blocks[Math.max(current, 0)];
                process.kill(-child.pid!, "SIGKILL");
            }, BLOCK_SECONDS * 1000);
        };
        arm();
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => { session.output += chunk; });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
            session.output += chunk;
            for (const match of chunk.matchAll(/@@block (\d+)/g)) { current = Number(match[1]); arm(); }
        });
        child.once("error", reject);
        // The shell's exit, not the pipes' close: a server a block left running would hold the pipes open.
        const exited = new Promise<void>((done) => child.once("exit", async (code) => {
            clearTimeout(timer);
            session.code = code;
            session.seconds = (Date.now() - started) / 1000;
            // A block that starts a server must stop it: whatever is left of the session's process group a few
            // seconds after the shell (an emulator notices that npm is gone within a quarter second) is a leak.
            session.leftRunning = await groupOutlives(child.pid!, 5000);
            if (session.leftRunning) process.kill(-child.pid!, "SIGKILL");
            done();
        }));
        child.once("close", async () => {
            await exited;
            rmSync(dir, { recursive: true, force: true });
            resolve(session);
        });
    });
}

/** Whether any process of the group is still alive after `ms`. */
async function groupOutlives(pgid: number, ms: number): Promise<boolean> {
    const alive = () => {
        try {
            process.kill(-pgid, 0);
            return true;
        } catch {
            return false;
        }
    };
    for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if (!alive()) return false;
    return alive();
}

/** The block a failed session stopped in: the last one that announced itself. */
function failedBlock(session: Session): CodeBlock | undefined {
    const announced = [...session.output.matchAll(/@@block (\d+)/g)].map((m) => Number(m[1]));
    return session.blocks[announced.at(-1) ?? 0];
}

const blocks = documentedBlocks(ROOT);
const shell = blocks.filter((b) => b.lang === "sh");
const offline = shell.filter((b) => needsOf(b) === undefined);

describe("the commands README.md and docs/*.md show", () => {
    it("are in fences that name their language, and every shell block is an `sh` block", () => {
        const unnamed = blocks.filter((b) => b.lang === "").map((b) => `${b.file}:${b.line}`);
        assert.deepEqual(unnamed, [], "name the language of these fences (sh for shell commands, text for output)");
        const otherShells = blocks.filter((b) => /^(bash|shell|console|zsh|shell-session)$/.test(b.lang)).map((b) => `${b.file}:${b.line} (${b.lang})`);
        assert.deepEqual(otherShells, [], "write shell commands as `sh` blocks, which the doc test runs");
    });

    it("either run offline or say on their first line what they need, naming something this machine lacks", () => {
        assert.ok(shell.length >= 20 && offline.length >= 10, `only ${shell.length} shell blocks, ${offline.length} offline`);
        const vague = shell.filter((b) => needsOf(b) !== undefined && !KNOWN_NEEDS.test(needsOf(b)!)).map((b) => `${b.file}:${b.line}: ${needsOf(b)}`);
        assert.deepEqual(vague, []);
        const misspelt = offline.filter((b) => /^#\s*needs\b/i.test(b.text)).map((b) => `${b.file}:${b.line}: ${b.text.split("\n")[0]}`);
        assert.deepEqual(misspelt, [], "the marker is `# needs: WHAT (not run by the doc test)` on the block's first line");
    });

    it("leave placeholders such as <customer-tenant-id> to blocks that do not run", () => {
        const filled = offline.filter((b) => PLACEHOLDER.test(b.text)).map((b) => `${b.file}:${b.line}: ${PLACEHOLDER.exec(b.text)?.[0]}`);
        assert.deepEqual(filled, [], "an offline block runs as written: give it real values, or mark what it needs");
    });

    it("show code excerpts that are verbatim parts of the file they name", () => {
        const excerpts = blocks.filter((b) => /^\/\/ from (\S+)$/.test(b.text.split("\n")[0]));
        assert.ok(excerpts.length > 0, "the MSAL excerpt names its file");
        for (const excerpt of excerpts) {
            const source = /^\/\/ from (\S+)$/.exec(excerpt.text.split("\n")[0])![1];
            const body = excerpt.text.split("\n").slice(1).join("\n");
            assert.ok(readFileSync(join(ROOT, source), "utf8").includes(body), `${excerpt.file}:${excerpt.line} is not a verbatim excerpt of ${source}`);
        }
    });

    it("run with a preload that refuses every host but loopback, before a connection is attempted", () => {
        // Documentation addresses (RFC 5737, RFC 3849): were the preload broken, the process exits before the
        // connection that net starts on the next tick, so nothing is sent even then.
        const probe = `
            const net = require("node:net");
            const http = require("node:http");
            const results = {};
            const attempt = (name, open) => { try { const s = open(); s.on("error", () => {}); s.destroy(); results[name] = "allowed"; } catch { results[name] = "refused"; } };
            for (const [host, port] of [["192.0.2.1", 443], ["2001:db8::1", 443], ["127.0.0.1", 9], ["127.1.2.3", 9], ["::1", 9], ["localhost", 9]]) {
                attempt(host, () => new net.Socket().connect(port, host));
            }
            attempt("options 192.0.2.1", () => net.connect({ host: "192.0.2.1", port: 443 }));
            attempt("http 192.0.2.1", () => http.request({ host: "192.0.2.1", port: 80 }));
            process.stdout.write(JSON.stringify(results));
            process.exit(0);`;
        const run = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${GUARD}` } });
        const results = JSON.parse(run.stdout) as Record<string, string>;
        assert.deepEqual(results, {
            "192.0.2.1": "refused", "2001:db8::1": "refused", "127.0.0.1": "allowed", "127.1.2.3": "allowed", "::1": "allowed", localhost: "allowed",
            "options 192.0.2.1": "refused", "http 192.0.2.1": "refused",
        });
        assert.match(run.stderr, /doc test: a connection to 192\.0\.2\.1:443 was refused: a command the docs run offline must stay on loopback/);
    });

    describe("run offline, as written, in a scratch copy of the repository", function () {
        const byDoc = documents(ROOT).map(({ file, markdown }) => ({ file, blocks: codeBlocks(file, markdown).filter((b) => b.lang === "sh" && needsOf(b) === undefined) }))
            .filter((d) => d.blocks.length > 0);
        this.timeout(1000 * BLOCK_SECONDS * Math.max(...byDoc.map((d) => d.blocks.length)) + 60_000);
        const sessions = new Map<string, Promise<Session>>();
        let base: string;

        before(function () {
            const prefix = isolation();
            if (prefix.length === 0) console.log("    (no network namespace here: loopback is kept by the Node preload and closed proxies alone)");
            base = mkdtempSync(join(tmpdir(), "doc-test-"));
            for (const doc of byDoc) sessions.set(doc.file, runSession(doc.file, doc.blocks, base, prefix));
        });

        after(async () => {
            await Promise.allSettled(sessions.values());
            rmSync(base, { recursive: true, force: true });
        });

        for (const doc of byDoc) {
            const one = doc.blocks.length === 1;
            it(`${doc.file}: its ${one ? "offline block (line" : `${doc.blocks.length} offline blocks (lines`} ${doc.blocks.map((b) => b.line).join(", ")}) ${one ? "succeeds and stops what it starts" : "succeed and stop what they start"}`, async () => {
                const session = await sessions.get(doc.file)!;
                const tail = session.output.split("\n").slice(-60).join("\n");
                assert.equal(session.timedOut, undefined, `${doc.file}:${session.timedOut?.line} still ran after ${BLOCK_SECONDS} s:\n${session.timedOut?.text}\n--- output\n${tail}`);
                const stopped = failedBlock(session);
                const leak = session.leftRunning ? " (and left a process running)" : "";
                assert.equal(session.code, 0, `${doc.file}:${stopped?.line} failed (exit ${session.code})${leak}:\n${stopped?.text}\n--- output\n${tail}`);
                assert.match(session.output, /@@done/);
                assert.equal(session.leftRunning, false, `${doc.file}: a block left a process running (${session.seconds.toFixed(0)} s); stop what a block starts`);
            });
        }
    });
});
