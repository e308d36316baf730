/**
 * The Windows RRAS view: every value the PowerShell template prints, computed here. PowerShell array
 * literals are built here too, from values that passed validation (no quote can reach them). Pure.
 */
import { InternalError } from '../../errors';
import { azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { rrasPolicy, selectedProposals, type RrasPolicy } from './keywords';

/** Azure recommends MSS 1350 / MTU 1400; RRAS can only set the interface MTU (and clamp MSS to it). */
export const TUNNEL_MTU = 1400;
/** Values `-NetworkOutageTimeSeconds` accepts (Microsoft's Add-/Set-VpnS2SInterface docs). */
export const NETWORK_OUTAGE_SECONDS = [3, 6, 9, 12, 15, 30, 60, 120, 240, 360, 720, 900] as const;
/** Static route metric of tunnel 1 (the `:metric` of -IPv4Subnet); tunnel n adds 10 per step. */
export const ROUTE_METRIC_BASE = 100;
/** Local preference for routes learned over the VPN when ExpressRoute is the primary path (default 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/** Seconds the script waits for a dialed interface before setting its MTU. */
export const MTU_WAIT_SECONDS = 60;
/** Windows Server features the script installs. */
export const FEATURES = ['RemoteAccess', 'Routing', 'RSAT-RemoteAccess-PowerShell'] as const;
/**
 * Interface metric of the S2S interfaces when ExpressRoute's routes reach this server by an IGP or static
 * routes. RRAS's BGP has no administrative distance; Windows ranks routes to one prefix by route metric
 * plus interface metric, so a route via the LAN (Windows' defaults: route metric 256 plus an automatic
 * interface metric well under 100) wins over one via the tunnels while it exists.
 */
export const BACKUP_INTERFACE_METRIC = 1000;

/** A single-quoted PowerShell string; refuses a quote (validation upstream must have stopped it). */
export function psString(value: string): string {
  if (/['\u2018\u2019\u201a\u201b\r\n]/.test(value)) throw new InternalError('UnsafePowerShellValue', 'a value with a quote or newline reached the RRAS script');
  return `'${value}'`;
}

/** A PowerShell array literal of single-quoted strings, e.g. `@('a', 'b')`. */
export function psArray(values: readonly string[]): string {
  return `@(${values.map(psString).join(', ')})`;
}

/** The largest `-NetworkOutageTimeSeconds` value not above Azure's DPD timeout (RRAS has no DPD setting). */
export function networkOutageSeconds(dpdTimeoutSeconds: number): number {
  const fitting = NETWORK_OUTAGE_SECONDS.filter((s) => s <= dpdTimeoutSeconds);
  return fitting.length ? fitting[fitting.length - 1] : NETWORK_OUTAGE_SECONDS[0];
}

export interface RrasTunnelView {
  number: number;
  name: string;
  nameLiteral: string;
  azurePublicIp: string;
  addVar: string;
  policyVar: string;
  mtuVar: string;
  /** Interface metric set with the MTU (ExpressRoute by an IGP or static routes), else null. */
  interfaceMetric: number | null;
  /** `-IPv4Subnet` entries `prefix:metric`, as a PowerShell array literal. */
  ipv4Subnets: string;
}

export interface RrasBgpPeerView {
  name: string;
  varName: string;
  localIp: string;
  peerIp: string;
  tunnelName: string;
}

export interface RrasBgpView {
  identifier: string;
  localAsn: number;
  azureAsn: number;
  holdTimeSeconds: number;
  apipa: boolean;
  peers: RrasBgpPeerView[];
  peerNames: string;
  customRoutes: string;
  policyNames: string;
  inFilter: { name: string; ignorePrefixes: string };
  outFilter: { name: string; ignorePrefixes: string };
  /** ExpressRoute is primary: lower local preference on routes learned over the VPN. */
  backup: { name: string; matchPrefixes: string; localPreference: number } | null;
  ingressPolicies: string;
  egressPolicies: string;
}

export interface RrasView extends Record<string, unknown> {
  header: string[];
  features: string;
  firewall: { ikeRuleName: string; espRuleName: string; ruleNames: string; remoteAddresses: string; outsideInterface: string; siteName: string };
  sharedKey: string;
  sourceIpAddress: string | null;
  policy: RrasPolicy;
  networkOutageSeconds: number;
  tunnelMtu: number;
  mtuWaitSeconds: number;
  tunnels: RrasTunnelView[];
  bgp: RrasBgpView | null;
  /** Never empty: the template prints it with one join behind the comment marker, not a loop. */
  verify: string[];
}

function tunnelViews(ctx: SiteContext): RrasTunnelView[] {
  const prefix = String(ctx.options.interfaceNamePrefix);
  return ctx.tunnels.map((t) => {
    const metric = ROUTE_METRIC_BASE + 10 * (t.number - 1);
    const routed = ctx.bgp ? [`${t.azureBgpIp as string}/32`] : azurePrefixList(ctx);
    const name = `${prefix}${t.number}`;
    return {
      number: t.number,
      name,
      nameLiteral: psString(name),
      azurePublicIp: t.azurePublicIp,
      addVar: `tunnel${t.number}`,
      policyVar: `tunnel${t.number}Policy`,
      mtuVar: `tunnel${t.number}Mtu`,
      interfaceMetric: backupByMetric(ctx) ? BACKUP_INTERFACE_METRIC : null,
      ipv4Subnets: psArray(routed.map((prefix) => `${prefix}:${metric}`)),
    };
  });
}

function bgpView(ctx: SiteContext, tunnels: RrasTunnelView[]): RrasBgpView | null {
  const bgp = ctx.bgp;
  if (!bgp) return null;
  const tag = `azure-${ctx.site.name}`;
  const peers = ctx.tunnels.map((t, i) => ({
    name: `${tunnels[i].name}-bgp`,
    varName: `bgpPeer${t.number}`,
    localIp: bgp.localIp,
    peerIp: t.azureBgpIp as string,
    tunnelName: tunnels[i].name,
  }));
  const inFilter = { name: `${tag}-in-filter`, ignorePrefixes: psArray(azurePrefixList(ctx)) };
  const outFilter = { name: `${tag}-out-filter`, ignorePrefixes: psArray(ctx.site.addressSpace) };
  const backup = ctx.expressRouteBackup
    ? { name: `${tag}-in-backup`, matchPrefixes: psArray(azurePrefixList(ctx)), localPreference: BACKUP_LOCAL_PREFERENCE }
    : null;
  const ingress = [inFilter.name, ...(backup ? [backup.name] : [])];
  return {
    identifier: bgp.localIp,
    localAsn: bgp.localAsn,
    azureAsn: bgp.azureAsn,
    holdTimeSeconds: bgp.holdSeconds,
    apipa: bgp.mode === 'apipa',
    peers,
    peerNames: psArray(peers.map((p) => p.name)),
    customRoutes: psArray(ctx.site.addressSpace),
    policyNames: psArray([...ingress, outFilter.name]),
    inFilter,
    outFilter,
    backup,
    ingressPolicies: psArray(ingress),
    egressPolicies: psArray([outFilter.name]),
  };
}

/** ExpressRoute is primary and its routes reach this server by an IGP or static routes: the tunnels get a high interface metric. */
function backupByMetric(ctx: SiteContext): boolean {
  return ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp';
}

/** How this script keeps the VPN the backup, for the header (routing mode and how ExpressRoute's routes arrive). */
export function rrasBackupPath(ctx: SiteContext): string {
  const metric = `the S2S interfaces get interface metric ${BACKUP_INTERFACE_METRIC}: Windows ranks routes to one prefix by route metric plus interface metric, so the route via the LAN wins while it exists`;
  const how = ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
  if (!ctx.bgp) {
    const base = `the static routes over the S2S interfaces have metric ${ROUTE_METRIC_BASE} and up; the routers that send traffic here must prefer the ExpressRoute path`;
    return backupByMetric(ctx) ? `${base}; ExpressRoute's routes reach this server by ${how}: ${metric}` : base;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it; RRAS's routing policies cannot prepend the AS path, so routes sent to Azure are not prepended (Azure prefers ExpressRoute for the same prefix anyway)`;
  if (!backupByMetric(ctx)) return `ExpressRoute's routes arrive by BGP: ${bgpRule}`;
  return `ExpressRoute's routes arrive by ${how}, which local preference cannot outrank and RRAS's BGP has no administrative distance for: ${metric}; also ${bgpRule}`;
}

function notes(ctx: SiteContext, outage: number): string[] {
  const { ike, esp } = selectedProposals(ctx.proposals);
  const lines = [
    'Run in an elevated Windows PowerShell 5.1 on Windows Server 2016 or later. Re-running removes and re-creates the objects it names (the tunnels drop briefly)',
    'This script holds the shared key: keep it private and delete it once applied',
    'Fresh server: nothing from the RemoteAccess module (Get-BgpRouter, Get-RemoteAccess, *-VpnS2SInterface, *-Bgp*) runs before step 1 installs it; the preflight asks for Get-BgpRouter only when Get-Command finds it (under $ErrorActionPreference Stop a missing command would end the script)',
    ctx.proposals.custom
      ? 'Policy: one custom IKE/IPsec policy per interface (Set-VpnS2SInterface -CustomPolicy), Azure\'s policy in RRAS names'
      : `Azure's default proposals: RRAS carries one custom policy per interface, so it uses Azure's first default proposal (${ike.encryption}/${ike.integrity}/${ike.dhGroup}, ESP ${esp.encryption}/${esp.integrity}, no PFS): weak`,
    'IKE configuration payload: InitiateConfigPayload $false on every S2S interface (Azure assigns no address to the appliance; Microsoft\'s own RRAS template for Azure sets it so)',
    `DPD: RRAS has no DPD setting; nearest control: -NetworkOutageTimeSeconds ${outage} (the largest value RRAS accepts not above Azure's ${ctx.dpdTimeoutSeconds} s DPD timeout); NumberOfTries 0 redials forever`,
    `MSS: RRAS has no setting for an MSS value (Azure recommends 1350). Nearest control: MTU ${TUNNEL_MTU} on each S2S interface (Set-NetIPInterface -NlMtuBytes) with -ClampMss Enabled, an on/off switch: Windows clamps the MSS of forwarded TCP SYNs sent out of the S2S interface to a value it derives from that interface's MTU (the docs name no value; presumably the MTU minus 40 bytes of headers, about ${TUNNEL_MTU - 40}, not 1350); SYNs answered from Azure leave by the LAN interface and are not clamped here`,
    'Firewall: inbound UDP 500/4500 and ESP (IP protocol 50) from Azure\'s public IPs on the outside adapter',
  ];
  if (ctx.outsideAddress) {
    lines.push(`Behind NAT: RRAS dials from ${ctx.outsideAddress} (-SourceIpAddress) over NAT-T; RRAS has no setting for its IKE identity, so it presents ${ctx.outsideAddress}, not ${ctx.site.publicIp}`);
  }
  const bgp = ctx.bgp;
  if (bgp) {
    lines.push(
      `BGP: ${bgp.localIp} must already be an address of this server (an internal adapter or a loopback adapter); the script stops before changing anything if it is not`,
      bgp.mode === 'apipa'
        ? `APIPA: RRAS peers from ${bgp.localIp}, one address for both tunnels; each Azure APIPA address is reached through a /32 route on its own S2S interface; with APIPA Azure expects the appliance to open the BGP session (do not rely on Azure opening it): RRAS initiates (OperationMode Mixed)`
        : 'Multihop: Azure peers from GatewaySubnet addresses; each is reached through a /32 route on its own S2S interface (Windows BGP needs no multihop setting)',
      'Timers: hold time 180 s (-HoldTimeSec); RRAS sends keepalives at a third of it (60 s)',
      `Prefix filters: Deny policies drop every route except the Azure prefixes inbound and the site prefixes outbound (-MatchPrefix 0.0.0.0/0 -IgnorePrefix ...); the site prefixes are announced as BGP custom routes${ctx.azure.spokePrefixes.length ? '. The docs do not say whether -IgnorePrefix also spares the more specifics of a spoke range: list every spoke VNet\'s own prefix in spokePrefixes' : ''}`,
    );
    if (ctx.tunnels.length > 1) {
      lines.push('Load sharing: RRAS\'s BGP has no multipath setting (Add-BgpRouter/Add-BgpPeer have none), so it installs one best path: the second tunnel carries traffic after a failover, not both at once');
    }
  }
  if (!bgp && ctx.tunnels.length > 1) lines.push('Static routes: tunnel 1 has the lower metric and carries the traffic; use BGP for failover between the tunnels');
  if (ctx.azure.spokePrefixes.length && !bgp) lines.push(`Spokes: the S2S interfaces route the spoke prefixes ${ctx.azure.spokePrefixes.join(', ')} too`);
  return lines;
}

/** Builds the plain object the RRAS template prints. Pure; callers ran the device checks first. */
export function buildRrasView(ctx: SiteContext, device: DeviceDefinition): RrasView {
  const tunnels = tunnelViews(ctx);
  const outage = networkOutageSeconds(ctx.dpdTimeoutSeconds);
  const siteTag = `tunnelsmith-${ctx.site.name}`;
  const bgp = bgpView(ctx, tunnels);
  return {
    header: [...buildHeaderLines(ctx, device, `tunnelsmith-azure.ps1 for site ${ctx.site.name}`, rrasBackupPath(ctx)), ...notes(ctx, outage)],
    features: psArray(FEATURES),
    firewall: {
      siteName: ctx.site.name,
      ikeRuleName: `${siteTag}-ike`,
      espRuleName: `${siteTag}-esp`,
      ruleNames: psArray([`${siteTag}-ike`, `${siteTag}-esp`]),
      remoteAddresses: psArray(ctx.tunnels.map((t) => t.azurePublicIp)),
      outsideInterface: String(ctx.options.outsideInterface),
    },
    sharedKey: psString(ctx.sharedKey),
    sourceIpAddress: ctx.outsideAddress ?? null,
    policy: rrasPolicy(ctx.proposals),
    networkOutageSeconds: outage,
    tunnelMtu: TUNNEL_MTU,
    mtuWaitSeconds: MTU_WAIT_SECONDS,
    tunnels,
    bgp,
    verify: [
      'Get-VpnS2SInterface | Format-Table Name, Destination, ConnectionState, IPv4Subnet',
      'Get-NetIPsecMainModeSA; Get-NetIPsecQuickModeSA',
      ...tunnels.map((t) => `Get-NetIPInterface -InterfaceAlias ${t.name} -AddressFamily IPv4 | Format-List NlMtu`),
      `Get-NetFirewallRule -Name ${siteTag}-* | Format-Table Name, Enabled, Action`,
      ...(bgp
        ? [
            'Get-BgpPeer | Format-Table PeerName, LocalIPAddress, PeerIPAddress, ConnectivityStatus',
            'Get-BgpRouteInformation -Type All',
            'Get-BgpRoutingPolicy | Format-List',
          ]
        : azurePrefixList(ctx).map((prefix) => `Get-NetRoute -DestinationPrefix ${prefix}`)),
    ],
  };
}
