/** `tunnelsmith destroy`: removes what tunnelsmith created for this hub (by its tags), after confirmation. */
import type { Argv } from 'yargs';
import { ExitCode, UsageError } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import type { AzureConnection } from '../../app/connectAzure';
import { openHubSession, withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';
import { busyPollFromEnv, timeoutMs, withTimeout, type TimeoutArgs } from '../timeoutOption';
import { readLine } from '../readLine';

export interface DestroyArgs extends AzureCliArgs, WaitLockArgs, TimeoutArgs {
  yes: boolean;
}

export const destroyCommand = defineCommand<DestroyArgs>({
  command: 'destroy',
  describe: 'Delete the Azure resources tunnelsmith created for this hub (never anything it did not create)',
  builder: (y) =>
    withTimeout(withWaitLock(withAzureOptions(y)))
      .option('yes', { type: 'boolean', default: false, describe: 'Skip the typed confirmation (needed when stdin is not a terminal)' })
      .example('$0 destroy', 'List what tunnelsmith created for the hub, then delete it once you type the hub id')
      .example('$0 destroy --yes', 'The same without the question (scripts, CI); the key journal is kept') as unknown as Argv<DestroyArgs & GlobalArgs>,
  run: (args, io) => runDestroyCommand(args, io),
});

export async function runDestroyCommand(args: DestroyArgs & GlobalArgs, io: CliIO, inject: AzureInjection & { busyPollMs?: number } = {}): Promise<number> {
  timeoutMs(args);
  const { hubLockPlace } = await import('../../app/session');
  const session = await openHubSession(args, io, inject);
  const id = session.hubId;
  const conn = await session.azure();
  const lock = await lockHub(args, io, hubLockPlace(session), 'destroy');
  try {
    return await destroyLocked(args, io, inject, id, conn);
  } finally {
    lock.release();
  }
}

async function destroyLocked(
  args: DestroyArgs & GlobalArgs,
  io: CliIO,
  inject: AzureInjection & { busyPollMs?: number },
  id: string,
  conn: AzureConnection,
): Promise<number> {
  const { readDestroyPlan, runDestroy, describeListed } = await import('../../azure/deploy/destroy');
  const rg = id.split('/')[0] as string;
  const plan = await readDestroyPlan(conn.api, id, rg);
  if (!plan || (plan.steps.length === 0 && !plan.ownsResourceGroup)) {
    const msg = plan ? `nothing to delete: no resource in ${rg} carries the tags of ${id}` : `nothing to delete: resource group ${rg} does not exist`;
    if (args.json) writeJsonLine(io, 'destroyed', { hub: id, deleted: [], message: msg });
    else writeLine(io.stdout, msg);
    return ExitCode.ok;
  }
  if (args.json) {
    writeJsonLine(io, 'plan', { hub: id, delete: plan.steps.map(describeListed), ...(plan.ownsResourceGroup ? { resourceGroup: rg } : {}), kept: plan.kept.map(describeListed) });
  } else {
    writeLine(io.stdout, `tunnelsmith created these for ${id} and will delete them:`);
    for (const s of plan.steps) writeLine(io.stdout, `  - ${describeListed(s)}`);
    if (plan.ownsResourceGroup) writeLine(io.stdout, `  - resource group ${rg} (only if nothing else is left in it)`);
    if (plan.kept.length > 0) writeLine(io.stdout, `kept (not created by tunnelsmith for this hub): ${plan.kept.map(describeListed).join(', ')}`);
  }
  // A static token that would expire while the gateways are being deleted is refused before the question.
  const { estimateDestroyMs } = await import('../../azure/deploy/estimate');
  const { checkTokenOutlastsRun } = await import('../../azure/client/credentials');
  checkTokenOutlastsRun(conn.credential, estimateDestroyMs(plan.steps), 'this destroy');
  if (!args.yes) {
    if (!io.stdin || io.stdin.isTTY !== true) {
      throw new UsageError('ConfirmationNeeded', 'destroy deletes Azure resources and needs a typed confirmation, but stdin is not a terminal', 'run it from a terminal, or pass --yes');
    }
    // With --json, stdout carries only JSON lines: the question goes to the terminal's other stream.
    (args.json ? io.stderr : io.stdout).write(`Type the hub id (${id}) to confirm: `);
    const answer = (await readLine(io.stdin)).trim();
    if (answer !== id) {
      throw new UsageError('ConfirmationMismatch', 'confirmation did not match; nothing was deleted', `type the hub id exactly (${id}), or pass --yes`);
    }
  }
  const { createProgressReporter } = await import('../progress');
  const { BUSY_POLL_MS } = await import('../../azure/deploy/waiting');
  const progress = createProgressReporter(io, { json: args.json });
  let report;
  try {
    report = await runDestroy(plan, { api: conn.api, onEvent: (e) => progress.onEvent(e), busyPollMs: inject.busyPollMs ?? busyPollFromEnv(io.env, BUSY_POLL_MS), busyTimeoutMs: timeoutMs(args) });
  } finally {
    progress.close();
  }
  if (args.json) {
    writeJsonLine(io, 'destroyed', { hub: id, deleted: report.deleted, resourceGroupDeleted: report.resourceGroupDeleted, ...(report.resourceGroupKept ? { resourceGroupKept: report.resourceGroupKept } : {}) });
  } else {
    writeLine(io.stdout, `Deleted ${report.deleted.length} resource(s) of ${id}.`);
    if (report.resourceGroupKept) writeLine(io.stdout, `Resource group ${rg} kept: ${report.resourceGroupKept}.`);
    writeLine(io.stdout, 'The key journal (.tunnelsmith/keys) is kept: a later deploy reuses the generated keys the devices hold.');
  }
  return ExitCode.ok;
}
