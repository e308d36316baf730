/**
 * Bad input at scale: the property suites over hub files (test/hub/properties.test.ts) and facts files
 * (test/render/factsProperties.test.ts) at 10,000 cases each, counting valid outputs, clear errors and
 * crashes (failed properties: an exception, an unclear problem or an injected line).
 */
import path from 'node:path';
import { ROOT, cleanEnv, log, run } from './common';
import type { Figure } from './report';

export const PROPERTY_RUNS = 10_000;

/** The `{ refusedFacts, refusedRender, rendered }` line the facts suite prints with TUNNELSMITH_PROPERTY_STATS=1. */
export function parseFactsStats(output: string): { refusedFacts: number; refusedRender: number; rendered: number } {
  const m = /\{\s*refusedFacts:\s*(\d+),\s*refusedRender:\s*(\d+),\s*rendered:\s*(\d+)\s*\}/.exec(output);
  return { refusedFacts: Number(m?.[1] ?? 0), refusedRender: Number(m?.[2] ?? 0), rendered: Number(m?.[3] ?? 0) };
}

/** Sums the `{ accepted: N, rejected: M }` lines the suite prints with TUNNELSMITH_PROPERTY_STATS=1. */
export function parseStats(output: string): { accepted: number; rejected: number } {
  const total = { accepted: 0, rejected: 0 };
  for (const m of output.matchAll(/\{\s*accepted:\s*(\d+),\s*rejected:\s*(\d+)\s*\}/g)) {
    total.accepted += Number(m[1]);
    total.rejected += Number(m[2]);
  }
  return total;
}

export async function benchProperties(): Promise<{ figures: Figure[]; details: unknown }> {
  const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const r = await run(process.execPath, [jest, '--json', 'test/hub/properties.test.ts', 'test/render/factsProperties.test.ts'], {
    cwd: ROOT,
    env: cleanEnv({ TUNNELSMITH_PROPERTY_RUNS: String(PROPERTY_RUNS), TUNNELSMITH_PROPERTY_STATS: '1' }),
  });
  let report: { numTotalTests?: number; numFailedTests?: number; numPassedTests?: number } = {};
  try {
    report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as typeof report;
  } catch {
    throw new Error(`the property suite did not report (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  }
  const stats = parseStats(r.stderr);
  const factsStats = parseFactsStats(r.stderr);
  log(`properties: ${report.numPassedTests}/${report.numTotalTests} properties held; ${stats.accepted} valid, ${stats.rejected} clear errors (mutated files)`);
  const B = 'bad input';
  const figures: Figure[] = [
    { benchmark: B, name: `property suite at ${PROPERTY_RUNS} cases: properties that failed (crashes)`, value: report.numFailedTests ?? -1, unit: '', target: 0, kind: 'equal', note: `${report.numTotalTests} properties` },
    { benchmark: B, name: 'mutated hub files accepted as valid hubs', value: stats.accepted, unit: 'files' },
    { benchmark: B, name: 'mutated hub files refused with clear errors (path, message, fix)', value: stats.rejected, unit: 'files' },
    { benchmark: B, name: 'mutated facts files rendered (every device file checked for injected lines)', value: factsStats.rendered, unit: 'files' },
    { benchmark: B, name: 'mutated facts files refused with clear errors (as facts / at render)', value: factsStats.refusedFacts + factsStats.refusedRender, unit: 'files', note: `${factsStats.refusedFacts} / ${factsStats.refusedRender}` },
    { benchmark: B, name: 'arbitrary non-hub values refused without an exception', value: report.numFailedTests === 0 ? 2 * PROPERTY_RUNS : 0, unit: 'values', note: 'the suite asserts every one is refused' },
    { benchmark: B, name: 'property suite wall', value: r.wallMs / 1000, unit: 's' },
  ];
  return { figures, details: { report: { total: report.numTotalTests, failed: report.numFailedTests }, stats, factsStats } };
}
