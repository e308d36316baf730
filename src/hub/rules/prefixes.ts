/** Every prefix parses as an IPv4 CIDR with no host bits set. */
import type { Problem } from '../../errors';
import { parseCidr } from '../../net/ipv4';
import { error, type HubParts } from './types';

export function checkPrefixesAreNetworks(parts: HubParts): Problem[] {
  const prefixes: { path: string; text: string }[] = [];
  if (parts.vnet) {
    parts.vnet.addressSpace.forEach((text, k) => prefixes.push({ path: `azure.vnet.addressSpace[${k}]`, text }));
    prefixes.push({ path: 'azure.vnet.gatewaySubnet', text: parts.vnet.gatewaySubnet });
    (parts.vnet.subnets ?? []).forEach((s, k) => prefixes.push({ path: `azure.vnet.subnets[${k}].prefix`, text: s.prefix }));
    (parts.vnet.spokePrefixes ?? []).forEach((text, k) => prefixes.push({ path: `azure.vnet.spokePrefixes[${k}]`, text }));
  }
  for (const { index, site } of parts.sites) {
    site.addressSpace.forEach((text, k) => prefixes.push({ path: `sites[${index}].addressSpace[${k}]`, text }));
    (site.localNetworkGatewayPrefixes ?? []).forEach((text, k) => prefixes.push({ path: `sites[${index}].localNetworkGatewayPrefixes[${k}]`, text }));
  }
  const problems: Problem[] = [];
  for (const { path, text } of prefixes) {
    const r = parseCidr(text);
    if (!r.ok) problems.push(error(path, r.reason, 'write the network address of the prefix (no host bits set)'));
  }
  return problems;
}
