// Preloaded (NODE_OPTIONS=--require) into the commands a test starts, to prove they work offline: loading
// @azure/identity (the deployer's credential chain: az, the managed-identity endpoint, ...) or opening a
// connection to anything but this machine writes OFFLINE-GUARD to stderr and ends the process at once (exit 97),
// before any retry can hide it. Every process the command starts (npm's own, ts-node's, a restart) loads it too.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded with --require before anything else */
const Module = require("node:module");
const net = require("node:net");

function refuse(what) {
    process.stderr.write(`OFFLINE-GUARD: ${what}\n`);
    process.exit(97);
}

const load = Module._load;
Module._load = function (request, ...rest) {
    if (request === "@azure/identity" || request.startsWith("@azure/identity/")) refuse("@azure/identity was loaded");
    return load.call(this, request, ...rest);
};

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = first !== null && typeof first === "object" ? first : { port: first, host: typeof args[1] === "string" ? args[1] : undefined };
    // A path is a local (Unix) socket; a missing host means localhost.
    if (options.path === undefined && !LOOPBACK.test(String(options.host ?? "localhost"))) refuse(`a connection to ${options.host}:${options.port}`);
    return connect.apply(this, args);
};
