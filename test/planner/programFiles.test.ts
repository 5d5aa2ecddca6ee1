// Which files make up the program (planner/programFiles.ts): what `npm run plan` compares between main and a change.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { programFiles, programsDiffer } from "../../planner/programFiles";

describe("the program's files", () => {
    it("follows imports, export-from, dynamic import() and require() from the entry, but no package", () => {
        const files: Record<string, string> = {
            "index.ts": 'import { main } from "./stack/main";\nimport * as pulumi from "@pulumi/pulumi";\nexport = main;\n',
            "stack/main.ts": 'export * from "../lib";\nconst later = () => import("./late");\nconst cjs = require("../data.json");\n',
            "lib/index.ts": 'export { x } from "./x";\n',
            "lib/x.ts": "export const x = 1;\n",
            "stack/late.ts": "export {};\n",
            "data.json": "{}",
            "test/unrelated.ts": 'import "../index";\n',
        };
        const found = programFiles("index.ts", (p) => files[p]);
        assert.deepEqual([...found.keys()], ["data.json", "index.ts", "lib/index.ts", "lib/x.ts", "stack/late.ts", "stack/main.ts"]);
    });

    it("finds this project's program, from index.ts through the components and the verifier", () => {
        const root = join(__dirname, "..", "..");
        const found = programFiles("index.ts", (p) => (existsSync(join(root, p)) && /\.\w+$/.test(p) ? readFileSync(join(root, p), "utf8") : undefined));
        for (const file of ["index.ts", "stack/main.ts", "components/rotatingSecret.ts", "verifier/verify.ts"]) assert.ok(found.has(file), file);
        assert.ok(![...found.keys()].some((f) => f.startsWith("test/") || f.startsWith("cli/") || f.startsWith("planner/")), "tests, CLIs and the planner are not the program");
    });

    it("tells programs apart by their files and by any file's content", () => {
        const a = new Map([["index.ts", "1"], ["b.ts", "2"]]);
        assert.equal(programsDiffer(a, new Map(a)), false);
        assert.equal(programsDiffer(a, new Map([["index.ts", "1"], ["b.ts", "3"]])), true);
        assert.equal(programsDiffer(a, new Map([["index.ts", "1"]])), true);
        assert.equal(programsDiffer(a, new Map([["index.ts", "1"], ["c.ts", "2"]])), true);
    });
});
