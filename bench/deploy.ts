/**
 * Benchmark 3, deploy efficiency: `tunnelsmith deploy` (the built CLI) against the emulator with scaled
 * operation durations (gateways 40 s, everything else 2 s, Retry-After 1 s), for the seed's reference hub
 * and a generated 20-site hub. Wall time against the critical-path lower bound, in both of the emulator's
 * modes: the two gateways built at once (the default), and one at a time (`refuseConcurrentGateways`: the
 * second is refused with 409 and deploy builds it after the first). The seed hub's wall with concurrency
 * accepted is also compared with today's sequential bound (decisions.md: the VPN gateway after the
 * ExpressRoute gateway). ARM requests by kind, one write per resource on the first run and none on the
 * second, and the polling interval.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { EmulatorDurations, RunningEmulator } from '../src/emulator/types';
import { CLI, ROOT, cleanEnv, log, median, mustSucceed, run, tempDir } from './common';
import { criticalPath } from './criticalPath';
import { dist } from './dist';
import { generateHub } from './generateHub';
import { acceptedWritesByTarget, armWrites, pollGapsMs, sortedKinds } from './logAnalysis';
import type { Figure } from './report';

export const SUB = '00000000-0000-0000-0000-000000000000';
/**
 * A gateway takes 40 s, everything else 2 s: Azure's gateway takes 45 minutes and the rest a minute or
 * two, so the scale keeps a gateway 20 times as long as the rest (the fixed cost of a run, such as the
 * CLI's start-up before its first request, weighs about as little as in a real deploy).
 */
export const BENCH_DURATIONS: EmulatorDurations = { gatewayMs: 40_000, connectionMs: 2_000, setSharedKeyMs: 2_000, defaultMs: 2_000 };
const RETRY_AFTER_S = 1;

export interface EmulatorForCli {
  emu: RunningEmulator;
  caFile: string;
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/** Starts the emulator in this process and writes its CA for CLI children. */
export async function startEmulatorForCli(dir: string, durations: EmulatorDurations, retryAfterSeconds: number): Promise<EmulatorForCli> {
  const emu = await dist.emulator().startEmulator({ durations, retryAfterSeconds });
  const caFile = path.join(dir, 'emulator-ca.pem');
  await fs.writeFile(caFile, emu.caPem);
  return {
    emu,
    caFile,
    env: (extra = {}) => cleanEnv({ TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_VAULT_TOKEN: emu.vaultToken, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_VAULT_ENDPOINT: emu.vaultEndpoint, ...extra }),
  };
}

interface HubCase {
  label: string;
  /** Folder holding hub.yaml. */
  dir: string;
  env: NodeJS.ProcessEnv;
}

async function seedReferenceCase(dir: string, e: EmulatorForCli): Promise<HubCase> {
  const providerRg = 'ra-hybrid-vpn-er-provider-rg';
  e.emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: providerRg, name: 'ra-hybrid-vpn-er-erc', location: 'centralus' });
  const text = (await fs.readFile(path.join(ROOT, 'fixtures', 'seed-reference', 'hub.yaml'), 'utf8')).replace(
    /resourceGroups\/ra-hybrid-vpn-er-rg\/providers\/Microsoft\.Network\/expressRouteCircuits/,
    `resourceGroups/${providerRg}/providers/Microsoft.Network/expressRouteCircuits`,
  );
  const caseDir = path.join(dir, 'seed-reference');
  await fs.mkdir(caseDir, { recursive: true });
  await fs.writeFile(path.join(caseDir, 'hub.yaml'), text);
  return { label: 'seed reference hub', dir: caseDir, env: { HQ_PSK: 'BenchSeedReferenceKey4Hq8Zr2Lt6Kp0Mx3Bv7Cd9Fg1Js5Ye' } };
}

async function twentySiteCase(dir: string, e: EmulatorForCli): Promise<HubCase> {
  const circuit = e.emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: 'bench20-provider-rg', name: 'bench20-erc', location: 'westeurope' });
  const { file } = generateHub({ sites: 20, seed: 7, resourceGroup: 'bench20-rg', circuitId: circuit.id });
  const caseDir = path.join(dir, 'twenty-sites');
  await fs.mkdir(caseDir, { recursive: true });
  await fs.writeFile(path.join(caseDir, 'hub.yaml'), stringify(file));
  return { label: '20-site hub', dir: caseDir, env: {} };
}

async function deployOnce(c: HubCase, e: EmulatorForCli): Promise<number> {
  e.emu.control.clearRequestLog();
  const r = mustSucceed(`deploy ${c.label}`, await run(process.execPath, [CLI, 'deploy', '--file', 'hub.yaml'], { cwd: c.dir, env: e.env(c.env) }));
  return r.wallMs;
}

type Mode = 'at once' | 'one at a time';

async function measureCase(c: HubCase, e: EmulatorForCli, mode: Mode): Promise<{ figures: Figure[]; details: unknown }> {
  const { hub } = await dist.readHub().readHub({ file: path.join(c.dir, 'hub.yaml'), cwd: c.dir });
  const plan = dist.azurePlan().planAzure(hub, SUB);
  const concurrent = criticalPath(plan, BENCH_DURATIONS);
  const sequential = criticalPath(plan, BENCH_DURATIONS, { gatewaysInSequence: true });
  const bound = mode === 'at once' ? concurrent : sequential;

  const firstMs = await deployOnce(c, e);
  const firstLog = e.emu.control.requestLog();
  const firstCounts = e.emu.control.counts();
  const perTarget = acceptedWritesByTarget(firstLog);
  const gaps = pollGapsMs(firstLog);
  const refusedGateways = firstLog.filter((r) => r.method === 'PUT' && /virtualNetworkGateways\/[^/]+$/.test(r.path) && r.status === 409).length;

  const secondMs = await deployOnce(c, e);
  const secondLog = e.emu.control.requestLog();
  const secondCounts = e.emu.control.counts();
  log(`deploy: ${c.label}, gateways ${mode}: ${(firstMs / 1000).toFixed(1)} s (bound ${(bound.lowerBoundMs / 1000).toFixed(1)} s via ${bound.path.join(' > ')}; sequential bound ${(sequential.lowerBoundMs / 1000).toFixed(1)} s); second run ${(secondMs / 1000).toFixed(1)} s`);

  const B = 'deploy';
  const L = `${c.label}, gateways ${mode}`;
  const figures: Figure[] = [
    { benchmark: B, name: `${L}: wall / critical-path lower bound`, value: firstMs / bound.lowerBoundMs, unit: 'x', target: 1.1, kind: 'max', note: `wall ${(firstMs / 1000).toFixed(1)} s, bound ${(bound.lowerBoundMs / 1000).toFixed(1)} s` },
    ...(mode === 'at once' && c.label === 'seed reference hub'
      ? [{ benchmark: B, name: `${L}: wall / today's sequential bound (VPN gateway after the ExpressRoute gateway)`, value: firstMs / sequential.lowerBoundMs, unit: 'x', target: 0.55, kind: 'max' as const, note: `sequential bound ${(sequential.lowerBoundMs / 1000).toFixed(1)} s` }]
      : []),
    ...(mode === 'one at a time'
      ? [{ benchmark: B, name: `${L}: gateway creates Azure refused (409)`, value: refusedGateways, unit: 'requests', target: 1, kind: 'equal' as const, note: 'one refused request at worst' }]
      : [{ benchmark: B, name: `${L}: gateway creates Azure refused (409)`, value: refusedGateways, unit: 'requests', target: 0, kind: 'equal' as const }]),
    { benchmark: B, name: `${L}: first run wall`, value: firstMs / 1000, unit: 's' },
    { benchmark: B, name: `${L}: critical-path lower bound`, value: bound.lowerBoundMs / 1000, unit: 's', note: bound.path.join(' > ') },
    { benchmark: B, name: `${L}: first run writes`, value: armWrites(firstLog).filter((w) => w.status >= 200 && w.status < 300).length, unit: 'writes', target: plan.resources.length, kind: 'equal', note: 'one per planned resource' },
    { benchmark: B, name: `${L}: first run, most writes to one resource`, value: Math.max(0, ...perTarget.values()), unit: 'writes', target: 1, kind: 'equal' },
    { benchmark: B, name: `${L}: second run writes`, value: armWrites(secondLog).length, unit: 'writes', target: 0, kind: 'equal' },
    { benchmark: B, name: `${L}: second run wall`, value: secondMs / 1000, unit: 's' },
    { benchmark: B, name: `${L}: shortest poll interval (after the first two polls)`, value: gaps.steady.length ? Math.min(...gaps.steady) / 1000 : 0, unit: 's', target: RETRY_AFTER_S - 0.001, kind: 'min', note: `Retry-After ${RETRY_AFTER_S} s; ${gaps.steady.length} intervals` },
    { benchmark: B, name: `${L}: median poll interval`, value: gaps.steady.length ? median(gaps.steady) / 1000 : 0, unit: 's', target: RETRY_AFTER_S * 1.1, kind: 'max' },
    { benchmark: B, name: `${L}: operations polled twice at once after the write (SDK)`, value: gaps.first.filter((g) => g < 100).length, unit: `of ${gaps.first.length}`, note: 'begin*AndWait polls once on start and once more before its first wait' },
    ...sortedKinds(firstCounts.byKind).map(([k, n]) => ({ benchmark: B, name: `${L}: first run requests ${k}`, value: n, unit: '' })),
    { benchmark: B, name: `${L}: first run requests in all`, value: firstCounts.requests, unit: '' },
    { benchmark: B, name: `${L}: second run requests in all`, value: secondCounts.requests, unit: '', note: sortedKinds(secondCounts.byKind).map(([k, n]) => `${k} ${n}`).join(', ') },
  ];
  return { figures, details: { mode, firstMs, secondMs, bound, sequential, refusedGateways, firstByKind: firstCounts.byKind, secondByKind: secondCounts.byKind, pollGapsMs: gaps } };
}

export async function benchDeploy(): Promise<{ figures: Figure[]; details: unknown }> {
  const dir = await tempDir('deploy');
  const e = await startEmulatorForCli(dir, BENCH_DURATIONS, RETRY_AFTER_S);
  try {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const runs: Array<[(d: string, x: EmulatorForCli) => Promise<HubCase>, Mode]> = [
      [seedReferenceCase, 'at once'],
      [seedReferenceCase, 'one at a time'],
      [twentySiteCase, 'at once'],
    ];
    for (const [make, mode] of runs) {
      // A fresh emulator state per run: the seed hub is deployed twice, once per mode.
      e.emu.control.reset();
      e.emu.control.setRules({ refuseConcurrentGateways: mode === 'one at a time' });
      const c = await make(path.join(dir, `${figures.length}`), e);
      const r = await measureCase(c, e, mode);
      figures.push(...r.figures);
      details[`${c.label}, gateways ${mode}`] = r.details;
    }
    return { figures, details };
  } finally {
    await e.emu.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
