/**
 * The package's root folder (the one holding package.json), found from the running code: the sources
 * (src/...), the compiled modules (dist/...) and the bundled CLI (dist/cli/run.js) sit at different
 * depths below it, so no fixed `../..` fits them all. It looks at the file system, so it sits beside the
 * template engine (the render layer's one reader of files: the templates), not in the pure src/util.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

let found: string | undefined;

export function packageRoot(): string {
  if (found !== undefined) return found;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return (found = dir);
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
