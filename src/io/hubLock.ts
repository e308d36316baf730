/**
 * One advisory lock per hub: `.tunnelsmith/locks/<resourceGroup>+<vnet>.lock` beside the hub file, a
 * small JSON file holding who holds it (pid, host, command, start time). Every command that writes
 * Azure, the key journal or a bundle takes it first, so two runs never write the same hub at once.
 *
 * Taking it is one atomic create (O_CREAT|O_EXCL, never following a link): exactly one of two processes
 * gets it. A busy lock fails at once with the holder's details, or is waited for (`waitSeconds`). A lock
 * whose pid no longer runs on this host is taken over: it is renamed aside, checked to be the very
 * record judged dead (another process may have taken it over meanwhile, then it is put back), and
 * removed. The lock is released when the command ends, on a normal exit, and on SIGINT/SIGTERM/SIGHUP
 * when the command does not handle that signal itself (then it releases on its way out).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockBusyError } from '../errors';
import { ensureOwnDirSync, O_NOFOLLOW, readFileNoFollow } from './noFollow';

export interface LockHolder {
  pid: number;
  host: string;
  /** E.g. `deploy`, `rotate-key apply`. */
  command: string;
  /** ISO time the holder took the lock. */
  since: string;
}

export interface HubLock {
  file: string;
  /** Removes the lock file (only while it is still this holder's). Safe to call twice. */
  release(): void;
}

export interface AcquireHubLockOptions {
  hubFile: string;
  resourceGroup: string;
  vnet: string;
  command: string;
  /** Wait up to this many seconds for a busy lock; undefined: fail at once (exit 13). */
  waitSeconds?: number;
  /** One line per event worth telling (a dead holder's lock taken over, waiting for a holder). */
  onNote?: (line: string) => void;
  /**
   * Tests (so two processes race for the lock at the same moment): announce arrival as `<gate>.<pid>`,
   * then wait until `<gate>` exists before the first try.
   */
  gate?: string;
  /** Tests: once the lock is taken, hold it until `<hold>` exists (the other process meets it held). */
  hold?: string;
  /** How often a waiting process looks again. */
  pollMs?: number;
}

/** `<dir of the hub file>/.tunnelsmith/locks/<resourceGroup>+<vnet>.lock` (`+` is in no Azure name). */
export function hubLockFile(hubFile: string, resourceGroup: string, vnet: string): string {
  return path.join(path.dirname(path.resolve(hubFile)), '.tunnelsmith', 'locks', `${resourceGroup}+${vnet}.lock`);
}

/** An unreadable lock file younger than this is being written by its creator; older, it is left over. */
const UNREADABLE_GRACE_MS = 5000;

/** Takes the hub's lock, waiting for it when asked; throws LockBusyError (exit 13) naming the holder. */
export async function acquireHubLock(o: AcquireHubLockOptions): Promise<HubLock> {
  const file = hubLockFile(o.hubFile, o.resourceGroup, o.vnet);
  const locks = path.dirname(file);
  // The hub's folder is the user's (import may write a hub file into a new one): created, never re-moded.
  mkdirSync(path.dirname(path.dirname(locks)), { recursive: true });
  ensureOwnDirSync(path.dirname(locks), 0o700);
  ensureOwnDirSync(locks, 0o700);
  if (o.gate) {
    writeFileSync(`${o.gate}.${process.pid}`, '');
    while (!existsSync(o.gate)) await sleep(2);
  }
  const record: LockHolder = { pid: process.pid, host: os.hostname(), command: o.command, since: new Date().toISOString() };
  const text = `${JSON.stringify(record)}\n`;
  const deadline = o.waitSeconds === undefined ? undefined : Date.now() + o.waitSeconds * 1000;
  let told = false;
  for (;;) {
    if (tryCreate(file, text)) {
      const lock = hold(file, text);
      if (o.hold) while (!existsSync(o.hold)) await sleep(2);
      return lock;
    }
    const seen = readLock(file);
    if (seen === undefined) continue; // released in between: try again at once
    const holder = seen.holder;
    if (!holder && seen.ageMs <= UNREADABLE_GRACE_MS) {
      // Created a moment ago and not written yet (the holder writes right after the create): look again.
      await sleep(5);
      continue;
    }
    if (isDead(seen)) {
      if (takeOver(file, seen.raw)) {
        o.onNote?.(holder ? `took over the lock of ${describe(holder)}, which is no longer running (${file})` : `took over a lock file left unfinished (${file})`);
      }
      continue;
    }
    if (deadline === undefined || Date.now() >= deadline) throw busy(file, holder, o);
    if (!told && holder) {
      o.onNote?.(`waiting for the lock held by ${describe(holder)} (up to ${Math.round((deadline - Date.now()) / 1000)} s)`);
      told = true;
    }
    await sleep(Math.min(o.pollMs ?? 200, Math.max(1, deadline - Date.now())));
  }
}

function tryCreate(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface SeenLock {
  raw: string;
  holder?: LockHolder;
  /** ms since the lock file was last changed. */
  ageMs: number;
}

function readLock(file: string): SeenLock | undefined {
  let ageMs = 0;
  let buf: Buffer | undefined;
  try {
    ageMs = Date.now() - lstatSync(file).mtimeMs;
    buf = readFileNoFollow(file, { maxBytes: 64 * 1024 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (buf === undefined) return undefined;
  const raw = buf.toString('utf8');
  return { raw, ageMs, ...(parseHolder(raw) ? { holder: parseHolder(raw) } : {}) };
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder>;
    if (Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.command === 'string' && typeof v.since === 'string') return v as LockHolder;
  } catch {
    // unfinished or foreign: judged by its age
  }
  return undefined;
}

/** A holder on this host whose pid no longer runs; or a lock file nobody finished writing long ago. */
function isDead(seen: SeenLock): boolean {
  const h = seen.holder;
  if (!h) return seen.ageMs > UNREADABLE_GRACE_MS;
  if (h.host !== os.hostname()) return false;
  if (h.pid === process.pid) return !held.has(seen.raw); // our pid, but not our lock: a dead process's
  return !isRunning(h.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the dead holder's file aside and removes it, but only when it is still the record judged dead:
 * a process that took it over in between keeps its lock (its file is put back).
 */
function takeOver(file: string, raw: string): boolean {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const moved = readFileNoFollow(aside)?.toString('utf8');
  if (moved === raw) {
    unlinkSync(aside);
    return true;
  }
  try {
    linkSync(aside, file);
  } catch {
    // a third process holds the lock now; the displaced record's owner finds its lock gone on release
  }
  unlinkSync(aside);
  return false;
}

/** The records this process holds (by content). */
const held = new Set<string>();

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function hold(file: string, text: string): HubLock {
  held.add(text);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(text);
    process.removeListener('exit', release);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    try {
      if (readFileNoFollow(file)?.toString('utf8') === text) unlinkSync(file);
    } catch {
      // gone already, or not ours any more: nothing to release
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // A command that handles the signal (deploy's Ctrl-C) releases on its way out.
    if (process.listenerCount(signal) > 1) return;
    release();
    process.kill(process.pid, signal);
  };
  process.on('exit', release);
  for (const s of SIGNALS) process.on(s, onSignal);
  return { file, release };
}

function describe(h: LockHolder): string {
  const since = Date.parse(h.since);
  const ago = Number.isFinite(since) ? `, ${Math.max(0, Math.round((Date.now() - since) / 1000))} s ago` : '';
  return `pid ${h.pid} on ${h.host} (tunnelsmith ${h.command}, since ${h.since}${ago})`;
}

function busy(file: string, holder: LockHolder | undefined, o: AcquireHubLockOptions): LockBusyError {
  const who = holder ? describe(holder) : 'an unknown process';
  const waited = o.waitSeconds !== undefined ? ` (waited ${o.waitSeconds} s)` : '';
  const elsewhere = holder && holder.host !== os.hostname() ? `; that host is not this one: if that run is gone, delete ${file}` : '';
  return new LockBusyError(
    'LockBusy',
    `another tunnelsmith run is writing hub ${o.resourceGroup}/${o.vnet}: the lock ${file} is held by ${who}${waited}`,
    `let it finish, or run again with --wait-lock[=SECONDS] to wait for it${elsewhere}`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
