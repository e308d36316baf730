/**
 * A reader that stops early (`tunnelsmith ... | head`) closes the pipe under the CLI: what is left to
 * print has nowhere to go, and the command ends quietly with its own exit code (no EPIPE stack trace).
 * The real bin entry in a child process whose stdout (and stderr) are closed before it prints.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CLI_CHILD as CHILD } from '../support/cli';

const HUB = path.resolve(__dirname, '..', '..', 'fixtures', 'demo', 'hub.yaml');

function runClosed(argv: string[], close: Array<'stdout' | 'stderr'>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    if (close.includes('stdout')) child.stdout.destroy();
    if (close.includes('stderr')) child.stderr.destroy();
    else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('output into a pipe that closes early', () => {
  it('stdout closed (| head): the command keeps its exit code and prints no EPIPE error', async () => {
    for (const argv of [['--help'], ['validate', '--file', HUB, '--json'], ['rotate-key', '--help']]) {
      const r = await runClosed(argv, ['stdout']);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/EPIPE|Error:|at .*\.ts:\d+/);
    }
  });

  it('stdout and stderr closed (2>&1 | head): an error exit keeps its code, not a crash', async () => {
    const r = await runClosed(['validate', '--file', path.join(__dirname, 'no-such-hub.yaml')], ['stdout', 'stderr']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
  });
});
