/**
 * A site's local network gateway prefixes (azure-facts.md section 2): static routes in Azure. With BGP
 * Azure learns the site's prefixes and adds the peer's host route itself, and a static prefix stays in
 * Azure's routes (re-advertised to its other BGP peers) after the appliance withdraws it.
 */
import type { Problem } from '../../errors';
import { overlaps } from '../../net/ipv4';
import { gatewaySubnetCidr, indexedCidrs, vnetCidrs } from './net';
import { error, sitePath, warning, type HubParts } from './types';

/** `localNetworkGatewayPrefixes` never cover the VNet or the GatewaySubnet (a static route to Azure's own range). */
export function checkLocalNetworkGatewayPrefixes(parts: HubParts): Problem[] {
  const vnet = vnetCidrs(parts);
  const gw = gatewaySubnetCidr(parts);
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    for (const p of indexedCidrs(site.localNetworkGatewayPrefixes ?? [])) {
      const clash = vnet.find((v) => overlaps(p.cidr, v)) ?? (gw && overlaps(p.cidr, gw) ? gw : undefined);
      if (clash) {
        problems.push(error(sitePath(index, `localNetworkGatewayPrefixes[${p.index}]`), `${p.cidr.text} overlaps ${clash === gw ? 'the GatewaySubnet' : 'the VNet prefix'} ${clash.text}`, 'list on-premises prefixes only'));
      }
    }
  }
  return problems;
}

/** Static prefixes on a BGP site are rarely wanted: say why (a warning; they stay allowed). */
export function checkBgpStaticPrefixes(parts: HubParts): Problem[] {
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const prefixes = site.localNetworkGatewayPrefixes ?? [];
    if (!site.bgp || prefixes.length === 0) continue;
    problems.push(
      warning(
        sitePath(index, 'localNetworkGatewayPrefixes'),
        `static prefixes on a BGP site are rarely wanted: Azure learns the site's prefixes over BGP and adds the route to its BGP address ${site.bgp.peerIp} itself, while a static prefix (${prefixes.join(', ')}) stays in Azure's routes, and is advertised to its other BGP peers such as ExpressRoute, even when the appliance withdraws it, so traffic keeps going to a tunnel that is down`,
        'remove localNetworkGatewayPrefixes (or set it to []) unless you need a static route that outlives the BGP session',
      ),
    );
  }
  return problems;
}
