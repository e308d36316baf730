#!/usr/bin/env node
// @ts-check
/**
 * Build step (after tsc and the template precompile): bundles the CLI, src/cli/run.ts and everything it
 * imports, into one file, dist/cli/run.js (replacing tsc's module of the same name), with its source
 * map beside it; then saves V8's code cache of it (dist/cli/run.js.v8cache, see src/cli/codeCache.ts)
 * after one `render --facts` of a fixture, so that the functions a usual run needs start compiled.
 * Start-up time is mostly module loading: one file instead of a few hundred, and no parsing.
 *
 * A module that is only reached through `await import(...)` (a command's work, the emulator, the
 * template engine) is bundled in a wrapper that runs it on first use, so a command still evaluates only
 * what it runs. The Azure SDK and the packages only Azure commands use stay in node_modules, loaded
 * when such a command runs.
 * Usage: node scripts/bundle-cli.js   (run by `npm run build` and `prepare`)
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'cli', 'run.js');
const CODE_CACHE_LOADER = path.join(ROOT, 'dist', 'cli', 'codeCache.js');

/** @type {import('esbuild').BuildOptions} */
const OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/run.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `import()` of a package left outside becomes require(): the bundle then runs under vm.Script too.
  supported: { 'dynamic-import': false },
  // Stack traces name the .ts file and line through the map (`--debug`); the sources stay out of it.
  sourcemap: 'linked',
  sourcesContent: false,
  // Less text for V8 to parse; names are kept, so stack traces read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@azure/*', 'tar', 'selfsigned'],
  // yargs' ESM build wraps help text with a simpler cliui than its CommonJS build, which the CLI has
  // always run (and its help tests read): take that one.
  alias: { yargs: './node_modules/yargs/index.cjs' },
  logLevel: 'warning',
  metafile: true,
};

/** The run whose compiled functions go into the code cache: the pipeline most commands share. */
const WARM_UP = (out) => {
  const fixture = path.join(ROOT, 'fixtures', 'active-active-bgp');
  return ['render', '--file', path.join(fixture, 'hub.yaml'), '--facts', path.join(fixture, 'facts.json'), '--out', out, '--force'];
};

/**
 * Bundles the CLI into `outfile` (absolute); returns its size in bytes. `entry` another program built
 * like the CLI (the render benchmark's child).
 */
async function bundleCli(outfile = BUNDLE, entry = OPTIONS.entryPoints[0]) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({ ...OPTIONS, entryPoints: [entry], outfile });
  return Object.entries(result.metafile?.outputs ?? {}).find(([f]) => f.endsWith('.js'))?.[1].bytes ?? 0;
}

/**
 * Runs the warm-up (`warmUp(a temporary folder)` gives its arguments) on `bundle` in a child process
 * (`--code-cache`), which saves the cache as it exits. The loader is the one the bin entry uses
 * (dist/cli/codeCache.js).
 */
function makeCodeCache(bundle = BUNDLE, warmUp = WARM_UP) {
  const { codeCachePath } = require(CODE_CACHE_LOADER);
  fs.rmSync(codeCachePath(bundle), { force: true });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tunnelsmith-warm-up-'));
  try {
    execFileSync(process.execPath, [__filename, '--code-cache', bundle, ...warmUp(out)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, HOME: out } });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return fs.statSync(codeCachePath(bundle)).size;
}

/** In the child: runs the CLI in `bundle` with `argv`, then saves what V8 compiled. */
function warmUp(bundle, argv) {
  const { codeCachePath, runWithCodeCache } = require(CODE_CACHE_LOADER);
  process.argv = [process.execPath, bundle, ...argv];
  const script = runWithCodeCache(bundle, module);
  process.on('exit', (code) => {
    if (code !== 0 || process.exitCode) throw new Error(`the warm-up run (${path.basename(bundle)} ${argv.join(' ')}) failed`);
    fs.writeFileSync(codeCachePath(bundle), script.createCachedData());
  });
}

async function main() {
  const bytes = await bundleCli();
  process.stdout.write(`bundled the CLI into ${path.relative(ROOT, BUNDLE)} (${(bytes / 1024).toFixed(0)} KiB)\n`);
  const cached = makeCodeCache();
  process.stdout.write(`saved its code cache (${(cached / 1024).toFixed(0)} KiB)\n`);
}

module.exports = { OPTIONS, bundleCli, makeCodeCache };
if (require.main === module) {
  if (process.argv[2] === '--code-cache') warmUp(process.argv[3], process.argv.slice(4));
  else {
    main().catch((e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
  }
}
