/** Custom APIPA BGP addresses: in Azure's range, one per gateway instance, present when a site peers over APIPA. */
import type { Problem } from '../../errors';
import { isAzureApipa } from '../../net/ipv4';
import { gatewayInstanceCount } from '../defaults';
import { error, sitePath, type HubParts } from './types';

const PATH = 'azure.vpnGateway.apipaBgpIps';

/** `vpnGateway.apipaBgpIps` lie in 169.254.21.0-169.254.22.255, are distinct, and number one per instance. */
export function checkGatewayApipaBgpIps(parts: HubParts): Problem[] {
  const gw = parts.vpnGateway;
  if (!gw?.apipaBgpIps) return [];
  const problems: Problem[] = [];
  gw.apipaBgpIps.forEach((ip, k) => {
    if (!isAzureApipa(ip)) {
      problems.push(error(`${PATH}[${k}]`, `${ip} is outside Azure's APIPA range 169.254.21.0-169.254.22.255`, 'choose an address in 169.254.21.0-169.254.22.255'));
    } else if (gw.apipaBgpIps!.indexOf(ip) < k) {
      problems.push(error(`${PATH}[${k}]`, `${ip} is listed twice; each gateway instance needs its own address`, 'give each instance a different APIPA address'));
    }
  });
  const instances = gatewayInstanceCount(gw.activeActive);
  if (gw.apipaBgpIps.length !== instances) {
    problems.push(error(PATH, `${gw.apipaBgpIps.length} address(es) for ${instances} gateway instance(s)`, instances === 2 ? 'list two addresses, one per instance (the gateway is active-active)' : 'list one address (the gateway has one instance), or set activeActive: true'));
  }
  return problems;
}

/** A site whose BGP address is APIPA needs custom APIPA addresses on the gateway, and not one of them. */
export function checkApipaPeering(parts: HubParts): Problem[] {
  if (!parts.vpnGateway) return [];
  const gatewayIps = parts.vpnGateway.apipaBgpIps ?? [];
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    if (!site.bgp || !isAzureApipa(site.bgp.peerIp)) continue;
    const path = sitePath(index, 'bgp.peerIp');
    if (gatewayIps.length === 0) {
      problems.push(error(path, `${site.bgp.peerIp} is an APIPA address, but the VPN gateway has no custom APIPA BGP addresses to peer from`, 'set azure.vpnGateway.apipaBgpIps (one address per instance), or use a loopback address'));
    } else if (gatewayIps.includes(site.bgp.peerIp)) {
      problems.push(error(path, `${site.bgp.peerIp} is one of the gateway's own APIPA addresses`, "use another APIPA address for the appliance (e.g. the gateway's address + 1)"));
    }
  }
  return problems;
}
