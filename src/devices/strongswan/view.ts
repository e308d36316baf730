/**
 * The strongSwan view: every value the four templates (swanctl.conf, tunnel-setup.sh, frr.conf and the
 * charon timers strongswan.d/tunnelsmith.conf) print, computed here from the site context. Pure; the
 * templates only loop and print.
 */
import { azurePrefixes, azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { prefixAdvertisementOf, type PrefixAdvertisement } from '../kit/prefixAdvertisement';
import { childLifetimes, espProposalKeyword, ikeLifetimes, ikeProposalKeyword } from './keywords';
import { CHARON_DEFAULT_RETRANSMIT, DPD_SCHEDULING_SLACK_MS, retransmitTimersFor, retransmitTotalMs, retransmitWaitsMs, type RetransmitTimers } from './retransmit';

/** Azure's MSS recommendation and the MTU used where the clamp is not in the interface itself. */
export const TUNNEL_MTU = 1400;
export const TCP_MSS = 1350;
/** Static route metric of tunnel 1; tunnel n adds 10 per step so tunnel 1 is preferred. */
export const STATIC_ROUTE_METRIC_BASE = 100;
/** Local preference for routes learned over the VPN when ExpressRoute is the primary path (default is 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/** How many times the local ASN is prepended on routes sent over the VPN when it is the backup. */
export const BACKUP_PREPEND_COUNT = 2;
/** Distance of the blackhole anchor routes: any real route to the prefix wins. */
export const ANCHOR_DISTANCE = 254;
/** eBGP multihop TTL for Azure's GatewaySubnet BGP addresses (the session runs inside IPsec). */
export const EBGP_MULTIHOP_TTL = 255;
/** BGP connect-retry in seconds: with APIPA the appliance must open the session, so retry quickly. */
export const BGP_CONNECT_RETRY_SECONDS = 10;
/**
 * Distance of the routes learned from Azure's BGP addresses when ExpressRoute's routes arrive by an IGP or
 * static routes: worse than static (1), OSPF (110), IS-IS (115), RIP (120) and iBGP (200). Set per neighbour
 * (`distance 250 A.B.C.D/32` in the address family: FRR bgp.rst "distance (1-255) A.B.C.D/M"; bgpd matches
 * the peer's address), not with `distance bgp`, which would demote every eBGP route of this router.
 */
export const VPN_BGP_DISTANCE = 250;
/** Both Azure instances announce the same AS path (65515): eBGP multipath installs both tunnels' routes. */
export const ACTIVE_ACTIVE_MAXIMUM_PATHS = 2;

export interface StrongswanTunnelView {
  number: number;
  azurePublicIp: string;
  connectionName: string;
  childName: string;
  ifId: number;
  /** `<tunnelInterfacePrefix><number>`: the one place the tunnel interface name is decided (tunnel-setup.sh and frr.conf both print it). */
  interfaceName: string;
  /** The shell variable holding the interface name in tunnel-setup.sh (set from the rendered name, never from the environment). */
  interfaceVar: string;
  routeMetric: number;
  /** Azure's BGP address through this tunnel (firewall openings for BGP and ping), absent without BGP. */
  azureBgpIp?: string;
}

export interface StrongswanBgpNeighborView {
  ip: string;
  tunnelNumber: number;
  interfaceName: string;
  description: string;
}

export interface StrongswanBgpView {
  localAsn: number;
  localIp: string;
  loopbackAddress: string;
  routerId: string;
  azureAsn: number;
  apipa: boolean;
  multihopTtl: number;
  connectRetrySeconds: number;
  keepaliveSeconds: number;
  holdSeconds: number;
  hostRoutes: { prefix: string; interfaceName: string }[];
  prefixAdvertisement: PrefixAdvertisement;
  anchorDistance: number;
  /** Blackhole anchors (prefixAdvertisement anchor), else empty. */
  anchorRoutes: { prefix: string; distance: number }[];
  networks: string[];
  /** `maximum-paths N` with two Azure instances, else null. */
  maximumPaths: number | null;
  /** Per-neighbour `distance D A.B.C.D/32` when ExpressRoute arrives by an IGP or static routes, else empty. */
  distances: { distance: number; source: string }[];
  neighbors: StrongswanBgpNeighborView[];
  prefixListIn: string;
  prefixListOut: string;
  routeMapIn: string;
  routeMapOut: string;
  acceptPrefixes: { seq: number; prefix: string; le: number | null }[];
  announcePrefixes: { seq: number; prefix: string }[];
  /** Set when ExpressRoute is primary: the VPN is the backup. */
  backup: { localPreference: number; prependPath: string } | null;
}

/** charon's retransmission timers (strongswan.d/tunnelsmith.conf) and what they give, as printed. */
export interface StrongswanRetransmitView {
  /** `retransmit_timeout` in seconds, one decimal. */
  timeout: string;
  base: string;
  tries: number;
  /** Seconds from the first DPD request until charon declares the peer dead. */
  totalSeconds: number;
  /** Seconds from the peer's last packet until it is declared dead: dpd_delay + totalSeconds. */
  detectionSeconds: number;
}

export interface StrongswanView extends Record<string, unknown> {
  siteName: string;
  headers: { swanctl: string[]; setup: string[]; frr: string[]; timers: string[] };
  ike: { proposals: string; rekeySeconds: number; overSeconds: number };
  esp: { proposals: string; rekeySeconds: number; lifeSeconds: number; rekeyBytes: string; lifeBytes: string };
  dpd: { delaySeconds: number; timeoutSeconds: number };
  retransmit: StrongswanRetransmitView;
  localAddress: string;
  localId: string;
  behindNat: boolean;
  startAction: string;
  closeAction: string;
  dpdAction: string;
  keyingTries: number;
  secret: { section: string; key: string; ids: { name: string; value: string }[] };
  outsideInterface: string;
  tunnelMtu: number;
  tcpMss: number;
  tunnels: StrongswanTunnelView[];
  hasStaticRoutes: boolean;
  staticRoutes: { prefix: string; interfaceVar: string; metric: number }[];
  bgp: StrongswanBgpView | null;
  /** Each list never empty: the templates print it with one join behind the comment marker, not a loop. */
  verify: { swanctl: string[]; setup: string[]; frr: string[]; timers: string[] };
}

function tunnelViews(ctx: SiteContext): StrongswanTunnelView[] {
  const prefix = String(ctx.options.tunnelInterfacePrefix);
  const ifIdBase = Number(ctx.options.ifIdBase);
  return ctx.tunnels.map((t) => ({
    number: t.number,
    azurePublicIp: t.azurePublicIp,
    connectionName: `${ctx.site.name}-azure${t.number}`,
    childName: `${ctx.site.name}-azure${t.number}-net`,
    ifId: ifIdBase + t.number - 1,
    interfaceName: `${prefix}${t.number}`,
    interfaceVar: `TUNNEL_IF_${t.number}`,
    routeMetric: STATIC_ROUTE_METRIC_BASE + 10 * (t.number - 1),
    ...(t.azureBgpIp ? { azureBgpIp: t.azureBgpIp } : {}),
  }));
}

function bgpView(ctx: SiteContext, tunnels: StrongswanTunnelView[]): StrongswanBgpView | null {
  const bgp = ctx.bgp;
  if (!bgp) return null;
  const neighbors = ctx.tunnels.map((t, i) => ({
    ip: t.azureBgpIp as string,
    tunnelNumber: t.number,
    interfaceName: tunnels[i].interfaceName,
    description: `Azure instance ${t.number} via ${tunnels[i].interfaceName}`,
  }));
  const tag = `azure-${ctx.site.name}`;
  const advertisement = prefixAdvertisementOf(ctx.options);
  return {
    localAsn: bgp.localAsn,
    localIp: bgp.localIp,
    loopbackAddress: `${bgp.localIp}/32`,
    routerId: bgp.localIp,
    azureAsn: bgp.azureAsn,
    apipa: bgp.mode === 'apipa',
    multihopTtl: EBGP_MULTIHOP_TTL,
    connectRetrySeconds: BGP_CONNECT_RETRY_SECONDS,
    keepaliveSeconds: bgp.keepaliveSeconds,
    holdSeconds: bgp.holdSeconds,
    hostRoutes: neighbors.map((n) => ({ prefix: `${n.ip}/32`, interfaceName: n.interfaceName })),
    prefixAdvertisement: advertisement,
    anchorDistance: ANCHOR_DISTANCE,
    anchorRoutes: advertisement === 'anchor' ? ctx.site.addressSpace.map((prefix) => ({ prefix, distance: ANCHOR_DISTANCE })) : [],
    networks: [...ctx.site.addressSpace],
    maximumPaths: neighbors.length > 1 ? ACTIVE_ACTIVE_MAXIMUM_PATHS : null,
    distances: ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp' ? neighbors.map((n) => ({ distance: VPN_BGP_DISTANCE, source: `${n.ip}/32` })) : [],
    neighbors,
    prefixListIn: `${tag}-in`,
    prefixListOut: `${tag}-out`,
    routeMapIn: `${tag}-in`,
    routeMapOut: `${tag}-out`,
    acceptPrefixes: azurePrefixes(ctx).map((p, i) => ({ seq: 10 * (i + 1), prefix: p.prefix, le: p.orLonger ? 32 : null })),
    announcePrefixes: ctx.site.addressSpace.map((prefix, i) => ({ seq: 10 * (i + 1), prefix })),
    backup: ctx.expressRouteBackup
      ? { localPreference: BACKUP_LOCAL_PREFERENCE, prependPath: Array(BACKUP_PREPEND_COUNT).fill(String(bgp.localAsn)).join(' ') }
      : null,
  };
}

function swanctlNotes(ctx: SiteContext, dpdDelay: number, retransmit: StrongswanRetransmitView): string[] {
  const notes = [
    'Install: copy to /etc/swanctl/conf.d/ (mode 0600: it holds the shared key), run tunnel-setup.sh first, then swanctl --load-all',
    'Proposals: Azure\'s policy mapped to strongSwan keywords; Azure offers and accepts only the policy it holds',
    'Route-based: one connection per Azure instance, traffic selectors 0.0.0.0/0, each CHILD_SA bound to its XFRM interface by if_id',
    'start_action = start on every tunnel: the VPN is a standby path that must be up before it is needed (with APIPA BGP or NAT the appliance must initiate anyway); a trap policy would wait for traffic. dpd_action = restart, close_action = start and keyingtries = 0 bring a lost tunnel back',
    `DPD: dpd_delay ${dpdDelay} s (a third of Azure's ${ctx.dpdTimeoutSeconds} s DPD timeout); with IKEv2 charon declares the peer dead when the DPD request goes unanswered through its retransmission sequence: strongswan.d/tunnelsmith.conf sets charon's retransmission timers so that takes ${retransmit.totalSeconds} s (dead about ${retransmit.detectionSeconds} s after the last packet); dpd_timeout applies to IKEv1 only and is set to Azure's value for reference`,
    'Lifetimes: rekey_time/rekey_bytes are Azure\'s; life_time/life_bytes 10% above, so strongSwan\'s random rekey margin stays small',
  ];
  if (ctx.outsideAddress) {
    notes.push(`Behind NAT: IKE binds to ${ctx.outsideAddress}, the identity stays ${ctx.site.publicIp}, encap = yes forces UDP 4500 (NAT-T) and this side initiates`);
  }
  return notes;
}

/** Milliseconds as seconds with one decimal. */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/**
 * charon's retransmission timers for this site, as printed. The caller sized them so the DPD delay, the
 * late start of the DPD request and its retransmissions end within Azure's DPD timeout: the appliance
 * gives up on a silent instance no later than Azure gives up on a silent appliance.
 */
function retransmitView(dpdDelay: number, timers: RetransmitTimers): StrongswanRetransmitView {
  const totalSeconds = seconds(retransmitTotalMs(timers));
  return {
    timeout: (timers.timeoutMs / 1000).toFixed(1),
    base: String(timers.base),
    tries: timers.tries,
    totalSeconds,
    detectionSeconds: seconds(dpdDelay * 1000 + retransmitTotalMs(timers)),
  };
}

function timersNotes(ctx: SiteContext, dpdDelay: number, timers: RetransmitTimers, view: StrongswanRetransmitView): string[] {
  const waits = retransmitWaitsMs(timers).map((ms) => seconds(ms).toFixed(1));
  const d = CHARON_DEFAULT_RETRANSMIT;
  const defaults = { timeoutMs: d.timeoutSeconds * 1000, base: d.base, tries: d.tries };
  return [
    "charon's IKEv2 retransmission timers: how long charon waits for the answer to an IKE request (a DPD request included) before it declares the peer dead",
    'Install: copy to /etc/strongswan.d/tunnelsmith.conf (the stock /etc/strongswan.conf includes strongswan.d/*.conf), then run swanctl --reload-settings before swanctl --load-all: IKE SAs set up from then on use these timers, running ones keep theirs until they are re-established',
    'GLOBAL: these are charon settings, not connection settings: they apply to EVERY connection of this charon (not only the Azure tunnels) and to every IKE exchange (setup, rekeying, DPD). A charon serving several sites needs one such file: install the one of the site with the shortest DPD timeout',
    `Detection: after dpd_delay ${dpdDelay} s (swanctl.conf) without traffic from an Azure instance charon sends a DPD request and waits ${waits.join(' + ')} s for an answer (the request and ${timers.tries} retransmissions); then it declares the instance dead, ${view.totalSeconds} s after the request and about ${view.detectionSeconds} s after the instance fell silent (up to ${seconds(DPD_SCHEDULING_SLACK_MS)} s more: charon counts idle time in whole seconds), within Azure's ${ctx.dpdTimeoutSeconds} s DPD timeout; dpd_action = restart re-initiates`,
    `Without this file charon's defaults (${d.timeoutSeconds} s, base ${d.base}, ${d.tries} retransmissions) take ${seconds(retransmitTotalMs(defaults))} s after the DPD delay`,
    'retransmit_jitter and retransmit_limit stay at their defaults (off); set elsewhere they only shorten these waits',
  ];
}

function setupNotes(ctx: SiteContext): string[] {
  const names = tunnelViews(ctx).map((t) => t.interfaceName).join(', ');
  const notes = [
    `XFRM interfaces have no MSS clamp of their own: MTU ${TUNNEL_MTU} on each and an iptables TCPMSS clamp to ${TCP_MSS}`,
    `Interface names (${names}) come from deviceOptions.tunnelInterfacePrefix${ctx.bgp ? ' and are the same in frr.conf' : ''}: to change them, change the option and render again (this script takes no override, so the files cannot disagree)`,
    ctx.bgp
      ? 'Firewall (INPUT): IKE (UDP 500), NAT-T (UDP 4500) and ESP from each Azure public IP; on each tunnel interface, from its Azure BGP address, BGP sessions Azure opens (TCP to port 179), the answers on sessions this side opens (TCP from port 179, conntrack ESTABLISHED) and ping (echo request, and echo reply as ESTABLISHED): BGP comes up where INPUT drops by default'
      : 'Firewall (INPUT): IKE (UDP 500), NAT-T (UDP 4500) and ESP from each Azure public IP',
    'Forwarding between the tunnels and the LAN follows your FORWARD policy; allow it there if that policy drops',
  ];
  if (ctx.bgp) notes.push('BGP site: frr.conf carries the host routes to Azure\'s BGP addresses and the learned Azure routes; there are no static routes here');
  else if (ctx.tunnels.length > 1) {
    notes.push('Static routes: tunnel 1 is preferred (lower metric), no load sharing: a dead tunnel keeps its XFRM interface up, so an equal-cost route would keep sending half the flows into it until DPD restarts the SA; use BGP for automatic failover and load sharing');
  }
  if (ctx.azure.spokePrefixes.length && !ctx.bgp) notes.push(`Spokes: the static routes cover the spoke prefixes ${ctx.azure.spokePrefixes.join(', ')} too`);
  return notes;
}

function frrNotes(ctx: SiteContext, bgpView: StrongswanBgpView | null): string[] {
  const bgp = ctx.bgp;
  if (!bgp || !bgpView) return [];
  const notes = [
    'Apply: enable bgpd and staticd in /etc/frr/daemons, then vtysh -f frr.conf (or install as /etc/frr/frr.conf)',
    bgp.mode === 'apipa'
      ? `APIPA peering: ${bgp.localIp} sits on lo and both tunnels are unnumbered to it (Linux lets one address serve every XFRM interface); a /32 route per Azure APIPA address points into its own tunnel; sessions run straight over the tunnel (disable-connected-check, TTL 1); with APIPA Azure expects the appliance to open the session (do not rely on Azure opening it): this side initiates, connect-retry ${BGP_CONNECT_RETRY_SECONDS} s`
      : `Multihop peering: Azure peers from GatewaySubnet addresses; ${bgp.localIp} sits on lo as update-source; a /32 route per Azure BGP address points into its own tunnel; eBGP multihop`,
    bgpView.prefixAdvertisement === 'anchor'
      ? `Site prefixes (prefixAdvertisement anchor, the default): network needs the exact prefix in the RIB, so a blackhole route (distance ${ANCHOR_DISTANCE}, any real route wins) holds each site prefix. RISK: traffic to any part of a site prefix this router reaches only through a less specific route (a default or summary toward the core) is dropped by the blackhole; safe when the router has routes for every part of the prefix, otherwise set prefixAdvertisement: table`
      : 'Site prefixes (prefixAdvertisement table): no blackhole anchor; network announces each prefix only while the RIB holds exactly that prefix (import-check). Nothing is dropped, but a prefix known only as more specifics is not announced',
    `FRR >= 7.4 enforces ebgp-requires-policy: the route-maps below accept only the Azure prefixes (the VNet's exactly${ctx.azure.spokePrefixes.length ? ', the spoke ranges with their more specifics' : ''}) and announce only the site prefixes`,
  ];
  if (bgpView.maximumPaths) {
    notes.push(`Load sharing: maximum-paths ${bgpView.maximumPaths}: both Azure instances announce the same AS path (65515), so both tunnels' routes are installed as one multipath route`);
  }
  return notes;
}

/** How these files keep the VPN the backup, for the headers (routing mode and how ExpressRoute's routes arrive). */
export function strongswanBackupPath(ctx: SiteContext): string {
  if (!ctx.bgp) {
    return `tunnel-setup.sh routes Azure's prefixes with metric ${STATIC_ROUTE_METRIC_BASE} and up: a route to the same prefix over ExpressRoute with a lower metric wins (routes FRR installs have metric 20, routes added without one 0); your routers must prefer ExpressRoute too`;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it, AS path prepended ${BACKUP_PREPEND_COUNT}x on routes sent over it`;
  if (ctx.expressRouteRoutesVia === 'bgp') return `ExpressRoute's routes arrive by BGP: ${bgpRule}, so the BGP path over ExpressRoute wins`;
  const how = ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
  return `ExpressRoute's routes arrive by ${how}: routes learned from the Azure neighbours get distance ${VPN_BGP_DISTANCE} (eBGP's 20 would beat ${how}, and local preference only compares BGP paths), so ${ctx.expressRouteRoutesVia === 'igp' ? 'the IGP routes' : 'the static routes'} win while they exist; also ${bgpRule}`;
}

/** Builds the plain object the strongSwan templates print. Pure; callers ran the device checks first. */
export function buildStrongswanView(ctx: SiteContext, device: DeviceDefinition): StrongswanView {
  const p = ctx.proposals;
  const tunnels = tunnelViews(ctx);
  const child = childLifetimes(p);
  const ikeLife = ikeLifetimes(p.ikeLifetimeSeconds);
  const dpdDelay = Math.max(1, Math.floor(ctx.dpdTimeoutSeconds / 3));
  const timers = retransmitTimersFor((ctx.dpdTimeoutSeconds - dpdDelay) * 1000 - DPD_SCHEDULING_SLACK_MS);
  const retransmit = retransmitView(dpdDelay, timers);
  const bgp = bgpView(ctx, tunnels);
  const header = (title: string, notes: string[]) => [...buildHeaderLines(ctx, device, title, strongswanBackupPath(ctx)), ...notes];
  const firstTunnel = tunnels[0]?.interfaceName ?? '';
  const firstChild = tunnels[0]?.childName ?? '';
  return {
    siteName: ctx.site.name,
    headers: {
      swanctl: header(`swanctl.conf for site ${ctx.site.name}`, swanctlNotes(ctx, dpdDelay, retransmit)),
      setup: header(`tunnel-setup.sh for site ${ctx.site.name}`, setupNotes(ctx)),
      frr: header(`frr.conf for site ${ctx.site.name}`, frrNotes(ctx, bgp)),
      timers: header(`strongswan.d/tunnelsmith.conf for site ${ctx.site.name}`, timersNotes(ctx, dpdDelay, timers, retransmit)),
    },
    ike: { proposals: p.ike.map(ikeProposalKeyword).join(','), rekeySeconds: ikeLife.rekeySeconds, overSeconds: ikeLife.overSeconds },
    esp: {
      proposals: p.esp.map((esp) => espProposalKeyword(esp, p.pfsGroup)).join(','),
      rekeySeconds: child.rekeySeconds,
      lifeSeconds: child.lifeSeconds,
      rekeyBytes: child.rekeyBytes,
      lifeBytes: child.lifeBytes,
    },
    dpd: { delaySeconds: dpdDelay, timeoutSeconds: ctx.dpdTimeoutSeconds },
    retransmit,
    localAddress: ctx.outsideAddress ?? ctx.site.publicIp,
    localId: ctx.site.publicIp,
    behindNat: ctx.outsideAddress !== undefined,
    startAction: 'start',
    closeAction: 'start',
    dpdAction: 'restart',
    keyingTries: 0,
    secret: {
      section: `ike-${ctx.site.name}`,
      key: ctx.sharedKey,
      ids: [{ name: 'id-onprem', value: ctx.site.publicIp }, ...tunnels.map((t) => ({ name: `id-azure${t.number}`, value: t.azurePublicIp }))],
    },
    outsideInterface: String(ctx.options.outsideInterface),
    tunnelMtu: TUNNEL_MTU,
    tcpMss: TCP_MSS,
    tunnels,
    hasStaticRoutes: !bgp,
    staticRoutes: bgp
      ? []
      : azurePrefixList(ctx).flatMap((prefix) => tunnels.map((t) => ({ prefix, interfaceVar: t.interfaceVar, metric: t.routeMetric }))),
    bgp,
    verify: {
      timers: [
        'grep -rn retransmit_ /etc/strongswan.conf /etc/strongswan.d/   # only this file sets them (a file read later wins)',
        `journalctl -u strongswan | grep -E 'retransmit|giving up'   # a silent instance: retransmit 1..${timers.tries} of request, then giving up after ${timers.tries} retransmits`,
      ],
      swanctl: [
        'swanctl --list-conns',
        'swanctl --list-sas                 # each connection ESTABLISHED, each child INSTALLED',
        `swanctl --initiate --child ${firstChild}   # bring a tunnel up by hand`,
        'ip -s xfrm state; ip xfrm policy    # SAs and policies carry if_id',
      ],
      setup: [
        `ip -d link show ${firstTunnel}         # type xfrm, if_id, mtu ${TUNNEL_MTU}`,
        'iptables -t mangle -S FORWARD | grep TCPMSS',
        `iptables -S INPUT | grep -E "udp|esp${bgp ? '|179|icmp' : ''}"`,
        ...(bgp ? [] : azurePrefixList(ctx).map((prefix) => `ip route show ${prefix}`)),
      ],
      frr: [
        "vtysh -c 'show bgp summary'                  # both neighbors Established",
        ...(bgp ? bgp.neighbors.map((n) => `vtysh -c 'show bgp neighbors ${n.ip} routes'           # accepted from Azure`) : []),
        "vtysh -c 'show ip route bgp'",
        ...(bgp ? bgp.neighbors.map((n) => `vtysh -c 'show bgp neighbors ${n.ip} advertised-routes'`) : []),
      ],
    },
  };
}
