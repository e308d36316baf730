/** The ExpressRoute gateway, on its own Standard static public IP. */
import { shortId } from './compare';
import type { KindSpec } from './contract';
import { connectionsOfGateway, diffGateway, GATEWAYS, readGateway, recreateGatewayRemedy, writeGateway, type GatewayTraits } from './gateway';

const traits: GatewayTraits = {
  label: 'ExpressRoute gateway',
  family: 'ExpressRoute',
  nameField: 'gatewayName',
  skuField: 'azure.expressRoute.sku',
  otherPublicIps: (r, names, actual, ctx, { conflict }) => {
    const d = r.desired;
    conflict(
      'azure.expressRoute.publicIpName',
      `ExpressRoute gateway ${r.name} uses public IP ${names.join(', ') || '(none)'}, the hub file names ${d.ipConfigurations.map((c) => shortId(c.publicIpId)).join(', ')}; Azure cannot move a gateway to another public IP in place`,
      names.length === 1 ? `set azure.expressRoute.publicIpName: ${names[0]}` : recreateGatewayRemedy(r.name, connectionsOfGateway(r.name, actual, ctx), `tunnelsmith creates gateway ${r.name} on its own public IP`),
    );
  },
};

export const erGateway: KindSpec<'erGateway'> = {
  kind: 'erGateway',
  label: traits.label,
  arm: GATEWAYS,
  read: readGateway,
  write: writeGateway,
  diff: (r, actual, ctx, found) => diffGateway(traits, r, actual, ctx, found),
};
