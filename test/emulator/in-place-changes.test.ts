/**
 * What Azure does not create or change in place: non-AZ VPN SKUs for a new gateway, an ExpressRoute
 * gateway SKU downgrade, a connection's IKE protocol. Existing non-AZ gateways stay usable.
 */
import type { NetworkManagementClient, VirtualNetworkGateway } from '@azure/arm-network';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netId, netPath, networkClient, POLL, raw, RG, SECURE_POLICY, vpnGatewayBody } from '../support/emulator';

let emu: RunningEmulator;
let net: NetworkManagementClient;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
  net = networkClient(emu);
  await createVnet(emu);
  await createPip(emu, 'pip-1');
});
afterEach(async () => {
  await emu.stop();
});

function erBody(sku: string): VirtualNetworkGateway {
  return {
    location: LOCATION,
    gatewayType: 'ExpressRoute',
    sku: { name: sku, tier: sku },
    ipConfigurations: [{ name: 'default', subnet: { id: `${netId('virtualNetworks', 'vnet-hub')}/subnets/GatewaySubnet` }, publicIPAddress: { id: netId('publicIPAddresses', 'pip-1') } }],
  };
}

describe('non-AZ VPN SKUs', () => {
  test.each(['VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5'])('a new %s gateway is refused with NonAzSkusNotAllowedForVPNGateway naming the AZ twin', async (sku) => {
    await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], sku }), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: 'NonAzSkusNotAllowedForVPNGateway',
      message: expect.stringContaining(`use ${sku}AZ`),
    });
    expect((await raw(emu, 'GET', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`)).status).toBe(404);
  });

  test('the AZ twin is created', async () => {
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], sku: 'VpnGw2AZ' }), POLL);
    expect([gw.sku?.name, gw.provisioningState]).toEqual(['VpnGw2AZ', 'Succeeded']);
  });

  test('an existing non-AZ gateway (made before the consolidation) reads back, takes connections, updates and resizes in its family', async () => {
    // Seeded as Azure had it: created while older rules applied, then the consolidation began.
    expect((await raw(emu, 'POST', '/__emulator/rules', { allowRetiredSkus: true })).status).toBe(200);
    await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], sku: 'VpnGw1' }), POLL);
    expect((await raw(emu, 'POST', '/__emulator/rules', { allowRetiredSkus: false })).body.allowRetiredSkus).toBe(false);

    const existing = await net.virtualNetworkGateways.get(RG, 'vgw-vpn');
    expect([existing.sku?.name, existing.provisioningState]).toEqual(['VpnGw1', 'Succeeded']);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(RG, 'lng', { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } }, POLL);
    const cn = await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
      RG,
      'cn',
      { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: existing.id! }, localNetworkGateway2: { id: lng.id! }, sharedKey: 'abc123', ipsecPolicies: [SECURE_POLICY] },
      POLL,
    );
    expect(cn.provisioningState).toBe('Succeeded');
    const same = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', { ...existing, tags: { note: 'adopted' } }, POLL);
    expect([same.sku?.name, same.tags]).toEqual(['VpnGw1', { note: 'adopted' }]);
    const resized = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', { ...existing, sku: { name: 'VpnGw2', tier: 'VpnGw2' } }, POLL);
    expect(resized.sku?.name).toBe('VpnGw2');
  });
});

describe('ExpressRoute gateway SKU', () => {
  test.each([
    ['ErGw1AZ', ['ErGw2AZ', 'ErGw3AZ']],
    ['Standard', ['HighPerformance', 'UltraPerformance']],
  ])('from %s, upgrades within the family are done in place', async (start, ups) => {
    let gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', erBody(start), POLL);
    const guid = gw.resourceGuid;
    for (const sku of ups) {
      gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', { ...gw, sku: { name: sku, tier: sku } }, POLL);
      expect([gw.sku?.name, gw.provisioningState, gw.resourceGuid]).toEqual([sku, 'Succeeded', guid]);
    }
  });

  test.each([
    ['ErGw3AZ', 'ErGw1AZ'],
    ['ErGw3AZ', 'ErGw2AZ'],
    ['ErGw2AZ', 'ErGw1AZ'],
    ['UltraPerformance', 'HighPerformance'],
    ['UltraPerformance', 'Standard'],
    ['HighPerformance', 'Standard'],
  ])('%s -> %s in place is refused (ExpressRouteGatewaySkuDowngradeNotSupported); the gateway is unchanged', async (from, to) => {
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', erBody(from), POLL);
    await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', { ...gw, sku: { name: to, tier: to } }, POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: 'ExpressRouteGatewaySkuDowngradeNotSupported',
      message: expect.stringMatching(/delete the gateway .*create it again/i),
    });
    const after = await net.virtualNetworkGateways.get(RG, 'vgw-er');
    expect([after.sku?.name, after.provisioningState]).toEqual([from, 'Succeeded']);
  });

  test('a move across families stays GatewaySkuResizeNotSupported', async () => {
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', erBody('Standard'), POLL);
    await expect(net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-er', { ...gw, sku: { name: 'ErGw1AZ', tier: 'ErGw1AZ' } }, POLL)).rejects.toMatchObject({
      code: 'GatewaySkuResizeNotSupported',
    });
  });
});

describe('connection protocol', () => {
  async function site() {
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'] }), POLL);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(RG, 'lng', { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } }, POLL);
    return (protocol: 'IKEv1' | 'IKEv2', key = 'SiteKey123') => ({
      location: LOCATION,
      connectionType: 'IPsec' as const,
      connectionProtocol: protocol,
      virtualNetworkGateway1: { id: gw.id! },
      localNetworkGateway2: { id: lng.id! },
      sharedKey: key,
      ipsecPolicies: [SECURE_POLICY],
    });
  }

  test.each([
    ['IKEv1', 'IKEv2'],
    ['IKEv2', 'IKEv1'],
  ] as const)('%s -> %s on an existing connection is refused (ConnectionProtocolCannotBeChanged); delete and create works', async (from, to) => {
    const body = await site();
    await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn', body(from), POLL);
    await expect(net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn', body(to), POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: 'ConnectionProtocolCannotBeChanged',
      message: expect.stringMatching(/delete the connection and create it again/),
    });
    const kept = await net.virtualNetworkGatewayConnections.get(RG, 'cn');
    expect([kept.connectionProtocol, kept.provisioningState]).toEqual([from, 'Succeeded']);
    // The same protocol is an ordinary update.
    const same = await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn', { ...body(from), dpdTimeoutSeconds: 30 }, POLL);
    expect(same.dpdTimeoutSeconds).toBe(30);
    await net.virtualNetworkGatewayConnections.beginDeleteAndWait(RG, 'cn', POLL);
    const again = await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, 'cn', body(to, 'SiteKey123'), POLL);
    expect(again.connectionProtocol).toBe(to);
    expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn')).value).toBe('SiteKey123');
  });
});
