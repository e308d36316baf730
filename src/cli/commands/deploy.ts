/**
 * `tunnelsmith deploy`: plan the hub's Azure resources, apply only the difference, optionally render.
 * Creates the ExpressRoute circuit when the hub asks for one and prints its service key for the provider;
 * the ExpressRoute connection waits for the provider (exit 12, or `--wait-for-circuit SECONDS`).
 * `--allow-recreate` carries out the GatewaySubnet remedy after a typed confirmation (or `--yes`).
 */
import path from 'node:path';
import type { Argv } from 'yargs';
import type { HubSession } from '../../app/session';
import type { CircuitReport } from '../../azure/deploy/run';
import type { GatewaySubnetRecreate } from '../../azure/deploy/diff';
import { ExitCode, InterruptedError, UsageError } from '../../errors';
import type { DeviceSelection } from '../../render/plan';
import { defineCommand, noteTo, warnTo, writeLine, type CliIO, type GlobalArgs } from '../command';
import { handoffSteps, printNext, type Handoff } from '../nextSteps';
import { writeJsonLine } from '../output';
import { openHubSession, withAzureOptions, type AzureCliArgs, type AzureInjection } from '../azureOptions';
import { lockHub, withWaitLock, type WaitLockArgs } from '../lockOption';
import { busyPollFromEnv, timeoutMs, withTimeout, type TimeoutArgs } from '../timeoutOption';
import { confirmHubId } from '../readLine';

export interface DeployArgs extends AzureCliArgs, WaitLockArgs, TimeoutArgs {
  plan: boolean;
  out?: string;
  device: string;
  redact: boolean;
  archive: boolean;
  force: boolean;
  'wait-for-circuit'?: number;
  'allow-recreate'?: boolean;
  yes?: boolean;
}

/** `--wait-for-circuit` without a number: one hour (providers take hours to days; run again later). */
export const DEFAULT_CIRCUIT_WAIT_SECONDS = 3600;

export const deployCommand = defineCommand<DeployArgs>({
  command: 'deploy',
  describe: 'Create or update the Azure side of the hub (only what differs); --plan shows the difference',
  builder: (y) =>
    withTimeout(withWaitLock(withAzureOptions(y)))
      .option('plan', { type: 'boolean', default: false, describe: 'Show what would change and change nothing (exit 10 when changes are pending)' })
      .option('out', { type: 'string', describe: 'After deploying, read back and render the bundle into DIR' })
      .option('device', { type: 'string', default: 'own', describe: "With --out: 'own' (each site's device), 'all', or a device id" })
      .option('redact', { type: 'boolean', default: false, describe: 'With --out: keep the key out of the site folder (<out>/<site>.key)' })
      .option('archive', { type: 'boolean', default: false, describe: 'With --out: also write <out>/<site>.tar.gz' })
      .option('force', { type: 'boolean', default: false, describe: 'With --out: overwrite files edited by hand' })
      .option('wait-for-circuit', {
        // A string, so a bare --wait-for-circuit ('') is told apart from a value that is not a number.
        type: 'string',
        describe: `Wait up to SECONDS (default ${DEFAULT_CIRCUIT_WAIT_SECONDS}) for the provider to provision the circuit, then connect it (exit 12 when it times out)`,
        coerce: (v: unknown) => {
          if (v === undefined) return undefined;
          if (v === '') return DEFAULT_CIRCUIT_WAIT_SECONDS;
          if (!/^\d+(\.\d+)?$/.test(String(v).trim())) throw new Error(`--wait-for-circuit takes a number of seconds (e.g. 1800), not ${JSON.stringify(String(v).slice(0, 40))}`);
          return Number(v);
        },
      })
      .option('allow-recreate', { type: 'boolean', default: false, describe: 'Carry out what Azure cannot change in place: a GatewaySubnet change (delete the gateways using it, connections first, recreate it, redeploy), a connection\'s protocol (IKEv1/IKEv2: the connection is created again with its shared key), an ExpressRoute gateway SKU downgrade; asks for the hub id' })
      .option('yes', { type: 'boolean', default: false, describe: 'With --allow-recreate: skip the typed confirmation' })
      .example('$0 deploy --plan', 'What deploy would change, changing nothing (exit 10 when something is pending)')
      .example('$0 deploy', 'Create or update what differs; Ctrl-C and run again to resume')
      .example('$0 deploy --out out --device all', "Deploy, then write each site's bundle (every device) into out/ for its team")
      .example('$0 deploy --wait-for-circuit 1800', 'Wait up to 30 minutes for the provider to provision the circuit, then connect it') as unknown as Argv<DeployArgs & GlobalArgs>,
  run: (args, io) => runDeploy(args, io),
});

/**
 * Exported for the demo and tests: `inject` supplies an in-process credential and endpoint, and
 * `lockHeld` says the caller holds the hub's lock already (the demo).
 */
export async function runDeploy(args: DeployArgs & GlobalArgs, io: CliIO, inject: AzureInjection & { busyPollMs?: number; lockHeld?: boolean } = {}): Promise<number> {
  const { parseDeviceSelection } = await import('../../app/deviceSelection');
  const device = parseDeviceSelection(args.device);
  timeoutMs(args);
  const waitSeconds = args['wait-for-circuit'];
  if (waitSeconds !== undefined && !(Number.isFinite(waitSeconds) && waitSeconds >= 0)) {
    throw new UsageError('BadWait', `--wait-for-circuit ${String(waitSeconds)} is not a number of seconds`, 'give a number of seconds, e.g. --wait-for-circuit 1800');
  }
  const { planAzure } = await import('../../azure/deploy/plan');
  const session = await openHubSession(args, io, inject);
  const conn = await session.azure();
  const plan = planAzure(session.hub, conn.endpoints.subscriptionId);

  if (args.plan) {
    if (args.out !== undefined) noteTo(io)(`--plan changes and renders nothing: --out ${args.out} is ignored (deploy --out ${args.out}, without --plan, deploys and then renders)`);
    const { diffAgainstAzure } = await import('../../azure/deploy/read');
    const { throwConflicts, summarize } = await import('../../azure/deploy/diff');
    const { describeResource } = await import('../../azure/resources/table');
    const diff = await diffAgainstAzure(conn.api, plan);
    throwConflicts(diff.conflicts);
    const pending = diff.changes.filter((c) => c.action !== 'noop');
    const circuitPending = diff.circuit !== undefined && diff.circuit.action !== 'noop';
    const mark = { create: '+', update: '~', replace: '-/+', wait: '*', noop: '=' };
    if (args.json) {
      writeJsonLine(io, 'plan', {
        hub: plan.hubId,
        pending: pending.length > 0 || circuitPending,
        changes: diff.changes.map((c) => ({ action: c.action, resource: c.resource.key, what: describeResource(c.resource), fields: c.fields, ...(c.state ? { state: c.state } : {}), ...(c.action === 'replace' ? { needs: '--allow-recreate' } : {}) })),
        ...(diff.notes.length ? { warnings: diff.notes } : {}),
        ...(diff.circuit ? { circuit: { action: diff.circuit.action, resource: diff.circuit.circuit.key, fields: diff.circuit.fields } } : {}),
      });
    } else {
      writeLine(io.stdout, `Plan for ${plan.hubId} in subscription ${plan.subscriptionId}: ${summarize(diff.changes)}`);
      if (diff.circuit) {
        const c = diff.circuit;
        const tail = c.action === 'create' ? ' (then give the provider its service key; the ExpressRoute connection waits until they provision it)' : c.fields.length ? `: ${c.fields.join('; ')}` : '';
        writeLine(io.stdout, `  ${mark[c.action]} ${c.action.padEnd(6)} ExpressRoute circuit ${c.circuit.name}${tail}`);
      }
      for (const c of diff.changes) {
        const tail = c.action === 'wait' ? ` (${c.state} in Azure; deploy waits for it)` : c.fields.length ? `: ${c.fields.join('; ')}` : '';
        writeLine(io.stdout, `  ${mark[c.action]} ${c.action.padEnd(6)} ${describeResource(c.resource)}${tail}`);
      }
      if (pending.length === 0 && !circuitPending) writeLine(io.stdout, 'Nothing to change.');
      if (diff.changes.some((c) => c.action === 'replace')) {
        writeLine(io.stdout, 'Replacements (-/+) delete and create again what Azure cannot change in place; run tunnelsmith deploy --allow-recreate to do them (it shows the steps and asks you to type the hub id; --yes for scripts).');
      }
      for (const n of diff.notes) writeLine(io.stderr, `warning: ${n.path}: ${n.message}${n.fix ? ` (fix: ${n.fix})` : ''}`);
    }
    return pending.length > 0 || circuitPending ? ExitCode.changesPending : ExitCode.ok;
  }

  // From the first read that decides a write to the last file of --out: one run per hub at a time.
  const { hubLockPlace } = await import('../../app/session');
  const lock = inject.lockHeld ? undefined : await lockHub(args, io, hubLockPlace(session), 'deploy');
  try {
    return await deployLocked(args, io, inject, session, plan, device);
  } finally {
    lock?.release();
  }
}

async function deployLocked(
  args: DeployArgs & GlobalArgs,
  io: CliIO,
  inject: AzureInjection & { busyPollMs?: number },
  session: HubSession,
  plan: import('../../azure/deploy/plan').AzurePlan,
  device: DeviceSelection,
): Promise<number> {
  const conn = await session.azure();
  const waitSeconds = args['wait-for-circuit'];
  let allowRecreate: { from: string; to: string } | undefined;
  let allowReplace: string[] | undefined;
  if (args['allow-recreate']) {
    const { diffAgainstAzure } = await import('../../azure/deploy/read');
    const { describeReplacements, throwConflicts } = await import('../../azure/deploy/diff');
    const diff = await diffAgainstAzure(conn.api, plan);
    const replacements = diff.changes.filter((c) => c.action === 'replace');
    if (diff.recreate || replacements.length > 0) {
      const others = diff.conflicts.filter((p) => p.path !== 'azure.vnet.gatewaySubnet');
      throwConflicts(others);
      if (diff.recreate && diff.recreate.undescribed.length > 0) throwConflicts(diff.conflicts);
      if (diff.recreate) printRecreate(diff.recreate, plan.hubId, io, args.json);
      if (replacements.length > 0) printReplacements(describeReplacements(diff.changes), plan.hubId, io, args.json);
      await confirmHubId(plan.hubId, args, io, { needs: '--allow-recreate deletes gateways and connections', question: 'to delete them and go on', nothingDone: 'nothing was changed' });
      if (diff.recreate) allowRecreate = { from: diff.recreate.from, to: diff.recreate.to };
      allowReplace = replacements.map((c) => c.resource.key);
    }
  }

  const { applyPlan } = await import('../../azure/deploy/apply');
  const { checkTokenOutlastsRun, reloadTokenFiles } = await import('../../azure/client/credentials');
  const { BUSY_POLL_MS } = await import('../../azure/deploy/waiting');
  const { describeResource } = await import('../../azure/resources/table');
  const { deployKeys } = await import('../../app/deployKeys');
  const { createProgressReporter } = await import('../progress');
  const progress = createProgressReporter(io, { json: args.json });
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let report;
  try {
    report = await applyPlan(plan, {
      api: conn.api,
      hub: session.hub,
      ...deployKeys(session, warnTo(io, args.json)),
      onEvent: (e) => progress.onEvent(e),
      signal: controller.signal,
      busyPollMs: inject.busyPollMs ?? busyPollFromEnv(io.env, BUSY_POLL_MS),
      busyTimeoutMs: timeoutMs(args),
      ...(waitSeconds !== undefined ? { circuitWait: { timeoutMs: Math.round(waitSeconds * 1000), pollMs: circuitPollMs(io, inject) } } : {}),
      ...(allowRecreate ? { allowRecreate } : {}),
      ...(allowReplace ? { allowReplace } : {}),
      // A static token that would expire mid-run is refused before anything is written (a token file is read again instead).
      beforeWrites: (estimatedMs) => checkTokenOutlastsRun(conn.credential, estimatedMs, 'this deploy'),
      beforeLongWait: () => reloadTokenFiles(conn.credential, conn.vaultCredential),
    });
  } catch (e) {
    progress.close();
    if (controller.signal.aborted) {
      throw new InterruptedError('Interrupted', 'interrupted: operations already started go on in Azure', 'run tunnelsmith deploy again to resume', { cause: e });
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.close();

  const waitingKeys = new Set(report.waiting.map((w) => w.key));
  const written = report.changes.filter((c) => c.action !== 'noop' && !waitingKeys.has(c.resource.key));
  if (args.json) {
    writeJsonLine(io, 'deployed', {
      hub: plan.hubId,
      writes: report.writes,
      changes: written.map((c) => ({ action: c.action, resource: c.resource.key, what: describeResource(c.resource), fields: c.fields })),
      warnings: report.warnings,
      waiting: report.waiting,
      ...(report.circuit ? { circuit: { ...report.circuit, serviceKeyIsSecret: false } } : {}),
      ...(report.recreated ? { recreated: report.recreated } : {}),
    });
  } else {
    if (report.recreated) writeLine(io.stdout, `Deleted to recreate the GatewaySubnet: ${report.recreated.join(', ')}.`);
    if (written.length === 0 && report.writes === 0) writeLine(io.stdout, `Nothing to change: ${plan.hubId} is as the hub file describes.`);
    else writeLine(io.stdout, `Deployed ${plan.hubId}: ${report.writes} write(s)${written.length ? ` for ${written.length} resource(s): ${written.map((c) => `${c.action} ${describeResource(c.resource)}`).join(', ')}` : ''}.`);
    if (report.circuit) printCircuit(report.circuit, io);
    for (const w of report.warnings) writeLine(io.stderr, `warning: ${w.path}: ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
    for (const w of report.waiting) {
      writeLine(io.stdout, `Waiting: ${w.what}: ${w.reason}. Run deploy again once the provider has provisioned it (or deploy --wait-for-circuit SECONDS to wait for it).`);
    }
  }

  if (args.out) {
    const { renderLiveBundle, writtenPaths } = await import('../../app/renderBundle');
    const written = await renderLiveBundle(session, { device, redact: args.redact }, { outDir: path.resolve(io.cwd, args.out), force: args.force, archive: args.archive });
    const files = writtenPaths(written, io.cwd);
    const shown = (p: string) => path.relative(io.cwd, p) || '.';
    const handoffs: Handoff[] = written.map((w) => ({
      site: w.site,
      dir: shown(w.dir),
      devices: [...new Set(w.files.filter((f) => f.includes('/')).map((f) => f.split('/')[0] as string))],
      ...(w.keyFile ? { keyFile: shown(w.keyFile) } : {}),
      ...(w.archive ? { archive: shown(w.archive) } : {}),
    }));
    const next = handoffSteps(handoffs, args.file, report.waiting.length > 0);
    if (args.json) {
      writeJsonLine(io, 'rendered', { out: args.out, files, next });
    } else {
      writeLine(io.stdout, `Rendered into ${args.out}:`);
      for (const f of files) writeLine(io.stdout, `  ${f}`);
      printNext(io, next);
    }
  }
  return report.waiting.length > 0 ? ExitCode.waiting : ExitCode.ok;
}

/** How often `--wait-for-circuit` asks Azure: 30 s, or TUNNELSMITH_POLL_INTERVAL_MS when smaller. */
function circuitPollMs(io: CliIO, inject: { busyPollMs?: number }): number {
  const env = Number(io.env.TUNNELSMITH_POLL_INTERVAL_MS);
  const fromEnv = Number.isFinite(env) && env > 0 ? env : undefined;
  return Math.min(30_000, inject.busyPollMs ?? fromEnv ?? 30_000);
}

/** The circuit block: the service key for the provider (said not to be a secret) and the provider's state. */
export function printCircuit(c: CircuitReport, io: CliIO): void {
  const where = [c.serviceProviderName, c.peeringLocation].filter(Boolean).join(', ');
  writeLine(io.stdout, `ExpressRoute circuit ${c.name}${where ? ` (${where})` : ''}${c.created ? ', created now' : ''}:`);
  if (c.serviceKey) {
    writeLine(io.stdout, `  service key: ${c.serviceKey}`);
    writeLine(io.stdout, `  Give this service key to ${c.serviceProviderName ?? 'the connectivity provider'} to provision the circuit. It is not a secret: it only identifies the circuit.`);
  }
  const state = c.serviceProviderProvisioningState ?? 'unknown';
  const peering = c.privatePeering ? 'Azure private peering configured' : 'no Azure private peering yet';
  writeLine(io.stdout, `  provider state: ${state} (NotProvisioned -> Provisioning -> Provisioned); ${peering}`);
}

function printRecreate(r: GatewaySubnetRecreate, hubId: string, io: CliIO, json: boolean): void {
  if (json) {
    writeJsonLine(io, 'recreate', { hub: hubId, from: r.from, to: r.to, steps: r.steps });
    return;
  }
  writeLine(io.stdout, `The GatewaySubnet of ${hubId} must change from ${r.from} to ${r.to}, and Azure allows that only once the gateways that use it are deleted:`);
  r.steps.forEach((step, i) => writeLine(io.stdout, `  ${i + 1}. ${step}`));
}

function printReplacements(lines: string[], hubId: string, io: CliIO, json: boolean): void {
  if (json) {
    writeJsonLine(io, 'replace', { hub: hubId, steps: lines });
    return;
  }
  writeLine(io.stdout, `Azure cannot make these changes to ${hubId} in place; tunnelsmith deletes and creates again:`);
  lines.forEach((line, i) => writeLine(io.stdout, `  ${i + 1}. ${line}`));
}

