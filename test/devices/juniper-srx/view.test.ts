/** juniper-srx rendering per shape: the statements that carry each shape's meaning. */
import { juniperSrx } from '../../../src/devices/juniper-srx/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { buildHeaderLines } from '../../../src/devices/kit/header';
import { junosBackupPath } from '../../../src/devices/juniper-srx/view';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { AZURE_APIPA_BGP_IPS, AZURE_DEFAULT_BGP_IPS, AZURE_PUBLIC_IPS, makeContext, TEST_KEY, type Shape } from './contexts';

function render(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(juniperSrx, shape), juniperSrx);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

const matching = (text: string, re: RegExp): string[] => text.split('\n').filter((l) => re.test(l));

describe('juniper-srx rendering', () => {
  it('writes one set-command file that holds the key', () => {
    const ctx = makeContext(juniperSrx);
    expect(juniperSrx.files(ctx)).toEqual([{ template: 'azure-vpn.set.njk', output: 'azure-vpn.set', holdsSecret: true }]);
    const r = renderDeviceFiles(ctx, juniperSrx);
    expect(r.ok && r.files.map((f) => [f.path, f.holdsSecret, f.executable])).toEqual([['azure-vpn.set', true, false]]);
  });

  it('opens with the shared header as "#" comments, and every other line is a comment or a set command', () => {
    const shape: Shape = { bgp: 'apipa', activeActive: true, expressRoute: true, outsideAddress: '10.0.0.5' };
    const text = render(shape);
    const header = buildHeaderLines(makeContext(juniperSrx, shape), juniperSrx, 'Junos SRX configuration (set commands) for the Azure site-to-site VPN', junosBackupPath(makeContext(juniperSrx, shape)));
    expect(text.split('\n').slice(0, header.length)).toEqual(header.map((l) => `# ${l}`));
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('# ') && l !== '#' && !l.startsWith('set '))).toEqual([]);
  });

  it('static single instance: one gateway, VPN and st0.0 to the Azure IP, static VNet route, no BGP', () => {
    const text = render({});
    expect(matching(text, / address \d/)).toEqual([`set security ike gateway az-hq-gw-1 address ${AZURE_PUBLIC_IPS[0]}`]);
    expect(text).toContain('set security ike gateway az-hq-gw-1 local-identity inet 40.50.60.70\n');
    expect(text).toContain(`set security ike gateway az-hq-gw-1 remote-identity inet ${AZURE_PUBLIC_IPS[0]}\n`);
    expect(text).toContain('set security ike gateway az-hq-gw-1 version v2-only\n');
    expect(text).toContain('set security ipsec vpn az-hq-vpn-1 bind-interface st0.0\n');
    expect(text).toContain('set security ipsec vpn az-hq-vpn-1 establish-tunnels immediately\n');
    expect(matching(text, /^set routing-options/)).toEqual(['set routing-options static route 10.200.0.0/16 next-hop st0.0']);
    expect(text).toContain(`set security ike policy az-hq-ike-policy pre-shared-key ascii-text "${TEST_KEY}"\n`);
    expect(text).toContain('set security flow tcp-mss ipsec-vpn mss 1350\n');
    expect(text).toContain('dead-peer-detection interval 15\n');
    expect(text).toContain('dead-peer-detection threshold 3\n');
    expect(matching(text, /^set .*(protocols bgp|lo0|local-address)/)).toEqual([]);
  });

  it('BGP multihop active-active: lo0.0, two st0 units, eBGP multihop from lo0 and a /32 route per unit', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    expect(text).toContain('set interfaces lo0 unit 0 family inet address 192.168.255.1/32\n');
    expect(matching(text, /^set routing-options static/)).toEqual([
      `set routing-options static route ${AZURE_DEFAULT_BGP_IPS[0]}/32 next-hop st0.0`,
      `set routing-options static route ${AZURE_DEFAULT_BGP_IPS[1]}/32 next-hop st0.1`,
    ]);
    expect(matching(text, /^set protocols bgp/)).toEqual([
      'set protocols bgp group az-hq-bgp type external',
      'set protocols bgp group az-hq-bgp peer-as 65515',
      'set protocols bgp group az-hq-bgp local-address 192.168.255.1',
      'set protocols bgp group az-hq-bgp multihop ttl 255',
      'set protocols bgp group az-hq-bgp hold-time 180',
      'set protocols bgp group az-hq-bgp import az-hq-import',
      'set protocols bgp group az-hq-bgp export az-hq-export',
      'set protocols bgp group az-hq-bgp multipath',
      `set protocols bgp group az-hq-bgp neighbor ${AZURE_DEFAULT_BGP_IPS[0]} description azure-instance-1`,
      `set protocols bgp group az-hq-bgp neighbor ${AZURE_DEFAULT_BGP_IPS[1]} description azure-instance-2`,
    ]);
    expect(text).toContain('set routing-options autonomous-system 65010\n');
    expect(text).toContain('set policy-options prefix-list az-hq-vnet 10.200.0.0/16\n');
    expect(text).toContain('set policy-options prefix-list az-hq-onprem 192.168.0.0/16\n');
    expect(text).toContain('set security zones security-zone azure-vpn interfaces st0.1 host-inbound-traffic protocols bgp\n');
    expect(text).not.toMatch(/local-preference|as-path-prepend/);
  });

  it('APIPA BGP: one APIPA address on lo0.0, unnumbered st0 units, direct peering with TTL 1, the SRX initiates', () => {
    const text = render({ bgp: 'apipa', activeActive: true });
    expect(text).toContain('set interfaces lo0 unit 0 family inet address 169.254.21.2/32\n');
    expect(matching(text, /^set interfaces st0 unit \d+ family/)).toEqual(['set interfaces st0 unit 0 family inet mtu 1400', 'set interfaces st0 unit 1 family inet mtu 1400']);
    expect(matching(text, /^set routing-options static/)).toEqual([
      `set routing-options static route ${AZURE_APIPA_BGP_IPS[0]}/32 next-hop st0.0`,
      `set routing-options static route ${AZURE_APIPA_BGP_IPS[1]}/32 next-hop st0.1`,
    ]);
    expect(text).toContain('set protocols bgp group az-hq-bgp local-address 169.254.21.2\n');
    expect(text).toContain('set protocols bgp group az-hq-bgp multihop ttl 1\n');
    expect(text).not.toMatch(/^set protocols bgp .* passive$/m);
    expect(text).toMatch(/^# .*APIPA \/30 is not put on the tunnels/m);
    expect(text).toMatch(/APIPA: Azure expects the appliance to open the BGP session \(do not rely on\n# Azure opening it\): the SRX initiates/);
    expect(text).not.toMatch(/Azure never initiates/);
  });

  it('NAT: local-address is the private outside address, the identity stays the public IP', () => {
    const text = render({ outsideAddress: '10.0.0.5', activeActive: true });
    expect(matching(text, / local-address /)).toEqual([
      'set security ike gateway az-hq-gw-1 local-address 10.0.0.5',
      'set security ike gateway az-hq-gw-2 local-address 10.0.0.5',
    ]);
    expect(matching(text, / local-identity /)).toEqual([
      'set security ike gateway az-hq-gw-1 local-identity inet 40.50.60.70',
      'set security ike gateway az-hq-gw-2 local-identity inet 40.50.60.70',
    ]);
    expect(text).toMatch(/^# NAT-T is on by default/m);
  });

  it('ExpressRoute backup on: local-preference 50 on import, prepend twice on export; off: neither', () => {
    const on = render({ bgp: 'multihop', expressRoute: true });
    expect(on).toContain('set policy-options policy-statement az-hq-import term vnet then local-preference 50\n');
    expect(on).toContain('set policy-options policy-statement az-hq-export term onprem then as-path-prepend "65010 65010"\n');
    const off = render({ bgp: 'multihop' });
    expect(off).not.toMatch(/local-preference|as-path-prepend/);
    expect(off).toContain('set policy-options policy-statement az-hq-import term vnet then accept\n');
    expect(off).toContain('set policy-options policy-statement az-hq-import term other then reject\n');
  });

  it('ExpressRoute backup with static routing: the VNet route has preference 250 via both units, the header says so', () => {
    const text = render({ expressRoute: true, activeActive: true });
    expect(matching(text, /^set routing-options/)).toEqual([
      'set routing-options static route 10.200.0.0/16 next-hop st0.0',
      'set routing-options static route 10.200.0.0/16 next-hop st0.1',
      'set routing-options static route 10.200.0.0/16 preference 250',
      'set routing-options forwarding-table export az-hq-load-balance',
    ]);
    expect(text).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(the static routes to Azure over the tunnels have preference 250/m);
    expect(text).not.toMatch(/local preference|prepend/);
  });

  it('every st0 unit carries family inet mtu 1400 (Azure: tunnel MTU 1400)', () => {
    for (const shape of [{}, { activeActive: true }, { bgp: 'apipa' as const, activeActive: true }]) {
      const st0 = matching(render(shape), /^set interfaces st0 unit \d+ family/);
      expect(st0.length).toBe(shape.activeActive ? 2 : 1);
      for (const l of st0) expect(l).toMatch(/^set interfaces st0 unit \d+ family inet mtu 1400$/);
    }
  });

  it('the BGP loopback lo0.0 sits in the tunnels\' zone, admits BGP and ping, and a policy admits them from Azure\'s BGP addresses', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    expect(matching(text, /interfaces lo0\.0/)).toEqual([
      'set security zones security-zone azure-vpn interfaces lo0.0 host-inbound-traffic system-services ping',
      'set security zones security-zone azure-vpn interfaces lo0.0 host-inbound-traffic protocols bgp',
    ]);
    expect(matching(text, /policy az-hq-bgp-to-lo0 /)).toEqual([
      'set security policies from-zone azure-vpn to-zone azure-vpn policy az-hq-bgp-to-lo0 match source-address az-hq-azure-bgp',
      'set security policies from-zone azure-vpn to-zone azure-vpn policy az-hq-bgp-to-lo0 match destination-address az-hq-lo0-bgp',
      'set security policies from-zone azure-vpn to-zone azure-vpn policy az-hq-bgp-to-lo0 match application [ junos-bgp junos-icmp-ping ]',
      'set security policies from-zone azure-vpn to-zone azure-vpn policy az-hq-bgp-to-lo0 then permit',
    ]);
    expect(matching(text, /address-set az-hq-(azure-bgp|lo0-bgp) /)).toEqual([
      'set security address-book global address-set az-hq-azure-bgp address az-hq-azure-bgp-1',
      'set security address-book global address-set az-hq-azure-bgp address az-hq-azure-bgp-2',
      'set security address-book global address-set az-hq-lo0-bgp address az-hq-lo0-bgp-1',
    ]);
    expect(text).toContain(`set security address-book global address az-hq-azure-bgp-2 ${AZURE_DEFAULT_BGP_IPS[1]}/32\n`);
    expect(text).toContain('set security address-book global address az-hq-lo0-bgp-1 192.168.255.1/32\n');
    expect(matching(render({}), /^set .*lo0/)).toEqual([]);
  });

  it('spoke prefixes: imported with their more specifics, allowed by the security policies, routed statically without BGP', () => {
    const spokes = ['10.201.0.0/16', '10.202.0.0/16'];
    const bgp = render({ bgp: 'multihop', spokePrefixes: spokes, expressRoute: true });
    expect(matching(bgp, /prefix-list az-hq-spokes|term spokes/)).toEqual([
      'set policy-options prefix-list az-hq-spokes 10.201.0.0/16',
      'set policy-options prefix-list az-hq-spokes 10.202.0.0/16',
      'set policy-options policy-statement az-hq-import term spokes from prefix-list-filter az-hq-spokes orlonger',
      'set policy-options policy-statement az-hq-import term spokes then local-preference 50',
      'set policy-options policy-statement az-hq-import term spokes then accept',
    ]);
    expect(matching(bgp, /address-set az-hq-vnet /)).toHaveLength(3);
    expect(matching(render({ spokePrefixes: spokes }), /^set routing-options static/)).toEqual([
      'set routing-options static route 10.200.0.0/16 next-hop st0.0',
      'set routing-options static route 10.201.0.0/16 next-hop st0.0',
      'set routing-options static route 10.202.0.0/16 next-hop st0.0',
    ]);
  });

  it('ExpressRoute by an IGP or static routes: BGP group preference 250, and the header states Junos\' defaults already rank BGP lower', () => {
    const text = render({ bgp: 'multihop', expressRoute: true, expressRouteRoutesVia: 'igp' });
    expect(text).toContain('set protocols bgp group az-hq-bgp preference 250\n');
    expect(text).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by an IGP: Junos already prefers them \(static 5, OSPF 10\/150/m);
    expect(render({ bgp: 'multihop', expressRoute: true })).not.toMatch(/ preference 250/);
  });

  it('two instances share the load: BGP multipath and a forwarding-table load-balance policy for the Azure prefixes only', () => {
    const text = render({ bgp: 'multihop', activeActive: true, spokePrefixes: ['10.201.0.0/16'] });
    expect(matching(text, /az-hq-load-balance/)).toEqual([
      'set policy-options policy-statement az-hq-load-balance term azure from prefix-list az-hq-vnet',
      'set policy-options policy-statement az-hq-load-balance term azure then load-balance per-packet',
      'set policy-options policy-statement az-hq-load-balance term spokes from prefix-list-filter az-hq-spokes orlonger',
      'set policy-options policy-statement az-hq-load-balance term spokes then load-balance per-packet',
      'set routing-options forwarding-table export az-hq-load-balance',
    ]);
    const single = render({ bgp: 'multihop' });
    expect(single).not.toMatch(/multipath|load-balance|forwarding-table/);
  });

  it('prefixAdvertisement: anchor (default) renders aggregates and says the risk; table renders none and says why', () => {
    const anchor = render({ bgp: 'multihop' });
    expect(matching(anchor, /^set routing-options aggregate/)).toEqual(['set routing-options aggregate route 192.168.0.0/16']);
    expect(anchor).toMatch(/^# Site prefixes \(prefixAdvertisement anchor, the default\)/m);
    expect(anchor).toMatch(/RISK: the aggregate's next hop is reject/);
    const table = render({ bgp: 'multihop', options: { prefixAdvertisement: 'table' } });
    expect(matching(table, /aggregate/).filter((l) => !l.startsWith('#'))).toEqual([]);
    expect(table).toMatch(/^# Site prefixes \(prefixAdvertisement table\): no aggregate/m);
  });

  it('firewall openings: IKE host-inbound on the external interface, lo0 filter terms for every Azure IP', () => {
    const text = render({ activeActive: true });
    expect(text).toContain('set security zones security-zone untrust interfaces ge-0/0/0.0 host-inbound-traffic system-services ike\n');
    for (const ip of AZURE_PUBLIC_IPS) {
      expect(text).toContain(`#   set firewall family inet filter <your-lo0-filter> term azure-ike from source-address ${ip}/32\n`);
      expect(text).toContain(`#   set firewall family inet filter <your-lo0-filter> term azure-esp from source-address ${ip}/32\n`);
    }
    expect(text).toContain('term azure-ike from destination-port [ 500 4500 ]');
    expect(text).toContain('term azure-esp from protocol esp');
  });

  it('redacted key: the placeholder stands in the IKE policy, the header says so', () => {
    const text = render({ sharedKey: null });
    expect(text).toContain(`pre-shared-key ascii-text "${REDACTED_KEY_PLACEHOLDER}"\n`);
    expect(text).toContain('# Shared key: REDACTED');
  });

  it('derives DPD from the Azure timeout within the SRX ranges and says when it cannot reach it', () => {
    expect(render({ dpdTimeoutSeconds: 9 })).toMatch(/dead-peer-detection interval 3\n.*dead-peer-detection threshold 3\n/);
    const long = render({ dpdTimeoutSeconds: 3600 });
    expect(long).toMatch(/dead-peer-detection interval 60\n.*dead-peer-detection threshold 5\n/);
    expect(long).toContain('at most 60 s x 5');
  });

  it('ends with the verification commands as comments', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    const tail = text.slice(text.indexOf('# ===== Verify'));
    expect(tail.split('\n').filter((l) => l !== '').every((l) => l.startsWith('# '))).toBe(true);
    expect(tail).toContain('# show security ike security-associations\n');
    expect(tail).toContain('# show security ipsec security-associations\n');
    expect(tail).toContain('# show bgp summary\n');
    expect(tail).toContain('# ping 10.200.255.254 source 192.168.255.1 count 3\n');
  });

  it('long site names give distinct IKE/IPsec names within 32 characters', () => {
    const a = render({ siteName: 'branch-office-frankfurt-main-01', activeActive: true });
    const b = render({ siteName: 'branch-office-frankfurt-main-02' });
    const gw = (t: string) => t.match(/^set security ike gateway (\S+) /m)?.[1];
    expect(gw(a)).not.toEqual(gw(b));
    const names = [...a.matchAll(/^set security (?:ike|ipsec) (?:proposal|policy|gateway|vpn) (\S+) /gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(8); // IKE proposal and policy, 2 gateways, IPsec proposal and policy, 2 VPNs
    for (const n of names) expect(n.length).toBeLessThanOrEqual(32);
  });
});
