import { describeReplacements, diffPlan, hasPendingChanges } from '../../../src/azure/deploy/diff';
import type { ConnectionModel, GatewayModel, PublicIpModel, VnetModel } from '../../../src/azure/client/model';
import { planAzure, type AzurePlan } from '../../../src/azure/deploy/plan';
import { demoHub, SUB } from '../../support/hubs';

/** What Azure would answer for each planned resource once created: read-only fields added. */
function azureHolds(plan: AzurePlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of plan.resources) {
    const base = { ...structuredClone(r.desired), provisioningState: 'Succeeded', id: `/x/${r.name}` } as Record<string, unknown>;
    if (r.kind === 'publicIp') base.ipAddress = '203.0.113.4';
    if (r.kind === 'vpnGateway') {
      const g = base as unknown as GatewayModel;
      g.bgpPeeringAddresses = g.bgpPeeringAddresses.map((b, i) => ({ ...b, defaultBgpIps: [`10.200.255.${254 - i}`], tunnelIps: [`203.0.113.${4 + i}`] }));
      g.legacyBgpPeeringAddress = '10.200.255.254';
    }
    if (r.kind === 'ipsecConnection') (base as unknown as ConnectionModel).connectionStatus = 'Connected';
    out[r.key] = base;
  }
  return out;
}

const plan = planAzure(demoHub(), SUB);
const vnetKey = 'virtualNetwork:ra-hybrid-vpn-er-vnet';
const vpnKey = 'vpnGateway:ra-hybrid-vpn-vgw';
const cnKey = 'ipsecConnection:ra-hybrid-vpn-cn';

describe('diffPlan', () => {
  test('nothing exists: everything is created', () => {
    const d = diffPlan(plan, {});
    expect(d.conflicts).toEqual([]);
    expect(d.changes.map((c) => c.action)).toEqual(plan.resources.map(() => 'create'));
  });

  test('everything in place, with read-only and Azure-added fields: all no-op', () => {
    const d = diffPlan(plan, azureHolds(plan));
    expect(d.conflicts).toEqual([]);
    expect(d.changes.filter((c) => c.action !== 'noop').map((c) => [c.resource.key, c.fields])).toEqual([]);
    expect(hasPendingChanges(d.changes)).toBe(false);
  });

  test('order of prefixes and case of ids do not matter', () => {
    const actual = azureHolds(plan);
    const vnet = actual[vnetKey] as VnetModel;
    vnet.subnets.reverse();
    const gw = actual[vpnKey] as GatewayModel;
    gw.ipConfigurations = gw.ipConfigurations.map((c) => ({ ...c, subnetId: c.subnetId.toUpperCase(), publicIpId: c.publicIpId.toLowerCase() }));
    expect(hasPendingChanges(diffPlan(plan, actual).changes)).toBe(false);
  });

  test('a changed policy, DPD and SKU are updates naming the fields', () => {
    const actual = azureHolds(plan);
    const cn = actual[cnKey] as ConnectionModel;
    cn.ipsecPolicy = { ...cn.ipsecPolicy!, dhGroup: 'DHGroup2' };
    cn.dpdTimeoutSeconds = 30;
    (actual[vpnKey] as GatewayModel).sku = 'VpnGw2AZ';
    const d = diffPlan(plan, actual);
    const byKey = Object.fromEntries(d.changes.map((c) => [c.resource.key, c]));
    expect(byKey[cnKey].action).toBe('update');
    expect(byKey[cnKey].fields.join(' | ')).toMatch(/ipsecPolicy: AES256\/SHA256\/DHGroup2 .* -> AES256\/SHA256\/DHGroup14/);
    expect(byKey[cnKey].fields.join(' | ')).toMatch(/dpdTimeoutSeconds: 30 -> 45/);
    expect(byKey[vpnKey].fields).toEqual(['sku: VpnGw2AZ -> VpnGw1AZ']);
  });

  test('an existing resource keeps its tags (adoption makes no write and never tags)', () => {
    const actual = azureHolds(plan);
    const cn = actual[cnKey] as ConnectionModel;
    cn.tags = { owner: 'network-team' };
    cn.dpdTimeoutSeconds = 30;
    const change = diffPlan(plan, actual).changes.find((c) => c.resource.key === cnKey)!;
    expect(change.action).toBe('update');
    expect(change.resource.desired.tags).toEqual({ owner: 'network-team' });
    (actual[cnKey] as ConnectionModel).dpdTimeoutSeconds = 45;
    expect(diffPlan(plan, actual).changes.find((c) => c.resource.key === cnKey)!.action).toBe('noop');
  });

  test('subnets tunnelsmith does not know are kept in the update body', () => {
    const actual = azureHolds(plan);
    const vnet = actual[vnetKey] as VnetModel;
    vnet.subnets = [...vnet.subnets.filter((s) => s.name !== 'ra-hybrid-vpn-er-sn'), { name: 'db', addressPrefix: '10.200.9.0/24' }];
    const change = diffPlan(plan, actual).changes.find((c) => c.resource.key === vnetKey)!;
    expect(change.action).toBe('update');
    expect(change.fields).toEqual(['subnet ra-hybrid-vpn-er-sn: add 10.200.1.0/24']);
    expect((change.resource.desired as VnetModel).subnets.map((s) => s.name).sort()).toEqual(['GatewaySubnet', 'db', 'ra-hybrid-vpn-er-sn']);
  });

  test('an Updating resource is waited for, not written again', () => {
    const actual = azureHolds(plan);
    (actual[vpnKey] as GatewayModel).provisioningState = 'Updating';
    const change = diffPlan(plan, actual).changes.find((c) => c.resource.key === vpnKey)!;
    expect([change.action, change.state]).toEqual(['wait', 'Updating']);
  });

  test('a Failed resource is written again', () => {
    const actual = azureHolds(plan);
    (actual[vpnKey] as GatewayModel).provisioningState = 'Failed';
    const change = diffPlan(plan, actual).changes.find((c) => c.resource.key === vpnKey)!;
    expect(change.action).toBe('update');
    expect(change.fields[0]).toMatch(/Failed/);
  });

  test('a smaller GatewaySubnet in use by gateways is a conflict naming the field and the remedy', () => {
    const actual = azureHolds(plan);
    (actual[vnetKey] as VnetModel).subnets[0].addressPrefix = '10.200.255.240/28';
    const d = diffPlan(plan, actual);
    expect(d.conflicts).toHaveLength(1);
    expect(d.conflicts[0].path).toBe('azure.vnet.gatewaySubnet');
    expect(d.conflicts[0].message).toMatch(/10\.200\.255\.240\/28/);
    expect(d.conflicts[0].message).toMatch(/needs \/27 or larger/);
    expect(d.conflicts[0].fix).toMatch(/1\. delete connections ra-hybrid-vpn-cn, ra-hybrid-er-cn .*2\. delete gateways ra-hybrid-er-vgw then ra-hybrid-vpn-vgw .*3\. recreate the GatewaySubnet .* as 10\.200\.255\.224\/27 .*deploy --allow-recreate/);
    expect(d.recreate).toMatchObject({ from: '10.200.255.240/28', to: '10.200.255.224/27', undescribed: [] });
    expect(d.recreate!.gateways.map((g) => g.name)).toEqual(['ra-hybrid-er-vgw', 'ra-hybrid-vpn-vgw']);
  });

  test('the same GatewaySubnet change without gateways is an update', () => {
    const actual: Record<string, unknown> = { [vnetKey]: azureHolds(plan)[vnetKey], 'resourceGroup:ra-hybrid-vpn-er-rg': azureHolds(plan)['resourceGroup:ra-hybrid-vpn-er-rg'] };
    (actual[vnetKey] as VnetModel).subnets[0].addressPrefix = '10.200.255.240/28';
    const d = diffPlan(plan, actual);
    expect(d.conflicts).toEqual([]);
    expect(d.changes.find((c) => c.resource.key === vnetKey)!.fields).toEqual(['subnet GatewaySubnet: 10.200.255.240/28 -> 10.200.255.224/27']);
  });

  test('unchangeable states are conflicts: region, Basic public IP, gateway type, connection peer', () => {
    const actual = azureHolds(plan);
    (actual[vnetKey] as { location: string }).location = 'westeurope';
    Object.assign(actual['publicIp:ra-hybrid-vpn-vgw-pip1'] as PublicIpModel, { sku: 'Basic', allocation: 'Dynamic' });
    (actual['erGateway:ra-hybrid-er-vgw'] as GatewayModel).gatewayType = 'Vpn';
    (actual[cnKey] as ConnectionModel).localNetworkGatewayId = '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/localNetworkGateways/other';
    const paths = diffPlan(plan, actual).conflicts.map((p) => p.path).sort();
    expect(paths).toEqual(['azure.expressRoute.gatewayName', 'azure.location', 'azure.vpnGateway.publicIpNames[0]', 'sites[0].localNetworkGatewayName']);
  });

  test('an adopted gateway keeps its own IP configuration names; connections follow them', () => {
    const h = demoHub({ apipa: ['169.254.21.1'], sites: [{ ...demoHub().sites[0], bgp: { asn: 65010, peerIp: '169.254.21.2' } }] });
    const p = planAzure(h, SUB);
    const actual = azureHolds(p);
    const gw = actual[vpnKey] as GatewayModel;
    const realId = gw.ipConfigurations[0].id!.replace('gwipconfig1', 'default');
    gw.ipConfigurations[0] = { ...gw.ipConfigurations[0], name: 'default', id: realId };
    gw.bgpPeeringAddresses[0].ipConfigurationId = realId;
    const cn = actual[cnKey] as ConnectionModel;
    cn.customBgpIps = [{ ipConfigurationId: realId, address: '169.254.21.1' }];
    const d = diffPlan(p, actual);
    expect(d.changes.filter((c) => c.action !== 'noop').map((c) => [c.resource.key, c.fields])).toEqual([]);
  });

  const lngKey = 'localNetworkGateway:ra-hybrid-vpn-lgw';
  const erGwKey = 'erGateway:ra-hybrid-er-vgw';
  const erCnKey = 'erConnection:ra-hybrid-er-cn';

  test('a BGP site\'s LNG: prefixes Azure holds are never removed by the default, only by localNetworkGatewayPrefixes set explicitly', () => {
    const actual = azureHolds(plan);
    (actual[lngKey] as { addressPrefixes: string[] }).addressPrefixes = ['192.168.0.0/16', '192.168.255.1/32'];
    const d = diffPlan(plan, actual);
    expect(d.changes.find((c) => c.resource.key === lngKey)!.action).toBe('noop');
    expect(d.notes).toEqual([expect.objectContaining({ path: 'sites[0].localNetworkGatewayPrefixes', severity: 'warning', message: expect.stringMatching(/^local network gateway ra-hybrid-vpn-lgw holds static prefixes \[192\.168\.0\.0\/16, 192\.168\.255\.1\/32\] although the site peers over BGP; they stay/) })]);
    const explicit = demoHub();
    explicit.sites[0].localNetworkGatewayPrefixes = [];
    const e = diffPlan(planAzure(explicit, SUB), actual).changes.find((c) => c.resource.key === lngKey)!;
    expect([e.action, e.fields]).toEqual(['update', ['addressPrefixes: [192.168.0.0/16, 192.168.255.1/32] -> []']]);
  });

  test('a static site\'s LNG gains its addressSpace and keeps what else Azure holds', () => {
    const h = demoHub();
    h.sites[0].bgp = undefined;
    const p = planAzure(h, SUB);
    const actual = azureHolds(p);
    (actual[lngKey] as { addressPrefixes: string[] }).addressPrefixes = ['10.99.0.0/16'];
    const c = diffPlan(p, actual).changes.find((x) => x.resource.key === lngKey)!;
    expect([c.action, c.fields]).toEqual(['update', ['addressPrefixes: [10.99.0.0/16] -> [192.168.0.0/16, 10.99.0.0/16]']]);
  });

  test('an IKEv1 connection is a replacement (Azure cannot switch the protocol in place), not an update', () => {
    const actual = azureHolds(plan);
    (actual[cnKey] as ConnectionModel).connectionProtocol = 'IKEv1';
    const c = diffPlan(plan, actual).changes.find((x) => x.resource.key === cnKey)!;
    expect(c.action).toBe('replace');
    expect(c.replace).toEqual({ path: 'sites[0]', reasons: ["connectionProtocol IKEv1 -> IKEv2: Azure cannot change a connection's protocol in place"] });
    expect(describeReplacements([c])[0]).toMatch(/^delete and create again connection ra-hybrid-vpn-cn: connectionProtocol IKEv1 -> IKEv2: .*; the new connection gets the shared key the site has now/);
  });

  test('an ExpressRoute gateway SKU downgrade replaces the gateway and creates its connection again; an upgrade is in place', () => {
    const actual = azureHolds(plan);
    (actual[erGwKey] as GatewayModel).sku = 'ErGw3AZ';
    const d = diffPlan(plan, actual);
    expect(d.conflicts).toEqual([]);
    const gw = d.changes.find((x) => x.resource.key === erGwKey)!;
    expect([gw.action, gw.replace?.path]).toEqual(['replace', 'azure.expressRoute.sku']);
    expect(gw.fields[0]).toMatch(/^sku ErGw3AZ -> ErGw1AZ: Azure upgrades an ExpressRoute gateway in place but never downgrades it/);
    const cn = d.changes.find((x) => x.resource.key === erCnKey)!;
    expect([cn.action, cn.afterReplacing]).toEqual(['create', erGwKey]);
    (actual[erGwKey] as GatewayModel).sku = 'UltraPerformance';
    expect(diffPlan(plan, actual).conflicts[0].message).toMatch(/non-zonal ExpressRoute SKU/);
    const up = demoHub();
    up.azure.expressRoute!.sku = 'ErGw2AZ';
    (actual[erGwKey] as GatewayModel).sku = 'ErGw1AZ';
    const u = diffPlan(planAzure(up, SUB), actual).changes.find((x) => x.resource.key === erGwKey)!;
    expect([u.action, u.fields]).toEqual(['update', ['sku: ErGw1AZ -> ErGw2AZ']]);
  });

  test('a replaced gateway with a connection the hub does not describe is a conflict', () => {
    const actual = azureHolds(plan);
    const gw = actual[erGwKey] as GatewayModel;
    gw.sku = 'ErGw2AZ';
    const d = diffPlan(plan, actual, { connections: [{ type: 'connections', name: 'someone-elses-cn', tags: {}, gatewayId: gw.id }] });
    expect(d.conflicts).toEqual([expect.objectContaining({ path: 'azure.expressRoute.sku', message: expect.stringMatching(/connection someone-elses-cn of it is not in the hub file/) })]);
  });

  test('a non-AZ VPN SKU: refused for a gateway to create (naming its AZ twin), adopted as it is when it exists', () => {
    const h = demoHub();
    h.azure.vpnGateway.sku = 'VpnGw2';
    const p = planAzure(h, SUB);
    const none = diffPlan(p, {});
    expect(none.conflicts).toEqual([expect.objectContaining({ path: 'azure.vpnGateway.sku', message: expect.stringMatching(/Azure no longer creates gateways of the non-AZ VpnGw2 SKU \(NonAzSkusNotAllowedForVPNGateway\)/), fix: expect.stringMatching(/^use sku: VpnGw2AZ/) })]);
    const actual = azureHolds(p);
    const d = diffPlan(p, actual);
    expect(d.conflicts).toEqual([]);
    expect(d.changes.find((x) => x.resource.key === vpnKey)!.action).toBe('noop');
    expect(d.notes).toEqual([expect.objectContaining({ path: 'azure.vpnGateway.sku', message: expect.stringMatching(/is VpnGw2, a non-AZ SKU Azure no longer creates; tunnelsmith adopts it as it is, and Microsoft migrates it to VpnGw2AZ itself/) })]);
  });
});
