/**
 * Benchmark 1, render throughput: generated sites (mixed devices, active-active, BGP) rendered from facts
 * files and written, each run in a fresh process. A hub holds at most 100 sites (the hub schema's cap,
 * the VPN gateway's tunnel limit), so 1,000 sites are ten generated 100-site hubs rendered in one run.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { CLI, cleanEnv, log, median, mustSucceed, roundedJson, run, tempDir } from './common';
import { dist } from './dist';
import { factsForHub, generateHub } from './generateHub';
import type { Figure } from './report';
import { buildRenderChild, LAUNCHER, RENDER_CHILD } from './renderChild';
import type { RenderRunResult } from './renderRun';

export const RENDER_SEED = 20240601;
const SITES_PER_HUB = 100;

export interface HubFiles {
  hubFile: string;
  factsFile: string;
}

/** Writes `hub.yaml` and `facts.json` (with keys, mode 0600) of a generated hub into `dir`. */
export async function writeGeneratedHub(dir: string, sites: number, seed: number, resourceGroup = 'bench-rg'): Promise<HubFiles> {
  const { file, keys } = generateHub({
    sites,
    seed,
    resourceGroup,
    circuitId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/provider-rg/providers/Microsoft.Network/expressRouteCircuits/bench-erc',
  });
  const checked = dist.validate().validateHub(file, { devices: dist.registry().DEVICES });
  if (!checked.hub) throw new Error(`the generated hub is not valid: ${JSON.stringify(checked.problems.slice(0, 3))}`);
  await fs.mkdir(dir, { recursive: true });
  const hubFile = path.join(dir, 'hub.yaml');
  const factsFile = path.join(dir, 'facts.json');
  await fs.writeFile(hubFile, stringify(file));
  await fs.writeFile(factsFile, dist.factsIo().serializeFacts(factsForHub(checked.hub, keys), true), { mode: 0o600 });
  return { hubFile, factsFile };
}

/** `total` sites as hubs of at most 100 sites, each with its own seed and resource group. */
async function writeSiteSet(dir: string, total: number): Promise<HubFiles[]> {
  const hubs: HubFiles[] = [];
  for (let i = 0; i * SITES_PER_HUB < total; i++) {
    hubs.push(await writeGeneratedHub(path.join(dir, `hub${i + 1}`), Math.min(SITES_PER_HUB, total - i * SITES_PER_HUB), RENDER_SEED + i, `bench-rg-${i + 1}`));
  }
  return hubs;
}

async function renderOnce(dir: string, hubs: HubFiles[], label: string): Promise<RenderRunResult & { wallMs: number }> {
  const out = path.join(dir, `out-${label}`);
  const args = [LAUNCHER, RENDER_CHILD, out, ...hubs.flatMap((h) => [h.hubFile, h.factsFile])];
  const r = mustSucceed('render benchmark child', await run(process.execPath, args, { cwd: dir, env: cleanEnv() }));
  // The output stays until the end: deleting thousands of files between runs slows the next run's writes.
  return { ...(JSON.parse(r.stdout) as RenderRunResult), wallMs: r.wallMs };
}

export async function benchRender(opts: { runs: number }): Promise<{ figures: Figure[]; details: unknown }> {
  const dir = await tempDir('render');
  try {
    const sizes = [10, 100, 1000];
    const bySize: Record<number, Array<RenderRunResult & { wallMs: number }>> = {};
    const inputs: Record<number, HubFiles[]> = {};
    // The child's code cache is made on a hub of its own (not one that is timed).
    await buildRenderChild(await writeGeneratedHub(path.join(dir, 'warm-up'), 10, RENDER_SEED - 1, 'bench-rg-warm-up'));
    for (const n of sizes) {
      inputs[n] = await writeSiteSet(path.join(dir, `sites${n}`), n);
      bySize[n] = [];
      for (let i = 0; i < opts.runs; i++) bySize[n].push(await renderOnce(dir, inputs[n], `${n}-${i}`));
      const last = bySize[n][opts.runs - 1];
      log(`render: ${n} sites: wall ${bySize[n].map((r) => r.wallMs.toFixed(0)).join(', ')} ms; phases of the last run ${roundedJson(last.phasesMs)}, CPU ${roundedJson(last.cpuMs)}`);
    }
    // Rendering again over the last run's bundle: every site folder is checked (links, hand edits) and
    // swapped whole, and the old one removed.
    const again = await renderOnce(dir, inputs[1000], `1000-${opts.runs - 1}`);
    log(`render: 1,000 sites again over the last bundle: wall ${again.wallMs.toFixed(0)} ms; phases ${roundedJson(again.phasesMs)}`);
    const big = bySize[1000];
    const pipeline = (n: number) => median(bySize[n].map((r) => r.pipelineMs));
    const phase = (k: keyof RenderRunResult['phasesMs']) => median(big.map((r) => r.phasesMs[k]));
    const wall = median(big.map((r) => r.wallMs));
    const peakMiB = Math.max(...big.map((r) => r.maxRssKiB)) / 1024;
    const sample = big[0];
    const exponent = (a: number, b: number) => Math.log(pipeline(b) / pipeline(a)) / Math.log(b / a);

    // For information: the real CLI, one `tunnelsmith render` per 100-site hub (it fsyncs every file holding a key).
    let cliMs = 0;
    for (const [i, h] of inputs[1000].entries()) {
      const r = mustSucceed('tunnelsmith render', await run(process.execPath, [CLI, 'render', '--file', h.hubFile, '--facts', h.factsFile, '--out', path.join(dir, 'cli-out', `hub${i + 1}`)], { cwd: dir, env: cleanEnv() }));
      cliMs += r.wallMs;
    }
    const B = 'render';
    const figures: Figure[] = [
      { benchmark: B, name: '1,000 sites: wall, whole run (process start to exit)', value: wall / 1000, unit: 's', target: 1.5, kind: 'max', note: `median of ${opts.runs}; ten 100-site hubs in one process` },
      { benchmark: B, name: '1,000 sites: peak memory (max RSS)', value: peakMiB, unit: 'MiB', target: 200, kind: 'max' },
      { benchmark: B, name: '1,000 sites: files written', value: sample.filesWritten, unit: 'files' },
      { benchmark: B, name: '1,000 sites: per site (its device config set, written)', value: pipeline(1000) / sample.sites, unit: 'ms' },
      { benchmark: B, name: '1,000 sites: per device file', value: pipeline(1000) / sample.deviceFiles, unit: 'ms' },
      ...(['load', 'facts', 'render', 'bundle', 'write'] as const).map((k) => ({ benchmark: B, name: `1,000 sites: phase ${k}`, value: phase(k), unit: 'ms' })),
      ...(['user', 'system'] as const).map((k) => ({ benchmark: B, name: `1,000 sites: CPU ${k}, every thread (info)`, value: median(big.map((r) => r.cpuMs[k])) / 1000, unit: 's' })),
      { benchmark: B, name: '1,000 sites again over the last bundle: wall, whole run (info)', value: again.wallMs / 1000, unit: 's', note: 'one run' },
      { benchmark: B, name: '1,000 sites again over the last bundle: phase write (info)', value: again.phasesMs.write, unit: 'ms' },
      ...sizes.map((n) => ({ benchmark: B, name: `${n} sites: pipeline (read, validate, render, write)`, value: pipeline(n), unit: 'ms' })),
      { benchmark: B, name: 'growth exponent 10 -> 100 sites (1 = linear)', value: exponent(10, 100), unit: '', target: 1.1, kind: 'max', note: 'log(t100/t10)/log(10), pipeline time' },
      { benchmark: B, name: 'growth exponent 100 -> 1,000 sites', value: exponent(100, 1000), unit: '', target: 1.1, kind: 'max' },
      { benchmark: B, name: '1,000 sites: 10 x tunnelsmith render CLI, fsync per key file (info)', value: cliMs / 1000, unit: 's' },
    ];
    return { figures, details: { bySize, again, cliWallMs: cliMs } };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
