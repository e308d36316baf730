/**
 * rotate-key end to end: the CLI (in-process) with the real SDK against the emulator. The whole cycle,
 * set-key failing in Azure, --all with a failing site, Key Vault versions, and the secret search over
 * every output of every command run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readKeyJournal } from '../../src/io/keyJournal';
import { type CliOutput, jsonLines, lastJson, runCli } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, deployHub, VAULT_KEY_V1, type DeployedHub } from '../support/emulator';

let h: DeployedHub;
const runs: CliOutput[] = [];
const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '20'];

async function rotate(...argv: string[]): Promise<CliOutput> {
  const r = await runCli(['rotate-key', ...argv, ...(['apply', 'rollback'].includes(argv[0] as string) ? FAST : [])], { cwd: h.dir, env: h.env });
  runs.push(r);
  return r;
}

async function journal(connection: string) {
  return readKeyJournal(h.journalDir, HUB_ID, connection);
}

/** Every key the journal has ever held for these connections (collected as the test goes). */
const seenKeys = new Set<string>();
async function collectKeys(): Promise<void> {
  for (const cn of ['cn-hq', 'cn-branch', 'cn-vaulted']) {
    const e = await journal(cn);
    for (const k of [e?.current, e?.previous, e?.pending]) if (k) seenKeys.add(k.key);
    seenKeys.add(await h.api.getSharedKey('rot-rg', cn));
  }
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

beforeAll(async () => {
  h = await deployHub();
});
afterAll(async () => {
  await collectKeys();
  // The secret search: no key in any stdout, stderr, --json output, progress line or error message,
  // and every file holding a key is 0600 inside folders of mode 0700.
  expect(seenKeys.size).toBeGreaterThan(3);
  for (const r of runs) {
    for (const key of seenKeys) {
      expect(r.stdout.includes(key) ? `stdout holds a key: ${r.stdout}` : '').toBe('');
      expect(r.stderr.includes(key) ? `stderr holds a key: ${r.stderr}` : '').toBe('');
    }
  }
  for (const file of filesUnder(h.dir)) {
    const text = readFileSync(file, 'utf8');
    if (![...seenKeys].some((k) => text.includes(k))) continue;
    expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
    expect([path.dirname(file), statSync(path.dirname(file)).mode & 0o777]).toEqual([path.dirname(file), 0o700]);
  }
  await h.close();
});

describe('rotate-key against the emulator', () => {
  it('prepare -> apply -> rollback for one site; Azure and the journal agree at each step', async () => {
    const before = await h.api.getSharedKey('rot-rg', 'cn-hq');
    const p = await rotate('prepare', '--site', 'hq');
    expect(p.code).toBe(0);
    expect(p.stderr).toContain('hq: journal: new key recorded');
    const prepared = await journal('cn-hq');
    const newKey = prepared?.pending?.key as string;
    expect(prepared?.current.key).toBe(before);
    expect(await h.api.getSharedKey('rot-rg', 'cn-hq')).toBe(before);
    const swan = readFileSync(path.join(h.dir, 'out', 'next', 'hq', 'strongswan', 'swanctl.conf'), 'utf8');
    expect(swan).toContain(newKey);
    expect(swan).not.toContain(before);

    const a = await rotate('apply', '--site', 'hq', '--json');
    expect(a.code).toBe(0);
    const report = lastJson(a.stdout) as { sites: { state: string; connectionStatus?: string }[] };
    expect(report.sites[0]?.state).toBe('applied');
    expect(report.sites[0]?.connectionStatus).toBeDefined();
    expect(await h.api.getSharedKey('rot-rg', 'cn-hq')).toBe(newKey);
    const applied = await journal('cn-hq');
    expect(applied?.current.key).toBe(newKey);
    expect(applied?.previous?.key).toBe(before);

    // The device took the new key: the connection comes up.
    h.emu.control.setSiteSharedKey('cn-hq', newKey);
    const st = await rotate('status', '--site', 'hq', '--json');
    expect(lastJson(st.stdout).sites[0]).toMatchObject({ state: 'applied', azure: 'current' });

    // It did not: roll back.
    const r = await rotate('rollback', '--site', 'hq');
    expect(r.code).toBe(0);
    expect(await h.api.getSharedKey('rot-rg', 'cn-hq')).toBe(before);
    const back = await journal('cn-hq');
    expect(back?.current.key).toBe(before);
    expect(back?.previous?.key).toBe(newKey);
    expect(readFileSync(path.join(h.dir, 'out', 'rollback', 'hq', 'strongswan', 'swanctl.conf'), 'utf8')).toContain(before);
    await collectKeys();
  });

  it('Azure failing set-key: exit 4, journal applying with both keys, Azure unchanged; a re-run finishes', async () => {
    const before = await h.api.getSharedKey('rot-rg', 'cn-branch');
    expect((await rotate('prepare', '--site', 'branch')).code).toBe(0);
    h.emu.control.addFault({ kind: 'failOperation', method: 'PUT', path: 'connections/cn-branch/sharedkey', count: 1, code: 'InternalServerError', message: 'simulated failure' });
    const failed = await rotate('apply', '--site', 'branch');
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/branch: error \[/);
    expect(failed.stderr).toContain('branch: next:');
    const mid = await journal('cn-branch');
    expect((mid as { rotation?: { state: string } }).rotation?.state).toBe('applying');
    expect(mid?.current.key).toBe(before);
    expect(await h.api.getSharedKey('rot-rg', 'cn-branch')).toBe(before);
    const st = await rotate('status', '--site', 'branch');
    expect(st.stdout).toContain('apply started but not confirmed');
    const again = await rotate('apply', '--site', 'branch');
    expect(again.code).toBe(0);
    expect(await h.api.getSharedKey('rot-rg', 'cn-branch')).toBe(mid?.pending?.key);
    await collectKeys();
  });

  it('Key Vault: apply stores the new key as a new version of the referenced secret; rollback another', async () => {
    expect((await rotate('prepare', '--site', 'vaulted')).code).toBe(0);
    const a = await rotate('apply', '--site', 'vaulted');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Key Vault version:');
    const azureKey = await h.api.getSharedKey('rot-rg', 'cn-vaulted');
    expect(azureKey).not.toBe(VAULT_KEY_V1);
    expect((await h.secrets.getSecret('vaulted-psk')).value).toBe(azureKey);
    expect((await rotate('rollback', '--site', 'vaulted')).code).toBe(0);
    expect((await h.secrets.getSecret('vaulted-psk')).value).toBe(VAULT_KEY_V1);
    const versions: string[] = [];
    for await (const v of h.secrets.listPropertiesOfSecretVersions('vaulted-psk')) versions.push(v.version as string);
    expect(versions.length).toBe(3);
    await collectKeys();
  });

  it('--all: every site reported, at most --concurrency at once, exit code the worst', async () => {
    expect((await rotate('prepare', '--all', '--concurrency', '2')).code).toBe(0);
    h.emu.control.addFault({ kind: 'failOperation', method: 'PUT', path: 'connections/cn-hq/sharedkey', count: 1, code: 'InternalServerError', message: 'simulated failure' });
    const all = await rotate('apply', '--all', '--concurrency', '2', '--json');
    expect(all.code).toBe(4);
    const report = jsonLines(all.stdout).find((e) => e.event === 'rotate-key') as { exitCode: number; sites: { site: string; ok: boolean; state?: string }[] };
    expect(report.exitCode).toBe(4);
    expect(report.sites.map((s) => [s.site, s.ok])).toEqual([
      ['hq', false],
      ['branch', true],
      ['vaulted', true],
    ]);
    const retry = await rotate('apply', '--site', 'hq');
    expect(retry.code).toBe(0);
    const status = await rotate('status', '--all', '--json');
    const states = (lastJson(status.stdout) as { sites: { site: string; state: string; azure: string }[] }).sites;
    expect(states.map((s) => [s.site, s.state, s.azure])).toEqual([
      ['hq', 'applied', 'current'],
      ['branch', 'applied', 'current'],
      ['vaulted', 'applied', 'current'],
    ]);
    await collectKeys();
  });

  it('apply --all on one gateway: the key changes go one at a time (Azure never answers 409), someone else\'s 409 is waited out', async () => {
    expect((await rotate('prepare', '--all')).code).toBe(0);
    h.emu.control.clearRequestLog();
    h.emu.control.addFault({ kind: '409-another-operation', method: 'PUT', path: 'connections/cn-branch/sharedkey$', count: 2 });
    const all = await rotate('apply', '--all', '--concurrency', '3');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('3 of 3 site(s) done');
    const log = h.emu.control.requestLog();
    expect(log.filter((r) => r.status === 409 && !r.fault)).toEqual([]);
    expect(log.filter((r) => r.fault === '409-another-operation')).toHaveLength(2);
    expect(all.stderr).toMatch(/branch: azure: set key: another operation is in progress on gateway rot-vgw or the connection \(409\); waiting, then again/);
    expect(all.stderr).toMatch(/: azure: queued: Azure writes the connections of gateway rot-vgw one at a time/);
    // Set-key operations never overlapped: each started after the previous one's connection settled.
    const sets = log.filter((r) => r.method === 'PUT' && /\/sharedkey$/.test(r.path) && r.status === 200);
    expect(sets).toHaveLength(3);
    await collectKeys();
  });

  it('a 409 that outlasts --timeout: exit 4 for that site, the journal keeps both keys, a re-run finishes', async () => {
    expect((await rotate('prepare', '--site', 'branch')).code).toBe(0);
    h.emu.control.addFault({ kind: '409-another-operation', method: 'PUT', path: 'connections/cn-branch/sharedkey$', rate: 1 });
    const before = await h.api.getSharedKey('rot-rg', 'cn-branch');
    const r = await rotate('apply', '--site', 'branch', '--timeout', '0.5');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/branch: error \[OperationStillInProgress\]: connection cn-branch: Azure kept answering 409 AnotherOperationInProgress for \d+ s \(another operation on gateway rot-vgw or the connection\); the key was not set/);
    expect(await h.api.getSharedKey('rot-rg', 'cn-branch')).toBe(before);
    const mid = await journal('cn-branch');
    expect((mid as { rotation?: { state: string } }).rotation?.state).toBe('applying');
    expect(mid?.pending?.key).toBeDefined();
    expect(mid?.current.key).toBe(before);
    h.emu.control.clearFaults();
    expect((await rotate('apply', '--site', 'branch')).code).toBe(0);
    await collectKeys();
  });

  it('rides out throttling (429 with Retry-After) on a fleet status', async () => {
    h.emu.control.addFault({ kind: '429-retry-after', method: 'GET', path: 'sharedkey', count: 2, retryAfterSeconds: 0 });
    const st = await rotate('status', '--all', '--json');
    expect(st.code).toBe(0);
    expect((lastJson(st.stdout) as { sites: { azure: string }[] }).sites.map((s) => s.azure)).toEqual(['current', 'current', 'current']);
  });

  it('bundle (live): renders the keys Azure holds, --diff reports nothing new right after, no key printed', async () => {
    const b = await runCli(['bundle', '--device', 'all', '--out', 'handoff', '--archive'], { cwd: h.dir, env: h.env });
    runs.push(b);
    expect(b.code).toBe(0);
    const key = await h.api.getSharedKey('rot-rg', 'cn-branch');
    expect(readFileSync(path.join(h.dir, 'handoff', 'branch', 'cisco-ios', 'azure-vpn.cfg'), 'utf8')).toContain(key);
    const d = await runCli(['bundle', '--device', 'all', '--out', 'handoff', '--diff'], { cwd: h.dir, env: h.env });
    runs.push(d);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('branch: no change');
    await collectKeys();
  });
});
