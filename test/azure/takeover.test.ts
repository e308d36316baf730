/**
 * The pure parts of taking over and of the circuit flow: SKU rules, the circuit in the plan and its diff,
 * adoption remedies, verify's circuit check, destroy of a provider-held circuit, and import's hub building.
 */
import { planDestroy, runDestroy } from '../../src/azure/deploy/destroy';
import { diffCircuit, diffPlan } from '../../src/azure/deploy/diff';
import { buildImportedHub, renderImportedHub, siteNameFrom, type ImportSnapshot } from '../../src/azure/importHub';
import { ownershipTags, type CircuitModel, type ConnectionModel, type GatewayModel, type ListedResource, type LngModel, type VnetModel } from '../../src/azure/client/model';
import { circuitIdOf, planAzure, type AzurePlan } from '../../src/azure/deploy/plan';
import { judgeSkuChange, retiredVpnSku, vpnGeneration } from '../../src/azure/resources/skus';
import { buildVerifyReport, type VerifyObservations } from '../../src/azure/verify';
import type { AzureApi } from '../../src/azure/client/api';
import { DEVICES } from '../../src/devices/registry';
import { validateHub } from '../../src/hub/validate';
import { demoHub, site, SUB, vpnOnlyHub } from '../support/hubs';

describe('judgeSkuChange', () => {
  test.each([
    ['Vpn', 'VpnGw1AZ', 'VpnGw1AZ', undefined, 'same'],
    ['Vpn', 'VpnGw1AZ', 'VpnGw3AZ', 'Generation1', 'resize'],
    ['Vpn', 'VpnGw2', 'VpnGw5', 'Generation2', 'resize'],
    ['Vpn', 'VpnGw2', 'VpnGw5', 'Generation1', 'refuse'],
    ['Vpn', 'VpnGw1', 'VpnGw4', undefined, 'refuse'],
    ['Vpn', 'VpnGw1', 'VpnGw1AZ', undefined, 'refuse'],
    ['Vpn', 'Basic', 'VpnGw1', undefined, 'refuse'],
    ['Vpn', 'Standard', 'VpnGw1AZ', undefined, 'refuse'],
    ['ExpressRoute', 'Standard', 'UltraPerformance', undefined, 'resize'],
    ['ExpressRoute', 'ErGw1AZ', 'ErGw3AZ', undefined, 'resize'],
    ['ExpressRoute', 'HighPerformance', 'ErGw2AZ', undefined, 'refuse'],
  ] as const)('%s %s -> %s (%s): %s', (kind, from, to, gen, verdict) => {
    expect(judgeSkuChange(kind, from, to, gen).kind).toBe(verdict);
  });

  test('the generation is what Azure reports, else the only one that offers the SKU', () => {
    expect([vpnGeneration('VpnGw1', undefined), vpnGeneration('VpnGw5AZ', undefined), vpnGeneration('VpnGw2', undefined), vpnGeneration('VpnGw2', 'Generation1')]).toEqual(['Generation1', 'Generation2', undefined, 'Generation1']);
  });

  test('retired SKUs name their migration target', () => {
    expect(retiredVpnSku('Standard')?.target).toBe('VpnGw1AZ');
    expect(retiredVpnSku('HighPerformance')?.target).toBe('VpnGw2AZ');
    expect(retiredVpnSku('Basic')).toBeUndefined();
    expect(retiredVpnSku('VpnGw1')).toBeUndefined();
  });
});

const circuitSpec = { name: 'erc', serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 100, skuTier: 'Premium' as const, skuFamily: 'MeteredData' as const };

function hubWithCircuit() {
  const h = demoHub({ rg: 'rg' });
  delete h.azure.expressRoute!.circuitId;
  h.azure.expressRoute!.circuit = { ...circuitSpec };
  return h;
}

describe('the circuit tunnelsmith creates', () => {
  const plan = planAzure(hubWithCircuit(), SUB);
  const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/expressRouteCircuits/erc`;

  test('is planned beside the resources, tagged, and the ExpressRoute connection names it', () => {
    expect(plan.circuit).toMatchObject({ key: 'circuit:erc', id, desired: { ...circuitSpec, location: 'centralus', tags: ownershipTags('rg/ra-hybrid-vpn-er-vnet') } });
    const cn = plan.resources.find((r) => r.kind === 'erConnection');
    expect(cn?.kind === 'erConnection' && cn.desired.circuitId).toBe(id);
    expect(circuitIdOf(hubWithCircuit(), SUB)).toBe(id);
    expect(planAzure(demoHub(), SUB).circuit).toBeUndefined();
  });

  const actual = (over: Partial<CircuitModel> = {}): CircuitModel => ({
    id, name: 'erc', location: 'centralus', tags: {}, provisioningState: 'Succeeded', serviceProviderProvisioningState: 'Provisioned', privatePeering: true,
    serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 100, skuTier: 'Premium', skuFamily: 'MeteredData', ...over,
  });

  test('what Azure changes in place is an update; what it cannot is a conflict with the remedy', () => {
    expect(diffCircuit(plan.circuit!, undefined)).toMatchObject({ action: 'create' });
    expect(diffCircuit(plan.circuit!, actual())).toMatchObject({ action: 'noop', fields: [] });
    expect(diffCircuit(plan.circuit!, actual({ bandwidthInMbps: 50, skuTier: 'Standard' }))).toMatchObject({ action: 'update', fields: ['bandwidthInMbps: 50 -> 100', 'skuTier: Standard -> Premium'] });
    expect(diffCircuit(plan.circuit!, actual({ serviceProviderProvisioningState: 'NotProvisioned', serviceProviderName: 'Megaport' }))).toMatchObject({ action: 'update', fields: ['serviceProviderName: Megaport -> Equinix'] });
    const refused = diffCircuit(plan.circuit!, actual({ bandwidthInMbps: 200, skuFamily: 'UnlimitedData', serviceProviderName: 'Megaport' }));
    expect('conflicts' in refused && refused.conflicts.map((p) => [p.path, p.fix?.split(',')[0]])).toEqual([
      ['azure.expressRoute.circuit.serviceProviderName', 'set serviceProviderName: Megaport'],
      ['azure.expressRoute.circuit.bandwidthInMbps', 'set bandwidthInMbps: 200'],
      ['azure.expressRoute.circuit.skuFamily', 'set skuFamily: UnlimitedData'],
    ]);
    expect(diffCircuit(plan.circuit!, actual({ provisioningState: 'Updating' }))).toMatchObject({ action: 'wait', state: 'Updating' });
  });

  test('diffPlan carries the circuit change', () => {
    expect(diffPlan(plan, {}, {}).circuit).toMatchObject({ action: 'create', circuit: { name: 'erc' } });
    expect(diffPlan(plan, {}, { circuit: actual() }).circuit).toMatchObject({ action: 'noop' });
  });
});

/** What Azure would hold for every planned resource, as an adopted (untagged) setup. */
function holds(plan: AzurePlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of plan.resources) out[r.key] = { ...structuredClone(r.desired), tags: {}, provisioningState: 'Succeeded', id: `/x/${r.name}` };
  return out;
}

describe('adoption remedies', () => {
  const plan = planAzure(demoHub(), SUB);
  const vpnKey = 'vpnGateway:ra-hybrid-vpn-vgw';

  test('an adopted setup that matches is all no-op, and keeps its (empty) tags', () => {
    const d = diffPlan(plan, holds(plan));
    expect(d.conflicts).toEqual([]);
    expect(d.changes.every((c) => c.action === 'noop' && Object.keys(c.resource.desired.tags).length === 0)).toBe(true);
  });

  test('a resource group in another region is not a conflict; a VNet in another region is', () => {
    const actual = holds(plan);
    (actual['resourceGroup:ra-hybrid-vpn-er-rg'] as { location: string }).location = 'westeurope';
    expect(diffPlan(plan, actual).conflicts).toEqual([]);
    (actual['virtualNetwork:ra-hybrid-vpn-er-vnet'] as { location: string }).location = 'westeurope';
    expect(diffPlan(plan, actual).conflicts.map((p) => p.path)).toEqual(['azure.location']);
  });

  test('a gateway on other public IPs: the remedy names them in the field to set', () => {
    const actual = holds(plan);
    const gw = actual[vpnKey] as GatewayModel;
    gw.ipConfigurations = [{ ...gw.ipConfigurations[0], publicIpId: '/x/publicIPAddresses/theirs-ip' }];
    const d = diffPlan(plan, actual);
    expect(d.conflicts.map((p) => [p.path, p.fix])).toEqual([['azure.vpnGateway.publicIpNames', 'set azure.vpnGateway.publicIpNames to [theirs-ip]']]);
  });

  test('turning active-active on adds the second IP configuration in place', () => {
    const aa = planAzure(demoHub({ activeActive: true }), SUB);
    const actual = holds(aa);
    const gw = actual[vpnKey] as GatewayModel;
    gw.activeActive = false;
    gw.ipConfigurations = gw.ipConfigurations.slice(0, 1);
    actual['publicIp:ra-hybrid-vpn-vgw-pip2'] = undefined;
    const d = diffPlan(aa, actual);
    expect(d.conflicts).toEqual([]);
    expect(d.changes.find((c) => c.resource.key === vpnKey)!.fields).toEqual(['activeActive: false -> true', 'ipConfigurations: [ra-hybrid-vpn-vgw-pip1] -> [ra-hybrid-vpn-vgw-pip1, ra-hybrid-vpn-vgw-pip2]']);
  });

  test('BGP stays off on an adopted gateway only while no site needs it', () => {
    const statics = planAzure(vpnOnlyHub([site({ bgp: undefined })]), SUB);
    const actual = holds(statics);
    Object.assign(actual[vpnKey] as GatewayModel, { enableBgp: false, asn: undefined });
    expect(diffPlan(statics, actual).changes.filter((c) => c.action !== 'noop')).toEqual([]);
    const bgp = planAzure(vpnOnlyHub([site()]), SUB);
    const withBgp = holds(bgp);
    Object.assign(withBgp[vpnKey] as GatewayModel, { enableBgp: false });
    expect(diffPlan(bgp, withBgp).changes.find((c) => c.resource.key === vpnKey)!.fields).toEqual(['enableBgp: false -> true']);
  });

  test('the GatewaySubnet remedy lists every connection of the gateways from the group listing', () => {
    const actual = holds(plan);
    (actual['virtualNetwork:ra-hybrid-vpn-er-vnet'] as VnetModel).subnets[0].addressPrefix = '10.200.255.240/28';
    const connections: ListedResource[] = [
      { type: 'connections', name: 'ra-hybrid-vpn-cn', tags: {}, gatewayId: '/x/ra-hybrid-vpn-vgw' },
      { type: 'connections', name: 'ra-hybrid-er-cn', tags: {}, gatewayId: '/x/ra-hybrid-er-vgw' },
      { type: 'connections', name: 'vnet2vnet', tags: {}, gatewayId: '/x/ra-hybrid-vpn-vgw' },
      { type: 'connections', name: 'elsewhere', tags: {}, gatewayId: '/x/other-gw' },
    ];
    const d = diffPlan(plan, actual, { connections });
    expect(d.recreate).toMatchObject({ undescribed: ['vnet2vnet'], connections: [{ name: 'ra-hybrid-vpn-cn', site: 'hq' }, { name: 'ra-hybrid-er-cn' }] });
    expect(d.conflicts[0].fix).toMatch(/Connection vnet2vnet is not in the hub file, so tunnelsmith will not delete it/);
  });
});

describe('verify reports the circuit', () => {
  function obs(circuit: NonNullable<VerifyObservations['expressRoute']>['circuit']): VerifyObservations {
    return {
      hub: demoHub(),
      connections: { hq: { exists: true, provisioningState: 'Succeeded', connectionStatus: 'Connected' } },
      vpnPeers: [{ neighbor: '192.168.255.1', state: 'Connected' }],
      vpnRoutes: [{ network: '192.168.0.0/16', origin: 'EBgp', sourcePeer: '192.168.255.1' }],
      expressRoute: { gatewayExists: true, connection: { exists: false }, routes: [], circuit },
    };
  }

  test('not provisioned: a failed check saying who acts, and not a failover', () => {
    const r = buildVerifyReport(obs({ id: '/x/erc', exists: true, name: 'erc', serviceProviderProvisioningState: 'NotProvisioned', privatePeering: false }));
    expect(r.expressRoute!.checks[0]).toEqual({ name: 'circuit', ok: false, detail: "erc: NotProvisioned at the provider (give the provider the circuit's service key: tunnelsmith deploy prints it)" });
    expect(r.failover).toBe('not-ready');
  });

  test('provisioned without private peering, missing, and ready', () => {
    expect(buildVerifyReport(obs({ id: '/x/erc', exists: true, name: 'erc', serviceProviderProvisioningState: 'Provisioned', privatePeering: false })).expressRoute!.checks[0].detail).toMatch(/private peering is not configured/);
    expect(buildVerifyReport(obs({ id: '/x/erc', exists: false })).expressRoute!.checks[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^erc does not exist/) });
    expect(buildVerifyReport(obs({ id: '/x/erc', exists: true, name: 'erc', serviceProviderProvisioningState: 'Provisioned', privatePeering: true })).expressRoute!.checks[0].ok).toBe(true);
  });
});

describe('destroy and a circuit its provider still holds', () => {
  const ours = ownershipTags('rg/vnet');
  const listed: ListedResource[] = [
    { type: 'connections', name: 'er-cn', tags: ours },
    { type: 'expressRouteCircuits', name: 'held', tags: ours, serviceProviderProvisioningState: 'Provisioned' },
    { type: 'expressRouteCircuits', name: 'unprovisioned', tags: ours, serviceProviderProvisioningState: 'NotProvisioned' },
  ];

  test('an unprovisioned circuit is deleted after the connections; a provisioned one is kept with the remedy', async () => {
    const plan = planDestroy('rg/vnet', 'rg', listed, ours);
    expect(plan.steps.map((s) => `${s.stage} ${s.type}/${s.name}`)).toEqual(['0 connections/er-cn', '2 expressRouteCircuits/unprovisioned']);
    expect(plan.heldByProvider!.map((r) => r.name)).toEqual(['held']);
    const log: string[] = [];
    const api = {
      deleteResource: async (_rg: string, type: string, name: string) => void log.push(`${type}/${name}`),
      listResourceGroupContents: async () => ['/x/held'],
      deleteResourceGroup: async () => void log.push('rg'),
    } as unknown as AzureApi;
    const r = await runDestroy(plan, { api });
    expect(log).toEqual(['connections/er-cn', 'expressRouteCircuits/unprovisioned']);
    expect(r).toMatchObject({ resourceGroupDeleted: false, resourceGroupKept: expect.stringMatching(/ExpressRoute circuit held is still provisioned by the connectivity provider .*ask the provider to deprovision it/) });
  });
});

describe('import builds the hub file', () => {
  const gwId = (n: string) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/${n}`;
  const subnet = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1/subnets/GatewaySubnet`;
  const vnet = (name: string): VnetModel => ({ name, location: 'West Europe', tags: {}, addressSpace: ['10.0.0.0/16'], subnets: [{ name: 'GatewaySubnet', addressPrefix: '10.0.255.224/27' }] });
  const gateway: GatewayModel = {
    name: 'vgw', id: gwId('vgw'), location: 'westeurope', tags: {}, gatewayType: 'Vpn', vpnType: 'RouteBased', sku: 'VpnGw2AZ', activeActive: true, enableBgp: true, asn: 65100,
    ipConfigurations: [
      { name: 'a', id: `${gwId('vgw')}/ipConfigurations/a`, subnetId: subnet, publicIpId: '/x/publicIPAddresses/vgw-pip-a' },
      { name: 'b', id: `${gwId('vgw')}/ipConfigurations/b`, subnetId: subnet, publicIpId: '/x/publicIPAddresses/vgw-pip-b' },
    ],
    bgpPeeringAddresses: [
      { ipConfigurationId: `${gwId('vgw')}/ipConfigurations/b`, defaultBgpIps: [], customBgpIps: ['169.254.21.2'], tunnelIps: [] },
      { ipConfigurationId: `${gwId('vgw')}/ipConfigurations/a`, defaultBgpIps: [], customBgpIps: ['169.254.21.1'], tunnelIps: [] },
    ],
  };
  const lng: LngModel = { name: 'lng', id: '/x/localNetworkGateways/lng', location: 'westeurope', tags: {}, gatewayIpAddress: '198.51.100.7', addressPrefixes: [], bgp: { asn: 65010, peeringAddress: '169.254.21.9' } };
  const cn = (name: string, over: Partial<ConnectionModel> = {}): ConnectionModel => ({
    name, location: 'westeurope', tags: {}, connectionType: 'IPsec', gatewayId: gwId('vgw'), localNetworkGatewayId: '/x/localNetworkGateways/lng', enableBgp: true, customBgpIps: [], connectionProtocol: 'IKEv1', ...over,
  });
  const snap = (over: Partial<ImportSnapshot> = {}): ImportSnapshot => ({
    subscriptionId: SUB, resourceGroup: 'rg', vnets: [vnet('v1')], gateways: [gateway], localNetworkGateways: [lng], connections: [cn('cn-hq')], publicIps: [], circuits: [], ...over,
  });

  test('gateway settings in instance order, BGP-only sites, IKEv1 and what deploy would change are noted', () => {
    const r = buildImportedHub(snap(), { device: 'juniper-srx' });
    expect(r.hub.azure.location).toBe('westeurope');
    expect(r.hub.azure.vpnGateway).toEqual({ name: 'vgw', sku: 'VpnGw2AZ', activeActive: true, asn: 65100, apipaBgpIps: ['169.254.21.1', '169.254.21.2'], publicIpNames: ['vgw-pip-a', 'vgw-pip-b'] });
    // An empty local network gateway on a BGP (APIPA) site: no prefix is invented, the peer's /32 least of all.
    expect(r.hub.sites[0]).toMatchObject({ name: 'hq', device: 'juniper-srx', addressSpace: [], bgp: { asn: 65010, peerIp: '169.254.21.9' }, ipsecPolicy: 'azure-default' });
    expect(r.notes.map((n) => n.path)).toEqual(['sites[0].addressSpace', 'sites[0].ipsecPolicy', 'sites[0]']);
    expect(r.notes[0].message).toMatch(/Azure learns the site's routes over BGP, so Azure's configuration does not say which prefixes the site owns; addressSpace is left empty/);
    expect(r.notes[2].message).toMatch(/uses IKEv1; tunnelsmith manages IKEv2 connections, and Azure cannot change a connection's protocol in place: deploy plans a replacement .* only with deploy --allow-recreate/);
    expect(r.notes[2].message).not.toMatch(/switch/);
    expect([r.placeholders, r.unknownPrefixes]).toEqual([0, 1]);
    expect(renderImportedHub(r)).toMatch(/addressSpace: \[\] # tunnelsmith import: write the prefixes this site announces over BGP/);
  });

  test('with the placeholder device the file is refused by validate, naming the site and the choices', () => {
    const r = buildImportedHub(snap({ connections: [cn('cn-hq', { connectionProtocol: 'IKEv2' })] }));
    const v = validateHub(JSON.parse(JSON.stringify(r.hub)), { devices: DEVICES });
    expect(v.hub).toBeUndefined();
    expect(v.problems.filter((p) => p.severity === 'error').map((p) => p.path).sort()).toEqual(['sites[0].addressSpace', 'sites[0].device']);
  });

  test('several VNets need --vnet; no VPN gateway is nothing to import', () => {
    const other = { ...gateway, name: 'vgw2', ipConfigurations: gateway.ipConfigurations.map((c) => ({ ...c, subnetId: c.subnetId.replace('/v1/', '/v2/') })) };
    expect(() => buildImportedHub(snap({ vnets: [vnet('v1'), vnet('v2')], gateways: [gateway, other] }))).toThrow(expect.objectContaining({ code: 'VnetAmbiguous', hint: "name the hub's VNet with --vnet NAME" }));
    const picked = buildImportedHub(snap({ vnets: [vnet('v1'), vnet('v2')], gateways: [gateway, other] }), { vnet: 'V2' });
    expect(picked.hub.azure.vpnGateway.name).toBe('vgw2');
    expect(picked.notes.some((n) => /gateway vgw sits in VNet v1, not v2/.test(n.message))).toBe(true);
    expect(() => buildImportedHub(snap({ gateways: [] }))).toThrow(expect.objectContaining({ code: 'NothingToImport' }));
    expect(() => buildImportedHub(snap({ vnets: [] }))).toThrow(expect.objectContaining({ code: 'NothingToImport' }));
  });

  test('site names follow the hub rules and stay unique', () => {
    const taken = new Set<string>();
    const names = ['cn-HQ', 'cn-hq', 'Branch Office #1', '---', `cn-${'x'.repeat(60)}`].map((n) => {
      const s = siteNameFrom(n, taken);
      taken.add(s);
      return s;
    });
    expect(names).toEqual(['hq', 'hq-2', 'branch-office-1', 'site', 'x'.repeat(40)]);
  });
});
