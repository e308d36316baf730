/**
 * Crash safety with real kills: the CLI runs as a child process and is killed with SIGKILL at every named
 * step of prepare and apply (TUNNELSMITH_CRASH_AT), and once from outside while Azure is still running the
 * set-key operation. A re-run then finishes: no key is lost, and Azure and the journal agree.
 */
import { spawn } from 'node:child_process';
import { readKeyJournal } from '../../src/io/keyJournal';
import { CHECKPOINTS } from '../../src/rotation/ports';
import { CLI_CHILD as CHILD, lastJson, runCli } from '../support/cli';
import { DEPLOYED_HUB_ID as HUB_ID, deployHub, type DeployedHub } from '../support/emulator';

const FAST = ['--confirm-interval', '0.02', '--confirm-timeout', '30'];

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(h: DeployedHub, argv: string[], env: NodeJS.ProcessEnv, onStart?: (kill: () => void) => void): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...argv], { cwd: h.dir, env: { PATH: process.env.PATH, ...h.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(() => child.kill('SIGKILL'));
  });
}

async function azureKey(h: DeployedHub): Promise<string> {
  return h.api.getSharedKey('rot-rg', 'cn-hq');
}


/** The invariant after any kill: the journal knows the key Azure holds and the key from before the rotation. */
async function expectNoKeyLost(h: DeployedHub, original: string): Promise<void> {
  const e = await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq');
  const known = [e?.current.key, e?.previous?.key, e?.pending?.key];
  expect(known).toContain(await azureKey(h));
  expect(known).toContain(original);
}

/** After the re-run: Azure holds the new key, the journal says so, and keeps the original as previous. */
async function expectApplied(h: DeployedHub, original: string): Promise<void> {
  const e = await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq');
  expect((e as { rotation?: { state: string } }).rotation?.state).toBe('applied');
  expect(e?.current.key).toBe(await azureKey(h));
  expect(e?.current.key).not.toBe(original);
  expect(e?.previous?.key).toBe(original);
  expect(e?.pending).toBeUndefined();
}

const killPoints = CHECKPOINTS.filter((p) => p.startsWith('prepare:') || p.startsWith('apply:')).filter((p) => p !== 'apply:vault-stored');

describe('SIGKILL at every step of prepare and apply, then a re-run', () => {
  let h: DeployedHub;
  beforeEach(async () => {
    h = await deployHub();
  });
  afterEach(async () => h.close());

  it.each(killPoints)('killed at %s', async (point) => {
    const original = await azureKey(h);
    const [action] = point.split(':') as ['prepare' | 'apply'];
    if (action === 'apply') expect((await runCli(['rotate-key', 'prepare', '--site', 'hq'], { cwd: h.dir, env: h.env })).code).toBe(0);
    const prepared = action === 'apply' ? (await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq'))?.pending?.key : undefined;

    const killed = await runChild(h, ['rotate-key', action, '--site', 'hq', ...(action === 'apply' ? FAST : [])], { TUNNELSMITH_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    await expectNoKeyLost(h, original);

    if (action === 'prepare') {
      const key = (await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq'))?.pending?.key;
      expect(key).toBeDefined();
      expect(await azureKey(h)).toBe(original);
      const again = await runCli(['rotate-key', 'prepare', '--site', 'hq', '--json'], { cwd: h.dir, env: h.env });
      expect(lastJson(again.stdout).sites[0].reused).toBe(true);
      expect((await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq'))?.pending?.key).toBe(key);
    }
    const finish = await runCli(['rotate-key', 'apply', '--site', 'hq', ...FAST], { cwd: h.dir, env: h.env });
    expect(finish.stderr).not.toMatch(/error/);
    expect(finish.code).toBe(0);
    await expectApplied(h, original);
    if (prepared) expect(await azureKey(h)).toBe(prepared);
    for (const out of [killed.stdout, killed.stderr, finish.stdout, finish.stderr]) {
      expect(out).not.toContain(original);
      expect(out).not.toContain(await azureKey(h));
    }
  });

  it('killed from outside while Azure is still running the set-key operation', async () => {
    const original = await azureKey(h);
    expect((await runCli(['rotate-key', 'prepare', '--site', 'hq'], { cwd: h.dir, env: h.env })).code).toBe(0);
    h.emu.control.setDurations({ setSharedKeyMs: 1500 });
    h.emu.control.clearRequestLog();
    const killed = await runChild(h, ['rotate-key', 'apply', '--site', 'hq', ...FAST], {}, (kill) => {
      const timer = setInterval(() => {
        if (h.emu.control.requestLog().some((r) => r.method === 'PUT' && /sharedkey$/i.test(r.path))) {
          clearInterval(timer);
          kill();
        }
      }, 5);
    });
    expect(killed.signal).toBe('SIGKILL');
    const mid = await readKeyJournal(h.journalDir, HUB_ID, 'cn-hq');
    expect((mid as { rotation?: { state: string } }).rotation?.state).toBe('applying');
    await expectNoKeyLost(h, original);
    h.emu.control.setDurations({ setSharedKeyMs: 20 });
    const finish = await runCli(['rotate-key', 'apply', '--site', 'hq', ...FAST], { cwd: h.dir, env: h.env });
    expect(finish.code).toBe(0);
    await expectApplied(h, original);
    expect(await azureKey(h)).toBe(mid?.pending?.key);
  });
});
