/**
 * A site's local network gateway: the appliance's public address, its prefixes and its BGP peer. Prefixes
 * Azure holds beyond the planned ones are kept unless the hub file sets `localNetworkGatewayPrefixes`
 * (an adopted gateway's static routes are never dropped by a default).
 */
import type { KindSpec } from './contract';
import { list, sameSet } from './compare';

export const localNetworkGateway: KindSpec<'localNetworkGateway'> = {
  kind: 'localNetworkGateway',
  label: 'local network gateway',
  arm: { type: 'localNetworkGateways', label: 'local network gateway', destroyStage: 2 },
  read: (api, rg, name, o) => api.getLocalNetworkGateway(rg, name, o),
  write: (api, rg, desired, _secrets, o) => api.putLocalNetworkGateway(rg, desired, o),
  diff: (r, actual, _ctx, { fields, note }) => {
    const d = r.desired;
    const extra = actual.addressPrefixes.filter((p) => !d.addressPrefixes.some((w) => w.toLowerCase() === p.toLowerCase()));
    const prefixes = r.prefixesExplicit ? d.addressPrefixes : [...d.addressPrefixes, ...extra];
    if (!r.prefixesExplicit && extra.length > 0 && r.bgp) {
      note(
        `${r.field}.localNetworkGatewayPrefixes`,
        `local network gateway ${r.name} holds static prefixes ${list(extra)} although the site peers over BGP; they stay (deploy never removes prefixes unless localNetworkGatewayPrefixes is set), and Azure keeps routing them to this tunnel even when the appliance withdraws them`,
        'set localNetworkGatewayPrefixes: [] to remove them, or list the ones to keep',
      );
    }
    if (actual.gatewayIpAddress !== d.gatewayIpAddress) fields.push(`gatewayIpAddress: ${actual.gatewayIpAddress} -> ${d.gatewayIpAddress}`);
    if (!sameSet(actual.addressPrefixes, prefixes)) fields.push(`addressPrefixes: ${list(actual.addressPrefixes)} -> ${list(prefixes)}`);
    const a = actual.bgp ? `${actual.bgp.asn}/${actual.bgp.peeringAddress}` : 'none';
    const w = d.bgp ? `${d.bgp.asn}/${d.bgp.peeringAddress}` : 'none';
    if (a !== w) fields.push(`bgp: ${a} -> ${w}`);
    return { ...d, tags: actual.tags, addressPrefixes: prefixes };
  },
};
