/**
 * `deploy --allow-recreate`: the deletions a GatewaySubnet change needs while gateways use it (the
 * remedy `diffPlan` describes in `recreate`). Keeps each IPsec connection's shared key (key journal)
 * before deleting the connection, deletes the connections, then the gateways one at a time. The deploy
 * that follows recreates the GatewaySubnet, the gateways on their public IPs and the connections.
 */
import { AzureError } from '../../errors';
import type { Hub } from '../../hub/types';
import type { AzureApi } from '../client/api';
import { deleteWhileBusy } from './destroy';
import type { GatewaySubnetRecreate } from './diff';
import type { ApplyEvent } from '../events';
import type { SharedKeyStore } from '../sharedKeys';
import type { WaitPolicy } from './waiting';

export interface RecreateDeps {
  api: AzureApi;
  hub: Hub;
  keys: SharedKeyStore;
  emit: (e: DistributiveOmit<ApplyEvent, 'at'>) => void;
  wait: WaitPolicy;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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
  const done: string[] = [];
  const del = async (type: 'connections' | 'virtualNetworkGateways', name: string, what: string) => {
    const id = `recreate:${type}:${name}`;
    deps.emit({ type: 'start', id, what: `delete ${what} (to recreate the GatewaySubnet)`, kind: 'delete' });
    try {
      await deleteWhileBusy(deps.wait, () => deps.api.deleteResource(rg, type, name, o), () => deps.emit({ type: 'state', id, state: 'waiting: another operation is in progress' }));
    } catch (e) {
      deps.emit({ type: 'end', id, outcome: 'failed', detail: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      throw e;
    }
    deps.emit({ type: 'end', id, outcome: 'done' });
    done.push(what);
  };

  // The keys first: once a connection is gone, Azure no longer holds the key its device has.
  for (const c of r.connections) {
    if (c.kind !== 'ipsecConnection' || !c.site || !deps.keys.preserveAzureKey) continue;
    const site = deps.hub.sites.find((s) => s.name === c.site);
    if (!site) continue;
    const key = await deps.api.getSharedKey(rg, c.name, o);
    await deps.keys.preserveAzureKey(site, key);
  }
  await Promise.all(r.connections.map((c) => del('connections', c.name, `${c.kind === 'erConnection' ? 'ExpressRoute connection' : 'connection'} ${c.name}`)));
  // Azure serializes gateway operations in one VNet: one at a time.
  for (const g of r.gateways) await del('virtualNetworkGateways', g.name, `${g.kind === 'erGateway' ? 'ExpressRoute gateway' : 'VPN gateway'} ${g.name}`);
  return done;
}
