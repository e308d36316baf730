/** localNetworkGateways: the on-prem device (public IP or FQDN, address space, one BGP peer). */
import { asObject } from '../http';
import { isAzureApipa, isLinkLocal, parseCidr, parseIp } from '../ipv4';
import { badRequest, checkOnPremAsn } from '../rules';
import { envelope, newRecord } from './generic';
import type { ResourceKind } from './kind';

export const localNetworkGatewayKind: ResourceKind = {
  type: 'localNetworkGateways',
  fullType: 'Microsoft.Network/localNetworkGateways',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(_ctx, input) {
    const props = asObject(input.body.properties, 'properties');
    const stored: Record<string, any> = {};
    if (props.gatewayIpAddress !== undefined && props.gatewayIpAddress !== null && props.gatewayIpAddress !== '') {
      if (parseIp(props.gatewayIpAddress) === undefined) {
        throw badRequest('InvalidLocalNetworkGatewayIpAddress', `gatewayIpAddress ${String(props.gatewayIpAddress)} of local network gateway ${input.id} is not a valid IPv4 address.`);
      }
      stored.gatewayIpAddress = props.gatewayIpAddress;
    } else if (typeof props.fqdn === 'string' && props.fqdn !== '') {
      stored.fqdn = props.fqdn;
    } else {
      throw badRequest('LocalNetworkGatewayIpAddressOrFqdnRequired', `Local network gateway ${input.id} needs gatewayIpAddress or fqdn.`);
    }
    const prefixes: unknown[] = Array.isArray(props.localNetworkAddressSpace?.addressPrefixes) ? props.localNetworkAddressSpace.addressPrefixes : [];
    for (const p of prefixes) {
      const c = parseCidr(p);
      if (!c) throw badRequest('InvalidAddressPrefixFormat', `Address prefix ${String(p)} of local network gateway ${input.id} has an invalid format.`);
      if (c.prefix >= 16 && (c.base >>> 16) === ((169 << 8) | 254)) {
        throw badRequest('LocalNetworkGatewayAddressSpaceContainsApipa', `Address prefix ${c.text} of local network gateway ${input.id} is an APIPA (169.254.0.0/16) range; Azure adds the BGP peer route itself.`);
      }
    }
    stored.localNetworkAddressSpace = { addressPrefixes: prefixes.map(String) };
    if (props.bgpSettings !== undefined && props.bgpSettings !== null) {
      const bgp = asObject(props.bgpSettings, 'bgpSettings');
      checkOnPremAsn(bgp.asn, `local network gateway ${input.id}`);
      if (parseIp(bgp.bgpPeeringAddress) === undefined) {
        throw badRequest('InvalidBgpPeeringAddress', `bgpSettings.bgpPeeringAddress ${String(bgp.bgpPeeringAddress)} of local network gateway ${input.id} is not a valid IPv4 address.`);
      }
      if (isLinkLocal(bgp.bgpPeeringAddress) && !isAzureApipa(bgp.bgpPeeringAddress)) {
        throw badRequest(
          'BgpPeeringAddressNotInAllowedApipaRange',
          `APIPA BGP address ${bgp.bgpPeeringAddress} of local network gateway ${input.id} must be within 169.254.21.0 - 169.254.22.255.`,
        );
      }
      stored.bgpSettings = { asn: bgp.asn, bgpPeeringAddress: bgp.bgpPeeringAddress, peerWeight: typeof bgp.peerWeight === 'number' ? bgp.peerWeight : 0 };
    }
    return newRecord(localNetworkGatewayKind, input, { props: stored });
  },
  view: (_ctx, rec) => envelope(rec, rec.props),
  beforeDelete(ctx, rec) {
    const user = ctx.store.list('connections').find((c) => (c.props.localNetworkGateway2?.id ?? '').toLowerCase() === rec.key);
    if (user) {
      throw badRequest('InUseLocalNetworkGatewayCannotBeDeleted', `Local network gateway ${rec.id} is in use by connection ${user.id} and cannot be deleted. Delete the connection first.`);
    }
  },
};
