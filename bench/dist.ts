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
  renderPlan: () => load<typeof import('../src/render/plan')>('render/plan'),
  bundleBuild: () => load<typeof import('../src/bundle/build')>('bundle/build'),
  bundleManifest: () => load<typeof import('../src/bundle/manifest')>('bundle/manifest'),
  registry: () => load<typeof import('../src/devices/registry')>('devices/registry'),
  writeBundle: () => load<typeof import('../src/io/writeBundle')>('io/writeBundle'),
  session: () => load<typeof import('../src/app/session')>('app/session'),
  bundleKeys: () => load<typeof import('../src/app/bundleKeys')>('app/bundleKeys'),
  version: () => load<typeof import('../src/version')>('version'),
  readHub: () => load<typeof import('../src/io/readHub')>('io/readHub'),
  azurePlan: () => load<typeof import('../src/azure/deploy/plan')>('azure/deploy/plan'),
  emulator: () => load<typeof import('../src/emulator/index')>('emulator/index'),
  keyJournal: () => load<typeof import('../src/io/keyJournal')>('io/keyJournal'),
};
