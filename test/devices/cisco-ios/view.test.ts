/** cisco-ios rendering per shape: the lines that carry each shape's meaning. */
import { ciscoIos } from '../../../src/devices/cisco-ios/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { buildHeaderLines } from '../../../src/devices/kit/header';
import { ciscoBackupPath } from '../../../src/devices/cisco-ios/view';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { AZURE_APIPA_BGP_IPS, AZURE_DEFAULT_BGP_IPS, AZURE_PUBLIC_IPS, makeContext, TEST_KEY, type Shape } from './contexts';

function render(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(ciscoIos, shape), ciscoIos);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

const lines = (text: string, re: RegExp): string[] => text.split('\n').filter((l) => re.test(l));

describe('cisco-ios rendering', () => {
  it('writes one config file that holds the key', () => {
    const ctx = makeContext(ciscoIos);
    expect(ciscoIos.files(ctx)).toEqual([{ template: 'azure-vpn.cfg.njk', output: 'azure-vpn.cfg', holdsSecret: true }]);
    const r = renderDeviceFiles(ctx, ciscoIos);
    expect(r.ok && r.files.map((f) => [f.path, f.holdsSecret, f.executable])).toEqual([['azure-vpn.cfg', true, false]]);
  });

  it('opens with the shared header as "!" comments', () => {
    const ctx = makeContext(ciscoIos, { bgp: 'multihop', activeActive: true, expressRoute: true });
    const text = render({ bgp: 'multihop', activeActive: true, expressRoute: true });
    const header = buildHeaderLines(ctx, ciscoIos, 'Cisco IOS-XE configuration for the Azure site-to-site VPN', ciscoBackupPath(ctx));
    expect(text.split('\n').slice(0, header.length)).toEqual(header.map((l) => `! ${l}`));
  });

  it('static single instance: one tunnel to the Azure IP, static VNet route, no BGP', () => {
    const text = render({});
    expect(lines(text, /^ tunnel destination /)).toEqual([` tunnel destination ${AZURE_PUBLIC_IPS[0]}`]);
    expect(lines(text, /^ip route /)).toEqual(['ip route 10.200.0.0 255.255.0.0 Tunnel100']);
    expect(text).toContain('interface Tunnel100\n description Azure VPN gateway instance 1 (20.30.40.50)\n ip unnumbered GigabitEthernet1\n ip mtu 1400\n ip tcp adjust-mss 1350\n');
    expect(text).not.toMatch(/^router bgp/m);
    expect(text).not.toMatch(/^interface Loopback/m);
    expect(text).toContain(` identity local address 40.50.60.70\n`);
    expect(text).toContain(`  pre-shared-key 0 ${TEST_KEY}\n`);
    expect(text).toContain(' dpd 25 4 periodic\n');
  });

  it('BGP multihop active-active: loopback, two tunnels, eBGP multihop with update-source and /32 routes per tunnel', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    expect(text).toContain('interface Loopback100\n description BGP address for Azure (eBGP multihop)\n ip address 192.168.255.1 255.255.255.255\n');
    expect(lines(text, /^ ip unnumbered /)).toEqual([' ip unnumbered Loopback100', ' ip unnumbered Loopback100']);
    expect(lines(text, /^ip route \S+ 255.255.255.255 /)).toEqual([
      `ip route ${AZURE_DEFAULT_BGP_IPS[0]} 255.255.255.255 Tunnel100`,
      `ip route ${AZURE_DEFAULT_BGP_IPS[1]} 255.255.255.255 Tunnel101`,
    ]);
    for (const ip of AZURE_DEFAULT_BGP_IPS) {
      expect(text).toContain(` neighbor ${ip} remote-as 65515\n`);
      expect(text).toContain(` neighbor ${ip} ebgp-multihop 255\n`);
      expect(text).toContain(` neighbor ${ip} update-source Loopback100\n`);
      expect(text).toContain(` neighbor ${ip} timers 60 180\n`);
    }
    expect(text).toContain('router bgp 65010\n');
    expect(text).toContain('  network 192.168.0.0 mask 255.255.0.0\n');
    expect(text).toContain('ip prefix-list az-hq-from-azure seq 10 permit 10.200.0.0/16\n');
    expect(text).toContain('ip prefix-list az-hq-to-azure seq 10 permit 192.168.0.0/16\n');
    expect(text).not.toMatch(/disable-connected-check|local-preference|as-path prepend/);
    expect(lines(text, /^ip route 10\.200\.0\.0 /)).toEqual([]);
  });

  it('APIPA BGP: both tunnels unnumbered to the loopback holding the one APIPA address, direct peering, router initiates', () => {
    const text = render({ bgp: 'apipa', activeActive: true });
    expect(text).toContain('interface Loopback100\n description BGP address for Azure (APIPA)\n ip address 169.254.21.2 255.255.255.255\n');
    expect(lines(text, /^ip route \S+ 255.255.255.255 /)).toEqual([
      `ip route ${AZURE_APIPA_BGP_IPS[0]} 255.255.255.255 Tunnel100`,
      `ip route ${AZURE_APIPA_BGP_IPS[1]} 255.255.255.255 Tunnel101`,
    ]);
    for (const ip of AZURE_APIPA_BGP_IPS) {
      expect(text).toContain(` neighbor ${ip} disable-connected-check\n`);
      expect(text).toContain(` neighbor ${ip} update-source Loopback100\n`);
    }
    expect(text).not.toMatch(/^ neighbor \S+ (ebgp-multihop|transport connection-mode passive)/m);
    expect(text).toMatch(/^! .*APIPA \/30 is not put on the tunnels/m);
    expect(text).toMatch(/^! APIPA: Azure expects the appliance to open the BGP session \(do not rely on Azure opening it\): this router initiates/m);
    expect(text).not.toMatch(/Azure never initiates/);
  });

  it('NAT: binds IKE to the outside address, keeps the public IP as identity, NAT keepalive, ACL to the private address', () => {
    const text = render({ outsideAddress: '10.0.0.5' });
    expect(text).toContain('crypto ikev2 policy az-hq-ike-policy\n match address local 10.0.0.5\n');
    expect(text).toContain(' identity local address 40.50.60.70\n');
    expect(text).toContain('crypto ikev2 nat keepalive 20\n');
    expect(lines(text, /^ permit /)).toEqual([
      ' permit udp host 20.30.40.50 host 10.0.0.5 eq 500',
      ' permit udp host 20.30.40.50 host 10.0.0.5 eq 4500',
      ' permit esp host 20.30.40.50 host 10.0.0.5',
    ]);
    expect(render({})).not.toMatch(/nat keepalive/);
  });

  it('ExpressRoute backup on: lower local-preference in, prepend twice out; off: neither', () => {
    const on = render({ bgp: 'multihop', expressRoute: true });
    expect(on).toContain('route-map az-hq-rm-from-azure permit 10\n match ip address prefix-list az-hq-from-azure\n set local-preference 50\n');
    expect(on).toContain('route-map az-hq-rm-to-azure permit 10\n match ip address prefix-list az-hq-to-azure\n set as-path prepend 65010 65010\n');
    const off = render({ bgp: 'multihop' });
    expect(off).toContain('route-map az-hq-rm-from-azure permit 10\n match ip address prefix-list az-hq-from-azure\n!\n');
    expect(off).not.toMatch(/local-preference|prepend/);
  });

  it('ExpressRoute backup with static routing: floating static routes via every tunnel', () => {
    expect(lines(render({ expressRoute: true, activeActive: true }), /^ip route /)).toEqual([
      'ip route 10.200.0.0 255.255.0.0 Tunnel100 250',
      'ip route 10.200.0.0 255.255.0.0 Tunnel101 250',
    ]);
  });

  it('the BGP loopback defaults to Loopback<tunnelNumberBase>, never Loopback0 (often the router-id or iBGP source); the option still wins', () => {
    const text = render({ bgp: 'multihop', options: { tunnelNumberBase: 300 } });
    expect(text).toContain('interface Loopback300\n description BGP address for Azure (eBGP multihop)\n');
    expect(text).not.toMatch(/Loopback0\b/);
    expect(render({ bgp: 'multihop', options: { loopbackInterface: 'Loopback0' } })).toContain('interface Loopback0\n');
  });

  it('spoke prefixes: accepted with their more specifics, routed over every tunnel without BGP', () => {
    const spokes = ['10.201.0.0/16', '10.202.0.0/16'];
    const bgp = render({ bgp: 'multihop', spokePrefixes: spokes });
    expect(lines(bgp, /^ip prefix-list az-hq-from-azure /)).toEqual([
      'ip prefix-list az-hq-from-azure seq 10 permit 10.200.0.0/16',
      'ip prefix-list az-hq-from-azure seq 20 permit 10.201.0.0/16 le 32',
      'ip prefix-list az-hq-from-azure seq 30 permit 10.202.0.0/16 le 32',
    ]);
    expect(bgp).toMatch(/^! Azure spoke prefixes \(peered VNets using this hub's gateways; more specifics accepted too\): 10\.201\.0\.0\/16, 10\.202\.0\.0\/16$/m);
    expect(lines(render({ spokePrefixes: spokes }), /^ip route /)).toEqual([
      'ip route 10.200.0.0 255.255.0.0 Tunnel100',
      'ip route 10.201.0.0 255.255.0.0 Tunnel100',
      'ip route 10.202.0.0 255.255.0.0 Tunnel100',
    ]);
  });

  it('ExpressRoute routes by an IGP or static routes: distance 250 per Azure neighbour, and the header names that rule', () => {
    for (const via of ['igp', 'static'] as const) {
      const text = render({ bgp: 'multihop', activeActive: true, expressRoute: true, expressRouteRoutesVia: via });
      expect(text).toContain(`  distance 250 ${AZURE_DEFAULT_BGP_IPS[0]} 0.0.0.0\n  distance 250 ${AZURE_DEFAULT_BGP_IPS[1]} 0.0.0.0\n`);
      expect(text).toMatch(/^! ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by (an IGP|static routes): routes learned from the Azure neighbours get distance 250 /m);
    }
    const viaBgp = render({ bgp: 'multihop', expressRoute: true });
    expect(viaBgp).not.toMatch(/^  distance /m);
    expect(viaBgp).toMatch(/^! ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by BGP: local preference 50/m);
    expect(render({ expressRoute: true })).toMatch(/^! ExpressRoute is the primary path: this VPN is the BACKUP \(the static routes to Azure over the tunnels are floating, distance 250/m);
    expect(render({ expressRoute: true })).not.toMatch(/local preference|prepend/);
  });

  it('active-active BGP shares the load: maximum-paths 2; one instance: none', () => {
    expect(render({ bgp: 'multihop', activeActive: true })).toContain('  maximum-paths 2\n');
    expect(render({ bgp: 'apipa', activeActive: true })).toContain('  maximum-paths 2\n');
    expect(render({ bgp: 'multihop' })).not.toMatch(/maximum-paths/);
  });

  it('outsideVrf: IKEv2 policy and profile match fvrf, every tunnel uses tunnel vrf; default: the global table', () => {
    const text = render({ activeActive: true, bgp: 'multihop', options: { outsideVrf: 'INTERNET' } });
    expect(text).toContain('crypto ikev2 policy az-hq-ike-policy\n match fvrf INTERNET\n match address local 40.50.60.70\n');
    expect(text).toMatch(/^crypto ikev2 profile az-hq-ikev2-profile\n match fvrf INTERNET\n/m);
    expect(lines(text, /^ tunnel vrf /)).toEqual([' tunnel vrf INTERNET', ' tunnel vrf INTERNET']);
    expect(render({ activeActive: true, bgp: 'multihop' })).not.toMatch(/fvrf|tunnel vrf/);
  });

  it('prefixAdvertisement: anchor (default) renders Null0 routes and says the risk; table renders none and says why', () => {
    const anchor = render({ bgp: 'multihop' });
    expect(lines(anchor, /Null0/).filter((l) => !l.startsWith('!'))).toEqual(['ip route 192.168.0.0 255.255.0.0 Null0 254']);
    expect(anchor).toMatch(/^! Site prefixes \(prefixAdvertisement anchor, the default\)/m);
    expect(anchor).toMatch(/^! RISK: traffic to any part of a site prefix/m);
    const table = render({ bgp: 'multihop', options: { prefixAdvertisement: 'table' } });
    expect(table).not.toMatch(/^ip route .* Null0/m);
    expect(table).toContain('  network 192.168.0.0 mask 255.255.0.0\n');
    expect(table).toMatch(/^! Site prefixes \(prefixAdvertisement table\): no anchor/m);
  });

  it('redacted key: the placeholder stands in the keyring, the header says so', () => {
    const text = render({ sharedKey: null });
    expect(text).toContain(`  pre-shared-key 0 ${REDACTED_KEY_PLACEHOLDER}\n`);
    expect(text).toContain('! Shared key: REDACTED');
  });

  it('ends with the verification commands as comments', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    const tail = text.slice(text.indexOf('\nend\n'));
    expect(tail.split('\n').filter((l) => l !== '' && l !== 'end').every((l) => l.startsWith('!'))).toBe(true);
    expect(tail).toContain('! show crypto ikev2 sa\n');
    expect(tail).toContain('! show crypto ipsec sa\n');
    expect(tail).toContain('! show ip bgp summary\n');
    expect(tail).toContain('! ping 10.200.255.254 source Loopback100\n');
  });

  it('long site names give distinct names within 32 characters', () => {
    const a = render({ siteName: 'branch-office-frankfurt-main-01' });
    const b = render({ siteName: 'branch-office-frankfurt-main-02' });
    const names = (t: string) => t.match(/^crypto ikev2 profile (\S+)$/m)?.[1];
    expect(names(a)).not.toEqual(names(b));
    const all = [...a.matchAll(/^(?:crypto ikev2 (?:proposal|policy|keyring|profile)|crypto ipsec (?:transform-set|profile)|ip access-list extended) (\S+)/gm)].map((m) => m[1]);
    expect(all.length).toBeGreaterThan(5);
    for (const n of all) expect(n.length).toBeLessThanOrEqual(32);
  });
});
