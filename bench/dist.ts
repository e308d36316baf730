/**
 * The benchmarks measure the built product: modules are loaded from `dist/` (what `npm run build` and
 * `npm ci` produce), typed by their sources.
 */
import path from 'node:path';
import { ROOT } from './common';

function load<T>(rel: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(ROOT, 'dist', rel)) as T;
}

export const dist = {
  validate: () => load<typeof import('../src/hub/validate')>('hub/validate'),
  factsIo: () => load<typeof import('../src/io/factsFile')>('io/factsFile'),
  registry: () => load<typeof import('../src/devices/registry')>('devices/registry'),
  readHub: () => load<typeof import('../src/io/readHub')>('io/readHub'),
  azurePlan: () => load<typeof import('../src/azure/deploy/plan')>('azure/deploy/plan'),
  emulator: () => load<typeof import('../src/emulator/index')>('emulator/index'),
};
