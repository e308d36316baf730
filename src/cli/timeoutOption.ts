/**
 * `--timeout SECONDS`: the one wait a command gives Azure's busy answers (409 AnotherOperationInProgress),
 * resources still being written and throttling, before it gives up with exit 4 (decisions.md, "Lock").
 * `TUNNELSMITH_POLL_INTERVAL_MS` (tests, the benchmarks) also shortens how often a busy resource is read.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors';

/** Two hours: a gateway takes 45 minutes and more, and one may be waited for behind another. */
export const DEFAULT_TIMEOUT_SECONDS = 7200;

export interface TimeoutArgs {
  timeout?: number;
}

export function withTimeout<T>(y: Argv<T>): Argv<T & TimeoutArgs> {
  return y.option('timeout', {
    type: 'number',
    default: DEFAULT_TIMEOUT_SECONDS,
    describe: `Seconds to wait out Azure's busy answers (409 AnotherOperationInProgress), resources still being written and throttling before giving up with exit 4 (default ${DEFAULT_TIMEOUT_SECONDS})`,
  }) as unknown as Argv<T & TimeoutArgs>;
}

/** `--timeout` in ms; a usage error when it is not a positive number of seconds. */
export function timeoutMs(args: TimeoutArgs): number {
  const s = args.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(Number.isFinite(s) && s > 0)) throw new UsageError('BadTimeout', `--timeout ${String(args.timeout)} is not a positive number of seconds`, 'give a number of seconds, e.g. --timeout 7200');
  return Math.round(s * 1000);
}

/** How often a busy resource is read: the default, or TUNNELSMITH_POLL_INTERVAL_MS when smaller. */
export function busyPollFromEnv(env: NodeJS.ProcessEnv, fallback: number): number {
  const n = Number(env.TUNNELSMITH_POLL_INTERVAL_MS);
  return Number.isFinite(n) && n > 0 ? Math.min(n, fallback) : fallback;
}
