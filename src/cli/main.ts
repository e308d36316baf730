#!/usr/bin/env node
/**
 * The `tunnelsmith` command (package.json `bin`). Built (dist/cli/main.js), it runs the bundled CLI,
 * dist/cli/run.js (scripts/bundle-cli.js), with its code cache; from the sources it runs src/cli/run.ts.
 */
import path from 'node:path';

const debug = process.argv.includes('--debug');
if (debug) {
  // Only --debug prints stack traces. Mapping them to the TypeScript sources needs the bundle's source
  // map read as the bundle is compiled, which costs start-up time, so only then (and without the code
  // cache, which would bypass it). NODE_OPTIONS=--enable-source-maps maps them for every run.
  process.setSourceMapsEnabled(true);
}
if (!debug && __filename.endsWith('.js')) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./codeCache') as typeof import('./codeCache')).runWithCodeCache(path.join(__dirname, 'run.js'), module);
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./run');
}
