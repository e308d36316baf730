/**
 * The ExpressRoute gateway's connection to the circuit. deploy creates it only once the provider has
 * provisioned the circuit with private peering; the circuit owner's authorization key goes with the create.
 */
import { sameId } from '../client/model';
import { checkConnectionBinding, CONNECTIONS, recreateConnectionRemedy } from './connection';
import type { KindSpec } from './contract';

export const erConnection: KindSpec<'erConnection'> = {
  kind: 'erConnection',
  label: 'ExpressRoute connection',
  arm: CONNECTIONS,
  read: (api, rg, name, o) => api.getConnection(rg, name, o),
  write: (api, rg, desired, secrets, o) => api.putConnection(rg, desired, secrets, o),
  diff: (r, actual, _ctx, found) => {
    const d = r.desired;
    if (!checkConnectionBinding(r, actual, found)) return d;
    if (d.circuitId && !sameId(actual.circuitId, d.circuitId)) {
      found.conflict('azure.expressRoute.circuitId', `connection ${r.name} is connected to circuit ${actual.circuitId ?? 'none'}, not the hub's circuit`, recreateConnectionRemedy(r.name));
    }
    return { ...d, tags: actual.tags };
  },
};
