import type { AzureApi } from '../../../src/azure/client/api';
import { planDestroy, runDestroy } from '../../../src/azure/deploy/destroy';
import { ownershipTags, type ListedResource } from '../../../src/azure/client/model';

const HUB = 'rg/vnet';
const ours = ownershipTags(HUB);
const listed: ListedResource[] = [
  { type: 'virtualNetworks', name: 'vnet', tags: ours },
  { type: 'publicIPAddresses', name: 'pip1', tags: ours },
  { type: 'virtualNetworkGateways', name: 'vgw', tags: ours },
  { type: 'virtualNetworkGateways', name: 'ergw', tags: ours },
  { type: 'localNetworkGateways', name: 'lng-hq', tags: ours },
  { type: 'connections', name: 'cn-hq', tags: ours },
  { type: 'connections', name: 'theirs', tags: {} },
  { type: 'localNetworkGateways', name: 'other-hub', tags: ownershipTags('rg/other') },
];

describe('planDestroy', () => {
  test('only resources tagged for this hub, in reverse dependency stages', () => {
    const plan = planDestroy(HUB, 'rg', listed, ours);
    expect(plan.steps.map((s) => `${s.stage} ${s.type}/${s.name}`)).toEqual([
      '0 connections/cn-hq',
      '1 virtualNetworkGateways/ergw',
      '1 virtualNetworkGateways/vgw',
      '2 localNetworkGateways/lng-hq',
      '2 publicIPAddresses/pip1',
      '3 virtualNetworks/vnet',
    ]);
    expect(plan.kept.map((k) => k.name)).toEqual(['theirs', 'other-hub']);
    expect(plan.ownsResourceGroup).toBe(true);
    expect(planDestroy(HUB, 'rg', listed, { owner: 'me' }).ownsResourceGroup).toBe(false);
  });
});

function fakeApi(contents: string[] | undefined, log: string[]): AzureApi {
  return {
    subscriptionId: 's',
    deleteResource: async (_rg: string, type: string, name: string) => {
      log.push(`${type}/${name}`);
    },
    listResourceGroupContents: async () => contents,
    deleteResourceGroup: async (rg: string) => {
      log.push(`rg/${rg}`);
    },
  } as unknown as AzureApi;
}

describe('runDestroy', () => {
  const plan = planDestroy(HUB, 'rg', listed.slice(0, 3), ours);

  test('deletes the group tunnelsmith created once it is empty', async () => {
    const log: string[] = [];
    const r = await runDestroy(plan, { api: fakeApi([], log) });
    expect(log).toEqual(['virtualNetworkGateways/vgw', 'publicIPAddresses/pip1', 'virtualNetworks/vnet', 'rg/rg']);
    expect(r.resourceGroupDeleted).toBe(true);
  });

  test('keeps the group when it holds anything else or cannot be listed', async () => {
    const log: string[] = [];
    expect(await runDestroy(plan, { api: fakeApi(['/x/vm1'], log) })).toMatchObject({ resourceGroupDeleted: false, resourceGroupKept: expect.stringMatching(/1 resource/) });
    expect(await runDestroy(plan, { api: fakeApi(undefined, log) })).toMatchObject({ resourceGroupDeleted: false, resourceGroupKept: expect.stringMatching(/not known to be empty/) });
    expect(log.filter((l) => l.startsWith('rg/'))).toEqual([]);
  });
});
