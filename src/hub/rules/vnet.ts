/** The VNet's own prefixes and application subnets: disjoint, inside the address space, well named. */
import type { Problem } from '../../errors';
import { containsCidr, overlaps } from '../../net/ipv4';
import { GATEWAY_SUBNET_NAME } from '../azureValues';
import { indexedCidrs } from './net';
import { error, type HubParts } from './types';

/** The VNet's address prefixes do not overlap each other. */
export function checkVnetAddressSpaceDisjoint(parts: HubParts): Problem[] {
  if (!parts.vnet) return [];
  const cidrs = indexedCidrs(parts.vnet.addressSpace);
  const problems: Problem[] = [];
  for (const a of cidrs) {
    const earlier = cidrs.find((b) => b.index < a.index && overlaps(a.cidr, b.cidr));
    if (earlier) {
      problems.push(error(`azure.vnet.addressSpace[${a.index}]`, `${a.cidr.text} overlaps ${earlier.cidr.text} (azure.vnet.addressSpace[${earlier.index}])`, 'list disjoint prefixes only'));
    }
  }
  return problems;
}

/** Each application subnet lies inside the VNet address space and overlaps no other subnet. */
export function checkSubnetsInsideVnet(parts: HubParts): Problem[] {
  if (!parts.vnet) return [];
  const space = indexedCidrs(parts.vnet.addressSpace).map((c) => c.cidr);
  const subnets = indexedCidrs((parts.vnet.subnets ?? []).map((s) => s.prefix));
  const problems: Problem[] = [];
  for (const s of subnets) {
    const path = `azure.vnet.subnets[${s.index}].prefix`;
    if (space.length > 0 && !space.some((v) => containsCidr(v, s.cidr))) {
      problems.push(error(path, `${s.cidr.text} is not inside the VNet address space (${space.map((v) => v.text).join(', ')})`, 'choose a prefix inside azure.vnet.addressSpace'));
      continue;
    }
    const earlier = subnets.find((o) => o.index < s.index && overlaps(o.cidr, s.cidr));
    if (earlier) problems.push(error(path, `${s.cidr.text} overlaps azure.vnet.subnets[${earlier.index}] (${earlier.cidr.text})`, 'give each subnet its own range'));
  }
  return problems;
}

/** Subnet names are unique and none is GatewaySubnet (that one is `azure.vnet.gatewaySubnet`). */
export function checkSubnetNames(parts: HubParts): Problem[] {
  const subnets = parts.vnet?.subnets ?? [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  subnets.forEach((s, k) => {
    const key = s.name.toLowerCase();
    const path = `azure.vnet.subnets[${k}].name`;
    if (key === GATEWAY_SUBNET_NAME.toLowerCase()) {
      problems.push(error(path, 'GatewaySubnet is reserved for the gateways and is set by azure.vnet.gatewaySubnet', 'remove this entry and set azure.vnet.gatewaySubnet'));
    } else if (seen.has(key)) {
      problems.push(error(path, `the subnet name ${s.name} is already used by azure.vnet.subnets[${seen.get(key)}]`, 'give each subnet a unique name (Azure names are case-insensitive)'));
    } else seen.set(key, k);
  });
  return problems;
}
