/**
 * `azure.vnet.spokePrefixes`: the peered spoke VNets' prefixes are Azure's, like the VNet's own, so they
 * may not overlap the VNet, each other, a site's prefixes or a site's BGP address.
 */
import type { Problem } from '../../errors';
import { containsIp, overlaps } from '../../net/ipv4';
import { indexedCidrs, vnetCidrs } from './net';
import { error, sitePath, type HubParts } from './types';

export function checkSpokePrefixes(parts: HubParts): Problem[] {
  const spokes = indexedCidrs(parts.vnet?.spokePrefixes ?? []);
  if (spokes.length === 0) return [];
  const vnet = vnetCidrs(parts);
  const problems: Problem[] = [];
  for (const s of spokes) {
    const clashes: string[] = [];
    for (const v of vnet) if (overlaps(s.cidr, v)) clashes.push(`the VNet prefix ${v.text}`);
    for (const o of spokes) if (o.index < s.index && overlaps(s.cidr, o.cidr)) clashes.push(`azure.vnet.spokePrefixes[${o.index}] ${o.cidr.text}`);
    for (const { index, site } of parts.sites) {
      for (const p of indexedCidrs(site.addressSpace)) {
        if (overlaps(s.cidr, p.cidr)) clashes.push(`site ${site.name} (sites[${index}].addressSpace[${p.index}] ${p.cidr.text})`);
      }
    }
    if (clashes.length > 0) {
      problems.push(error(`azure.vnet.spokePrefixes[${s.index}]`, `${s.cidr.text} overlaps ${clashes.join(', ')}`, 'spoke prefixes are Azure address space: list each peered spoke VNet range once, disjoint from the hub VNet and from every site'));
    }
  }
  for (const { index, site } of parts.sites) {
    if (!site.bgp) continue;
    const inside = spokes.find((s) => containsIp(s.cidr, site.bgp!.peerIp));
    if (inside) {
      problems.push(error(sitePath(index, 'bgp.peerIp'), `${site.bgp.peerIp} is inside the spoke prefix ${inside.cidr.text} (azure.vnet.spokePrefixes[${inside.index}])`, 'use an on-premises loopback address outside Azure\'s address space'));
    }
  }
  return problems;
}
