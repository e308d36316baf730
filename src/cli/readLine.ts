/** Reading a typed confirmation from standard input. */
import { UsageError } from '../errors';
import type { CliIO } from './io';

/** One line from a stream (the typed confirmation). */
export function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) finish(buf.slice(0, nl));
    };
    const onEnd = () => finish(buf);
    const finish = (line: string) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.pause();
      resolve(line);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.resume();
  });
}

/**
 * A typed confirmation of the hub id before something is deleted: `--yes`, or the id typed on a
 * terminal (with --json the question goes to stderr, stdout carrying only JSON lines). Throws
 * UsageError `ConfirmationNeeded` without a terminal, `ConfirmationMismatch` on another answer.
 */
export async function confirmHubId(
  hubId: string,
  args: { yes?: boolean; json: boolean },
  io: CliIO,
  words: { needs: string; question: string; nothingDone: string },
): Promise<void> {
  if (args.yes) return;
  if (!io.stdin || io.stdin.isTTY !== true) {
    throw new UsageError('ConfirmationNeeded', `${words.needs} and needs a typed confirmation, but stdin is not a terminal`, 'run it from a terminal, or pass --yes');
  }
  (args.json ? io.stderr : io.stdout).write(`Type the hub id (${hubId}) ${words.question}: `);
  if ((await readLine(io.stdin)).trim() !== hubId) {
    throw new UsageError('ConfirmationMismatch', `confirmation did not match; ${words.nothingDone}`, `type the hub id exactly (${hubId}), or pass --yes`);
  }
}
