/** The route-based VPN gateway (BGP, active-active or active-standby) on one or two public IPs. */
import { shortId } from './compare';
import type { KindSpec } from './contract';
import { azTwinOf } from './skus';
import { diffGateway, GATEWAYS, readGateway, writeGateway, type GatewayTraits } from './gateway';

const traits: GatewayTraits = {
  label: 'VPN gateway',
  family: 'Vpn',
  nameField: 'name',
  skuField: 'azure.vpnGateway.sku',
  otherPublicIps: (r, names, _actual, _ctx, { conflict }) => {
    const d = r.desired;
    conflict(
      'azure.vpnGateway.publicIpNames',
      `VPN gateway ${r.name} uses public IP${names.length > 1 ? 's' : ''} ${names.join(', ')}, the hub file names ${d.ipConfigurations.map((c) => shortId(c.publicIpId)).join(', ')}; Azure cannot move a gateway to other public IPs in place`,
      `set azure.vpnGateway.publicIpNames to [${names.join(', ')}]${names.length !== d.ipConfigurations.length ? ` (and activeActive to ${names.length === 2})` : ''}`,
    );
  },
};

export const vpnGateway: KindSpec<'vpnGateway'> = {
  kind: 'vpnGateway',
  label: traits.label,
  arm: GATEWAYS,
  read: readGateway,
  write: writeGateway,
  diff: (r, actual, ctx, found) => diffGateway(traits, r, actual, ctx, found),
  refuseCreate: (r) => {
    const twin = azTwinOf(r.desired.sku);
    if (!twin) return undefined;
    return {
      path: 'azure.vpnGateway.sku',
      message: `VPN gateway ${r.name} does not exist yet, and Azure no longer creates gateways of the non-AZ ${r.desired.sku} SKU (NonAzSkusNotAllowedForVPNGateway)`,
      fix: `use sku: ${twin}, its zone-redundant twin (an existing ${r.desired.sku} gateway is adopted as it is: name it in the hub file)`,
    };
  },
};
