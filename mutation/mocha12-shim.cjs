// Preloaded (NODE_OPTIONS --require) into Stryker and its workers by mutation/run.mjs; CommonJS, because an
// --import in NODE_OPTIONS makes the node processes the tests start load their .ts entry files as ES modules.
//
// @stryker-mutator/mocha-runner 10.1.1 reaches into mocha's CLI with extensionless requires
// (`mocha/lib/cli/run-helpers`, `.../collect-files`, `.../options`; dist/src/lib-wrapper.js), and mocha 12.0
// ships those files as `.cjs`, so the runner cannot load ("Cannot find module .../lib/cli/run-helpers"). The
// fix upstream probes the extensions: stryker-mutator/stryker-js#6205, open when this was written. Until a
// release carries it, this resolves exactly those three requests to their `.cjs` files and nothing else.
// Delete this file (and its line in run.mjs) when @stryker-mutator/mocha-runner loads mocha 12 by itself.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
const Module = require("node:module");

const MOCHA_CLI = /[\\/]mocha[\\/]lib[\\/]cli[\\/](run-helpers|collect-files|options)$/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    try {
        return resolve.call(this, request, ...rest);
    } catch (error) {
        if (!MOCHA_CLI.test(request)) throw error;
        return resolve.call(this, `${request}.cjs`, ...rest);
    }
};
