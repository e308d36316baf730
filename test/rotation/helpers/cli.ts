/** Runs the CLI in-process with captured output (the same exec the bin uses). */
import { Writable } from 'node:stream';
import { exec } from '../../../src/cli/exec';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export async function runCli(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await exec(argv, { stdout, stderr, cwd: opts.cwd, env: { TUNNELSMITH_ARM_TOKEN: 'test-token', ...opts.env } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
