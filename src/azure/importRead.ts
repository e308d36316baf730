/** Reads everything `tunnelsmith import` needs from one resource group (lists, then each resource). */
import { AzureError } from '../errors';
import { mapLimit } from '../util/async';
import type { AzureApi, CallOptions } from './client/api';
import type { ImportSnapshot } from './importHub';
import type { ListedResource } from './client/model';

/** Reads in flight at once (few enough not to trip ARM's throttling). */
const CONCURRENCY = 8;

function present<T>(xs: Array<T | undefined>): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

/** Throws AzureError `ResourceGroupNotFound` when the group does not exist. */
export async function readImportSnapshot(api: AzureApi, resourceGroup: string, o?: CallOptions): Promise<ImportSnapshot> {
  const group = await api.getResourceGroup(resourceGroup, o);
  if (!group) {
    throw new AzureError('ResourceGroupNotFound', `resource group ${resourceGroup} does not exist in subscription ${api.subscriptionId}`, { resource: resourceGroup, statusCode: 404 }, 'check --resource-group and the subscription (--subscription or AZURE_SUBSCRIPTION_ID)');
  }
  const [vnets, gateways, lngs, connections, pips, circuits] = await Promise.all(
    (['virtualNetworks', 'virtualNetworkGateways', 'localNetworkGateways', 'connections', 'publicIPAddresses', 'expressRouteCircuits'] as const).map((t) => api.listByType(resourceGroup, t, o)),
  );
  const names = (xs: ListedResource[]) => xs.map((x) => x.name);
  const [v, g, l, c, p, e] = await Promise.all([
    mapLimit(names(vnets), CONCURRENCY, (n) => api.getVnet(resourceGroup, n, o)),
    mapLimit(names(gateways), CONCURRENCY, (n) => api.getGateway(resourceGroup, n, o)),
    mapLimit(names(lngs), CONCURRENCY, (n) => api.getLocalNetworkGateway(resourceGroup, n, o)),
    mapLimit(names(connections), CONCURRENCY, (n) => api.getConnection(resourceGroup, n, o)),
    mapLimit(names(pips), CONCURRENCY, (n) => api.getPublicIp(resourceGroup, n, o)),
    mapLimit(circuits.filter((x) => x.id), CONCURRENCY, (x) => api.getCircuit(x.id!, o)),
  ]);
  return {
    subscriptionId: api.subscriptionId,
    resourceGroup: group.name,
    vnets: present(v),
    gateways: present(g),
    localNetworkGateways: present(l),
    connections: present(c),
    publicIps: present(p),
    circuits: present(e),
  };
}
