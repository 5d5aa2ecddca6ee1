// The idle window's default is a documented number: `npm run status` and `npm run handoff` call a connector idle
// after that many hours without a sign-in, so a default moved by an hour must fail a test, not just the docs.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_IDLE_HOURS } from "../../verifier/secretUsage";

const root = join(__dirname, "..", "..");

describe("the idle window's default", () => {
    it("is the number of hours the documentation gives for --idle-hours", () => {
        const docs = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))]
            .map((f) => readFileSync(join(root, f), "utf8")).join("\n");
        const documented = [...docs.matchAll(/`--idle-hours` \((\d+)\)/g)].map((m) => Number(m[1]));
        assert.ok(documented.length > 0, "no document states the --idle-hours default as `--idle-hours` (N)");
        for (const hours of documented) assert.equal(hours, DEFAULT_IDLE_HOURS);
    });

});
