/** The GatewaySubnet: inside the VNet, clear of other subnets, large enough. */
import type { Problem } from '../../errors';
import { containsCidr, overlaps } from '../../net/ipv4';
import { MIN_COEXISTENCE_GATEWAY_SUBNET_PREFIX, MIN_GATEWAY_SUBNET_PREFIX } from '../azureValues';
import { gatewaySubnetCidr, indexedCidrs } from './net';
import { error, type HubParts } from './types';

const PATH = 'azure.vnet.gatewaySubnet';

/** `gatewaySubnet` lies inside one of the VNet's address prefixes. */
export function checkGatewaySubnetInsideVnet(parts: HubParts): Problem[] {
  const gw = gatewaySubnetCidr(parts);
  if (!parts.vnet || !gw) return [];
  const space = indexedCidrs(parts.vnet.addressSpace).map((c) => c.cidr);
  if (space.length === 0 || space.some((v) => containsCidr(v, gw))) return [];
  return [error(PATH, `${gw.text} is not inside the VNet address space (${space.map((v) => v.text).join(', ')})`, 'choose a range inside azure.vnet.addressSpace, e.g. the last /27 of it')];
}

/** `gatewaySubnet` overlaps no application subnet. */
export function checkGatewaySubnetOverlaps(parts: HubParts): Problem[] {
  const gw = gatewaySubnetCidr(parts);
  if (!parts.vnet || !gw) return [];
  return indexedCidrs((parts.vnet.subnets ?? []).map((s) => s.prefix))
    .filter((s) => overlaps(s.cidr, gw))
    .map((s) => error(PATH, `${gw.text} overlaps azure.vnet.subnets[${s.index}] (${s.cidr.text}); the GatewaySubnet must hold nothing else`, 'move the subnet or the GatewaySubnet to a free range'));
}

/** `gatewaySubnet` is /29 or larger, and /27 or larger when ExpressRoute coexists with the VPN gateway. */
export function checkGatewaySubnetSize(parts: HubParts): Problem[] {
  const gw = gatewaySubnetCidr(parts);
  if (!gw) return [];
  if (parts.hasExpressRoute && gw.prefixLength > MIN_COEXISTENCE_GATEWAY_SUBNET_PREFIX) {
    return [error(PATH, `/${gw.prefixLength} is too small: ExpressRoute and VPN gateways coexisting need a /27 or larger GatewaySubnet`, 'use a /27 (or larger) range; an existing smaller GatewaySubnet must be deleted and recreated')];
  }
  if (gw.prefixLength > MIN_GATEWAY_SUBNET_PREFIX) {
    return [error(PATH, `/${gw.prefixLength} is too small: Azure needs a /29 or larger GatewaySubnet`, 'use a /27 range (Azure recommends /27 or larger)')];
  }
  return [];
}
