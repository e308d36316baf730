/** `tunnelsmith destroy`: removes what tunnelsmith created for this hub (by its tags), after confirmation. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { writeJsonLine } from '../output';
import type { AzureConnection } from '../../app/connectAzure';
import { openHubSession, withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';
import { busyPollFromEnv, timeoutMs, withTimeout, type TimeoutArgs } from '../timeoutOption';
import { confirmHubId } from '../readLine';

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
  await confirmHubId(id, args, io, { needs: 'destroy deletes Azure resources', question: 'to confirm', nothingDone: 'nothing was deleted' });
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
