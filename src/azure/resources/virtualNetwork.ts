/**
 * The virtual network with its subnets, the GatewaySubnet among them (subnets are written with their
 * VNet). Subnets tunnelsmith does not know are kept. What Azure cannot do in place is a conflict: drop an
 * address range that still holds a subnet, hold two overlapping subnets, or change the GatewaySubnet
 * while gateways use it (reported to the caller, which can plan `deploy --allow-recreate`).
 */
import { containsCidr, overlaps, type Cidr } from '../../net/ipv4';
import { cidrOf, list, sameSet } from './compare';
import type { KindSpec } from './contract';

export const GATEWAY_SUBNET = 'GatewaySubnet';

export const virtualNetwork: KindSpec<'virtualNetwork'> = {
  kind: 'virtualNetwork',
  label: 'virtual network',
  arm: { type: 'virtualNetworks', label: 'virtual network', destroyStage: 3 },
  read: (api, rg, name, o) => api.getVnet(rg, name, o),
  write: (api, rg, desired, _secrets, o) => api.putVnet(rg, desired, o),
  diff: (r, actual, ctx, found) => {
    const desired = r.desired;
    const { fields, conflict } = found;
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
  },
};

/** The ARM id of a VNet's GatewaySubnet. */
export function gatewaySubnetId(vnetId: string): string {
  return `${vnetId}/subnets/${GATEWAY_SUBNET}`;
}
