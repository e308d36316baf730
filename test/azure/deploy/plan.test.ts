import { planAzure } from '../../../src/azure/deploy/plan';
import { resourceKey, type PlannedResource } from '../../../src/azure/resources/contract';
import { TAG_HUB, TAG_MANAGED_BY } from '../../../src/azure/client/model';
import { demoHub, site, SUB, vpnOnlyHub } from '../../support/hubs';

const byKey = (resources: PlannedResource[], key: string) => {
  const r = resources.find((x) => x.key === key);
  if (!r) throw new Error(`no ${key} in ${resources.map((x) => x.key).join(', ')}`);
  return r;
};

describe('planAzure', () => {
  const hub = demoHub();
  const plan = planAzure(hub, SUB);

  test('plans every resource of the demo hub, dependencies first', () => {
    expect(plan.resources.map((r) => r.key)).toEqual([
      'resourceGroup:ra-hybrid-vpn-er-rg',
      'virtualNetwork:ra-hybrid-vpn-er-vnet',
      'publicIp:ra-hybrid-er-vgw-pip1',
      'erGateway:ra-hybrid-er-vgw',
      'publicIp:ra-hybrid-vpn-vgw-pip1',
      'vpnGateway:ra-hybrid-vpn-vgw',
      'localNetworkGateway:ra-hybrid-vpn-lgw',
      'ipsecConnection:ra-hybrid-vpn-cn',
      'erConnection:ra-hybrid-er-cn',
    ]);
    const seen = new Set<string>();
    for (const r of plan.resources) {
      for (const d of r.dependsOn) expect(seen.has(d)).toBe(true);
      seen.add(r.key);
    }
  });

  test('tags every resource with the tool and the hub', () => {
    for (const r of plan.resources) {
      expect(r.desired.tags).toEqual({ [TAG_MANAGED_BY]: 'tunnelsmith', [TAG_HUB]: 'ra-hybrid-vpn-er-rg/ra-hybrid-vpn-er-vnet' });
    }
  });

  test('VNet holds the GatewaySubnet and the application subnets', () => {
    const vnet = byKey(plan.resources, 'virtualNetwork:ra-hybrid-vpn-er-vnet');
    expect(vnet.kind === 'virtualNetwork' && vnet.desired.subnets).toEqual([
      { name: 'GatewaySubnet', addressPrefix: '10.200.255.224/27' },
      { name: 'ra-hybrid-vpn-er-sn', addressPrefix: '10.200.1.0/24' },
    ]);
  });

  test('public IPs are Standard and static', () => {
    const pips = plan.resources.filter((r) => r.kind === 'publicIp');
    expect(pips).toHaveLength(2);
    for (const p of pips) expect(p.kind === 'publicIp' && [p.desired.sku, p.desired.allocation]).toEqual(['Standard', 'Static']);
  });

  test('VPN gateway: route-based, BGP with the ASN; neither gateway waits for the other', () => {
    const gw = byKey(plan.resources, 'vpnGateway:ra-hybrid-vpn-vgw');
    if (gw.kind !== 'vpnGateway') throw new Error('kind');
    expect(gw.desired).toMatchObject({ gatewayType: 'Vpn', vpnType: 'RouteBased', sku: 'VpnGw1AZ', activeActive: false, enableBgp: true, asn: 65515 });
    expect(gw.desired.ipConfigurations).toHaveLength(1);
    expect(gw.desired.ipConfigurations[0].subnetId).toBe(
      `/subscriptions/${SUB}/resourceGroups/ra-hybrid-vpn-er-rg/providers/Microsoft.Network/virtualNetworks/ra-hybrid-vpn-er-vnet/subnets/GatewaySubnet`,
    );
    expect(gw.dependsOn.sort()).toEqual(['publicIp:ra-hybrid-vpn-vgw-pip1', 'virtualNetwork:ra-hybrid-vpn-er-vnet']);
    expect(byKey(plan.resources, 'erGateway:ra-hybrid-er-vgw').dependsOn.sort()).toEqual(['publicIp:ra-hybrid-er-vgw-pip1', 'virtualNetwork:ra-hybrid-vpn-er-vnet']);
  });

  test('site: LNG with BGP (no static prefixes: Azure learns them over BGP), connection with explicit policy, DPD, IKEv2 and BGP', () => {
    const lng = byKey(plan.resources, 'localNetworkGateway:ra-hybrid-vpn-lgw');
    expect(lng.kind === 'localNetworkGateway' && lng.desired).toMatchObject({
      gatewayIpAddress: '40.50.60.70',
      addressPrefixes: [],
      bgp: { asn: 65010, peeringAddress: '192.168.255.1' },
    });
    expect(lng.kind === 'localNetworkGateway' && lng.prefixesExplicit).toBe(false);
    const cn = byKey(plan.resources, 'ipsecConnection:ra-hybrid-vpn-cn');
    if (cn.kind !== 'ipsecConnection') throw new Error('kind');
    expect(cn.desired).toMatchObject({ connectionType: 'IPsec', connectionProtocol: 'IKEv2', dpdTimeoutSeconds: 45, enableBgp: true, customBgpIps: [] });
    expect(cn.desired.ipsecPolicy).toEqual(hub.sites[0].ipsecPolicy);
    expect(cn.desired.localNetworkGatewayId).toMatch(/localNetworkGateways\/ra-hybrid-vpn-lgw$/);
    expect(cn.dependsOn.sort()).toEqual(['localNetworkGateway:ra-hybrid-vpn-lgw', 'vpnGateway:ra-hybrid-vpn-vgw']);
  });

  test('LNG prefixes: a static site\'s addressSpace by default, localNetworkGatewayPrefixes when set (also on a BGP site)', () => {
    const lngOf = (p: ReturnType<typeof planAzure>) => byKey(p.resources, 'localNetworkGateway:ra-hybrid-vpn-lgw') as Extract<ReturnType<typeof planAzure>['resources'][number], { kind: 'localNetworkGateway' }>;
    const staticSite = lngOf(planAzure(vpnOnlyHub([site({ bgp: undefined, addressSpace: ['192.168.0.0/16', '172.20.0.0/16'] })]), SUB));
    expect([staticSite.desired.addressPrefixes, staticSite.prefixesExplicit, staticSite.desired.bgp]).toEqual([['192.168.0.0/16', '172.20.0.0/16'], false, undefined]);
    const explicitBgp = lngOf(planAzure(vpnOnlyHub([site({ localNetworkGatewayPrefixes: ['192.168.10.0/24'] })]), SUB));
    expect([explicitBgp.desired.addressPrefixes, explicitBgp.prefixesExplicit]).toEqual([['192.168.10.0/24'], true]);
    const explicitEmpty = lngOf(planAzure(vpnOnlyHub([site({ bgp: undefined, localNetworkGatewayPrefixes: [] })]), SUB));
    expect([explicitEmpty.desired.addressPrefixes, explicitEmpty.prefixesExplicit]).toEqual([[], true]);
  });

  test('azure-default keeps no policy; static site has no BGP', () => {
    const p = planAzure(vpnOnlyHub([site({ ipsecPolicy: 'azure-default', bgp: undefined })]), SUB);
    const cn = byKey(p.resources, 'ipsecConnection:ra-hybrid-vpn-cn');
    if (cn.kind !== 'ipsecConnection') throw new Error('kind');
    expect(cn.desired.ipsecPolicy).toBeUndefined();
    expect(cn.desired.enableBgp).toBe(false);
    const lng = byKey(p.resources, 'localNetworkGateway:ra-hybrid-vpn-lgw');
    expect(lng.kind === 'localNetworkGateway' && lng.desired.bgp).toBeUndefined();
    expect(p.resources.some((r) => r.kind === 'erGateway' || r.kind === 'erConnection')).toBe(false);
    expect(byKey(p.resources, 'vpnGateway:ra-hybrid-vpn-vgw').dependsOn.some((k) => k.startsWith('erGateway:'))).toBe(false);
  });

  test('active-active APIPA: two IP configurations, custom BGP per instance, chosen per connection', () => {
    const h = demoHub({ activeActive: true, apipa: ['169.254.21.1', '169.254.22.1'], sites: [site({ bgp: { asn: 65010, peerIp: '169.254.21.2' } })] });
    const p = planAzure(h, SUB);
    const gw = byKey(p.resources, 'vpnGateway:ra-hybrid-vpn-vgw');
    if (gw.kind !== 'vpnGateway') throw new Error('kind');
    expect(gw.desired.ipConfigurations.map((c) => c.name)).toEqual(['gwipconfig1', 'gwipconfig2']);
    expect(gw.desired.bgpPeeringAddresses.map((b) => b.customBgpIps)).toEqual([['169.254.21.1'], ['169.254.22.1']]);
    const cn = byKey(p.resources, 'ipsecConnection:ra-hybrid-vpn-cn');
    if (cn.kind !== 'ipsecConnection') throw new Error('kind');
    expect(cn.desired.customBgpIps.map((c) => [c.ipConfigurationId.split('/').pop(), c.address])).toEqual([
      ['gwipconfig1', '169.254.21.1'],
      ['gwipconfig2', '169.254.22.1'],
    ]);
  });

  test('a loopback BGP peer uses the default BGP addresses even when APIPA ones exist', () => {
    const h = demoHub({ apipa: ['169.254.21.1'] });
    const cn = byKey(planAzure(h, SUB).resources, 'ipsecConnection:ra-hybrid-vpn-cn');
    expect(cn.kind === 'ipsecConnection' && cn.desired.customBgpIps).toEqual([]);
  });

  test('no ExpressRoute connection without a circuit', () => {
    const p = planAzure(demoHub({ circuit: false }), SUB);
    expect(p.resources.some((r) => r.kind === 'erConnection')).toBe(false);
    expect(p.resources.some((r) => r.key === resourceKey('erGateway', 'ra-hybrid-er-vgw'))).toBe(true);
  });

  test('is pure: the same hub gives the same plan', () => {
    expect(planAzure(demoHub(), SUB)).toEqual(planAzure(demoHub(), SUB));
  });
});
