/**
 * What a parsed Junos file must mean for its context: the proposals are the Azure policy mapped through the
 * keyword table, each Azure public IP has its gateway, VPN and st0 unit, each Azure BGP address its neighbor
 * and /32 route, etc. Returns every mismatch as text (empty when the file is right).
 */
import type { SiteContext } from '../../../src/devices/kit/contract';
import { dhGroupNumber, isGcm } from '../../../src/policy/catalog';
import { JUNOS_KEYWORDS } from '../../../src/devices/juniper-srx/keywords';
import { keywordOf } from '../../../src/devices/kit/keywordTable';
import { AZURE_ENUM_TOKEN, canonical } from '../cisco-ios/meaning';
import type { ParsedJunos } from './structure';

export function junosMeaningProblems(ctx: SiteContext, f: ParsedJunos, text: string): string[] {
  const out: string[] = [];
  const expect = (cond: boolean, msg: string): void => {
    if (!cond) out.push(msg);
  };
  const eq = (actual: unknown, expected: unknown, what: string): void => {
    expect(canonical(actual) === canonical(expected), `${what}: expected ${canonical(expected)}, got ${canonical(actual)}`);
  };
  const p = ctx.proposals;
  const ext = String(ctx.options.externalInterface);
  const unitBase = Number(ctx.options.st0UnitBase);
  const vpnZone = String(ctx.options.vpnZone);
  const units = ctx.tunnels.map((_, i) => `st0.${unitBase + i}`);
  const azurePrefixes = [...ctx.azure.vnetPrefixes, ...ctx.azure.spokePrefixes];

  // IKE: proposals in Azure's order, mapped through the keyword table; one policy with the key.
  const ikePolicies = [...f.ikePolicies.entries()];
  eq(ikePolicies.length, 1, 'IKE policies');
  const [ikePolicyName, ikePolicy] = ikePolicies[0] ?? ['', { proposals: [] }];
  eq(
    ikePolicy.proposals.map((n) => f.ikeProposals.get(n)),
    p.ike.map((ike) => ({
      'authentication-method': 'pre-shared-keys',
      'dh-group': `group${dhGroupNumber(ike.dhGroup)}`,
      ...(isGcm(ike.encryption) ? {} : { 'authentication-algorithm': keywordOf(JUNOS_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity) }),
      'encryption-algorithm': keywordOf(JUNOS_KEYWORDS.ikeEncryption, ike.encryption),
      'lifetime-seconds': String(p.ikeLifetimeSeconds),
    })),
    'IKE proposals',
  );
  eq(ikePolicy.key, ctx.sharedKey, 'IKE policy pre-shared key');

  // One gateway, VPN and st0 unit per Azure instance, with explicit identities.
  const gateways = ctx.tunnels.map((t) => [...f.gateways.values()].find((g) => g.address === t.azurePublicIp));
  ctx.tunnels.forEach((t, i) => {
    const g = gateways[i];
    eq(
      g && { ...g, name: undefined },
      {
        ikePolicy: ikePolicyName,
        address: t.azurePublicIp,
        dpdMode: 'probe-idle-tunnel',
        dpdInterval: g?.dpdInterval,
        dpdThreshold: g?.dpdThreshold,
        localIdentity: ctx.site.publicIp,
        remoteIdentity: t.azurePublicIp,
        externalInterface: ext,
        localAddress: ctx.outsideAddress,
        version: 'v2-only',
        name: undefined,
      },
      `gateway for ${t.azurePublicIp}`,
    );
    if (g?.dpdInterval !== undefined && g.dpdThreshold !== undefined) {
      expect(g.dpdInterval >= 2 && g.dpdInterval <= 60 && g.dpdThreshold >= 1 && g.dpdThreshold <= 5, 'DPD within Junos ranges');
      const detect = g.dpdInterval * g.dpdThreshold;
      expect(Math.abs(detect - Math.min(ctx.dpdTimeoutSeconds, 300)) <= g.dpdThreshold, `DPD detection ${detect} s for Azure's ${ctx.dpdTimeoutSeconds} s`);
    }
    const vpn = [...f.vpns.values()].find((v) => v.gateway === g?.name);
    eq(vpn && { bind: vpn.bindInterface, establish: vpn.establish }, { bind: units[i], establish: 'immediately' }, `VPN for ${t.azurePublicIp}`);
  });
  eq(f.gateways.size, ctx.tunnels.length, 'gateways');
  eq(f.vpns.size, ctx.tunnels.length, 'VPNs');
  eq([...f.st0Units.keys()], ctx.tunnels.map((_, i) => unitBase + i), 'st0 units');
  expect([...f.st0Units.values()].every((u) => u.inet), 'st0 units carry family inet');
  eq([...f.st0Units.values()].map((u) => u.mtu), ctx.tunnels.map(() => 1400), 'every st0 unit has family inet mtu 1400');

  // IPsec: proposals, PFS, lifetimes; every VPN uses the one policy.
  const ipsecPolicies = [...f.ipsecPolicies.entries()];
  eq(ipsecPolicies.length, 1, 'IPsec policies');
  const [ipsecPolicyName, ipsecPolicy] = ipsecPolicies[0] ?? ['', { proposals: [] }];
  eq(
    ipsecPolicy.proposals.map((n) => f.ipsecProposals.get(n)),
    p.esp.map((esp) => ({
      protocol: 'esp',
      ...(isGcm(esp.encryption) ? {} : { 'authentication-algorithm': keywordOf(JUNOS_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity) }),
      'encryption-algorithm': keywordOf(JUNOS_KEYWORDS.ipsecEncryption, esp.encryption),
      'lifetime-seconds': String(p.saLifeTimeSeconds),
      'lifetime-kilobytes': String(p.saDataSizeKilobytes),
    })),
    'IPsec proposals',
  );
  eq(ipsecPolicy.pfs, p.pfsGroup === 'None' ? undefined : `group${dhGroupNumber(p.pfsGroup)}`, 'PFS');
  expect([...f.vpns.values()].every((v) => v.ipsecPolicy === ipsecPolicyName), 'VPNs use the IPsec policy');
  eq(f.tcpMss, 1350, 'tcp-mss for IPsec');

  // Zones and policies.
  const untrust = f.zoneInterfaces.find((z) => z.interfaceName === ext);
  eq(untrust && [untrust.zone, untrust.services], [String(ctx.options.untrustZone), ['ike']], 'IKE host-inbound on the external interface');
  for (const u of units) {
    const z = f.zoneInterfaces.find((x) => x.interfaceName === u);
    eq(z && [z.zone, z.services, z.protocols], [vpnZone, ['ping'], ctx.bgp ? ['bgp'] : []], `${u} in the VPN zone`);
  }
  const setPrefixes = (name: string | undefined): string[] => (f.addressSets.get(name ?? '') ?? []).map((a) => f.addresses.get(a) ?? '?');
  const toAzure = f.policies.find((x) => x.from === ctx.options.trustZone && x.to === vpnZone);
  const fromAzure = f.policies.find((x) => x.from === vpnZone && x.to === ctx.options.trustZone);
  eq(toAzure && [setPrefixes(toAzure.source), setPrefixes(toAzure.destination), toAzure.applications, toAzure.action], [ctx.site.addressSpace, azurePrefixes, ['any'], 'permit'], 'policy to Azure (VNet and spokes)');
  eq(fromAzure && [setPrefixes(fromAzure.source), setPrefixes(fromAzure.destination), fromAzure.applications, fromAzure.action], [azurePrefixes, ctx.site.addressSpace, ['any'], 'permit'], 'policy from Azure (VNet and spokes)');
  if (ctx.bgp) {
    // The BGP loopback sits in the tunnels' zone, admits BGP and ping, and a policy lets Azure's BGP addresses reach it.
    const lo = f.zoneInterfaces.find((x) => x.interfaceName === 'lo0.0');
    eq(lo && [lo.zone, lo.services, lo.protocols], [vpnZone, ['ping'], ['bgp']], 'lo0.0 in the VPN zone with host-inbound ping and bgp');
    const toLoopback = f.policies.find((x) => x.from === vpnZone && x.to === vpnZone);
    eq(
      toLoopback && [setPrefixes(toLoopback.source), setPrefixes(toLoopback.destination), toLoopback.applications, toLoopback.action],
      [ctx.tunnels.map((t) => `${t.azureBgpIp}/32`), [`${ctx.bgp.localIp}/32`], ['junos-bgp', 'junos-icmp-ping'], 'permit'],
      'intra-zone policy: BGP and ping from the Azure BGP addresses to the loopback',
    );
  } else {
    expect(!f.zoneInterfaces.some((x) => x.interfaceName === 'lo0.0'), 'no loopback in a zone without BGP');
  }
  eq(f.policies.length, ctx.bgp ? 3 : 2, 'security policies');

  // Routing.
  const unitFor = (azureIp: string): string | undefined => {
    const g = [...f.gateways.values()].find((x) => x.address === azureIp);
    return [...f.vpns.values()].find((v) => v.gateway === g?.name)?.bindInterface;
  };
  if (!ctx.bgp) {
    expect(f.bgpGroups.size === 0 && f.loopbackAddresses.length === 0 && f.autonomousSystem === undefined, 'no BGP and no loopback without BGP');
    eq(
      Object.fromEntries(f.staticRoutes),
      Object.fromEntries(azurePrefixes.map((x) => [x, { nextHops: units, ...(ctx.expressRouteBackup ? { preference: 250 } : {}) }])),
      'static routes to the VNet and spoke prefixes via every st0 unit (preference 250 when ExpressRoute is primary)',
    );
  } else {
    const groups = [...f.bgpGroups.values()];
    eq(groups.length, 1, 'BGP groups');
    const g = groups[0];
    eq(f.autonomousSystem, ctx.bgp.localAsn, 'local AS');
    eq(f.loopbackAddresses, [`${ctx.bgp.localIp}/32`], 'lo0.0 holds the BGP address');
    eq(
      g && { type: g.type, peerAs: g.peerAs, localAddress: g.localAddress, ttl: g.multihopTtl, hold: g.holdTime, neighbors: g.neighbors },
      { type: 'external', peerAs: ctx.bgp.azureAsn, localAddress: ctx.bgp.localIp, ttl: ctx.bgp.mode === 'apipa' ? 1 : 255, hold: 180, neighbors: ctx.tunnels.map((t) => t.azureBgpIp) },
      'BGP group',
    );
    for (const t of ctx.tunnels) {
      eq(f.staticRoutes.get(`${t.azureBgpIp}/32`), { nextHops: [unitFor(t.azurePublicIp)] }, `/32 route to ${t.azureBgpIp} via the st0 unit of ${t.azurePublicIp}`);
    }
    eq(f.staticRoutes.size, ctx.tunnels.length, 'only host routes with BGP');
    const terms = (name: string | undefined) => [...(f.policyStatements.get(name ?? '') ?? new Map()).entries()];
    const [imp, exp] = [terms(g?.import), terms(g?.export)];
    const lp = ctx.expressRouteBackup ? { localPreference: 50 } : {};
    eq(
      imp.map(([, t]) => ({ ...t, from: f.prefixLists.get(t.from ?? ''), fromOrLonger: f.prefixLists.get(t.fromOrLonger ?? '') })),
      [
        { from: ctx.azure.vnetPrefixes, ...lp, action: 'accept' },
        ...(ctx.azure.spokePrefixes.length ? [{ fromOrLonger: ctx.azure.spokePrefixes, ...lp, action: 'accept' }] : []),
        { action: 'reject' },
      ],
      'import accepts only the VNet prefixes exactly and the spoke prefixes with their more specifics (lower local-preference when ExpressRoute is primary)',
    );
    eq(
      exp.map(([, t]) => ({ ...t, from: f.prefixLists.get(t.from ?? '') })),
      [{ from: ctx.site.addressSpace, ...(ctx.expressRouteBackup ? { prepend: `${ctx.bgp.localAsn} ${ctx.bgp.localAsn}` } : {}), action: 'accept' }, { from: undefined, action: 'reject' }],
      'export sends only the site prefixes (prepended twice when ExpressRoute is primary)',
    );
    eq(f.aggregates, (ctx.options.prefixAdvertisement ?? 'anchor') === 'anchor' ? ctx.site.addressSpace : [], 'aggregates for the site prefixes only with prefixAdvertisement anchor');
    eq(g?.preference, ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp' ? 250 : undefined, 'BGP preference 250 when ExpressRoute arrives by an IGP or static routes');
    eq(g?.multipath, ctx.tunnels.length > 1 ? true : undefined, 'multipath with two Azure instances');
  }
  // Two tunnels: the forwarding table gets both next hops for the Azure prefixes (and only those).
  if (ctx.tunnels.length > 1) {
    eq(f.forwardingTableExports.length, 1, 'one forwarding-table export policy');
    const lb = [...(f.policyStatements.get(f.forwardingTableExports[0] ?? '') ?? new Map()).values()];
    eq(
      lb.map((t) => ({ ...t, from: f.prefixLists.get(t.from ?? ''), fromOrLonger: f.prefixLists.get(t.fromOrLonger ?? '') })),
      [
        { from: ctx.azure.vnetPrefixes, loadBalance: 'per-packet' },
        ...(ctx.azure.spokePrefixes.length ? [{ fromOrLonger: ctx.azure.spokePrefixes, loadBalance: 'per-packet' }] : []),
      ],
      'load-balance policy over the Azure prefixes',
    );
  } else {
    eq(f.forwardingTableExports, [], 'no forwarding-table export with one instance');
  }

  // Vendor syntax only; header first; verification last.
  const configLines = text.split('\n').filter((l) => l.startsWith('set ') && !l.includes('pre-shared-key'));
  const enumLine = configLines.find((l) => AZURE_ENUM_TOKEN.test(l));
  expect(enumLine === undefined, `Azure enum name in Junos syntax: "${enumLine}"`);
  expect(text.startsWith('# tunnelsmith: '), 'file opens with the tunnelsmith header');
  const lastSet = text.lastIndexOf('\nset ');
  const tail = text.slice(text.indexOf('\n', lastSet + 1));
  for (const cmd of ['show security ike security-associations', 'show security ipsec security-associations', ...(ctx.bgp ? ['show bgp summary'] : [])]) {
    expect(tail.includes(`# ${cmd}\n`), `verification command "${cmd}" after the configuration`);
  }
  return out;
}
