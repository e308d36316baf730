/**
 * virtualNetworkGateways (Vpn and ExpressRoute): ipConfigurations on the GatewaySubnet with public IPs,
 * bgpSettings with one bgpPeeringAddresses entry per ipConfiguration, and Azure's refusals about SKUs,
 * resizes, active-active, coexistence and concurrent operations in one VNet.
 */
import type { EmulatorContext } from '../context';
import { asObject } from '../http';
import { formatIp, size } from '../ipv4';
import {
  badRequest,
  checkActiveActive,
  checkBasicSku,
  checkCustomBgpAddress,
  checkGatewayAsn,
  checkGatewaySku,
  checkGatewaySkuChange,
  checkNewVpnSku,
  defaultGeneration,
  ER_SKUS,
} from '../rules';
import type { ResourceRecord } from '../state';
import { envelope, newRecord, resolveRef } from './generic';
import type { ResourceKind } from './kind';
import { assignDynamicAddress, publicIpUser, releaseDynamicAddress } from './publicIpAddresses';
import { connectionsOfGateway, gatewayInstances, vnetKeyOfGateway } from './topology';
import { firstPrefix } from './virtualNetworks';

/** Default BGP addresses: free addresses of the GatewaySubnet from .4 on, one per ipConfiguration, stable across updates. */
function allocateBgpAddresses(ctx: EmulatorContext, gwKey: string, subnet: ResourceRecord, ipConfigNames: string[], previous: Record<string, string>): Record<string, string> {
  const prefix = firstPrefix(subnet)!;
  const used = new Set<string>();
  for (const g of ctx.store.list('virtualNetworkGateways')) {
    if (g.key === gwKey) continue;
    for (const ip of Object.values<string>(g.internal.defaultBgpIps ?? {})) used.add(ip);
  }
  const out: Record<string, string> = {};
  for (const name of ipConfigNames) {
    const prev = previous[name.toLowerCase()];
    if (prev && !used.has(prev)) {
      out[name.toLowerCase()] = prev;
      used.add(prev);
    }
  }
  let next = prefix.base + 4;
  const last = prefix.base + size(prefix) - 2;
  for (const name of ipConfigNames) {
    if (out[name.toLowerCase()]) continue;
    while (next <= last && used.has(formatIp(next))) next++;
    if (next > last) throw badRequest('GatewaySubnetIsFull', `GatewaySubnet ${subnet.id} has no free address left for gateway ${gwKey}.`);
    out[name.toLowerCase()] = formatIp(next);
    used.add(formatIp(next));
  }
  return out;
}

function checkCoexistence(ctx: EmulatorContext, gwId: string, gatewayType: string, sku: string, vpnType: string, subnet: ResourceRecord, siblings: ResourceRecord[]): void {
  for (const other of siblings) {
    const otherType = other.props.gatewayType;
    if (otherType === gatewayType) {
      throw badRequest(
        'VnetCanHaveOnlyOneGatewayOfEachType',
        `Virtual network gateway ${gwId} cannot be created: the virtual network already has ${gatewayType} gateway ${other.id}.`,
      );
    }
    const vpn = gatewayType === 'Vpn' ? { sku, vpnType, id: gwId } : { sku: other.props.sku?.name, vpnType: other.props.vpnType, id: other.id };
    if (vpn.sku === 'Basic') {
      throw badRequest('BasicSkuNotSupportedForCoexistence', `The Basic SKU of VPN gateway ${vpn.id} cannot coexist with an ExpressRoute gateway in the same virtual network.`);
    }
    if (vpn.vpnType === 'PolicyBased') {
      throw badRequest('PolicyBasedGatewayNotSupportedForCoexistence', `Policy-based VPN gateway ${vpn.id} cannot coexist with an ExpressRoute gateway; use a route-based VPN gateway.`);
    }
    const prefix = firstPrefix(subnet)!;
    if (prefix.prefix > 27) {
      throw badRequest(
        'GatewaySubnetTooSmallForCoexistence',
        `To deploy both an ExpressRoute and a VPN gateway in the same virtual network, the GatewaySubnet ${subnet.id} must be /27 or larger; it is /${prefix.prefix}. Delete the gateways, recreate the GatewaySubnet as /27 or larger and retry.`,
      );
    }
  }
}

export const virtualNetworkGatewayKind: ResourceKind = {
  type: 'virtualNetworkGateways',
  fullType: 'Microsoft.Network/virtualNetworkGateways',
  putDurationMs: (ctx) => ctx.settings.durations.gatewayMs,
  deleteDurationMs: (ctx) => ctx.settings.durations.gatewayMs,
  build(ctx, input) {
    const id = input.existing?.id ?? input.id;
    const props = asObject(input.body.properties, 'properties');
    const gatewayType = String(props.gatewayType ?? '');
    if (gatewayType !== 'Vpn' && gatewayType !== 'ExpressRoute') {
      throw badRequest('InvalidGatewayType', `gatewayType of virtual network gateway ${id} must be Vpn or ExpressRoute; got '${gatewayType}'.`);
    }
    if (input.existing && input.existing.props.gatewayType !== gatewayType) {
      throw badRequest('GatewayTypeCannotBeChanged', `The gateway type of virtual network gateway ${id} cannot be changed from ${input.existing.props.gatewayType} to ${gatewayType}.`);
    }
    const skuName = String(props.sku?.name ?? '');
    const allowRetired = ctx.store.state.rules.allowRetiredSkus === true;
    checkGatewaySku(gatewayType, skuName, id, allowRetired);
    if (!input.existing && gatewayType === 'Vpn' && !allowRetired) checkNewVpnSku(skuName, id);
    if (input.existing) {
      checkGatewaySkuChange(gatewayType, String(input.existing.props.sku?.name ?? ''), skuName, input.existing.props.vpnGatewayGeneration, id);
    }
    const vpnType = gatewayType === 'Vpn' ? String(props.vpnType ?? 'RouteBased') : undefined;
    if (vpnType && vpnType !== 'RouteBased' && vpnType !== 'PolicyBased') {
      throw badRequest('InvalidVpnType', `vpnType of virtual network gateway ${id} must be RouteBased or PolicyBased; got ${vpnType}.`);
    }
    const enableBgp = props.enableBgp === true;
    const activeActive = props.activeActive === true;
    if (gatewayType === 'Vpn') {
      checkBasicSku(skuName, enableBgp, activeActive, id);
      if (enableBgp && vpnType === 'PolicyBased') {
        throw badRequest('PolicyBasedGatewayDoesNotSupportBgp', `BGP needs a route-based VPN gateway; ${id} is policy-based.`);
      }
    } else if (activeActive && !ER_SKUS.includes(skuName)) {
      throw badRequest('InvalidGatewaySku', `Active-active is not valid for ExpressRoute gateway ${id}.`);
    }

    const rawIpConfigs = Array.isArray(props.ipConfigurations) ? (props.ipConfigurations as unknown[]) : [];
    if (gatewayType === 'Vpn') checkActiveActive(activeActive, rawIpConfigs.length, id);
    else if (rawIpConfigs.length !== 1) {
      throw badRequest('ExpressRouteGatewayMustHaveExactlyOneIpConfiguration', `ExpressRoute gateway ${id} must have exactly one IP configuration.`);
    }
    let subnet: ResourceRecord | undefined;
    const pipKeys = new Set<string>();
    const ipConfigurations = rawIpConfigs.map((raw, i) => {
      const ipc = asObject(raw, `ipConfigurations[${i}]`);
      const name = String(ipc.name ?? (i === 0 ? 'default' : `ipconfig${i + 1}`));
      const ipcProps = asObject(ipc.properties, `ipConfigurations[${i}].properties`);
      const s = resolveRef(ctx, ipcProps.subnet, { type: 'virtualNetworks', childType: 'subnets' }, id, `ipConfigurations[${i}].properties.subnet`);
      if (s.name.toLowerCase() !== 'gatewaysubnet') {
        throw badRequest('InvalidGatewaySubnet', `Subnet ${s.id} referenced by virtual network gateway ${id} is not named GatewaySubnet; a gateway must be placed in the subnet named GatewaySubnet.`);
      }
      if (subnet && subnet.key !== s.key) {
        throw badRequest('GatewayIpConfigurationsInDifferentSubnets', `All IP configurations of virtual network gateway ${id} must use the same GatewaySubnet.`);
      }
      subnet = s;
      const out: Record<string, any> = {
        name,
        id: `${id}/ipConfigurations/${name}`,
        properties: { privateIPAllocationMethod: String(ipcProps.privateIPAllocationMethod ?? 'Dynamic'), subnet: { id: s.id } },
      };
      if (ipcProps.publicIPAddress !== undefined && ipcProps.publicIPAddress !== null) {
        const pip = resolveRef(ctx, ipcProps.publicIPAddress, { type: 'publicIPAddresses' }, id, `ipConfigurations[${i}].properties.publicIPAddress`);
        if (pipKeys.has(pip.key)) throw badRequest('PublicIPAddressInUse', `Public IP ${pip.id} is used by two IP configurations of ${id}.`);
        pipKeys.add(pip.key);
        const user = publicIpUser(ctx, pip);
        if (user && !user.toLowerCase().startsWith(id.toLowerCase() + '/')) {
          throw badRequest('PublicIPAddressInUse', `Resource ${pip.id} is referenced by resource ${user}, and cannot be used by ${id}.`);
        }
        const pipSku = String(pip.sku?.name ?? 'Standard');
        if (pipSku === 'Basic' && (skuName.endsWith('AZ') || gatewayType === 'ExpressRoute')) {
          throw badRequest(
            gatewayType === 'ExpressRoute' ? 'PublicIpWithBasicSkuNotAllowedOnExpressRouteGateways' : 'PublicIpWithBasicSkuNotAllowedOnVpnGateways',
            `Public IP ${pip.id} with Basic SKU is not supported on gateway ${id} (SKU ${skuName}); create and associate a Standard public IP.`,
          );
        }
        out.properties.publicIPAddress = { id: pip.id };
      } else if (gatewayType === 'Vpn') {
        throw badRequest('PublicIpRequiredForVpnGateway', `ipConfigurations[${i}] of VPN gateway ${id} needs a publicIPAddress.`);
      }
      return out;
    });

    const vnetKey = subnet!.parentKey!;
    const siblings = ctx.store.list('virtualNetworkGateways').filter((g) => g.key !== input.id.toLowerCase() && vnetKeyOfGateway(g) === vnetKey);
    checkCoexistence(ctx, id, gatewayType, skuName, vpnType ?? '', subnet!, siblings);

    const bgpIn = asObject(props.bgpSettings, 'bgpSettings');
    const asn = bgpIn.asn === undefined ? 65515 : bgpIn.asn;
    if (gatewayType === 'Vpn') checkGatewayAsn(asn, id);
    const custom: Record<string, string[]> = {};
    for (const entry of Array.isArray(bgpIn.bgpPeeringAddresses) ? (bgpIn.bgpPeeringAddresses as any[]) : []) {
      const ipcId = String(entry?.ipconfigurationId ?? '');
      const ipc = ipConfigurations.find((c) => c.id.toLowerCase() === ipcId.toLowerCase());
      if (!ipc) {
        throw badRequest('InvalidIpConfigurationIdInBgpPeeringAddresses', `bgpSettings.bgpPeeringAddresses names ipconfigurationId '${ipcId}', which is not an IP configuration of virtual network gateway ${id}.`);
      }
      const addrs = Array.isArray(entry.customBgpIpAddresses) ? entry.customBgpIpAddresses : [];
      if (addrs.length > 0 && skuName === 'Basic') {
        throw badRequest('BasicSkuVirtualNetworkGatewayDoesNotSupportBgp', `Custom BGP addresses need a SKU of VpnGw1 or higher on ${id}.`);
      }
      custom[ipc.name.toLowerCase()] = addrs.map((a: unknown) => checkCustomBgpAddress(a, `virtual network gateway ${id}`));
    }
    const allCustom = Object.values(custom).flat();
    if (new Set(allCustom).size !== allCustom.length) {
      throw badRequest('DuplicateCustomBgpIpAddress', `Virtual network gateway ${id} lists a custom BGP address on more than one IP configuration.`);
    }

    const stored: Record<string, any> = {
      ipConfigurations,
      gatewayType,
      sku: { name: skuName, tier: String(props.sku?.tier ?? skuName), capacity: 2 },
      enableBgp,
      activeActive,
      bgpSettings: { asn, peerWeight: typeof bgpIn.peerWeight === 'number' ? bgpIn.peerWeight : 0 },
      enablePrivateIpAddress: props.enablePrivateIpAddress === true,
      disableIPSecReplayProtection: props.disableIPSecReplayProtection === true,
    };
    if (vpnType) {
      stored.vpnType = vpnType;
      stored.vpnGatewayGeneration = String(input.existing?.props.vpnGatewayGeneration ?? props.vpnGatewayGeneration ?? defaultGeneration(skuName));
    }
    const rec = newRecord(virtualNetworkGatewayKind, input, { props: stored });
    rec.internal.customBgpIps = custom;
    rec.internal.defaultBgpIps = allocateBgpAddresses(
      ctx,
      rec.key,
      subnet!,
      ipConfigurations.map((c) => c.name),
      input.existing?.internal.defaultBgpIps ?? {},
    );
    return rec;
  },
  blockers(ctx, rec) {
    const vnet = vnetKeyOfGateway(rec);
    const creating = (g: ResourceRecord) => !g.provisioned && g.provisioningState === 'Updating';
    // Whether Azure lets two gateways of one GatewaySubnet be created at once is documented nowhere: by
    // default both go ahead; refuseConcurrentGateways makes the second a 409, as a tool must expect.
    const concurrentCreateAllowed = creating(rec) && ctx.store.state.rules.refuseConcurrentGateways !== true;
    const siblings = ctx.store
      .list('virtualNetworkGateways')
      .filter((g) => g.key !== rec.key && vnetKeyOfGateway(g) === vnet)
      .filter((g) => !(concurrentCreateAllowed && creating(g)));
    return [...siblings, ...connectionsOfGateway(ctx, rec)];
  },
  completed(ctx, rec) {
    for (const ipc of rec.props.ipConfigurations ?? []) {
      const pip = ipc.properties.publicIPAddress ? ctx.store.get(ipc.properties.publicIPAddress.id) : undefined;
      if (pip) assignDynamicAddress(ctx, pip);
    }
  },
  view(ctx, rec) {
    const ipConfigurations = (rec.props.ipConfigurations ?? []).map((ipc: any) => ({
      name: ipc.name,
      id: ipc.id,
      etag: rec.etag,
      properties: { provisioningState: rec.provisioningState, ...ipc.properties },
    }));
    return envelope(rec, { ...rec.props, ipConfigurations, bgpSettings: bgpSettingsView(ctx, rec) });
  },
  beforeDelete(ctx, rec) {
    const conns = connectionsOfGateway(ctx, rec);
    if (conns.length > 0) {
      throw badRequest(
        'InUseVirtualNetworkGatewayCannotBeDeleted',
        `Virtual network gateway ${rec.id} cannot be deleted because it is in use by connection ${conns[0].id}. Delete its connections first.`,
      );
    }
  },
  deleted(ctx, rec) {
    for (const ipc of rec.props.ipConfigurations ?? []) {
      const pip = ipc.properties.publicIPAddress ? ctx.store.get(ipc.properties.publicIPAddress.id) : undefined;
      if (pip) releaseDynamicAddress(ctx, pip);
    }
  },
};

/**
 * One bgpPeeringAddresses entry per ipConfiguration, tied to it by `ipconfigurationId` (whose
 * publicIPAddress leads to the instance's public IP). Rules can drop `tunnelIpAddresses` (older API
 * answers) and reverse the list, so a client that pairs by position goes wrong.
 */
function bgpSettingsView(ctx: EmulatorContext, gw: ResourceRecord): Record<string, any> {
  const rules = ctx.store.state.rules;
  const instances = gatewayInstances(ctx, gw);
  const entries = instances.map((i) => {
    const e: Record<string, unknown> = {
      ipconfigurationId: i.ipConfigurationId,
      defaultBgpIpAddresses: [i.defaultBgpIp],
      customBgpIpAddresses: i.customBgpIps,
    };
    if (!rules.omitTunnelIpAddresses) e.tunnelIpAddresses = i.publicIp ? [i.publicIp] : [];
    return e;
  });
  return {
    ...gw.props.bgpSettings,
    bgpPeeringAddress: instances.map((i) => i.defaultBgpIp).join(','),
    bgpPeeringAddresses: rules.reverseBgpPeeringAddresses ? entries.reverse() : entries,
  };
}
