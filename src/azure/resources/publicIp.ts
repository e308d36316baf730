/** A Standard static public IP of a gateway. Azure cannot change the SKU or allocation of an IP a gateway uses. */
import { BASIC_PUBLIC_IP_MIGRATION } from './skus';
import type { KindSpec } from './contract';

export const publicIp: KindSpec<'publicIp'> = {
  kind: 'publicIp',
  label: 'public IP',
  arm: { type: 'publicIPAddresses', label: 'public IP', destroyStage: 2 },
  read: (api, rg, name, o) => api.getPublicIp(rg, name, o),
  write: (api, rg, desired, _secrets, o) => api.putPublicIp(rg, desired, o),
  diff: (r, actual, _ctx, { conflict }) => {
    if (actual.sku.toLowerCase() === 'basic') {
      conflict(
        r.field,
        `public IP ${r.name} has the retired Basic SKU (${actual.allocation}); gateways need Standard/Static, and Azure cannot change the SKU of an IP a gateway uses in place`,
        `${BASIC_PUBLIC_IP_MIGRATION}. Then name the gateway's Standard IP in the hub file, or delete ${r.name} (and the gateway using it, its connections first) and deploy again`,
      );
    } else if (actual.sku.toLowerCase() !== r.desired.sku.toLowerCase() || actual.allocation.toLowerCase() !== r.desired.allocation.toLowerCase()) {
      conflict(
        r.field,
        `public IP ${r.name} is ${actual.sku}/${actual.allocation}; gateways need Standard/Static, and Azure cannot change that in place`,
        `name another public IP in the hub file, or delete ${r.name} and deploy again`,
      );
    }
    return { ...r.desired, tags: actual.tags };
  },
};
