/**
 * What a parsed PAN-OS file must mean for its context: the crypto profiles are the Azure policy mapped through
 * the keyword table with lifetimes held exactly (or, for a data lifetime PAN-OS cannot hold, none and a note),
 * each Azure public IP has its IKE gateway, IPsec tunnel and tunnel interface, each Azure BGP address its peer
 * and /32 route, the rules cover both ways, etc. Returns every mismatch as text (empty when the file is right).
 */
import type { SiteContext } from '../../../src/devices/kit/contract';
import { carriedProposals, keywordOf } from '../../../src/devices/kit/keywordTable';
import { PANOS_KEYWORDS } from '../../../src/devices/paloalto/keywords';
import { dhGroupNumber } from '../../../src/policy/catalog';
import { AZURE_ENUM_TOKEN, canonical } from '../cisco-ios/meaning';
import type { ParsedPanos } from './structure';

/** Seconds per lifetime unit and the range of each (PAN-OS schema), written here independently of the device code. */
const LIFETIME: Record<string, [number, number, number]> = { seconds: [1, 180, 65535], minutes: [60, 3, 65535], hours: [3600, 1, 65535], days: [86400, 1, 365] };
const LIFESIZE: Record<string, number> = { kb: 1, mb: 1024, gb: 1024 ** 2, tb: 1024 ** 3 };

/** The amount a `unit value` pair stands for, or NaN when it is out of that unit's range. */
function lifetimeSeconds(text: string | undefined): number {
  const [unit, value] = (text ?? '').split(' ');
  const spec = LIFETIME[unit];
  const n = Number(value);
  return spec && Number.isInteger(n) && n >= spec[1] && n <= spec[2] ? n * spec[0] : NaN;
}
function lifesizeKilobytes(text: string | undefined): number {
  const [unit, value] = (text ?? '').split(' ');
  const n = Number(value);
  return unit in LIFESIZE && Number.isInteger(n) && n >= 1 && n <= 65535 ? n * LIFESIZE[unit] : NaN;
}

export function panosMeaningProblems(ctx: SiteContext, f: ParsedPanos, text: string): string[] {
  const out: string[] = [];
  const expect = (cond: boolean, msg: string): void => {
    if (!cond) out.push(msg);
  };
  const eq = (actual: unknown, expected: unknown, what: string): void => {
    expect(canonical(actual) === canonical(expected), `${what}: expected ${canonical(expected)}, got ${canonical(actual)}`);
  };
  const p = ctx.proposals;
  const { ike: [ike], esp: [esp] } = carriedProposals(PANOS_KEYWORDS, p);
  const unitBase = Number(ctx.options.tunnelUnitBase);
  const units = ctx.tunnels.map((_, i) => `tunnel.${unitBase + i}`);
  const loopback = `loopback.${Number(ctx.options.loopbackUnit)}`;
  const vpnZone = String(ctx.options.vpnZone);

  // Crypto profiles: one each, the first Azure proposal mapped through the keyword table, lifetimes exact.
  eq(f.ikeProfiles.size, 1, 'IKE crypto profiles');
  eq(f.ipsecProfiles.size, 1, 'IPsec crypto profiles');
  const [ikeName, ikeProfile] = [...f.ikeProfiles][0] ?? ['', {}];
  const [ipsecName, ipsecProfile] = [...f.ipsecProfiles][0] ?? ['', {}];
  eq(
    { ...ikeProfile, lifetime: undefined },
    { encryption: keywordOf(PANOS_KEYWORDS.ikeEncryption, ike.encryption), hash: ike.integrity.toLowerCase(), 'dh-group': `group${dhGroupNumber(ike.dhGroup)}` },
    'IKE crypto profile',
  );
  eq(lifetimeSeconds(ikeProfile.lifetime), p.ikeLifetimeSeconds, 'IKE lifetime held exactly');
  eq(
    { ...ipsecProfile, lifetime: undefined, lifesize: undefined },
    {
      'esp encryption': keywordOf(PANOS_KEYWORDS.ipsecEncryption, esp.encryption),
      'esp authentication': esp.encryption.startsWith('GCM') ? 'none' : esp.integrity.toLowerCase(),
      'dh-group': p.pfsGroup === 'None' ? 'no-pfs' : `group${dhGroupNumber(p.pfsGroup)}`,
    },
    'IPsec crypto profile',
  );
  eq(lifetimeSeconds(ipsecProfile.lifetime), p.saLifeTimeSeconds, 'IPsec lifetime held exactly');
  const exactLifesize = Object.entries(LIFESIZE).some(([, kb]) => p.saDataSizeKilobytes % kb === 0 && p.saDataSizeKilobytes / kb <= 65535);
  if (exactLifesize) eq(lifesizeKilobytes(ipsecProfile.lifesize), p.saDataSizeKilobytes, 'IPsec lifesize held exactly');
  else {
    eq(ipsecProfile.lifesize, undefined, `no lifesize for ${p.saDataSizeKilobytes} KB, which no PAN-OS unit holds exactly`);
    expect(text.includes(`Azure's ${p.saDataSizeKilobytes} KB is none of them exactly`), 'the header says why there is no lifesize');
  }

  // One gateway, IPsec tunnel and tunnel interface per Azure instance.
  eq(f.gateways.size, ctx.tunnels.length, 'IKE gateways (one per Azure instance)');
  eq(f.ipsecTunnels.size, ctx.tunnels.length, 'IPsec tunnels');
  eq([...f.tunnelInterfaces.keys()], units, 'tunnel interfaces');
  const interfaceFor = new Map<string, string | undefined>();
  for (const t of ctx.tunnels) {
    const [gwName, g] = [...f.gateways].find(([, x]) => x.peerAddress === t.azurePublicIp) ?? ['', undefined];
    eq(
      g && { ...g, dpdInterval: undefined },
      {
        version: 'ikev2',
        ikeProfile: ikeName,
        dpd: 'yes',
        localInterface: String(ctx.options.outsideInterface),
        peerAddress: t.azurePublicIp,
        key: ctx.sharedKey,
        localIdType: 'ipaddr',
        localId: ctx.site.publicIp,
        peerIdType: 'ipaddr',
        peerId: t.azurePublicIp,
        ...(ctx.outsideAddress ? { natTraversal: 'yes' } : {}),
      },
      `IKE gateway to ${t.azurePublicIp}`,
    );
    const interval = g?.dpdInterval ?? NaN;
    expect((interval === 100 && ctx.dpdTimeoutSeconds >= 299) || Math.abs(interval - ctx.dpdTimeoutSeconds / 3) <= 0.5, `dpd interval ${interval} for Azure's ${ctx.dpdTimeoutSeconds} s`);
    const tunnel = [...f.ipsecTunnels.values()].find((x) => x['ike-gateway'] === gwName);
    eq(tunnel && { ...tunnel, 'tunnel-interface': undefined }, { 'ike-gateway': gwName, 'ipsec-crypto-profile': ipsecName, 'anti-replay': 'yes' }, `IPsec tunnel of ${t.azurePublicIp}`);
    interfaceFor.set(t.azurePublicIp, tunnel?.['tunnel-interface']);
  }
  eq(ctx.tunnels.map((t) => interfaceFor.get(t.azurePublicIp)), units, 'tunnel interfaces in instance order');
  const [mgmt, allowed] = [...f.managementProfiles][0] ?? ['', []];
  eq(allowed, ['ping'], 'management profile allows ping');
  for (const u of units) eq(f.tunnelInterfaces.get(u), { comment: f.tunnelInterfaces.get(u)?.comment, mtu: '1390', 'interface-management-profile': mgmt }, `${u}: MTU 1390 (MSS 1350)`);
  const interfaces = [...units, ...(ctx.bgp ? [loopback] : [])];
  eq(f.zones.get(vpnZone), interfaces, `zone ${vpnZone}`);
  eq(f.imported, interfaces, 'vsys import');
  eq(f.virtualRouters.get(String(ctx.options.virtualRouter)), interfaces, 'virtual router interfaces');

  // Every Azure prefix: the VNet's own, then the spoke ranges (accepted with their more specifics).
  const azurePrefixes = [...ctx.azure.vnetPrefixes, ...ctx.azure.spokePrefixes];

  // Address groups and rules.
  const members = (name: string | undefined): string[] => (f.addressGroups.get(name ?? '') ?? [name ?? '']).map((a) => f.addresses.get(a) ?? '?');
  const rules = [...f.rules.values()].map((r) => ({ ...r, description: undefined, source: members(r.source), destination: members(r.destination) }));
  const outsideZone = String(ctx.options.outsideZone);
  const insideZone = String(ctx.options.insideZone);
  eq(
    rules,
    [
      { from: outsideZone, to: outsideZone, source: ctx.tunnels.map((t) => `${t.azurePublicIp}/32`), destination: [`${ctx.outsideAddress ?? ctx.site.publicIp}/32`], application: 'ike ipsec-esp ipsec-esp-udp', service: 'application-default', action: 'allow' },
      { from: insideZone, to: vpnZone, source: ctx.site.addressSpace, destination: azurePrefixes, application: 'any', service: 'any', action: 'allow' },
      { from: vpnZone, to: insideZone, source: azurePrefixes, destination: ctx.site.addressSpace, application: 'any', service: 'any', action: 'allow' },
      ...(ctx.bgp ? [{ from: vpnZone, to: vpnZone, source: ctx.tunnels.map((t) => `${t.azureBgpIp}/32`), destination: [`${ctx.bgp.localIp}/32`], application: 'bgp ping', service: 'application-default', action: 'allow' }] : []),
    ],
    'security rules',
  );

  // Routing. The site prefixes get anchors unless prefixAdvertisement is table.
  const anchored = (ctx.options.prefixAdvertisement ?? 'anchor') === 'anchor';
  const routes = [...f.staticRoutes.values()];
  if (!ctx.bgp) {
    eq(
      routes,
      azurePrefixes.flatMap((prefix) =>
        ctx.tunnels.map((t) => ({ destination: prefix, interface: interfaceFor.get(t.azurePublicIp), metric: '10', ...(ctx.expressRouteBackup ? { 'admin-dist': '220' } : {}) })),
      ),
      'static routes through every tunnel, equal metrics (admin distance 220 when ExpressRoute is primary)',
    );
    eq(Object.keys(f.bgp).length + f.peers.size + f.loopbackInterfaces.size, 0, 'no BGP and no loopback without BGP');
  } else {
    eq(
      routes,
      [
        ...ctx.tunnels.map((t) => ({ destination: `${t.azureBgpIp}/32`, interface: interfaceFor.get(t.azurePublicIp) })),
        ...(anchored ? ctx.site.addressSpace.map((prefix) => ({ destination: prefix, nexthop: 'discard', 'admin-dist': '240' })) : []),
      ],
      '/32 route to each Azure BGP address through the tunnel of its instance, discard anchors for the site prefixes only with prefixAdvertisement anchor',
    );
    eq([...f.loopbackInterfaces], [[loopback, { ip: `${ctx.bgp.localIp}/32`, comment: f.loopbackInterfaces.get(loopback)?.comment, 'interface-management-profile': mgmt }]], 'loopback with the BGP address');
    eq(f.bgp, { enable: 'yes', 'router-id': ctx.bgp.localIp, 'local-as': String(ctx.bgp.localAsn), 'install-route': 'yes', 'as-format': '4-byte' }, 'BGP');
    eq([...f.peerGroups.values()], [{ 'import-nexthop': 'original', 'export-nexthop': 'resolve', enable: 'yes' }], 'one eBGP peer group');
    const group = [...f.peerGroups.keys()][0];
    eq(
      [...f.peers.values()],
      ctx.tunnels.map((t) => ({
        group,
        'peer-as': String(ctx.bgp!.azureAsn),
        'peer-address': t.azureBgpIp,
        'local-interface': loopback,
        'local-ip': `${ctx.bgp!.localIp}/32`,
        multihop: '255',
        'keep-alive-interval': '60',
        'hold-time': '180',
        enable: 'yes',
      })),
      'one peer per Azure BGP address',
    );
    const exact = (prefixes: string[]) => prefixes.map((prefix) => ({ prefix, exact: 'yes' }));
    const denyAll = { usedBy: group, prefixes: [{ prefix: '0.0.0.0/0', exact: 'no' }], action: 'deny' };
    eq(
      [...f.importRules.values()],
      [{ usedBy: group, prefixes: [...exact(ctx.azure.vnetPrefixes), ...ctx.azure.spokePrefixes.map((prefix) => ({ prefix, exact: 'no' }))], action: 'allow', ...(ctx.expressRouteBackup ? { localPreference: 50 } : {}) }, denyAll],
      'import: only the Azure prefixes, the spoke ranges with their more specifics (local-preference 50 when ExpressRoute is primary), then deny',
    );
    eq(
      [...f.exportRules.values()],
      [{ usedBy: group, prefixes: exact(ctx.site.addressSpace), action: 'allow', ...(ctx.expressRouteBackup ? { prepend: 2 } : {}) }, denyAll],
      'export: only the site prefixes (prepended twice when ExpressRoute is primary), then deny',
    );
    // anchor: the discard statics carry the site prefixes; table: whatever source holds them (not BGP itself).
    eq(
      [...f.redistProfiles.values()].map((r) => ({ ...r, priority: undefined })),
      [{ 'filter type': anchored ? 'static' : 'connect ospf rip static', 'filter destination': ctx.site.addressSpace.join(' '), action: 'redist' }],
      'redistribution of the site prefixes',
    );
    eq([...f.redistRules.values()], [{ 'address-family-identifier': 'ipv4', 'set-origin': 'igp', enable: 'yes' }], 'BGP redistribution rule');
  }

  // The virtual router's own settings: eBGP's admin distance above every default only when ExpressRoute's routes
  // arrive by an IGP or static routes (BGP site, ExpressRoute primary).
  const demoted = ctx.bgp !== undefined && ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
  // Two Azure instances: ECMP on the virtual router, so both tunnels carry traffic.
  eq(
    f.routerSettings,
    { ...(demoted ? { 'admin-dists ebgp': '230' } : {}), ...(ctx.tunnels.length > 1 ? { 'ecmp enable': 'yes', 'ecmp max-path': '2' } : {}) },
    'virtual router settings',
  );

  // Vendor syntax only; header first; verification last.
  const configLines = text.split('\n').filter((l) => l.startsWith('set ') && !l.includes('pre-shared-key'));
  const enumLine = configLines.find((l) => AZURE_ENUM_TOKEN.test(l));
  expect(enumLine === undefined, `Azure enum name in PAN-OS syntax: "${enumLine}"`);
  expect(text.startsWith('# tunnelsmith: '), 'file opens with the tunnelsmith header');
  const tail = text.slice(text.lastIndexOf('\nset ') + 1);
  for (const cmd of ['show vpn ike-sa', 'show vpn ipsec-sa', ...(ctx.bgp ? ['show routing protocol bgp peer'] : [])]) {
    expect(tail.includes(`# ${cmd}\n`), `verification command "${cmd}" after the configuration`);
  }
  return out;
}
