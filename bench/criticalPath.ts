/**
 * The lower bound of a deploy's wall time: the longest path through the plan's dependency graph, each
 * resource weighted by how long the service takes to create it, a gateway's connections one after the
 * other (Azure writes them one at a time). Two modes: the two gateways at once (what Azure accepts by
 * default), or one after the other (where Azure refuses a gateway while another of the VNet is being
 * built; also "today's sequential bound" of decisions.md: the VPN gateway after the ExpressRoute one). Pure.
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
  /** The end of the last resource on the longest path. */
  lowerBoundMs: number;
  /** Resource keys along that path, first to last. */
  path: string[];
}

export interface CriticalPathOptions {
  /** The VPN gateway only after the ExpressRoute gateway (one gateway of a VNet built at a time). */
  gatewaysInSequence?: boolean;
}

/** Earliest end of every resource, and the longest path to it. */
export function criticalPath(plan: AzurePlan, d: EmulatorDurations, o: CriticalPathOptions = {}): CriticalPath {
  const byKey = new Map(plan.resources.map((r) => [r.key, r]));
  const erGateway = plan.resources.find((r) => r.kind === 'erGateway')?.key;
  const gateways = plan.resources.filter((r) => r.kind === 'erGateway' || r.kind === 'vpnGateway').map((r) => r.key);
  const waitsFor = (r: PlannedResource): string[] => [...r.dependsOn, ...(o.gatewaysInSequence && r.kind === 'vpnGateway' && erGateway ? [erGateway] : [])];
  const memo = new Map<string, CriticalPath>();
  const queues = new Map<string, CriticalPath>();
  const visit = (key: string, stack: Set<string>): CriticalPath => {
    const done = memo.get(key);
    if (done) return done;
    const r = byKey.get(key);
    if (!r) return { lowerBoundMs: 0, path: [] };
    if (stack.has(key)) throw new Error(`dependency cycle through ${key}`);
    stack.add(key);
    let best: CriticalPath = { lowerBoundMs: 0, path: [] };
    for (const dep of waitsFor(r)) {
      const p = visit(dep, stack);
      if (p.lowerBoundMs > best.lowerBoundMs || (p.lowerBoundMs === best.lowerBoundMs && p.path.length > best.path.length)) best = p;
    }
    // A gateway's connections one after the other: a connection starts once the previous one ended.
    const gateway = r.kind === 'ipsecConnection' || r.kind === 'erConnection' ? r.dependsOn.find((k) => gateways.includes(k)) : undefined;
    const previous = gateway ? queues.get(gateway) : undefined;
    if (previous && previous.lowerBoundMs > best.lowerBoundMs) best = previous;
    stack.delete(key);
    const mine = { lowerBoundMs: best.lowerBoundMs + creationMs(r.kind, d), path: [...best.path, key] };
    if (gateway) queues.set(gateway, mine);
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
