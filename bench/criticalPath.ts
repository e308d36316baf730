/**
 * The lower bound of a deploy's wall time: the longest path through the plan's dependency graph, each
 * resource weighted by how long the service takes to create it. Pure.
 */
import type { AzurePlan } from '../src/azure/deploy/plan';
import type { PlannedResource } from '../src/azure/resources/contract';
import type { EmulatorDurations } from '../src/emulator/types';

/** How long the emulator takes to create a resource of this kind (a resource group PUT is synchronous). */
export function creationMs(kind: PlannedResource['kind'], d: EmulatorDurations): number {
  switch (kind) {
    case 'resourceGroup':
      return 0;
    case 'erGateway':
    case 'vpnGateway':
      return d.gatewayMs;
    case 'ipsecConnection':
    case 'erConnection':
      return d.connectionMs;
    default:
      return d.defaultMs;
  }
}

export interface CriticalPath {
  /** Sum of the creation times along the longest path. */
  lowerBoundMs: number;
  /** Resource keys along that path, first to last. */
  path: string[];
}

/**
 * Longest path over `dependsOn` and `orderAfter` edges. `orderAfter` counts because the service refuses
 * a gateway write while another gateway of the same VNet is updating, so the two gateways never overlap.
 */
export function criticalPath(plan: AzurePlan, d: EmulatorDurations): CriticalPath {
  const byKey = new Map(plan.resources.map((r) => [r.key, r]));
  const memo = new Map<string, CriticalPath>();
  const visit = (key: string, stack: Set<string>): CriticalPath => {
    const done = memo.get(key);
    if (done) return done;
    const r = byKey.get(key);
    if (!r) return { lowerBoundMs: 0, path: [] };
    if (stack.has(key)) throw new Error(`dependency cycle through ${key}`);
    stack.add(key);
    let best: CriticalPath = { lowerBoundMs: 0, path: [] };
    for (const dep of [...r.dependsOn, ...r.orderAfter]) {
      const p = visit(dep, stack);
      if (p.lowerBoundMs > best.lowerBoundMs || (p.lowerBoundMs === best.lowerBoundMs && p.path.length > best.path.length)) best = p;
    }
    stack.delete(key);
    const mine = { lowerBoundMs: best.lowerBoundMs + creationMs(r.kind, d), path: [...best.path, key] };
    memo.set(key, mine);
    return mine;
  };
  let result: CriticalPath = { lowerBoundMs: 0, path: [] };
  for (const r of plan.resources) {
    const p = visit(r.key, new Set());
    if (p.lowerBoundMs > result.lowerBoundMs) result = p;
  }
  return result;
}
