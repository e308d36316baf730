/**
 * Benchmark 2, start-up: median wall of `tunnelsmith --help`, `validate` and `render` of one site from a
 * facts file (the built CLI, a fresh process each time), against plain `node -e 0` and, when installed,
 * the Azure CLI's `az group list --help` (Debian: `apt-get install azure-cli`; nothing is installed here).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CLI, ROOT, cleanEnv, log, median, mustSucceed, run, tempDir } from './common';
import type { Figure } from './report';

/** Issue 15's targets (median wall, seconds); `--help` is reported for information. */
const TARGET_S: Record<string, number | undefined> = { validate: 0.12, render: 0.15 };
/** `validate` against `az group list --help`: 0.12 s of the 0.72 s az took where the targets were set. */
const AZ_RATIO_TARGET: Record<string, number | undefined> = { validate: 0.17 };

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
    const cases: Array<[string, string[], string]> = [
      ['tunnelsmith --help', [CLI, '--help'], 'help'],
      ['tunnelsmith validate', [CLI, 'validate', '--file', hub], 'validate'],
      ['tunnelsmith render (one site, --facts)', [CLI, 'render', '--file', hub, '--facts', facts, '--site', 'dc1', '--out', path.join(dir, 'out'), '--force'], 'render'],
    ];
    const node = median(await sample('node -e 0', ['-e', '0'], opts.runs, dir));
    const figures: Figure[] = [];
    const details: Record<string, number[]> = {};
    for (const [label, args, key] of cases) {
      const times = await sample(label, args, opts.runs, dir);
      details[label] = times;
      const target = TARGET_S[key];
      figures.push({ benchmark: 'startup', name: `${label}: median wall`, value: median(times) / 1000, unit: 's', ...(target !== undefined ? { target, kind: 'max' as const } : {}), note: `${opts.runs} runs` });
      figures.push({ benchmark: 'startup', name: `${label}: above plain node`, value: (median(times) - node) / 1000, unit: 's' });
    }
    figures.push({ benchmark: 'startup', name: 'node -e 0 (the floor on this machine)', value: node / 1000, unit: 's' });
    const az = which('az');
    if (az) {
      const azTimes = await sample('az group list --help', ['group', 'list', '--help'], Math.min(opts.runs, 5), dir, az);
      const azMedian = median(azTimes);
      details.az = azTimes;
      figures.push({ benchmark: 'startup', name: 'az group list --help: median wall', value: azMedian / 1000, unit: 's' });
      for (const [label, , key] of cases) {
        const target = AZ_RATIO_TARGET[key];
        figures.push({ benchmark: 'startup', name: `${label} / az group list --help`, value: median(details[label]) / azMedian, unit: 'x', ...(target !== undefined ? { target, kind: 'max' as const } : {}) });
      }
    } else {
      figures.push({ benchmark: 'startup', name: 'az group list --help: not installed (apt-get install azure-cli), no ratio', value: 0, unit: '' });
    }
    await fs.rm(path.join(dir, 'out'), { recursive: true, force: true });
    return { figures, details };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
