// Test files that hold a credential (a handoff, a Secret Value, a password, a token) are created 0600, as the
// mission requires of every such file: each write in the test tree whose content names one passes
// `mode: 0o600` (which applies when the write creates the file, so such a file gets a name of its own).
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const TEST_ROOT = __dirname;

function testSources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? testSources(path) : /\.ts$/.test(name) ? [path] : [];
    });
}

/** The argument text of each call of a file-writing function, up to its closing parenthesis. */
function fileWrites(source: string): { line: number; args: string }[] {
    const writes: { line: number; args: string }[] = [];
    for (const match of source.matchAll(/\b(?:writeFileSync|writeFile|appendFileSync|appendFile)\(/g)) {
        let depth = 1;
        let i = match.index + match[0].length;
        for (; i < source.length && depth > 0; i++) {
            if (source[i] === "(") depth++;
            else if (source[i] === ")") depth--;
        }
        writes.push({ line: source.slice(0, match.index).split("\n").length, args: source.slice(match.index + match[0].length, i - 1) });
    }
    return writes;
}

/** Content that is a credential or carries one (whole words: `secretExpiresAt` or `passwordLength` are settings). */
const CREDENTIAL = /\b(?:secret|secretValue|secretText|clientSecret|client_secret|password|userPassword|handoff|access_?token|refresh_?token)\b/i;

function unprotected(source: string): number[] {
    return fileWrites(source).filter(({ args }) => CREDENTIAL.test(args) && !/\bmode:\s*0o600\b/.test(args)).map((w) => w.line);
}

describe("test files holding a credential", () => {
    it("are written with mode 0o600, in every test file", () => {
        const found = testSources(TEST_ROOT).filter((file) => file !== __filename).flatMap((file) =>
            unprotected(readFileSync(file, "utf8")).map((line) => `${relative(TEST_ROOT, file)}:${line}`));
        assert.deepEqual(found, []);
    });

    it("are found by the scan: a handoff or secret written without the mode, whatever the call spans", () => {
        const source = [
            "writeFileSync(file, JSON.stringify({ secretValue: SECRET }));",
            "await writeFile(path, JSON.stringify(seed.handoff), { mode: 0o600 });",
            "writeFileSync(join(dir, \"Pulumi.yaml\"), \"secretOverlapDays: 30\\n\");",
            "await writeFile(path,\n  JSON.stringify({ userPassword: pw }),\n  { encoding: \"utf8\" });",
        ].join("\n");
        assert.deepEqual(unprotected(source), [1, 4]);
    });
});
