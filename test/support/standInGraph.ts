// A stand-in Microsoft Graph on loopback for tests of code that calls Graph itself (the credential activity
// reader): it records each request and answers with whatever the test set last.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInAnswer { status: number; body?: unknown; headers?: Record<string, string> }
export interface StandInGraph {
    /** `http://127.0.0.1:<port>`, set once the suite's before hook has run. */
    url: string;
    /** The requests of the current test, in order. */
    seen: { path: string; authorization?: string }[];
    answer: (path: string) => StandInAnswer;
}

/** Starts the stand-in before the suite, forgets the requests before each test and stops it after the suite. */
export function standInGraph(): StandInGraph {
    const graph: StandInGraph = { url: "", seen: [], answer: () => ({ status: 500 }) };
    let server: Server;
    before(async () => {
        server = createServer((req, res) => {
            graph.seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
            const { status, body, headers } = graph.answer(req.url ?? "");
            res.writeHead(status, { "Content-Type": "application/json", ...headers });
            res.end(body === undefined ? "" : JSON.stringify(body));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        graph.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => { graph.seen.length = 0; });
    return graph;
}
