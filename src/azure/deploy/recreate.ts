/**
 * `deploy --allow-recreate`: the deletions a GatewaySubnet change needs while gateways use it (the
 * remedy `diffPlan` describes in `recreate`). Keeps each IPsec connection's shared key (key journal)
 * before deleting the connection, deletes the connections, then the gateways one at a time. The deploy
 * that follows recreates the GatewaySubnet, the gateways on their public IPs and the connections.
 */
import { AzureError } from '../../errors';
import type { Hub } from '../../hub/types';
import type { AzureApi } from '../client/api';
import { describeResource } from '../resources/table';
import { destroyStage, runDeletions } from './destroy';
import type { GatewaySubnetRecreate } from './diff';
import type { ApplyEventBody } from './events';
import type { SharedKeyStore } from './keyStore';
import type { WaitPolicy } from './waiting';

export interface RecreateDeps {
  api: AzureApi;
  hub: Hub;
  keys: SharedKeyStore;
  emit: (e: ApplyEventBody) => void;
  wait: WaitPolicy;
}

/** Carries out the deletions; returns what was deleted, in order. */
export async function runGatewaySubnetRecreate(r: GatewaySubnetRecreate, deps: RecreateDeps): Promise<string[]> {
  if (r.undescribed.length > 0) {
    throw new AzureError(
      'RecreateRefused',
      `azure.vnet.gatewaySubnet: the gateways also serve connection(s) ${r.undescribed.join(', ')}, which the hub file does not describe; tunnelsmith deletes only what it can recreate`,
      { field: 'azure.vnet.gatewaySubnet' },
      'describe them as sites (tunnelsmith import writes them) or delete them yourself, then run deploy --allow-recreate again',
    );
  }
  const rg = deps.hub.azure.resourceGroup;
  const o = { signal: deps.wait.signal };
  // The keys first: once a connection is gone, Azure no longer holds the key its device has.
  for (const c of r.connections) {
    if (c.kind !== 'ipsecConnection' || !c.site || !deps.keys.preserveAzureKey) continue;
    const site = deps.hub.sites.find((s) => s.name === c.site);
    if (!site) continue;
    const key = await deps.api.getSharedKey(rg, c.name, o);
    await deps.keys.preserveAzureKey(site, key);
  }
  const deletion = (type: 'connections' | 'virtualNetworkGateways', name: string, what: string) => ({ id: `recreate:${type}:${name}`, stage: destroyStage(type), type, name, what });
  return runDeletions(
    [
      ...r.connections.map((c) => deletion('connections', c.name, describeResource(c))),
      ...r.gateways.map((g) => deletion('virtualNetworkGateways', g.name, describeResource(g))),
    ],
    { api: deps.api, resourceGroup: rg, wait: deps.wait, emit: deps.emit, why: 'to recreate the GatewaySubnet' },
  );
}
