/**
 * Benchmark 2, start-up: median wall of `tunnelsmith --help`, `validate` and `render` of one site from a
 * facts file (the built CLI, a fresh process each time), against plain `node -e 0` and, when installed,
 * the Azure CLI's `az group list --help`.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT, cleanEnv, log, median, mustSucceed, run, tempDir } from './common';
import type { Figure } from './report';

const TARGET_S = 0.25;

async function sample(label: string, args: string[], runs: number, cwd: string, command = process.execPath): Promise<number[]> {
  for (let i = 0; i < 2; i++) mustSucceed(label, await run(command, args, { cwd, env: cleanEnv() })); // warm the page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(mustSucceed(label, await run(command, args, { cwd, env: cleanEnv() })).wallMs);
  log(`startup: ${label}: median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
  return times;
}

function which(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function benchStartup(opts: { runs: number }): Promise<{ figures: Figure[]; details: unknown }> {
  const dir = await tempDir('startup');
  try {
    const hub = path.join(ROOT, 'fixtures', 'active-active-bgp', 'hub.yaml');
    const facts = path.join(ROOT, 'fixtures', 'active-active-bgp', 'facts.json');
    const cases: Array<[string, string[]]> = [
      ['tunnelsmith --help', [CLI, '--help']],
      ['tunnelsmith validate', [CLI, 'validate', '--file', hub]],
      ['tunnelsmith render (one site, --facts)', [CLI, 'render', '--file', hub, '--facts', facts, '--site', 'dc1', '--out', path.join(dir, 'out'), '--force']],
    ];
    const node = median(await sample('node -e 0', ['-e', '0'], opts.runs, dir));
    const figures: Figure[] = [];
    const details: Record<string, number[]> = {};
    for (const [label, args] of cases) {
      const times = await sample(label, args, opts.runs, dir);
      details[label] = times;
      figures.push({ benchmark: 'startup', name: `${label}: median wall`, value: median(times) / 1000, unit: 's', target: TARGET_S, kind: 'max', note: `${opts.runs} runs` });
      figures.push({ benchmark: 'startup', name: `${label}: above plain node`, value: (median(times) - node) / 1000, unit: 's' });
    }
    figures.push({ benchmark: 'startup', name: 'node -e 0 (the floor on this machine)', value: node / 1000, unit: 's' });
    const az = which('az');
    if (az) {
      const azTimes = await sample('az group list --help', ['group', 'list', '--help'], Math.min(opts.runs, 5), dir, az);
      const azMedian = median(azTimes);
      details.az = azTimes;
      figures.push({ benchmark: 'startup', name: 'az group list --help: median wall', value: azMedian / 1000, unit: 's' });
      for (const [label] of cases) figures.push({ benchmark: 'startup', name: `${label} / az group list --help`, value: median(details[label]) / azMedian, unit: 'x' });
    } else {
      figures.push({ benchmark: 'startup', name: 'az group list --help: not installed, no ratio', value: 0, unit: '' });
    }
    await fs.rm(path.join(dir, 'out'), { recursive: true, force: true });
    return { figures, details };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
