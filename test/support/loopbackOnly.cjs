// Loaded into every Node process the doc test (test/docs/commands.test.ts) starts, through NODE_OPTIONS=--require:
// a TCP connection to anything but loopback throws, naming the host, so a command the docs call offline that goes
// online fails its block instead of leaving the machine. The doc test also runs the blocks in a network namespace
// with only loopback where the kernel allows one, and points curl's proxies at a closed loopback port.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, preloaded by node --require */
const net = require("node:net");

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** Where a Socket#connect call goes: { path } for a local socket (as net decides: a truthy path), else { host, port }. */
function target(args) {
    // net.connect() and http's agents pass net's normalized arguments: [options, callback].
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (first !== null && typeof first === "object") return { path: first.path || undefined, host: first.host, port: first.port };
    if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
    return { host: typeof args[1] === "string" ? args[1] : undefined, port: first };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
    const { path, host, port } = target(args);
    if (path === undefined) {
        const name = String(host ?? "localhost").replace(/^\[|\]$/g, "");
        if (!LOOPBACK.test(name)) {
            const message = `doc test: a connection to ${name}:${port} was refused: a command the docs run offline must stay on loopback`;
            process.stderr.write(`${message}\n`);
            throw new Error(message);
        }
    }
    return connect.apply(this, args);
};
