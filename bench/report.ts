// How run.ts shows results: a compact table for people, or JSON for CI and comparisons between runs.
import type { BenchResult, Check, DetailTable } from "./harness";

const MB = 1024 * 1024;

function ms(value: number): string {
    if (Number.isNaN(value)) return "-";
    return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function mb(bytes: number): string {
    return `${bytes >= 0 ? "+" : ""}${(bytes / MB).toFixed(1)}`;
}

function figure(value: number): string {
    return Number.isInteger(value) ? String(value) : ms(value);
}

export function passed(result: BenchResult): boolean {
    return result.error === undefined && result.checks.length > 0 && result.checks.every((c) => c.ok);
}

function describe(c: Check): string {
    const op = { "<": "<", "<=": "≤", ">=": "≥", "=": "=" }[c.op];
    return `${c.label} ${figure(c.actual)} ${op} ${figure(c.target)}${c.ok ? "" : " MISSED"}`;
}

/** Left-aligned text columns, right-aligned figures (a cell that parses as a number, with optional unit). */
export function formatDetails(table: DetailTable): string {
    const widths = table.columns.map((h, i) => Math.max(h.length, ...table.rows.map((row) => (row[i] ?? "").length)));
    const numeric = (cell: string): boolean => /^[-+]?[\d.,]+\s*(x|s|ms|MB)?$/.test(cell) || cell === "-";
    const line = (cells: string[]): string =>
        cells.map((cell, i) => (numeric(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
    return [table.title, line(table.columns), line(widths.map((w) => "-".repeat(w))), ...table.rows.map(line), ...(table.notes ?? []).map((n) => `  ${n}`)].join("\n");
}

export function formatTable(results: readonly BenchResult[]): string {
    const header = ["benchmark", "iter", "median ms", "p95 ms", "max ms", "heap Δ MB", "RSS Δ MB", "result", "checks"];
    const rows = results.map((r) => [
        r.name,
        String(r.iterations),
        ms(r.medianMs),
        ms(r.p95Ms),
        ms(r.maxMs),
        mb(r.heapDeltaBytes),
        mb(r.rssDeltaBytes),
        passed(r) ? "ok" : "FAIL",
        r.error ?? r.checks.map(describe).join("; "),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    // Names and checks read left-aligned; figures right-aligned so their digits line up.
    const line = (cells: string[]): string =>
        cells.map((cell, i) => (i === 0 || i >= 7 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
    const summary = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
    const details = results.flatMap((r) => (r.details ? [formatDetails(r.details)] : []));
    return [...details, summary].join("\n\n");
}

/** The headline figures in one line: `bench: start=1.27x roster=125.0x requests=27 ttv5=5.93s ttv30=34.93s`
 * (bench/README.md says what each is). A figure whose benchmark did not run shows as `-`. */
export function summaryLine(results: readonly BenchResult[]): string {
    const figures: Record<string, number> = Object.assign({}, ...results.map((r) => r.figures ?? {}));
    const show = (key: string, digits: number): string => (Number.isFinite(figures[key]) ? figures[key].toFixed(digits) : "-");
    return `bench: start=${show("start", 2)}x roster=${show("roster", 1)}x requests=${show("requests", 0)} ttv5=${show("ttv5", 2)}s ttv30=${show("ttv30", 2)}s wrongSecret=${show("wrongSecret", 2)}s`;
}

export function formatJson(results: readonly BenchResult[], quick: boolean): string {
    return JSON.stringify(
        {
            node: process.version,
            platform: `${process.platform}-${process.arch}`,
            quick,
            line: summaryLine(results),
            ok: results.every(passed),
            results: results.map((r) => ({ ...r, ok: passed(r) })),
        },
        null,
        2,
    );
}
