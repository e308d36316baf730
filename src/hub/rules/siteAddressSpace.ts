/** No site's addressSpace overlaps the VNet, the GatewaySubnet or another site. */
import type { Problem } from '../../errors';
import { overlaps } from '../../net/ipv4';
import { gatewaySubnetCidr, indexedCidrs, vnetCidrs } from './net';
import { error, sitePath, type HubParts } from './types';

export function checkSiteAddressSpace(parts: HubParts): Problem[] {
  const vnet = vnetCidrs(parts);
  const gw = gatewaySubnetCidr(parts);
  const problems: Problem[] = [];
  const earlierSites: { index: number; name: string; prefixes: ReturnType<typeof indexedCidrs> }[] = [];
  for (const { index, site } of parts.sites) {
    const prefixes = indexedCidrs(site.addressSpace);
    for (const p of prefixes) {
      const clashes: string[] = [];
      for (const v of vnet) if (overlaps(p.cidr, v)) clashes.push(`the VNet prefix ${v.text}`);
      if (gw && clashes.length === 0 && overlaps(p.cidr, gw)) clashes.push(`the GatewaySubnet ${gw.text}`);
      for (const other of earlierSites) {
        for (const q of other.prefixes) {
          if (overlaps(p.cidr, q.cidr)) clashes.push(`site ${other.name} (sites[${other.index}].addressSpace[${q.index}] ${q.cidr.text})`);
        }
      }
      if (clashes.length > 0) {
        problems.push(error(sitePath(index, `addressSpace[${p.index}]`), `${p.cidr.text} overlaps ${clashes.join(', ')}`, 'on-premises prefixes must be disjoint from the VNet and from every other site'));
      }
    }
    earlierSites.push({ index, name: site.name, prefixes });
  }
  return problems;
}
