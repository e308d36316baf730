/** The site list: at least one site is expected, and each appliance address is used by one site only. */
import type { Problem } from '../../errors';
import { error, sitePath, warning, type HubParts } from './types';

/** Two local network gateways with the same address cannot connect to one VPN gateway. */
export function checkSitePublicIpsUnique(parts: HubParts): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const first = seen.get(site.publicIp);
    if (first !== undefined) problems.push(error(sitePath(index, 'publicIp'), `${site.publicIp} is already the public IP of sites[${first}]; one VPN gateway cannot connect two local network gateways with the same address`, 'describe one appliance once, with all its prefixes in addressSpace'));
    else seen.set(site.publicIp, index);
  }
  return problems;
}

/** A hub without sites is valid (deploy builds the gateways only) but worth a warning. */
export function checkHasSites(parts: HubParts): Problem[] {
  return parts.siteCount === 0 ? [warning('sites', 'no site is listed: deploy builds the hub only and render has nothing to write', 'add a site')] : [];
}
