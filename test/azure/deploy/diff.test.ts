import { diffPlan, hasPendingChanges } from '../../../src/azure/deploy/diff';
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
});
