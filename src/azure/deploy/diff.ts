/**
 * Desired (plan) against actual (what Azure holds): create, update, no-op or wait, per resource. Pure.
 * Only fields tunnelsmith owns are compared; read-only and Azure-added fields are ignored. An existing
 * resource keeps its tags (an adopted resource is never tagged, so `destroy` never removes it). A state
 * that cannot be changed in place is a conflict with the exact remedy. What each kind compares, and
 * refuses, is in its file under `resources/`; here: the region, a failed last operation, the circuit,
 * and a GatewaySubnet in use by gateways that must change (which `deploy --allow-recreate` can carry
 * out: `recreate`).
 */
import { AzureError, type Problem } from '../../errors';
import { isBusy, isFailedState, sameId, type CircuitModel, type GatewayModel, type ListedResource } from '../client/model';
import { expressRouteCircuit } from '../resources/circuit';
import { cidrOf, normLocation, shortId } from '../resources/compare';
import type { ActualState, DiffContext, Findings, PlannedCircuit, PlannedResource } from '../resources/contract';
import { createRefusal, describeResource, diffBody } from '../resources/table';
import type { AzurePlan } from './plan';

/**
 * `replace`: Azure cannot change it in place; it is deleted and created again (after a confirmation,
 * `deploy --allow-recreate`).
 */
export type ChangeAction = 'create' | 'update' | 'replace' | 'noop' | 'wait';

export interface Change {
  action: ChangeAction;
  /** For create/update/replace, `resource.desired` is the body to PUT. */
  resource: PlannedResource;
  /** What differs (update, replace), e.g. `sku: VpnGw1 -> VpnGw2`. */
  fields: string[];
  /** For `wait`: the provisioning state Azure reports. */
  state?: string;
  /** For `replace`: what Azure cannot change in place, with the hub-file path it comes from. */
  replace?: { path: string; reasons: string[] };
  /** A `create` that follows the replacement of this gateway (its connection, deleted with it). */
  afterReplacing?: string;
}

/** The circuit tunnelsmith creates (`plan.circuit`) against what Azure holds. */
export interface CircuitChange {
  action: ChangeAction;
  circuit: PlannedCircuit;
  fields: string[];
  state?: string;
}

/**
 * The GatewaySubnet must change while gateways use it: Azure allows that only once the gateways (and
 * before them their connections) are deleted. The steps `deploy --allow-recreate` carries out.
 */
export interface GatewaySubnetRecreate {
  vnet: string;
  from: string;
  to: string;
  /** The connections to delete first (each is recreated by the deploy that follows). */
  connections: Array<{ name: string; kind: 'ipsecConnection' | 'erConnection'; site?: string }>;
  /** Connections of those gateways the hub file does not describe: while any exist, recreate is refused. */
  undescribed: string[];
  /** The gateways to delete, one at a time. */
  gateways: Array<{ name: string; kind: 'erGateway' | 'vpnGateway' }>;
  /** The steps in words, numbered by the caller. */
  steps: string[];
}

export interface DiffOutcome {
  changes: Change[];
  /** Existing state that cannot be brought to the desired one in place. */
  conflicts: Problem[];
  /** Worth telling, not changes (warnings). */
  notes: Problem[];
  /** Present when the plan has a circuit to create (`expressRoute.circuit`). */
  circuit?: CircuitChange;
  /** Present when the GatewaySubnet conflict can be resolved by deleting and recreating (see `conflicts`). */
  recreate?: GatewaySubnetRecreate;
}

/** What else the diff may know about the resource group, for exact remedies. */
export interface DiffExtras {
  /** Every connection of the resource group (a listing), to name each gateway's connections. */
  connections?: readonly ListedResource[];
  /** What Azure holds for `plan.circuit` (undefined: it does not exist). */
  circuit?: CircuitModel;
}

/** Compares every planned resource with what exists. Pure. */
export function diffPlan(plan: AzurePlan, actual: ActualState, extras: DiffExtras = {}): DiffOutcome {
  const changes: Change[] = [];
  const conflicts: Problem[] = [];
  const notes: Problem[] = [];
  const gatewaysExist = plan.resources.some((r) => (r.kind === 'vpnGateway' || r.kind === 'erGateway') && actual[r.key] !== undefined);
  let gatewaySubnet: { have: string; want: string } | undefined;
  const ctx: DiffContext = { actual, plan, gatewaysExist, connections: extras.connections, onGatewaySubnetInUse: (have, want) => (gatewaySubnet = { have, want }) };
  for (const r of plan.resources) {
    const out = diffResource(r, actual[r.key], ctx, notes);
    if ('conflicts' in out) conflicts.push(...out.conflicts);
    else changes.push(out);
  }
  conflicts.push(...followReplacedGateways(plan, actual, changes, extras.connections));
  let recreate: GatewaySubnetRecreate | undefined;
  if (gatewaySubnet) {
    recreate = planGatewaySubnetRecreate(plan, actual, extras.connections, gatewaySubnet.have, gatewaySubnet.want);
    conflicts.unshift(gatewaySubnetConflict(plan, recreate));
  }
  let circuit: CircuitChange | undefined;
  if (plan.circuit) {
    const out = diffCircuit(plan.circuit, extras.circuit);
    if ('conflicts' in out) conflicts.push(...out.conflicts);
    else circuit = out;
  }
  return { changes, conflicts, notes, ...(circuit ? { circuit } : {}), ...(recreate ? { recreate } : {}) };
}

/**
 * A gateway that is replaced loses its connections first: the ones the hub describes are created again
 * once it is back (their change becomes a create); any other connection of it blocks the replacement
 * (tunnelsmith deletes only what it recreates). Returns those conflicts. Pure (changes are updated).
 */
function followReplacedGateways(plan: AzurePlan, actual: ActualState, changes: Change[], listed: readonly ListedResource[] | undefined): Problem[] {
  const conflicts: Problem[] = [];
  for (const g of changes.filter((c) => c.action === 'replace' && (c.resource.kind === 'erGateway' || c.resource.kind === 'vpnGateway'))) {
    const gatewayId = (actual[g.resource.key] as GatewayModel | undefined)?.id;
    const mine = changes.filter((c) => (c.resource.kind === 'ipsecConnection' || c.resource.kind === 'erConnection') && c.resource.dependsOn.includes(g.resource.key));
    for (const c of mine) {
      if (actual[c.resource.key] === undefined || c.action === 'create') continue;
      c.action = 'create';
      c.fields = [`created again once ${describeResource(g.resource)} is replaced (it is deleted with it)`];
      c.afterReplacing = g.resource.key;
    }
    const described = new Set(mine.map((c) => c.resource.name.toLowerCase()));
    const others = (listed ?? []).filter((l) => sameId(l.gatewayId, gatewayId) && !described.has(l.name.toLowerCase())).map((l) => l.name).sort();
    if (others.length > 0) {
      conflicts.push({
        path: g.replace?.path ?? g.resource.field,
        severity: 'error',
        message: `${describeResource(g.resource)} must be replaced (${(g.replace?.reasons ?? []).join('; ')}), and connection${others.length > 1 ? 's' : ''} ${others.join(', ')} of it ${others.length > 1 ? 'are' : 'is'} not in the hub file; tunnelsmith deletes only what it can create again`,
        fix: `delete ${others.join(', ')} yourself (or keep the gateway's SKU), then run deploy --allow-recreate`,
      });
    }
  }
  return conflicts;
}

/** The replacements of a diff, in words: what is deleted and created again, and why. Pure. */
export function describeReplacements(changes: readonly Change[], all: readonly Change[] = changes): string[] {
  return changes
    .filter((c) => c.action === 'replace')
    .map((c) => {
      const followers = all.filter((f) => f.afterReplacing === c.resource.key).map((f) => describeResource(f.resource));
      const keyNote = c.resource.kind === 'ipsecConnection' ? '; the new connection gets the shared key the site has now (read from Azure and kept in the key journal first)' : '';
      const withFollowers = followers.length > 0 ? `; ${followers.join(', ')} ${followers.length > 1 ? 'are' : 'is'} deleted first and created again after it` : '';
      return `delete and create again ${describeResource(c.resource)}: ${(c.replace?.reasons ?? []).join('; ')}${keyNote}${withFollowers}`;
    });
}

type Outcome = Change | { conflicts: Problem[] };

/** One resource; `notes` collects what is worth telling (warnings). Pure. */
export function diffResource(r: PlannedResource, actualValue: unknown, ctx: DiffContext, notes: Problem[] = []): Outcome {
  if (actualValue === undefined) {
    const refused = createRefusal(r);
    if (refused) return { conflicts: [{ ...refused, severity: 'error' }] };
    return { action: 'create', resource: r, fields: [] };
  }
  const actual = actualValue as { provisioningState?: string; tags?: Record<string, string>; location?: string };
  if (isBusy(actual.provisioningState)) return { action: 'wait', resource: r, fields: [], state: actual.provisioningState };
  const out = compare(actual, notes, (found) => {
    // A resource group's own region does not bind the resources in it (a hand-built group often differs).
    if (r.kind !== 'resourceGroup' && actual.location !== undefined && actual.location !== '' && normLocation(actual.location) !== normLocation(r.desired.location)) {
      found.conflict(
        r.kind === 'virtualNetwork' ? 'azure.location' : r.field,
        `${describeResource(r)} exists in ${actual.location}, the hub says ${r.desired.location}`,
        'set azure.location to the existing region, or use other resource names',
      );
    }
    return { ...r, desired: diffBody(r, actualValue as PlannedResource['desired'], ctx, found) } as PlannedResource;
  });
  if ('conflicts' in out) return out;
  if (out.replace) return { action: 'replace', resource: out.body, fields: [...out.replace.reasons, ...out.fields], replace: out.replace };
  return { action: out.fields.length > 0 ? 'update' : 'noop', resource: out.body, fields: out.fields };
}

/** The circuit tunnelsmith creates (see `resources/circuit.ts` for what Azure changes in place). Pure. */
export function diffCircuit(planned: PlannedCircuit, actual: CircuitModel | undefined): CircuitChange | { conflicts: Problem[] } {
  if (!actual) return { action: 'create', circuit: planned, fields: [] };
  if (isBusy(actual.provisioningState)) return { action: 'wait', circuit: planned, fields: [], state: actual.provisioningState };
  const out = compare(actual, [], (found) => expressRouteCircuit.diff(planned, actual, found));
  if ('conflicts' in out) return out;
  return { action: out.fields.length > 0 ? 'update' : 'noop', circuit: planned, fields: out.fields };
}

/**
 * Runs a comparison of an existing resource: its conflicts, or the fields that differ (a resource whose
 * last operation failed is written again).
 */
function compare<B>(actual: { provisioningState?: string }, notes: Problem[], run: (found: Findings) => B): { body: B; fields: string[]; replace?: { path: string; reasons: string[] } } | { conflicts: Problem[] } {
  const problems: Problem[] = [];
  const fields: string[] = [];
  let replace: { path: string; reasons: string[] } | undefined;
  const body = run({
    fields,
    conflict: (path, message, fix) => problems.push({ path, message, fix, severity: 'error' }),
    replace: (path, what) => {
      replace ??= { path, reasons: [] };
      replace.reasons.push(what);
    },
    note: (path, message, fix) => notes.push({ path, message, severity: 'warning', ...(fix ? { fix } : {}) }),
  });
  if (problems.length > 0) return { conflicts: problems };
  if (isFailedState(actual.provisioningState)) fields.unshift('provisioningState: Failed -> Succeeded (retry)');
  return { body, fields, ...(replace ? { replace } : {}) };
}

/** The deletions a GatewaySubnet change needs, in order. Pure. */
function planGatewaySubnetRecreate(plan: AzurePlan, actual: ActualState, listed: readonly ListedResource[] | undefined, have: string, want: string): GatewaySubnetRecreate {
  const vnet = plan.resources.find((r) => r.kind === 'virtualNetwork')!.name;
  const gateways = plan.resources
    .filter((r): r is PlannedResource & { kind: 'erGateway' | 'vpnGateway' } => (r.kind === 'erGateway' || r.kind === 'vpnGateway') && actual[r.key] !== undefined)
    .map((r) => ({ name: r.name, kind: r.kind, id: (actual[r.key] as GatewayModel).id }));
  const planned = plan.resources.filter((r): r is PlannedResource & { kind: 'ipsecConnection' | 'erConnection' } => r.kind === 'ipsecConnection' || r.kind === 'erConnection');
  const byName = new Map(planned.map((r) => [r.name.toLowerCase(), r]));
  const connectionNames = new Set<string>();
  const undescribed: string[] = [];
  if (listed) {
    for (const c of listed) {
      const g = gateways.find((x) => sameId(x.id, c.gatewayId) || (!x.id && shortId(c.gatewayId ?? '').toLowerCase() === x.name.toLowerCase()));
      if (!g) continue;
      if (byName.has(c.name.toLowerCase())) connectionNames.add(c.name.toLowerCase());
      else undescribed.push(c.name);
    }
  } else {
    for (const r of planned) if (actual[r.key] !== undefined) connectionNames.add(r.name.toLowerCase());
  }
  const connections = planned
    .filter((r) => connectionNames.has(r.name.toLowerCase()))
    .map((r) => ({ name: r.name, kind: r.kind, ...(r.kind === 'ipsecConnection' ? { site: r.site } : {}) }));
  const all = [...connections.map((c) => c.name), ...undescribed];
  const steps: string[] = [];
  if (all.length > 0) steps.push(`delete connection${all.length > 1 ? 's' : ''} ${all.join(', ')} (the tunnels${connections.some((c) => c.kind === 'erConnection') ? ' and the ExpressRoute path' : ''} drop until step 4)`);
  steps.push(`delete gateway${gateways.length > 1 ? 's' : ''} ${gateways.map((g) => g.name).join(' then ')} (Azure takes about 45 minutes for each)`);
  steps.push(`recreate the GatewaySubnet of VNet ${vnet} as ${want} (it is ${have})`);
  steps.push('deploy again: tunnelsmith creates the gateways on their public IPs (the addresses stay) and the connections, each IPsec connection with the shared key it had');
  return {
    vnet,
    from: have,
    to: want,
    connections,
    undescribed: undescribed.sort(),
    gateways: gateways.map(({ name, kind }) => ({ name, kind })),
    steps,
  };
}

function gatewaySubnetConflict(plan: AzurePlan, r: GatewaySubnetRecreate): Problem {
  const hasEr = plan.resources.some((x) => x.kind === 'erGateway');
  const small = (cidrOf(r.from)?.prefixLength ?? 0) > 27;
  const why = hasEr && small
    ? `the GatewaySubnet of VNet ${r.vnet} is ${r.from} in Azure; an ExpressRoute gateway beside a VPN gateway needs /27 or larger (${r.to}), and Azure cannot resize a GatewaySubnet while gateways use it`
    : `the GatewaySubnet of VNet ${r.vnet} is ${r.from} in Azure and gateways use it, so Azure cannot make it ${r.to} in place`;
  const steps = r.steps.map((s, i) => `${i + 1}. ${s}`).join('; ');
  const fix = r.undescribed.length > 0
    ? `the gateways that use it must be deleted first, then the subnet recreated: ${steps}. Connection${r.undescribed.length > 1 ? 's' : ''} ${r.undescribed.join(', ')} ${r.undescribed.length > 1 ? 'are' : 'is'} not in the hub file, so tunnelsmith will not delete ${r.undescribed.length > 1 ? 'them' : 'it'}: describe ${r.undescribed.length > 1 ? 'them' : 'it'} as sites (tunnelsmith import writes them) or delete ${r.undescribed.length > 1 ? 'them' : 'it'} yourself, then run deploy --allow-recreate`
    : `the gateways that use it must be deleted first, then the subnet recreated: ${steps}. Run tunnelsmith deploy --allow-recreate to have tunnelsmith do these steps (it asks you to type the hub id; --yes skips that)`;
  return { path: 'azure.vnet.gatewaySubnet', severity: 'error', message: why, fix };
}

/** Whether a diff holds anything to write (or wait for). Pure. */
export function hasPendingChanges(changes: readonly Change[]): boolean {
  return changes.some((c) => c.action !== 'noop');
}

/** One line per change kind, e.g. `2 to create, 1 to update, 5 in place`. Pure. */
export function summarize(changes: readonly Change[]): string {
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  const parts = [
    [count('create'), 'to create'],
    [count('update'), 'to update'],
    [count('replace'), 'to replace (delete and create again)'],
    [count('wait'), 'in progress in Azure'],
    [count('noop'), 'in place'],
  ].filter(([n]) => (n as number) > 0);
  return parts.map(([n, t]) => `${n} ${t}`).join(', ') || 'nothing planned';
}

/** Throws the conflicts of a diff as one AzureError naming every field and remedy. */
export function throwConflicts(conflicts: Problem[]): void {
  if (conflicts.length === 0) return;
  const lines = conflicts.map((p) => `${p.path}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`);
  throw new AzureError(
    'AzureStateConflict',
    `Azure holds state that cannot be changed in place:\n  ${lines.join('\n  ')}`,
    { field: conflicts[0].path },
    'nothing was changed; follow the fix for each line, then deploy again',
  );
}
