/** `tunnelsmith deploy`: plan the hub's Azure resources, apply only the difference, optionally render. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors';
import { defineCommand, writeLine, type CliIO, type GlobalArgs } from '../command';
import { withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';

export interface DeployArgs extends AzureCliArgs {
  plan: boolean;
  out?: string;
  device: string;
  redact: boolean;
  archive: boolean;
  force: boolean;
}

export const deployCommand = defineCommand<DeployArgs>({
  command: 'deploy',
  describe: 'Create or update the Azure side of the hub (only what differs); --plan shows the difference',
  builder: (y) =>
    withAzureOptions(y)
      .option('plan', { type: 'boolean', default: false, describe: 'Show what would change and change nothing (exit 10 when changes are pending)' })
      .option('out', { type: 'string', describe: 'After deploying, read back and render the bundle into DIR' })
      .option('device', { type: 'string', default: 'own', describe: "With --out: 'own' (each site's device), 'all', or a device id" })
      .option('redact', { type: 'boolean', default: false, describe: 'With --out: keep the key out of the site folder (<out>/<site>.key)' })
      .option('archive', { type: 'boolean', default: false, describe: 'With --out: also write <out>/<site>.tar.gz' })
      .option('force', { type: 'boolean', default: false, describe: 'With --out: overwrite files edited by hand' }) as unknown as Argv<DeployArgs & GlobalArgs>,
  run: (args, io) => runDeploy(args, io),
});

/** Exported for the demo and tests: `inject` supplies an in-process credential and endpoint. */
export async function runDeploy(args: DeployArgs & GlobalArgs, io: CliIO, inject: AzureInjection & { busyPollMs?: number } = {}): Promise<number> {
  if (args.out) (await import('../../azure/live')).checkDeviceSelection(args.device);
  const { loadHub, connectAzure, sharedKeyChecker } = await import('../azureOptions');
  const { planAzure } = await import('../../azure/plan');
  const loaded = await loadHub(args, io);
  const { hub } = loaded;
  const conn = await connectAzure(hub, args, io, loaded.baseDir, inject);
  const plan = planAzure(hub, conn.endpoints.subscriptionId);

  if (args.plan) {
    const { diffAgainstAzure, throwConflicts, describeResource, summarize } = await import('../../azure/apply');
    const diff = await diffAgainstAzure(conn.api, plan);
    throwConflicts(diff.conflicts);
    const pending = diff.changes.filter((c) => c.action !== 'noop');
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ event: 'plan', hub: plan.hubId, pending: pending.length > 0, changes: diff.changes.map((c) => ({ action: c.action, resource: c.resource.key, fields: c.fields, ...(c.state ? { state: c.state } : {}) })) })}\n`);
    } else {
      writeLine(io.stdout, `Plan for ${plan.hubId} in subscription ${plan.subscriptionId}: ${summarize(diff.changes)}`);
      for (const c of diff.changes) {
        const mark = { create: '+', update: '~', wait: '*', noop: '=' }[c.action];
        const tail = c.action === 'wait' ? ` (${c.state} in Azure; deploy waits for it)` : c.fields.length ? `: ${c.fields.join('; ')}` : '';
        writeLine(io.stdout, `  ${mark} ${c.action.padEnd(6)} ${describeResource(c.resource)}${tail}`);
      }
      if (pending.length === 0) writeLine(io.stdout, 'Nothing to change.');
    }
    return pending.length > 0 ? ExitCode.changesPending : ExitCode.ok;
  }

  const { applyPlan, describeResource } = await import('../../azure/apply');
  const { createJournalKeyStore } = await import('../../azure/sharedKeys');
  const { keyJournalDir } = await import('../../io/keyJournal');
  const { createProgressReporter } = await import('../progress');
  const progress = createProgressReporter(io, { json: args.json });
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let report;
  try {
    report = await applyPlan(plan, {
      api: conn.api,
      hub,
      keys: createJournalKeyStore({ journalDir: keyJournalDir(loaded.file), hubId: plan.hubId, resolveSecret: conn.resolveSecret, checkKey: await sharedKeyChecker() }),
      resolveSecret: conn.resolveSecret,
      onEvent: (e) => progress.onEvent(e),
      signal: controller.signal,
      ...(inject.busyPollMs !== undefined ? { busyPollMs: inject.busyPollMs } : {}),
    });
  } catch (e) {
    progress.close();
    if (controller.signal.aborted) {
      writeLine(io.stderr, 'interrupted: operations already started go on in Azure; run tunnelsmith deploy again to resume');
      return 130;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.close();

  const written = report.changes.filter((c) => c.action !== 'noop');
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ event: 'deployed', hub: plan.hubId, writes: report.writes, changes: written.map((c) => ({ action: c.action, resource: c.resource.key, fields: c.fields })), warnings: report.warnings, waiting: report.waiting })}\n`);
  } else {
    if (written.length === 0) writeLine(io.stdout, `Nothing to change: ${plan.hubId} is as the hub file describes.`);
    else writeLine(io.stdout, `Deployed ${plan.hubId}: ${report.writes} write(s) for ${written.length} resource(s): ${written.map((c) => `${c.action} ${describeResource(c.resource)}`).join(', ')}.`);
    for (const w of report.warnings) writeLine(io.stderr, `warning: ${w.path}: ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
    for (const w of report.waiting) writeLine(io.stdout, `Waiting: ${w.what}: ${w.reason}. Run deploy again once the provider has provisioned it.`);
  }

  if (args.out) {
    const { renderLive } = await import('../../azure/live');
    const files = await renderLive({ loaded, api: conn.api, outDir: args.out, device: args.device, redact: args.redact, archive: args.archive, force: args.force, cwd: io.cwd });
    if (!args.json) {
      writeLine(io.stdout, `Rendered into ${args.out}:`);
      for (const f of files) writeLine(io.stdout, `  ${f}`);
    } else {
      io.stdout.write(`${JSON.stringify({ event: 'rendered', out: args.out, files })}\n`);
    }
  }
  return report.waiting.length > 0 ? ExitCode.waiting : ExitCode.ok;
}
