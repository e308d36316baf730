/** The hub lock: one holder at a time, busy names the holder (exit 13), waiting, dead holders taken over, release on exit and signals. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, LockBusyError } from '../../src/errors';
import { acquireHubLock, hubLockFile } from '../../src/io/hubLock';
import { TS_REGISTER } from '../support/cli';

let dir: string;
let hubFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-lock-'));
  hubFile = path.join(dir, 'tunnelsmith.yaml');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HUB = { resourceGroup: 'rg1', vnet: 'vnet1' };
const lockFile = () => hubLockFile(hubFile, HUB.resourceGroup, HUB.vnet);

/** A pid that ran on this host and is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('acquireHubLock', () => {
  it('writes .tunnelsmith/locks/<rg>+<vnet>.lock beside the hub file (0600 in 0700 folders) with pid, host, command and time; release removes it', async () => {
    const lock = await acquireHubLock({ hubFile, ...HUB, command: 'deploy' });
    expect(lock.file).toBe(path.join(dir, '.tunnelsmith', 'locks', 'rg1+vnet1.lock'));
    const held = JSON.parse(readFileSync(lock.file, 'utf8')) as Record<string, unknown>;
    expect(held).toEqual({ pid: process.pid, host: os.hostname(), command: 'deploy', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(statSync(lock.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(lock.file)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, '.tunnelsmith')).mode & 0o777).toBe(0o700);
    lock.release();
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('a second taker fails at once with exit 13, naming the holder (pid, command, since when) and --wait-lock', async () => {
    const first = await acquireHubLock({ hubFile, ...HUB, command: 'rotate-key prepare' });
    const err = await acquireHubLock({ hubFile, ...HUB, command: 'deploy' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockBusyError);
    const e = err as LockBusyError;
    expect(e.exitCode).toBe(ExitCode.lockBusy);
    expect(ExitCode.lockBusy).toBe(13);
    expect(e.message).toContain(`pid ${process.pid} on ${os.hostname()} (tunnelsmith rotate-key prepare, since `);
    expect(e.message).toContain('hub rg1/vnet1');
    expect(e.hint).toContain('--wait-lock');
    first.release();
    // Another hub of the same folder has its own lock.
    (await acquireHubLock({ hubFile, resourceGroup: 'rg1', vnet: 'other', command: 'deploy' })).release();
  });

  it('--wait-lock waits for the holder, says so once, then takes the lock; it gives up after the given seconds', async () => {
    const first = await acquireHubLock({ hubFile, ...HUB, command: 'deploy' });
    const notes: string[] = [];
    const started = Date.now();
    setTimeout(() => first.release(), 300);
    const second = await acquireHubLock({ hubFile, ...HUB, command: 'render', waitSeconds: 10, pollMs: 20, onNote: (n) => notes.push(n) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^waiting for the lock held by pid ${process.pid} .*tunnelsmith deploy`))]);
    expect(JSON.parse(readFileSync(second.file, 'utf8')).command).toBe('render');
    const err = await acquireHubLock({ hubFile, ...HUB, command: 'bundle', waitSeconds: 0.2, pollMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockBusyError);
    expect((err as Error).message).toContain('waited 0.2 s');
    second.release();
  });

  it('takes over the lock of a process that no longer runs on this host, and says so', async () => {
    const file = lockFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const pid = deadPid();
    writeFileSync(file, JSON.stringify({ pid, host: os.hostname(), command: 'deploy', since: '2026-01-01T00:00:00.000Z' }));
    const notes: string[] = [];
    const lock = await acquireHubLock({ hubFile, ...HUB, command: 'render', onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringContaining(`took over the lock of pid ${pid} on ${os.hostname()} (tunnelsmith deploy, since 2026-01-01T00:00:00.000Z`)]);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock held on another host; waits for one still being written; takes over one left unfinished long ago', async () => {
    const file = lockFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: 'another-host', command: 'deploy', since: '2026-01-01T00:00:00.000Z' }));
    const elsewhere = await acquireHubLock({ hubFile, ...HUB, command: 'render' }).catch((e: unknown) => e);
    expect((elsewhere as LockBusyError).exitCode).toBe(13);
    expect((elsewhere as LockBusyError).hint).toContain(`delete ${file}`);
    // Created a moment ago and not written yet: looked at again until its holder has written it.
    writeFileSync(file, '');
    setTimeout(() => writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), command: 'deploy', since: '2026-01-01T00:00:00.000Z' })), 100);
    const late = (await acquireHubLock({ hubFile, ...HUB, command: 'render' }).catch((e: unknown) => e)) as LockBusyError;
    expect(late.exitCode).toBe(13);
    expect(late.message).toContain(`held by pid ${process.ppid}`);
    writeFileSync(file, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const notes: string[] = [];
    (await acquireHubLock({ hubFile, ...HUB, command: 'render', onNote: (n) => notes.push(n) })).release();
    expect(notes).toEqual([expect.stringContaining('took over a lock file left unfinished')]);
  });

  it('refuses a symbolic link where the lock or its folder goes', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ts-lock-victim-'));
    chmodSync(elsewhere, 0o755);
    try {
      const file = lockFile();
      mkdirSync(path.dirname(file), { recursive: true });
      symlinkSync(path.join(elsewhere, 'x'), file);
      expect(((await acquireHubLock({ hubFile, ...HUB, command: 'deploy' }).catch((e: unknown) => e)) as { code: string }).code).toBe('LinkRefused');
      expect(existsSync(path.join(elsewhere, 'x'))).toBe(false);
      rmSync(path.join(dir, '.tunnelsmith'), { recursive: true });
      mkdirSync(path.join(dir, '.tunnelsmith'));
      symlinkSync(elsewhere, path.join(dir, '.tunnelsmith', 'locks'));
      expect(((await acquireHubLock({ hubFile, ...HUB, command: 'deploy' }).catch((e: unknown) => e)) as { code: string }).code).toBe('LinkRefused');
      // Never chmodded through the link, nothing created there.
      expect(statSync(elsewhere).mode & 0o777).toBe(0o755);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('release when the process ends', () => {
  const SCRIPT = `
    require(${JSON.stringify(TS_REGISTER)});
    const { acquireHubLock } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'io', 'hubLock.ts'))});
    acquireHubLock({ hubFile: process.argv[1], resourceGroup: 'rg1', vnet: 'vnet1', command: 'deploy' }).then(() => {
      process.stdout.write('held\\n');
      if (process.argv[2] === 'exit') process.exit(0);
      setInterval(() => {}, 1000);
    });`;

  function holder(mode: 'exit' | 'wait'): Promise<{ child: ReturnType<typeof spawn>; done: Promise<NodeJS.Signals | null> }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-e', SCRIPT, hubFile, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      const done = new Promise<NodeJS.Signals | null>((r) => child.on('close', (_c, s) => r(s)));
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('held')) resolve({ child, done });
      });
    });
  }

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s: the lock is released and the process still ends by the signal', async (signal) => {
    const { child, done } = await holder('wait');
    expect(existsSync(lockFile())).toBe(true);
    child.kill(signal);
    expect(await done).toBe(signal);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('process.exit releases it; SIGKILL cannot, and the next taker takes the dead holder\'s lock over', async () => {
    const exited = await holder('exit');
    await exited.done;
    expect(existsSync(lockFile())).toBe(false);
    const killed = await holder('wait');
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(existsSync(lockFile())).toBe(true);
    const notes: string[] = [];
    (await acquireHubLock({ hubFile, ...HUB, command: 'render', onNote: (n) => notes.push(n) })).release();
    expect(notes).toEqual([expect.stringContaining(`took over the lock of pid ${killed.child.pid}`)]);
  });
});
