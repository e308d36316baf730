/**
 * Applies a plan: reads what exists, diffs, and writes only the difference, as a work graph of one node
 * per planned resource (and one for the circuit tunnelsmith creates), independent steps in parallel.
 * Resumable by construction: a second run diffs again, waits for resources still `Updating` instead of
 * writing them again, and writes nothing when all is in place. The two gateways are created at once;
 * where Azure refuses that (409 to the second), the second waits for the first (`resourceStep.ts`). What
 * each node does is in `resourceStep.ts`, `replaceStep.ts` and `circuitStep.ts`.
 */
import { AzureError } from '../../errors';
import { runWithRequestPacing } from '../client/pacing';
import { isAbortError } from '../client/errors';
import type { PlannedResource } from '../resources/contract';
import { startCircuit } from './circuitStep';
import { describeReplacements, diffPlan, summarize, throwConflicts, type Change, type CircuitChange, type DiffExtras, type DiffOutcome } from './diff';
import { WorkGraph } from './graph';
import type { AzurePlan } from './plan';
import { estimateDeployMs } from './estimate';
import { readActualState, readDiffExtras } from './read';
import { runGatewaySubnetRecreate } from './recreate';
import { applyResource } from './resourceStep';
import { circuitReport, DeployRun, type ApplyDeps, type ApplyReport } from './run';
import { checkExistingKeys, prepareSecrets } from './secrets';

/** A node of the deploy graph: a planned resource and its change, or the circuit tunnelsmith creates. */
type Step = { planned: PlannedResource; change: Change } | { circuit: CircuitChange };

/** Reads, diffs and applies the plan. Throws AzureError on a refusal (naming the hub field). */
export async function applyPlan(plan: AzurePlan, deps: ApplyDeps): Promise<ApplyReport> {
  const run = new DeployRun(plan, deps);
  // Every SDK request of the run waits out a 429 or a passing server failure past the SDK's retries.
  return runWithRequestPacing(run.requestPacing, () => applyPaced(run));
}

async function applyPaced(run: DeployRun): Promise<ApplyReport> {
  const { plan, deps } = run;
  let diff = await readAndDiff(run);
  let recreated: string[] | undefined;
  if (diff.recreate && deps.allowRecreate) {
    recreated = await recreateGatewaySubnet(run, diff, deps.allowRecreate);
    diff = await readAndDiff(run);
  }
  throwConflicts(diff.conflicts);
  requireApprovedReplacements(diff, deps.allowReplace ?? []);
  await deps.beforeWrites?.(estimateDeployMs(plan, diff.changes, { ...(deps.circuitWait ? { circuitWaitMs: deps.circuitWait.timeoutMs } : {}) }));
  for (const n of diff.notes) run.warn(n.path, n.message, n.fix);

  // Keys and secrets first: a missing reference fails the run before anything is written.
  const secrets = await prepareSecrets(run, diff.changes);

  const graph = buildGraph(plan, diff);
  await graph.run((n) => ('circuit' in n.data ? startCircuit(run, n.data.circuit) : applyResource(run, n.data.planned, n.data.change, secrets.get(n.id))), {
    onSkipped: (n) => run.event({ type: 'end', id: n.id, outcome: 'skipped', detail: 'waits for a step that could not run' }),
    onFailed: (n, e) => {
      // The circuit's failure does not stop the other steps: it is thrown once they have ended.
      if ('circuit' in n.data) return 'continue';
      // Stop waiting on the others: Azure carries on, and the next run resumes.
      if (!isAbortError(e)) run.stopWaiting('another step failed');
      return 'stop';
    },
  });
  await run.circuitTask;

  await checkExistingKeys(run, diff.changes, (key) => graph.tryNode(key)?.state === 'done');
  return {
    changes: diff.changes,
    writes: run.writes,
    warnings: run.warnings,
    waiting: run.waiting,
    ...(run.circuitReport ? { circuit: run.circuitReport } : {}),
    ...(recreated ? { recreated } : {}),
  };
}

async function readAndDiff(run: DeployRun): Promise<DiffOutcome> {
  run.event({ type: 'start', id: 'read', what: `read what exists in ${run.plan.resourceGroup}`, kind: 'read' });
  let extras: DiffExtras;
  try {
    [run.actual, extras] = await Promise.all([readActualState(run.api, run.plan, { signal: run.signal }), readDiffExtras(run.api, run.plan, { signal: run.signal })]);
  } catch (e) {
    run.event({ type: 'end', id: 'read', outcome: 'failed', detail: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    throw e;
  }
  const diff = diffPlan(run.plan, run.actual, extras);
  if (extras.circuit) run.circuitReport = circuitReport(extras.circuit, false);
  const circuitText = diff.circuit && diff.circuit.action !== 'noop' ? `; circuit ${diff.circuit.circuit.name}: ${diff.circuit.action}` : '';
  run.event({ type: 'end', id: 'read', outcome: 'done', detail: `${summarize(diff.changes)}${circuitText}` });
  return diff;
}

/** Replacements delete what exists: each needs the confirmation of `deploy --allow-recreate`, else nothing is written. */
function requireApprovedReplacements(diff: DiffOutcome, approved: readonly string[]): void {
  const missing = diff.changes.filter((c) => c.action === 'replace' && !approved.includes(c.resource.key));
  if (missing.length === 0) return;
  const lines = describeReplacements(missing, diff.changes);
  throw new AzureError(
    'ReplacementNeedsConfirmation',
    `Azure cannot make ${missing.length === 1 ? 'this change' : 'these changes'} in place; nothing was changed:\n  ${missing.map((c, i) => `${c.replace?.path ?? c.resource.field}: ${lines[i]}`).join('\n  ')}`,
    { field: missing[0].replace?.path ?? missing[0].resource.field },
    'run tunnelsmith deploy --allow-recreate to have tunnelsmith delete and create them again (it shows the steps and asks you to type the hub id; --yes for scripts), or keep what Azure holds in the hub file',
  );
}

/** `--allow-recreate`: the confirmed GatewaySubnet change, and nothing else in conflict; returns what was deleted. */
async function recreateGatewaySubnet(run: DeployRun, diff: DiffOutcome, approved: { from: string; to: string }): Promise<string[]> {
  const r = diff.recreate!;
  if (approved.from !== r.from || approved.to !== r.to) {
    throw new AzureError('RecreateNotApproved', `azure.vnet.gatewaySubnet: the GatewaySubnet change now needed (${r.from} -> ${r.to}) is not the one confirmed (${approved.from} -> ${approved.to})`, { field: 'azure.vnet.gatewaySubnet' }, 'run deploy --allow-recreate again and confirm the steps it shows');
  }
  // Every other conflict still stops the run before anything is deleted.
  throwConflicts(diff.conflicts.filter((p) => p.path !== 'azure.vnet.gatewaySubnet'));
  const deleted = await runGatewaySubnetRecreate(r, { api: run.api, hub: run.deps.hub, keys: run.deps.keys, emit: (e) => run.event(e), wait: run.wait });
  run.writes += deleted.length;
  return deleted;
}

/**
 * One node per planned resource, waiting for its dependencies (the two gateways wait for neither: they
 * are created at once). The circuit tunnelsmith creates goes beside the rest once its resource group
 * exists. What is in place already is done.
 */
function buildGraph(plan: AzurePlan, diff: DiffOutcome): WorkGraph<Step> {
  const graph = new WorkGraph<Step>();
  const rgKey = plan.resources.find((r) => r.kind === 'resourceGroup')?.key;
  if (diff.circuit) {
    graph.addNode(diff.circuit.circuit.key, { circuit: diff.circuit }, { dependsOn: rgKey ? [rgKey] : [], state: diff.circuit.action === 'noop' ? 'done' : 'pending' });
  }
  const planned = new Map(plan.resources.map((r) => [r.key, r]));
  for (const change of diff.changes) {
    const p = planned.get(change.resource.key)!;
    graph.addNode(p.key, { planned: p, change }, { dependsOn: p.dependsOn, state: change.action === 'noop' ? 'done' : 'pending' });
  }
  return graph;
}
