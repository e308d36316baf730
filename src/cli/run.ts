/** Runs the CLI in this process: argv in, exit code out (the bin entry, main.ts, loads this). */
import { exec } from './exec';

// A reader that stops early (`tunnelsmith ... | head`) closes the pipe: what is left to print has
// nowhere to go, which is no error of the command (it finishes and keeps its exit code).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

exec(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // process.stdin is made on first use (it loads the stream, tty or net modules): only the commands that
  // ask for a typed confirmation read it.
  get stdin() {
    return process.stdin;
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
