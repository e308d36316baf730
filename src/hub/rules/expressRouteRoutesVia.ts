/** `sites[].expressRouteRoutesVia` only means something when the hub has ExpressRoute. */
import type { Problem } from '../../errors';
import { sitePath, warning, type HubParts } from './types';

export function checkExpressRouteRoutesVia(parts: HubParts): Problem[] {
  if (parts.hasExpressRoute) return [];
  return parts.sites
    .filter(({ site }) => site.expressRouteRoutesVia !== undefined && site.expressRouteRoutesVia !== 'bgp')
    .map(({ index, site }) =>
      warning(sitePath(index, 'expressRouteRoutesVia'), `is ${site.expressRouteRoutesVia}, but the hub has no expressRoute section, so the VPN is the only path and no backup distance is rendered`, 'remove expressRouteRoutesVia, or add azure.expressRoute'),
    );
}
