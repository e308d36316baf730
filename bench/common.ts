/** What every benchmark uses: paths, child processes with wall time, medians, temporary folders. */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (dist-bench/bench/ -> ../..). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** The built CLI the benchmarks run, as users do. */
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command; wall time from spawn to exit. */
export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

/** Fails with the child's output when it did not exit 0. */
export function mustSucceed(what: string, r: ChildRun): ChildRun {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code ?? r.signal}:\n${r.stderr || r.stdout}`);
  return r;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function tempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `tunnelsmith-bench-${label}-`));
}

/** A minimal environment for CLI children: no Azure credentials of the caller leak in. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...extra };
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** JSON of `value` with every number rounded, for log lines. */
export function roundedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v));
}
