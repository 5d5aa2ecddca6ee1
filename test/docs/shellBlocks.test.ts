// How the doc test reads Markdown: fences, their language, a block inside a list item, the marker, placeholders.
import { strict as assert } from "node:assert";
import { codeBlocks, needsOf, PLACEHOLDER } from "./shellBlocks";

const MARKDOWN = [
    "# Title",
    "",
    "```sh",
    "npm run demo",
    "```",
    "",
    "1. A step:",
    "",
    "   ```sh",
    "   # needs: a real tenant and the Pulumi CLI (not run by the doc test)",
    "   pulumi config set azuread:tenantId <customer-tenant-id>",
    "     indented further",
    "   ```",
    "",
    "```yaml",
    "config: {}",
    "```",
    "",
    "```",
    "bench: start=1.32x",
    "```",
].join("\n");

describe("the doc test's reading of Markdown", () => {
    const blocks = codeBlocks("doc.md", MARKDOWN);

    it("finds every fenced block with its language and the line of its opening fence", () => {
        assert.deepEqual(blocks.map((b) => [b.line, b.lang]), [[3, "sh"], [9, "sh"], [15, "yaml"], [19, ""]]);
    });

    it("takes a block inside a list item without the list's indentation, keeping deeper indentation", () => {
        assert.equal(blocks[1].text, "# needs: a real tenant and the Pulumi CLI (not run by the doc test)\npulumi config set azuread:tenantId <customer-tenant-id>\n  indented further");
    });

    it("reads what a marked block needs from its first line, and nothing from an unmarked one", () => {
        assert.equal(needsOf(blocks[0]), undefined);
        assert.equal(needsOf(blocks[1]), "a real tenant and the Pulumi CLI");
        assert.equal(needsOf({ ...blocks[0], text: "# needs: the npm registry (not run by the doc test; .ci/run runs it)\nnpm ci" }), "the npm registry");
    });

    it("does not take a marker that is not on the first line, or not in the marker's form, as one", () => {
        assert.equal(needsOf({ ...blocks[0], text: "npm ci\n# needs: the npm registry (not run by the doc test)" }), undefined);
        assert.equal(needsOf({ ...blocks[0], text: "# needs: the npm registry\nnpm ci" }), undefined);
        assert.equal(needsOf({ ...blocks[0], text: "# needs the npm registry (not run by the doc test)\nnpm ci" }), undefined);
    });

    it("calls <customer-tenant-id> and <ORG/REPO> placeholders, but not a here-string or a redirection", () => {
        for (const text of ["az login --tenant <customer-tenant-id>", "--repo <ORG/REPO>", "--reviewers <team slug>"]) assert.match(text, PLACEHOLDER, text);
        for (const text of ["gh api --input - <<<'{\"a\": 1}'", "jq . < file.json > out.json", "a<b", "cat <<EOF > out.txt", "Map<string>"]) assert.doesNotMatch(text, PLACEHOLDER, text);
    });

    it("refuses a fence that never closes, naming where it opens", () => {
        assert.throws(() => codeBlocks("doc.md", "text\n```sh\nnpm test\n"), /^Error: doc\.md:2: a code fence that never closes$/);
    });
});
