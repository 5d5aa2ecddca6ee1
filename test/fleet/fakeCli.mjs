#!/usr/bin/env node
// A recording stand-in for az, gh and pulumi (test/fleet/bootstrap.test.ts puts a wrapper for each on PATH that
// runs `node fakeCli.mjs TOOL ARGS...`):
// appends {tool, args, stdin, stdout, exit, backend} to $FAKE_LOG as one JSON line and answers from the rules in
// $FAKE_RULES (first regex that matches "tool arg arg ..." wins). Unmatched calls with --query print one made-up
// GUID per queried field, derived from the call, so every ID the script reads can be traced to the call that
// produced it.
import crypto from "node:crypto";
import fs from "node:fs";
import process from "node:process";

const [tool, ...args] = process.argv.slice(2);
const line = [tool, ...args].join(" ");
let stdin;
try {
    stdin = fs.readFileSync(0, "utf8");
} catch {
    stdin = "";
}

function guid(seed) {
    const h = crypto.createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const rules = JSON.parse(fs.readFileSync(process.env.FAKE_RULES, "utf8"));
const rule = rules.find((r) => new RegExp(r.match).test(line));
let stdout = "";
let exit = 0;
if (rule) {
    stdout = rule.stdout ?? "";
    exit = rule.exit ?? 0;
} else if (args.includes("--query")) {
    const query = args[args.indexOf("--query") + 1];
    const fields = query.startsWith("[") && query.includes(",") ? query.split(",").length : 1;
    stdout = Array.from({ length: fields }, (_, i) => guid(`${line}#${i}`)).join("\t");
}
fs.appendFileSync(process.env.FAKE_LOG, `${JSON.stringify({ tool, args, stdin, stdout, exit, backend: process.env.PULUMI_BACKEND_URL ?? null })}\n`);
if (stdout !== "") process.stdout.write(`${stdout}\n`);
process.exit(exit);
