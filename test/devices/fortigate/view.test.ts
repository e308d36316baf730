/** fortigate rendering per shape: the statements that carry each shape's meaning. */
import { fortigate } from '../../../src/devices/fortigate/device';
import { fortiosProcedure } from '../../../src/devices/fortigate/procedure';
import { fortiosBackupPath } from '../../../src/devices/fortigate/view';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { buildHeaderLines } from '../../../src/devices/kit/header';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { AZURE_APIPA_BGP_IPS, AZURE_DEFAULT_BGP_IPS, AZURE_PUBLIC_IPS, makeContext, TEST_KEY, type Shape } from './contexts';

function render(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(fortigate, shape), fortigate);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

/** The text of one `config <table>` block. */
const block = (text: string, table: string): string => {
  const start = text.indexOf(`config ${table}\n`);
  return start < 0 ? '' : text.slice(start, text.indexOf('\nend\n', start) + 5);
};
const matching = (text: string, re: RegExp): string[] => text.split('\n').filter((l) => re.test(l)).map((l) => l.trim());

describe('fortigate rendering', () => {
  it('writes one CLI file that holds the key', () => {
    const ctx = makeContext(fortigate);
    expect(fortigate.files(ctx)).toEqual([{ template: 'azure-vpn.conf.njk', output: 'azure-vpn.conf', holdsSecret: true }]);
    const r = renderDeviceFiles(ctx, fortigate);
    expect(r.ok && r.files.map((f) => [f.path, f.holdsSecret, f.executable])).toEqual([['azure-vpn.conf', true, false]]);
  });

  it('opens with the shared header as "#" comments; every other line is a comment or CLI', () => {
    const shape: Shape = { bgp: 'apipa', activeActive: true, expressRoute: true, outsideAddress: '10.0.0.5' };
    const text = render(shape);
    const ctx = makeContext(fortigate, shape);
    const header = buildHeaderLines(ctx, fortigate, 'FortiOS CLI configuration for the Azure site-to-site VPN', fortiosBackupPath(ctx));
    expect(text.split('\n').slice(0, header.length)).toEqual(header.map((l) => `# ${l}`));
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !/^ *(config|edit|set|next|end)\b/.test(l))).toEqual([]);
  });

  it('static single instance: one phase 1/phase 2 to the Azure IP, a static route and a blackhole, no BGP', () => {
    const text = render({});
    expect(matching(text, /^ *set remote-gw/)).toEqual([`set remote-gw ${AZURE_PUBLIC_IPS[0]}`]);
    expect(text).toContain(`set psksecret "${TEST_KEY}"`);
    expect(matching(block(text, 'router static'), /set (dst|device|blackhole|distance)/)).toEqual([
      'set dst 10.200.0.0 255.255.0.0',
      'set device "az-hq-1"',
      'set dst 10.200.0.0 255.255.0.0',
      'set blackhole enable',
      'set distance 254',
    ]);
    expect(text).not.toMatch(/config router bgp|local-gw|localid|type loopback/);
    expect(text).toMatch(/tcp-mss 1350/);
  });

  it('BGP multihop active-active: a loopback, two tunnels, a /32 route and a multihop neighbor per Azure instance', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    expect(block(text, 'system interface')).toContain('set ip 192.168.255.1 255.255.255.255');
    expect(matching(block(text, 'router static'), /set (dst|device) /).slice(0, 4)).toEqual([
      `set dst ${AZURE_DEFAULT_BGP_IPS[0]} 255.255.255.255`,
      'set device "az-hq-1"',
      `set dst ${AZURE_DEFAULT_BGP_IPS[1]} 255.255.255.255`,
      'set device "az-hq-2"',
    ]);
    expect(matching(text, /^ {8}edit "\d/)).toEqual(AZURE_DEFAULT_BGP_IPS.map((ip) => `edit "${ip}"`));
    expect(matching(text, /^ *set (ebgp-enforce-multihop|ebgp-multihop-ttl|update-source)/)).toEqual([
      'set update-source "azure-bgp"', 'set ebgp-enforce-multihop enable', 'set ebgp-multihop-ttl 255',
      'set update-source "azure-bgp"', 'set ebgp-enforce-multihop enable', 'set ebgp-multihop-ttl 255',
    ]);
    expect(text).toContain('    set as 65010\n    set ebgp-multipath enable\n    set keepalive-timer 60\n    set holdtime-timer 180\n');
    expect(text).not.toMatch(/set-local-preference|set-aspath/);
  });

  it('APIPA BGP: the APIPA address on the loopback, /32 routes to Azure\'s APIPA addresses, the FortiGate initiates', () => {
    const text = render({ bgp: 'apipa', activeActive: true });
    expect(text).toContain('set ip 169.254.21.2 255.255.255.255');
    for (const ip of AZURE_APIPA_BGP_IPS) expect(text).toContain(`set dst ${ip} 255.255.255.255`);
    expect(text).not.toMatch(/^ *set .*passive/m);
    expect(text).toMatch(/^# .*Azure never initiates BGP from an APIPA address: the FortiGate initiates/m);
  });

  it('32-bit ASNs are written as plain numbers', () => {
    const ctx = makeContext(fortigate, { bgp: 'multihop' });
    const r = renderDeviceFiles({ ...ctx, bgp: { ...ctx.bgp!, localAsn: 4200000010 } }, fortigate);
    expect(r.ok && r.files[0].content).toContain('    set as 4200000010\n');
  });

  it('NAT: local-gw is the private outside address, localid the public IP', () => {
    const text = render({ outsideAddress: '10.0.0.5', activeActive: true });
    expect(matching(text, /^ *set (local-gw|localid)/)).toEqual([
      'set local-gw 10.0.0.5', 'set localid-type address', 'set localid "40.50.60.70"',
      'set local-gw 10.0.0.5', 'set localid-type address', 'set localid "40.50.60.70"',
    ]);
    expect(matching(text, /^ *set nattraversal/)).toEqual(['set nattraversal enable', 'set nattraversal enable']);
  });

  it('ExpressRoute backup: local-preference 50 in, AS-path prepended twice out; static routes float at 250', () => {
    const bgp = render({ bgp: 'multihop', expressRoute: true });
    expect(bgp).toContain('set set-local-preference 50');
    expect(bgp).toContain('set set-aspath-action prepend\n                set set-aspath "65010 65010"');
    const statics = render({ expressRoute: true, activeActive: true });
    expect(matching(block(statics, 'router static'), /set distance/)).toEqual(['set distance 250', 'set distance 250', 'set distance 254']);
  });

  it('the header says how this file keeps the VPN the backup, per routing mode', () => {
    expect(render({ bgp: 'multihop', expressRoute: true })).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by BGP: local preference 50 on routes learned over it, AS path prepended twice/m);
    for (const via of ['bgp', 'igp', 'static'] as const) {
      expect(render({ expressRoute: true, expressRouteRoutesVia: via })).toMatch(
        /^# ExpressRoute is the primary path: this VPN is the BACKUP \(the static routes to Azure over the tunnels are floating, distance 250, worse than every FortiOS default \(static 10, eBGP 20, OSPF 110, RIP 120, iBGP 200\)/m,
      );
    }
    expect(render({ bgp: 'multihop' })).not.toContain('BACKUP');
  });

  it('hub and spoke: each spoke range gets an address object in the Azure group, static routes, and a prefix-list rule that accepts its more specifics', () => {
    const spokePrefixes = ['10.201.0.0/16', '10.202.0.0/16'];
    const bgp = render({ spokePrefixes, bgp: 'multihop', activeActive: true });
    expect(block(bgp, 'firewall address')).toContain('edit "az-hq-spoke-2"\n        set subnet 10.202.0.0 255.255.0.0\n');
    expect(block(bgp, 'firewall addrgrp')).toContain('edit "az-hq-vnet"\n        set member "az-hq-vnet-1" "az-hq-spoke-1" "az-hq-spoke-2"\n');
    expect(matching(block(bgp, 'router prefix-list'), /set (prefix|le) /)).toEqual([
      'set prefix 10.200.0.0 255.255.0.0',
      'set prefix 10.201.0.0 255.255.0.0', 'set le 32',
      'set prefix 10.202.0.0 255.255.0.0', 'set le 32',
      'set prefix 192.168.0.0 255.255.0.0',
    ]);
    expect(bgp).toMatch(/^# Spokes: 10\.201\.0\.0\/16, 10\.202\.0\.0\/16 \(and their more specifics\) are accepted from Azure/m);
    const statics = render({ spokePrefixes, activeActive: true });
    expect(matching(block(statics, 'router static'), /set dst /)).toEqual(
      ['10.200.0.0', '10.201.0.0', '10.202.0.0'].flatMap((ip) => Array(3).fill(`set dst ${ip} 255.255.0.0`)),
    );
  });

  it('prefixAdvertisement: anchor (default) renders blackhole routes for the site prefixes and says the risk; table renders none and says why', () => {
    const anchor = render({ bgp: 'multihop', addressSpace: ['192.168.0.0/16', '172.16.8.0/22'] });
    expect(matching(block(anchor, 'router static'), /set (dst|blackhole)/).slice(-4)).toEqual(['set dst 192.168.0.0 255.255.0.0', 'set blackhole enable', 'set dst 172.16.8.0 255.255.252.0', 'set blackhole enable']);
    expect(anchor).toMatch(/^# Site prefixes \(prefixAdvertisement anchor, the default\): a blackhole route \(distance 254\) per prefix/m);
    expect(anchor).toMatch(/^# RISK: traffic to any part of a site prefix/m);
    const table = render({ bgp: 'multihop', addressSpace: ['192.168.0.0/16', '172.16.8.0/22'], options: { prefixAdvertisement: 'table' } });
    expect(block(table, 'router static')).not.toContain('blackhole');
    expect(matching(block(table, 'router bgp'), /set prefix /)).toEqual(['set prefix 192.168.0.0 255.255.0.0', 'set prefix 172.16.8.0 255.255.252.0']);
    expect(table).toMatch(/^# Site prefixes \(prefixAdvertisement table\): no anchor; /m);
    expect(render({ options: { prefixAdvertisement: 'table' } })).not.toMatch(/prefixAdvertisement/);
  });

  it.each(['igp', 'static'] as const)('ExpressRoute via %s: each Azure neighbour\'s routes get distance 250 (admin-distance per neighbour), the header says why', (via) => {
    const text = render({ bgp: 'multihop', activeActive: true, expressRoute: true, expressRouteRoutesVia: via });
    expect(matching(block(text, 'router bgp'), /^ *(edit 0|set (neighbour-prefix|distance) )/).slice(-6)).toEqual([
      'edit 0', `set neighbour-prefix ${AZURE_DEFAULT_BGP_IPS[0]} 255.255.255.255`, 'set distance 250',
      'edit 0', `set neighbour-prefix ${AZURE_DEFAULT_BGP_IPS[1]} 255.255.255.255`, 'set distance 250',
    ]);
    const how = via === 'igp' ? 'an IGP' : 'static routes';
    expect(text).toMatch(new RegExp(`^# ExpressRoute is the primary path: this VPN is the BACKUP \\(ExpressRoute's routes arrive by ${how}: routes learned from the Azure neighbours get distance 250 `, 'm'));
    expect(text).toContain('set set-local-preference 50');
  });

  it('no admin-distance when ExpressRoute arrives by BGP or there is no ExpressRoute', () => {
    expect(render({ bgp: 'multihop', expressRoute: true, expressRouteRoutesVia: 'bgp' })).not.toContain('admin-distance');
    expect(render({ bgp: 'multihop', expressRouteRoutesVia: 'igp' })).not.toContain('admin-distance');
  });

  it('load sharing: ebgp-multipath with two Azure instances (none with one); static routes via both tunnels share one distance', () => {
    const two = render({ bgp: 'multihop', activeActive: true });
    expect(block(two, 'router bgp')).toContain('    set as 65010\n    set ebgp-multipath enable\n');
    expect(two).toMatch(/^# Load sharing: ebgp-multipath enable: both Azure instances announce the same AS path \(65515\)/m);
    expect(render({ bgp: 'multihop' })).not.toContain('ebgp-multipath');
    const statics = render({ activeActive: true });
    expect(statics).not.toContain('ebgp-multipath');
    expect(statics).toMatch(/^# Load sharing: the static routes via both tunnels have the same distance and priority, so FortiOS installs both \(ECMP\)/m);
  });

  it('firewall policies both ways between the inside interface and the tunnels, with one address group per side', () => {
    const text = render({ activeActive: true, vnetPrefixes: ['10.200.0.0/16', '10.201.0.0/24'] });
    expect(block(text, 'firewall addrgrp')).toContain('edit "az-hq-vnet"\n        set member "az-hq-vnet-1" "az-hq-vnet-2"');
    expect(matching(block(text, 'firewall policy'), /set (name|srcintf|dstintf|srcaddr|dstaddr)/)).toEqual([
      'set name "az-hq-to-azure"', 'set srcintf "port2"', 'set dstintf "az-hq-1" "az-hq-2"', 'set srcaddr "az-hq-onprem"', 'set dstaddr "az-hq-vnet"',
      'set name "az-hq-from-azure"', 'set srcintf "az-hq-1" "az-hq-2"', 'set dstintf "port2"', 'set srcaddr "az-hq-vnet"', 'set dstaddr "az-hq-onprem"',
    ]);
  });

  it('says what cannot match Azure\'s DPD timer', () => {
    const text = render({ dpdTimeoutSeconds: 45 });
    expect(text).toContain('set dpd on-idle\n        set dpd-retrycount 3\n        set dpd-retryinterval 15\n');
    expect(text).toMatch(/# .*declared dead about 108 s after traffic stops; this cannot match Azure's DPD timeout of 45 s/);
    expect(render({ dpdTimeoutSeconds: 3600 })).toContain('set dpd-retryinterval 60\n');
  });

  it('redacted key: the placeholder stands in every phase 1, the header says so', () => {
    const text = render({ sharedKey: null, activeActive: true });
    expect(matching(text, /^ *set psksecret/)).toEqual([`set psksecret "${REDACTED_KEY_PLACEHOLDER}"`, `set psksecret "${REDACTED_KEY_PLACEHOLDER}"`]);
    expect(text).toContain('# Shared key: REDACTED');
  });

  it('ends with the verification commands as comments', () => {
    const text = render({ bgp: 'multihop', activeActive: true });
    const tail = text.slice(text.indexOf('# ===== Verify'));
    expect(tail.split('\n').filter((l) => l !== '').every((l) => l.startsWith('# '))).toBe(true);
    for (const cmd of ['get vpn ipsec tunnel summary', 'diagnose vpn ike gateway list name az-hq-2', 'get router info bgp summary', `get router info bgp neighbors ${AZURE_DEFAULT_BGP_IPS[0]} received-routes`]) {
      expect(tail).toContain(`# ${cmd}\n`);
    }
  });
});

describe('fortigate procedure', () => {
  it('backs up, pastes without the notes, verifies tunnels and BGP or routes, restores the backup', () => {
    const bgp = fortiosProcedure({ files: ['fortigate/azure-vpn.conf'], bgp: true, tunnels: 2 });
    expect(bgp.before[0]).toMatch(/Back up the configuration/);
    expect(bgp.apply.join('\n')).toContain("grep -v '^#'");
    expect(bgp.apply[0]).toContain('`fortigate/azure-vpn.conf`');
    expect(bgp.verify[0]).toBe('`get vpn ipsec tunnel summary` lists the 2 tunnel(s) up, one per Azure instance.');
    expect(bgp.verify.at(-1)).toMatch(/^`get router info bgp summary`/);
    expect(fortiosProcedure({ files: ['fortigate/azure-vpn.conf'], bgp: false, tunnels: 1 }).verify.at(-1)).toMatch(/^`get router info routing-table all`/);
    expect(bgp.rollback[0]).toMatch(/Restore the backup/);
  });
});
