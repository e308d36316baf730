/**
 * Process helpers for the interop lab: run a command (optionally inside a network namespace) and
 * collect its output, start a long-running daemon with its output in a log file.
 * Lab code, not product code: it runs only as root inside namespaces the lab created.
 */
import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Network namespace to run in (`ip netns exec`). */
  ns?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Do not throw on a non-zero exit; the caller inspects `code`. */
  allowFail?: boolean;
}

export class LabCommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    super(`lab command failed (exit ${result.code}): ${argv.join(' ')}\n${result.stdout}${result.stderr}`.trim());
  }
}

/** argv prefixed for a namespace. */
export function inNs(ns: string | undefined, argv: string[]): string[] {
  return ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
}

/** Runs a command to completion. Throws LabCommandError on a non-zero exit unless `allowFail`. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = inNs(opts.ns, argv);
  return new Promise((resolve, reject) => {
    execFile(
      full[0],
      full.slice(1),
      {
        env: { ...process.env, ...opts.env },
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const errno = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = errno ? (typeof errno.code === 'number' ? errno.code : -1) : 0;
        const result = { code, stdout, stderr };
        if (code !== 0 && !opts.allowFail) reject(new LabCommandError(full, result));
        else resolve(result);
      },
    );
  });
}

/** Runs a shell snippet with `sh -c` (only for lab-built strings, never user input). */
export function sh(script: string, opts: RunOptions = {}): Promise<RunResult> {
  return run(['sh', '-c', script], opts);
}

export interface Daemon {
  pid: number;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

/**
 * Starts a daemon in the foreground (detached from the test's process group), its stdout and stderr
 * appended to `logFile`. The returned pid is the daemon's own (`ip netns exec` and `sh -c ... exec` replace
 * themselves with it).
 */
export function startDaemon(argv: string[], logFile: string, opts: { ns?: string; env?: Record<string, string> } = {}): Daemon {
  const full = inNs(opts.ns, argv);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(full[0], full.slice(1), {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    if (child.pid === undefined) throw new Error(`could not start ${full.join(' ')}`);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.unref();
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs` with the
 * last observation (so a failing wait says what it saw).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? `: last error: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await sleep(intervalMs);
  }
}
