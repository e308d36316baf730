/**
 * What taking over an existing setup needs from the emulator: the resource-group listing (destroy proves
 * a group empty with it), the 409 fault, pre-retirement SKUs behind a rule, Azure's resize limits, and
 * the provider's side of a circuit (provision, deprovision; a provisioned circuit cannot be deleted).
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netPath, networkClient, POLL, raw, RG, resourcesClient, SUB, vpnGatewayBody } from '../support/emulator';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
});
afterEach(async () => {
  await emu.stop();
});

test('GET .../resourceGroups/{rg}/resources lists every top-level resource of the group, with tags, and no child resources', async () => {
  await createVnet(emu);
  await createPip(emu, 'pip-1');
  await networkClient(emu).publicIPAddresses.updateTags(RG, 'pip-1', { tags: { owner: 'someone' } });
  const listed = [];
  for await (const r of resourcesClient(emu).resources.listByResourceGroup(RG)) listed.push(r);
  expect(listed.map((r) => [r.name, r.type]).sort()).toEqual([
    ['pip-1', 'Microsoft.Network/publicIPAddresses'],
    ['vnet-hub', 'Microsoft.Network/virtualNetworks'],
  ]);
  expect(listed.find((r) => r.name === 'pip-1')).toMatchObject({ tags: { owner: 'someone' }, location: LOCATION, id: netPath('publicIPAddresses', 'pip-1') });

  const missing = await raw(emu, 'GET', `/subscriptions/${SUB}/resourceGroups/nope/resources?api-version=2025-04-01`);
  expect([missing.status, missing.body.error.code]).toEqual([404, 'ResourceGroupNotFound']);
  const post = await raw(emu, 'POST', `/subscriptions/${SUB}/resourceGroups/${RG}/resources?api-version=2025-04-01`, {});
  expect(post.status).toBe(405);
});

test('the 409-another-operation fault answers AnotherOperationInProgress, then lets the request through', async () => {
  await createVnet(emu);
  emu.control.addFault({ kind: '409-another-operation', method: 'PUT', path: '/publicIPAddresses/pip-1$', count: 1 });
  const first = await raw(emu, 'PUT', `${netPath('publicIPAddresses', 'pip-1')}?${API}`, { location: LOCATION, sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static' } });
  expect([first.status, first.body.error.code]).toEqual([409, 'AnotherOperationInProgress']);
  const second = await raw(emu, 'PUT', `${netPath('publicIPAddresses', 'pip-1')}?${API}`, { location: LOCATION, sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static' } });
  expect(second.status).toBe(201);
  expect(emu.control.counts().faults).toEqual({ '409-another-operation': 1 });
});

test('retired VPN SKUs: refused, accepted only while allowRetiredSkus is on (Azure before the retirement)', async () => {
  await createVnet(emu);
  await createPip(emu, 'pip-1', 'Dynamic');
  const body = { ...vpnGatewayBody({ pips: ['pip-1'], sku: 'Standard', enableBgp: false }) };
  await expect(networkClient(emu).virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', body, POLL)).rejects.toMatchObject({ code: 'VpnGatewaySkuRetired' });
  expect(emu.control.setRules({ allowRetiredSkus: true })).toMatchObject({ allowRetiredSkus: true });
  const gw = await networkClient(emu).virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', body, POLL);
  expect(gw.sku?.name).toBe('Standard');
  expect(gw.vpnGatewayGeneration).toBe('Generation1');
});

test('a resize stays within the SKU family and the generation; within both it is done in place', async () => {
  await createVnet(emu);
  await createPip(emu, 'pip-1');
  const net = networkClient(emu);
  // A non-AZ gateway made before the SKU consolidation: it stays resizable within its family.
  emu.control.setRules({ allowRetiredSkus: true });
  const created = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], sku: 'VpnGw1' }), POLL);
  emu.control.setRules({ allowRetiredSkus: false });
  expect(created.vpnGatewayGeneration).toBe('Generation1');
  await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', { ...created, sku: { name: 'VpnGw1AZ', tier: 'VpnGw1AZ' } }, POLL)).rejects.toMatchObject({
    code: 'GatewaySkuResizeNotSupported',
    message: expect.stringMatching(/within one SKU family/),
  });
  await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', { ...created, sku: { name: 'VpnGw4', tier: 'VpnGw4' } }, POLL)).rejects.toMatchObject({
    code: 'GatewaySkuResizeNotSupported',
    message: expect.stringMatching(/Generation1, which has no VpnGw4/),
  });
  const resized = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', { ...created, sku: { name: 'VpnGw3', tier: 'VpnGw3' } }, POLL);
  expect([resized.sku?.name, resized.vpnGatewayGeneration]).toEqual(['VpnGw3', 'Generation1']);
});

test('a provisioned circuit cannot be deleted until the provider deprovisions it', async () => {
  await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
  const net = networkClient(emu);
  await net.expressRouteCircuits.beginCreateOrUpdateAndWait(RG, 'erc', {
    location: LOCATION,
    sku: { name: 'Standard_MeteredData', tier: 'Standard', family: 'MeteredData' },
    serviceProviderProperties: { serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50 },
  }, POLL);
  emu.control.provisionCircuit('erc');
  await expect(net.expressRouteCircuits.beginDeleteAndWait(RG, 'erc', POLL)).rejects.toMatchObject({ code: 'CircuitCannotBeDeletedWhileProvisioned' });
  const info = emu.control.deprovisionCircuit('erc');
  const c = await net.expressRouteCircuits.get(RG, 'erc');
  expect([c.serviceProviderProvisioningState, c.peerings, c.serviceKey]).toEqual(['NotProvisioned', [], info.serviceKey]);
  await net.expressRouteCircuits.beginDeleteAndWait(RG, 'erc', POLL);
  await expect(net.expressRouteCircuits.get(RG, 'erc')).rejects.toMatchObject({ statusCode: 404 });

  const route = await raw(emu, 'POST', '/__emulator/circuits/deprovision', { circuit: 'nope' });
  expect(route.status).toBe(404);
});
