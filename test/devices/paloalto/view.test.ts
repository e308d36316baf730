/** paloalto rendering per shape: the statements that carry each shape's meaning, and the handoff procedure. */
import { paloalto } from '../../../src/devices/paloalto/device';
import { panosProcedure } from '../../../src/devices/paloalto/procedure';
import { panosBackupPath } from '../../../src/devices/paloalto/view';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { buildHeaderLines } from '../../../src/devices/kit/header';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { AZURE_APIPA_BGP_IPS, AZURE_DEFAULT_BGP_IPS, AZURE_PUBLIC_IPS, makeContext, TEST_KEY, type Shape } from './contexts';

function render(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(paloalto, shape), paloalto);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

const matching = (text: string, re: RegExp): string[] => text.split('\n').filter((l) => re.test(l));
const VR = 'set network virtual-router default';

describe('paloalto rendering', () => {
  it('writes one set-command file that holds the key', () => {
    const ctx = makeContext(paloalto);
    expect(paloalto.files(ctx)).toEqual([{ template: 'azure-vpn.set.njk', output: 'azure-vpn.set', holdsSecret: true }]);
    const r = renderDeviceFiles(ctx, paloalto);
    expect(r.ok && r.files.map((f) => [f.path, f.holdsSecret, f.executable])).toEqual([['azure-vpn.set', true, false]]);
  });

  it('opens with the shared header as "#" comments, and every other line is a comment or a set command', () => {
    const shape: Shape = { bgp: 'apipa', activeActive: true, expressRoute: true, outsideAddress: '10.0.0.5' };
    const text = render(shape);
    const ctx = makeContext(paloalto, shape);
    const header = buildHeaderLines(ctx, paloalto, 'PAN-OS configuration (set commands) for the Azure site-to-site VPN', panosBackupPath(ctx));
    expect(text.split('\n').slice(0, header.length)).toEqual(header.map((l) => `# ${l}`));
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('# ') && l !== '#' && !l.startsWith('set '))).toEqual([]);
  });

  it('static single instance: one gateway, IPsec tunnel and tunnel.100 to the Azure IP, static routes, no BGP', () => {
    const text = render({});
    expect(matching(text, / peer-address ip /)).toEqual([`set network ike gateway az-hq-gw-1 peer-address ip ${AZURE_PUBLIC_IPS[0]}`]);
    expect(text).toContain(`set network ike gateway az-hq-gw-1 authentication pre-shared-key key "${TEST_KEY}"\n`);
    expect(text).toContain('set network ike gateway az-hq-gw-1 protocol version ikev2\n');
    expect(text).toContain('set network ike gateway az-hq-gw-1 local-id id 40.50.60.70\n');
    expect(text).toContain(`set network ike gateway az-hq-gw-1 peer-id id ${AZURE_PUBLIC_IPS[0]}\n`);
    expect(text).toContain('set network tunnel ipsec az-hq-tunnel-1 tunnel-interface tunnel.100\n');
    expect(text).toContain('set network interface tunnel units tunnel.100 mtu 1390\n');
    expect(matching(text, /^set network virtual-router default routing-table/)).toEqual([
      `${VR} routing-table ip static-route az-hq-vnet1-t1 destination 10.200.0.0/16`,
      `${VR} routing-table ip static-route az-hq-vnet1-t1 interface tunnel.100`,
      `${VR} routing-table ip static-route az-hq-vnet1-t1 metric 10`,
    ]);
    expect(text).not.toMatch(/protocol bgp|loopback\.|nat-traversal/);
  });

  it('BGP multihop active-active: loopback.100, two tunnels, a /32 route and a multihop peer per Azure instance, 4-byte ASNs', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    expect(text).toContain('set network interface loopback units loopback.100 ip 192.168.255.1/32\n');
    expect(matching(text, / static-route az-hq-bgp-t\d (destination|interface) /)).toEqual([
      `${VR} routing-table ip static-route az-hq-bgp-t1 destination ${AZURE_DEFAULT_BGP_IPS[0]}/32`,
      `${VR} routing-table ip static-route az-hq-bgp-t1 interface tunnel.100`,
      `${VR} routing-table ip static-route az-hq-bgp-t2 destination ${AZURE_DEFAULT_BGP_IPS[1]}/32`,
      `${VR} routing-table ip static-route az-hq-bgp-t2 interface tunnel.101`,
    ]);
    expect(matching(text, / peer-address ip 10\./).map((l) => l.split(' ').at(-1))).toEqual(AZURE_DEFAULT_BGP_IPS);
    expect(matching(text, /connection-options multihop/)).toHaveLength(2);
    expect(text).toContain(`${VR} protocol bgp routing-options as-format 4-byte\n`);
    expect(text).not.toMatch(/update local-preference|as-path prepend/);
  });

  it('32-bit ASNs are written as plain numbers with as-format 4-byte', () => {
    const ctx = makeContext(paloalto, { bgp: 'multihop' });
    const r = renderDeviceFiles({ ...ctx, bgp: { ...ctx.bgp!, localAsn: 4200000010 } }, paloalto);
    expect(r.ok && r.files[0].content).toContain(`${VR} protocol bgp local-as 4200000010\n`);
  });

  it('APIPA BGP: the one APIPA address on the loopback, /32 routes to Azure\'s APIPA addresses, the firewall initiates', () => {
    const text = render({ bgp: 'apipa', activeActive: true });
    expect(text).toContain('set network interface loopback units loopback.100 ip 169.254.21.2/32\n');
    for (const ip of AZURE_APIPA_BGP_IPS) expect(text).toContain(` destination ${ip}/32\n`);
    expect(text).not.toMatch(/^set .*passive/m);
    expect(text).toMatch(/^# .*Azure never initiates BGP from an APIPA address: the firewall initiates/m);
  });

  it('NAT: NAT traversal on, the local ID stays the public IP, the IKE rule lets Azure reach the private outside address', () => {
    const text = render({ outsideAddress: '10.0.0.5', activeActive: true });
    expect(matching(text, /nat-traversal/)).toEqual([
      'set network ike gateway az-hq-gw-1 protocol-common nat-traversal enable yes',
      'set network ike gateway az-hq-gw-2 protocol-common nat-traversal enable yes',
    ]);
    expect(matching(text, / local-id id /)).toEqual(['set network ike gateway az-hq-gw-1 local-id id 40.50.60.70', 'set network ike gateway az-hq-gw-2 local-id id 40.50.60.70']);
    expect(text).toContain('set address az-hq-outside ip-netmask 10.0.0.5/32\n');
  });

  it('ExpressRoute backup: local-preference 50 on import, prepend 2 on export; static routes at admin distance 220', () => {
    const bgp = render({ bgp: 'multihop', expressRoute: true });
    expect(bgp).toContain(`${VR} protocol bgp policy import rules az-hq-in-vnet action allow update local-preference 50\n`);
    expect(bgp).toContain(`${VR} protocol bgp policy export rules az-hq-out-onprem action allow update as-path prepend 2\n`);
    expect(matching(render({ expressRoute: true, activeActive: true }), / admin-dist /)).toEqual([
      `${VR} routing-table ip static-route az-hq-vnet1-t1 admin-dist 220`,
      `${VR} routing-table ip static-route az-hq-vnet1-t2 admin-dist 220`,
    ]);
  });

  it('the header says how this file keeps the VPN the backup, per routing mode', () => {
    expect(render({ bgp: 'multihop', expressRoute: true })).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by BGP: local preference 50 on routes learned over it, AS path prepended 2 times/m);
    for (const via of ['bgp', 'igp', 'static'] as const) {
      expect(render({ expressRoute: true, expressRouteRoutesVia: via })).toMatch(
        /^# ExpressRoute is the primary path: this VPN is the BACKUP \(the static routes to Azure over the tunnels have admin distance 220, worse than every PAN-OS default \(static 10, eBGP 20, OSPF 30\/110, RIP 120, iBGP 200\)/m,
      );
    }
    expect(render({ bgp: 'multihop' })).not.toContain('BACKUP');
  });

  it('hub and spoke: each spoke range gets an address object in the Azure group, static routes, and an import match that accepts its more specifics', () => {
    const spokePrefixes = ['10.201.0.0/16', '10.202.0.0/16'];
    const bgp = render({ spokePrefixes, bgp: 'multihop', activeActive: true });
    expect(bgp).toContain('set address az-hq-spoke-2 ip-netmask 10.202.0.0/16\n');
    expect(bgp).toContain('set address-group az-hq-vnet static [ az-hq-vnet-1 az-hq-spoke-1 az-hq-spoke-2 ]\n');
    expect(matching(bgp, / import rules az-hq-in-vnet match /)).toEqual([
      `${VR} protocol bgp policy import rules az-hq-in-vnet match address-prefix 10.200.0.0/16 exact yes`,
      `${VR} protocol bgp policy import rules az-hq-in-vnet match address-prefix 10.201.0.0/16 exact no`,
      `${VR} protocol bgp policy import rules az-hq-in-vnet match address-prefix 10.202.0.0/16 exact no`,
    ]);
    expect(bgp).toMatch(/^# Spokes: 10\.201\.0\.0\/16, 10\.202\.0\.0\/16 \(and their more specifics\) are accepted from Azure/m);
    const statics = render({ spokePrefixes, activeActive: true });
    expect(matching(statics, / static-route az-hq-spoke\d-t\d destination /)).toEqual([
      `${VR} routing-table ip static-route az-hq-spoke1-t1 destination 10.201.0.0/16`,
      `${VR} routing-table ip static-route az-hq-spoke1-t2 destination 10.201.0.0/16`,
      `${VR} routing-table ip static-route az-hq-spoke2-t1 destination 10.202.0.0/16`,
      `${VR} routing-table ip static-route az-hq-spoke2-t2 destination 10.202.0.0/16`,
    ]);
  });

  it('prefixAdvertisement: anchor (default) renders discard routes redistributed as static and says the risk; table renders none, widens the redistribution filter and says why', () => {
    const anchor = render({ bgp: 'multihop' });
    expect(matching(anchor, / static-route az-hq-anchor-1 /)).toEqual([
      `${VR} routing-table ip static-route az-hq-anchor-1 destination 192.168.0.0/16`,
      `${VR} routing-table ip static-route az-hq-anchor-1 nexthop discard`,
      `${VR} routing-table ip static-route az-hq-anchor-1 admin-dist 240`,
    ]);
    expect(anchor).toContain(`${VR} protocol redist-profile az-hq-redist filter type static\n`);
    expect(anchor).toMatch(/^# Site prefixes \(prefixAdvertisement anchor, the default\): a discard route \(admin distance 240\) per prefix/m);
    expect(anchor).toMatch(/^# RISK: traffic to any part of a site prefix/m);
    const table = render({ bgp: 'multihop', options: { prefixAdvertisement: 'table' } });
    expect(table).not.toMatch(/anchor-\d|nexthop discard/);
    expect(table).toContain(`${VR} protocol redist-profile az-hq-redist filter type [ connect ospf rip static ]\n`);
    expect(table).toContain(`${VR} protocol redist-profile az-hq-redist filter destination 192.168.0.0/16\n`);
    expect(table).toMatch(/^# Site prefixes \(prefixAdvertisement table\): no anchor; /m);
  });

  it.each(['igp', 'static'] as const)('ExpressRoute via %s: eBGP routes get admin distance 230 on the virtual router, and the header says it applies to every eBGP route there', (via) => {
    const text = render({ bgp: 'multihop', activeActive: true, expressRoute: true, expressRouteRoutesVia: via });
    expect(matching(text, /^set .* admin-dists /)).toEqual([`${VR} admin-dists ebgp 230`]);
    expect(text).toMatch(/^# WARNING: admin-dists ebgp 230 applies to every eBGP route in virtual router default/m);
    const how = via === 'igp' ? 'an IGP' : 'static routes';
    expect(text).toMatch(new RegExp(`^# ExpressRoute is the primary path: this VPN is the BACKUP \\(ExpressRoute's routes arrive by ${how}: eBGP routes get admin distance 230 .*every eBGP route in virtual router default`, 'm'));
    expect(text).toContain('update local-preference 50');
    expect(render({ bgp: 'multihop', expressRoute: true, expressRouteRoutesVia: 'bgp' })).not.toContain('admin-dists');
    expect(render({ bgp: 'multihop', expressRouteRoutesVia: via })).not.toContain('admin-dists');
  });

  it('load sharing: ECMP on the virtual router with two Azure instances, equal static metrics; the header warns that enabling it restarts the virtual router', () => {
    const statics = render({ activeActive: true });
    expect(matching(statics, /^set .* ecmp /)).toEqual([`${VR} ecmp enable yes`, `${VR} ecmp max-path 2`]);
    expect(matching(statics, / static-route az-hq-vnet1-t\d metric /)).toEqual([
      `${VR} routing-table ip static-route az-hq-vnet1-t1 metric 10`,
      `${VR} routing-table ip static-route az-hq-vnet1-t2 metric 10`,
    ]);
    expect(statics).toMatch(/^# WARNING: ecmp enable restarts virtual router default when committed/m);
    const bgp = render({ bgp: 'multihop', activeActive: true });
    expect(matching(bgp, /^set .* ecmp /)).toEqual([`${VR} ecmp enable yes`, `${VR} ecmp max-path 2`]);
    expect(bgp).toMatch(/^# Load sharing: ECMP \(max-path 2\) on virtual router default/m);
    expect(render({ bgp: 'multihop' })).not.toMatch(/ecmp/i);
    expect(render({})).not.toMatch(/ecmp/i);
  });

  it('security rules both ways between the inside and VPN zones, and IKE/ESP from the Azure IPs', () => {
    const text = render({ activeActive: true });
    expect(text).toContain('set address-group az-hq-azure-gws static [ az-hq-azure-gw-1 az-hq-azure-gw-2 ]\n');
    expect(text).toContain('set rulebase security rules az-hq-ike-in application [ ike ipsec-esp ipsec-esp-udp ]\n');
    expect(matching(text, /^set rulebase security rules az-hq-(to|from)-azure (from|to) /)).toEqual([
      'set rulebase security rules az-hq-to-azure from trust',
      'set rulebase security rules az-hq-to-azure to azure-vpn',
      'set rulebase security rules az-hq-from-azure from azure-vpn',
      'set rulebase security rules az-hq-from-azure to trust',
    ]);
  });

  it("says what cannot match Azure's DPD timer", () => {
    const text = render({ dpdTimeoutSeconds: 45 });
    expect(text).toContain('set network ike gateway az-hq-gw-1 protocol ikev2 dpd interval 15\n');
    expect(text).toMatch(/^# .*this cannot match Azure's DPD timeout of 45 s/m);
    expect(render({ dpdTimeoutSeconds: 3600 })).toContain('dpd interval 100\n');
    expect(render({ dpdTimeoutSeconds: 9 })).toContain('dpd interval 3\n');
  });

  it('redacted key: the placeholder stands in every gateway, the header says so', () => {
    const text = render({ sharedKey: null, activeActive: true });
    expect(matching(text, /pre-shared-key key/).map((l) => l.split(' ').at(-1))).toEqual([`"${REDACTED_KEY_PLACEHOLDER}"`, `"${REDACTED_KEY_PLACEHOLDER}"`]);
    expect(text).toContain('# Shared key: REDACTED');
  });

  it('ends with the verification commands as comments', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    const tail = text.slice(text.indexOf('# ===== Verify'));
    expect(tail.split('\n').filter((l) => l !== '').every((l) => l.startsWith('# '))).toBe(true);
    for (const cmd of ['show vpn ike-sa', 'show vpn ike-sa detail gateway az-hq-gw-2', 'show vpn ipsec-sa', 'show routing protocol bgp peer', `ping source 192.168.255.1 host ${AZURE_DEFAULT_BGP_IPS[0]}`]) {
      expect(tail).toContain(`# ${cmd}\n`);
    }
  });
});

describe('paloalto procedure', () => {
  it('saves a snapshot, pastes the set lines, validates and commits, verifies, loads the snapshot back', () => {
    const bgp = panosProcedure({ files: ['paloalto/azure-vpn.set'], bgp: true, tunnels: 2 });
    expect(bgp.before[0]).toBe('In `configure` mode, save the running configuration as a named snapshot: `save config to pre-tunnelsmith.xml`.');
    expect(bgp.before[1]).toMatch(/^With two tunnels the file turns on ECMP in the virtual router: if ECMP is off there today, the commit restarts the virtual router/);
    expect(panosProcedure({ files: ['paloalto/azure-vpn.set'], bgp: true, tunnels: 1 }).before).toHaveLength(1);
    expect(bgp.apply.join('\n')).toContain("grep '^set '");
    expect(bgp.apply.join('\n')).toContain('`validate full`, then `commit`');
    expect(bgp.verify[0]).toBe('`show vpn ike-sa` lists one IKE SA per Azure instance (2 in all), state Established.');
    expect(bgp.verify.at(-1)).toMatch(/^`show routing protocol bgp peer`/);
    expect(panosProcedure({ files: ['paloalto/azure-vpn.set'], bgp: false, tunnels: 1 }).verify.at(-1)).toMatch(/^`show routing route`/);
    expect(bgp.rollback[0]).toContain('`load config from pre-tunnelsmith.xml`, then `commit`');
  });
});
