/** Reads what exists for a plan, and what `deploy --plan` shows: the difference, without writing anything. */
import { mapLimit } from '../../util/async';
import type { AzureApi, CallOptions } from '../client/api';
import { expressRouteCircuit } from '../resources/circuit';
import { readResource } from '../resources/table';
import { diffPlan, type DiffExtras, type DiffOutcome } from './diff';
import type { AzurePlan } from './plan';

/** Reads in flight at once: enough to be quick, few enough not to trip ARM's throttling with many sites. */
const READ_CONCURRENCY = 12;

/** Reads every planned resource (in parallel); `undefined` for those that do not exist. */
export async function readActualState(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const rg = plan.resources.find((r) => r.kind === 'resourceGroup');
  const group = await api.getResourceGroup(plan.resourceGroup, o);
  if (rg) state[rg.key] = group;
  if (!group) {
    for (const r of plan.resources) state[r.key] = undefined;
    if (rg) state[rg.key] = undefined;
    return state;
  }
  await mapLimit(
    plan.resources.filter((r) => r.kind !== 'resourceGroup'),
    READ_CONCURRENCY,
    async (r) => {
      state[r.key] = await readResource(api, plan.resourceGroup, r, o);
    },
  );
  return state;
}

/**
 * What the diff needs besides the planned resources: the group's connections (to name every connection
 * of a gateway in a remedy) and the circuit tunnelsmith creates, if any. Reads in parallel.
 */
export async function readDiffExtras(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<DiffExtras> {
  const [connections, circuit] = await Promise.all([
    api.listByType(plan.resourceGroup, 'connections', o),
    plan.circuit ? expressRouteCircuit.read(api, plan.circuit.id, o) : Promise.resolve(undefined),
  ]);
  return { connections, ...(circuit ? { circuit } : {}) };
}

/** What `deploy --plan` shows: the difference, without writing anything. */
export async function diffAgainstAzure(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<DiffOutcome> {
  const [actual, extras] = await Promise.all([readActualState(api, plan, o), readDiffExtras(api, plan, o)]);
  return diffPlan(plan, actual, extras);
}
