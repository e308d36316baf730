/**
 * What the two gateway kinds share (`vpnGateway.ts`, `erGateway.ts`): one ARM type, and a diff that
 * resizes within a SKU family, turns active-active on or off, and refuses what Azure cannot change in
 * place (another gateway type, a policy-based VPN, a SKU across families or generations, other public IPs).
 */
import { sameId, type ConnectionModel, type GatewayModel } from '../client/model';
import { azTwinOf, judgeSkuChange, type GatewayKind } from './skus';
import { list, sameSet, shortId } from './compare';
import type { AzureApi, CallOptions } from '../client/api';
import type { ArmTypeSpec, DiffContext, Findings, PlannedOf } from './contract';

/** Both gateway kinds are `virtualNetworkGateways`; destroy deletes them one at a time, after their connections. */
export const GATEWAYS: ArmTypeSpec = { type: 'virtualNetworkGateways', label: 'gateway', destroyStage: 1 };

type PlannedGateway = PlannedOf<'vpnGateway' | 'erGateway'>;

export function readGateway(api: AzureApi, rg: string, name: string, o?: CallOptions): Promise<GatewayModel | undefined> {
  return api.getGateway(rg, name, o);
}

export function writeGateway(api: AzureApi, rg: string, desired: GatewayModel, _secrets: unknown, o?: CallOptions): Promise<GatewayModel> {
  return api.putGateway(rg, desired, o);
}

/** What differs between the two gateway kinds' diffs. */
export interface GatewayTraits {
  label: string;
  family: GatewayKind;
  /** The hub-file field under the gateway's that holds its name (`name`, `gatewayName`). */
  nameField: string;
  skuField: string;
  /** The conflict when the gateway uses other public IPs than the hub names (`names`: the ones it uses). */
  otherPublicIps(r: PlannedGateway, names: string[], actual: GatewayModel, ctx: DiffContext, found: Findings): void;
}

/** The body to write over an existing gateway. Pure. */
export function diffGateway(t: GatewayTraits, r: PlannedGateway, actual: GatewayModel, ctx: DiffContext, found: Findings): GatewayModel {
  const { fields, conflict } = found;
  const d = r.desired;
  const nameField = `${r.field}.${t.nameField}`;
  if (actual.gatewayType.toLowerCase() !== d.gatewayType.toLowerCase()) {
    conflict(nameField, `gateway ${r.name} exists as a ${actual.gatewayType} gateway, the hub needs a ${d.gatewayType} gateway`, 'choose another gateway name');
    return d;
  }
  if (d.vpnType && actual.vpnType && actual.vpnType.toLowerCase() !== d.vpnType.toLowerCase()) {
    conflict(
      nameField,
      `VPN gateway ${r.name} is ${actual.vpnType}; BGP, custom IPsec policies and coexistence with ExpressRoute need a RouteBased gateway, and Azure cannot change the VPN type in place`,
      recreateGatewayRemedy(r.name, connectionsOfGateway(r.name, actual, ctx), `tunnelsmith creates a route-based ${d.sku} gateway named ${r.name}`),
    );
  }
  const verdict = judgeSkuChange(t.family, actual.sku, d.sku, actual.generation);
  if (verdict.kind === 'refuse') {
    conflict(t.skuField, `${t.label} ${r.name} is ${actual.sku} in Azure, the hub file says ${d.sku}: ${verdict.reason}`, verdict.remedy);
  } else if (verdict.kind === 'replace') {
    found.replace(t.skuField, verdict.reason);
  } else if (verdict.kind === 'resize') {
    fields.push(`sku: ${actual.sku} -> ${d.sku}`);
  }
  const twin = t.family === 'Vpn' && verdict.kind !== 'refuse' ? azTwinOf(actual.sku) : undefined;
  if (twin) {
    found.note(
      t.skuField,
      `${t.label} ${r.name} is ${actual.sku}, a non-AZ SKU Azure no longer creates; tunnelsmith adopts it as it is${verdict.kind === 'resize' ? ` (resized within VpnGw1..5 to ${d.sku})` : ''}, and Microsoft migrates it to ${azTwinOf(d.sku) ?? twin} itself, keeping its public IP`,
      `once Microsoft has migrated it, set sku: ${azTwinOf(d.sku) ?? twin}`,
    );
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
      } else {
        t.otherPublicIps(r, names, actual, ctx, found);
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

/** The connections of an existing gateway: from the group's listing, else those the plan knows. */
export function connectionsOfGateway(gatewayName: string, actual: GatewayModel, ctx: DiffContext): string[] {
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
export function recreateGatewayRemedy(name: string, connections: string[], after: string): string {
  const first = connections.length > 0 ? `delete its connection${connections.length > 1 ? 's' : ''} ${connections.join(', ')}, then ` : '';
  return `${first}delete gateway ${name} (tunnels drop until deploy recreates them; their shared keys are in Azure: note them, or keep them in the hub's sharedKey references), then deploy again: ${after}`;
}
