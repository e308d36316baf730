/**
 * How long a deploy will take at Azure's documented durations (azure-facts.md section 5: a gateway takes
 * 45 minutes or more; a policy applies in about a minute): the critical path of the work graph, with a
 * gateway's connections written one after the other. Used to refuse a static token that would expire
 * before the run ends. Pure.
 */
import type { NetworkResourceType } from '../client/model';
import { RESOURCE_KINDS } from '../resources/table';
import type { Change } from './diff';
import type { AzurePlan } from './plan';

export const GATEWAY_WRITE_MS = 45 * 60 * 1000;
export const CONNECTION_WRITE_MS = 2 * 60 * 1000;
export const OTHER_WRITE_MS = 60 * 1000;

export interface EstimateOptions {
  /** `--wait-for-circuit`: the ExpressRoute connection may wait this long for the provider. */
  circuitWaitMs?: number;
  /** The two gateways go one after the other (Azure refused them at once). */
  gatewaysInSequence?: boolean;
}

/** How long one write or delete of an ARM type takes at Azure's documented durations. */
function operationMs(type: NetworkResourceType | undefined): number {
  return type === 'virtualNetworkGateways' ? GATEWAY_WRITE_MS : type === 'connections' ? CONNECTION_WRITE_MS : OTHER_WRITE_MS;
}

/** How long one change takes at Azure's documented durations (0: nothing to do). */
export function changeDurationMs(c: Change): number {
  if (c.action === 'noop') return 0;
  const one = operationMs(RESOURCE_KINDS[c.resource.kind].arm?.type);
  // A replacement deletes, then creates (a gateway's delete takes as long as its create).
  return c.action === 'replace' ? 2 * one : one;
}

/** The estimated wall time of applying `changes` (ms). */
export function estimateDeployMs(plan: AzurePlan, changes: readonly Change[], o: EstimateOptions = {}): number {
  const byKey = new Map(changes.map((c) => [c.resource.key, c]));
  const finish = new Map<string, number>();
  const gatewayQueues = new Map<string, number>();
  const gateways = plan.resources.filter((r) => r.kind === 'erGateway' || r.kind === 'vpnGateway').map((r) => r.key);
  const visit = (key: string): number => {
    const known = finish.get(key);
    if (known !== undefined) return known;
    const r = plan.resources.find((x) => x.key === key);
    const c = byKey.get(key);
    if (!r || !c) return 0;
    let start = Math.max(0, ...r.dependsOn.map(visit));
    if (o.gatewaysInSequence && r.kind === 'vpnGateway') start = Math.max(start, ...gateways.filter((g) => g !== key).map(visit));
    let end = start + changeDurationMs(c);
    const gateway = (r.kind === 'ipsecConnection' || r.kind === 'erConnection') ? r.dependsOn.find((d) => gateways.includes(d)) : undefined;
    if (gateway && c.action !== 'noop') {
      // One connection of a gateway at a time: it starts once the previous one ended.
      const free = gatewayQueues.get(gateway) ?? 0;
      const begin = Math.max(start, free);
      end = begin + changeDurationMs(c) + (r.kind === 'erConnection' && c.action === 'create' ? (o.circuitWaitMs ?? 0) : 0);
      gatewayQueues.set(gateway, end);
    }
    finish.set(key, end);
    return end;
  };
  let total = 0;
  for (const r of plan.resources) total = Math.max(total, visit(r.key));
  return total;
}

/**
 * The estimated wall time of a destroy (ms): its stages one after the other, each as long as its longest
 * deletion, but gateways one at a time (destroy deletes them in sequence).
 */
export function estimateDestroyMs(steps: readonly { stage: number; type: NetworkResourceType }[]): number {
  const stages = [...new Set(steps.map((s) => s.stage))];
  return stages.reduce((total, stage) => {
    const here = steps.filter((s) => s.stage === stage);
    const gateways = here.filter((s) => s.type === 'virtualNetworkGateways').length * GATEWAY_WRITE_MS;
    return total + Math.max(gateways, ...here.map((s) => operationMs(s.type)));
  }, 0);
}
