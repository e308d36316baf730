/** `bgp.peerIp`: not the public IP, not inside the VNet, and APIPA only in Azure's APIPA range. */
import type { Problem } from '../../errors';
import { containsIp, isAzureApipa, isLinkLocal } from '../../net/ipv4';
import { vnetCidrs } from './net';
import { error, sitePath, type HubParts } from './types';

export function checkBgpPeerIp(parts: HubParts): Problem[] {
  const vnet = vnetCidrs(parts);
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    if (!site.bgp) continue;
    const path = sitePath(index, 'bgp.peerIp');
    const ip = site.bgp.peerIp;
    if (ip === site.publicIp) {
      problems.push(error(path, `${ip} is the site's public IP; the BGP address must be a separate address (a loopback) or an APIPA address`, 'use a loopback address such as 192.168.255.1, or an APIPA address in 169.254.21.0-169.254.22.255'));
      continue;
    }
    const inside = vnet.find((v) => containsIp(v, ip));
    if (inside) {
      problems.push(error(path, `${ip} is inside the VNet prefix ${inside.text}`, 'use an on-premises loopback address outside the VNet'));
      continue;
    }
    if (isLinkLocal(ip) && !isAzureApipa(ip)) {
      problems.push(error(path, `${ip} is link-local but outside Azure's APIPA range 169.254.21.0-169.254.22.255`, 'use an APIPA address in 169.254.21.0-169.254.22.255, or a loopback address'));
    }
  }
  return problems;
}
