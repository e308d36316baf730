/**
 * The cisco-ios view: every value the IOS-XE template prints, computed here (names, masks, interface
 * numbers, per-tunnel values, BGP neighbors, DPD timers, header lines). Pure.
 */
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { azurePrefixes, azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import { prefixAdvertisementOf, type PrefixAdvertisement } from '../kit/prefixAdvertisement';
import { cidr, netmask } from '../../net/ipv4';
import { isGcm } from '../../policy/catalog';
import { ciscoIkeProposal, ciscoPfsGroup, ciscoTransforms, type CiscoIkeProposal } from './keywords';
import { ciscoObjectNames } from './objectNames';

/** TCP MSS clamp on the tunnels (azure-facts.md section 6) and the tunnel IP MTU Azure recommends. */
export const TUNNEL_MSS = 1350;
export const TUNNEL_MTU = 1400;
/** Local preference for routes learned over the VPN when ExpressRoute is primary (IOS-XE default is 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/** Administrative distance of the static VNet routes when ExpressRoute is primary (above eBGP 20 and iBGP 200). */
export const BACKUP_STATIC_DISTANCE = 250;
/** Distance of the Null0 anchors that let `network` statements announce the site prefixes. */
export const ANCHOR_DISTANCE = 254;
/**
 * Administrative distance of the routes learned from Azure's BGP peers when ExpressRoute's routes reach
 * the router by an IGP or static routes: worse than static (1), EIGRP (90/170), OSPF (110), IS-IS (115),
 * RIP (120) and iBGP (200), so the VPN's eBGP routes (default 20) stay the backup. Set per neighbour
 * (`distance 250 <neighbour> 0.0.0.0`, Cisco BGP-4 Command Handbook 5-1/5-2), so other eBGP peers keep 20.
 */
export const VPN_BGP_DISTANCE = 250;
/** Both Azure instances announce the same AS path (65515): eBGP multipath installs both tunnels' routes. */
export const ACTIVE_ACTIVE_MAXIMUM_PATHS = 2;
/** TTL for eBGP multihop to Azure's GatewaySubnet BGP address; the /32 host route keeps it on the tunnel. */
export const MULTIHOP_TTL = 255;
/** Keepalive that holds a NAT mapping open when the router sits behind NAT. */
export const NAT_KEEPALIVE_SECONDS = 20;
/** IOS-XE IKEv2 DPD ranges. */
const DPD_INTERVAL = { min: 10, max: 3600 };
const DPD_RETRY = { min: 2, max: 60 };
/** IOS-XE sends this many DPD retries before it declares the peer dead. */
const DPD_RETRIES = 5;

export interface CiscoTunnelView {
  interfaceName: string;
  number: number;
  description: string;
  unnumberedTo: string;
  source: string;
  destination: string;
  mtu: number;
  mss: number;
}

export interface CiscoRouteView {
  network: string;
  mask: string;
  interfaceName: string;
  /** Administrative distance, or null for the default. */
  distance: number | null;
  comment: string;
}

export interface CiscoNeighborView {
  address: string;
  description: string;
  remoteAsn: number;
  /** `ebgp-multihop N` (multihop mode), else null. */
  multihopTtl: number | null;
  /** `disable-connected-check` (APIPA mode: a direct peer over an unnumbered tunnel). */
  disableConnectedCheck: boolean;
  updateSource: string;
  keepaliveSeconds: number;
  holdSeconds: number;
}

export interface CiscoBgpView {
  localAsn: number;
  neighbors: CiscoNeighborView[];
  /** Site prefixes announced with `network` (each needs the exact prefix in the RIB). */
  networks: { network: string; mask: string }[];
  /** `anchor`: a Null0 route per site prefix; `table`: none (announced only while the RIB holds it). */
  prefixAdvertisement: PrefixAdvertisement;
  anchors: { network: string; mask: string }[];
  anchorDistance: number;
  /** `maximum-paths N` (active-active), else null. */
  maximumPaths: number | null;
  /** Per-neighbour `distance` when ExpressRoute arrives by an IGP or static routes, else empty. */
  distances: { distance: number; address: string; wildcard: string }[];
  prefixListFromAzure: { name: string; entries: { seq: number; prefix: string; le: number | null }[] };
  prefixListToAzure: { name: string; entries: { seq: number; prefix: string }[] };
  routeMapFromAzure: { name: string; localPreference: number | null };
  routeMapToAzure: { name: string; prepend: string | null };
}

export interface CiscoView extends Record<string, unknown> {
  header: string[];
  /** Never empty: the template prints it with one join behind the comment marker, not a loop. */
  notes: string[];
  ikeProposals: (CiscoIkeProposal & { name: string })[];
  ikePolicy: { name: string; localAddress: string; proposalNames: string[] };
  keyring: { name: string; sharedKey: string; peers: { name: string; address: string }[] };
  ikeProfile: {
    name: string;
    remoteAddresses: string[];
    localIdentity: string;
    keyring: string;
    lifetimeSeconds: number;
    dpdInterval: number;
    dpdRetry: number;
  };
  natKeepaliveSeconds: number | null;
  /** The front-door VRF of the outside interface (`match fvrf`, `tunnel vrf`), or null for the global table. */
  outsideVrf: string | null;
  transformSets: { name: string; transforms: string }[];
  ipsecProfile: {
    name: string;
    transformSetList: string;
    ikeProfile: string;
    pfsGroup: string | null;
    lifetimeSeconds: number;
    lifetimeKilobytes: number;
  };
  loopback: { interfaceName: string; address: string; mask: string; description: string } | null;
  tunnels: CiscoTunnelView[];
  vnetRoutes: CiscoRouteView[];
  hostRoutes: CiscoRouteView[];
  bgp: CiscoBgpView | null;
  acl: { name: string; applyInterface: string; entries: { source: string; destination: string }[] };
  verify: { tunnels: { interfaceName: string; peer: string }[]; neighbors: string[]; vnetPrefix: string; pingSource: string | null };
}

/** IOS-XE DPD timers that declare Azure dead after about `timeout` seconds (never shorter than the device allows). */
export function ciscoDpdTimers(timeoutSeconds: number): { interval: number; retry: number } {
  const retry = clamp(Math.floor(timeoutSeconds / 10), DPD_RETRY.min, DPD_RETRY.max);
  const interval = clamp(timeoutSeconds - DPD_RETRIES * retry, DPD_INTERVAL.min, DPD_INTERVAL.max);
  return { interval, retry };
}

/** The cisco-ios view for one site. Assumes the proposal and option checks passed. */
export function buildCiscoView(ctx: SiteContext, device: DeviceDefinition): CiscoView {
  const names = ciscoObjectNames(ctx.site.name);
  const outside = String(ctx.options.outsideInterface);
  const loopbackName = String(ctx.options.loopbackInterface);
  const tunnelBase = Number(ctx.options.tunnelNumberBase);
  const outsideVrf = ctx.options.outsideVrf ? String(ctx.options.outsideVrf) : null;
  const localAddress = ctx.outsideAddress ?? ctx.site.publicIp;
  const p = ctx.proposals;
  const dpd = ciscoDpdTimers(ctx.dpdTimeoutSeconds);

  const ikeProposals = p.ike.map((ike, i) => ({ name: names.ikeProposal(i, p.ike.length), ...ciscoIkeProposal(ike) }));
  const transformSets = p.esp.map((esp, i) => ({ name: names.transformSet(i, p.esp.length), transforms: ciscoTransforms(esp) }));

  const tunnelInterface = (n: number): string => `Tunnel${tunnelBase + n - 1}`;
  const tunnels: CiscoTunnelView[] = ctx.tunnels.map((t) => ({
    interfaceName: tunnelInterface(t.number),
    number: tunnelBase + t.number - 1,
    description: `Azure VPN gateway instance ${t.number} (${t.azurePublicIp})`,
    unnumberedTo: ctx.bgp ? loopbackName : outside,
    source: outside,
    destination: t.azurePublicIp,
    mtu: TUNNEL_MTU,
    mss: TUNNEL_MSS,
  }));

  const vnetRoutes: CiscoRouteView[] = ctx.bgp
    ? []
    : azurePrefixList(ctx).flatMap((prefix) =>
        tunnels.map((t) => {
          const c = cidr(prefix);
          return {
            network: c.network,
            mask: netmask(c.prefixLength),
            interfaceName: t.interfaceName,
            distance: ctx.expressRouteBackup ? BACKUP_STATIC_DISTANCE : null,
            comment: `Azure ${ctx.azure.spokePrefixes.includes(prefix) ? 'spoke' : 'VNet'} ${prefix} via ${t.interfaceName}`,
          };
        }),
      );
  const hostRoutes: CiscoRouteView[] = ctx.bgp
    ? ctx.tunnels.map((t) => ({
        network: String(t.azureBgpIp),
        mask: netmask(32),
        interfaceName: tunnelInterface(t.number),
        distance: null,
        comment: `Azure BGP address of instance ${t.number} via its own tunnel`,
      }))
    : [];

  return {
    header: commentSafe(buildHeaderLines(ctx, device, 'Cisco IOS-XE configuration for the Azure site-to-site VPN', ciscoBackupPath(ctx))),
    notes: commentSafe(buildNotes(ctx, { outside, loopbackName, dpd, outsideVrf })),
    ikeProposals,
    ikePolicy: { name: names.ikePolicy, localAddress, proposalNames: ikeProposals.map((x) => x.name) },
    keyring: {
      name: names.keyring,
      sharedKey: ctx.sharedKey,
      peers: ctx.tunnels.map((t) => ({ name: names.keyringPeer(t.number), address: t.azurePublicIp })),
    },
    ikeProfile: {
      name: names.ikeProfile,
      remoteAddresses: ctx.tunnels.map((t) => t.azurePublicIp),
      localIdentity: ctx.site.publicIp,
      keyring: names.keyring,
      lifetimeSeconds: p.ikeLifetimeSeconds,
      dpdInterval: dpd.interval,
      dpdRetry: dpd.retry,
    },
    natKeepaliveSeconds: ctx.outsideAddress ? NAT_KEEPALIVE_SECONDS : null,
    outsideVrf,
    transformSets,
    ipsecProfile: {
      name: names.ipsecProfile,
      transformSetList: transformSets.map((t) => t.name).join(' '),
      ikeProfile: names.ikeProfile,
      pfsGroup: ciscoPfsGroup(p.pfsGroup),
      lifetimeSeconds: p.saLifeTimeSeconds,
      lifetimeKilobytes: p.saDataSizeKilobytes,
    },
    loopback: ctx.bgp
      ? {
          interfaceName: loopbackName,
          address: ctx.bgp.localIp,
          mask: netmask(32),
          description: `BGP address for Azure (${ctx.bgp.mode === 'apipa' ? 'APIPA' : 'eBGP multihop'})`,
        }
      : null,
    tunnels,
    vnetRoutes,
    hostRoutes,
    bgp: ctx.bgp ? buildBgp(ctx, names, loopbackName) : null,
    acl: {
      name: names.outsideAcl,
      applyInterface: outside,
      entries: ctx.tunnels.map((t) => ({ source: t.azurePublicIp, destination: localAddress })),
    },
    verify: {
      tunnels: tunnels.map((t) => ({ interfaceName: t.interfaceName, peer: t.destination })),
      neighbors: ctx.tunnels.flatMap((t) => (t.azureBgpIp ? [t.azureBgpIp] : [])),
      vnetPrefix: cidr(ctx.azure.vnetPrefixes[0] ?? '0.0.0.0/0').network,
      pingSource: ctx.bgp ? loopbackName : null,
    },
  };
}

function buildBgp(ctx: SiteContext, names: ReturnType<typeof ciscoObjectNames>, loopbackName: string): CiscoBgpView {
  const bgp = ctx.bgp!;
  const apipa = bgp.mode === 'apipa';
  const advertisement = prefixAdvertisementOf(ctx.options);
  const networks = ctx.site.addressSpace.map((prefix) => {
    const c = cidr(prefix);
    return { network: c.network, mask: netmask(c.prefixLength) };
  });
  return {
    localAsn: bgp.localAsn,
    neighbors: ctx.tunnels.map((t) => ({
      address: String(t.azureBgpIp),
      description: `Azure VPN gateway instance ${t.number}`,
      remoteAsn: bgp.azureAsn,
      multihopTtl: apipa ? null : MULTIHOP_TTL,
      disableConnectedCheck: apipa,
      updateSource: loopbackName,
      keepaliveSeconds: bgp.keepaliveSeconds,
      holdSeconds: bgp.holdSeconds,
    })),
    networks,
    prefixAdvertisement: advertisement,
    anchors: advertisement === 'anchor' ? networks : [],
    anchorDistance: ANCHOR_DISTANCE,
    maximumPaths: ctx.tunnels.length > 1 ? ACTIVE_ACTIVE_MAXIMUM_PATHS : null,
    distances: vpnDistanceApplies(ctx) ? ctx.tunnels.map((t) => ({ distance: VPN_BGP_DISTANCE, address: String(t.azureBgpIp), wildcard: '0.0.0.0' })) : [],
    prefixListFromAzure: {
      name: names.prefixListFromAzure,
      entries: azurePrefixes(ctx).map((p, i) => ({ seq: (i + 1) * 10, prefix: p.prefix, le: p.orLonger ? 32 : null })),
    },
    prefixListToAzure: { name: names.prefixListToAzure, entries: ctx.site.addressSpace.map((prefix, i) => ({ seq: (i + 1) * 10, prefix })) },
    routeMapFromAzure: { name: names.routeMapFromAzure, localPreference: ctx.expressRouteBackup ? BACKUP_LOCAL_PREFERENCE : null },
    routeMapToAzure: { name: names.routeMapToAzure, prepend: ctx.expressRouteBackup ? `${bgp.localAsn} ${bgp.localAsn}` : null },
  };
}

/** ExpressRoute is primary and its routes arrive by an IGP or static routes: the VPN's eBGP routes need distance 250. */
function vpnDistanceApplies(ctx: SiteContext): boolean {
  return ctx.bgp !== undefined && ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
}

/** How this file keeps the VPN the backup, for the header (depends on the routing mode and on how ExpressRoute's routes arrive). */
export function ciscoBackupPath(ctx: SiteContext): string {
  if (!ctx.bgp) {
    return `the static routes to Azure over the tunnels are floating, distance ${BACKUP_STATIC_DISTANCE}: any route to the same prefix over ExpressRoute, learned by BGP, an IGP or a static route, wins`;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it, AS path prepended twice on routes sent over it`;
  if (ctx.expressRouteRoutesVia === 'bgp') return `ExpressRoute's routes arrive by BGP: ${bgpRule}, so the BGP path over ExpressRoute wins`;
  const how = ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
  return `ExpressRoute's routes arrive by ${how}: routes learned from the Azure neighbours get distance ${VPN_BGP_DISTANCE} (eBGP's 20 would beat ${how}, and local preference only compares BGP paths), so ${ctx.expressRouteRoutesVia === 'igp' ? 'the IGP routes' : 'the static routes'} win while they exist; also ${bgpRule}`;
}

function buildNotes(
  ctx: SiteContext,
  v: { outside: string; loopbackName: string; dpd: { interval: number; retry: number }; outsideVrf: string | null },
): string[] {
  const notes: string[] = [];
  const t = ctx.tunnels.length;
  if (!ctx.bgp) {
    notes.push(`Tunnels: ${t} VTI(s), unnumbered to ${v.outside}; static routes to the Azure prefixes use them.`);
  } else if (ctx.bgp.mode === 'multihop') {
    notes.push(`Tunnels: ${t} VTI(s), unnumbered to ${v.loopbackName}, which holds the BGP address ${ctx.bgp.localIp}.`);
    notes.push(`BGP: eBGP multihop (TTL ${MULTIHOP_TTL}) from ${v.loopbackName} to Azure's GatewaySubnet BGP address(es); a /32 host route pins each to its own tunnel.`);
  } else {
    notes.push(`Tunnels: ${t} VTI(s), all unnumbered to ${v.loopbackName}, which holds the one APIPA BGP address ${ctx.bgp.localIp}/32.`);
    notes.push('IOS-XE refuses the same address on two tunnel interfaces, so the APIPA /30 is not put on the tunnels; each Azure APIPA');
    notes.push('address is reached by a /32 host route through its own tunnel and peered directly (disable-connected-check, TTL 1).');
    notes.push('APIPA: Azure expects the appliance to open the BGP session (do not rely on Azure opening it): this router initiates');
    notes.push('(the default; do not make the neighbors passive).');
  }
  if (ctx.bgp) {
    notes.push(`WARNING: ${v.loopbackName} gets ip address ${ctx.bgp.localIp}/32, replacing its primary address; if ${v.loopbackName} is in use, set deviceOptions.loopbackInterface to a free loopback.`);
  }
  notes.push(`MSS/MTU: ip tcp adjust-mss ${TUNNEL_MSS} and ip mtu ${TUNNEL_MTU} on every tunnel.`);
  notes.push(
    `DPD: periodic, probe after ${v.dpd.interval} s, retry every ${v.dpd.retry} s (${DPD_RETRIES} retries): Azure declared dead after about ${v.dpd.interval + DPD_RETRIES * v.dpd.retry} s (Azure's DPD timeout: ${ctx.dpdTimeoutSeconds} s).`,
  );
  if (ctx.outsideAddress) {
    notes.push(`NAT: ${v.outside} holds ${ctx.outsideAddress} behind NAT; the IKE identity stays the public IP ${ctx.site.publicIp}.`);
    notes.push(`IKEv2 detects the NAT and moves to UDP 4500 (NAT-T); a ${NAT_KEEPALIVE_SECONDS} s NAT keepalive holds the mapping open. This router initiates: each tunnel negotiates as soon as it comes up.`);
  }
  if (v.outsideVrf) {
    notes.push(`Front-door VRF: ${v.outside} sits in VRF ${v.outsideVrf}; IKE and ESP run there (IKEv2 policy and profile match fvrf ${v.outsideVrf}, tunnel vrf ${v.outsideVrf}).`);
    notes.push(`This file does not create the VRF: ${v.outsideVrf} must exist (vrf definition, address-family ipv4), hold ${v.outside} and a route to Azure's public IPs.`);
    notes.push('The tunnels, BGP and the LAN stay in the global table.');
  }
  if (ctx.bgp) {
    notes.push(...ciscoAdvertisementNotes(ctx, prefixAdvertisementOf(ctx.options)));
    if (t > 1) {
      notes.push(`Load sharing: maximum-paths ${ACTIVE_ACTIVE_MAXIMUM_PATHS}: both Azure instances announce the same AS path (65515) with the same local preference, so both tunnels' routes are installed and CEF shares flows across them.`);
    }
  } else if (t > 1) {
    notes.push('Load sharing: the static routes via both tunnels have the same distance, so CEF shares flows across them; a tunnel whose IPsec SA is down goes down and its routes leave the table.');
  }
  if (ctx.azure.spokePrefixes.length) {
    notes.push(`Spokes: ${ctx.azure.spokePrefixes.join(', ')} (and their more specifics) are accepted from Azure like the VNet's own prefixes.`);
  }
  const p = ctx.proposals;
  const weak =
    p.ike.some((x) => ['DHGroup1', 'DHGroup2'].includes(x.dhGroup) || ['DES', 'DES3'].includes(x.encryption) || x.integrity === 'MD5') ||
    p.esp.some((x) => ['DES', 'DES3'].includes(x.encryption) || x.integrity === 'MD5') ||
    ['PFS1', 'PFS2'].includes(p.pfsGroup);
  if (weak) {
    notes.push('WEAK ALGORITHMS: IOS-XE 17.11 and later refuse DH groups 1/2, DES/3DES and MD5 unless "crypto engine compliance shield disable"');
    notes.push('is configured (and the router reloaded). Prefer a custom ipsecPolicy with strong values.');
  }
  if (p.ike.some((x) => isGcm(x.encryption))) {
    notes.push('IKEv2 with AES-GCM: the proposal carries a PRF (Azure\'s ikeIntegrity) and no integrity algorithm.');
  }
  return notes;
}

/** Which mechanism makes the site prefixes advertisable, and why (issue: anchors drop traffic a less specific route would carry). */
function ciscoAdvertisementNotes(ctx: SiteContext, mode: PrefixAdvertisement): string[] {
  if (mode === 'anchor') {
    return [
      `Site prefixes (prefixAdvertisement anchor, the default): a Null0 route per prefix (distance ${ANCHOR_DISTANCE}) lets network announce it whatever the LAN's routing.`,
      'RISK: traffic to any part of a site prefix this router reaches only through a less specific route (a default or summary toward the core) is',
      'dropped by the Null0 route. Safe when the router holds routes for every part of the prefix; otherwise set prefixAdvertisement: table.',
    ];
  }
  return [
    'Site prefixes (prefixAdvertisement table): no anchor; network announces each prefix only while the routing table holds exactly that prefix',
    '(a connected LAN, an IGP route or a summary static toward the core). Nothing is dropped, but a prefix known only as more specifics is not announced.',
  ];
}

/** Header and note lines are comments: no control character may break out of one. */
function commentSafe(lines: string[]): string[] {
  return lines.map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ' '));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
