/**
 * Starts a bundled program with its V8 code cache, as the `tunnelsmith` bin starts the CLI.
 * Usage: node runBundled.js BUNDLE [ARGS...]   (the program sees ARGS as process.argv.slice(2))
 */
import path from 'node:path';
import { ROOT } from './common';

const [given, ...args] = process.argv.slice(2);
const bundle = path.resolve(given);
process.argv = [process.argv[0], bundle, ...args];
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require(path.join(ROOT, 'dist', 'cli', 'codeCache.js')) as typeof import('../src/cli/codeCache')).runWithCodeCache(bundle, module);
