/**
 * Benchmark 4, fleet rotation: a fleet of 10 hubs of 10 sites (decisions.md, "Figures"), one
 * `rotate-key apply --all` (the built CLI) per hub, the hubs at once, against the emulator with a scaled
 * set-key duration and per-subscription throttling on. Azure writes one gateway's connections one at a
 * time, so a hub's sites go one after the other and the fleet's parallelism is across hubs: the lower
 * bound is one hub's sites in a row. Wall time against that bound; no request repeated before its
 * Retry-After.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { RequestLogEntry, ThrottlingOptions } from '../src/emulator/types';
import { CLI, log, mustSucceed, run, tempDir } from './common';
import { startEmulatorForCli } from './deploy';
import { generateHub } from './generateHub';
import { acceptedWritesByTarget, earlyRetries, sortedKinds } from './logAnalysis';
import type { Figure } from './report';

const HUBS = 10;
const SITES_PER_HUB = 10;
const SITES = HUBS * SITES_PER_HUB;
/** Sites a hub's apply --all has in flight (they queue for their gateway's connection writes). */
const CONCURRENCY = 4;
const SET_KEY_MS = 2_000;
/** How long a connection stays Updating after its key changed. */
const SETTLE_MS = 1_000;
const CONFIRM_INTERVAL_S = 0.5;
/**
 * A token bucket per subscription: Azure's refill rate for reads (25/s), with a burst small enough that
 * throttling bites within a 30-s run. The emulator answers 429 with Retry-After: ceil(missing token / refill) s.
 */
const THROTTLING: ThrottlingOptions = { capacity: 50, refillPerSecond: 25 };

/** Retry-After (ms) the emulator's throttle sent: one token missing at `refill` per second, at least 1 s. */
function throttleRetryAfterMs(_e: RequestLogEntry): number {
  return Math.max(1, Math.ceil(1 / THROTTLING.refillPerSecond)) * 1000;
}

/** Sites whose result in `rotate-key --json` output (one JSON document per line; the result is the `rotate-key` line) is an error. */
function countFailedSites(stdout: string): number {
  try {
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; sites?: Array<{ ok?: boolean; error?: unknown; code?: unknown }> });
    const out = lines.find((l) => l.event === 'rotate-key') ?? {};
    return (out.sites ?? []).filter((s) => s.ok === false || s.error !== undefined).length;
  } catch {
    return 0;
  }
}

interface HubDir {
  name: string;
  dir: string;
}

/** Runs `argv` in every hub's folder at once; resolves each run with its hub. */
async function inEveryHub(hubs: readonly HubDir[], argv: (h: HubDir) => string[], env: NodeJS.ProcessEnv) {
  return Promise.all(hubs.map(async (h) => ({ hub: h, run: await run(process.execPath, [CLI, ...argv(h)], { cwd: h.dir, env }) })));
}

export async function benchRotation(): Promise<{ figures: Figure[]; details: unknown }> {
  const dir = await tempDir('rotation');
  const e = await startEmulatorForCli(dir, { gatewayMs: 200, connectionMs: 50, setSharedKeyMs: 50, defaultMs: 20 }, 0);
  try {
    const hubs: HubDir[] = [];
    for (let i = 0; i < HUBS; i++) {
      const h = { name: `hub${i}`, dir: path.join(dir, `hub${i}`) };
      await fs.mkdir(h.dir, { recursive: true });
      const { file } = generateHub({ sites: SITES_PER_HUB, seed: 11 + i, resourceGroup: `rot${i}-rg`, expressRoute: false, activeActive: false });
      await fs.writeFile(path.join(h.dir, 'hub.yaml'), stringify(file));
      hubs.push(h);
    }
    const fast = e.env({ TUNNELSMITH_POLL_INTERVAL_MS: '50' });
    for (const r of await inEveryHub(hubs, () => ['deploy', '--file', 'hub.yaml'], fast)) mustSucceed(`deploy ${r.hub.name} (setup)`, r.run);
    const prepareArgs = () => ['rotate-key', 'prepare', '--all', '--concurrency', String(CONCURRENCY), '--file', 'hub.yaml'];
    const prepared = await inEveryHub(hubs, prepareArgs, fast);
    for (const r of prepared) mustSucceed(`rotate-key prepare --all (${r.hub.name})`, r.run);
    const prepareMs = Math.max(...prepared.map((r) => r.run.wallMs));
    log(`rotation: ${HUBS} hubs of ${SITES_PER_HUB} sites deployed and prepared (prepare ${(prepareMs / 1000).toFixed(1)} s)`);

    e.emu.control.setDurations({ setSharedKeyMs: SET_KEY_MS, connectionMs: SETTLE_MS });
    e.emu.control.setRetryAfter(1);
    e.emu.control.setThrottling(THROTTLING);
    e.emu.control.clearRequestLog();
    const applyArgs = () => ['rotate-key', 'apply', '--all', '--concurrency', String(CONCURRENCY), '--confirm-interval', String(CONFIRM_INTERVAL_S), '--file', 'hub.yaml'];
    // A site whose request was still throttled past the confirm timeout fails; the operator runs apply
    // again for its hub (sites already done are only confirmed). The wall time covers every pass.
    const passes: Array<{ wallMs: number; failedSites: number; hubs: number }> = [];
    let pending = hubs;
    while (passes.length < 3 && pending.length > 0) {
      const runs = await inEveryHub(pending, () => [...applyArgs(), '--json'], e.env());
      const failed = runs.filter((r) => r.run.code !== 0);
      for (const r of failed) if (countFailedSites(r.run.stdout) === 0) mustSucceed(`rotate-key apply --all (${r.hub.name})`, r.run);
      const failedSites = failed.reduce((n, r) => n + countFailedSites(r.run.stdout), 0);
      passes.push({ wallMs: Math.max(...runs.map((r) => r.run.wallMs)), failedSites, hubs: pending.length });
      log(`rotation: apply pass ${passes.length}: ${pending.length} hub(s), ${(passes[passes.length - 1].wallMs / 1000).toFixed(1)} s, ${failedSites} site(s) failed`);
      pending = failed.map((r) => r.hub);
    }
    if (pending.length > 0) throw new Error('rotate-key apply --all did not finish in three passes');
    const apply = { wallMs: passes.reduce((n, p) => n + p.wallMs, 0) };
    const requests = e.emu.control.requestLog();
    const counts = e.emu.control.counts();
    e.emu.control.setThrottling(null);

    // The same rotation once more without throttling: the tool's own overhead over the bound.
    for (const r of await inEveryHub(hubs, prepareArgs, e.env())) mustSucceed(`rotate-key prepare --all, second rotation (${r.hub.name})`, r.run);
    e.emu.control.clearRequestLog();
    const unthrottledRuns = await inEveryHub(hubs, applyArgs, e.env());
    for (const r of unthrottledRuns) mustSucceed(`rotate-key apply --all, no throttling (${r.hub.name})`, r.run);
    const unthrottled = { wallMs: Math.max(...unthrottledRuns.map((r) => r.run.wallMs)) };
    const conflicts = e.emu.control.requestLog().filter((r) => r.status === 409).length + requests.filter((r) => r.status === 409).length;
    log(`rotation: without throttling: apply ${(unthrottled.wallMs / 1000).toFixed(1)} s, ${e.emu.control.counts().requests} requests`);

    const boundMs = SITES_PER_HUB * (SET_KEY_MS + SETTLE_MS);
    const throttled = requests.filter((r) => r.status === 429);
    const early = earlyRetries(requests, throttleRetryAfterMs);
    const keysSet = [...acceptedWritesByTarget(requests).entries()].filter(([k]) => /^PUT .*\/sharedkey$/.test(k));
    log(`rotation: apply ${(apply.wallMs / 1000).toFixed(1)} s, bound ${(boundMs / 1000).toFixed(1)} s, ${throttled.length} throttled of ${requests.length}`);
    const B = 'rotation';
    const figures: Figure[] = [
      { benchmark: B, name: `${HUBS} hubs of ${SITES_PER_HUB} sites, the hubs at once: wall / lower bound`, value: apply.wallMs / boundMs, unit: 'x', note: `bound = ${SITES_PER_HUB} sites of a hub in a row x (set-key ${SET_KEY_MS / 1000} s + settle ${SETTLE_MS / 1000} s); throttling ${THROTTLING.capacity} burst, ${THROTTLING.refillPerSecond}/s` },
      { benchmark: B, name: 'apply --all wall (every hub, every pass)', value: apply.wallMs / 1000, unit: 's' },
      { benchmark: B, name: 'without throttling: wall / lower bound (the tool\'s own overhead)', value: unthrottled.wallMs / boundMs, unit: 'x', note: `wall ${(unthrottled.wallMs / 1000).toFixed(1)} s` },
      { benchmark: B, name: 'lower bound (one hub\'s sites in a row)', value: boundMs / 1000, unit: 's' },
      { benchmark: B, name: 'keys set (one PUT sharedkey per connection)', value: keysSet.length, unit: 'keys', target: SITES, kind: 'equal' },
      { benchmark: B, name: 'most key writes to one connection', value: Math.max(0, ...keysSet.map(([, n]) => n)), unit: '', target: 1, kind: 'equal' },
      { benchmark: B, name: 'answers 409 AnotherOperationInProgress (a gateway\'s connections written at once)', value: conflicts, unit: '', target: 0, kind: 'equal' },
      { benchmark: B, name: 'sites failed on the first pass (throttled past the confirm timeout)', value: passes[0].failedSites, unit: 'sites', target: 0, kind: 'equal', note: `${passes.length} pass(es) of apply --all` },
      { benchmark: B, name: 'requests answered 429 (throttled)', value: throttled.length, unit: `of ${requests.length}` },
      { benchmark: B, name: 'requests repeated before their Retry-After', value: early.length, unit: '', target: 0, kind: 'equal' },
      { benchmark: B, name: 'ARM requests per second', value: requests.length / (apply.wallMs / 1000), unit: '/s' },
      { benchmark: B, name: 'prepare --all wall (new keys, bundles from live facts; the hubs at once)', value: prepareMs / 1000, unit: 's' },
      ...sortedKinds(counts.byKind).map(([k, n]) => ({ benchmark: B, name: `requests ${k}`, value: n, unit: '' })),
    ];
    return { figures, details: { passes, unthrottledMs: unthrottled.wallMs, applyMs: apply.wallMs, boundMs, throttled: throttled.length, early, conflicts, byKind: counts.byKind } };
  } finally {
    await e.emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
