// The emulator never closes an idle connection: the client does. With Node's default (the server drops a
// connection idle for 5 s), a client in the same process that was busy longer (the demo loading a module on a
// loaded machine) could send its next POST on a connection the server was closing: ECONNRESET, not retried.
import { strict as assert } from "node:assert";
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { startEmulator, type Emulator } from "../../emulator/index";

describe("the emulator's idle connections", function () {
    let emulator: Emulator;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    before(async () => {
        emulator = await startEmulator();
    });
    after(async () => {
        agent.destroy();
        await emulator.close();
    });

    function get(): Promise<{ socket: Socket; keepAlive: string | undefined }> {
        return new Promise((resolve, reject) => {
            const req = request(`${emulator.url}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`, { agent }, (res) => {
                res.resume();
                res.on("end", () => resolve({ socket: req.socket!, keepAlive: res.headers["keep-alive"] as string | undefined }));
            });
            req.on("error", reject);
            req.end();
        });
    }

    // Node announces its server timeout in every keep-alive response (Keep-Alive: timeout=5 by default) and
    // announces none when it has none (nodejs.org/api/http.html#serverkeepalivetimeout: 0 turns it off).
    it("have no server timeout: none is announced, and the connection is reused", async () => {
        const first = await get();
        assert.equal(first.keepAlive, undefined, "a Keep-Alive: timeout=N header means the server closes idle connections after N s");
        const second = await get();
        assert.equal(second.socket, first.socket);
    });
});
