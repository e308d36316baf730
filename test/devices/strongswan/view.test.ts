import { strongswan } from '../../../src/devices/strongswan/device';
import { espProposalKeyword, ikeProposalKeyword } from '../../../src/devices/strongswan/keywords';
import { AZURE_DEFAULT_PROPOSALS, buildProposals } from '../../../src/policy/catalog';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { ADDR, DEFAULT_KEY, contextFor, policyOf, type Shape } from './contexts';
import { parseSwanctlConf, section } from './swanctlConf';

function render(shape: Shape = {}): Record<string, string> {
  const result = renderDeviceFiles(contextFor(strongswan, shape), strongswan);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return Object.fromEntries(result.files.map((f) => [f.path, f.content]));
}

function connections(files: Record<string, string>) {
  return section(parseSwanctlConf(files['swanctl.conf']), 'connections');
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim());
}

describe('strongSwan rendering: static, single instance', () => {
  const files = render();
  const conns = connections(files);

  test('writes swanctl.conf, tunnel-setup.sh and the charon timers, no frr.conf without BGP', () => {
    expect(Object.keys(files).sort()).toEqual(['strongswan.d/tunnelsmith.conf', 'swanctl.conf', 'tunnel-setup.sh']);
  });

  test('one connection to the Azure IP with explicit identities, the policy mapped through the keyword table', () => {
    expect(Object.keys(conns)).toEqual(['hq-azure1']);
    const conn = section(conns, 'hq-azure1');
    const p = buildProposals(policyOf());
    expect(conn).toMatchObject({
      version: '2',
      local_addrs: ADDR.sitePublic,
      remote_addrs: ADDR.azurePublic[0],
      proposals: ikeProposalKeyword(p.ike[0]),
      keyingtries: '0',
      dpd_delay: '15s',
      dpd_timeout: '45s',
      rekey_time: '28800s',
    });
    expect(conn).not.toHaveProperty('encap');
    expect(section(conn, 'local')).toEqual({ auth: 'psk', id: ADDR.sitePublic });
    expect(section(conn, 'remote')).toEqual({ auth: 'psk', id: ADDR.azurePublic[0] });
    const child = section(conn, 'children', 'hq-azure1-net');
    expect(child).toMatchObject({
      local_ts: '0.0.0.0/0',
      remote_ts: '0.0.0.0/0',
      esp_proposals: espProposalKeyword(p.esp[0], p.pfsGroup),
      rekey_time: '27000s',
      life_time: '29700s',
      rekey_bytes: String(102400000 * 1024),
      life_bytes: '115343360000',
      start_action: 'start',
      dpd_action: 'restart',
      close_action: 'start',
      if_id_in: '100',
      if_id_out: '100',
    });
  });

  test('the PSK sits quoted in the secrets section with both identities', () => {
    const secrets = section(parseSwanctlConf(files['swanctl.conf']), 'secrets', 'ike-hq');
    expect(secrets.secret).toBe(`"${DEFAULT_KEY}"`);
    expect(Object.values(secrets)).toEqual(expect.arrayContaining([ADDR.sitePublic, ADDR.azurePublic[0]]));
    expect(files['swanctl.conf']).not.toMatch(/%any/);
  });

  test('tunnel-setup.sh routes the VNet prefixes into the tunnel interface', () => {
    expect(lines(files['tunnel-setup.sh'])).toContain('ip route replace 10.200.0.0/16 dev "$TUNNEL_IF_1" metric 100');
    expect(lines(files['tunnel-setup.sh'])).toContain('TUNNEL_IF_1="xfrm-azure1"');
  });

  test('every file carries the header and ends with verify commands as comments', () => {
    const bgpFiles = render({ bgp: 'multihop' });
    for (const [name, text] of [...Object.entries(files), ['frr.conf', bgpFiles['frr.conf']]]) {
      const marker = name === 'frr.conf' ? '!' : '#';
      const all = text.trimEnd().split('\n');
      expect(all.some((l) => l.startsWith(`${marker} tunnelsmith: ${name} for site hq`))).toBe(true);
      expect(all).toContain(`${marker} IKEv2 proposal (Azure names): AES256 / SHA256 / DHGroup14, IKE SA lifetime 28800 s`);
      expect(all[all.length - 1].startsWith(`${marker}   `)).toBe(true);
    }
    expect(files['swanctl.conf']).toMatch(/#\s+swanctl --list-sas/);
  });
});

describe('strongSwan rendering: BGP multihop, active-active, ExpressRoute backup', () => {
  const files = render({ activeActive: true, bgp: 'multihop', expressRoute: true });
  const conns = connections(files);
  const frr = lines(files['frr.conf']);

  test('each Azure public IP has its own connection, if_id and XFRM interface', () => {
    const ifIds = new Set<string>();
    ADDR.azurePublic.forEach((ip, i) => {
      const conn = section(conns, `hq-azure${i + 1}`);
      expect(conn.remote_addrs).toBe(ip);
      expect(section(conn, 'remote').id).toBe(ip);
      const child = section(conn, 'children', `hq-azure${i + 1}-net`);
      expect(child.if_id_in).toBe(child.if_id_out);
      ifIds.add(child.if_id_in as string);
      expect(files['tunnel-setup.sh']).toContain(`ip link add "$TUNNEL_IF_${i + 1}" type xfrm dev "$OUTSIDE_IF" if_id ${child.if_id_in}`);
    });
    expect(ifIds).toEqual(new Set(['100', '101']));
  });

  test('each Azure BGP address has a neighbor and a /32 route into its own tunnel', () => {
    ADDR.azureDefaultBgp.forEach((ip, i) => {
      expect(frr).toContain(`ip route ${ip}/32 xfrm-azure${i + 1}`);
      expect(frr).toContain(`neighbor ${ip} remote-as 65515`);
      expect(frr).toContain(`neighbor ${ip} ebgp-multihop 255`);
      expect(frr).toContain(`neighbor ${ip} update-source ${ADDR.siteBgpLoopback}`);
      expect(frr).toContain(`neighbor ${ip} timers 60 180`);
      expect(frr).toContain(`neighbor ${ip} route-map azure-hq-in in`);
      expect(frr).toContain(`neighbor ${ip} route-map azure-hq-out out`);
    });
    expect(frr).toContain(`ip address ${ADDR.siteBgpLoopback}/32`);
    expect(frr).toContain('router bgp 65010');
  });

  test('two Azure instances share the load: maximum-paths 2', () => {
    expect(frr).toContain('maximum-paths 2');
    expect(render({ bgp: 'multihop' })['frr.conf']).not.toMatch(/maximum-paths/);
  });

  test('the header names the backup rule: ExpressRoute by BGP, local preference and prepend', () => {
    expect(files['frr.conf']).toMatch(/^! ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by BGP: local preference 50/m);
  });

  test('prefix filters accept only the VNet prefixes and announce only the site prefixes, anchored in the RIB', () => {
    expect(frr.filter((l) => l.startsWith('ip prefix-list azure-hq-in '))).toEqual(['ip prefix-list azure-hq-in seq 10 permit 10.200.0.0/16']);
    expect(frr.filter((l) => l.startsWith('ip prefix-list azure-hq-out '))).toEqual(['ip prefix-list azure-hq-out seq 10 permit 192.168.0.0/16']);
    expect(frr).toContain('network 192.168.0.0/16');
    expect(frr).toContain('ip route 192.168.0.0/16 blackhole 254');
  });

  test('the VPN is the backup: lower local preference in, AS path prepended twice out', () => {
    expect(frr).toContain('set local-preference 50');
    expect(frr).toContain('set as-path prepend 65010 65010');
  });

  test('no static VNet routes in tunnel-setup.sh when BGP carries them', () => {
    expect(files['tunnel-setup.sh']).not.toMatch(/ip route replace/);
  });
});

describe('strongSwan rendering: variants', () => {
  test('ExpressRoute backup off: no preference or prepend lines', () => {
    const frr = render({ bgp: 'multihop' })['frr.conf'];
    expect(frr).not.toMatch(/local-preference|as-path prepend/);
  });

  test('APIPA: peering straight over the tunnels from the APIPA address on lo', () => {
    const frr = lines(render({ activeActive: true, bgp: 'apipa' })['frr.conf']);
    ADDR.azureApipa.forEach((ip, i) => {
      expect(frr).toContain(`ip route ${ip}/32 xfrm-azure${i + 1}`);
      expect(frr).toContain(`neighbor ${ip} disable-connected-check`);
      expect(frr).toContain(`neighbor ${ip} update-source ${ADDR.siteBgpApipa}`);
    });
    expect(frr).toContain(`ip address ${ADDR.siteBgpApipa}/32`);
    expect(frr.some((l) => l.includes('ebgp-multihop'))).toBe(false);
  });

  test('behind NAT: binds to the outside address, keeps the public IP as identity, forces NAT-T and initiates', () => {
    const conn = section(connections(render({ nat: true })), 'hq-azure1');
    expect(conn.local_addrs).toBe(ADDR.siteOutside);
    expect(section(conn, 'local').id).toBe(ADDR.sitePublic);
    expect(conn.encap).toBe('yes');
    expect(section(conn, 'children', 'hq-azure1-net').start_action).toBe('start');
  });

  test('GCM / ECP384 policy maps to AEAD proposals with the PRF and the PFS group', () => {
    const policy = policyOf({ ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA384', dhGroup: 'ECP384', ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'GCMAES128', pfsGroup: 'ECP384' });
    const conn = section(connections(render({ policy })), 'hq-azure1');
    expect(conn.proposals).toBe('aes256gcm16-prfsha384-ecp384');
    expect(section(conn, 'children', 'hq-azure1-net').esp_proposals).toBe('aes128gcm16-ecp384');
  });

  test("Azure's default proposals render as the whole list, without PFS", () => {
    const files = render({ policy: 'azure-default' });
    const conn = section(connections(files), 'hq-azure1');
    expect(conn.proposals).toBe(AZURE_DEFAULT_PROPOSALS.ike.map(ikeProposalKeyword).join(','));
    expect(section(conn, 'children', 'hq-azure1-net').esp_proposals).toBe('aes256gcm16,aes256-sha256,aes256-sha1,aes128-sha1');
    expect(files['swanctl.conf']).toMatch(/WARNING: the connection uses Azure's default proposals/);
  });

  test('device options rename the interfaces and move the if_ids, in every file', () => {
    const files = render({ activeActive: true, bgp: 'multihop', deviceOptions: { tunnelInterfacePrefix: 'vti-az', ifIdBase: 7, outsideInterface: 'wan0' } });
    expect(section(connections(files), 'hq-azure2', 'children', 'hq-azure2-net').if_id_in).toBe('8');
    expect(files['tunnel-setup.sh']).toContain('TUNNEL_IF_2="vti-az2"');
    expect(files['tunnel-setup.sh']).toContain('OUTSIDE_IF="wan0"');
    expect(files['frr.conf']).toContain(`ip route ${ADDR.azureDefaultBgp[1]}/32 vti-az2`);
  });

  test('spoke prefixes: accepted with their more specifics; static routes cover them without BGP', () => {
    const spokes = ['10.201.0.0/16', '10.202.0.0/16'];
    const frr = lines(render({ bgp: 'multihop', spokePrefixes: spokes })['frr.conf']);
    expect(frr.filter((l) => l.startsWith('ip prefix-list azure-hq-in '))).toEqual([
      'ip prefix-list azure-hq-in seq 10 permit 10.200.0.0/16',
      'ip prefix-list azure-hq-in seq 20 permit 10.201.0.0/16 le 32',
      'ip prefix-list azure-hq-in seq 30 permit 10.202.0.0/16 le 32',
    ]);
    expect(lines(render({ spokePrefixes: spokes })['tunnel-setup.sh']).filter((l) => l.startsWith('ip route replace'))).toEqual([
      'ip route replace 10.200.0.0/16 dev "$TUNNEL_IF_1" metric 100',
      'ip route replace 10.201.0.0/16 dev "$TUNNEL_IF_1" metric 100',
      'ip route replace 10.202.0.0/16 dev "$TUNNEL_IF_1" metric 100',
    ]);
  });

  test('ExpressRoute by an IGP or static routes: distance 250 per Azure neighbour (not distance bgp), the header says which rule', () => {
    for (const via of ['igp', 'static'] as const) {
      const frr = render({ activeActive: true, bgp: 'multihop', expressRoute: true, expressRouteRoutesVia: via })['frr.conf'];
      expect(lines(frr).filter((l) => l.startsWith('distance '))).toEqual([`distance 250 ${ADDR.azureDefaultBgp[0]}/32`, `distance 250 ${ADDR.azureDefaultBgp[1]}/32`]);
      expect(frr).toMatch(/^! ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by (an IGP|static routes): routes learned from the Azure neighbours get distance 250 /m);
    }
    expect(render({ bgp: 'multihop', expressRoute: true })['frr.conf']).not.toMatch(/^\s*distance /m);
    expect(render({ expressRoute: true })['tunnel-setup.sh']).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(tunnel-setup.sh routes Azure's prefixes with metric 100/m);
  });

  test('prefixAdvertisement: anchor (default) keeps the blackhole and states the risk; table drops it and says why', () => {
    const anchor = render({ bgp: 'multihop' })['frr.conf'];
    expect(anchor).toContain('ip route 192.168.0.0/16 blackhole 254\n');
    expect(anchor).toMatch(/^! Site prefixes \(prefixAdvertisement anchor, the default\).*RISK/m);
    const table = render({ bgp: 'multihop', deviceOptions: { prefixAdvertisement: 'table' } })['frr.conf'];
    expect(table).not.toMatch(/^ip route .* blackhole/m);
    expect(table).toContain('  network 192.168.0.0/16\n');
    expect(table).toMatch(/^! Site prefixes \(prefixAdvertisement table\): no blackhole anchor/m);
  });

  test('APIPA wording: the appliance must open the session, not "Azure never does"', () => {
    const frr = render({ bgp: 'apipa' })['frr.conf'];
    expect(frr).toMatch(/with APIPA Azure expects the appliance to open the session \(do not rely on Azure opening it\): this side initiates/);
    expect(frr).not.toMatch(/Azure never/);
  });

  test('a redacted bundle carries the placeholder, and swanctl.conf is the secret file', () => {
    const result = renderDeviceFiles(contextFor(strongswan, { sharedKey: undefined }), strongswan);
    if (!result.ok) throw new Error('render failed');
    const swanctl = result.files.find((f) => f.path === 'swanctl.conf');
    expect(swanctl?.content).toContain(`secret = "${REDACTED_KEY_PLACEHOLDER}"`);
    expect(result.files.map((f) => [f.path, f.holdsSecret, f.executable])).toEqual([
      ['swanctl.conf', true, false],
      ['tunnel-setup.sh', false, true],
      ['strongswan.d/tunnelsmith.conf', false, false],
    ]);
  });

  test.each(['"', '\\'])('refuses a shared key containing %s', (ch) => {
    const result = renderDeviceFiles(contextFor(strongswan, { sharedKey: `abc${ch}def` }), strongswan);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['sharedKey']);
  });

  test('a policy strongSwan cannot express stops rendering with the field path', () => {
    const result = renderDeviceFiles(contextFor(strongswan, { policy: policyOf({ pfsGroup: 'PFSMM' }) }), strongswan);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['ipsecPolicy.pfsGroup']);
  });
});
