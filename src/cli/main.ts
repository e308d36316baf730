#!/usr/bin/env node
/**
 * The `tunnelsmith` command (package.json `bin`). In dist/, `./run` is the bundled CLI (one file, see
 * scripts/bundle-cli.js); from the sources it is src/cli/run.ts.
 */
// Only --debug prints stack traces. Mapping them to the TypeScript sources needs the bundle's source
// map read when the bundle is compiled, which costs start-up time, so it is switched on only then
// (NODE_OPTIONS=--enable-source-maps does it for every run).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./run');

export {};
