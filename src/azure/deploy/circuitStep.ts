/**
 * The circuit's part of a deploy: the circuit tunnelsmith creates (created, updated or waited for
 * beside the rest), and the provider's side that the ExpressRoute connection waits for: the circuit
 * must be provisioned with private peering before a gateway connects to it.
 */
import { AzureError } from '../../errors';
import { withHubField } from '../client/errors';
import { isBusy, isProviderProvisioned, type CircuitModel } from '../client/model';
import { expressRouteCircuit } from '../resources/circuit';
import type { PlannedOf } from '../resources/contract';
import { describeResource } from '../resources/table';
import type { CircuitChange } from './diff';
import { circuitReport, RESUME_HINT, type DeployRun } from './run';
import { CIRCUIT_POLL_MS, pollUntil, stillInProgress } from './waiting';

/** Starts the circuit step: it runs beside the others, and the ExpressRoute connection's create waits for it. */
export function startCircuit(run: DeployRun, change: CircuitChange): Promise<void> {
  run.circuitTask = applyCircuit(run, change);
  // Awaited by the ExpressRoute connection and after the run; never an unhandled rejection.
  run.circuitTask.catch(() => undefined);
  return run.circuitTask;
}

/** Creates, updates or waits for the circuit tunnelsmith creates. */
async function applyCircuit(run: DeployRun, change: CircuitChange): Promise<void> {
  const c = change.circuit;
  const o = { signal: run.signal };
  if (change.action === 'noop') return;
  if (change.action === 'wait') {
    run.event({ type: 'start', id: c.key, what: `wait for ExpressRoute circuit ${c.name} (${change.state} in Azure)`, kind: 'wait' });
    const cur = await pollUntil(run.wait, {
      read: () => expressRouteCircuit.read(run.api, c.id, o),
      done: (x) => !x || !isBusy(x.provisioningState),
      timedOut: (x) => {
        throw stillInProgress(`ExpressRoute circuit ${c.name} is still ${x?.provisioningState}`, c.field, RESUME_HINT);
      },
    });
    if (cur) run.circuitReport = circuitReport(cur, false);
    run.event({ type: 'end', id: c.key, outcome: 'unchanged', detail: cur ? 'in place' : 'gone' });
    if (cur) return;
  }
  const created = change.action !== 'update';
  const d = c.desired;
  const what = `${created ? 'create' : 'update'} ExpressRoute circuit ${c.name} (${d.serviceProviderName}, ${d.peeringLocation}, ${d.bandwidthInMbps} Mbps, ${d.skuTier}/${d.skuFamily})${change.fields.length ? `: ${change.fields.join('; ')}` : ''}`;
  run.event({ type: 'start', id: c.key, what, kind: created ? 'create' : 'update' });
  let report;
  try {
    const out = await expressRouteCircuit.write(run.api, run.plan.resourceGroup, d, o);
    run.writes++;
    report = run.circuitReport = circuitReport(out, created);
  } catch (e) {
    run.endFailed(c.key, e);
    throw withHubField(e, c.field);
  }
  run.event({ type: 'end', id: c.key, outcome: 'done', detail: `provider state ${report.serviceProviderProvisioningState ?? 'unknown'}` });
}

/**
 * A circuit used with its owner's authorization key belongs to someone else: tunnelsmith never reads it
 * (the identity has no role on it); the connection is created with the circuit's id and the key, and
 * Azure says whether they fit.
 */
export function circuitIsSomeoneElses(run: DeployRun): boolean {
  return run.deps.hub.azure.expressRoute?.authorizationKey !== undefined && !run.plan.circuit;
}

/** The circuit the ExpressRoute connection names; a circuit that does not exist is an error naming the field. */
export async function requireCircuit(run: DeployRun, r: PlannedOf<'erConnection'>): Promise<CircuitModel> {
  const circuitId = r.desired.circuitId!;
  let circuit: CircuitModel | undefined;
  try {
    circuit = await expressRouteCircuit.read(run.api, circuitId, { signal: run.signal });
  } catch (e) {
    if (!(e instanceof AzureError) || e.details.statusCode !== 403) throw e;
    throw new AzureError(
      'CircuitNotReadable',
      `azure.expressRoute.circuitId: this identity may not read the ExpressRoute circuit ${circuitId} (403 ${e.details.azureCode ?? 'AuthorizationFailed'}): it belongs to someone else`,
      { field: 'azure.expressRoute.circuitId', resource: circuitId, statusCode: 403, ...(e.details.azureCode ? { azureCode: e.details.azureCode } : {}) },
      'a circuit owned by another subscription or tenant is connected with an authorization key from its owner: set azure.expressRoute.authorizationKey to a reference to it (tunnelsmith then never reads the circuit); or check circuitId',
      { cause: e },
    );
  }
  if (!circuit) {
    const field = run.plan.circuit ? 'azure.expressRoute.circuit' : 'azure.expressRoute.circuitId';
    throw new AzureError(
      'CircuitNotFound',
      `${field}: the ExpressRoute circuit ${circuitId} does not exist (or this identity cannot read it)`,
      { field, resource: circuitId, statusCode: 404 },
      run.plan.circuit ? 'run deploy again: it creates the circuit' : 'check the circuit id; a circuit in another subscription also needs azure.expressRoute.authorizationKey',
    );
  }
  return circuit;
}

/**
 * The circuit must be provisioned by the provider (with private peering) before a gateway connects.
 * With `circuitWait`, polls until it is (or the wait times out); else the connection waits for a later
 * run, and the run reports it as waiting.
 */
export async function circuitReady(run: DeployRun, r: PlannedOf<'erConnection'>): Promise<boolean> {
  // Someone else's circuit is not read: whether it is provisioned, Azure says when the connection is made.
  if (circuitIsSomeoneElses(run)) return true;
  const field = run.plan.circuit ? 'azure.expressRoute.circuit' : 'azure.expressRoute.circuitId';
  let circuit = await requireCircuit(run, r);
  const ready = (c: CircuitModel) => isProviderProvisioned(c) && c.privatePeering;
  const why = (c: CircuitModel) =>
    isProviderProvisioned(c) ? `circuit ${c.name} has no Azure private peering yet` : `circuit ${c.name} is ${c.serviceProviderProvisioningState ?? 'not provisioned'} at the provider`;
  const wait = run.deps.circuitWait;
  if (!ready(circuit) && wait) {
    const id = `${r.key}:provider`;
    let last = why(circuit);
    run.event({ type: 'start', id, what: `wait for the provider to provision circuit ${circuit.name} (at most ${Math.round(wait.timeoutMs / 1000)} s)`, kind: 'wait' });
    run.event({ type: 'state', id, state: last });
    circuit = await pollUntil(run.wait, {
      first: { value: circuit },
      read: () => requireCircuit(run, r),
      done: ready,
      onValue: (c) => {
        if (why(c) !== last && !ready(c)) run.event({ type: 'state', id, state: (last = why(c)) });
      },
      timeoutMs: wait.timeoutMs,
      pollMs: wait.pollMs ?? CIRCUIT_POLL_MS,
      timedOut: (c) => c,
    });
    run.event({ type: 'end', id, outcome: ready(circuit) ? 'done' : 'skipped', detail: ready(circuit) ? 'provisioned, private peering configured' : `gave up after ${Math.round(wait.timeoutMs / 1000)} s` });
  }
  if (run.circuitReport && run.plan.circuit) run.circuitReport = { ...circuitReport(circuit, run.circuitReport.created) };
  if (ready(circuit)) return true;
  const reason = `${why(circuit)}${wait ? ` (still so after waiting ${Math.round(wait.timeoutMs / 1000)} s)` : ''}`;
  run.waiting.push({ field, what: describeResource(r), reason, key: r.key });
  run.event({ type: 'end', id: r.key, outcome: 'skipped', detail: `waiting: ${reason}` });
  return false;
}
