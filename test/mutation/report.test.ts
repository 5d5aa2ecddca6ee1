// Keeps the committed mutation-testing result honest (docs/development.md, "Mutation testing"): every mutant the
// last `npm run mutation` left alive is listed in mutation/survivors.md, either as an accepted equivalent with
// its reason or as not yet killed with the rule a test should state; the file holds no row for a mutant that no
// longer survives; and README's score and count of mutants not yet killed are the committed report's.
// (Not in mutation/stryker.config.mjs's test list: Stryker's sandbox leaves the report out.)
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

interface Position { line: number; column: number }
interface Mutant { mutatorName: string; replacement?: string; status: string; location: { start: Position; end: Position } }
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }

/** Code as the table writes it: whitespace runs as one space, long code cut to 77 characters and "…". */
function tableCode(code: string): string {
    const flat = code.replace(/\s+/g, " ").trim();
    return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

/** The source a mutant replaces (Stryker's locations: lines and columns from 1, end exclusive). */
function original(source: string, { start, end }: Mutant["location"]): string {
    const lines = source.split("\n");
    if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
    return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join("\n");
}

interface Row { file: string; mutator: string; code: string; mutated: string; why: string }

/** One table of mutation/survivors.md: `| file | mutator | `code` | `mutated to` | why |`, `\|` for a pipe inside a cell. */
function tableRows(markdown: string): Row[] {
    return markdown.split("\n")
        .filter((line) => line.startsWith("| ") && !line.startsWith("| file ") && !line.startsWith("|---"))
        .map((line) => {
            const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
            assert.equal(cells.length, 5, `a row of mutation/survivors.md needs five cells: ${line}`);
            const unquote = (c: string) => c.replace(/^`(.*)`$/, "$1");
            return { file: cells[0], mutator: cells[1], code: unquote(cells[2]), mutated: unquote(cells[3]), why: cells[4] };
        });
}

describe("the committed mutation-testing result", () => {
    const report = JSON.parse(readFileSync(join(ROOT, "mutation", "stryker-incremental.json"), "utf8")) as Report;
    const [, equivalentSection, openSection] = readFileSync(join(ROOT, "mutation", "survivors.md"), "utf8")
        .split(/^## (?:Accepted equivalents|Not yet killed)$/m);
    const equivalents = tableRows(equivalentSection ?? "");
    const open = tableRows(openSection ?? "");
    const rows = [...equivalents, ...open];
    const survivors = Object.entries(report.files).flatMap(([file, { source, mutants }]) => mutants
        .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
        .map((m) => ({ file, mutator: m.mutatorName, code: tableCode(original(source, m.location)), mutated: tableCode(m.replacement ?? ""), line: m.location.start.line })));
    const matches = (row: Row, s: (typeof survivors)[number]) =>
        row.file === s.file && row.mutator === s.mutator && row.code === s.code && row.mutated === s.mutated;

    it("has both sections in mutation/survivors.md, equivalents first", () => {
        assert.ok(equivalentSection !== undefined && openSection !== undefined, "mutation/survivors.md needs '## Accepted equivalents' then '## Not yet killed'");
    });

    it("lists every surviving mutant in mutation/survivors.md, with the reason it is equivalent or the rule a test should state", () => {
        const unexplained = survivors.filter((s) => !rows.some((row) => matches(row, s)))
            .map((s) => `| ${s.file} | ${s.mutator} | \`${s.code.replace(/\|/g, "\\|")}\` | \`${s.mutated.replace(/\|/g, "\\|")}\` | (line ${s.line}) why? |`);
        assert.deepEqual(unexplained, [], "kill these mutants with a test, or add the rows to mutation/survivors.md");
        for (const row of rows) assert.ok(row.why.length >= 20, `mutation/survivors.md gives no real reason for ${row.file} ${row.code}`);
    });

    it("has no row in mutation/survivors.md for a mutant that no longer survives", () => {
        assert.deepEqual(rows.filter((row) => !survivors.some((s) => matches(row, s))).map((r) => `${r.file} ${r.mutator} ${r.code}`), []);
    });

    it("is the score and the count of mutants not yet killed that docs/development.md gives", () => {
        const count = (statuses: string[]) => Object.values(report.files).flatMap((f) => f.mutants).filter((m) => statuses.includes(m.status)).length;
        const detected = count(["Killed", "Timeout"]);
        const score = (100 * detected) / (detected + count(["Survived", "NoCoverage"]));
        const development = readFileSync(join(ROOT, "docs", "development.md"), "utf8");
        const stated = /mutation score of \*\*(\d+\.\d)%\*\*/.exec(development);
        assert.ok(stated, "docs/development.md states no mutation score");
        assert.equal(stated[1], score.toFixed(1));
        const notKilled = /\*\*(\d+)\*\* mutants? not yet killed/.exec(development);
        assert.ok(notKilled, "docs/development.md does not say how many mutants are not yet killed");
        assert.equal(Number(notKilled[1]), open.length);
    });
});

describe("npm run mutation", () => {
    it("refuses a --quick folder outside the scope, naming the folders it takes, before starting Stryker", () => {
        const run = spawnSync(process.execPath, [join(ROOT, "mutation", "run.mjs"), "--quick", "emulator"], { encoding: "utf8" });
        assert.equal(run.status, 2);
        assert.equal(run.stderr, 'npm run mutation: --quick "emulator" must be one of components, stack, verifier, handoff, policy\n');
    });
});
