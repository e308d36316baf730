/** Runs CLI commands in-process against a harness's emulator, configured as a user would (env + flags). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exec } from '../../src/cli/exec';
import { captureIo } from '../azure/cliIo';
import type { Harness } from './emulator';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export type CliRun = (args: string[], opts?: Parameters<typeof captureIo>[2]) => Promise<CliResult>;

/** The environment pointing the CLI at the emulator (its CA written beside the test's files). */
export async function emulatorEnv(h: Harness): Promise<NodeJS.ProcessEnv> {
  const caFile = path.join(h.dir, 'ca.pem');
  await fs.writeFile(caFile, h.emu.caPem);
  return { TUNNELSMITH_ARM_ENDPOINT: h.emu.endpoint, TUNNELSMITH_ARM_TOKEN: h.emu.token, TUNNELSMITH_CA_FILE: caFile, TUNNELSMITH_POLL_INTERVAL_MS: '10', AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000' };
}

export async function cliRunner(h: Harness): Promise<CliRun> {
  const env = await emulatorEnv(h);
  return async (args, opts = {}) => {
    const io = captureIo(h.dir, env, opts);
    const code = await exec(args, io);
    return { code, out: io.out(), err: io.err() };
  };
}
