/**
 * Two gateways of one GatewaySubnet created at once: accepted by default; with refuseConcurrentGateways
 * (option, control, HTTP control, CLI flag) the second create is 409 AnotherOperationInProgress until the
 * first is done. Azure's "ExpressRoute gateway first" rule is gone.
 */
import type { NetworkManagementClient } from '@azure/arm-network';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netId, netPath, networkClient, POLL, raw, RG, vpnGatewayBody, waitForState } from '../support/emulator';

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

function erBody() {
  return {
    location: LOCATION,
    gatewayType: 'ExpressRoute' as const,
    sku: { name: 'ErGw1AZ' as const, tier: 'ErGw1AZ' as const },
    ipConfigurations: [{ name: 'default', subnet: { id: `${netId('virtualNetworks', 'vnet-hub')}/subnets/GatewaySubnet` }, publicIPAddress: { id: netId('publicIPAddresses', 'pip-er') } }],
  };
}

function rawBody(body: Record<string, any>) {
  const { location, active, ipConfigurations, ...props } = body;
  return {
    location,
    properties: {
      ...props,
      activeActive: active ?? false,
      ipConfigurations: ipConfigurations.map((c: any) => ({ name: c.name, properties: { subnet: c.subnet, publicIPAddress: c.publicIPAddress } })),
    },
  };
}

async function hub(e: RunningEmulator): Promise<NetworkManagementClient> {
  await createVnet(e, '10.10.255.0/27');
  await createPip(e, 'pip-vpn');
  await createPip(e, 'pip-er');
  return networkClient(e);
}

test('by default both gateways of a GatewaySubnet are created at once, each with its own BGP address', async () => {
  emu = await startEmulator({ durations: { ...FAST, gatewayMs: 300 } });
  const net = await hub(emu);
  const er = await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-er')}?${API}`, rawBody(erBody()));
  expect(er.status).toBe(201);
  const vpn = await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`, rawBody(vpnGatewayBody({ pips: ['pip-vpn'] })));
  expect(vpn.status).toBe(201);
  // Both are being created at the same time.
  expect((await net.virtualNetworkGateways.get(RG, 'vgw-er')).provisioningState).toBe('Updating');
  await waitForState(emu, netPath('virtualNetworkGateways', 'vgw-er'));
  await waitForState(emu, netPath('virtualNetworkGateways', 'vgw-vpn'));
  const addresses = [
    (await net.virtualNetworkGateways.get(RG, 'vgw-er')).bgpSettings?.bgpPeeringAddresses?.[0].defaultBgpIpAddresses,
    (await net.virtualNetworkGateways.get(RG, 'vgw-vpn')).bgpSettings?.bgpPeeringAddresses?.[0].defaultBgpIpAddresses,
  ];
  expect(addresses).toEqual([['10.10.255.4'], ['10.10.255.5']]);
});

test('the SDK creates both in parallel without a refusal', async () => {
  emu = await startEmulator({ durations: FAST });
  const net = await hub(emu);
  const [er, vpn] = await Promise.all([
    net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', erBody(), POLL),
    net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-vpn'] }), POLL),
  ]);
  expect([er.provisioningState, vpn.provisioningState]).toEqual(['Succeeded', 'Succeeded']);
  expect(emu.control.counts().byStatus['409'] ?? 0).toBe(0);
});

test('refuseConcurrentGateways: the second create is 409 AnotherOperationInProgress while the first is created, accepted after', async () => {
  emu = await startEmulator({ durations: { ...FAST, gatewayMs: 300 }, refuseConcurrentGateways: true });
  const net = await hub(emu);
  expect((await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-er')}?${API}`, rawBody(erBody()))).status).toBe(201);
  const second = await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`, rawBody(vpnGatewayBody({ pips: ['pip-vpn'] })));
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('AnotherOperationInProgress');
  expect(second.body.error.message).toMatch(/To retrieve status of the operation use uri: https:\/\/127\.0\.0\.1:\d+\/subscriptions\//);
  expect((await raw(emu, 'GET', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`)).status).toBe(404);
  await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-vpn'] }), POLL)).rejects.toMatchObject({
    statusCode: 409,
    code: 'AnotherOperationInProgress',
  });
  await waitForState(emu, netPath('virtualNetworkGateways', 'vgw-er'));
  const vpn = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-vpn'] }), POLL);
  expect(vpn.provisioningState).toBe('Succeeded');
});

test('the rule is switched at run time in-process and over HTTPS under /__emulator/rules, and read back', async () => {
  emu = await startEmulator({ durations: { ...FAST, gatewayMs: 300 } });
  await hub(emu);
  expect(emu.control.setRules({ refuseConcurrentGateways: true })).toMatchObject({ refuseConcurrentGateways: true });
  const off = await raw(emu, 'POST', '/__emulator/rules', { refuseConcurrentGateways: false });
  expect([off.status, off.body.refuseConcurrentGateways]).toEqual([200, false]);
  expect((await raw(emu, 'POST', '/__emulator/rules', {})).body.refuseConcurrentGateways).toBe(false);
  const on = await raw(emu, 'POST', '/__emulator/rules', { refuseConcurrentGateways: true });
  expect(on.body.refuseConcurrentGateways).toBe(true);
  expect((await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-er')}?${API}`, rawBody(erBody()))).status).toBe(201);
  expect((await raw(emu, 'PUT', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`, rawBody(vpnGatewayBody({ pips: ['pip-vpn'] })))).status).toBe(409);
  const bad = await raw(emu, 'POST', '/__emulator/rules', { refuseConcurrentGateways: 'yes' });
  expect([bad.status, bad.body.error.code]).toEqual([400, 'InvalidControlRequest']);
});

test('the ExpressRoute-first rule is gone: refused as an option and as a rule; the VPN gateway may come first', async () => {
  await expect(startEmulator({ requireExpressRouteGatewayFirst: true })).rejects.toThrow(/removed/);
  emu = await startEmulator({ durations: FAST, requireExpressRouteGatewayFirst: false });
  const res = await raw(emu, 'POST', '/__emulator/rules', { requireExpressRouteGatewayFirst: true });
  expect([res.status, res.body.error.code]).toEqual([400, 'InvalidControlRequest']);
  expect(res.body.error.message).toMatch(/removed.*2018/);
  const net = await hub(emu);
  await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-vpn'] }), POLL);
  const er = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', erBody(), POLL);
  expect(er.provisioningState).toBe('Succeeded');
});
