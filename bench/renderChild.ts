/**
 * The render benchmark's child is built as the CLI is: bench/renderRun.ts and what it imports bundled
 * into one file with the CLI's esbuild options (scripts/bundle-cli.js), then V8's code cache saved
 * after a warm-up run on a small generated hub, and started through the loader the `tunnelsmith` bin
 * uses (dist/cli/codeCache.js). The benchmark then times the pipeline as users run it, not the
 * compiled modules one file at a time that the CLI never loads.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ROOT } from './common';

interface BundleScript {
  bundleCli(outfile: string, entry: string): Promise<number>;
  makeCodeCache(bundle: string, warmUp: (tmp: string) => string[]): number;
}

/** The bundled child, beside this file. */
export const RENDER_CHILD = path.join(__dirname, 'renderRun.bundle.js');
/** What starts the bundled child with its code cache: `node LAUNCHER RENDER_CHILD args...`. */
export const LAUNCHER = path.join(__dirname, 'runBundled.js');

/** Bundles the child and saves its code cache, warmed up on `warmUp` (a hub file and its facts file). */
export async function buildRenderChild(warmUp: { hubFile: string; factsFile: string }): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const script = require(path.join(ROOT, 'scripts', 'bundle-cli.js')) as BundleScript;
  await script.bundleCli(RENDER_CHILD, 'bench/renderRun.ts');
  script.makeCodeCache(RENDER_CHILD, (tmp) => [path.join(tmp, 'out'), warmUp.hubFile, warmUp.factsFile]);
  await fs.access(`${RENDER_CHILD}.v8cache`);
}
