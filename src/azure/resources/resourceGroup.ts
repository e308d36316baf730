/** The resource group. Its own region does not bind the resources in it (a hand-built group often differs). */
import type { KindSpec } from './contract';

export const resourceGroup: KindSpec<'resourceGroup'> = {
  kind: 'resourceGroup',
  label: 'resource group',
  read: (api, _rg, name, o) => api.getResourceGroup(name, o),
  write: (api, _rg, desired, _secrets, o) => api.putResourceGroup(desired, o),
  diff: (r, actual) => ({ ...r.desired, tags: actual.tags ?? {} }),
};
