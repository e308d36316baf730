/**
 * The strongSwan view: every value the four templates (swanctl.conf, tunnel-setup.sh, frr.conf and the
 * charon timers strongswan.d/tunnelsmith.conf) print, computed here from the site context. Pure; the
 * templates only loop and print.
 */
import { buildHeaderLines } from '../kit/header';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
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
/** BGP connect-retry in seconds: Azure never initiates from APIPA addresses, so retry quickly. */
export const BGP_CONNECT_RETRY_SECONDS = 10;

export interface StrongswanTunnelView {
  number: number;
  azurePublicIp: string;
  connectionName: string;
  childName: string;
  ifId: number;
  /** `<tunnelInterfacePrefix><number>`: the one place the tunnel interface name is decided. */
  interfaceName: string;
  /** The shell variable holding the interface name in tunnel-setup.sh (overridable from the environment). */
  interfaceVar: string;
  routeMetric: number;
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
  anchorDistance: number;
  anchorRoutes: { prefix: string; distance: number }[];
  networks: string[];
  neighbors: StrongswanBgpNeighborView[];
  prefixListIn: string;
  prefixListOut: string;
  routeMapIn: string;
  routeMapOut: string;
  acceptPrefixes: { seq: number; prefix: string }[];
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
    anchorDistance: ANCHOR_DISTANCE,
    anchorRoutes: ctx.site.addressSpace.map((prefix) => ({ prefix, distance: ANCHOR_DISTANCE })),
    networks: [...ctx.site.addressSpace],
    neighbors,
    prefixListIn: `${tag}-in`,
    prefixListOut: `${tag}-out`,
    routeMapIn: `${tag}-in`,
    routeMapOut: `${tag}-out`,
    acceptPrefixes: ctx.azure.vnetPrefixes.map((prefix, i) => ({ seq: 10 * (i + 1), prefix })),
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
  const notes = [
    `XFRM interfaces have no MSS clamp of their own: MTU ${TUNNEL_MTU} on each and an iptables TCPMSS clamp to ${TCP_MSS}`,
    'Interface names are variables below; override them from the environment (e.g. TUNNEL_IF_1=ipsec0)',
    'Forwarding between the tunnels and the LAN follows your FORWARD policy; allow it there if that policy drops',
  ];
  if (ctx.bgp) notes.push('BGP site: frr.conf carries the host routes to Azure\'s BGP addresses and the learned VNet routes; there are no static routes here');
  else if (ctx.tunnels.length > 1) {
    notes.push('Static routes: tunnel 1 is preferred (lower metric). A dead tunnel keeps its interface up, so routing does not fail over until DPD restarts the SA; use BGP for automatic failover');
  }
  if (!ctx.bgp && ctx.expressRouteBackup) {
    notes.push('ExpressRoute is primary: without BGP the preference is decided by your routers; give these static routes a worse metric/distance than the ExpressRoute path there');
  }
  return notes;
}

function frrNotes(ctx: SiteContext): string[] {
  const bgp = ctx.bgp;
  if (!bgp) return [];
  const notes = [
    'Apply: enable bgpd and staticd in /etc/frr/daemons, then vtysh -f frr.conf (or install as /etc/frr/frr.conf)',
    bgp.mode === 'apipa'
      ? `APIPA peering: ${bgp.localIp} sits on lo and both tunnels are unnumbered to it (Linux lets one address serve every XFRM interface); a /32 route per Azure APIPA address points into its own tunnel; sessions run straight over the tunnel (disable-connected-check, TTL 1) and this side initiates: Azure never does from APIPA addresses`
      : `Multihop peering: Azure peers from GatewaySubnet addresses; ${bgp.localIp} sits on lo as update-source; a /32 route per Azure BGP address points into its own tunnel; eBGP multihop`,
    'network statements need the prefix in the RIB: a blackhole anchor route (distance 254, so any real route wins) holds each site prefix',
    'FRR >= 7.4 enforces ebgp-requires-policy: the route-maps below accept only the VNet prefixes and announce only the site prefixes',
  ];
  if (ctx.expressRouteBackup) notes.push(`VPN is the backup: local-preference ${BACKUP_LOCAL_PREFERENCE} on routes learned from Azure, AS path prepended ${BACKUP_PREPEND_COUNT}x on routes sent`);
  return notes;
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
  const header = (title: string, notes: string[]) => [...buildHeaderLines(ctx, device, title, 'lower local preference on routes learned over it, AS-path prepend on routes sent over it'), ...notes];
  const firstTunnel = tunnels[0]?.interfaceName ?? '';
  const firstChild = tunnels[0]?.childName ?? '';
  return {
    siteName: ctx.site.name,
    headers: {
      swanctl: header(`swanctl.conf for site ${ctx.site.name}`, swanctlNotes(ctx, dpdDelay, retransmit)),
      setup: header(`tunnel-setup.sh for site ${ctx.site.name}`, setupNotes(ctx)),
      frr: header(`frr.conf for site ${ctx.site.name}`, frrNotes(ctx)),
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
      : ctx.azure.vnetPrefixes.flatMap((prefix) => tunnels.map((t) => ({ prefix, interfaceVar: t.interfaceVar, metric: t.routeMetric }))),
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
        'iptables -S INPUT | grep -E "udp|esp"',
        ...(bgp ? [] : ctx.azure.vnetPrefixes.map((prefix) => `ip route show ${prefix}`)),
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
