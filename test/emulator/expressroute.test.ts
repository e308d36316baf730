/** ExpressRoute: circuits (created by the tool or already provisioned), the provider's side, ER gateway and connection, the path up/down. */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { API, createPip, createVnet, FAST, LOCATION, netId, netPath, networkClient, POLL, raw, RG, SUB, vpnGatewayBody } from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
});
afterEach(async () => {
  await emu.stop();
});

async function erGateway() {
  const net = networkClient(emu);
  await createVnet(emu);
  await createPip(emu, 'pip-er');
  return net.virtualNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'vgw-er',
    {
      location: LOCATION,
      gatewayType: 'ExpressRoute',
      sku: { name: 'ErGw1AZ', tier: 'ErGw1AZ' },
      ipConfigurations: [
        { name: 'default', subnet: { id: `${netId('virtualNetworks', 'vnet-hub')}/subnets/GatewaySubnet` }, publicIPAddress: { id: netId('publicIPAddresses', 'pip-er') } },
      ],
    },
    POLL,
  );
}

async function erConnection(circuitId: string, extra: Record<string, unknown> = {}) {
  const gw = await networkClient(emu).virtualNetworkGateways.get(RG, 'vgw-er');
  return networkClient(emu).virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
    RG,
    'cn-er',
    { location: LOCATION, connectionType: 'ExpressRoute', virtualNetworkGateway1: { id: gw.id! }, peer: { id: circuitId }, routingWeight: 0, ...extra },
    POLL,
  );
}

test('a circuit the tool creates waits for its provider; a connection to it is refused until the provider provisions it', async () => {
  const net = networkClient(emu);
  await erGateway();
  const circuit = await net.expressRouteCircuits.beginCreateOrUpdateAndWait(
    RG,
    'erc',
    {
      location: LOCATION,
      sku: { name: 'Premium_UnlimitedData', tier: 'Premium', family: 'UnlimitedData' },
      serviceProviderProperties: { serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50 },
    },
    POLL,
  );
  expect(circuit.serviceProviderProvisioningState).toBe('NotProvisioned');
  expect(circuit.serviceKey).toMatch(/^[0-9a-f-]{36}$/);
  expect(circuit.peerings).toEqual([]);
  await expect(erConnection(circuit.id!)).rejects.toMatchObject({ statusCode: 400, code: 'ExpressRouteCircuitNotProvisioned' });
  // Private peering cannot be configured before the provider is done.
  await expect(
    net.expressRouteCircuitPeerings.beginCreateOrUpdateAndWait(
      RG,
      'erc',
      'AzurePrivatePeering',
      { peeringType: 'AzurePrivatePeering', peerASN: 65010, primaryPeerAddressPrefix: '172.16.0.0/30', secondaryPeerAddressPrefix: '172.16.0.4/30', vlanId: 200 },
      POLL,
    ),
  ).rejects.toMatchObject({ statusCode: 400, code: 'CircuitNotProvisionedByServiceProvider' });

  const provisioned = emu.control.provisionCircuit('erc');
  expect(provisioned).toEqual({ id: circuit.id, serviceKey: circuit.serviceKey });
  const after = await net.expressRouteCircuits.get(RG, 'erc');
  expect(after.serviceProviderProvisioningState).toBe('Provisioned');
  expect(after.serviceKey).toBe(circuit.serviceKey);
  expect(after.peerings).toEqual([expect.objectContaining({ name: 'AzurePrivatePeering', peeringType: 'AzurePrivatePeering', azureASN: 12076, peerASN: 65010 })]);
  const peering = await net.expressRouteCircuitPeerings.get(RG, 'erc', 'AzurePrivatePeering');
  expect(peering.primaryPeerAddressPrefix).toBe('172.16.0.0/30');

  const conn = await erConnection(circuit.id!);
  expect(conn.connectionStatus).toBe('Connected');
  expect(conn.peer?.id).toBe(circuit.id);
  expect(conn.sharedKey).toBeUndefined();
});

test('a provisioned circuit over the ER gateway: BGP peers and on-prem routes while the path is up, none while down', async () => {
  const info = emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: 'rg-provider', name: 'erc-p', peerASN: 65010 });
  expect(info.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-provider/providers/Microsoft.Network/expressRouteCircuits/erc-p`);
  const net = networkClient(emu);
  await erGateway();
  await net.localNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'lng-hq',
    { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } },
    POLL,
  );
  await erConnection(info.id);

  const peers = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-er', POLL);
  expect(peers.value!.map((p) => [p.neighbor, p.asn, p.state])).toEqual([
    ['172.16.0.2', 12076, 'Connected'],
    ['172.16.0.6', 12076, 'Connected'],
  ]);
  const routes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-er', POLL);
  const fromCircuit = routes.value!.filter((r) => r.origin === 'EBgp');
  expect(fromCircuit.map((r) => [r.network, r.nextHop, r.asPath])).toEqual([
    ['192.168.0.0/16', '172.16.0.2', '12076 65010'],
    ['192.168.0.0/16', '172.16.0.6', '12076 65010'],
  ]);

  emu.control.setOnPremAdvertisedPrefixes(['10.50.0.0/16', '10.60.0.0/16'], 'erc-p');
  const custom = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-er', POLL);
  expect(new Set(custom.value!.filter((r) => r.origin === 'EBgp').map((r) => r.network))).toEqual(new Set(['10.50.0.0/16', '10.60.0.0/16']));

  emu.control.setExpressRoutePath('down', info.id);
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-er')).connectionStatus).toBe('NotConnected');
  const down = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-er', POLL);
  expect(down.value!.filter((r) => r.origin === 'EBgp')).toEqual([]);
  const downPeers = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-er', POLL);
  expect(downPeers.value!.map((p) => p.state)).toEqual(['Connecting', 'Connecting']);

  emu.control.setExpressRoutePath('up');
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-er')).connectionStatus).toBe('Connected');
  emu.control.setExpressRoutePath('down');
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-er')).connectionStatus).toBe('NotConnected');
});

test('the ER path going down leaves the VPN side up (failover)', async () => {
  const info = emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: RG, name: 'erc-p' });
  const net = networkClient(emu);
  await erGateway();
  await erConnection(info.id);
  await createPip(emu, 'pip-vpn');
  const vgw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-vpn'] }), POLL);
  const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'lng-hq',
    { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] }, bgpSettings: { asn: 65010, bgpPeeringAddress: '192.168.255.1' } },
    POLL,
  );
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
    RG,
    'cn-hq',
    { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: vgw.id! }, localNetworkGateway2: { id: lng.id! }, enableBgp: true, sharedKey: 'abc123' },
    POLL,
  );
  emu.control.setExpressRoutePath('down');
  const vpnRoutes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-vpn', POLL);
  expect(vpnRoutes.value!.filter((r) => r.origin === 'EBgp').map((r) => r.network)).toEqual(['192.168.0.0/16']);
  const erRoutes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-er', POLL);
  expect(erRoutes.value!.filter((r) => r.origin === 'EBgp')).toEqual([]);
});

test('a circuit in another subscription needs a valid authorization key', async () => {
  const info = emu.control.addProvisionedCircuit({ subscriptionId: 'other-sub', resourceGroup: 'rg-er', name: 'erc-x', authorizationKey: true });
  expect(info.authorizationKey).toMatch(/^[0-9a-f-]{36}$/);
  await erGateway();
  await expect(erConnection(info.id)).rejects.toMatchObject({ statusCode: 400, code: 'AuthorizationKeyInvalid' });
  await expect(erConnection(info.id, { authorizationKey: 'wrong' })).rejects.toMatchObject({ statusCode: 400, code: 'AuthorizationKeyInvalid' });
  const conn = await erConnection(info.id, { authorizationKey: info.authorizationKey });
  expect(conn.connectionStatus).toBe('Connected');
});

test('shared-key operations on an ExpressRoute connection are refused', async () => {
  const info = emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: RG, name: 'erc-p' });
  await erGateway();
  await erConnection(info.id);
  const res = await raw(emu, 'GET', `${netPath('connections', 'cn-er')}/sharedkey?${API}`);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('SharedKeyNotSupportedForConnectionType');
});

test('a connection of the wrong type for its gateway is refused', async () => {
  const info = emu.control.addProvisionedCircuit({ subscriptionId: SUB, resourceGroup: RG, name: 'erc-p' });
  await erGateway();
  const res = await raw(emu, 'PUT', `${netPath('connections', 'cn-bad')}?${API}`, {
    location: LOCATION,
    properties: { connectionType: 'IPsec', virtualNetworkGateway1: { id: netId('virtualNetworkGateways', 'vgw-er') }, localNetworkGateway2: { id: info.id } },
  });
  expect(res.body.error.code).toBe('InvalidGatewayTypeForConnection');
});

describe('a circuit owned by someone else (readable: false)', () => {
  const OWNER = '99999999-8888-7777-6666-555555555555';

  test('the caller cannot read it (403 AuthorizationFailed) but connects to it with the owner\'s authorization key', async () => {
    const info = emu.control.addProvisionedCircuit({ subscriptionId: OWNER, resourceGroup: 'rg-owner', name: 'erc-owned', authorizationKey: true, readable: false });
    const owner = networkClient(emu, emu.token, OWNER);
    await expect(owner.expressRouteCircuits.get('rg-owner', 'erc-owned')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining("perform action 'Microsoft.Network/expressRouteCircuits/read' over scope"),
    });
    const peering = await raw(emu, 'GET', `${info.id}/peerings/AzurePrivatePeering?${API}`);
    expect([peering.status, peering.body.error.code]).toEqual([403, 'AuthorizationFailed']);
    expect(peering.body.error.message).toContain("'Microsoft.Network/expressRouteCircuits/peerings/read'");
    const del = await raw(emu, 'DELETE', `${info.id}?${API}`);
    expect([del.status, del.body.error.message]).toEqual([403, expect.stringContaining('expressRouteCircuits/delete')]);
    // A subscription-wide list does not show it either.
    const listed: string[] = [];
    for await (const c of owner.expressRouteCircuits.listAll()) listed.push(c.name!);
    expect(listed).toEqual([]);

    await erGateway();
    await expect(erConnection(info.id)).rejects.toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
    await expect(erConnection(info.id, { authorizationKey: '00000000-0000-0000-0000-00000000beef' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'AuthorizationKeyInvalid',
      message: expect.stringContaining('not valid for this circuit'),
    });
    const conn = await erConnection(info.id, { authorizationKey: info.authorizationKey });
    expect(conn.connectionStatus).toBe('Connected');
    expect(conn.peer?.id).toBe(info.id);
    // A PUT of the same connection with the same key is an update, not a second redemption.
    const again = await erConnection(info.id, { authorizationKey: info.authorizationKey, routingWeight: 5 });
    expect(again.routingWeight).toBe(5);
  });

  test('an authorization serves one connection: a second connection with the same key is refused', async () => {
    const info = emu.control.addProvisionedCircuit({ subscriptionId: OWNER, resourceGroup: 'rg-owner', name: 'erc-owned', authorizationKey: true, readable: false });
    await erGateway();
    await erConnection(info.id, { authorizationKey: info.authorizationKey });
    const gw = await networkClient(emu).virtualNetworkGateways.get(RG, 'vgw-er');
    const second = await raw(emu, 'PUT', `${netPath('connections', 'cn-er-2')}?${API}`, {
      location: LOCATION,
      properties: { connectionType: 'ExpressRoute', virtualNetworkGateway1: { id: gw.id }, peer: { id: info.id }, authorizationKey: info.authorizationKey },
    });
    expect([second.status, second.body.error.code]).toEqual([400, 'AuthorizationKeyInvalid']);
    expect(second.body.error.message).toMatch(/already redeemed by connection .*cn-er/);
  });

  test('readability is switched by the control, in-process and over HTTPS', async () => {
    const info = emu.control.addProvisionedCircuit({ subscriptionId: OWNER, resourceGroup: 'rg-owner', name: 'erc-owned' });
    expect((await raw(emu, 'GET', `${info.id}?${API}`)).status).toBe(200);
    const res = await raw(emu, 'POST', '/__emulator/circuits/readable', { circuit: info.id, readable: false });
    expect([res.status, res.body.id]).toEqual([200, info.id]);
    expect((await raw(emu, 'GET', `${info.id}?${API}`)).status).toBe(403);
    emu.control.setCircuitReadable('erc-owned', true);
    expect((await raw(emu, 'GET', `${info.id}?${API}`)).status).toBe(200);
  });
});
