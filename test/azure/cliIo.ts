/** A CliIO that captures output, for running commands in-process. */
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/command';

export interface CapturedIo extends CliIO {
  out(): string;
  err(): string;
}

export function captureIo(cwd: string, env: NodeJS.ProcessEnv, opts: { stdinTty?: boolean; input?: string } = {}): CapturedIo {
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
