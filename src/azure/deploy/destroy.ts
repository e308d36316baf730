/**
 * `destroy`: removes what tunnelsmith created for one hub, found by its tags (`managed-by: tunnelsmith`,
 * `tunnelsmith-hub: <rg>/<vnet>`), in reverse dependency order: connections, gateways, then local
 * network gateways and public IPs, then the VNet, then the resource group (only when tunnelsmith created
 * it and it is provably empty). Nothing without the tags is ever touched: adopted resources stay.
 */
import type { AzureApi, CallOptions } from '../client/api';
import { isNotFound } from '../client/errors';
import { eventStamper, type ApplyEventBody, type ApplyEventSink } from './events';
import { isOwnedBy, type ListedResource, type NetworkResourceType } from '../client/model';
import { expressRouteCircuit } from '../resources/circuit';
import { ARM_TYPES, armType } from '../resources/table';
import { requestPacingFor, runWithRequestPacing } from '../client/pacing';
import { WorkGraph } from './graph';
import { retryWhileBusy, stillInProgress, waitPolicy, type WaitOptions, type WaitPolicy } from './waiting';
import { compareCodeUnits } from '../../util/compare';

export interface DestroyStep {
  /** Steps of one stage run in parallel; stages run in order. */
  stage: number;
  type: NetworkResourceType;
  name: string;
}

export interface DestroyPlan {
  hubId: string;
  resourceGroup: string;
  steps: DestroyStep[];
  /** Resources of the group that tunnelsmith did not create for this hub (kept). */
  kept: ListedResource[];
  /** The group itself carries this hub's tags. */
  ownsResourceGroup: boolean;
  /**
   * Circuits tunnelsmith created that the provider still has provisioned: Azure deletes a circuit only
   * once the provider has deprovisioned it, so they are kept (with that remedy) and the rest goes.
   */
  heldByProvider?: ListedResource[];
}

function heldByItsProvider(r: ListedResource): boolean {
  return r.type === expressRouteCircuit.arm.type && expressRouteCircuit.heldByProvider(r.serviceProviderProvisioningState);
}

/** The stage in which a resource of this type is deleted (connections first). */
export function destroyStage(type: NetworkResourceType): number {
  return armType(type).destroyStage;
}

/** `gateway ra-vgw`: how destroy names what it lists. */
export function describeListed(r: { type: NetworkResourceType; name: string }): string {
  return `${armType(r.type).label} ${r.name}`;
}

/** Which listed resources to delete, in which stage. Pure. */
export function planDestroy(hubId: string, resourceGroup: string, listed: ListedResource[], groupTags: Record<string, string> | undefined): DestroyPlan {
  const owned = listed.filter((r) => isOwnedBy(r.tags, hubId));
  const kept = listed.filter((r) => !isOwnedBy(r.tags, hubId));
  const held = owned.filter(heldByItsProvider);
  const steps = owned
    .filter((r) => !heldByItsProvider(r))
    .map((r) => ({ stage: destroyStage(r.type), type: r.type, name: r.name }))
    .sort((a, b) => a.stage - b.stage || compareCodeUnits(a.type, b.type) || compareCodeUnits(a.name, b.name));
  return { hubId, resourceGroup, steps, kept, ownsResourceGroup: groupTags !== undefined && isOwnedBy(groupTags, hubId), ...(held.length > 0 ? { heldByProvider: held } : {}) };
}

/** Lists the group and plans the deletions; undefined when the group does not exist. */
export async function readDestroyPlan(api: AzureApi, hubId: string, resourceGroup: string, o?: CallOptions): Promise<DestroyPlan | undefined> {
  const group = await api.getResourceGroup(resourceGroup, o);
  if (!group) return undefined;
  const listed = (await Promise.all(ARM_TYPES.map((t) => api.listByType(resourceGroup, t.type, o)))).flat();
  return planDestroy(hubId, resourceGroup, listed, group.tags);
}

export interface DestroyDeps extends WaitOptions {
  api: AzureApi;
  onEvent?: ApplyEventSink;
}

export interface DestroyReport {
  deleted: string[];
  resourceGroupDeleted: boolean;
  /** Why the group was kept, when tunnelsmith created it but could not delete it. */
  resourceGroupKept?: string;
}

/** Runs a destroy plan: the deletions, then the resource group when it is provably empty. */
export async function runDestroy(plan: DestroyPlan, deps: DestroyDeps): Promise<DestroyReport> {
  const wait = waitPolicy(deps);
  const note = (message: string) => deps.onEvent?.({ type: 'note', level: 'info', message, at: wait.now() });
  // Every request paced: a 429 or a passing server failure past the SDK's retries is waited out.
  const requests = requestPacingFor({ now: wait.now, sleep: (ms) => wait.sleep(ms), throttleTimeoutMs: wait.timeoutMs, note });
  return runWithRequestPacing(requests, () => destroyPaced(plan, deps, wait));
}

async function destroyPaced(plan: DestroyPlan, deps: DestroyDeps, wait: WaitPolicy): Promise<DestroyReport> {
  const now = wait.now;
  const sink = deps.onEvent ?? (() => undefined);
  // Every deletion starts before its state or end: its `what` names them.
  const emit = eventStamper(sink, now, (id) => id);
  const o = { signal: deps.signal };
  const deleted = await runDeletions(
    plan.steps.map((s) => ({ ...s, id: `${s.type}:${s.name}`, what: describeListed(s) })),
    { api: deps.api, resourceGroup: plan.resourceGroup, wait, emit },
  );

  const held = plan.heldByProvider ?? [];
  const heldText = held.length > 0
    ? `${held.map(describeListed).join(', ')} ${held.length === 1 ? 'is' : 'are'} still provisioned by the connectivity provider and Azure deletes a circuit only once the provider has deprovisioned it: ask the provider to deprovision it (give them its service key), then run destroy again`
    : undefined;
  if (!plan.ownsResourceGroup) return { deleted, resourceGroupDeleted: false, ...(heldText ? { resourceGroupKept: heldText } : {}) };
  const contents = await deps.api.listResourceGroupContents(plan.resourceGroup, o);
  if (contents === undefined) return { deleted, resourceGroupDeleted: false, resourceGroupKept: 'the service could not list everything in it, so it is not known to be empty' };
  if (heldText) return { deleted, resourceGroupDeleted: false, resourceGroupKept: heldText };
  if (contents.length > 0) return { deleted, resourceGroupDeleted: false, resourceGroupKept: `it still holds ${contents.length} resource(s) tunnelsmith did not create` };
  const id = `resourceGroup:${plan.resourceGroup}`;
  emit({ type: 'start', id, what: `delete resource group ${plan.resourceGroup}`, kind: 'delete' });
  await deps.api.deleteResourceGroup(plan.resourceGroup, o);
  emit({ type: 'end', id, outcome: 'done' });
  return { deleted: [...deleted, `resource group ${plan.resourceGroup}`], resourceGroupDeleted: true };
}

/** One deletion: its stage, and the event id and words that name it. */
export interface Deletion {
  id: string;
  stage: number;
  type: NetworkResourceType;
  name: string;
  /** `gateway vgw1`, `connection cn-hq`: how events and reports name it. */
  what: string;
}

export interface DeletionDeps {
  api: AzureApi;
  resourceGroup: string;
  wait: WaitPolicy;
  emit: (e: ApplyEventBody) => void;
  /** Why, added to each step's words (`to recreate the GatewaySubnet`). */
  why?: string;
}

/**
 * Deletes in stages: creation goes up the stages (a VNet before its gateways, gateways before their
 * connections), so deletion runs that creation graph reversed, each stage once the one before it is
 * gone and its deletions in parallel, but gateways one at a time, in the given order (Azure serializes
 * gateway operations in one VNet). Returns what was deleted, in the order it finished.
 */
export async function runDeletions(deletions: readonly Deletion[], deps: DeletionDeps): Promise<string[]> {
  const creation = new WorkGraph<Deletion>();
  for (const d of deletions) creation.addNode(d.id, d);
  const stages = [...new Set(deletions.map((d) => d.stage))].sort((a, b) => a - b);
  stages.slice(0, -1).forEach((stage, i) => {
    for (const d of deletions.filter((x) => x.stage === stage)) {
      for (const before of deletions.filter((x) => x.stage === stages[i + 1])) creation.addDependency(d.id, before.id);
    }
  });
  const graph = creation.reversed();
  const gateways = deletions.filter((d) => d.type === 'virtualNetworkGateways');
  gateways.slice(1).forEach((g, i) => graph.addDependency(g.id, gateways[i].id));

  const deleted: string[] = [];
  const o = { signal: deps.wait.signal };
  await graph.run(async ({ data: d }) => {
    deps.emit({ type: 'start', id: d.id, what: `delete ${d.what}${deps.why ? ` (${deps.why})` : ''}`, kind: 'delete' });
    try {
      await deleteWhileBusy(deps.wait, () => deps.api.deleteResource(deps.resourceGroup, d.type, d.name, o), () => deps.emit({ type: 'state', id: d.id, state: 'waiting: another operation is in progress' }));
    } catch (e) {
      deps.emit({ type: 'end', id: d.id, outcome: 'failed', detail: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      throw e;
    }
    deleted.push(d.what);
    deps.emit({ type: 'end', id: d.id, outcome: 'done' });
  });
  return deleted;
}

/** Runs a delete, waiting out `409 AnotherOperationInProgress`; a resource already gone is done. */
export function deleteWhileBusy(wait: WaitPolicy, del: () => Promise<void>, onBusy: () => void): Promise<void> {
  const attempt = () =>
    del().catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  return retryWhileBusy(wait, attempt, {
    onBusy,
    timedOut: () => stillInProgress('another operation kept the resource busy too long', undefined, 'run destroy again later'),
  });
}
