/**
 * `deviceOptions.prefixAdvertisement` (cisco-ios, juniper-srx, strongswan, fortigate, paloalto): how BGP gets
 * the site prefixes it announces to Azure.
 *
 * - `anchor` (the default, hub-file.md): a discard route per site prefix (Cisco `Null0`, FRR and FortiOS
 *   `blackhole`, distance 254; PAN-OS `nexthop discard`, admin distance 240, redistributed as static) or a
 *   Junos aggregate (reject next hop) holds the prefix in the routing table, so BGP
 *   announces it whatever the LAN's routing looks like. Risk: the anchor is more specific than a default
 *   or summary route toward the core, so traffic to any part of the prefix that the appliance reaches
 *   only through that less specific route is dropped. Safe when the appliance holds a route for every
 *   part of the prefix (connected LANs, an IGP, statics), which is the usual edge router.
 * - `table`: no anchor; each site prefix is announced only while the routing table already holds it
 *   (Cisco `network` and FRR `network` need the exact prefix in the RIB; Junos exports only active
 *   routes; FortiOS `config network` with network-import-check; PAN-OS redistributes connected, OSPF, RIP
 *   and static routes and exports only the exact prefix): nothing is dropped, but a prefix the appliance
 *   knows only as more specifics is not announced.
 *
 * Sources: AfNOG BGP workshop (network statement needs an exact RIB match; Null0 "nail-up" route),
 * FRR bgp.rst "bgp network import-check" and bgpd/bgp_nht.c (exact match), Junos "aggregate routes"
 * (reject next hop, active with one contributing route).
 */
import type { DeviceOptionSpec } from '../../hub/rules';
import type { DeviceOptionValue } from '../../hub/types';

export const PREFIX_ADVERTISEMENT_MODES = ['anchor', 'table'] as const;
export type PrefixAdvertisement = (typeof PREFIX_ADVERTISEMENT_MODES)[number];

export const PREFIX_ADVERTISEMENT_OPTION: DeviceOptionSpec = {
  default: 'anchor',
  description:
    'how BGP gets the site prefixes it announces: anchor (a discard route or aggregate per prefix: always announced, but traffic to parts reached only through a less specific route is dropped) or table (announced only while the routing table holds the prefix)',
  check: (value: DeviceOptionValue) =>
    typeof value === 'string' && (PREFIX_ADVERTISEMENT_MODES as readonly string[]).includes(value)
      ? undefined
      : `must be ${PREFIX_ADVERTISEMENT_MODES.join(' or ')}`,
};

export function prefixAdvertisementOf(options: Readonly<Record<string, DeviceOptionValue>>): PrefixAdvertisement {
  return options.prefixAdvertisement === 'table' ? 'table' : 'anchor';
}
