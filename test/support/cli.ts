/**
 * The one way tests run the CLI. In-process: the same `exec` the bin uses, with captured output
 * (`runCli`; `cliRunner` points it at a harness's emulator the way a user would, env + flags). As a
 * child process: the real bin entry from the TypeScript sources (`CLI_CHILD`), for tests that kill it
 * or close its pipes (`runCliKilledAfter`).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/command';
import { exec } from '../../src/cli/exec';
import type { RequestLogEntry, RunningEmulator } from '../../src/emulator';
import type { Harness } from './emulator';

// ---- In-process

/** A CliIO that captures output. */
export interface CapturedIo extends CliIO {
  out(): string;
  err(): string;
}

export interface StdinOptions {
  /** stdin claims to be a terminal (typed confirmations). */
  stdinTty?: boolean;
  /** What stdin holds (then it ends). */
  input?: string;
}

export function captureIo(cwd: string, env: NodeJS.ProcessEnv, opts: StdinOptions = {}): CapturedIo {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (opts.stdinTty) stdin.isTTY = true;
  if (opts.input !== undefined) stdin.end(opts.input);
  return { stdout, stderr, stdin, env, cwd, out: () => out, err: () => err };
}

/** What a run printed, and its exit code. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` in-process in `cwd` with only `env` as its environment. A static ARM token is set unless
 * `env` names one, so the Azure credential chain (and its managed-identity probe) is never reached.
 */
export async function runCli(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv } & StdinOptions): Promise<CliOutput> {
  const io = captureIo(opts.cwd, { TUNNELSMITH_ARM_TOKEN: 'test-token', ...opts.env }, opts);
  const code = await exec(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** What a run against a harness printed (short names, as the deploy suites read them). */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export type CliRun = (args: string[], opts?: StdinOptions) => Promise<CliResult>;

/** The environment pointing the CLI at the emulator (its CA written beside the test's files). */
export async function emulatorEnv(h: Harness): Promise<NodeJS.ProcessEnv> {
  const caFile = path.join(h.dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);
  return { TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '10', AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000' };
}

/** `runCli` in the harness's folder, configured for its emulator. */
export async function cliRunner(h: Harness): Promise<CliRun> {
  const env = await emulatorEnv(h);
  return async (args, opts = {}) => {
    const r = await runCli(args, { cwd: h.dir, env, ...opts });
    return { code: r.code, out: r.stdout, err: r.stderr };
  };
}

// ---- As a child process

/** The bin entry run from the TypeScript sources: `spawn(process.execPath, [CLI_CHILD, ...argv])`. */
export const CLI_CHILD = path.join(__dirname, 'cliChild.js');

/** A preload (`node -r TS_REGISTER`) that lets a child process require the TypeScript sources. */
export const TS_REGISTER = path.join(__dirname, 'tsRegister.js');

/** A request of the child as the emulator logged it, and when the test saw it (ms from the child's first request). */
export interface SeenRequest extends RequestLogEntry {
  seenMs: number;
}

/**
 * Where to kill the child: `delayMs` after the emulator answered the `nth` (1-based) of the child's
 * requests that `match` selects. A point in progress, not in time: on a busy machine the
 * child's work between requests slows down, but the kill still lands after the same request.
 */
export interface KillPoint {
  match: (e: RequestLogEntry) => boolean;
  nth: number;
  delayMs: number;
}

/** When the emulator answered a request (epoch ms). */
export function answeredAt(e: RequestLogEntry): number {
  return Date.parse(e.time) + e.durationMs;
}

export interface KilledRun {
  /** True when the process was killed; false when it finished before the kill point. */
  killed: boolean;
  code: number | null;
  output: string;
  /** Milliseconds from the run's first request to its exit (or to the kill). */
  runMs: number;
  /** The child's requests, in the order the emulator logged them. */
  requests: SeenRequest[];
}

/**
 * Runs the CLI (from the sources) in a child process and kills it with SIGKILL at `kill` (never when
 * absent; a preload in `nodeArgs` may kill it too). The emulator runs in this process: its request log
 * is watched every millisecond.
 */
export function runCliKilledAfter(emu: RunningEmulator, argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; kill?: KillPoint; nodeArgs?: string[] }): Promise<KilledRun> {
  let seenTotal = emu.control.counts().requests;
  const requests: SeenRequest[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI_CHILD, ...argv], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let firstRequestAt: number | undefined;
    let matched = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const poll = () => {
      const total = emu.control.counts().requests;
      if (total < seenTotal) seenTotal = 0; // the log was cleared
      if (total === seenTotal) return;
      const now = Date.now();
      firstRequestAt ??= now;
      const fresh = emu.control.requestLog().slice(-(total - seenTotal));
      seenTotal = total;
      for (const e of fresh) {
        requests.push({ ...e, seenMs: now - firstRequestAt });
        if (opts.kill && opts.kill.match(e) && ++matched === opts.kill.nth) {
          // Counted from when the emulator answered, not from when this watch saw it: an operation the
          // request started ends on a timer of this same process, so a kill due before that end always
          // comes first, however late the watch ran.
          timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, answeredAt(e) + opts.kill.delayMs - Date.now()));
        }
      }
    };
    const watch = setInterval(poll, 1);
    const stop = () => {
      poll();
      clearInterval(watch);
      if (timer) clearTimeout(timer);
    };
    child.on('error', (e) => {
      stop();
      reject(e);
    });
    child.on('close', (code, signal) => {
      stop();
      resolve({ killed: signal === 'SIGKILL', code, output, runMs: firstRequestAt === undefined ? 0 : Date.now() - firstRequestAt, requests });
    });
  });
}

/** The documents of `--json` output, one a line. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonLines(out: string): any[] {
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

/** The last `--json` document: the command's result, or its error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lastJson(out: string): any {
  return jsonLines(out).pop();
}
