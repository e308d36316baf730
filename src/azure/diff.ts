/**
 * Desired (plan) against actual (what Azure holds): create, update, no-op or wait, per resource. Pure.
 * Only fields tunnelsmith owns are compared; read-only and Azure-added fields are ignored. An existing
 * resource keeps its tags (an adopted resource is never tagged, so `destroy` never removes it) and the
 * subnets tunnelsmith does not know. A state that cannot be changed in place is a conflict with the remedy.
 */
import type { Problem } from '../errors';
import type { IpsecPolicy } from '../hub/types';
import {
  isBusy,
  isFailedState,
  sameId,
  type ConnectionModel,
  type GatewayModel,
  type LngModel,
  type PublicIpModel,
  type ResourceGroupModel,
  type VnetModel,
} from './model';
import { GATEWAY_SUBNET, IPSEC_PROTOCOL, type AzurePlan, type PlannedResource } from './plan';

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

export interface DiffOutcome {
  changes: Change[];
  /** Existing state that cannot be brought to the desired one in place. */
  conflicts: Problem[];
}

/** Actual resources by plan key; `undefined` = does not exist. */
export type ActualState = Readonly<Record<string, unknown>>;

/** Compares every planned resource with what exists. Pure. */
export function diffPlan(plan: AzurePlan, actual: ActualState): DiffOutcome {
  const changes: Change[] = [];
  const conflicts: Problem[] = [];
  const gatewaysExist = plan.resources.some((r) => (r.kind === 'vpnGateway' || r.kind === 'erGateway') && actual[r.key] !== undefined);
  for (const r of plan.resources) {
    const out = diffResource(r, actual[r.key], { actual, plan, gatewaysExist });
    if ('conflicts' in out) conflicts.push(...out.conflicts);
    else changes.push(out);
  }
  return { changes, conflicts };
}

interface DiffContext {
  actual: ActualState;
  plan: AzurePlan;
  gatewaysExist: boolean;
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

  if (actual.location !== undefined && actual.location !== '' && normLocation(actual.location) !== normLocation(r.desired.location)) {
    conflict(
      r.kind === 'resourceGroup' ? 'azure.location' : r.field,
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
      body = { ...r, desired: diffVnet(r.desired, actualValue as VnetModel, ctx.gatewaysExist, fields, conflict) };
      break;
    case 'publicIp':
      body = { ...r, desired: diffPublicIp(r, actualValue as PublicIpModel, conflict) };
      break;
    case 'erGateway':
    case 'vpnGateway':
      body = { ...r, desired: diffGateway(r, actualValue as GatewayModel, fields, conflict) };
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

function diffVnet(desired: VnetModel, actual: VnetModel, gatewaysExist: boolean, fields: string[], conflict: Conflict): VnetModel {
  if (!sameSet(desired.addressSpace, actual.addressSpace)) fields.push(`addressSpace: ${list(actual.addressSpace)} -> ${list(desired.addressSpace)}`);
  const subnets = [...desired.subnets];
  for (const want of desired.subnets) {
    const have = actual.subnets.find((s) => s.name.toLowerCase() === want.name.toLowerCase());
    if (!have) {
      fields.push(`subnet ${want.name}: add ${want.addressPrefix}`);
    } else if (have.addressPrefix !== want.addressPrefix) {
      if (want.name === GATEWAY_SUBNET && gatewaysExist) {
        conflict(
          'azure.vnet.gatewaySubnet',
          `the GatewaySubnet is ${have.addressPrefix} in Azure and gateways use it, so it cannot become ${want.addressPrefix}`,
          `set azure.vnet.gatewaySubnet to ${have.addressPrefix}, or delete both gateways first (tunnelsmith destroy removes what it created), then deploy again`,
        );
      } else {
        fields.push(`subnet ${want.name}: ${have.addressPrefix} -> ${want.addressPrefix}`);
      }
    }
  }
  for (const extra of actual.subnets) {
    if (!subnets.some((s) => s.name.toLowerCase() === extra.name.toLowerCase())) subnets.push({ name: extra.name, addressPrefix: extra.addressPrefix });
  }
  return { ...desired, tags: actual.tags, subnets };
}

function diffPublicIp(r: PlannedResource & { kind: 'publicIp' }, actual: PublicIpModel, conflict: Conflict): PublicIpModel {
  if (actual.sku.toLowerCase() !== r.desired.sku.toLowerCase() || actual.allocation.toLowerCase() !== r.desired.allocation.toLowerCase()) {
    conflict(
      r.field,
      `public IP ${r.name} is ${actual.sku}/${actual.allocation}; gateways need Standard/Static, and Azure cannot change that in place`,
      `name another public IP in the hub file, or delete ${r.name} and deploy again`,
    );
  }
  return { ...r.desired, tags: actual.tags };
}

function diffGateway(r: PlannedResource & { kind: 'erGateway' | 'vpnGateway' }, actual: GatewayModel, fields: string[], conflict: Conflict): GatewayModel {
  const d = r.desired;
  if (actual.gatewayType.toLowerCase() !== d.gatewayType.toLowerCase()) {
    conflict(`${r.field}${r.kind === 'vpnGateway' ? '.name' : '.gatewayName'}`, `gateway ${r.name} exists as a ${actual.gatewayType} gateway, the hub needs a ${d.gatewayType} gateway`, 'choose another gateway name');
    return d;
  }
  if (d.vpnType && actual.vpnType && actual.vpnType.toLowerCase() !== d.vpnType.toLowerCase()) {
    conflict(`${r.field}.name`, `gateway ${r.name} is ${actual.vpnType}; coexistence with ExpressRoute and BGP need RouteBased, which Azure cannot change in place`, `delete gateway ${r.name} and deploy again, or choose another name`);
  }
  if (actual.sku.toLowerCase() !== d.sku.toLowerCase()) fields.push(`sku: ${actual.sku} -> ${d.sku}`);
  if (actual.activeActive !== d.activeActive) fields.push(`activeActive: ${actual.activeActive} -> ${d.activeActive}`);
  if (actual.enableBgp !== d.enableBgp) fields.push(`enableBgp: ${actual.enableBgp} -> ${d.enableBgp}`);
  if (d.asn !== undefined && actual.asn !== d.asn) fields.push(`asn: ${actual.asn ?? 'none'} -> ${d.asn}`);

  // Match IP configurations by the public IP they use: an adopted gateway keeps its own names.
  const ipConfigurations = d.ipConfigurations.map((want) => {
    const have = actual.ipConfigurations.find((c) => sameId(c.publicIpId, want.publicIpId));
    return have ? { ...want, name: have.name, id: have.id ?? want.id } : want;
  });
  const ipConfigsSame =
    actual.ipConfigurations.length === d.ipConfigurations.length &&
    d.ipConfigurations.every((want) => actual.ipConfigurations.some((c) => sameId(c.publicIpId, want.publicIpId) && sameId(c.subnetId, want.subnetId)));
  if (!ipConfigsSame) {
    fields.push(`ipConfigurations: ${list(actual.ipConfigurations.map((c) => shortId(c.publicIpId)))} -> ${list(d.ipConfigurations.map((c) => shortId(c.publicIpId)))}`);
  }
  const idMap = new Map(d.ipConfigurations.map((want, i) => [want.id?.toLowerCase() ?? '', ipConfigurations[i].id ?? want.id ?? '']));
  const bgpPeeringAddresses = d.bgpPeeringAddresses.map((b) => ({ ...b, ipConfigurationId: idMap.get(b.ipConfigurationId.toLowerCase()) ?? b.ipConfigurationId }));
  for (const want of bgpPeeringAddresses) {
    const have = actual.bgpPeeringAddresses.find((b) => sameId(b.ipConfigurationId, want.ipConfigurationId));
    const haveCustom = have?.customBgpIps ?? [];
    if (!sameSet(haveCustom, want.customBgpIps)) fields.push(`custom BGP (APIPA) on ${shortId(want.ipConfigurationId)}: ${list(haveCustom)} -> ${list(want.customBgpIps)}`);
  }
  return { ...d, tags: actual.tags, ipConfigurations, bgpPeeringAddresses };
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

/** Whether a diff holds anything to write (or wait for). Pure. */
export function hasPendingChanges(changes: readonly Change[]): boolean {
  return changes.some((c) => c.action !== 'noop');
}
