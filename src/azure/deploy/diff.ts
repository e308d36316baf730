/**
 * Desired (plan) against actual (what Azure holds): create, update, no-op or wait, per resource. Pure.
 * Only fields tunnelsmith owns are compared; read-only and Azure-added fields are ignored. An existing
 * resource keeps its tags (an adopted resource is never tagged, so `destroy` never removes it) and the
 * subnets tunnelsmith does not know. A state that cannot be changed in place is a conflict with the
 * exact remedy: a policy-based or Basic gateway, a SKU change across families or generations (a resize
 * within one is an update), a gateway on other public IPs, a VNet address space that would drop a range
 * holding subnets or a subnet the hub does not know that overlaps one it wants, and a GatewaySubnet in use
 * by gateways that must change (which `deploy --allow-recreate` can carry out: `recreate`).
 */
import type { Problem } from '../../errors';
import type { IpsecPolicy } from '../../hub/types';
import { containsCidr, overlaps, parseCidr, type Cidr } from '../../net/ipv4';
import {
  isBusy,
  isFailedState,
  isProviderProvisioned,
  sameId,
  type CircuitModel,
  type ConnectionModel,
  type GatewayModel,
  type ListedResource,
  type LngModel,
  type PublicIpModel,
  type ResourceGroupModel,
  type VnetModel,
} from '../client/model';
import { GATEWAY_SUBNET, IPSEC_PROTOCOL, type AzurePlan, type PlannedCircuit, type PlannedResource } from './plan';
import { BASIC_PUBLIC_IP_MIGRATION, judgeSkuChange } from '../skus';

export type ChangeAction = 'create' | 'update' | 'noop' | 'wait';

export interface Change {
  action: ChangeAction;
  /** For create/update, `resource.desired` is the body to PUT. */
  resource: PlannedResource;
  /** What differs (update), e.g. `sku: VpnGw1 -> VpnGw2`. */
  fields: string[];
  /** For `wait`: the provisioning state Azure reports. */
  state?: string;
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
  /** Present when the plan has a circuit to create (`expressRoute.circuit`). */
  circuit?: CircuitChange;
  /** Present when the GatewaySubnet conflict can be resolved by deleting and recreating (see `conflicts`). */
  recreate?: GatewaySubnetRecreate;
}

/** Actual resources by plan key; `undefined` = does not exist. */
export type ActualState = Readonly<Record<string, unknown>>;

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
  const gatewaysExist = plan.resources.some((r) => (r.kind === 'vpnGateway' || r.kind === 'erGateway') && actual[r.key] !== undefined);
  let gatewaySubnet: { have: string; want: string } | undefined;
  const ctx: DiffContext = { actual, plan, gatewaysExist, connections: extras.connections, onGatewaySubnetInUse: (have, want) => (gatewaySubnet = { have, want }) };
  for (const r of plan.resources) {
    const out = diffResource(r, actual[r.key], ctx);
    if ('conflicts' in out) conflicts.push(...out.conflicts);
    else changes.push(out);
  }
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
  return { changes, conflicts, ...(circuit ? { circuit } : {}), ...(recreate ? { recreate } : {}) };
}

export interface DiffContext {
  actual: ActualState;
  plan: AzurePlan;
  gatewaysExist: boolean;
  /** A listing of the group's connections, when read (remedies then name every connection of a gateway). */
  connections?: readonly ListedResource[];
  /** Called instead of a conflict when the GatewaySubnet must change while gateways use it. */
  onGatewaySubnetInUse?: (have: string, want: string) => void;
}

type Outcome = Change | { conflicts: Problem[] };

/** One resource. Pure. */
export function diffResource(r: PlannedResource, actualValue: unknown, ctx: DiffContext): Outcome {
  if (actualValue === undefined) return { action: 'create', resource: r, fields: [] };
  const actual = actualValue as { provisioningState?: string; tags?: Record<string, string>; location?: string };
  if (isBusy(actual.provisioningState)) return { action: 'wait', resource: r, fields: [], state: actual.provisioningState };
  const problems: Problem[] = [];
  const fields: string[] = [];
  const conflict = (path: string, message: string, fix: string) => problems.push({ path, message, fix, severity: 'error' });

  // A resource group's own region does not bind the resources in it (a hand-built group often differs).
  if (r.kind !== 'resourceGroup' && actual.location !== undefined && actual.location !== '' && normLocation(actual.location) !== normLocation(r.desired.location)) {
    conflict(
      r.kind === 'virtualNetwork' ? 'azure.location' : r.field,
      `${describe(r)} exists in ${actual.location}, the hub says ${r.desired.location}`,
      'set azure.location to the existing region, or use other resource names',
    );
  }

  let body: PlannedResource;
  switch (r.kind) {
    case 'resourceGroup':
      body = { ...r, desired: { ...r.desired, tags: (actual as ResourceGroupModel).tags ?? {} } };
      break;
    case 'virtualNetwork':
      body = { ...r, desired: diffVnet(r.desired, actualValue as VnetModel, ctx, fields, conflict) };
      break;
    case 'publicIp':
      body = { ...r, desired: diffPublicIp(r, actualValue as PublicIpModel, conflict) };
      break;
    case 'erGateway':
    case 'vpnGateway':
      body = { ...r, desired: diffGateway(r, actualValue as GatewayModel, ctx, fields, conflict) };
      break;
    case 'localNetworkGateway':
      body = { ...r, desired: diffLng(r.desired, actualValue as LngModel, fields) };
      break;
    case 'ipsecConnection':
    case 'erConnection':
      body = { ...r, desired: diffConnection(r, actualValue as ConnectionModel, ctx, fields, conflict) };
      break;
  }
  if (problems.length > 0) return { conflicts: problems };
  if (isFailedState(actual.provisioningState)) fields.unshift('provisioningState: Failed -> Succeeded (retry)');
  return fields.length > 0 ? { action: 'update', resource: body, fields } : { action: 'noop', resource: body, fields: [] };
}

type Conflict = (path: string, message: string, fix: string) => void;

function describe(r: PlannedResource): string {
  const names: Record<PlannedResource['kind'], string> = {
    resourceGroup: 'resource group',
    virtualNetwork: 'virtual network',
    publicIp: 'public IP',
    erGateway: 'ExpressRoute gateway',
    vpnGateway: 'VPN gateway',
    localNetworkGateway: 'local network gateway',
    ipsecConnection: 'connection',
    erConnection: 'ExpressRoute connection',
  };
  return `${names[r.kind]} ${r.name}`;
}

function normLocation(l: string): string {
  return l.replace(/\s+/g, '').toLowerCase();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a.map((s) => s.toLowerCase()))].sort();
  const y = [...new Set(b.map((s) => s.toLowerCase()))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function list(a: readonly string[]): string {
  return `[${a.join(', ')}]`;
}

function cidrOf(text: string): Cidr | undefined {
  const p = parseCidr(text);
  return p.ok ? p.cidr : undefined;
}

function diffVnet(desired: VnetModel, actual: VnetModel, ctx: DiffContext, fields: string[], conflict: Conflict): VnetModel {
  if (!sameSet(desired.addressSpace, actual.addressSpace)) fields.push(`addressSpace: ${list(actual.addressSpace)} -> ${list(desired.addressSpace)}`);
  const subnets = [...desired.subnets];
  for (const want of desired.subnets) {
    const have = actual.subnets.find((s) => s.name.toLowerCase() === want.name.toLowerCase());
    if (!have) {
      fields.push(`subnet ${want.name}: add ${want.addressPrefix}`);
    } else if (have.addressPrefix !== want.addressPrefix) {
      if (want.name === GATEWAY_SUBNET && ctx.gatewaysExist) {
        if (ctx.onGatewaySubnetInUse) ctx.onGatewaySubnetInUse(have.addressPrefix, want.addressPrefix);
        else {
          conflict(
            'azure.vnet.gatewaySubnet',
            `the GatewaySubnet is ${have.addressPrefix} in Azure and gateways use it, so it cannot become ${want.addressPrefix}`,
            `set azure.vnet.gatewaySubnet to ${have.addressPrefix}, or delete both gateways first (deploy --allow-recreate does it), then deploy again`,
          );
        }
      } else {
        fields.push(`subnet ${want.name}: ${have.addressPrefix} -> ${want.addressPrefix}`);
      }
    }
  }
  const extras = actual.subnets.filter((extra) => !subnets.some((s) => s.name.toLowerCase() === extra.name.toLowerCase()));
  for (const extra of extras) subnets.push({ name: extra.name, addressPrefix: extra.addressPrefix });

  // What Azure cannot do in place: drop an address range that still holds a subnet, or hold two
  // overlapping subnets. The subnets the hub does not list stay, so they must still fit.
  const space = desired.addressSpace.map(cidrOf).filter((c): c is Cidr => c !== undefined);
  for (const extra of extras) {
    const c = cidrOf(extra.addressPrefix);
    if (!c) continue;
    if (!space.some((p) => containsCidr(p, c))) {
      conflict(
        'azure.vnet.addressSpace',
        `subnet ${extra.name} (${extra.addressPrefix}) of VNet ${actual.name} lies outside the address space ${list(desired.addressSpace)}, and Azure removes an address range only when no subnet uses it`,
        `keep a prefix that holds ${extra.addressPrefix} in azure.vnet.addressSpace (Azure has ${list(actual.addressSpace)}), or delete or move subnet ${extra.name} first`,
      );
    }
    desired.subnets.forEach((want, i) => {
      const w = cidrOf(want.addressPrefix);
      if (!w || !overlaps(w, c)) return;
      const path = want.name === GATEWAY_SUBNET ? 'azure.vnet.gatewaySubnet' : `azure.vnet.subnets[${i - 1}].prefix`;
      conflict(
        path,
        `${want.addressPrefix} overlaps subnet ${extra.name} (${extra.addressPrefix}), which exists in VNet ${actual.name} and is not in the hub file`,
        `choose a prefix that overlaps no existing subnet, list subnet ${extra.name} in azure.vnet.subnets with its own prefix, or delete subnet ${extra.name} first`,
      );
    });
  }
  return { ...desired, tags: actual.tags, subnets };
}

function diffPublicIp(r: PlannedResource & { kind: 'publicIp' }, actual: PublicIpModel, conflict: Conflict): PublicIpModel {
  if (actual.sku.toLowerCase() === 'basic') {
    conflict(
      r.field,
      `public IP ${r.name} has the retired Basic SKU (${actual.allocation}); gateways need Standard/Static, and Azure cannot change the SKU of an IP a gateway uses in place`,
      `${BASIC_PUBLIC_IP_MIGRATION}. Then name the gateway's Standard IP in the hub file, or delete ${r.name} (and the gateway using it, its connections first) and deploy again`,
    );
  } else if (actual.sku.toLowerCase() !== r.desired.sku.toLowerCase() || actual.allocation.toLowerCase() !== r.desired.allocation.toLowerCase()) {
    conflict(
      r.field,
      `public IP ${r.name} is ${actual.sku}/${actual.allocation}; gateways need Standard/Static, and Azure cannot change that in place`,
      `name another public IP in the hub file, or delete ${r.name} and deploy again`,
    );
  }
  return { ...r.desired, tags: actual.tags };
}

/** The connections of an existing gateway: from the group's listing, else those the plan knows. */
function connectionsOfGateway(gatewayName: string, actual: GatewayModel, ctx: DiffContext): string[] {
  if (ctx.connections && actual.id) {
    return ctx.connections.filter((c) => sameId(c.gatewayId, actual.id)).map((c) => c.name).sort();
  }
  return ctx.plan.resources
    .filter((x) => (x.kind === 'ipsecConnection' || x.kind === 'erConnection') && ctx.actual[x.key] !== undefined)
    .filter((x) => shortId((ctx.actual[x.key] as ConnectionModel).gatewayId ?? '').toLowerCase() === gatewayName.toLowerCase())
    .map((x) => x.name)
    .sort();
}

/** "delete connection(s) a, b, then gateway X (...), then deploy again". */
function recreateGatewayRemedy(name: string, connections: string[], after: string): string {
  const first = connections.length > 0 ? `delete its connection${connections.length > 1 ? 's' : ''} ${connections.join(', ')}, then ` : '';
  return `${first}delete gateway ${name} (tunnels drop until deploy recreates them; their shared keys are in Azure: note them, or keep them in the hub's sharedKey references), then deploy again: ${after}`;
}

function diffGateway(
  r: PlannedResource & { kind: 'erGateway' | 'vpnGateway' },
  actual: GatewayModel,
  ctx: DiffContext,
  fields: string[],
  conflict: Conflict,
): GatewayModel {
  const d = r.desired;
  const nameField = `${r.field}${r.kind === 'vpnGateway' ? '.name' : '.gatewayName'}`;
  if (actual.gatewayType.toLowerCase() !== d.gatewayType.toLowerCase()) {
    conflict(nameField, `gateway ${r.name} exists as a ${actual.gatewayType} gateway, the hub needs a ${d.gatewayType} gateway`, 'choose another gateway name');
    return d;
  }
  const kind = r.kind === 'vpnGateway' ? 'Vpn' : 'ExpressRoute';
  if (d.vpnType && actual.vpnType && actual.vpnType.toLowerCase() !== d.vpnType.toLowerCase()) {
    conflict(
      nameField,
      `VPN gateway ${r.name} is ${actual.vpnType}; BGP, custom IPsec policies and coexistence with ExpressRoute need a RouteBased gateway, and Azure cannot change the VPN type in place`,
      recreateGatewayRemedy(r.name, connectionsOfGateway(r.name, actual, ctx), `tunnelsmith creates a route-based ${d.sku} gateway named ${r.name}`),
    );
  }
  const verdict = judgeSkuChange(kind, actual.sku, d.sku, actual.generation);
  if (verdict.kind === 'refuse') {
    const skuField = r.kind === 'vpnGateway' ? 'azure.vpnGateway.sku' : 'azure.expressRoute.sku';
    conflict(skuField, `${describe(r)} is ${actual.sku} in Azure, the hub file says ${d.sku}: ${verdict.reason}`, verdict.remedy);
  } else if (verdict.kind === 'resize') {
    fields.push(`sku: ${actual.sku} -> ${d.sku}`);
  }
  if (actual.activeActive !== d.activeActive) fields.push(`activeActive: ${actual.activeActive} -> ${d.activeActive}`);
  // BGP on only by tunnelsmith's own choice (no site uses it): an adopted gateway without BGP stays so.
  const keepBgpOff = r.bgpOptional === true && !actual.enableBgp;
  const enableBgp = keepBgpOff ? false : d.enableBgp;
  if (actual.enableBgp !== enableBgp) fields.push(`enableBgp: ${actual.enableBgp} -> ${enableBgp}`);
  if (!keepBgpOff && d.asn !== undefined && actual.asn !== d.asn) fields.push(`asn: ${actual.asn ?? 'none'} -> ${d.asn}`);

  // Match IP configurations by the public IP they use: an adopted gateway keeps its own names.
  const ipConfigurations = d.ipConfigurations.map((want) => {
    const have = actual.ipConfigurations.find((c) => sameId(c.publicIpId, want.publicIpId));
    return have ? { ...want, name: have.name, id: have.id ?? want.id } : want;
  });
  const same = (a: GatewayModel['ipConfigurations'][number], b: GatewayModel['ipConfigurations'][number]) => sameId(a.publicIpId, b.publicIpId) && sameId(a.subnetId, b.subnetId);
  const ipConfigsSame = actual.ipConfigurations.length === d.ipConfigurations.length && d.ipConfigurations.every((want) => actual.ipConfigurations.some((c) => same(c, want)));
  if (!ipConfigsSame) {
    // Turning active-active on adds the second IP configuration, turning it off removes it: both are
    // done in place. Moving a gateway to other public IPs is not.
    const grows = actual.ipConfigurations.every((c) => d.ipConfigurations.some((w) => same(c, w)));
    const shrinks = d.ipConfigurations.every((w) => actual.ipConfigurations.some((c) => same(c, w)));
    const change = `ipConfigurations: ${list(actual.ipConfigurations.map((c) => shortId(c.publicIpId)))} -> ${list(d.ipConfigurations.map((c) => shortId(c.publicIpId)))}`;
    if ((grows || shrinks) && actual.activeActive !== d.activeActive) {
      fields.push(change);
    } else {
      const names = actual.ipConfigurations.map((c) => shortId(c.publicIpId));
      const onOtherSubnet = actual.ipConfigurations.some((c) => d.ipConfigurations.some((w) => sameId(c.publicIpId, w.publicIpId) && !sameId(c.subnetId, w.subnetId)));
      if (onOtherSubnet) {
        conflict(nameField, `gateway ${r.name} sits in another VNet's GatewaySubnet than ${ctx.plan.hubId}`, 'name the VNet the gateway is in (azure.vnet.name), or choose another gateway name');
      } else if (r.kind === 'vpnGateway') {
        conflict(
          'azure.vpnGateway.publicIpNames',
          `VPN gateway ${r.name} uses public IP${names.length > 1 ? 's' : ''} ${names.join(', ')}, the hub file names ${d.ipConfigurations.map((c) => shortId(c.publicIpId)).join(', ')}; Azure cannot move a gateway to other public IPs in place`,
          `set azure.vpnGateway.publicIpNames to [${names.join(', ')}]${names.length !== d.ipConfigurations.length ? ` (and activeActive to ${names.length === 2})` : ''}`,
        );
      } else {
        conflict(
          'azure.expressRoute.publicIpName',
          `ExpressRoute gateway ${r.name} uses public IP ${names.join(', ') || '(none)'}, the hub file names ${d.ipConfigurations.map((c) => shortId(c.publicIpId)).join(', ')}; Azure cannot move a gateway to another public IP in place`,
          names.length === 1 ? `set azure.expressRoute.publicIpName: ${names[0]}` : recreateGatewayRemedy(r.name, connectionsOfGateway(r.name, actual, ctx), `tunnelsmith creates gateway ${r.name} on its own public IP`),
        );
      }
    }
  }
  const idMap = new Map(d.ipConfigurations.map((want, i) => [want.id?.toLowerCase() ?? '', ipConfigurations[i].id ?? want.id ?? '']));
  const bgpPeeringAddresses = d.bgpPeeringAddresses.map((b) => ({ ...b, ipConfigurationId: idMap.get(b.ipConfigurationId.toLowerCase()) ?? b.ipConfigurationId }));
  for (const want of bgpPeeringAddresses) {
    const have = actual.bgpPeeringAddresses.find((b) => sameId(b.ipConfigurationId, want.ipConfigurationId));
    const haveCustom = have?.customBgpIps ?? [];
    if (!sameSet(haveCustom, want.customBgpIps)) fields.push(`custom BGP (APIPA) on ${shortId(want.ipConfigurationId)}: ${list(haveCustom)} -> ${list(want.customBgpIps)}`);
  }
  return { ...d, tags: actual.tags, ipConfigurations, bgpPeeringAddresses, enableBgp };
}

function shortId(id: string): string {
  return id.split('/').filter(Boolean).slice(-1)[0] ?? id;
}

function diffLng(d: LngModel, actual: LngModel, fields: string[]): LngModel {
  if (actual.gatewayIpAddress !== d.gatewayIpAddress) fields.push(`gatewayIpAddress: ${actual.gatewayIpAddress} -> ${d.gatewayIpAddress}`);
  if (!sameSet(actual.addressPrefixes, d.addressPrefixes)) fields.push(`addressPrefixes: ${list(actual.addressPrefixes)} -> ${list(d.addressPrefixes)}`);
  const a = actual.bgp ? `${actual.bgp.asn}/${actual.bgp.peeringAddress}` : 'none';
  const w = d.bgp ? `${d.bgp.asn}/${d.bgp.peeringAddress}` : 'none';
  if (a !== w) fields.push(`bgp: ${a} -> ${w}`);
  return { ...d, tags: actual.tags };
}

function policyText(p: IpsecPolicy | undefined): string {
  if (!p) return 'azure-default';
  return `${p.ikeEncryption}/${p.ikeIntegrity}/${p.dhGroup} ${p.ipsecEncryption}/${p.ipsecIntegrity}/${p.pfsGroup} ${p.saLifeTimeSeconds}s ${p.saDataSizeKilobytes}KB`;
}

function samePolicy(a: IpsecPolicy | undefined, b: IpsecPolicy | undefined): boolean {
  if (!a || !b) return a === b;
  const eq = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
  return (
    eq(a.ikeEncryption, b.ikeEncryption) &&
    eq(a.ikeIntegrity, b.ikeIntegrity) &&
    eq(a.dhGroup, b.dhGroup) &&
    eq(a.ipsecEncryption, b.ipsecEncryption) &&
    eq(a.ipsecIntegrity, b.ipsecIntegrity) &&
    eq(a.pfsGroup, b.pfsGroup) &&
    a.saLifeTimeSeconds === b.saLifeTimeSeconds &&
    a.saDataSizeKilobytes === b.saDataSizeKilobytes
  );
}

const DEFAULT_DPD = 45;

function diffConnection(
  r: PlannedResource & { kind: 'ipsecConnection' | 'erConnection' },
  actual: ConnectionModel,
  ctx: DiffContext,
  fields: string[],
  conflict: Conflict,
): ConnectionModel {
  const d = r.desired;
  const recreate = `delete connection ${r.name} (the device loses its tunnel until it is recreated) and deploy again, or choose another connectionName`;
  if (actual.connectionType.toLowerCase() !== d.connectionType.toLowerCase()) {
    conflict(r.field, `connection ${r.name} exists as a ${actual.connectionType} connection, the hub needs ${d.connectionType}`, recreate);
    return d;
  }
  if (!sameId(actual.gatewayId, d.gatewayId)) conflict(r.field, `connection ${r.name} belongs to gateway ${shortId(actual.gatewayId)}, not ${shortId(d.gatewayId)}`, recreate);
  if (d.localNetworkGatewayId && !sameId(actual.localNetworkGatewayId, d.localNetworkGatewayId)) {
    conflict(`${r.field}.localNetworkGatewayName`, `connection ${r.name} uses local network gateway ${shortId(actual.localNetworkGatewayId ?? 'none')}, not ${shortId(d.localNetworkGatewayId)}`, recreate);
  }
  if (d.circuitId && !sameId(actual.circuitId, d.circuitId)) {
    conflict('azure.expressRoute.circuitId', `connection ${r.name} is connected to circuit ${actual.circuitId ?? 'none'}, not the hub's circuit`, recreate);
  }
  if (r.kind === 'erConnection') return { ...d, tags: actual.tags };

  // Custom BGP addresses reference the gateway's IP configurations: use the ids the gateway really has.
  const gatewayKey = r.dependsOn.find((k) => k.startsWith('vpnGateway:'));
  const gateway = gatewayKey ? (ctx.actual[gatewayKey] as GatewayModel | undefined) : undefined;
  const plannedGateway = ctx.plan.resources.find((x) => x.key === gatewayKey);
  const customBgpIps = d.customBgpIps.map((c) => {
    if (!gateway || !plannedGateway || plannedGateway.kind !== 'vpnGateway') return c;
    const planned = plannedGateway.desired.ipConfigurations.find((p) => sameId(p.id, c.ipConfigurationId));
    const real = planned && gateway.ipConfigurations.find((g) => sameId(g.publicIpId, planned.publicIpId));
    return real?.id ? { ...c, ipConfigurationId: real.id } : c;
  });

  if ((actual.connectionProtocol ?? IPSEC_PROTOCOL).toLowerCase() !== (d.connectionProtocol ?? IPSEC_PROTOCOL).toLowerCase()) {
    fields.push(`connectionProtocol: ${actual.connectionProtocol} -> ${d.connectionProtocol}`);
  }
  if (!samePolicy(actual.ipsecPolicy, d.ipsecPolicy)) fields.push(`ipsecPolicy: ${policyText(actual.ipsecPolicy)} -> ${policyText(d.ipsecPolicy)}`);
  if ((actual.dpdTimeoutSeconds ?? DEFAULT_DPD) !== (d.dpdTimeoutSeconds ?? DEFAULT_DPD)) fields.push(`dpdTimeoutSeconds: ${actual.dpdTimeoutSeconds ?? DEFAULT_DPD} -> ${d.dpdTimeoutSeconds}`);
  if (actual.enableBgp !== d.enableBgp) fields.push(`enableBgp: ${actual.enableBgp} -> ${d.enableBgp}`);
  const pairs = (xs: ConnectionModel['customBgpIps']) => xs.map((x) => `${shortId(x.ipConfigurationId)}=${x.address}`);
  if (!sameSet(pairs(actual.customBgpIps), pairs(customBgpIps))) fields.push(`gatewayCustomBgpIpAddresses: ${list(pairs(actual.customBgpIps))} -> ${list(pairs(customBgpIps))}`);
  return { ...d, tags: actual.tags, customBgpIps };
}

/**
 * The circuit tunnelsmith creates. What Azure changes in place: a higher bandwidth, the tier (Standard,
 * Premium), MeteredData to UnlimitedData, and the provider and location while the provider has not
 * provisioned it. What it does not: a lower bandwidth, UnlimitedData back to MeteredData, another
 * provider or location once provisioned. Pure.
 */
export function diffCircuit(planned: PlannedCircuit, actual: CircuitModel | undefined): CircuitChange | { conflicts: Problem[] } {
  if (!actual) return { action: 'create', circuit: planned, fields: [] };
  if (isBusy(actual.provisioningState)) return { action: 'wait', circuit: planned, fields: [], state: actual.provisioningState };
  const d = planned.desired;
  const fields: string[] = [];
  const problems: Problem[] = [];
  const conflict = (path: string, message: string, fix: string) => problems.push({ path: `azure.expressRoute.circuit${path}`, message, fix, severity: 'error' });
  const recreate = `or ask the provider to deprovision circuit ${planned.name}, delete it (its ExpressRoute connection first) and deploy again to create it anew`;
  const provisioned = isProviderProvisioned(actual) || (actual.serviceProviderProvisioningState ?? '').toLowerCase() === 'provisioning';
  if (actual.location && normLocation(actual.location) !== normLocation(d.location)) {
    conflict('.name', `circuit ${planned.name} exists in ${actual.location}, the hub says ${d.location}`, 'set azure.location to the circuit\'s region, or give the circuit another name');
  }
  for (const [key, have, want] of [
    ['serviceProviderName', actual.serviceProviderName, d.serviceProviderName],
    ['peeringLocation', actual.peeringLocation, d.peeringLocation],
  ] as const) {
    if (have === undefined || have === want) continue;
    if (provisioned) conflict(`.${key}`, `circuit ${planned.name} is provisioned by ${actual.serviceProviderName ?? 'its provider'} at ${actual.peeringLocation ?? 'its location'}; Azure cannot change ${key} of a provisioned circuit`, `set ${key}: ${have}, ${recreate}`);
    else fields.push(`${key}: ${have} -> ${want}`);
  }
  if (actual.bandwidthInMbps !== undefined && actual.bandwidthInMbps !== d.bandwidthInMbps) {
    if (d.bandwidthInMbps < actual.bandwidthInMbps) {
      conflict('.bandwidthInMbps', `circuit ${planned.name} has ${actual.bandwidthInMbps} Mbps; Azure raises a circuit's bandwidth in place but never lowers it`, `set bandwidthInMbps: ${actual.bandwidthInMbps}, ${recreate}`);
    } else fields.push(`bandwidthInMbps: ${actual.bandwidthInMbps} -> ${d.bandwidthInMbps}`);
  }
  if (actual.skuTier !== undefined && actual.skuTier.toLowerCase() !== d.skuTier.toLowerCase()) fields.push(`skuTier: ${actual.skuTier} -> ${d.skuTier}`);
  if (actual.skuFamily !== undefined && actual.skuFamily.toLowerCase() !== d.skuFamily.toLowerCase()) {
    if (actual.skuFamily.toLowerCase() === 'unlimiteddata') {
      conflict('.skuFamily', `circuit ${planned.name} is UnlimitedData; Azure changes MeteredData to UnlimitedData in place, never back`, `set skuFamily: UnlimitedData, ${recreate}`);
    } else fields.push(`skuFamily: ${actual.skuFamily} -> ${d.skuFamily}`);
  }
  if (problems.length > 0) return { conflicts: problems };
  if (isFailedState(actual.provisioningState)) fields.unshift('provisioningState: Failed -> Succeeded (retry)');
  return { action: fields.length > 0 ? 'update' : 'noop', circuit: planned, fields };
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
