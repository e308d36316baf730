/**
 * Child process of the render benchmark: the `render --facts` pipeline of the CLI (read and validate the
 * hub file, read the facts file and keys, render every site's own device, build the bundles, write them
 * atomically without a per-file fsync), for one or more hubs, timed by phase. Prints one JSON line.
 * The benchmark runs it as the CLI runs: bundled with the CLI's esbuild options and started with its V8
 * code cache (bench/renderChild.ts).
 * Usage: node renderRun.js OUT_DIR HUB_FILE FACTS_FILE [HUB_FILE FACTS_FILE ...]
 */
import path from 'node:path';
import { keysForBundle } from '../src/app/bundleKeys';
import { openHub } from '../src/app/session';
import { buildSiteBundle } from '../src/bundle/build';
import { sha256 } from '../src/bundle/manifest';
import { DEVICES } from '../src/devices/registry';
import { writeBundles } from '../src/io/writeBundle';
import { planRender } from '../src/render/plan';
import { TOOL_VERSION } from '../src/version';

export interface RenderRunResult {
  hubs: number;
  sites: number;
  /** Device files (configs and scripts), without README, manifest and SHA256SUMS. */
  deviceFiles: number;
  filesWritten: number;
  phasesMs: { load: number; facts: number; render: number; bundle: number; write: number };
  /** From reading the hub file to the last file written. */
  pipelineMs: number;
  /** Peak resident set size of this process (KiB). */
  maxRssKiB: number;
  /**
   * CPU time of the whole process (every thread), user and kernel. The kernel's share tells a slow file
   * system apart from slow code: see docs/benchmarks.md on files created soon after many were deleted.
   */
  cpuMs: { user: number; system: number };
}

async function main(): Promise<void> {
  const [outDir, ...inputs] = process.argv.slice(2);
  if (!outDir || inputs.length === 0 || inputs.length % 2 !== 0) throw new Error('usage: renderRun OUT_DIR HUB_FILE FACTS_FILE [HUB_FILE FACTS_FILE ...]');
  const t = () => performance.now();
  const phasesMs = { load: 0, facts: 0, render: 0, bundle: 0, write: 0 };
  // Loading the modules is part of the run: the process start counts in the benchmark's wall time.
  const started = t();
  let sites = 0;
  let deviceFiles = 0;
  let filesWritten = 0;
  for (let i = 0; i < inputs.length; i += 2) {
    const t0 = t();
    const noAzure = { getToken: () => Promise.reject(new Error('the render benchmark never talks to Azure')) };
    const loaded = await openHub({ file: inputs[i], cwd: process.cwd(), env: {}, azure: { credential: noAzure } });
    const hubDigest = sha256(loaded.source);
    const t1 = t();
    const { facts, keys } = await keysForBundle(loaded, path.resolve(inputs[i + 1]), undefined, () => undefined);
    const t2 = t();
    const plan = planRender({ hub: loaded.hub, facts, device: 'own', keys, redact: false }, DEVICES);
    if (!plan.ok) throw new Error(`render refused: ${JSON.stringify(plan.problems.slice(0, 3))}`);
    const t3 = t();
    const bundles = plan.sites.map((s) => ({ site: s.site, files: buildSiteBundle(s, { toolVersion: TOOL_VERSION, hubDigest, redacted: false }) }));
    const t4 = t();
    const written = await writeBundles(bundles, { outDir: inputs.length > 2 ? path.join(outDir, `hub${i / 2 + 1}`) : outDir, force: false, durable: false });
    const t5 = t();
    phasesMs.load += t1 - t0;
    phasesMs.facts += t2 - t1;
    phasesMs.render += t3 - t2;
    phasesMs.bundle += t4 - t3;
    phasesMs.write += t5 - t4;
    sites += plan.sites.length;
    deviceFiles += plan.sites.reduce((n, s) => n + s.devices.reduce((m, d) => m + d.files.length, 0), 0);
    filesWritten += written.reduce((n, w) => n + w.files.length, 0);
  }
  const usage = process.resourceUsage();
  const cpuMs = { user: usage.userCPUTime / 1000, system: usage.systemCPUTime / 1000 };
  const result: RenderRunResult = { hubs: inputs.length / 2, sites, deviceFiles, filesWritten, phasesMs, pipelineMs: t() - started, maxRssKiB: usage.maxRSS, cpuMs };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
