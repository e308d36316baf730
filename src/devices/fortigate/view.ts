/**
 * The fortigate view: every value the FortiOS CLI template prints, computed here (names, masks, per-tunnel
 * phase 1/phase 2 values, firewall objects and policies, routes, BGP, DPD, header lines). Pure.
 */
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { azurePrefixes, azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import { prefixAdvertisementOf } from '../kit/prefixAdvertisement';
import { carriedProposals } from '../kit/keywordTable';
import { cidr, netmask } from '../../net/ipv4';
import { isGcm } from '../../policy/catalog';
import { FORTIOS_KEYWORDS, fortiosDhGroups, fortiosEspProposal, fortiosIkeProposal, fortiosPfsGroup } from './keywords';
import { fortiosObjectNames, type FortiosObjectNames } from './objectNames';

/** TCP MSS clamp on the tunnel interfaces (azure-facts.md section 6). */
export const TUNNEL_MSS = 1350;
/** Local preference for routes learned over the VPN when ExpressRoute is primary (FortiOS default is 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/**
 * Distance of the routes learned from the Azure neighbours when ExpressRoute's routes reach the FortiGate by an
 * IGP or static routes: worse than static (10), OSPF (110), RIP (120) and iBGP (200), so the VPN's eBGP routes
 * (default 20) stay the backup. Set per neighbour (`config admin-distance`, `neighbour-prefix`), so other eBGP
 * peers keep 20 (FortiOS CLI reference, config router bgp).
 */
export const VPN_BGP_DISTANCE = 250;
/** Distance of the static VNet routes over the tunnels when ExpressRoute is primary (above eBGP 20 and iBGP 200). */
export const BACKUP_STATIC_DISTANCE = 250;
/** Distance of the blackhole routes: the last resort, so traffic never leaves unencrypted when the tunnels are down. */
export const BLACKHOLE_DISTANCE = 254;
/** TTL of the eBGP sessions from the loopback; the /32 host route keeps each on its own tunnel. */
export const MULTIHOP_TTL = 255;
/** FortiOS IKEv2 liveness after the first unanswered probe: retransmissions at 3+6+12+24+48 s (Fortinet KB 294932). */
export const IKEV2_RETRANSMIT_SECONDS = 93;
/** `dpd-retryinterval` range FortiOS documents (older manuals: 1-60 s). */
const DPD_RETRY_INTERVAL = { min: 1, max: 60 };
const DPD_RETRY_COUNT = 3;

export interface FortiosTunnelView {
  name: string;
  number: number;
  comment: string;
  interfaceName: string;
  remoteGw: string;
  /** The private outside address when behind NAT, else null (FortiOS uses the interface address). */
  localGw: string | null;
  /** The public IP as the IKE identity when behind NAT, else null (the interface address is the public IP). */
  localId: string | null;
  proposal: string;
  dhgrp: string;
  keylife: number;
  dpdRetryInterval: number;
  dpdRetryCount: number;
  sharedKey: string;
  phase2: {
    name: string;
    proposal: string;
    pfsGroup: string | null;
    keylifeSeconds: number;
    keylifeKbs: number;
  };
  description: string;
  tcpMss: number;
}

export interface FortiosRouteView {
  ip: string;
  mask: string;
  /** The tunnel interface, or null for a blackhole route. */
  device: string | null;
  distance: number | null;
  comment: string;
}

export interface FortiosView extends Record<string, unknown> {
  header: string[];
  notes: string[];
  loopback: { name: string; vdom: string; ip: string; mask: string; description: string } | null;
  tunnels: FortiosTunnelView[];
  addresses: { name: string; ip: string; mask: string; comment: string }[];
  groups: { name: string; members: string[]; comment: string }[];
  policies: { name: string; srcintf: string[]; dstintf: string[]; srcaddr: string; dstaddr: string; services: string[]; comments: string }[];
  routes: FortiosRouteView[];
  bgp: FortiosBgpView | null;
  verify: { tunnels: string[]; neighbors: string[]; pingSource: string | null };
}

export interface FortiosBgpView {
  localAsn: number;
  keepaliveSeconds: number;
  holdSeconds: number;
  /** `ebgp-multipath enable` with two Azure instances: both tunnels' routes are installed. */
  ebgpMultipath: boolean;
  neighbors: { address: string; remoteAsn: number; updateSource: string; multihopTtl: number; routeMapIn: string; routeMapOut: string }[];
  networks: { ip: string; mask: string }[];
  /** `le` 32 accepts the prefix's more specifics too (spoke ranges), else null (exact match). */
  prefixLists: { name: string; rules: { id: number; ip: string; mask: string; le: number | null }[] }[];
  routeMapIn: { name: string; prefixList: string; localPreference: number | null };
  routeMapOut: { name: string; prefixList: string; prepend: string | null };
  /** `config admin-distance` entries, one per Azure neighbour, when ExpressRoute arrives by an IGP or static routes; else empty. */
  adminDistances: { neighbourPrefix: string; distance: number }[];
}

/** `dpd-retryinterval`: a probe after about a third of Azure's DPD timeout without traffic, within FortiOS' range. */
export function fortiosDpdRetryInterval(timeoutSeconds: number): number {
  return Math.min(DPD_RETRY_INTERVAL.max, Math.max(DPD_RETRY_INTERVAL.min, Math.round(timeoutSeconds / 3)));
}

/**
 * The site prefixes that get a blackhole anchor route so BGP can announce them: every one with BGP and
 * `prefixAdvertisement` anchor (the default); none with `table`, where a prefix is announced only while the
 * routing table already holds it.
 */
export function anchoredPrefixes(ctx: SiteContext): string[] {
  return ctx.bgp && prefixAdvertisementOf(ctx.options) === 'anchor' ? [...ctx.site.addressSpace] : [];
}

/** The fortigate view for one site. Assumes the proposal and option checks passed. */
export function buildFortiosView(ctx: SiteContext, device: DeviceDefinition): FortiosView {
  const names = fortiosObjectNames(ctx.site.name);
  const outside = String(ctx.options.outsideInterface);
  const inside = String(ctx.options.insideInterface);
  const loopbackName = String(ctx.options.loopbackInterface);
  const p = ctx.proposals;
  const { ike, esp } = carriedProposals(FORTIOS_KEYWORDS, p);
  const dpdRetryInterval = fortiosDpdRetryInterval(ctx.dpdTimeoutSeconds);
  const pfsGroup = fortiosPfsGroup(p.pfsGroup);
  /** Every Azure prefix: the VNet's, then the spoke ranges (kit/azurePrefixes.ts). */
  const azure = azurePrefixList(ctx);

  const tunnels: FortiosTunnelView[] = ctx.tunnels.map((t) => {
    const name = names.tunnel(t.number);
    return {
      name,
      number: t.number,
      comment: `Azure VPN gateway instance ${t.number} (${t.azurePublicIp})`,
      interfaceName: outside,
      remoteGw: t.azurePublicIp,
      localGw: ctx.outsideAddress ?? null,
      localId: ctx.outsideAddress ? ctx.site.publicIp : null,
      proposal: ike.map(fortiosIkeProposal).join(' '),
      dhgrp: fortiosDhGroups(ike).join(' '),
      keylife: p.ikeLifetimeSeconds,
      dpdRetryInterval,
      dpdRetryCount: DPD_RETRY_COUNT,
      sharedKey: ctx.sharedKey,
      phase2: {
        name,
        proposal: esp.map(fortiosEspProposal).join(' '),
        pfsGroup,
        keylifeSeconds: p.saLifeTimeSeconds,
        keylifeKbs: p.saDataSizeKilobytes,
      },
      description: `Azure instance ${t.number} ${t.azurePublicIp}`,
      tcpMss: TUNNEL_MSS,
    };
  });
  const tunnelNames = tunnels.map((t) => t.name);
  const tunnelOf = (n: number): string => names.tunnel(n);

  const spokeNames = ctx.azure.spokePrefixes.map((_, i) => names.spokeAddress(i));
  const azureNames = [...ctx.azure.vnetPrefixes.map((_, i) => names.vnetAddress(i)), ...spokeNames];
  const addresses: FortiosView['addresses'] = [
    ...ctx.azure.vnetPrefixes.map((prefix, i) => ({ name: names.vnetAddress(i), ...ipMask(prefix), comment: `Azure prefix ${prefix}` })),
    ...ctx.azure.spokePrefixes.map((prefix, i) => ({ name: spokeNames[i], ...ipMask(prefix), comment: `Azure spoke range ${prefix} (peered VNets)` })),
    ...ctx.site.addressSpace.map((prefix, i) => ({ name: names.onpremAddress(i), ...ipMask(prefix), comment: `on-premises prefix ${prefix}` })),
  ];
  const groups: FortiosView['groups'] = [
    { name: names.vnetGroup, members: azureNames, comment: 'Azure prefixes reached through the VPN' },
    { name: names.onpremGroup, members: ctx.site.addressSpace.map((_, i) => names.onpremAddress(i)), comment: `on-premises prefixes of site ${ctx.site.name}` },
  ];
  const policies: FortiosView['policies'] = [
    { name: names.policyToAzure, srcintf: [inside], dstintf: tunnelNames, srcaddr: names.onpremGroup, dstaddr: names.vnetGroup, services: ['ALL'], comments: 'on-premises to Azure through the VPN' },
    { name: names.policyFromAzure, srcintf: tunnelNames, dstintf: [inside], srcaddr: names.vnetGroup, dstaddr: names.onpremGroup, services: ['ALL'], comments: 'Azure to on-premises through the VPN' },
  ];

  let loopback: FortiosView['loopback'] = null;
  const routes: FortiosRouteView[] = [];
  if (ctx.bgp) {
    loopback = { name: loopbackName, vdom: String(ctx.options.vdom), ip: ctx.bgp.localIp, mask: netmask(32), description: `BGP address for Azure (${ctx.bgp.mode === 'apipa' ? 'APIPA' : 'eBGP multihop'})` };
    for (const t of ctx.tunnels) {
      addresses.push({ name: names.azureBgpAddress(t.number), ip: String(t.azureBgpIp), mask: netmask(32), comment: `Azure BGP address of instance ${t.number}` });
    }
    addresses.push({ name: names.localBgpAddress, ip: ctx.bgp.localIp, mask: netmask(32), comment: 'BGP address of this FortiGate (loopback)' });
    groups.push({ name: names.azureBgpGroup, members: ctx.tunnels.map((t) => names.azureBgpAddress(t.number)), comment: 'Azure BGP addresses' });
    policies.push({ name: names.policyBgp, srcintf: tunnelNames, dstintf: [loopbackName], srcaddr: names.azureBgpGroup, dstaddr: names.localBgpAddress, services: ['BGP', 'PING'], comments: 'BGP and ping from Azure to the loopback' });
    for (const t of ctx.tunnels) {
      routes.push({ ...ipMask(`${t.azureBgpIp}/32`), device: tunnelOf(t.number), distance: null, comment: `Azure BGP address of instance ${t.number} via its own tunnel` });
    }
    for (const prefix of anchoredPrefixes(ctx)) {
      routes.push({ ...ipMask(prefix), device: null, distance: BLACKHOLE_DISTANCE, comment: `anchor: lets BGP announce ${prefix}` });
    }
  } else {
    for (const prefix of azure) {
      for (const t of ctx.tunnels) {
        routes.push({
          ...ipMask(prefix),
          device: tunnelOf(t.number),
          distance: ctx.expressRouteBackup ? BACKUP_STATIC_DISTANCE : null,
          comment: `Azure ${prefix} via instance ${t.number}${ctx.expressRouteBackup ? ' (floating: ExpressRoute first)' : ''}`,
        });
      }
      routes.push({ ...ipMask(prefix), device: null, distance: BLACKHOLE_DISTANCE, comment: `Azure ${prefix}: dropped when every tunnel is down` });
    }
  }

  return {
    header: commentSafe(buildHeaderLines(ctx, device, 'FortiOS CLI configuration for the Azure site-to-site VPN', fortiosBackupPath(ctx))),
    notes: commentSafe(buildNotes(ctx, { outside, inside, loopbackName, dpdRetryInterval, tunnels: tunnelNames })),
    loopback,
    tunnels,
    addresses,
    groups,
    policies,
    routes,
    bgp: ctx.bgp ? buildBgp(ctx, names, loopbackName) : null,
    verify: {
      tunnels: tunnelNames,
      neighbors: ctx.tunnels.flatMap((t) => (t.azureBgpIp ? [t.azureBgpIp] : [])),
      pingSource: ctx.bgp ? ctx.bgp.localIp : null,
    },
  };
}

function buildBgp(ctx: SiteContext, names: FortiosObjectNames, loopbackName: string): FortiosBgpView {
  const bgp = ctx.bgp!;
  const rules = (prefixes: { prefix: string; orLonger: boolean }[]) => prefixes.map((p, i) => ({ id: i + 1, ...ipMask(p.prefix), le: p.orLonger ? 32 : null }));
  return {
    localAsn: bgp.localAsn,
    keepaliveSeconds: bgp.keepaliveSeconds,
    holdSeconds: bgp.holdSeconds,
    ebgpMultipath: ctx.tunnels.length > 1,
    neighbors: ctx.tunnels.map((t) => ({
      address: String(t.azureBgpIp),
      remoteAsn: bgp.azureAsn,
      updateSource: loopbackName,
      multihopTtl: MULTIHOP_TTL,
      routeMapIn: names.routeMapIn,
      routeMapOut: names.routeMapOut,
    })),
    networks: ctx.site.addressSpace.map(ipMask),
    prefixLists: [
      { name: names.prefixListVnet, rules: rules(azurePrefixes(ctx)) },
      { name: names.prefixListOnprem, rules: rules(ctx.site.addressSpace.map((prefix) => ({ prefix, orLonger: false }))) },
    ],
    routeMapIn: { name: names.routeMapIn, prefixList: names.prefixListVnet, localPreference: ctx.expressRouteBackup ? BACKUP_LOCAL_PREFERENCE : null },
    routeMapOut: { name: names.routeMapOut, prefixList: names.prefixListOnprem, prepend: ctx.expressRouteBackup ? `${bgp.localAsn} ${bgp.localAsn}` : null },
    adminDistances: vpnDistanceApplies(ctx) ? ctx.tunnels.map((t) => ({ neighbourPrefix: `${t.azureBgpIp} ${netmask(32)}`, distance: VPN_BGP_DISTANCE })) : [],
  };
}

/**
 * How this file keeps the VPN the backup, for the header (routing mode and how ExpressRoute's routes arrive).
 * FortiOS' default distances: static 10, eBGP 20, OSPF 110, RIP 120, iBGP 200 (FortiOS administration guide, routing concepts).
 */
export function fortiosBackupPath(ctx: SiteContext): string {
  if (!ctx.bgp) {
    const how = ctx.expressRouteRoutesVia === 'bgp' ? 'BGP' : ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
    return `the static routes to Azure over the tunnels are floating, distance ${BACKUP_STATIC_DISTANCE}, worse than every FortiOS default (static 10, eBGP 20, OSPF 110, RIP 120, iBGP 200): ExpressRoute's routes arrive by ${how} and win while they exist`;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it, AS path prepended twice on routes sent over it`;
  if (!vpnDistanceApplies(ctx)) return `ExpressRoute's routes arrive by BGP: ${bgpRule}, so the BGP path over ExpressRoute wins`;
  const distance = `routes learned from the Azure neighbours get distance ${VPN_BGP_DISTANCE} (admin-distance per neighbour; other eBGP peers keep 20)`;
  if (ctx.expressRouteRoutesVia === 'igp') {
    return `ExpressRoute's routes arrive by an IGP: ${distance}, since eBGP's 20 would beat OSPF's 110 and RIP's 120 and local preference only compares BGP paths, so the IGP routes win while they exist; also ${bgpRule}`;
  }
  return `ExpressRoute's routes arrive by static routes: ${distance}; FortiOS already prefers a static route (10) over eBGP (20), and 250 keeps it so where the static route's distance was raised; also ${bgpRule}`;
}

/** ExpressRoute is primary and its routes arrive by an IGP or static routes: the Azure neighbours' routes get distance 250. */
function vpnDistanceApplies(ctx: SiteContext): boolean {
  return ctx.bgp !== undefined && ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
}

function buildNotes(ctx: SiteContext, v: { outside: string; inside: string; loopbackName: string; dpdRetryInterval: number; tunnels: string[] }): string[] {
  const notes: string[] = [];
  const list = v.tunnels.join(', ');
  notes.push(`Tunnels: route-based phase1-interface(s) ${list} on ${v.outside}, one per Azure instance; phase 2 selectors 0.0.0.0/0 both ways.`);
  if (!ctx.bgp) {
    notes.push('Routing: static routes to the Azure prefixes through every tunnel; a blackhole route (distance 254) keeps that traffic');
    notes.push('off the Internet while the tunnels are down (FortiOS withdraws routes through a tunnel that is down).');
  } else {
    const how = ctx.bgp.mode === 'apipa' ? 'the one APIPA BGP address' : 'the BGP address';
    notes.push(`BGP: the loopback ${v.loopbackName} holds ${how} ${ctx.bgp.localIp}/32; each Azure BGP address is reached by a /32 route through its own tunnel.`);
    if (ctx.bgp.mode === 'apipa') {
      notes.push('Both tunnels share that one APIPA address, so it sits on the loopback rather than on the tunnel interfaces; ebgp-enforce-multihop');
      notes.push('lifts the connected-subnet check. Azure never initiates BGP from an APIPA address: the FortiGate initiates (never make the neighbors passive).');
    } else {
      notes.push(`Azure peers from GatewaySubnet addresses: eBGP multihop (ebgp-enforce-multihop, TTL ${MULTIHOP_TTL}) from the loopback (update-source).`);
    }
    notes.push(`The policy ${fortiosObjectNames(ctx.site.name).policyBgp} lets BGP and ping from the tunnels reach the loopback (FortiOS needs a policy for traffic to a loopback).`);
    notes.push(`router bgp "as" is set to ${ctx.bgp.localAsn} (32-bit ASNs are accepted as plain numbers); a FortiGate already running BGP under another AS must keep one AS per VDOM.`);
    notes.push(...fortiosAdvertisementNotes(ctx));
  }
  if (ctx.azure.spokePrefixes.length) {
    const spokes = ctx.azure.spokePrefixes.join(', ');
    notes.push(
      ctx.bgp
        ? `Spokes: ${spokes} (and their more specifics) are accepted from Azure (prefix-list rules with le 32) and allowed by the firewall policies like the VNet's own prefixes.`
        : `Spokes: the static routes through the tunnels cover ${spokes} too, and the firewall policies allow them like the VNet's own prefixes.`,
    );
  }
  if (v.tunnels.length > 1) {
    notes.push(
      ctx.bgp
        ? 'Load sharing: ebgp-multipath enable: both Azure instances announce the same AS path (65515) with the same local preference, so FortiOS installs both tunnels\' routes and shares sessions across them (a router bgp setting: it applies to every eBGP peer).'
        : 'Load sharing: the static routes via both tunnels have the same distance and priority, so FortiOS installs both (ECMP) and shares sessions across them; a tunnel that goes down takes its routes with it.',
    );
  }
  notes.push(`MSS: tcp-mss ${TUNNEL_MSS} on every tunnel interface. Firewall policies ${v.inside} <-> tunnels, with address groups for each side.`);
  notes.push(`DPD: on-idle, a probe after ${v.dpdRetryInterval} s without traffic. FortiOS IKEv2 then follows its fixed retransmission schedule (3+6+12+24+48 = ${IKEV2_RETRANSMIT_SECONDS} s)`);
  notes.push(`and ignores dpd-retrycount, so Azure is declared dead about ${v.dpdRetryInterval + IKEV2_RETRANSMIT_SECONDS} s after traffic stops; this cannot match Azure's DPD timeout of ${ctx.dpdTimeoutSeconds} s.`);
  if (ctx.bgp) notes.push(`BGP (hold time ${ctx.bgp.holdSeconds} s) moves traffic to the other path first.`);
  if (ctx.outsideAddress) {
    notes.push(`NAT: ${v.outside} holds ${ctx.outsideAddress} behind NAT (local-gw); the IKE identity stays the public IP ${ctx.site.publicIp} (localid-type address).`);
    notes.push('NAT-T is enabled: IKEv2 detects the NAT and moves to UDP 4500; auto-negotiate makes the FortiGate initiate.');
  }
  if (ctx.expressRouteBackup) {
    notes.push(
      ctx.bgp
        ? `ExpressRoute is primary: routes learned over the VPN get local-preference ${BACKUP_LOCAL_PREFERENCE}${vpnDistanceApplies(ctx) ? ` and distance ${VPN_BGP_DISTANCE}` : ''}; routes sent over it are prepended twice with AS ${ctx.bgp.localAsn}.`
        : `ExpressRoute is primary: the static routes through the tunnels are floating (distance ${BACKUP_STATIC_DISTANCE}), used only when no ExpressRoute route exists.`,
    );
  }
  notes.push('IKE (UDP 500, 4500) and ESP from the Azure public IPs are local-in traffic to the phase1 interface; if local-in policies restrict');
  notes.push(`${v.outside}, allow them from ${ctx.tunnels.map((t) => t.azurePublicIp).join(', ')}.`);
  notes.push('Firewall policies are added with "edit 0" (the next free id) at the end of the list: move them above any policy that would deny this traffic.');
  if (ctx.proposals.ike.some((x) => isGcm(x.encryption))) {
    notes.push("IKE with AES-GCM: the proposal names a PRF (Azure's ikeIntegrity) and no integrity algorithm.");
  }
  return notes;
}

function ipMask(prefix: string): { ip: string; mask: string } {
  const c = cidr(prefix);
  return { ip: c.network, mask: netmask(c.prefixLength) };
}

/** Which mechanism makes the site prefixes advertisable, and why (anchors drop traffic a less specific route would carry). */
function fortiosAdvertisementNotes(ctx: SiteContext): string[] {
  if (prefixAdvertisementOf(ctx.options) === 'anchor') {
    return [
      `Site prefixes (prefixAdvertisement anchor, the default): a blackhole route (distance ${BLACKHOLE_DISTANCE}) per prefix lets "config network" announce it`,
      'whatever the LAN\'s routing (network-import-check wants the prefix in the routing table).',
      'RISK: traffic to any part of a site prefix this FortiGate reaches only through a less specific route (a default or summary toward the core)',
      'is dropped by the blackhole route. Safe when the FortiGate holds routes for every part of the prefix; otherwise set prefixAdvertisement: table.',
    ];
  }
  return [
    'Site prefixes (prefixAdvertisement table): no anchor; "config network" announces each prefix only while the routing table holds that prefix',
    '(network-import-check, on by default: a connected LAN, an OSPF route or a summary static toward the core). Nothing is dropped, but a',
    'prefix the FortiGate knows only as more specifics is not announced.',
  ];
}

/** Header and note lines are comments: no control character may break out of one. */
function commentSafe(lines: string[]): string[] {
  return lines.map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ' '));
}
