/**
 * Two processes of each writing command started together against the emulator, released at the same
 * moment by a gate right before the hub lock (TUNNELSMITH_TEST_LOCK_GATE): exactly one proceeds and the
 * other exits 13 naming it; with --wait-lock both finish. Afterwards the key journal, Azure and the
 * bundle agree, and the emulator's request log shows no write twice (the writes equal a lone run's).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AzureApi } from '../../src/azure/client/api';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import { createSdkApi } from '../../src/azure/client/sdk';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { acquireHubLock } from '../../src/io/hubLock';
import { keyJournalDir, readKeyJournal } from '../../src/io/keyJournal';
import { checkStagedBundle } from '../../src/io/stagedBundle';
import { CLI_CHILD as CHILD, lastJson, runCli } from '../support/cli';

const SUB = '00000000-0000-0000-0000-000000000000';
const DEMO = path.resolve(__dirname, '..', '..', 'fixtures', 'demo');
const SITES = [
  { name: 'hq', cn: 'cn-hq' },
  { name: 'branch', cn: 'cn-branch' },
];

function hubYaml(rg: string): string {
  return `azure:
  subscriptionId: ${SUB}
  resourceGroup: ${rg}
  location: centralus
  vnet:
    name: race-vnet
    addressSpace: [10.60.0.0/16]
    gatewaySubnet: 10.60.255.0/27
  vpnGateway:
    name: race-vgw
    sku: VpnGw1AZ
sites:
  - name: hq
    device: strongswan
    publicIp: 40.50.60.70
    addressSpace: [192.168.0.0/16]
    bgp: { asn: 65010, peerIp: 192.168.255.1 }
  - name: branch
    device: cisco-ios
    publicIp: 40.50.60.71
    addressSpace: [172.16.0.0/16]
`;
}

let emu: RunningEmulator;
let api: AzureApi;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ durations: { gatewayMs: 80, connectionMs: 20, setSharedKeyMs: 40, defaultMs: 2 } });
  api = createSdkApi({ credential: staticTokenCredential(emu.token), subscriptionId: SUB, endpoint: emu.endpoint, ca: emu.caPem, pollIntervalMs: 10 });
  const caDir = newDir();
  writeFileSync(path.join(caDir, 'ca.pem'), emu.caPem);
  env = { TUNNELSMITH_ARM_ENDPOINT: emu.endpoint, TUNNELSMITH_ARM_TOKEN: emu.token, TUNNELSMITH_CA_FILE: path.join(caDir, 'ca.pem'), TUNNELSMITH_POLL_INTERVAL_MS: '10', AZURE_SUBSCRIPTION_ID: SUB };
});
afterAll(async () => {
  await emu.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ts-race-'));
  dirs.push(d);
  return d;
}

/** A folder holding the hub file of resource group `rg`. */
function hubDir(rg: string): string {
  const d = newDir();
  writeFileSync(path.join(d, 'tunnelsmith.yaml'), hubYaml(rg));
  return d;
}

interface Run {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts both commands, lets them reach the lock, then opens the gate for both at once. The one that
 * takes the lock holds it until the other has met it held (exited, or said it waits), then goes on.
 */
async function race(cwd: string, a: string[], b: string[] = a): Promise<[Run, Run]> {
  const work = newDir();
  const gate = path.join(work, 'gate');
  const hold = path.join(work, 'hold');
  let met = false;
  const start = (argv: string[]) => {
    const child = spawn(process.execPath, [CHILD, ...argv], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env, TUNNELSMITH_TEST_LOCK_GATE: gate, TUNNELSMITH_TEST_LOCK_HOLD: hold }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('note: waiting for the lock held by')) met = true;
    });
    const done = new Promise<Run>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        met = true;
        resolve({ pid: child.pid as number, code, stdout, stderr });
      });
    });
    return { pid: child.pid as number, done };
  };
  const children = [start(a), start(b)];
  const until = async (what: string, ok: () => boolean) => {
    for (let waited = 0; !ok(); waited += 5) {
      if (waited > 60_000) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await until('the commands never reached the lock', () => children.every((c) => existsSync(`${gate}.${c.pid}`)));
  writeFileSync(gate, '');
  await until('neither met the lock held', () => met);
  writeFileSync(hold, '');
  const runs = await Promise.all(children.map((c) => c.done));
  return runs as [Run, Run];
}

/** Exactly one proceeded (with `winnerCode`), the other exited 13 naming the winner's pid and command. */
function oneWins(runs: [Run, Run], command: string, winnerCode = 0): Run {
  expect(runs.map((r) => r.code).sort((x, y) => (x ?? -1) - (y ?? -1))).toEqual([winnerCode, 13].sort((x, y) => x - y));
  const winner = runs.find((r) => r.code === winnerCode) as Run;
  const loser = runs.find((r) => r.code === 13) as Run;
  expect(loser.stderr).toContain('error [LockBusy]');
  expect(loser.stderr).toContain(`held by pid ${winner.pid} on ${os.hostname()} (tunnelsmith ${command}, since `);
  expect(loser.stderr).toContain('--wait-lock');
  return winner;
}

/** ARM writes for resource group `rg` since `from`, as `METHOD path` with the group's name masked, sorted. */
function writesOf(rg: string, from: number): string[] {
  return emu.control
    .requestLog()
    .slice(from)
    .filter((e) => e.service === 'arm' && e.method !== 'GET' && e.status >= 200 && e.status < 300 && e.path.toLowerCase().includes(`/resourcegroups/${rg.toLowerCase()}`))
    .map((e) => `${e.method} ${e.path.toLowerCase().split(`/resourcegroups/${rg.toLowerCase()}`).join('/resourcegroups/RG')}`)
    .sort();
}

/** The key journal, Azure and the bundle in `outDir` hold the same key for every site. */
async function keysAgree(cwd: string, rg: string, outDir: string): Promise<void> {
  for (const s of SITES) {
    const entry = await readKeyJournal(keyJournalDir(path.join(cwd, 'tunnelsmith.yaml')), `${rg}/race-vnet`, s.cn);
    const azure = await api.getSharedKey(rg, s.cn);
    expect(entry?.current).toEqual(expect.objectContaining({ key: azure, state: 'active' }));
    expect(await checkStagedBundle(outDir, s.name, azure)).toBeUndefined();
  }
}

const logLength = () => emu.control.requestLog().length;

describe('deploy --out on a new hub, twice at once', () => {
  let lone: string[];
  beforeAll(async () => {
    const d = hubDir('race-lone');
    const from = logLength();
    expect((await runCli(['deploy', '--out', 'out'], { cwd: d, env })).code).toBe(0);
    lone = writesOf('race-lone', from);
    expect(lone.filter((w) => w.startsWith('PUT')).length).toBeGreaterThanOrEqual(7);
  });

  it.each([1, 2])('run %i: one deploys, the other exits 13; journal == Azure == bundle; each write once', async (i) => {
    const rg = `race-deploy-${i}`;
    const d = hubDir(rg);
    const from = logLength();
    oneWins(await race(d, ['deploy', '--out', 'out']), 'deploy');
    expect(writesOf(rg, from)).toEqual(lone);
    await keysAgree(d, rg, path.join(d, 'out'));
  });

  it('with --wait-lock both finish: the second finds nothing to change', async () => {
    const rg = 'race-deploy-wait';
    const d = hubDir(rg);
    const from = logLength();
    const runs = await race(d, ['deploy', '--out', 'out', '--wait-lock=60']);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.filter((r) => r.stdout.includes(`Nothing to change: ${rg}/race-vnet`))).toHaveLength(1);
    expect(runs.filter((r) => r.stderr.includes('note: waiting for the lock held by pid'))).toHaveLength(1);
    expect(writesOf(rg, from)).toEqual(lone);
    await keysAgree(d, rg, path.join(d, 'out'));
  });
});

describe('rotate-key, twice at once', () => {
  const rg = 'race-rotate';
  let d: string;
  const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '30'];
  const rotate = (...argv: string[]) => runCli(['rotate-key', ...argv, '--site', 'hq'], { cwd: d, env });
  const journal = () => readKeyJournal(keyJournalDir(path.join(d, 'tunnelsmith.yaml')), `${rg}/race-vnet`, 'cn-hq');
  const setKeyWrites = (from: number) => writesOf(rg, from).filter((w) => w.endsWith('/sharedkey'));

  beforeAll(async () => {
    d = hubDir(rg);
    expect((await runCli(['deploy'], { cwd: d, env })).code).toBe(0);
  });

  it.each([1])('prepare, run %i: one records a key and stages it, the other exits 13; the staged bundle carries the pending key', async () => {
    const from = logLength();
    oneWins(await race(d, ['rotate-key', 'prepare', '--site', 'hq']), 'rotate-key prepare');
    const pending = (await journal())?.pending?.key as string;
    expect(pending).toBeDefined();
    expect(await checkStagedBundle(path.join(d, 'out', 'next'), 'hq', pending)).toBeUndefined();
    expect(writesOf(rg, from)).toEqual([]);
    expect((await rotate('abort')).code).toBe(0);
  });

  it('prepare with --wait-lock: both finish, the second keeps the first one\'s key', async () => {
    const runs = await race(d, ['rotate-key', 'prepare', '--site', 'hq', '--wait-lock', '--json']);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.map((r) => lastJson(r.stdout).sites[0].reused).sort()).toEqual([false, true]);
    const pending = (await journal())?.pending?.key as string;
    expect(await checkStagedBundle(path.join(d, 'out', 'next'), 'hq', pending)).toBeUndefined();
  });

  it('apply: one sets the key once, the other exits 13; then with --wait-lock both finish, still one set-key', async () => {
    const pending = (await journal())?.pending?.key as string;
    let from = logLength();
    oneWins(await race(d, ['rotate-key', 'apply', '--site', 'hq', ...FAST]), 'rotate-key apply');
    expect(setKeyWrites(from)).toHaveLength(1);
    expect(await api.getSharedKey(rg, 'cn-hq')).toBe(pending);
    expect((await journal())?.current.key).toBe(pending);

    expect((await rotate('prepare')).code).toBe(0);
    const next = (await journal())?.pending?.key as string;
    from = logLength();
    const runs = await race(d, ['rotate-key', 'apply', '--site', 'hq', '--wait-lock=60', ...FAST]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(setKeyWrites(from)).toHaveLength(1);
    expect(await api.getSharedKey(rg, 'cn-hq')).toBe(next);
    expect((await journal())?.current.key).toBe(next);
    expect(await checkStagedBundle(path.join(d, 'out', 'next'), 'hq', next)).toBeUndefined();
  });

  it('rollback and abort: one proceeds, the other exits 13', async () => {
    const previous = (await journal())?.previous?.key as string;
    const from = logLength();
    oneWins(await race(d, ['rotate-key', 'rollback', '--site', 'hq', ...FAST]), 'rotate-key rollback');
    expect(setKeyWrites(from)).toHaveLength(1);
    expect(await api.getSharedKey(rg, 'cn-hq')).toBe(previous);
    expect(await checkStagedBundle(path.join(d, 'out', 'rollback'), 'hq', previous)).toBeUndefined();
    expect((await rotate('prepare')).code).toBe(0);
    oneWins(await race(d, ['rotate-key', 'abort', '--site', 'hq']), 'rotate-key abort');
    expect((await journal())?.pending).toBeUndefined();
  });

  it('apply --all twice at once: the loser exits 13 (no 409), or with --wait-lock waits and confirms', async () => {
    expect((await runCli(['rotate-key', 'prepare', '--all'], { cwd: d, env })).code).toBe(0);
    const from = logLength();
    const runs = await race(d, ['rotate-key', 'apply', '--all', '--wait-lock=60', ...FAST], ['rotate-key', 'apply', '--all', ...FAST]);
    const codes = runs.map((r) => r.code);
    // The one without --wait-lock either won or exited 13; the waiting one always finished.
    expect(codes[0]).toBe(0);
    expect([0, 13]).toContain(codes[1]);
    for (const r of runs) expect(r.stderr).not.toMatch(/409|AnotherOperationInProgress/);
    expect(setKeyWrites(from)).toHaveLength(2);
    await keysAgree(d, rg, path.join(d, 'out', 'next'));
  });
});

describe('render and bundle from a facts file, twice at once', () => {
  let d: string;
  beforeEach(() => {
    d = newDir();
    copyFileSync(path.join(DEMO, 'hub.yaml'), path.join(d, 'tunnelsmith.yaml'));
    copyFileSync(path.join(DEMO, 'facts.json'), path.join(d, 'facts.json'));
  });
  const key = () => (JSON.parse(readFileSync(path.join(DEMO, 'facts.json'), 'utf8')) as { sites: { sharedKey: string }[] }).sites[0]?.sharedKey as string;

  it.each([1, 2])('render, run %i: one writes, the other exits 13; the bundle is complete', async () => {
    oneWins(await race(d, ['render', '--facts', 'facts.json', '--device', 'all']), 'render');
    expect(await checkStagedBundle(path.join(d, 'out'), 'hq', key())).toBeUndefined();
  });

  it('bundle: one writes, the other exits 13; with --wait-lock both write (the same bundle)', async () => {
    oneWins(await race(d, ['bundle', '--facts', 'facts.json']), 'bundle');
    const runs = await race(d, ['bundle', '--facts', 'facts.json', '--wait-lock=60']);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(await checkStagedBundle(path.join(d, 'out'), 'hq', key())).toBeUndefined();
  });

  it('bundle --diff and rotate-key status take no lock: they run while another run holds it; render does not', async () => {
    expect((await runCli(['render', '--facts', 'facts.json'], { cwd: d })).code).toBe(0);
    const lock = await acquireHubLock({ hubFile: path.join(d, 'tunnelsmith.yaml'), resourceGroup: 'ra-hybrid-vpn-er-rg', vnet: 'ra-hybrid-vpn-er-vnet', command: 'deploy' });
    try {
      expect((await runCli(['bundle', '--facts', 'facts.json', '--diff'], { cwd: d })).code).toBe(0);
      expect((await runCli(['rotate-key', 'status', '--offline'], { cwd: d })).code).toBe(0);
      const busy = await runCli(['render', '--facts', 'facts.json'], { cwd: d });
      expect(busy.code).toBe(13);
      expect(busy.stderr).toContain(`held by pid ${process.pid}`);
    } finally {
      lock.release();
    }
  });
});

describe('destroy, import and demo, twice at once', () => {
  it('destroy: one deletes each resource once, the other exits 13; with --wait-lock the second finds nothing', async () => {
    const rg = 'race-destroy';
    const d = hubDir(rg);
    expect((await runCli(['deploy'], { cwd: d, env })).code).toBe(0);
    let from = logLength();
    oneWins(await race(d, ['destroy', '--yes']), 'destroy');
    const deletes = writesOf(rg, from).filter((w) => w.startsWith('DELETE'));
    expect(deletes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(deletes).size).toBe(deletes.length);

    expect((await runCli(['deploy'], { cwd: d, env })).code).toBe(0);
    from = logLength();
    const runs = await race(d, ['destroy', '--yes', '--wait-lock=60']);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.filter((r) => r.stdout.includes('nothing to delete'))).toHaveLength(1);
    const again = writesOf(rg, from).filter((w) => w.startsWith('DELETE'));
    expect(new Set(again).size).toBe(again.length);
  });

  it('import: one writes the hub file, the other exits 13; with --wait-lock and --force both finish', async () => {
    const rg = 'race-import';
    const src = hubDir(rg);
    expect((await runCli(['deploy'], { cwd: src, env })).code).toBe(0);
    const d = newDir();
    const argv = ['import', '--resource-group', rg, '--vnet', 'race-vnet', '--subscription', SUB, '--device', 'strongswan', '--out', 'hub.yaml'];
    oneWins(await race(d, argv), 'import');
    expect(readFileSync(path.join(d, 'hub.yaml'), 'utf8')).toContain(`resourceGroup: ${rg}`);
    const runs = await race(d, [...argv, '--force', '--wait-lock=60']);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    // The file is whole: validate's one error is the BGP site's prefixes, which import leaves to the user
    // (its local network gateway holds none: Azure learns them over BGP).
    const validate = await runCli(['validate', '--file', 'hub.yaml'], { cwd: d });
    expect(validate.code).toBe(3);
    expect(validate.stderr.split('\n').filter((l) => /(^|: )error: /.test(l))).toEqual([expect.stringMatching(/error: sites\[\d\]\.addressSpace: needs at least one prefix \(fix: list the on-premises prefixes the site owns \(for a BGP site: the ones it announces/)]);
  });

  it('demo: one runs, the other exits 13 at once', async () => {
    const d = newDir();
    const runs = await race(d, ['demo', '--gateway-seconds', '0']);
    oneWins(runs, 'demo');
    expect(runs.find((r) => r.code === 0)?.stdout).toMatch(/Failover readiness: READY/);
  });
});
