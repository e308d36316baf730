#!/usr/bin/env node
// @ts-check
/**
 * Build step (after tsc and the template precompile): bundles the CLI, src/cli/run.ts and everything it
 * imports, into one file, dist/cli/run.js (replacing tsc's module of the same name), with its source
 * map beside it. Start-up time is mostly module loading: one file instead of a few hundred.
 *
 * A module that is only reached through `await import(...)` (a command's work, the emulator, the
 * template engine) is bundled in a wrapper that runs it on first use, so a command still loads only
 * what it runs. The Azure SDK and the packages only Azure commands use stay in node_modules, loaded
 * when such a command runs.
 * Usage: node scripts/bundle-cli.js   (run by `npm run build` and `prepare`)
 */
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');

/** @type {import('esbuild').BuildOptions} */
const OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/run.ts'],
  outfile: 'dist/cli/run.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Stack traces name the .ts file and line through the map (`--debug`); the sources stay out of it.
  sourcemap: 'linked',
  sourcesContent: false,
  // Less text for V8 to parse at each start; names are kept, so stack traces read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@azure/*', 'tar', 'selfsigned'],
  logLevel: 'warning',
  metafile: true,
};

async function main() {
  const result = await esbuild.build(OPTIONS);
  const out = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'));
  const bytes = out ? out[1].bytes : 0;
  process.stdout.write(`bundled the CLI into ${OPTIONS.outfile} (${(bytes / 1024).toFixed(0)} KiB)\n`);
}

module.exports = { OPTIONS };
if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
