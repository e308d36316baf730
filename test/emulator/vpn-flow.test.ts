/** The VPN side end to end with the real SDK: RG, VNet, public IPs, gateway, LNG, connection, key operations, BGP, deletes. */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import {
  createPip,
  createVnet,
  FAST,
  LOCATION,
  netId,
  networkClient,
  POLL,
  raw,
  netPath,
  API,
  RG,
  SECURE_POLICY,
  SUB,
  vpnGatewayBody,
  waitForState,
  pollUntil,
} from '../support/emulator';

let emu: RunningEmulator;

beforeEach(async () => {
  emu = await startEmulator({ durations: FAST });
});
afterEach(async () => {
  await emu.stop();
});

async function deployVpnSite(opts: { activeActive?: boolean; bgp?: boolean; apipa?: boolean; lngApipa?: boolean } = {}) {
  const net = networkClient(emu);
  await createVnet(emu);
  const pips = opts.activeActive ? ['pip-vpn-1', 'pip-vpn-2'] : ['pip-vpn-1'];
  for (const p of pips) await createPip(emu, p);
  const apipa = opts.apipa ? (opts.activeActive ? ['169.254.21.1', '169.254.22.1'] : ['169.254.21.1']) : [];
  const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips, activeActive: opts.activeActive, apipa }), POLL);
  const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
    RG,
    'lng-hq',
    {
      location: LOCATION,
      gatewayIpAddress: '40.50.60.70',
      localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] },
      bgpSettings: opts.bgp === false ? undefined : { asn: 65010, bgpPeeringAddress: opts.apipa || opts.lngApipa ? '169.254.21.2' : '192.168.255.1' },
    },
    POLL,
  );
  const conn = await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
    RG,
    'cn-hq',
    {
      location: LOCATION,
      connectionType: 'IPsec',
      virtualNetworkGateway1: { id: gw.id! },
      localNetworkGateway2: { id: lng.id! },
      sharedKey: 'InitialKey123',
      enableBgp: opts.bgp !== false,
      dpdTimeoutSeconds: 45,
      ipsecPolicies: [SECURE_POLICY],
      gatewayCustomBgpIpAddresses: opts.apipa
        ? gw.bgpSettings!.bgpPeeringAddresses!.map((b, i) => ({ ipConfigurationId: b.ipconfigurationId!, customBgpIpAddress: apipa[i] }))
        : undefined,
    },
    POLL,
  );
  return { net, gw, lng, conn };
}

test('a VPN gateway reads back with its public IP, BGP addresses per instance and Succeeded', async () => {
  const { net } = await deployVpnSite({ activeActive: true, apipa: true });
  const gw = await net.virtualNetworkGateways.get(RG, 'vgw-vpn');
  expect(gw.provisioningState).toBe('Succeeded');
  expect(gw.active).toBe(true);
  expect(gw.sku?.name).toBe('VpnGw1AZ');
  const pip1 = await net.publicIPAddresses.get(RG, 'pip-vpn-1');
  const pip2 = await net.publicIPAddresses.get(RG, 'pip-vpn-2');
  expect(pip1.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
  expect(pip2.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
  expect(pip1.ipAddress).not.toBe(pip2.ipAddress);
  expect(pip1.ipConfiguration?.id).toBe(`${gw.id}/ipConfigurations/default`);
  const peers = gw.bgpSettings!.bgpPeeringAddresses!;
  expect(peers).toHaveLength(2);
  expect(peers[0]).toEqual({
    ipconfigurationId: `${gw.id}/ipConfigurations/default`,
    defaultBgpIpAddresses: ['10.10.255.4'],
    customBgpIpAddresses: ['169.254.21.1'],
    tunnelIpAddresses: [pip1.ipAddress],
  });
  expect(peers[1].defaultBgpIpAddresses).toEqual(['10.10.255.5']);
  expect(peers[1].customBgpIpAddresses).toEqual(['169.254.22.1']);
  expect(peers[1].tunnelIpAddresses).toEqual([pip2.ipAddress]);
  expect(gw.bgpSettings!.asn).toBe(65515);
  expect(gw.bgpSettings!.bgpPeeringAddress).toBe('10.10.255.4,10.10.255.5');
});

test('a PUT answers Updating with an absolute Azure-AsyncOperation on this server, then the operation succeeds', async () => {
  await createVnet(emu);
  // Long enough that the first poll is still InProgress on a loaded machine.
  emu.control.setDurations({ defaultMs: 2000 });
  const res = await raw(emu, 'PUT', `${netPath('publicIPAddresses', 'pip-x')}?${API}`, {
    location: LOCATION,
    sku: { name: 'Standard' },
    properties: { publicIPAllocationMethod: 'Static' },
  });
  expect(res.status).toBe(201);
  expect(res.body.properties.provisioningState).toBe('Updating');
  const asyncUrl = String(res.headers['azure-asyncoperation']);
  expect(asyncUrl.startsWith(`${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.Network/locations/${LOCATION}/operations/`)).toBe(true);
  expect(res.headers['retry-after']).toBe('0');
  const first = await raw(emu, 'GET', asyncUrl);
  expect(first.body.status).toBe('InProgress');
  const done = await pollUntil(() => raw(emu, 'GET', asyncUrl), (r) => r.body.status !== 'InProgress');
  expect(done.body.status).toBe('Succeeded');
  const again = await raw(emu, 'PUT', `${netPath('publicIPAddresses', 'pip-x')}?${API}`, {
    location: LOCATION,
    sku: { name: 'Standard' },
    properties: { publicIPAllocationMethod: 'Static' },
  });
  expect(again.status).toBe(200);
  expect(again.body.properties.ipAddress).toBe(res.body.properties.ipAddress);
});

test('a dynamic public IP gets its address only when its gateway finishes, and loses it when the gateway goes', async () => {
  const net = networkClient(emu);
  emu.control.setDurations({ gatewayMs: 150 });
  await createVnet(emu);
  await createPip(emu, 'pip-dyn', 'Dynamic');
  expect((await net.publicIPAddresses.get(RG, 'pip-dyn')).ipAddress).toBeUndefined();
  // Dynamic (Basic) addresses belong to non-AZ gateways, which Azure made before the SKU consolidation.
  emu.control.setRules({ allowRetiredSkus: true });
  const poller = await net.virtualNetworkGateways.beginCreateOrUpdate(RG, 'vgw-vpn', { ...vpnGatewayBody({ pips: ['pip-dyn'], sku: 'VpnGw1' }) }, POLL);
  expect((await net.publicIPAddresses.get(RG, 'pip-dyn')).ipAddress).toBeUndefined();
  const gw = await poller.pollUntilDone();
  const ip = (await net.publicIPAddresses.get(RG, 'pip-dyn')).ipAddress;
  expect(ip).toMatch(/^203\.0\.113\.\d+$/);
  expect(gw.bgpSettings!.bgpPeeringAddresses![0].tunnelIpAddresses).toEqual([ip]);
  await net.virtualNetworkGateways.beginDeleteAndWait(RG, 'vgw-vpn', POLL);
  expect((await net.publicIPAddresses.get(RG, 'pip-dyn')).ipAddress).toBeUndefined();
});

test('the connection never echoes its key; get/set/reset change it; a PUT of the connection leaves it unchanged', async () => {
  const { net, conn } = await deployVpnSite();
  expect(conn.provisioningState).toBe('Succeeded');
  expect(conn.connectionStatus).toBe('Connected');
  expect(conn.sharedKey).toBeUndefined();
  const rawGet = await raw(emu, 'GET', `${netPath('connections', 'cn-hq')}?${API}`);
  expect(rawGet.text).not.toContain('InitialKey123');
  expect(rawGet.body.properties.ipsecPolicies).toEqual([SECURE_POLICY]);
  expect(rawGet.body.properties.dpdTimeoutSeconds).toBe(45);
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-hq')).value).toBe('InitialKey123');

  // Re-PUT with another key in the body: the key stays.
  await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
    RG,
    'cn-hq',
    { ...conn, sharedKey: 'SomethingElse9' },
    POLL,
  );
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-hq')).value).toBe('InitialKey123');

  emu.control.setDurations({ connectionMs: 400 });
  const set = await net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn-hq', { value: 'RotatedKey456' }, POLL);
  expect(set.value).toBe('RotatedKey456');
  expect((await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-hq')).value).toBe('RotatedKey456');
  // Azure's trap: set-key reports success while the connection is still Updating for a while.
  const during = await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq');
  expect(during.provisioningState).toBe('Updating');
  expect(during.connectionStatus).toBe('Connecting');
  await waitForState(emu, netPath('connections', 'cn-hq'));
  const after = await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq');
  expect(after.provisioningState).toBe('Succeeded');
  expect(after.connectionStatus).toBe('Connected');

  const reset = await net.virtualNetworkGatewayConnections.beginResetSharedKeyAndWait(RG, 'cn-hq', { keyLength: 48 }, POLL);
  expect(reset.keyLength).toBe(48);
  const key = (await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-hq')).value;
  expect(key).toMatch(/^[A-Za-z0-9]{48}$/);
});

test('a connection created without a key gets a generated one, distinct per connection', async () => {
  const { net, gw, lng } = await deployVpnSite({ bgp: false });
  for (const name of ['cn-a', 'cn-b']) {
    await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
      RG,
      name,
      { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id! }, localNetworkGateway2: { id: lng.id! } },
      POLL,
    );
  }
  const a = (await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-a')).value;
  const b = (await net.virtualNetworkGatewayConnections.getSharedKey(RG, 'cn-b')).value;
  expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(b).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(a).not.toBe(b);
});

test('connection status follows the site being reachable and the key the device holds', async () => {
  const { net } = await deployVpnSite();
  emu.control.setSiteReachable('cn-hq', false);
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).connectionStatus).toBe('NotConnected');
  emu.control.setSiteReachable('cn-hq', true);
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).connectionStatus).toBe('Connected');
  emu.control.setSiteSharedKey(netId('connections', 'cn-hq'), 'StaleDeviceKey1');
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).connectionStatus).toBe('NotConnected');
  emu.control.setSiteSharedKey('cn-hq', 'InitialKey123');
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).connectionStatus).toBe('Connected');
});

test('BGP peer status and learned routes follow what is deployed and whether the site answers', async () => {
  const { net } = await deployVpnSite({ activeActive: true });
  const status = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', POLL);
  expect(status.value).toHaveLength(2);
  expect(status.value!.map((p) => p.localAddress)).toEqual(['10.10.255.4', '10.10.255.5']);
  for (const p of status.value!) {
    expect(p).toMatchObject({ neighbor: '192.168.255.1', asn: 65010, state: 'Connected', routesReceived: 1 });
  }
  const routes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-vpn', POLL);
  const ebgp = routes.value!.filter((r) => r.origin === 'EBgp');
  expect(ebgp).toHaveLength(2);
  expect(ebgp[0]).toMatchObject({ network: '192.168.0.0/16', nextHop: '192.168.255.1', sourcePeer: '192.168.255.1', asPath: '65010' });
  const network = routes.value!.filter((r) => r.origin === 'Network').map((r) => r.network);
  expect(network).toContain('10.10.0.0/16');
  expect(network).toContain('192.168.255.1/32');

  emu.control.setSiteReachable('cn-hq', false);
  const down = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', POLL);
  expect(down.value!.map((p) => p.state)).toEqual(['Connecting', 'Connecting']);
  const downRoutes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-vpn', POLL);
  expect(downRoutes.value!.filter((r) => r.origin === 'EBgp')).toHaveLength(0);

  const one = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', { ...POLL, peer: '10.99.99.99' });
  expect(one.value).toEqual([]);
});

test('with an APIPA neighbor the gateway peers from its custom APIPA address', async () => {
  const { net } = await deployVpnSite({ apipa: true });
  const status = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', POLL);
  expect(status.value).toEqual([expect.objectContaining({ localAddress: '169.254.21.1', neighbor: '169.254.21.2', state: 'Connected' })]);
  const conn = await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq');
  expect(conn.gatewayCustomBgpIpAddresses).toEqual([{ ipConfigurationId: `${netId('virtualNetworkGateways', 'vgw-vpn')}/ipConfigurations/default`, customBgpIpAddress: '169.254.21.1' }]);
});

test('with an APIPA neighbor but no custom APIPA address on the gateway, the session never comes up', async () => {
  const { net } = await deployVpnSite({ lngApipa: true });
  expect((await net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).connectionStatus).toBe('Connected');
  const status = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', POLL);
  expect(status.value).toEqual([expect.objectContaining({ localAddress: '10.10.255.4', neighbor: '169.254.21.2', state: 'Idle', routesReceived: 0 })]);
  const routes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-vpn', POLL);
  expect(routes.value!.filter((r) => r.origin === 'EBgp')).toEqual([]);
});

test('static sites: no BGP peers, the site prefixes are learned as Network routes', async () => {
  const { net } = await deployVpnSite({ bgp: false });
  const status = await net.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(RG, 'vgw-vpn', POLL);
  expect(status.value).toEqual([]);
  const routes = await net.virtualNetworkGateways.beginGetLearnedRoutesAndWait(RG, 'vgw-vpn', POLL);
  expect(routes.value).toContainEqual(expect.objectContaining({ network: '192.168.0.0/16', origin: 'Network', nextHop: '40.50.60.70' }));
});

test('the device configuration script is a string naming the endpoints', async () => {
  const { net } = await deployVpnSite();
  const script = await net.virtualNetworkGateways.vpnDeviceConfigurationScript(RG, 'cn-hq', { vendor: 'Cisco', deviceFamily: 'ISR', firmwareVersion: '17' });
  const pip = await net.publicIPAddresses.get(RG, 'pip-vpn-1');
  expect(typeof script.body).toBe('string');
  expect(script.body).toContain(pip.ipAddress!);
  expect(script.body).toContain('40.50.60.70');
});

test('lists answer every resource, paging past 50 with nextLink', async () => {
  const net = networkClient(emu);
  await createVnet(emu);
  for (let i = 0; i < 55; i++) {
    await raw(emu, 'PUT', `${netPath('localNetworkGateways', `lng-${i}`)}?${API}`, {
      location: LOCATION,
      properties: { gatewayIpAddress: `198.51.100.${i + 1}`, localNetworkAddressSpace: { addressPrefixes: [`172.20.${i}.0/24`] } },
    });
  }
  const firstPage = await raw(emu, 'GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/localNetworkGateways?${API}`);
  expect(firstPage.body.value).toHaveLength(50);
  expect(String(firstPage.body.nextLink).startsWith(emu.endpoint)).toBe(true);
  const names: string[] = [];
  for await (const l of net.localNetworkGateways.list(RG)) names.push(l.name!);
  expect(names).toHaveLength(55);
  expect(new Set(names).size).toBe(55);
  const subnets: string[] = [];
  for await (const s of net.subnets.list(RG, 'vnet-hub')) subnets.push(s.name!);
  expect(subnets.sort()).toEqual(['GatewaySubnet', 'workload']);
  const all: string[] = [];
  for await (const v of net.virtualNetworks.listAll()) all.push(v.name!);
  expect(all).toEqual(['vnet-hub']);
});

test('deletes are long-running (202 + Location) and remove the resource; missing ones answer 404 on GET', async () => {
  const { net } = await deployVpnSite();
  emu.control.setDurations({ connectionMs: 300 });
  const del = await raw(emu, 'DELETE', `${netPath('connections', 'cn-hq')}?${API}`);
  expect(del.status).toBe(202);
  expect(String(del.headers.location).startsWith(`${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.Network/locations/`)).toBe(true);
  expect(del.headers['azure-asyncoperation']).toBeDefined();
  const loc = await raw(emu, 'GET', String(del.headers.location));
  expect(loc.status).toBe(202);
  const final = await pollUntil(() => raw(emu, 'GET', String(del.headers.location)), (r) => r.status !== 202);
  expect(final.status).toBe(204);
  await net.virtualNetworkGateways.beginDeleteAndWait(RG, 'vgw-vpn', POLL);
  await net.localNetworkGateways.beginDeleteAndWait(RG, 'lng-hq', POLL);
  await net.publicIPAddresses.beginDeleteAndWait(RG, 'pip-vpn-1', POLL);
  await expect(net.virtualNetworkGateways.get(RG, 'vgw-vpn')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  await expect(net.virtualNetworkGatewayConnections.get(RG, 'cn-hq')).rejects.toMatchObject({ statusCode: 404 });
  // Deleting what is not there is a 204.
  expect((await raw(emu, 'DELETE', `${netPath('connections', 'cn-hq')}?${API}`)).status).toBe(204);
});
