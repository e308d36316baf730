/**
 * The appliance's side of the simulated ExpressRoute private peering. tunnelsmith does not render the
 * ExpressRoute router (the provider's or the customer's edge does that), so the lab adds this session to
 * the appliance's FRR beside the rendered VPN sessions: a direct eBGP session to Microsoft's edge that
 * accepts the VNet prefixes and announces only the site's prefixes.
 */
import type { LabExpressRoute } from './azureSide';
import { EXPRESSROUTE_ASN } from './azureSide';

/**
 * Distance of the appliance's static routes to the VNet over the ExpressRoute link when its routes arrive
 * by an IGP: OSPF's (110), worse than eBGP's 20, so without the rendered distance the VPN would win.
 */
export const IGP_STAND_IN_DISTANCE = 110;

/** FRR lines for the ExpressRoute side (applied after the rendered frr.conf). Pure. */
export function onPremExpressRouteFrr(er: LabExpressRoute, vnetPrefixes: string[], sitePrefixes: string[]): string {
  if (er.routesVia === 'static') {
    // ExpressRoute's routes by a non-BGP route: what an IGP would install, with the IGP's distance
    return ['frr defaults traditional', ...vnetPrefixes.map((p) => `ip route ${p} ${er.azureIp} ${IGP_STAND_IN_DISTANCE}`), ''].join('\n');
  }
  return [
    'frr defaults traditional',
    ...vnetPrefixes.map((p, i) => `ip prefix-list lab-er-in seq ${10 * (i + 1)} permit ${p}`),
    ...sitePrefixes.map((p, i) => `ip prefix-list lab-er-out seq ${10 * (i + 1)} permit ${p}`),
    'route-map lab-er-in permit 10',
    ' match ip address prefix-list lab-er-in',
    'exit',
    'route-map lab-er-out permit 10',
    ' match ip address prefix-list lab-er-out',
    'exit',
    `router bgp ${er.onPremAsn}`,
    ` neighbor ${er.azureIp} remote-as ${EXPRESSROUTE_ASN}`,
    ` neighbor ${er.azureIp} description lab ExpressRoute private peering`,
    ` neighbor ${er.azureIp} timers connect 1`,
    ' address-family ipv4 unicast',
    `  neighbor ${er.azureIp} activate`,
    `  neighbor ${er.azureIp} route-map lab-er-in in`,
    `  neighbor ${er.azureIp} route-map lab-er-out out`,
    ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}
