/**
 * The paloalto view: every value the PAN-OS `set` template prints, computed here (names, tunnel units,
 * crypto profile members, gateways, zones, rules, routes, BGP, liveness, header lines). Pure.
 */
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { azurePrefixes, azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import { prefixAdvertisementOf } from '../kit/prefixAdvertisement';
import { isGcm } from '../../policy/catalog';
import { nearestLifesizes, panosCrypto, type ExactAmount } from './keywords';
import { panosObjectNames, type PanosObjectNames } from './objectNames';

/** Tunnel interface MTU: PAN-OS clamps TCP through IPsec to the tunnel MTU - 40, so 1390 gives MSS 1350 (PAN-OS KB kA10g000000ClW3CAK). */
export const TUNNEL_MTU = 1390;
export const TUNNEL_MSS = TUNNEL_MTU - 40;
/** Local preference for routes learned over the VPN when ExpressRoute is primary (PAN-OS default is 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/** Times the local AS is prepended on routes sent over the VPN when ExpressRoute is primary. */
export const BACKUP_PREPEND = 2;
/** Admin distance of the static routes over the tunnels when ExpressRoute is primary (above eBGP 20 and iBGP 200; PAN-OS allows 10..240). */
export const BACKUP_ADMIN_DIST = 220;
/**
 * Admin distance of eBGP routes when ExpressRoute's routes reach the firewall by an IGP or static routes: worse
 * than static (10), OSPF (30/110), RIP (120) and iBGP (200), within PAN-OS' 10..240. PAN-OS sets it per virtual
 * router (`admin-dists ebgp`), not per peer (PAN-OS schema, virtual-router admin-dists).
 */
export const VPN_EBGP_ADMIN_DIST = 230;
/** Admin distance of the discard anchors for the site prefixes: the last resort. */
export const ANCHOR_ADMIN_DIST = 240;
/** Metric of the static routes through every tunnel: equal, so ECMP uses both tunnels of an active-active gateway. */
export const STATIC_METRIC = 10;
/**
 * ECMP paths on the virtual router with two Azure instances (PAN-OS allows 2..4). ECMP applies to static and
 * BGP routes alike (PAN-OS admin guide, ECMP; BGP multipath follows the virtual router's ECMP setting).
 */
export const ECMP_MAX_PATH = 2;
/** TTL of the eBGP sessions from the loopback; the /32 host route keeps each on its own tunnel. */
export const MULTIHOP_TTL = 255;
/** Priority of the redistribution profile that announces the site prefixes (1..255). */
export const REDIST_PRIORITY = 200;
/** PAN-OS IKEv2 liveness: after the first unanswered probe, 10 retries on a fixed schedule of about 7 minutes (PAN-OS 11.0 docs). */
export const LIVENESS_RETRY_SECONDS = 435;
const DPD_INTERVAL = { min: 2, max: 100 };

export interface PanosTunnelView {
  number: number;
  interfaceName: string;
  comment: string;
  gateway: string;
  ipsecTunnel: string;
  peerAddress: string;
}

export interface PanosRouteView {
  name: string;
  destination: string;
  /** The tunnel interface, or null for a discard route. */
  interfaceName: string | null;
  discard: boolean;
  metric: number | null;
  adminDist: number | null;
}

export interface PanosRuleView {
  name: string;
  from: string;
  to: string;
  source: string;
  destination: string;
  application: string;
  service: string;
  description: string;
}

export interface PanosBgpView {
  routerId: string;
  localAsn: number;
  peerGroup: string;
  peers: { name: string; address: string; remoteAsn: number; localInterface: string; localIp: string; multihop: number; keepalive: number; holdTime: number }[];
  /** `exact no` accepts the prefix's more specifics too (spoke ranges). */
  importVnet: { name: string; prefixes: { prefix: string; exact: 'yes' | 'no' }[]; localPreference: number | null };
  importDeny: string;
  exportOnprem: { name: string; prefixes: string[]; prepend: number | null };
  exportDeny: string;
  redist: { name: string; priority: number; types: string; prefixes: string };
}

export interface PanosView extends Record<string, unknown> {
  header: string[];
  notes: string[];
  ikeProfile: { name: string; encryption: string; hash: string; dhGroup: string; lifetime: ExactAmount };
  ipsecProfile: { name: string; encryption: string; authentication: string; dhGroup: string; lifetime: ExactAmount; lifesize: ExactAmount | null };
  gateways: { name: string; outsideInterface: string; peerAddress: string; localId: string; natTraversal: boolean; dpdInterval: number; sharedKey: string; ikeProfile: string }[];
  managementProfile: string;
  tunnels: PanosTunnelView[];
  mtu: number;
  loopback: { interfaceName: string; ip: string; comment: string } | null;
  /** `[ tunnel.100 tunnel.101 loopback.100 ]`: the interfaces imported into the vsys, zoned and routed. */
  interfaces: string;
  zones: { outside: string; inside: string; vpn: string };
  virtualRouter: string;
  /** `admin-dists ebgp` for the whole virtual router when ExpressRoute arrives by an IGP or static routes, else null. */
  ebgpAdminDist: number | null;
  /** ECMP on the virtual router with two Azure instances, else null. */
  ecmp: { maxPath: number } | null;
  addresses: { name: string; value: string; description: string }[];
  groups: { name: string; members: string }[];
  rules: PanosRuleView[];
  routes: PanosRouteView[];
  bgp: PanosBgpView | null;
  verify: { gateways: string[]; neighbors: string[]; pingSource: string | null };
}

/** PAN-OS `set` syntax for one or several values: `a` or `[ a b ]`. */
export function panosList(values: string[]): string {
  return values.length === 1 ? values[0] : `[ ${values.join(' ')} ]`;
}

/** Liveness `dpd interval`: a probe after about a third of Azure's DPD timeout without traffic, within PAN-OS' range. */
export function panosDpdInterval(timeoutSeconds: number): number {
  return Math.min(DPD_INTERVAL.max, Math.max(DPD_INTERVAL.min, Math.round(timeoutSeconds / 3)));
}

/**
 * The site prefixes that get a discard anchor route so BGP can announce them: every one with BGP and
 * `prefixAdvertisement` anchor (the default); none with `table`, where a prefix is announced only while the
 * virtual router already holds it.
 */
export function anchoredPrefixes(ctx: SiteContext): string[] {
  return ctx.bgp && prefixAdvertisementOf(ctx.options) === 'anchor' ? [...ctx.site.addressSpace] : [];
}

/**
 * The route sources the redistribution profile takes the site prefixes from: the discard anchors (static) with
 * `anchor`; with `table` whatever holds them in the virtual router (not BGP itself, which would loop).
 */
export function redistributedTypes(ctx: SiteContext): string[] {
  return prefixAdvertisementOf(ctx.options) === 'anchor' ? ['static'] : ['connect', 'ospf', 'rip', 'static'];
}

/** The paloalto view for one site. Assumes the proposal and option checks passed. */
export function buildPanosView(ctx: SiteContext, device: DeviceDefinition): PanosView {
  const names = panosObjectNames(ctx.site.name);
  const outsideInterface = String(ctx.options.outsideInterface);
  const unitBase = Number(ctx.options.tunnelUnitBase);
  const zones = { outside: String(ctx.options.outsideZone), inside: String(ctx.options.insideZone), vpn: String(ctx.options.vpnZone) };
  const crypto = panosCrypto(ctx.proposals);
  const dpdInterval = panosDpdInterval(ctx.dpdTimeoutSeconds);

  const tunnelInterface = (n: number): string => `tunnel.${unitBase + n - 1}`;
  const tunnels: PanosTunnelView[] = ctx.tunnels.map((t) => ({
    number: t.number,
    interfaceName: tunnelInterface(t.number),
    comment: `azure-instance-${t.number}-${t.azurePublicIp}`,
    gateway: names.gateway(t.number),
    ipsecTunnel: names.ipsecTunnel(t.number),
    peerAddress: t.azurePublicIp,
  }));
  const loopback = ctx.bgp ? { interfaceName: `loopback.${Number(ctx.options.loopbackUnit)}`, ip: `${ctx.bgp.localIp}/32`, comment: `azure-bgp-${ctx.bgp.mode}` } : null;
  const interfaces = [...tunnels.map((t) => t.interfaceName), ...(loopback ? [loopback.interfaceName] : [])];

  const addresses: PanosView['addresses'] = [
    ...ctx.azure.vnetPrefixes.map((prefix, i) => ({ name: names.vnetAddress(i), value: prefix, description: 'Azure prefix' })),
    ...ctx.azure.spokePrefixes.map((prefix, i) => ({ name: names.spokeAddress(i), value: prefix, description: 'Azure spoke range (peered VNets)' })),
    ...ctx.site.addressSpace.map((prefix, i) => ({ name: names.onpremAddress(i), value: prefix, description: 'on-premises prefix' })),
    ...ctx.tunnels.map((t) => ({ name: names.azureGatewayAddress(t.number), value: `${t.azurePublicIp}/32`, description: `Azure VPN gateway instance ${t.number}` })),
    { name: names.outsideAddress, value: `${ctx.outsideAddress ?? ctx.site.publicIp}/32`, description: 'this firewall on the outside interface' },
  ];
  const groups: PanosView['groups'] = [
    { name: names.vnetGroup, members: panosList([...ctx.azure.vnetPrefixes.map((_, i) => names.vnetAddress(i)), ...ctx.azure.spokePrefixes.map((_, i) => names.spokeAddress(i))]) },
    { name: names.onpremGroup, members: panosList(ctx.site.addressSpace.map((_, i) => names.onpremAddress(i))) },
    { name: names.azureGatewayGroup, members: panosList(ctx.tunnels.map((t) => names.azureGatewayAddress(t.number))) },
  ];
  const rules: PanosRuleView[] = [
    { name: names.ruleIkeIn, from: zones.outside, to: zones.outside, source: names.azureGatewayGroup, destination: names.outsideAddress, application: panosList(['ike', 'ipsec-esp', 'ipsec-esp-udp']), service: 'application-default', description: 'IKE, NAT-T and ESP from Azure' },
    { name: names.ruleToAzure, from: zones.inside, to: zones.vpn, source: names.onpremGroup, destination: names.vnetGroup, application: 'any', service: 'any', description: 'on-premises to Azure through the VPN' },
    { name: names.ruleFromAzure, from: zones.vpn, to: zones.inside, source: names.vnetGroup, destination: names.onpremGroup, application: 'any', service: 'any', description: 'Azure to on-premises through the VPN' },
  ];
  const routes: PanosRouteView[] = [];
  if (ctx.bgp) {
    addresses.push(...ctx.tunnels.map((t) => ({ name: names.azureBgpAddress(t.number), value: `${t.azureBgpIp}/32`, description: `Azure BGP address of instance ${t.number}` })));
    addresses.push({ name: names.localBgpAddress, value: `${ctx.bgp.localIp}/32`, description: 'this firewall BGP address (loopback)' });
    groups.push({ name: names.azureBgpGroup, members: panosList(ctx.tunnels.map((t) => names.azureBgpAddress(t.number))) });
    rules.push({ name: names.ruleBgpIn, from: zones.vpn, to: zones.vpn, source: names.azureBgpGroup, destination: names.localBgpAddress, application: panosList(['bgp', 'ping']), service: 'application-default', description: 'BGP and ping from Azure to the loopback' });
    for (const t of ctx.tunnels) {
      routes.push({ name: names.bgpHostRoute(t.number), destination: `${t.azureBgpIp}/32`, interfaceName: tunnelInterface(t.number), discard: false, metric: null, adminDist: null });
    }
    anchoredPrefixes(ctx).forEach((prefix, i) => {
      routes.push({ name: names.anchorRoute(i), destination: prefix, interfaceName: null, discard: true, metric: null, adminDist: ANCHOR_ADMIN_DIST });
    });
  } else {
    const spokeStart = ctx.azure.vnetPrefixes.length;
    azurePrefixList(ctx).forEach((prefix, i) => {
      for (const t of ctx.tunnels) {
        routes.push({
          name: i < spokeStart ? names.vnetRoute(i, t.number) : names.spokeRoute(i - spokeStart, t.number),
          destination: prefix,
          interfaceName: tunnelInterface(t.number),
          discard: false,
          metric: STATIC_METRIC,
          adminDist: ctx.expressRouteBackup ? BACKUP_ADMIN_DIST : null,
        });
      }
    });
  }

  return {
    header: commentSafe(buildHeaderLines(ctx, device, 'PAN-OS configuration (set commands) for the Azure site-to-site VPN', panosBackupPath(ctx))),
    notes: commentSafe(buildNotes(ctx, { outsideInterface, dpdInterval, tunnels, loopback: loopback?.interfaceName ?? null, lifesize: crypto.ipsec.lifesize })),
    ikeProfile: { name: names.ikeProfile, ...crypto.ike },
    ipsecProfile: { name: names.ipsecProfile, ...crypto.ipsec },
    gateways: ctx.tunnels.map((t) => ({
      name: names.gateway(t.number),
      outsideInterface,
      peerAddress: t.azurePublicIp,
      localId: ctx.site.publicIp,
      natTraversal: ctx.outsideAddress !== undefined,
      dpdInterval,
      sharedKey: ctx.sharedKey,
      ikeProfile: names.ikeProfile,
    })),
    managementProfile: names.managementProfile,
    tunnels,
    mtu: TUNNEL_MTU,
    loopback,
    interfaces: panosList(interfaces),
    zones,
    virtualRouter: String(ctx.options.virtualRouter),
    ebgpAdminDist: vpnDistanceApplies(ctx) ? VPN_EBGP_ADMIN_DIST : null,
    ecmp: ctx.tunnels.length > 1 ? { maxPath: ECMP_MAX_PATH } : null,
    addresses,
    groups,
    rules,
    routes,
    bgp: ctx.bgp ? buildBgp(ctx, names, loopback!) : null,
    verify: {
      gateways: tunnels.map((t) => t.gateway),
      neighbors: ctx.tunnels.flatMap((t) => (t.azureBgpIp ? [t.azureBgpIp] : [])),
      pingSource: ctx.bgp ? ctx.bgp.localIp : null,
    },
  };
}

function buildBgp(ctx: SiteContext, names: PanosObjectNames, loopback: { interfaceName: string; ip: string }): PanosBgpView {
  const bgp = ctx.bgp!;
  return {
    routerId: bgp.localIp,
    localAsn: bgp.localAsn,
    peerGroup: names.peerGroup,
    peers: ctx.tunnels.map((t) => ({
      name: names.peer(t.number),
      address: String(t.azureBgpIp),
      remoteAsn: bgp.azureAsn,
      localInterface: loopback.interfaceName,
      localIp: loopback.ip,
      multihop: MULTIHOP_TTL,
      keepalive: bgp.keepaliveSeconds,
      holdTime: bgp.holdSeconds,
    })),
    importVnet: { name: names.importVnet, prefixes: azurePrefixes(ctx).map((p) => ({ prefix: p.prefix, exact: p.orLonger ? 'no' : 'yes' })), localPreference: ctx.expressRouteBackup ? BACKUP_LOCAL_PREFERENCE : null },
    importDeny: names.importDeny,
    exportOnprem: { name: names.exportOnprem, prefixes: [...ctx.site.addressSpace], prepend: ctx.expressRouteBackup ? BACKUP_PREPEND : null },
    exportDeny: names.exportDeny,
    redist: { name: names.redistProfile, priority: REDIST_PRIORITY, types: panosList(redistributedTypes(ctx)), prefixes: panosList(ctx.site.addressSpace) },
  };
}

/**
 * How this file keeps the VPN the backup, for the header (routing mode and how ExpressRoute's routes arrive).
 * PAN-OS' default admin distances: static 10, eBGP 20, OSPF 30 (internal) / 110 (external), RIP 120, iBGP 200
 * (PAN-OS virtual router, Administrative Distances).
 */
export function panosBackupPath(ctx: SiteContext): string {
  if (!ctx.bgp) {
    const how = ctx.expressRouteRoutesVia === 'bgp' ? 'BGP' : ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
    return `the static routes to Azure over the tunnels have admin distance ${BACKUP_ADMIN_DIST}, worse than every PAN-OS default (static 10, eBGP 20, OSPF 30/110, RIP 120, iBGP 200): ExpressRoute's routes arrive by ${how} and win while they exist`;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it, AS path prepended ${BACKUP_PREPEND} times on routes sent over it`;
  if (!vpnDistanceApplies(ctx)) return `ExpressRoute's routes arrive by BGP: ${bgpRule}, so the BGP path over ExpressRoute wins`;
  const distance = `eBGP routes get admin distance ${VPN_EBGP_ADMIN_DIST} (admin-dists ebgp: PAN-OS has no per-peer distance, so this applies to every eBGP route in virtual router ${String(ctx.options.virtualRouter)})`;
  if (ctx.expressRouteRoutesVia === 'igp') {
    return `ExpressRoute's routes arrive by an IGP: ${distance}, since eBGP's 20 would beat OSPF's 30/110 and RIP's 120 and local preference only compares BGP paths, so the IGP routes win while they exist; also ${bgpRule}`;
  }
  return `ExpressRoute's routes arrive by static routes: ${distance}; PAN-OS already prefers a static route (10) over eBGP (20), and ${VPN_EBGP_ADMIN_DIST} keeps it so where the static route's admin distance was raised; also ${bgpRule}`;
}

/** A BGP site, ExpressRoute primary, its routes arriving by an IGP or static routes: eBGP needs a worse admin distance. */
function vpnDistanceApplies(ctx: SiteContext): boolean {
  return ctx.bgp !== undefined && ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
}

function buildNotes(
  ctx: SiteContext,
  v: { outsideInterface: string; dpdInterval: number; tunnels: PanosTunnelView[]; loopback: string | null; lifesize: ExactAmount | null },
): string[] {
  const notes: string[] = [];
  const units = v.tunnels.map((t) => t.interfaceName).join(', ');
  notes.push(`Targets the legacy virtual router ${String(ctx.options.virtualRouter)} (PAN-OS 10.1+; not the Advanced Routing Engine's logical router) on a single-vsys`);
  notes.push('firewall; on a multi-vsys firewall prefix the import, zone, address and rulebase lines with "vsys <name>".');
  notes.push(`Tunnels: ${units}, one IKE gateway and IPsec tunnel per Azure instance, no proxy IDs (selectors 0.0.0.0/0), zone ${String(ctx.options.vpnZone)}.`);
  if (!ctx.bgp) {
    notes.push(`Routing: static routes to the Azure prefixes through ${units}${v.tunnels.length > 1 ? ` (metric ${STATIC_METRIC} each)` : ''}.`);
    if (v.tunnels.length > 1) {
      notes.push('PAN-OS keeps a tunnel interface up when its IPsec SA is gone, so a static route through it stays and ECMP keeps sending part');
      notes.push('of the sessions there; BGP (or a tunnel monitor to an address in Azure that answers ping) is what moves traffic to the other path.');
    } else {
      notes.push('PAN-OS keeps a tunnel interface up when its IPsec SA is gone, so a static route through it stays; BGP (or a tunnel monitor');
      notes.push('to an address in Azure that answers ping) is what moves traffic to the other path.');
    }
  } else {
    const what = ctx.bgp.mode === 'apipa' ? 'the one APIPA BGP address' : 'the BGP address';
    notes.push(`BGP: ${v.loopback} holds ${what} ${ctx.bgp.localIp}/32; each Azure BGP address is reached by a /32 route through its own tunnel.`);
    if (ctx.bgp.mode === 'apipa') {
      notes.push(`Both tunnels share that one APIPA address, so it sits on ${v.loopback} rather than on the tunnel interfaces; multihop ${MULTIHOP_TTL}`);
      notes.push('lifts the connected-subnet check. Azure never initiates BGP from an APIPA address: the firewall initiates.');
    } else {
      notes.push(`Azure peers from GatewaySubnet addresses: eBGP multihop (${MULTIHOP_TTL}) from ${v.loopback}.`);
    }
    notes.push(`as-format 4-byte carries 32-bit ASNs. local-as ${ctx.bgp.localAsn} and router-id ${ctx.bgp.localIp} replace the virtual router's own if BGP already runs there.`);
    notes.push(...panosAdvertisementNotes(ctx));
  }
  if (ctx.azure.spokePrefixes.length) {
    const spokes = ctx.azure.spokePrefixes.join(', ');
    notes.push(
      ctx.bgp
        ? `Spokes: ${spokes} (and their more specifics) are accepted from Azure (import match exact no) and allowed by the security rules like the VNet's own prefixes.`
        : `Spokes: the static routes through the tunnels cover ${spokes} too, and the security rules allow them like the VNet's own prefixes.`,
    );
  }
  if (v.tunnels.length > 1) {
    const vr = String(ctx.options.virtualRouter);
    notes.push(
      `Load sharing: ECMP (max-path ${ECMP_MAX_PATH}) on virtual router ${vr} installs both tunnels' routes (${ctx.bgp ? 'both Azure instances announce the same AS path 65515 with the same local preference' : 'equal metrics'})`,
    );
    notes.push(`and shares sessions across them; both tunnels sit in zone ${String(ctx.options.vpnZone)}, so replies that return through the other tunnel still match the session.`);
    notes.push(`WARNING: ecmp enable restarts virtual router ${vr} when committed, if ECMP was off there (PAN-OS restarts a virtual router whose ECMP setting`);
    notes.push(`changes; sessions through it may drop): commit in a maintenance window. ECMP then applies to every equal-cost route in ${vr}; to keep one`);
    notes.push('tunnel primary instead, leave out the two ecmp lines (the virtual router then uses one of the equal routes and the other after a failure).');
  }
  notes.push(`MSS: tunnel MTU ${TUNNEL_MTU}; PAN-OS clamps TCP through IPsec to the tunnel MTU - 40 = MSS ${TUNNEL_MSS}.`);
  notes.push(`Liveness (DPD): a probe after ${v.dpdInterval} s without traffic, then PAN-OS' fixed retry schedule (about ${Math.round(LIVENESS_RETRY_SECONDS / 60)} min, not configurable)`);
  notes.push(`before it deletes the SAs; this cannot match Azure's DPD timeout of ${ctx.dpdTimeoutSeconds} s.${ctx.bgp ? ` BGP (hold time ${ctx.bgp.holdSeconds} s) moves traffic first.` : ''}`);
  const p = ctx.proposals;
  if (!v.lifesize) {
    const near = nearestLifesizes(p.saDataSizeKilobytes);
    notes.push(`SA data lifetime: PAN-OS lifesize holds 1..65535 KB, MB, GB or TB; Azure's ${p.saDataSizeKilobytes} KB is none of them exactly, so the`);
    notes.push('profile sets no lifesize: the firewall rekeys on time and Azure rekeys at its data lifetime (IKEv2 lifetimes are each side\'s own).');
    notes.push(`For the same limit on the firewall, set saDataSizeKilobytes to ${[near.below, near.above].filter((x) => x !== undefined).join(' or ')} (exact in PAN-OS units).`);
  }
  if (ctx.outsideAddress) {
    notes.push(`NAT: ${v.outsideInterface} holds ${ctx.outsideAddress} behind NAT; the IKE identity stays the public IP ${ctx.site.publicIp} (local-id ipaddr).`);
    notes.push('NAT traversal is enabled: IKEv2 detects the NAT and moves to UDP 4500.');
  }
  if (ctx.expressRouteBackup) {
    notes.push(
      ctx.bgp
        ? `ExpressRoute is primary: routes learned over the VPN get local-preference ${BACKUP_LOCAL_PREFERENCE}${vpnDistanceApplies(ctx) ? ` and admin distance ${VPN_EBGP_ADMIN_DIST}` : ''}; routes sent over it are prepended ${BACKUP_PREPEND} times with AS ${ctx.bgp.localAsn}.`
        : `ExpressRoute is primary: the static routes through the tunnels have admin distance ${BACKUP_ADMIN_DIST}, used only when no ExpressRoute route exists.`,
    );
    if (vpnDistanceApplies(ctx)) {
      const vr = String(ctx.options.virtualRouter);
      notes.push(`WARNING: admin-dists ebgp ${VPN_EBGP_ADMIN_DIST} applies to every eBGP route in virtual router ${vr}: routes from any other eBGP peer there (an ISP,`);
      notes.push('another site) lose to OSPF, RIP and static routes too. If that matters, give the tunnels and this BGP a virtual router of their own.');
    }
  }
  notes.push('New security rules go to the end of the rulebase: move them above any rule that would deny this traffic (move rulebase security rules <name> top).');
  if (p.ike.some((x) => isGcm(x.encryption))) {
    notes.push("IKE with AES-GCM (PAN-OS 10.0.3+): the profile's hash is Azure's ikeIntegrity, used as the PRF.");
  }
  if (!p.custom) notes.push("Azure's default proposals: the crypto profiles carry the first of them (Azure accepts it).");
  return notes;
}

/** Which mechanism makes the site prefixes advertisable, and why (anchors drop traffic a less specific route would carry). */
function panosAdvertisementNotes(ctx: SiteContext): string[] {
  if (prefixAdvertisementOf(ctx.options) === 'anchor') {
    return [
      `Site prefixes (prefixAdvertisement anchor, the default): a discard route (admin distance ${ANCHOR_ADMIN_DIST}) per prefix, redistributed into BGP`,
      `(redistribution profile, priority ${REDIST_PRIORITY}, filter type static), announces it whatever the LAN's routing.`,
      'RISK: traffic to any part of a site prefix this firewall reaches only through a less specific route (a default or summary toward the core)',
      'is dropped by the discard route. Safe when the virtual router holds routes for every part of the prefix; otherwise set prefixAdvertisement: table.',
    ];
  }
  return [
    `Site prefixes (prefixAdvertisement table): no anchor; the redistribution profile (priority ${REDIST_PRIORITY}) takes them from connected, OSPF, RIP or`,
    'static routes, and the export rule (exact yes) sends only the prefix itself: each is announced only while the virtual router holds exactly',
    'that prefix. Nothing is dropped, but a prefix the firewall knows only as more specifics is not announced.',
  ];
}

/** Header and note lines are comments: no control character may break out of one. */
function commentSafe(lines: string[]): string[] {
  return lines.map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ' '));
}
