/**
 * What a parsed IOS-XE file must mean for its context: the proposals are the Azure policy mapped through the
 * keyword table, each Azure public IP has its tunnel, each Azure BGP address its neighbor and /32 route, etc.
 * Returns every mismatch as text (empty when the file is right).
 */
import type { SiteContext } from '../../../src/devices/kit/contract';
import { cidr, netmask } from '../../../src/net/ipv4';
import { dhGroupNumber, isGcm } from '../../../src/policy/catalog';
import { CISCO_KEYWORDS } from '../../../src/devices/cisco-ios/keywords';
import { keywordOf } from '../../../src/devices/kit/keywordTable';
import type { ParsedCisco } from './structure';

/** An Azure enum name inside vendor syntax (the mistake Azure's own Cisco script makes). */
export const AZURE_ENUM_TOKEN = /\b(DHGroup\d+|GCMAES\d+|ECP(256|384)|PFS(1|2|14|24|2048|MM)|AES(128|192|256)|DES3?|SHA(1|256|384)|MD5)\b/;

export function ciscoMeaningProblems(ctx: SiteContext, f: ParsedCisco, text: string): string[] {
  const out: string[] = [];
  const expect = (cond: boolean, msg: string): void => {
    if (!cond) out.push(msg);
  };
  const eq = (actual: unknown, expected: unknown, what: string): void => {
    expect(canonical(actual) === canonical(expected), `${what}: expected ${canonical(expected)}, got ${canonical(actual)}`);
  };
  const p = ctx.proposals;
  const outside = String(ctx.options.outsideInterface);
  const loopback = String(ctx.options.loopbackInterface);
  const base = Number(ctx.options.tunnelNumberBase);
  const localAddress = ctx.outsideAddress ?? ctx.site.publicIp;
  const azureIps = ctx.tunnels.map((t) => t.azurePublicIp);
  const fvrf = ctx.options.outsideVrf ? String(ctx.options.outsideVrf) : undefined;
  const azurePrefixes = [...ctx.azure.vnetPrefixes, ...ctx.azure.spokePrefixes];

  // IKEv2: one proposal per Azure IKE proposal, in order, mapped through the keyword table.
  eq(
    f.ikeProposals.map(({ encryption, integrity, prf, group }) => ({ encryption, integrity, prf, group })),
    p.ike.map((ike) => ({
      encryption: keywordOf(CISCO_KEYWORDS.ikeEncryption, ike.encryption),
      integrity: isGcm(ike.encryption) ? undefined : keywordOf(CISCO_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity),
      prf: isGcm(ike.encryption) ? keywordOf(CISCO_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity) : undefined,
      group: String(dhGroupNumber(ike.dhGroup)),
    })),
    'IKEv2 proposals',
  );
  eq(f.ikePolicies.length, 1, 'IKEv2 policies');
  eq(f.ikePolicies[0]?.proposals, f.ikeProposals.map((x) => x.name), 'IKEv2 policy proposal order');
  eq(f.ikePolicies[0]?.matchLocal, localAddress, 'IKEv2 policy local address');
  eq(f.ikePolicies[0]?.fvrf, fvrf, 'IKEv2 policy front-door VRF');

  // Keyring and profile: explicit identities, one peer per Azure instance, the site's key.
  eq(f.keyrings.length, 1, 'keyrings');
  eq(f.keyrings[0]?.peers.map((x) => x.address), azureIps, 'keyring peer addresses');
  expect(f.keyrings[0]?.peers.every((x) => x.key === ctx.sharedKey) ?? false, 'every keyring peer carries the shared key');
  eq(f.profiles.length, 1, 'IKEv2 profiles');
  const prof = f.profiles[0];
  eq(prof?.remoteIdentities, azureIps, 'profile remote identities');
  eq(prof?.localIdentity, ctx.site.publicIp, 'profile local identity');
  eq(prof?.fvrf, fvrf, 'profile front-door VRF');
  eq([prof?.authLocal, prof?.authRemote], ['pre-share', 'pre-share'], 'profile authentication');
  eq(prof?.keyring, f.keyrings[0]?.name, 'profile keyring');
  eq(prof?.lifetime, p.ikeLifetimeSeconds, 'IKE lifetime');
  expect(prof?.dpd !== undefined && prof.dpd.mode === 'periodic', 'DPD periodic');
  if (prof?.dpd) {
    expect(prof.dpd.interval >= 10 && prof.dpd.interval <= 3600 && prof.dpd.retry >= 2 && prof.dpd.retry <= 60, 'DPD within IOS-XE ranges');
    if (ctx.dpdTimeoutSeconds >= 20) eq(prof.dpd.interval + 5 * prof.dpd.retry, ctx.dpdTimeoutSeconds, 'DPD detection time');
  }
  eq(f.natKeepalive, ctx.outsideAddress ? 20 : undefined, 'NAT keepalive only behind NAT');

  // IPsec: transform sets in Azure's order, PFS and lifetimes.
  eq(
    f.transformSets.map((x) => x.transforms.join(' ')),
    p.esp.map((esp) => {
      const encryption = keywordOf(CISCO_KEYWORDS.ipsecEncryption, esp.encryption);
      return isGcm(esp.encryption) ? encryption : `${encryption} ${keywordOf(CISCO_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity)}`;
    }),
    'transform sets',
  );
  expect(f.transformSets.every((x) => x.mode === 'tunnel'), 'transform sets in tunnel mode');
  eq(f.ipsecProfiles.length, 1, 'IPsec profiles');
  const ipsec = f.ipsecProfiles[0];
  eq(ipsec?.transformSets, f.transformSets.map((x) => x.name), 'IPsec profile transform-set order');
  eq(ipsec?.ikev2Profile, prof?.name, 'IPsec profile IKEv2 profile');
  eq(ipsec?.pfs, p.pfsGroup === 'None' ? undefined : `group${dhGroupNumber(p.pfsGroup)}`, 'PFS group');
  eq([ipsec?.lifetimeSeconds, ipsec?.lifetimeKilobytes], [p.saLifeTimeSeconds, p.saDataSizeKilobytes], 'IPsec lifetimes');

  // One tunnel per Azure instance.
  eq(
    f.tunnels.map((t) => ({ name: t.name, destination: t.destination })),
    ctx.tunnels.map((t, i) => ({ name: `Tunnel${base + i}`, destination: t.azurePublicIp })),
    'tunnel per Azure public IP',
  );
  for (const t of f.tunnels) {
    eq([t.source, t.mode, t.protection, t.mss, t.mtu], [outside, 'ipsec ipv4', ipsec?.name, 1350, 1400], `${t.name} settings`);
    eq(t.unnumbered, ctx.bgp ? loopback : outside, `${t.name} unnumbered to`);
    eq(t.vrf, fvrf, `${t.name} tunnel vrf`);
  }
  const tunnelFor = (azureIp: string): string | undefined => f.tunnels.find((t) => t.destination === azureIp)?.name;

  // Routing.
  if (!ctx.bgp) {
    expect(f.bgp === undefined && f.loopbacks.length === 0, 'no BGP and no loopback without BGP');
    const expected = azurePrefixes.flatMap((prefix) =>
      azureIps.map((ip) => ({ network: cidr(prefix).network, mask: netmask(cidr(prefix).prefixLength), target: tunnelFor(ip), distance: ctx.expressRouteBackup ? 250 : undefined })),
    );
    eq(f.routes, expected, 'static routes to the VNet and spoke prefixes via every tunnel (floating when ExpressRoute is primary)');
  } else {
    const bgp = f.bgp;
    expect(bgp !== undefined, 'router bgp present');
    eq(bgp?.asn, ctx.bgp.localAsn, 'local ASN');
    eq(f.loopbacks, [{ name: loopback, address: ctx.bgp.localIp, mask: '255.255.255.255' }], 'loopback holds the BGP address');
    const rmIn = f.routeMaps.find((r) => r.name === bgp?.neighbors[0]?.routeMapIn);
    const rmOut = f.routeMaps.find((r) => r.name === bgp?.neighbors[0]?.routeMapOut);
    eq(bgp?.neighbors.map((n) => n.address), ctx.tunnels.map((t) => t.azureBgpIp), 'one neighbor per Azure BGP address');
    for (const t of ctx.tunnels) {
      const n = bgp?.neighbors.find((x) => x.address === t.azureBgpIp);
      eq(
        n && { remoteAs: n.remoteAs, timers: n.timers, updateSource: n.updateSource, activated: n.activated, multihop: n.multihop, dcc: n.disableConnectedCheck, in: n.routeMapIn, out: n.routeMapOut },
        {
          remoteAs: ctx.bgp.azureAsn,
          timers: [60, 180],
          updateSource: loopback,
          activated: true,
          multihop: ctx.bgp.mode === 'multihop' ? 255 : undefined,
          dcc: ctx.bgp.mode === 'apipa',
          in: rmIn?.name,
          out: rmOut?.name,
        },
        `neighbor ${t.azureBgpIp}`,
      );
      const hostRoutes = f.routes.filter((r) => r.network === t.azureBgpIp);
      eq(hostRoutes, [{ network: t.azureBgpIp, mask: '255.255.255.255', target: tunnelFor(t.azurePublicIp) }], `/32 route to ${t.azureBgpIp} via the tunnel to ${t.azurePublicIp}`);
    }
    const pl = (name: string | undefined): string[] => f.prefixLists.find((x) => x.name === name)?.entries.map((e) => `${e.action} ${e.prefix}${e.le ? ` le ${e.le}` : ''}`) ?? [];
    eq(
      pl(rmIn?.matchPrefixList),
      [...ctx.azure.vnetPrefixes.map((x) => `permit ${x}`), ...ctx.azure.spokePrefixes.map((x) => `permit ${x} le 32`)],
      'accept only the VNet prefixes (exactly) and the spoke prefixes (with their more specifics)',
    );
    eq(pl(rmOut?.matchPrefixList), ctx.site.addressSpace.map((x) => `permit ${x}`), 'send only the site prefixes');
    eq(rmIn?.localPreference, ctx.expressRouteBackup ? 50 : undefined, 'lower local-preference when ExpressRoute is primary');
    eq(rmOut?.prepend, ctx.expressRouteBackup ? [ctx.bgp.localAsn, ctx.bgp.localAsn] : undefined, 'AS-path prepend when ExpressRoute is primary');
    const sitePrefixes = ctx.site.addressSpace.map((x) => ({ network: cidr(x).network, mask: netmask(cidr(x).prefixLength) }));
    eq(bgp?.networks, sitePrefixes, 'network statements for the site prefixes');
    const anchored = (ctx.options.prefixAdvertisement ?? 'anchor') === 'anchor';
    eq(f.routes.filter((r) => r.target === 'Null0'), anchored ? sitePrefixes.map((x) => ({ ...x, target: 'Null0', distance: 254 })) : [], 'Null0 anchors only with prefixAdvertisement anchor');
    eq(bgp?.maximumPaths, ctx.tunnels.length > 1 ? 2 : undefined, 'maximum-paths 2 with two Azure instances');
    eq(
      bgp?.distances,
      ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp' ? ctx.tunnels.map((t) => ({ distance: 250, source: t.azureBgpIp, wildcard: '0.0.0.0' })) : [],
      'distance 250 per Azure neighbour when ExpressRoute arrives by an IGP or static routes',
    );
    eq(f.routes.filter((r) => r.target !== 'Null0' && r.mask !== '255.255.255.255').length, 0, 'no static VNet routes with BGP');
  }

  // Firewall openings: IKE, NAT-T and ESP from every Azure public IP to this router's outside address.
  eq(f.accessLists.length, 1, 'one outside ACL');
  eq(
    f.accessLists[0]?.entries,
    azureIps.flatMap((ip) => [`permit udp host ${ip} host ${localAddress} eq 500`, `permit udp host ${ip} host ${localAddress} eq 4500`, `permit esp host ${ip} host ${localAddress}`]),
    'ACL entries',
  );
  eq(f.documentedAclApplications, [{ name: f.accessLists[0]?.name, interfaceName: outside }], 'ACL application instructions');

  // Vendor syntax only; header first; verification last.
  const configLines = text.split('\n').filter((l) => l !== '' && !l.trim().startsWith('!') && !l.includes('pre-shared-key'));
  const enumLine = configLines.find((l) => AZURE_ENUM_TOKEN.test(l));
  expect(enumLine === undefined, `Azure enum name in Cisco syntax: "${enumLine}"`);
  expect(text.startsWith('! tunnelsmith: '), 'file opens with the tunnelsmith header');
  const tail = text.slice(text.lastIndexOf('\nend\n'));
  for (const cmd of ['show crypto ikev2 sa', 'show crypto ipsec sa', ...(ctx.bgp ? ['show ip bgp summary'] : [])]) {
    expect(tail.includes(`! ${cmd}\n`), `verification command "${cmd}" after the configuration`);
  }
  return out;
}

/** JSON with object keys sorted and undefined members dropped, so comparisons ignore key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
