// Which files make up the Pulumi program: index.ts and every file of the project it imports, directly or not.
// `npm run plan` compares them between main and the change: when they differ, main's side must run main's own
// program, and every stack is planned. Pure: the caller says how to read a file (working tree or a git commit).
import ts from "typescript";

/** Reads a project file by its path relative to the project root ("stack/main.ts"); undefined when absent. */
export type ReadFile = (path: string) => string | undefined;

function normalize(path: string): string {
    const out: string[] = [];
    for (const part of path.split("/")) {
        if (part === "" || part === ".") continue;
        if (part === "..") out.pop();
        else out.push(part);
    }
    return out.join("/");
}

function dirname(path: string): string {
    const i = path.lastIndexOf("/");
    return i < 0 ? "" : path.slice(0, i);
}

/** The file a relative specifier resolves to, in Node's and ts-node's order of candidates. */
function resolve(from: string, specifier: string, read: ReadFile): string | undefined {
    const base = normalize(`${dirname(from)}/${specifier}`);
    const candidates = [base, ...[".ts", ".tsx", ".js", ".json"].map((e) => `${base}${e}`), ...["index.ts", "index.js"].map((f) => `${base}/${f}`)];
    // A bare directory name or an extension-less file that does not exist is skipped by read() returning undefined.
    return candidates.find((c) => /\.(ts|tsx|js|json)$/.test(c) && read(c) !== undefined);
}

/**
 * The program's files, from `entry`, following every relative import, export-from, dynamic import() and
 * require() (TypeScript's own scanner: ts.preProcessFile). Packages (non-relative specifiers) are not followed.
 * Returns path -> content, sorted by path.
 */
export function programFiles(entry: string, read: ReadFile): Map<string, string> {
    const found = new Map<string, string>();
    const queue = [normalize(entry)];
    while (queue.length > 0) {
        const path = queue.shift() as string;
        if (found.has(path)) continue;
        const text = read(path);
        if (text === undefined) continue;
        found.set(path, text);
        if (!/\.(ts|tsx|js)$/.test(path)) continue;
        for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
            if (!fileName.startsWith(".")) continue;
            const target = resolve(path, fileName, read);
            if (target !== undefined && !found.has(target)) queue.push(target);
        }
    }
    return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether two programs differ: another set of files, or any file with other content. */
export function programsDiffer(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
    if (a.size !== b.size) return true;
    for (const [path, text] of a) if (b.get(path) !== text) return true;
    return false;
}
