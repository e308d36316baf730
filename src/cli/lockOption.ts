/**
 * `--wait-lock[=SECONDS]` and taking the hub's lock for a command (src/io/hubLock.ts). Light at import
 * time: the lock module is loaded when a command takes the lock.
 */
import type { Argv } from 'yargs';
import type { HubLock } from '../io/hubLock';
import { noteTo, type CliIO } from './command';

/** `--wait-lock` without a number: two hours (the shared wait of Azure's own busy answers). */
export const DEFAULT_LOCK_WAIT_SECONDS = 7200;

export interface WaitLockArgs {
  'wait-lock'?: number;
}

/** Adds `--wait-lock[=SECONDS]`. */
export function withWaitLock<T>(y: Argv<T>): Argv<T & WaitLockArgs> {
  return y.option('wait-lock', {
    // A string, so a bare --wait-lock ('') is told apart from a value that is not a number.
    type: 'string',
    describe: `When another run holds this hub's lock, wait up to SECONDS (default ${DEFAULT_LOCK_WAIT_SECONDS}) instead of failing with exit 13`,
    coerce: (v: unknown) => {
      if (v === undefined) return undefined;
      if (v === '') return DEFAULT_LOCK_WAIT_SECONDS;
      if (!/^\d+(\.\d+)?$/.test(String(v).trim())) throw new Error(`--wait-lock takes a number of seconds (e.g. --wait-lock=600), not ${JSON.stringify(String(v).slice(0, 40))}`);
      return Number(v);
    },
  }) as unknown as Argv<T & WaitLockArgs>;
}

/** Takes the lock of the hub described by `hubFile` for `command`; notes go to stderr. */
export async function lockHub(args: WaitLockArgs, io: CliIO, hub: { hubFile: string; resourceGroup: string; vnet: string }, command: string): Promise<HubLock> {
  const { acquireHubLock } = await import('../io/hubLock');
  // Test-only knobs: two processes meet at the gate, and the one that took the lock holds it until told.
  const gate = io.env.TUNNELSMITH_TEST_LOCK_GATE;
  const held = io.env.TUNNELSMITH_TEST_LOCK_HOLD;
  return acquireHubLock({
    ...hub,
    command,
    ...(args['wait-lock'] !== undefined ? { waitSeconds: args['wait-lock'] } : {}),
    ...(gate ? { gate } : {}),
    ...(held ? { hold: held } : {}),
    onNote: noteTo(io),
  });
}
