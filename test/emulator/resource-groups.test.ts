/** Resource groups through @azure/arm-resources (tags, existence, list, long-running delete of everything inside), and tag updates. */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netPath, networkClient, POLL, raw, resourcesClient, RG, vpnGatewayBody } from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
});
afterEach(async () => {
  await emu.stop();
});

test('PUT keeps tags, GET reads them back, HEAD answers existence, list names every group', async () => {
  const rm = resourcesClient(emu);
  const created = await rm.resourceGroups.createOrUpdate(RG, { location: 'West US 2', tags: { 'managed-by': 'tunnelsmith', 'tunnelsmith-hub': 'rg-hub/vnet-hub' } });
  expect(created).toMatchObject({ name: RG, location: 'westus2', properties: { provisioningState: 'Succeeded' } });
  const got = await rm.resourceGroups.get(RG);
  expect(got.tags).toEqual({ 'managed-by': 'tunnelsmith', 'tunnelsmith-hub': 'rg-hub/vnet-hub' });
  expect((await rm.resourceGroups.checkExistence(RG)).body).toBe(true);
  expect((await rm.resourceGroups.checkExistence('missing')).body).toBe(false);
  await rm.resourceGroups.createOrUpdate('rg-two', { location: LOCATION });
  const names: string[] = [];
  for await (const g of rm.resourceGroups.list()) names.push(g.name!);
  expect(names.sort()).toEqual([RG, 'rg-two']);
  await expect(rm.resourceGroups.createOrUpdate(RG, { location: 'eastus' })).rejects.toMatchObject({ statusCode: 409, code: 'InvalidResourceGroupLocation' });
});

test('deleting a group is long-running and removes everything in it', async () => {
  await createVnet(emu);
  await createPip(emu, 'pip-1');
  const rm = resourcesClient(emu);
  await rm.resourceGroups.beginDeleteAndWait(RG, POLL);
  expect((await rm.resourceGroups.checkExistence(RG)).body).toBe(false);
  await rm.resourceGroups.createOrUpdate(RG, { location: LOCATION });
  await expect(networkClient(emu).virtualNetworks.get(RG, 'vnet-hub')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  await expect(networkClient(emu).publicIPAddresses.get(RG, 'pip-1')).rejects.toMatchObject({ statusCode: 404 });
});

test('updateTags (PATCH) changes tags only', async () => {
  await createVnet(emu);
  const net = networkClient(emu);
  const updated = await net.virtualNetworks.updateTags(RG, 'vnet-hub', { tags: { owner: 'net-team' } });
  expect(updated.tags).toEqual({ owner: 'net-team' });
  expect(updated.addressSpace?.addressPrefixes).toEqual(['10.10.0.0/16']);
  expect((await net.virtualNetworks.get(RG, 'vnet-hub')).tags).toEqual({ owner: 'net-team' });
});

test('a VNet or subnet change while a gateway in that VNet is Updating is 409 AnotherOperationInProgress', async () => {
  await createVnet(emu);
  await createPip(emu, 'pip-1');
  emu.control.setDurations({ gatewayMs: 250 });
  const net = networkClient(emu);
  const poller = await net.virtualNetworkGateways.beginCreateOrUpdate(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'] }), POLL);
  const subnet = await raw(emu, 'PUT', `${netPath('virtualNetworks', 'vnet-hub')}/subnets/extra?${API}`, { properties: { addressPrefix: '10.10.2.0/24' } });
  expect(subnet.status).toBe(409);
  expect(subnet.body.error.code).toBe('AnotherOperationInProgress');
  await poller.pollUntilDone();
  const later = await net.subnets.beginCreateOrUpdateAndWait(RG, 'vnet-hub', 'extra', { addressPrefix: '10.10.2.0/24' }, POLL);
  expect(later.provisioningState).toBe('Succeeded');
  const vnet = await net.virtualNetworks.get(RG, 'vnet-hub');
  expect(vnet.subnets!.map((s) => s.name).sort()).toEqual(['GatewaySubnet', 'extra', 'workload']);
  const gws = vnet.subnets!.find((s) => s.name === 'GatewaySubnet')!;
  expect(gws.ipConfigurations).toEqual([{ id: `${(await net.virtualNetworkGateways.get(RG, 'vgw-vpn')).id}/ipConfigurations/default` }]);
});
