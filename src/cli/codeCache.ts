/**
 * Loads the bundled CLI (one CommonJS file) with V8's code cache: the bytecode of the functions a run
 * compiled, saved at build time by scripts/bundle-cli.js. V8 then skips parsing and compiling them at
 * each start, which is most of what is left of the start-up once the CLI is one file (Node 20 has no
 * built-in compile cache for modules). V8 refuses a cache made by another V8 or for another text; the
 * file is then compiled from its text, as `require` does.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** Where the code cache of `file` is kept. */
export function codeCachePath(file: string): string {
  return `${file}.v8cache`;
}

/**
 * Runs the CommonJS `file` as `require(file)` would (its own module, exports, require and __dirname),
 * compiled with its code cache when there is one that V8 accepts. Returns the script, from which the
 * build makes the cache after a run.
 */
export function runWithCodeCache(file: string, parent: NodeJS.Module): vm.Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCachePath(file));
  } catch {
    cachedData = undefined; // no cache (not built yet, or removed): compile from the text
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = new Module(file, parent);
  mod.filename = file;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  return script;
}
