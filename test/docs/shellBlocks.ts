// The fenced code blocks of the project's Markdown, as the doc test (commands.test.ts) runs and checks them.
// A shell block is `sh`; it either runs offline, as written, or says on its first line what it needs:
//   # needs: a real tenant and the Pulumi CLI (not run by the doc test)
// (docs/development.md, "The doc test").
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CodeBlock {
    /** The document, relative to the repository root (`README.md`, `docs/gitops.md`). */
    file: string;
    /** 1-based line of the opening fence. */
    line: number;
    /** The fence's language: `sh`, `yaml`, `js`, or "" when it names none. */
    lang: string;
    /** The block's lines without the fence and without the indentation of the fence (a block inside a list item). */
    text: string;
}

/** A shell block that does not run: what it needs, from its first line. */
export const NEEDS_MARKER = /^# needs: (\S.*\S) \(not run by the doc test(?:[;,][^)]*)?\)$/;

/** `<customer-tenant-id>`, `<id>`, `<ORG/REPO>`: a value the reader fills in. `<<<` and `< file` are not. */
export const PLACEHOLDER = /(?<![<\w])<[A-Za-z][^<>\n]*>/;

/** Every fenced block of a Markdown text, in order. */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
    const blocks: CodeBlock[] = [];
    const lines = markdown.split("\n");
    let open: { line: number; lang: string; indent: string; fence: string; body: string[] } | undefined;
    lines.forEach((text, index) => {
        if (open === undefined) {
            const opening = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(text);
            if (opening) open = { line: index + 1, indent: opening[1], fence: opening[2], lang: opening[3], body: [] };
            return;
        }
        if (text.trim() === open.fence) {
            blocks.push({ file, line: open.line, lang: open.lang, text: open.body.join("\n") });
            open = undefined;
            return;
        }
        open.body.push(text.startsWith(open.indent) ? text.slice(open.indent.length) : text.trimStart());
    });
    if (open !== undefined) throw new Error(`${file}:${open.line}: a code fence that never closes`);
    return blocks;
}

/** What a marked shell block needs, or undefined for a block that runs. */
export function needsOf(block: CodeBlock): string | undefined {
    return NEEDS_MARKER.exec(block.text.split("\n")[0])?.[1];
}

/** The documents whose shell blocks the doc test runs: README.md and every docs/*.md. */
export function documents(root: string): { file: string; markdown: string }[] {
    const docs = readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => join("docs", name));
    return ["README.md", ...docs].map((file) => ({ file, markdown: readFileSync(join(root, file), "utf8") }));
}

/** Every code block of README.md and docs/*.md. */
export function documentedBlocks(root: string): CodeBlock[] {
    return documents(root).flatMap(({ file, markdown }) => codeBlocks(file, markdown));
}
