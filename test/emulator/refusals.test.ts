/** Azure's refusals, answered in ARM shape with Azure-like codes (through the SDK where it can send the request). */
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import {
  API,
  createPip,
  createVnet,
  FAST,
  LOCATION,
  netId,
  netPath,
  networkClient,
  POLL,
  raw,
  resourcesClient,
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

/** PUTs through raw HTTPS and returns `{status, code, message}`. */
async function put(path: string, body: unknown) {
  const res = await raw(emu, 'PUT', `${path}?${API}`, body);
  return { status: res.status, code: res.body?.error?.code as string | undefined, message: res.body?.error?.message as string | undefined, body: res.body };
}

function erGatewayBody(sku = 'ErGw1AZ', pip = 'pip-er') {
  return {
    location: LOCATION,
    properties: {
      gatewayType: 'ExpressRoute',
      sku: { name: sku, tier: sku },
      ipConfigurations: [
        {
          name: 'default',
          properties: { subnet: { id: `${netId('virtualNetworks', 'vnet-hub')}/subnets/GatewaySubnet` }, publicIPAddress: { id: netId('publicIPAddresses', pip) } },
        },
      ],
    },
  };
}

function rawVpnBody(opts: Parameters<typeof vpnGatewayBody>[0]) {
  const { location, active, ...props } = vpnGatewayBody(opts) as any;
  return {
    location,
    properties: {
      ...props,
      activeActive: active,
      ipConfigurations: props.ipConfigurations.map((c: any) => ({ name: c.name, properties: { subnet: c.subnet, publicIPAddress: c.publicIPAddress } })),
    },
  };
}

/** Waits until every gateway in the resource group has finished its operation. */
async function waitIdle(): Promise<void> {
  const list = await raw(emu, 'GET', `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworkGateways?${API}`);
  for (const gw of list.body.value) await waitForState(emu, gw.id);
}

describe('auth and addressing', () => {
  test('no token or a wrong token is 401; a missing api-version is 400', async () => {
    const none = await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups?${API}`, undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AuthenticationFailed');
    const wrong = await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups?${API}`, undefined, { token: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('InvalidAuthenticationToken');
    const noApi = await raw(emu, 'GET', `/subscriptions/${SUB}/resourcegroups`);
    expect(noApi.status).toBe(400);
    expect(noApi.body.error.code).toBe('MissingApiVersionParameter');
    const ctl = await raw(emu, 'GET', '/__emulator/counts', undefined, { token: 'nope' });
    expect(ctl.status).toBe(401);
  });

  test('the SDK with a wrong token gets a RestError 401', async () => {
    await expect(networkClient(emu, 'wrong').virtualNetworks.get(RG, 'x')).rejects.toMatchObject({ statusCode: 401 });
  });

  test('a missing resource group is 404 ResourceGroupNotFound; a missing resource is 404 ResourceNotFound', async () => {
    const net = networkClient(emu);
    await expect(net.virtualNetworks.get('no-such-rg', 'vnet')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    await expect(
      net.virtualNetworks.beginCreateOrUpdateAndWait('no-such-rg', 'vnet', { location: LOCATION, addressSpace: { addressPrefixes: ['10.0.0.0/16'] } }, POLL),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
    const err = await net.virtualNetworks.get(RG, 'vnet-missing').catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(err.message).toContain("Microsoft.Network/virtualNetworks/vnet-missing");
  });

  test('paths are matched case-insensitively', async () => {
    await createVnet(emu);
    const res = await raw(emu, 'GET', `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/${RG.toUpperCase()}/PROVIDERS/microsoft.network/VIRTUALNETWORKS/vnet-hub?${API}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(netId('virtualNetworks', 'vnet-hub'));
  });

  test('a reference to a missing resource is 400 InvalidResourceReference', async () => {
    await createVnet(emu);
    const res = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-missing'] }));
    expect(res.status).toBe(400);
    expect(res.code).toBe('InvalidResourceReference');
    expect(res.message).toContain(netId('publicIPAddresses', 'pip-missing'));
  });
});

describe('gateways', () => {
  test('Basic SKU refuses BGP and active-active; active-active needs exactly two IP configurations', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    await createPip(emu, 'pip-2');
    const net = networkClient(emu);
    await expect(
      net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], sku: 'Basic', enableBgp: true }), POLL),
    ).rejects.toMatchObject({ statusCode: 400, code: 'BasicSkuVirtualNetworkGatewayDoesNotSupportBgp' });
    const aaBasic = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1', 'pip-2'], sku: 'Basic', enableBgp: false, activeActive: true }));
    expect(aaBasic.code).toBe('BasicSkuVirtualNetworkGatewayDoesNotSupportActiveActive');
    await expect(
      net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], activeActive: true }), POLL),
    ).rejects.toMatchObject({ statusCode: 400, code: 'ActiveActiveGatewayMustHaveExactlyTwoIpConfigurations' });
    const retired = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'], sku: 'Standard' }));
    expect(retired.code).toBe('VpnGatewaySkuRetired');
  });

  test('reserved ASNs are refused for the gateway (65515 allowed) and for the local network gateway (65515 too)', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    for (const asn of [12076, 65517, 8075, 23456, 64500, 65535]) {
      const res = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'], asn }));
      expect({ asn, code: res.code }).toEqual({ asn, code: 'AsnReservedForAzureUse' });
    }
    for (const asn of [65515, 12076, 4294967295]) {
      const res = await put(netPath('localNetworkGateways', 'lng'), {
        location: LOCATION,
        properties: { gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] }, bgpSettings: { asn, bgpPeeringAddress: '192.168.255.1' } },
      });
      expect({ asn, code: res.code }).toEqual({ asn, code: 'AsnReservedForAzureUse' });
    }
    const ok = await put(netPath('localNetworkGateways', 'lng'), {
      location: LOCATION,
      properties: { gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] }, bgpSettings: { asn: 4200000000, bgpPeeringAddress: '192.168.255.1' } },
    });
    expect(ok.status).toBe(201);
  });

  test('custom BGP addresses outside 169.254.21.0-169.254.22.255 are refused', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    const res = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'], apipa: ['169.254.30.1'] }));
    expect(res.code).toBe('CustomBgpIpAddressNotInAllowedRange');
  });

  test('a gateway outside GatewaySubnet is refused', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    const body = rawVpnBody({ pips: ['pip-1'] });
    body.properties.ipConfigurations[0].properties.subnet.id = `${netId('virtualNetworks', 'vnet-hub')}/subnets/workload`;
    expect((await put(netPath('virtualNetworkGateways', 'vgw-vpn'), body)).code).toBe('InvalidGatewaySubnet');
  });

  test.each([
    ['VPN first, then ExpressRoute', 'vpn'],
    ['ExpressRoute first, then VPN', 'er'],
  ])('coexistence on a /28 GatewaySubnet is refused (%s)', async (_title, first) => {
    await createVnet(emu, '10.10.255.0/28');
    await createPip(emu, 'pip-1');
    await createPip(emu, 'pip-er');
    const vpn = () => put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'] }));
    const er = () => put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody());
    expect((await (first === 'vpn' ? vpn() : er())).status).toBe(201);
    await waitIdle();
    const second = await (first === 'vpn' ? er() : vpn());
    expect(second.status).toBe(400);
    expect(second.code).toBe('GatewaySubnetTooSmallForCoexistence');
    expect(second.message).toContain('/27');
  });

  test('coexistence on a /27 works in either order: the VPN gateway may come first (the ExpressRoute-first rule is gone)', async () => {
    await createVnet(emu, '10.10.255.0/27');
    await createPip(emu, 'pip-1');
    await createPip(emu, 'pip-er');
    expect((await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'] }))).status).toBe(201);
    await waitIdle();
    expect(() => emu.control.setRules({ requireExpressRouteGatewayFirst: true })).toThrow(/removed/);
    const ok = await put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody());
    expect(ok.status).toBe(201);
    await waitIdle();
    const er = await networkClient(emu).virtualNetworkGateways.get(RG, 'vgw-er');
    // Both gateways share the GatewaySubnet without sharing an address.
    expect(er.bgpSettings?.bgpPeeringAddresses?.[0].defaultBgpIpAddresses).toEqual(['10.10.255.5']);
  });

  test('409 AnotherOperationInProgress while the gateway is Updating, and for an update while another gateway in the VNet is', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    await createPip(emu, 'pip-er');
    expect((await put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody())).status).toBe(201);
    await waitIdle();
    emu.control.setDurations({ gatewayMs: 1500 });
    expect((await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'] }))).status).toBe(201);
    const same = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'] }));
    expect(same.status).toBe(409);
    expect(same.code).toBe('AnotherOperationInProgress');
    expect(same.message).toContain(`${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.Network/locations/`);
    // Only two creates may overlap (see gateways-at-once.test.ts); an update of the sibling waits.
    const sibling = await put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody('ErGw2AZ'));
    expect(sibling.code).toBe('AnotherOperationInProgress');
    const del = await raw(emu, 'DELETE', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`);
    expect(del.status).toBe(409);
    await waitIdle();
    expect((await put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody('ErGw2AZ'))).status).toBe(200);
  });

  test('resources in use cannot be deleted: gateway with a connection, public IP of a gateway, GatewaySubnet of a gateway', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    const net = networkClient(emu);
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], enableBgp: false }), POLL);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'lng',
      { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } },
      POLL,
    );
    await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
      RG,
      'cn',
      { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id! }, localNetworkGateway2: { id: lng.id! }, sharedKey: 'abc123' },
      POLL,
    );
    await expect(net.virtualNetworkGateways.beginDeleteAndWait(RG, 'vgw-vpn', POLL)).rejects.toMatchObject({ code: 'InUseVirtualNetworkGatewayCannotBeDeleted' });
    await expect(net.localNetworkGateways.beginDeleteAndWait(RG, 'lng', POLL)).rejects.toMatchObject({ code: 'InUseLocalNetworkGatewayCannotBeDeleted' });
    await expect(net.publicIPAddresses.beginDeleteAndWait(RG, 'pip-1', POLL)).rejects.toMatchObject({ code: 'PublicIPAddressCannotBeDeleted' });
    await expect(net.subnets.beginDeleteAndWait(RG, 'vnet-hub', 'GatewaySubnet', POLL)).rejects.toMatchObject({ code: 'InUseSubnetCannotBeDeleted' });
    // A VNet PUT that leaves the GatewaySubnet out would delete it: refused too.
    await expect(
      net.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'vnet-hub', { location: LOCATION, addressSpace: { addressPrefixes: ['10.10.0.0/16'] }, subnets: [] }, POLL),
    ).rejects.toMatchObject({ code: 'InUseSubnetCannotBeDeleted' });
  });

  test('subnets outside the VNet or overlapping each other are refused', async () => {
    await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
    const outside = await put(netPath('virtualNetworks', 'v'), {
      location: LOCATION,
      properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'GatewaySubnet', properties: { addressPrefix: '10.1.0.0/27' } }] },
    });
    expect(outside.code).toBe('NetcfgSubnetRangeOutsideVnet');
    const overlap = await put(netPath('virtualNetworks', 'v'), {
      location: LOCATION,
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [
          { name: 'a', properties: { addressPrefix: '10.0.0.0/24' } },
          { name: 'b', properties: { addressPrefix: '10.0.0.128/25' } },
        ],
      },
    });
    expect(overlap.code).toBe('NetcfgSubnetRangesOverlap');
  });
});

describe('connections', () => {
  async function site() {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    const net = networkClient(emu);
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'] }), POLL);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'lng',
      { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] }, bgpSettings: { asn: 65010, bgpPeeringAddress: '192.168.255.1' } },
      POLL,
    );
    const body = (props: Record<string, unknown>) => ({
      location: LOCATION,
      properties: { connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id }, localNetworkGateway2: { id: lng.id }, sharedKey: 'abc123', ...props },
    });
    return { net, gw, lng, body };
  }

  test('IPsec policies: GCM encryption with another integrity, missing fields, values outside the enums, short lifetimes', async () => {
    const { body } = await site();
    const path = netPath('connections', 'cn');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...SECURE_POLICY, ipsecIntegrity: 'SHA256' }, 'IpsecEncryptionAndIntegrityMismatch'],
      [{ ...SECURE_POLICY, ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES256' }, 'IpsecEncryptionAndIntegrityMismatch'],
      [{ ...SECURE_POLICY, ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'GCMAES256' }, 'IpsecEncryptionAndIntegrityMismatch'],
      [(({ pfsGroup: _p, ...rest }) => rest)(SECURE_POLICY), 'IpsecPolicyParameterMissing'],
      [{ ...SECURE_POLICY, dhGroup: 'DHGroup15' }, 'InvalidIpsecPolicyParameter'],
      [{ ...SECURE_POLICY, ikeEncryption: 'aes256' }, 'InvalidIpsecPolicyParameter'],
      [{ ...SECURE_POLICY, saLifeTimeSeconds: 299 }, 'InvalidIpsecPolicyParameter'],
      [{ ...SECURE_POLICY, saDataSizeKilobytes: 1000 }, 'InvalidIpsecPolicyParameter'],
    ];
    for (const [policy, code] of cases) {
      const res = await put(path, body({ ipsecPolicies: [policy] }));
      expect({ policy, code: res.code, status: res.status }).toEqual({ policy, code, status: 400 });
    }
    expect((await put(path, body({ ipsecPolicies: [SECURE_POLICY, SECURE_POLICY] }))).code).toBe('OnlyOneIpsecPolicyIsSupported');
    expect((await put(path, body({ dpdTimeoutSeconds: 8 }))).code).toBe('InvalidDpdTimeout');
    expect((await put(path, body({ usePolicyBasedTrafficSelectors: true }))).code).toBe('PolicyBasedTrafficSelectorsNeedIpsecPolicy');
    expect((await put(path, body({ ipsecPolicies: [{ ...SECURE_POLICY, ipsecEncryption: 'AES256', ipsecIntegrity: 'SHA256' }] }))).status).toBe(201);
  });

  test('Basic SKU refuses a custom policy', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-b', 'Dynamic');
    const net = networkClient(emu);
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-b'], sku: 'Basic', enableBgp: false }), POLL);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'lng',
      { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } },
      POLL,
    );
    await expect(
      net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(
        RG,
        'cn',
        { location: LOCATION, connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id! }, localNetworkGateway2: { id: lng.id! }, sharedKey: 'abc123', ipsecPolicies: [SECURE_POLICY as any] },
        POLL,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: 'BasicSkuDoesNotSupportCustomIpsecPolicy' });
  });

  test('shared keys with forbidden characters or lengths are refused at create and set; reset keyLength outside 1..128 too', async () => {
    const { net, body } = await site();
    const path = netPath('connections', 'cn');
    for (const key of ['has space', 'dash-key', 'tilde~key', 'x'.repeat(129), '', 'tab\tkey', 'é-accent']) {
      const res = await put(path, body({ sharedKey: key }));
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
      expect(['InvalidSharedKey', 'InvalidSharedKeyLength']).toContain(res.code);
      expect(res.message).not.toContain(key || '\u0000');
    }
    expect((await put(path, body({ sharedKey: 'ok!#$%&()*+,./:;<=>?@[]^_{|}' }))).status).toBe(201);
    await waitForState(emu, path);
    await expect(net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn', { value: 'bad key' }, POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidSharedKey',
    });
    for (const keyLength of [0, 129]) {
      await expect(net.virtualNetworkGatewayConnections.beginResetSharedKeyAndWait(RG, 'cn', { keyLength }, POLL)).rejects.toMatchObject({
        statusCode: 400,
        code: 'InvalidSharedKeyLength',
      });
    }
  });

  test('BGP on a connection needs BGP on the gateway and on the local network gateway', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    const net = networkClient(emu);
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, 'vgw-vpn', vpnGatewayBody({ pips: ['pip-1'], enableBgp: false }), POLL);
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'lng',
      { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['192.168.0.0/16'] } },
      POLL,
    );
    const res = await put(netPath('connections', 'cn'), {
      location: LOCATION,
      properties: { connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id }, localNetworkGateway2: { id: lng.id }, enableBgp: true },
    });
    expect(res.code).toBe('BgpNotEnabledOnVirtualNetworkGateway');
  });

  test('409 for key operations and connection PUTs while the connection or its gateway is Updating', async () => {
    const { net, body } = await site();
    emu.control.setDurations({ setSharedKeyMs: 200, connectionMs: 200 });
    expect((await put(netPath('connections', 'cn'), body({}))).status).toBe(201);
    const again = await put(netPath('connections', 'cn'), body({}));
    expect(again.code).toBe('AnotherOperationInProgress');
    await waitForState(emu, netPath('connections', 'cn'));
    const set = await raw(emu, 'PUT', `${netPath('connections', 'cn')}/sharedkey?${API}`, { value: 'NewKey1' });
    expect(set.status).toBe(200);
    const reset = await raw(emu, 'POST', `${netPath('connections', 'cn')}/sharedkey/reset?${API}`, { keyLength: 10 });
    expect(reset.status).toBe(409);
    expect(reset.body.error.code).toBe('AnotherOperationInProgress');
    await expect(net.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(RG, 'cn', { value: 'Other1' }, POLL)).rejects.toMatchObject({ statusCode: 409 });
  });
});

describe('more refusals', () => {
  test('one gateway of each type per VNet; Basic or policy-based VPN gateways cannot coexist with ExpressRoute', async () => {
    await createVnet(emu);
    for (const p of ['pip-1', 'pip-2', 'pip-er']) await createPip(emu, p);
    await createPip(emu, 'pip-basic', 'Dynamic');
    expect((await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-1'] }))).status).toBe(201);
    await waitIdle();
    const second = rawVpnBody({ pips: ['pip-2'] });
    expect((await put(netPath('virtualNetworkGateways', 'vgw-vpn2'), second)).code).toBe('VnetCanHaveOnlyOneGatewayOfEachType');
    await raw(emu, 'DELETE', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`);
    await pollUntil(() => raw(emu, 'GET', `${netPath('virtualNetworkGateways', 'vgw-vpn')}?${API}`), (r) => r.status === 404);
    expect((await put(netPath('virtualNetworkGateways', 'vgw-er'), erGatewayBody())).status).toBe(201);
    await waitIdle();
    const basic = await put(netPath('virtualNetworkGateways', 'vgw-basic'), rawVpnBody({ pips: ['pip-basic'], sku: 'Basic', enableBgp: false }));
    expect(basic.code).toBe('BasicSkuNotSupportedForCoexistence');
    const policy = rawVpnBody({ pips: ['pip-1'], enableBgp: false, sku: 'VpnGw1AZ' });
    (policy.properties as any).vpnType = 'PolicyBased';
    expect((await put(netPath('virtualNetworkGateways', 'vgw-pb'), policy)).code).toBe('PolicyBasedGatewayNotSupportedForCoexistence');
  });

  test('public IPs: Standard must be static; a Basic IP cannot serve an AZ gateway', async () => {
    await createVnet(emu);
    const dyn = await put(netPath('publicIPAddresses', 'p'), { location: LOCATION, sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Dynamic' } });
    expect(dyn.code).toBe('StandardSkuPublicIPAddressesMustBeStatic');
    await createPip(emu, 'pip-basic', 'Dynamic');
    const az = await put(netPath('virtualNetworkGateways', 'vgw-vpn'), rawVpnBody({ pips: ['pip-basic'], sku: 'VpnGw2AZ' }));
    expect(az.code).toBe('PublicIpWithBasicSkuNotAllowedOnVpnGateways');
  });

  test('a connection may only name custom BGP addresses the gateway has, one per instance', async () => {
    await createVnet(emu);
    await createPip(emu, 'pip-1');
    await createPip(emu, 'pip-2');
    const net = networkClient(emu);
    const gw = await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'vgw-vpn',
      vpnGatewayBody({ pips: ['pip-1', 'pip-2'], activeActive: true, apipa: ['169.254.21.1', '169.254.22.1'] }),
      POLL,
    );
    const lng = await net.localNetworkGateways.beginCreateOrUpdateAndWait(
      RG,
      'lng',
      { location: LOCATION, gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: [] }, bgpSettings: { asn: 65010, bgpPeeringAddress: '169.254.21.2' } },
      POLL,
    );
    const ipc = gw.ipConfigurations!.map((c) => c.id!);
    const body = (custom: Array<{ ipConfigurationId: string; customBgpIpAddress: string }>) => ({
      location: LOCATION,
      properties: { connectionType: 'IPsec', virtualNetworkGateway1: { id: gw.id }, localNetworkGateway2: { id: lng.id }, enableBgp: true, gatewayCustomBgpIpAddresses: custom },
    });
    const notOnGateway = await put(netPath('connections', 'cn'), body([{ ipConfigurationId: ipc[0], customBgpIpAddress: '169.254.21.9' }, { ipConfigurationId: ipc[1], customBgpIpAddress: '169.254.22.1' }]));
    expect(notOnGateway.code).toBe('CustomBgpIpAddressNotConfiguredOnGateway');
    const partial = await put(netPath('connections', 'cn'), body([{ ipConfigurationId: ipc[0], customBgpIpAddress: '169.254.21.1' }]));
    expect(partial.code).toBe('GatewayCustomBgpIpAddressesIncomplete');
    const ok = await put(netPath('connections', 'cn'), body([{ ipConfigurationId: ipc[0], customBgpIpAddress: '169.254.21.1' }, { ipConfigurationId: ipc[1], customBgpIpAddress: '169.254.22.1' }]));
    expect(ok.status).toBe(201);
    // The device script is refused for BGP on active-active, as Azure does.
    await waitForState(emu, netPath('connections', 'cn'));
    const script = await raw(emu, 'POST', `${netPath('connections', 'cn')}/vpndeviceconfigurationscript?${API}`, { vendor: 'Cisco' });
    expect(script.body.error.code).toBe('VpnDeviceConfigurationScriptNotSupported');
  });

  test('local network gateways: an APIPA BGP address outside Azure range, or an APIPA prefix, is refused', async () => {
    await resourcesClient(emu).resourceGroups.createOrUpdate(RG, { location: LOCATION });
    const outside = await put(netPath('localNetworkGateways', 'l'), {
      location: LOCATION,
      properties: { gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: [] }, bgpSettings: { asn: 65010, bgpPeeringAddress: '169.254.1.1' } },
    });
    expect(outside.code).toBe('BgpPeeringAddressNotInAllowedApipaRange');
    const prefix = await put(netPath('localNetworkGateways', 'l'), {
      location: LOCATION,
      properties: { gatewayIpAddress: '40.50.60.70', localNetworkAddressSpace: { addressPrefixes: ['169.254.21.2/32'] } },
    });
    expect(prefix.code).toBe('LocalNetworkGatewayAddressSpaceContainsApipa');
    const noAddress = await put(netPath('localNetworkGateways', 'l'), { location: LOCATION, properties: { localNetworkAddressSpace: { addressPrefixes: [] } } });
    expect(noAddress.code).toBe('LocalNetworkGatewayIpAddressOrFqdnRequired');
  });
});
