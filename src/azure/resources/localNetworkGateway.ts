/** A site's local network gateway: the appliance's public address, its prefixes and its BGP peer. */
import type { KindSpec } from './contract';
import { list, sameSet } from './compare';

export const localNetworkGateway: KindSpec<'localNetworkGateway'> = {
  kind: 'localNetworkGateway',
  label: 'local network gateway',
  arm: { type: 'localNetworkGateways', label: 'local network gateway', destroyStage: 2 },
  read: (api, rg, name, o) => api.getLocalNetworkGateway(rg, name, o),
  write: (api, rg, desired, _secrets, o) => api.putLocalNetworkGateway(rg, desired, o),
  diff: (r, actual, _ctx, { fields }) => {
    const d = r.desired;
    if (actual.gatewayIpAddress !== d.gatewayIpAddress) fields.push(`gatewayIpAddress: ${actual.gatewayIpAddress} -> ${d.gatewayIpAddress}`);
    if (!sameSet(actual.addressPrefixes, d.addressPrefixes)) fields.push(`addressPrefixes: ${list(actual.addressPrefixes)} -> ${list(d.addressPrefixes)}`);
    const a = actual.bgp ? `${actual.bgp.asn}/${actual.bgp.peeringAddress}` : 'none';
    const w = d.bgp ? `${d.bgp.asn}/${d.bgp.peeringAddress}` : 'none';
    if (a !== w) fields.push(`bgp: ${a} -> ${w}`);
    return { ...d, tags: actual.tags };
  },
};
