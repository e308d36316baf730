/**
 * Spoke VNets: read-back lists the prefixes of the hub VNet's peerings that use its gateways, and `verify`
 * warns (without changing readiness) about an Azure prefix the appliance's filters would drop.
 */
import type { AzureApi } from '../../src/azure/client/api';
import type { GatewayModel, RouteModel, VnetModel } from '../../src/azure/client/model';
import { peeredPrefixes, readBackFacts } from '../../src/azure/readBack';
import { buildVerifyReport, type VerifyObservations } from '../../src/azure/verify';
import { readVerifyObservations } from '../../src/azure/verifyLive';
import { parseFacts, serializeFacts } from '../../src/io/factsFile';
import { demoHub, site } from '../support/hubs';

const hubVnet = (peerings: VnetModel['peerings']): VnetModel => ({
  name: 'ra-hybrid-vpn-er-vnet',
  location: 'centralus',
  tags: {},
  addressSpace: ['10.200.0.0/16'],
  subnets: [],
  ...(peerings ? { peerings } : {}),
});

const PEERINGS: NonNullable<VnetModel['peerings']> = [
  { name: 'to-spoke-a', remotePrefixes: ['10.201.0.0/16'], allowGatewayTransit: true, state: 'Connected' },
  { name: 'to-spoke-b', remotePrefixes: ['10.202.0.0/24', '10.202.8.0/24'], allowGatewayTransit: true, state: 'Connected' },
  { name: 'no-transit', remotePrefixes: ['10.203.0.0/16'], allowGatewayTransit: false, state: 'Connected' },
  { name: 'down', remotePrefixes: ['10.204.0.0/16'], allowGatewayTransit: true, state: 'Disconnected' },
];

describe('read-back: the prefixes of the peerings that use the hub\'s gateways', () => {
  test('only peerings that allow gateway transit and are connected count', () => {
    expect(peeredPrefixes(hubVnet(PEERINGS))).toEqual(['10.201.0.0/16', '10.202.0.0/24', '10.202.8.0/24']);
    expect(peeredPrefixes(hubVnet(undefined))).toEqual([]);
  });

  test('readBackFacts carries them, and a facts file keeps them', async () => {
    const hub = demoHub();
    const gw: GatewayModel = {
      name: 'ra-hybrid-vpn-vgw', location: 'centralus', tags: {}, provisioningState: 'Succeeded', sku: 'VpnGw1AZ', activeActive: false, asn: 65515,
      ipConfigurations: [{ id: 'ipconf1', name: 'ipconf1', subnetId: 'x', publicIpId: 'pip1' }],
      bgpPeeringAddresses: [{ ipConfigurationId: 'ipconf1', defaultBgpIps: ['10.200.255.254'], customBgpIps: [], tunnelIps: ['203.0.113.4'] }],
    } as unknown as GatewayModel;
    const api = {
      getGateway: async () => gw,
      getPublicIp: async () => ({ name: 'pip1', ipAddress: '203.0.113.4' }),
      getVnet: async () => hubVnet(PEERINGS),
      getConnection: async () => ({ name: 'ra-hybrid-vpn-cn', enableBgp: true, customBgpIps: [], dpdTimeoutSeconds: 45 }),
      getLocalNetworkGateway: async () => ({ name: 'ra-hybrid-vpn-lgw', bgp: { asn: 65010, peeringAddress: '192.168.255.1' } }),
    } as unknown as AzureApi;
    const facts = await readBackFacts(api, { ...hub, azure: { ...hub.azure, expressRoute: undefined } }, { includeKeys: false });
    expect(facts.peeredPrefixes).toEqual(['10.201.0.0/16', '10.202.0.0/24', '10.202.8.0/24']);
    expect(parseFacts(serializeFacts(facts, false), 'facts.json').peeredPrefixes).toEqual(facts.peeredPrefixes);
    const none = await readBackFacts({ ...api, getVnet: async () => hubVnet(undefined) } as AzureApi, { ...hub, azure: { ...hub.azure, expressRoute: undefined } }, { includeKeys: false });
    expect(none).not.toHaveProperty('peeredPrefixes');
  });
});

const route = (network: string): RouteModel => ({ network, origin: 'Igp', nextHop: '10.200.255.254' });

function observations(over: Partial<VerifyObservations> = {}, spokePrefixes?: string[]): VerifyObservations {
  const hub = demoHub();
  if (spokePrefixes) hub.azure.vnet.spokePrefixes = spokePrefixes;
  return {
    hub,
    connections: { hq: { exists: true, provisioningState: 'Succeeded', connectionStatus: 'Connected' } },
    vpnPeers: [{ neighbor: '192.168.255.1', state: 'Connected' }],
    vpnRoutes: [{ network: '192.168.0.0/16', origin: 'EBgp', sourcePeer: '192.168.255.1' }],
    expressRoute: {
      gatewayExists: true,
      connection: { exists: true, provisioningState: 'Succeeded', connectionStatus: 'Connected' },
      routes: [{ network: '192.168.0.0/16', origin: 'EBgp', sourcePeer: '10.200.255.229' }],
    },
    ...over,
  };
}

describe('verify warns about Azure prefixes the appliance would drop', () => {
  const check = (o: VerifyObservations) => buildVerifyReport(o).sites[0].checks.find((c) => c.name === 'azure prefixes');

  test('a spoke Azure advertises that spokePrefixes does not cover: a warning naming it and the fix; readiness unchanged', () => {
    const o = observations({
      vnet: { addressSpace: ['10.200.0.0/16'], peeredPrefixes: ['10.201.0.0/16', '10.202.0.0/24'] },
      advertisedRoutes: { hq: [route('10.200.0.0/16'), route('10.201.0.0/16'), route('10.202.0.0/24')] },
    }, ['10.201.0.0/16']);
    const r = buildVerifyReport(o);
    expect([r.ready, r.failover]).toEqual([true, 'ready']);
    expect(check(o)).toMatchObject({ ok: true, warning: true });
    expect(check(o)!.detail).toMatch(/^10\.202\.0\.0\/24 \(advertised to 192\.168\.255\.1, a peered VNet\): the appliance drops it .* add it to azure\.vnet\.spokePrefixes and render again$/);
    expect(r.warnings).toEqual([`hq: azure prefixes: ${check(o)!.detail}`]);
  });

  test('covered: spoke ranges accept their more specifics; the VNet prefix is accepted exactly over BGP', () => {
    const o = observations({
      vnet: { addressSpace: ['10.200.0.0/16'], peeredPrefixes: ['10.202.0.0/24'] },
      advertisedRoutes: { hq: [route('10.200.0.0/16'), route('10.202.0.0/24'), route('10.202.8.0/24')] },
    }, ['10.202.0.0/16']);
    expect(check(o)).toMatchObject({ ok: true, detail: expect.stringMatching(/^every prefix Azure advertises to 192\.168\.255\.1 and every peered VNet using the hub's gateways is accepted/) });
    expect(check(o)!.warning).toBeUndefined();
    // a more specific of the VNet prefix is not accepted by the exact VNet entry of a BGP site
    const sub = observations({ advertisedRoutes: { hq: [route('10.200.7.0/24')] } });
    expect(check(sub)).toMatchObject({ warning: true, detail: expect.stringMatching(/^10\.200\.7\.0\/24 \(advertised to 192\.168\.255\.1\)/) });
  });

  test('a static site routes everything inside the VNet and spoke prefixes; another site\'s prefix is dropped on purpose, not warned', () => {
    const o = observations({ vnet: { addressSpace: ['10.200.0.0/16'], peeredPrefixes: ['10.201.0.0/16'] } });
    o.hub.sites[0] = site({ bgp: undefined });
    o.hub.sites.push(site({ name: 'branch', addressSpace: ['172.16.0.0/16'], bgp: { asn: 65020, peerIp: '172.16.255.1' }, connectionName: 'cn-branch', localNetworkGatewayName: 'lng-branch' }));
    o.connections.branch = { exists: true, connectionStatus: 'Connected' };
    o.advertisedRoutes = { branch: [route('10.200.0.0/16'), route('192.168.0.0/16')] };
    const r = buildVerifyReport(o);
    expect(r.sites[0].checks.find((c) => c.name === 'azure prefixes')).toMatchObject({ warning: true, detail: expect.stringMatching(/^10\.201\.0\.0\/16 \(a peered VNet using the hub's gateways\): /) });
    expect(r.sites[1].checks.find((c) => c.name === 'azure prefixes')!.detail).toMatch(/^10\.201\.0\.0\/16 \(a peered VNet using the hub's gateways\): /);
    // with the spoke declared: the static site routes 10.201.5.0/24 inside it, and hq's prefix advertised to branch is not the appliance's business
    o.hub.azure.vnet.spokePrefixes = ['10.201.0.0/16'];
    o.vnet = { addressSpace: ['10.200.0.0/16'], peeredPrefixes: ['10.201.5.0/24'] };
    const fixed = buildVerifyReport(o);
    expect(fixed.warnings).toEqual([]);
    expect(fixed.sites.map((x) => x.checks.find((c) => c.name === 'azure prefixes')!.ok)).toEqual([true, true]);
  });

  test('advertised routes that cannot be read: a warning that says it was not checked', () => {
    const o = observations({ advertisedRoutes: { hq: { error: 'the gateway is busy' } } });
    expect(check(o)).toMatchObject({ ok: true, warning: true, detail: 'the routes Azure advertises to 192.168.255.1 could not be read (the gateway is busy); not checked' });
  });

  test('no observation, no check (older callers)', () => {
    expect(check(observations())).toBeUndefined();
  });

  test('live: reads the VNet (peerings) and what the gateway advertises to each BGP site\'s peer', async () => {
    const asked: string[] = [];
    const api = {
      getGateway: async () => ({ name: 'ra-hybrid-vpn-vgw' }),
      getConnection: async () => ({ provisioningState: 'Succeeded', connectionStatus: 'Connected' }),
      getBgpPeerStatus: async () => [],
      getLearnedRoutes: async () => [],
      getCircuit: async () => undefined,
      getVnet: async () => hubVnet(PEERINGS),
      getAdvertisedRoutes: async (_rg: string, gw: string, peer: string) => {
        asked.push(`${gw} ${peer}`);
        return [route('10.200.0.0/16'), route('10.201.0.0/16')];
      },
      subscriptionId: '00000000-0000-0000-0000-000000000000',
    } as unknown as AzureApi;
    const hub = demoHub();
    hub.azure.expressRoute = undefined;
    const o = await readVerifyObservations(api, hub);
    expect(asked).toEqual(['ra-hybrid-vpn-vgw 192.168.255.1']);
    expect(o.vnet).toEqual({ addressSpace: ['10.200.0.0/16'], peeredPrefixes: ['10.201.0.0/16', '10.202.0.0/24', '10.202.8.0/24'] });
    expect(buildVerifyReport(o).warnings).toEqual([expect.stringMatching(/^hq: azure prefixes: 10\.201\.0\.0\/16 \(advertised to 192\.168\.255\.1, a peered VNet\), 10\.202\.0\.0\/24 \(a peered VNet using the hub's gateways\), 10\.202\.8\.0\/24/)]);
  });
});
