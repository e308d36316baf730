/**
 * What a parsed FortiOS file must mean for its context: the proposals are the Azure policy mapped through the
 * keyword table, each Azure public IP has its phase 1/phase 2 pair and tunnel interface, each Azure BGP address
 * its neighbor and /32 route, the firewall policies and address groups cover both sides, etc. Returns every
 * mismatch as text (empty when the file is right).
 */
import type { SiteContext } from '../../../src/devices/kit/contract';
import { carriedProposals, keywordOf } from '../../../src/devices/kit/keywordTable';
import { FORTIOS_KEYWORDS } from '../../../src/devices/fortigate/keywords';
import { cidr, netmask } from '../../../src/net/ipv4';
import { dhGroupNumber, isGcm } from '../../../src/policy/catalog';
import { AZURE_ENUM_TOKEN, canonical } from '../cisco-ios/meaning';
import { entriesOf, one, tableSettings, type FortiosEntry, type ParsedFortios } from './structure';

const ipMask = (prefix: string): string => {
  const c = cidr(prefix);
  return `${c.network} ${netmask(c.prefixLength)}`;
};

export function fortiosMeaningProblems(ctx: SiteContext, f: ParsedFortios, text: string): string[] {
  const out: string[] = [];
  const expect = (cond: boolean, msg: string): void => {
    if (!cond) out.push(msg);
  };
  const eq = (actual: unknown, expected: unknown, what: string): void => {
    expect(canonical(actual) === canonical(expected), `${what}: expected ${canonical(expected)}, got ${canonical(actual)}`);
  };
  const p = ctx.proposals;
  const { ike, esp } = carriedProposals(FORTIOS_KEYWORDS, p);
  const outside = String(ctx.options.outsideInterface);
  const inside = String(ctx.options.insideInterface);
  const loopback = String(ctx.options.loopbackInterface);

  // One phase 1 per Azure instance, the proposal mapped through the keyword table (written independently:
  // cipher-hash, or cipher-prfhash for AES-GCM), explicit identity and NAT settings behind NAT.
  const phase1 = entriesOf(f, 'vpn ipsec phase1-interface');
  eq(phase1.length, ctx.tunnels.length, 'phase1-interfaces (one per Azure instance)');
  const tunnelFor = new Map<string, FortiosEntry | undefined>(ctx.tunnels.map((t) => [t.azurePublicIp, phase1.find((e) => one(e, 'remote-gw') === t.azurePublicIp)]));
  for (const t of ctx.tunnels) {
    const e = tunnelFor.get(t.azurePublicIp);
    const settings = e && Object.fromEntries([...e.settings].map(([k, v]) => [k, v.join(' ')]));
    eq(
      settings && { ...settings, 'dpd-retryinterval': undefined, 'dpd-retrycount': undefined, comments: undefined },
      {
        interface: outside,
        'ike-version': '2',
        peertype: 'any',
        'net-device': 'disable',
        proposal: ike
          .map((x) => {
            const cipher = keywordOf(FORTIOS_KEYWORDS.ikeEncryption, x.encryption);
            const hash = x.integrity.toLowerCase();
            return isGcm(x.encryption) ? `${cipher}-prf${hash}` : `${cipher}-${hash}`;
          })
          .join(' '),
        dhgrp: [...new Set(ike.map((x) => String(dhGroupNumber(x.dhGroup))))].join(' '),
        keylife: String(p.ikeLifetimeSeconds),
        'remote-gw': t.azurePublicIp,
        ...(ctx.outsideAddress ? { 'local-gw': ctx.outsideAddress, 'localid-type': 'address', localid: ctx.site.publicIp } : {}),
        nattraversal: 'enable',
        dpd: 'on-idle',
        'auto-negotiate': 'enable',
        authmethod: 'psk',
        psksecret: ctx.sharedKey,
        'dpd-retryinterval': undefined,
        'dpd-retrycount': undefined,
        comments: undefined,
      },
      `phase 1 to ${t.azurePublicIp}`,
    );
    const interval = Number(one(e, 'dpd-retryinterval'));
    // a probe after about a third of Azure's timeout, within FortiOS' 1..60 s
    expect((interval === 60 && ctx.dpdTimeoutSeconds >= 179) || Math.abs(interval - ctx.dpdTimeoutSeconds / 3) <= 0.5, `dpd-retryinterval ${interval} for Azure's ${ctx.dpdTimeoutSeconds} s`);
    eq(one(e, 'dpd-retrycount'), '3', 'dpd-retrycount');
  }

  // One phase 2 per phase 1: ESP proposal, PFS and both lifetimes, selectors 0.0.0.0/0.
  const phase2 = entriesOf(f, 'vpn ipsec phase2-interface');
  eq(phase2.map((e) => one(e, 'phase1name')).sort(), phase1.map((e) => e.name).sort(), 'one phase2-interface per phase1-interface');
  const pfs = dhGroupNumber(p.pfsGroup);
  for (const e of phase2) {
    eq(
      Object.fromEntries([...e.settings].filter(([k]) => k !== 'phase1name').map(([k, v]) => [k, v.join(' ')])),
      {
        proposal: esp.map((x) => (isGcm(x.encryption) ? keywordOf(FORTIOS_KEYWORDS.ipsecEncryption, x.encryption) : `${keywordOf(FORTIOS_KEYWORDS.ipsecEncryption, x.encryption)}-${x.integrity.toLowerCase()}`)).join(' '),
        pfs: pfs === undefined ? 'disable' : 'enable',
        ...(pfs === undefined ? {} : { dhgrp: String(pfs) }),
        replay: 'enable',
        'auto-negotiate': 'enable',
        'keylife-type': 'both',
        keylifeseconds: String(p.saLifeTimeSeconds),
        keylifekbs: String(p.saDataSizeKilobytes),
        'src-subnet': '0.0.0.0 0.0.0.0',
        'dst-subnet': '0.0.0.0 0.0.0.0',
      },
      `phase 2 ${e.name}`,
    );
  }

  // Tunnel interfaces clamp MSS; the loopback holds the BGP address.
  const interfaces = entriesOf(f, 'system interface');
  for (const e of phase1) eq(one(interfaces.find((i) => i.name === e.name), 'tcp-mss'), '1350', `tcp-mss on ${e.name}`);
  const loopbacks = interfaces.filter((i) => one(i, 'type') === 'loopback');
  eq(
    loopbacks.map((i) => [i.name, one(i, 'ip'), one(i, 'vdom')]),
    ctx.bgp ? [[loopback, `${ctx.bgp.localIp} 255.255.255.255`, String(ctx.options.vdom)]] : [],
    'loopback with the BGP address',
  );

  // Address groups and policies both ways.
  const addresses = new Map(entriesOf(f, 'firewall address').map((e) => [e.name, one(e, 'subnet')]));
  const groups = new Map(entriesOf(f, 'firewall addrgrp').map((e) => [e.name, (e.settings.get('member') ?? []).map((m) => addresses.get(m))]));
  const policies = entriesOf(f, 'firewall policy').map((e) => ({
    srcintf: e.settings.get('srcintf'),
    dstintf: e.settings.get('dstintf'),
    src: groups.get(one(e, 'srcaddr') ?? '') ?? [addresses.get(one(e, 'srcaddr') ?? '')],
    dst: groups.get(one(e, 'dstaddr') ?? '') ?? [addresses.get(one(e, 'dstaddr') ?? '')],
    action: one(e, 'action'),
    service: e.settings.get('service'),
    nat: one(e, 'nat'),
  }));
  const tunnelNames = ctx.tunnels.map((t) => tunnelFor.get(t.azurePublicIp)?.name);
  // Every Azure prefix: the VNet's own, then the spoke ranges (accepted with their more specifics).
  const azurePrefixes = [...ctx.azure.vnetPrefixes, ...ctx.azure.spokePrefixes];
  const vnet = azurePrefixes.map(ipMask);
  const onprem = ctx.site.addressSpace.map(ipMask);
  eq(
    policies,
    [
      { srcintf: [inside], dstintf: tunnelNames, src: onprem, dst: vnet, action: 'accept', service: ['ALL'], nat: 'disable' },
      { srcintf: tunnelNames, dstintf: [inside], src: vnet, dst: onprem, action: 'accept', service: ['ALL'], nat: 'disable' },
      ...(ctx.bgp
        ? [{ srcintf: tunnelNames, dstintf: [loopback], src: ctx.tunnels.map((t) => `${t.azureBgpIp} 255.255.255.255`), dst: [`${ctx.bgp.localIp} 255.255.255.255`], action: 'accept', service: ['BGP', 'PING'], nat: 'disable' }]
        : []),
    ],
    'firewall policies',
  );

  // Routing. The site prefixes get anchors unless prefixAdvertisement is table.
  const anchored = (ctx.options.prefixAdvertisement ?? 'anchor') === 'anchor';
  const routes = entriesOf(f, 'router static').map((e) => ({ dst: one(e, 'dst'), device: one(e, 'device'), blackhole: one(e, 'blackhole'), distance: one(e, 'distance') }));
  if (!ctx.bgp) {
    eq(
      routes,
      azurePrefixes.flatMap((prefix) => [
        ...tunnelNames.map((device) => ({ dst: ipMask(prefix), device, blackhole: undefined, distance: ctx.expressRouteBackup ? '250' : undefined })),
        { dst: ipMask(prefix), device: undefined, blackhole: 'enable', distance: '254' },
      ]),
      'static routes through every tunnel (floating at 250 when ExpressRoute is primary) and a blackhole at 254',
    );
    expect(tableSettings(f, 'router bgp') === undefined, 'no BGP without BGP');
  } else {
    eq(
      routes,
      [
        ...ctx.tunnels.map((t) => ({ dst: `${t.azureBgpIp} 255.255.255.255`, device: tunnelFor.get(t.azurePublicIp)?.name, blackhole: undefined, distance: undefined })),
        ...(anchored ? onprem.map((dst) => ({ dst, device: undefined, blackhole: 'enable', distance: '254' })) : []),
      ],
      '/32 route to each Azure BGP address through the tunnel of its instance, blackhole anchors for the site prefixes only with prefixAdvertisement anchor',
    );
    const bgp = tableSettings(f, 'router bgp');
    eq(
      bgp && Object.fromEntries([...bgp].map(([k, v]) => [k, v.join(' ')])),
      { as: String(ctx.bgp.localAsn), 'keepalive-timer': '60', 'holdtime-timer': '180', ...(ctx.tunnels.length > 1 ? { 'ebgp-multipath': 'enable' } : {}) },
      'router bgp (ebgp-multipath with two Azure instances: both tunnels carry traffic)',
    );
    const neighbors = entriesOf(f, 'router bgp/neighbor');
    eq(neighbors.map((n) => n.name), ctx.tunnels.map((t) => t.azureBgpIp), 'one neighbor per Azure BGP address');
    const routeMaps = new Map(entriesOf(f, 'router route-map').map((e) => [e.name, entriesOf({ tables: e.tables }, 'router route-map/rule')]));
    const prefixLists = new Map(entriesOf(f, 'router prefix-list').map((e) => [e.name, entriesOf({ tables: e.tables }, 'router prefix-list/rule').map((r) => [one(r, 'action'), one(r, 'prefix'), one(r, 'le')])]));
    const mapMeaning = (name: string | undefined) =>
      (routeMaps.get(name ?? '') ?? []).map((r) => ({
        action: one(r, 'action'),
        prefixes: prefixLists.get(one(r, 'match-ip-address') ?? ''),
        localPreference: one(r, 'set-local-preference'),
        aspathAction: one(r, 'set-aspath-action'),
        aspath: one(r, 'set-aspath'),
      }));
    for (const n of neighbors) {
      eq(
        { remoteAs: one(n, 'remote-as'), source: one(n, 'update-source'), multihop: one(n, 'ebgp-enforce-multihop'), soft: one(n, 'soft-reconfiguration') },
        { remoteAs: String(ctx.bgp.azureAsn), source: loopback, multihop: 'enable', soft: 'enable' },
        `neighbor ${n.name}`,
      );
      eq(
        mapMeaning(one(n, 'route-map-in')),
        [{ action: 'permit', prefixes: [...ctx.azure.vnetPrefixes.map((x) => ['permit', ipMask(x), undefined]), ...ctx.azure.spokePrefixes.map((x) => ['permit', ipMask(x), '32'])], localPreference: ctx.expressRouteBackup ? '50' : undefined, aspathAction: undefined, aspath: undefined }],
        `route-map-in of ${n.name}: only the Azure prefixes, the spoke ranges with their more specifics (local-preference 50 when ExpressRoute is primary)`,
      );
      eq(
        mapMeaning(one(n, 'route-map-out')),
        [{ action: 'permit', prefixes: onprem.map((x) => ['permit', x, undefined]), localPreference: undefined, aspathAction: ctx.expressRouteBackup ? 'prepend' : undefined, aspath: ctx.expressRouteBackup ? `${ctx.bgp.localAsn} ${ctx.bgp.localAsn}` : undefined }],
        `route-map-out of ${n.name}: only the site prefixes (prepended twice when ExpressRoute is primary)`,
      );
    }
    eq(entriesOf(f, 'router bgp/network').map((e) => one(e, 'prefix')), onprem, 'BGP networks: the site prefixes');
    // ExpressRoute's routes arriving by an IGP or static routes: the Azure neighbours' routes need a distance above every default.
    const demoted = ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
    eq(
      entriesOf(f, 'router bgp/admin-distance').map((e) => [one(e, 'neighbour-prefix'), one(e, 'distance')]),
      demoted ? ctx.tunnels.map((t) => [`${t.azureBgpIp} 255.255.255.255`, '250']) : [],
      'admin-distance 250 for each Azure neighbour only when ExpressRoute arrives by an IGP or static routes',
    );
  }

  // Vendor syntax only; header first; verification last.
  const configLines = text.split('\n').filter((l) => !l.startsWith('#') && !l.includes('psksecret'));
  const enumLine = configLines.find((l) => AZURE_ENUM_TOKEN.test(l));
  expect(enumLine === undefined, `Azure enum name in FortiOS syntax: "${enumLine}"`);
  expect(text.startsWith('# tunnelsmith: '), 'file opens with the tunnelsmith header');
  const tail = text.slice(text.lastIndexOf('\nend\n') + 5);
  for (const cmd of ['get vpn ipsec tunnel summary', ...tunnelNames.map((n) => `diagnose vpn ike gateway list name ${n}`), ...(ctx.bgp ? ['get router info bgp summary'] : [])]) {
    expect(tail.includes(`# ${cmd}\n`), `verification command "${cmd}" after the configuration`);
  }
  return out;
}
