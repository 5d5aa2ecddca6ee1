// How run.ts shows results: a compact table for people, or JSON for CI and comparisons between runs.
import type { BenchResult, Check } from "./harness";

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
    return `${c.label} ${figure(c.actual)} ${c.op === "<" ? "<" : "="} ${figure(c.target)}${c.ok ? "" : " MISSED"}`;
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
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatJson(results: readonly BenchResult[], quick: boolean): string {
    return JSON.stringify(
        {
            node: process.version,
            platform: `${process.platform}-${process.arch}`,
            quick,
            ok: results.every(passed),
            results: results.map((r) => ({ ...r, ok: passed(r) })),
        },
        null,
        2,
    );
}
