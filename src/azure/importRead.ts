/** Reads everything `tunnelsmith import` needs from one resource group (lists, then each resource). */
import { AzureError } from '../errors';
import type { AzureApi, CallOptions } from './api';
import type { ImportSnapshot } from './importHub';
import type { ListedResource } from './model';

/** Reads in flight at once (few enough not to trip ARM's throttling). */
const CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

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
    mapLimited(names(vnets), (n) => api.getVnet(resourceGroup, n, o)),
    mapLimited(names(gateways), (n) => api.getGateway(resourceGroup, n, o)),
    mapLimited(names(lngs), (n) => api.getLocalNetworkGateway(resourceGroup, n, o)),
    mapLimited(names(connections), (n) => api.getConnection(resourceGroup, n, o)),
    mapLimited(names(pips), (n) => api.getPublicIp(resourceGroup, n, o)),
    mapLimited(circuits.filter((x) => x.id), (x) => api.getCircuit(x.id!, o)),
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
