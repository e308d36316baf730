/**
 * The juniper-srx view: every value the Junos `set` template prints, computed here (names, st0 units,
 * per-tunnel values, BGP neighbors, DPD timers, header lines). Pure.
 */
import type { DeviceDefinition, SiteContext } from '../kit/contract';
import { azurePrefixList } from '../kit/azurePrefixes';
import { buildHeaderLines } from '../kit/header';
import { prefixAdvertisementOf, type PrefixAdvertisement } from '../kit/prefixAdvertisement';
import { JUNOS_COMMIT_STEPS_PLAIN } from './procedure';
import { isGcm } from '../../policy/catalog';
import { junosEspProposal, junosIkeProposal, junosPfsGroup, type JunosEspProposal, type JunosIkeProposal } from './keywords';
import { junosObjectNames, type JunosObjectNames } from './objectNames';

/** TCP MSS clamp for traffic through IPsec tunnels (azure-facts.md section 6). */
export const TUNNEL_MSS = 1350;
/**
 * Protocol MTU of every st0 unit (Azure's guidance: tunnel MTU 1400, MSS 1350); `mtu` is valid at
 * `[edit interfaces <if> unit <u> family inet]` (Junos CLI reference "mtu (Interfaces)").
 */
export const TUNNEL_MTU = 1400;
/**
 * Route preference of the routes learned from Azure when ExpressRoute's routes arrive by an IGP or static
 * routes. Junos' defaults already rank BGP (170) below static (5), OSPF (10/150), IS-IS (15-165) and RIP
 * (100) (Junos "route preference" table); 250 keeps the VPN the backup even where those were raised.
 */
export const VPN_BGP_PREFERENCE = 250;
/** Predefined applications the loopback policy admits: BGP and ICMP echo. */
export const LOOPBACK_APPLICATIONS = ['junos-bgp', 'junos-icmp-ping'] as const;
/** Local preference for routes learned over the VPN when ExpressRoute is primary (Junos default is 100). */
export const BACKUP_LOCAL_PREFERENCE = 50;
/** Route preference of the static VNet routes when ExpressRoute is primary (worse than BGP's 170). */
export const BACKUP_STATIC_PREFERENCE = 250;
/** TTL for eBGP multihop to Azure's GatewaySubnet BGP address; the /32 host route keeps it on the tunnel. */
export const MULTIHOP_TTL = 255;
/** APIPA peers sit directly across the tunnel: multihop only lifts the connected-subnet check. */
export const APIPA_TTL = 1;
/** The loopback unit of the master routing instance. */
export const LOOPBACK_UNIT = 'lo0.0';
/** Junos DPD ranges. */
const DPD_INTERVAL = { min: 2, max: 60 };
const DPD_THRESHOLD = { min: 3, max: 5 };

export interface JunosTunnelView {
  number: number;
  unit: number;
  interfaceName: string;
  description: string;
  gateway: string;
  vpn: string;
  azurePublicIp: string;
}

export interface JunosBgpView {
  localAsn: number;
  groupName: string;
  peerAsn: number;
  localAddress: string;
  multihopTtl: number;
  holdSeconds: number;
  neighbors: { address: string; description: string }[];
  prefixListOnprem: { name: string; prefixes: string[] };
  importPolicy: { name: string; localPreference: number | null };
  exportPolicy: { name: string; prepend: string | null };
  prefixAdvertisement: PrefixAdvertisement;
  /** `routing-options aggregate route` per site prefix (anchor mode), else empty. */
  aggregates: string[];
  /** Group `preference` when ExpressRoute arrives by an IGP or static routes, else null. */
  preference: number | null;
  /** `multipath` with two Azure instances. */
  multipath: boolean;
}

export interface JunosView extends Record<string, unknown> {
  header: string[];
  /** Never empty: the template prints it with one join behind the comment marker, not a loop. */
  notes: string[];
  ikeProposals: (JunosIkeProposal & { name: string; lifetimeSeconds: number })[];
  ikePolicy: { name: string; proposals: string; sharedKey: string };
  gateways: {
    name: string;
    address: string;
    localIdentity: string;
    remoteIdentity: string;
    externalInterface: string;
    localAddress: string | null;
    dpdInterval: number;
    dpdThreshold: number;
  }[];
  ipsecProposals: (JunosEspProposal & { name: string; lifetimeSeconds: number; lifetimeKilobytes: number })[];
  ipsecPolicy: { name: string; proposals: string; pfsGroup: string | null };
  tunnels: JunosTunnelView[];
  tunnelMtu: number;
  loopback: { unit: string; address: string } | null;
  mss: number;
  zones: { untrust: string; trust: string; vpn: string; externalInterface: string; bgp: boolean };
  addressBook: {
    vnet: { setName: string; entries: { name: string; prefix: string }[] };
    onprem: { setName: string; entries: { name: string; prefix: string }[] };
    /** With BGP: Azure's BGP addresses and the loopback, for the intra-zone BGP/ping policy. */
    azureBgp: { setName: string; entries: { name: string; prefix: string }[] } | null;
    loopback: { setName: string; entries: { name: string; prefix: string }[] } | null;
  };
  policies: { toAzure: string; fromAzure: string; bgpToLoopback: { name: string; applications: string } | null };
  /**
   * The Azure prefixes as prefix lists (BGP import, load balancing): the VNet's, matched exactly, and the
   * spoke ranges (null without spokes), matched with `prefix-list-filter ... orlonger`. Null when unused.
   */
  azurePrefixLists: { vnet: { name: string; prefixes: string[] }; spokes: { name: string; prefixes: string[] } | null } | null;
  /** Forwarding-table load balancing over both tunnels (two Azure instances), else null. */
  loadBalance: { name: string } | null;
  commitSteps: string;
  vnetRoutes: { prefix: string; nextHops: string[]; preference: number | null }[];
  hostRoutes: { prefix: string; nextHop: string }[];
  bgp: JunosBgpView | null;
  azurePublicIps: string[];
  verify: { vpns: string[]; tunnels: string[]; neighbors: string[]; vnetPrefix: string; pingSource: string | null };
}

/** Junos DPD: interval x threshold is about `timeout` seconds, within the SRX's ranges (at most 60 x 5). */
export function junosDpdTimers(timeoutSeconds: number): { interval: number; threshold: number } {
  const threshold = clamp(Math.ceil(timeoutSeconds / DPD_INTERVAL.max), DPD_THRESHOLD.min, DPD_THRESHOLD.max);
  const interval = clamp(Math.round(timeoutSeconds / threshold), DPD_INTERVAL.min, DPD_INTERVAL.max);
  return { interval, threshold };
}

/** The juniper-srx view for one site. Assumes the proposal and option checks passed. */
export function buildJunosView(ctx: SiteContext, device: DeviceDefinition): JunosView {
  const names = junosObjectNames(ctx.site.name);
  const externalInterface = String(ctx.options.externalInterface);
  const unitBase = Number(ctx.options.st0UnitBase);
  const p = ctx.proposals;
  const dpd = junosDpdTimers(ctx.dpdTimeoutSeconds);

  const ikeProposals = p.ike.map((ike, i) => ({ name: names.ikeProposal(i, p.ike.length), lifetimeSeconds: p.ikeLifetimeSeconds, ...junosIkeProposal(ike) }));
  const ipsecProposals = p.esp.map((esp, i) => ({
    name: names.ipsecProposal(i, p.esp.length),
    lifetimeSeconds: p.saLifeTimeSeconds,
    lifetimeKilobytes: p.saDataSizeKilobytes,
    ...junosEspProposal(esp),
  }));

  const tunnels: JunosTunnelView[] = ctx.tunnels.map((t) => {
    const unit = unitBase + t.number - 1;
    return {
      number: t.number,
      unit,
      interfaceName: `st0.${unit}`,
      description: `azure-instance-${t.number}-${t.azurePublicIp}`,
      gateway: names.gateway(t.number),
      vpn: names.vpn(t.number),
      azurePublicIp: t.azurePublicIp,
    };
  });
  const stUnit = (n: number): string => `st0.${unitBase + n - 1}`;

  return {
    header: commentSafe(buildHeaderLines(ctx, device, 'Junos SRX configuration (set commands) for the Azure site-to-site VPN', junosBackupPath(ctx))),
    notes: commentSafe(buildNotes(ctx, { externalInterface, dpd, tunnels })),
    ikeProposals,
    ikePolicy: { name: names.ikePolicy, proposals: proposalList(ikeProposals.map((x) => x.name)), sharedKey: ctx.sharedKey },
    gateways: ctx.tunnels.map((t) => ({
      name: names.gateway(t.number),
      address: t.azurePublicIp,
      localIdentity: ctx.site.publicIp,
      remoteIdentity: t.azurePublicIp,
      externalInterface,
      localAddress: ctx.outsideAddress ?? null,
      dpdInterval: dpd.interval,
      dpdThreshold: dpd.threshold,
    })),
    ipsecProposals,
    ipsecPolicy: { name: names.ipsecPolicy, proposals: proposalList(ipsecProposals.map((x) => x.name)), pfsGroup: junosPfsGroup(p.pfsGroup) },
    tunnels,
    tunnelMtu: TUNNEL_MTU,
    loopback: ctx.bgp ? { unit: LOOPBACK_UNIT, address: `${ctx.bgp.localIp}/32` } : null,
    mss: TUNNEL_MSS,
    zones: {
      untrust: String(ctx.options.untrustZone),
      trust: String(ctx.options.trustZone),
      vpn: String(ctx.options.vpnZone),
      externalInterface,
      bgp: ctx.bgp !== undefined,
    },
    addressBook: {
      vnet: { setName: names.vnetAddressSet, entries: azurePrefixList(ctx).map((prefix, i) => ({ name: names.vnetAddress(i), prefix })) },
      onprem: { setName: names.onpremAddressSet, entries: ctx.site.addressSpace.map((prefix, i) => ({ name: names.onpremAddress(i), prefix })) },
      azureBgp: ctx.bgp ? { setName: names.azureBgpAddressSet, entries: ctx.tunnels.map((t, i) => ({ name: names.azureBgpAddress(i), prefix: `${t.azureBgpIp}/32` })) } : null,
      loopback: ctx.bgp ? { setName: names.loopbackAddressSet, entries: [{ name: names.loopbackAddress, prefix: `${ctx.bgp.localIp}/32` }] } : null,
    },
    policies: {
      toAzure: names.policyToAzure,
      fromAzure: names.policyFromAzure,
      bgpToLoopback: ctx.bgp ? { name: names.policyBgpToLoopback, applications: `[ ${LOOPBACK_APPLICATIONS.join(' ')} ]` } : null,
    },
    azurePrefixLists: ctx.bgp || tunnels.length > 1
      ? {
          vnet: { name: names.prefixListVnet, prefixes: [...ctx.azure.vnetPrefixes] },
          spokes: ctx.azure.spokePrefixes.length ? { name: names.prefixListSpokes, prefixes: [...ctx.azure.spokePrefixes] } : null,
        }
      : null,
    loadBalance: tunnels.length > 1 ? { name: names.loadBalancePolicy } : null,
    commitSteps: JUNOS_COMMIT_STEPS_PLAIN,
    vnetRoutes: ctx.bgp
      ? []
      : azurePrefixList(ctx).map((prefix) => ({
          prefix,
          nextHops: tunnels.map((t) => t.interfaceName),
          preference: ctx.expressRouteBackup ? BACKUP_STATIC_PREFERENCE : null,
        })),
    hostRoutes: ctx.bgp ? ctx.tunnels.map((t) => ({ prefix: `${t.azureBgpIp}/32`, nextHop: stUnit(t.number) })) : [],
    bgp: ctx.bgp ? buildBgp(ctx, names) : null,
    azurePublicIps: ctx.tunnels.map((t) => t.azurePublicIp),
    verify: {
      vpns: tunnels.map((t) => t.vpn),
      tunnels: tunnels.map((t) => t.interfaceName),
      neighbors: ctx.tunnels.flatMap((t) => (t.azureBgpIp ? [t.azureBgpIp] : [])),
      vnetPrefix: ctx.azure.vnetPrefixes[0] ?? '0.0.0.0/0',
      pingSource: ctx.bgp ? ctx.bgp.localIp : null,
    },
  };
}

/** Junos set syntax for one or several names: `p1` or `[ p1 p2 ]`. */
function proposalList(names: string[]): string {
  return names.length === 1 ? names[0] : `[ ${names.join(' ')} ]`;
}

function buildBgp(ctx: SiteContext, names: JunosObjectNames): JunosBgpView {
  const bgp = ctx.bgp!;
  const advertisement = prefixAdvertisementOf(ctx.options);
  return {
    localAsn: bgp.localAsn,
    groupName: names.bgpGroup,
    peerAsn: bgp.azureAsn,
    localAddress: bgp.localIp,
    multihopTtl: bgp.mode === 'apipa' ? APIPA_TTL : MULTIHOP_TTL,
    holdSeconds: bgp.holdSeconds,
    neighbors: ctx.tunnels.map((t) => ({ address: String(t.azureBgpIp), description: `azure-instance-${t.number}` })),
    prefixListOnprem: { name: names.prefixListOnprem, prefixes: [...ctx.site.addressSpace] },
    importPolicy: { name: names.importPolicy, localPreference: ctx.expressRouteBackup ? BACKUP_LOCAL_PREFERENCE : null },
    exportPolicy: { name: names.exportPolicy, prepend: ctx.expressRouteBackup ? `${bgp.localAsn} ${bgp.localAsn}` : null },
    prefixAdvertisement: advertisement,
    aggregates: advertisement === 'anchor' ? [...ctx.site.addressSpace] : [],
    preference: ctx.expressRouteBackup && ctx.expressRouteRoutesVia !== 'bgp' ? VPN_BGP_PREFERENCE : null,
    multipath: ctx.tunnels.length > 1,
  };
}

/** How this file keeps the VPN the backup, for the header (routing mode and how ExpressRoute's routes arrive). */
export function junosBackupPath(ctx: SiteContext): string {
  if (!ctx.bgp) {
    return `the static routes to Azure over the tunnels have preference ${BACKUP_STATIC_PREFERENCE}: any route to the same prefix over ExpressRoute (BGP 170, an IGP or a static route) wins`;
  }
  const bgpRule = `local preference ${BACKUP_LOCAL_PREFERENCE} on routes learned over it, AS path prepended twice on routes sent over it`;
  if (ctx.expressRouteRoutesVia === 'bgp') return `ExpressRoute's routes arrive by BGP: ${bgpRule}, so the BGP path over ExpressRoute wins`;
  const how = ctx.expressRouteRoutesVia === 'igp' ? 'an IGP' : 'static routes';
  return `ExpressRoute's routes arrive by ${how}: Junos already prefers them (static 5, OSPF 10/150, IS-IS 15-165 and RIP 100 beat BGP's 170); the BGP group's preference ${VPN_BGP_PREFERENCE} keeps it so where those preferences were raised; also ${bgpRule}`;
}

function buildNotes(
  ctx: SiteContext,
  v: { externalInterface: string; dpd: { interval: number; threshold: number }; tunnels: JunosTunnelView[] },
): string[] {
  const notes: string[] = [];
  const units = v.tunnels.map((t) => t.interfaceName).join(', ');
  if (!ctx.bgp) {
    notes.push(`Tunnels: ${units}, unnumbered, protocol MTU ${TUNNEL_MTU}; static routes to the Azure prefixes use them.`);
  } else if (ctx.bgp.mode === 'multihop') {
    notes.push(`Tunnels: ${units}, unnumbered, protocol MTU ${TUNNEL_MTU}; ${LOOPBACK_UNIT} holds the BGP address ${ctx.bgp.localIp}/32.`);
    notes.push(`BGP: eBGP multihop (TTL ${MULTIHOP_TTL}) from ${ctx.bgp.localIp} to Azure's GatewaySubnet BGP address(es); a /32 host route pins each to its own st0 unit.`);
  } else {
    notes.push(`Tunnels: ${units}, all unnumbered, protocol MTU ${TUNNEL_MTU}; ${LOOPBACK_UNIT} holds the one APIPA BGP address ${ctx.bgp.localIp}/32.`);
    notes.push('Junos refuses the same address on two st0 units, so the APIPA /30 is not put on the tunnels; each Azure APIPA address');
    notes.push(`is reached by a /32 host route through its own st0 unit and peered directly (multihop TTL ${APIPA_TTL}: one hop across the tunnel,`);
    notes.push('multihop only lifts the connected-subnet check). APIPA: Azure expects the appliance to open the BGP session (do not rely on');
    notes.push('Azure opening it): the SRX initiates (no passive).');
  }
  if (ctx.bgp) {
    notes.push(`routing-options autonomous-system is set to ${ctx.bgp.localAsn}; if the SRX already runs another AS, use local-as ${ctx.bgp.localAsn} in the BGP group instead.`);
    notes.push(`Loopback: ${LOOPBACK_UNIT} joins zone ${String(ctx.options.vpnZone)} with host-inbound bgp and ping, and an intra-zone policy admits BGP and ping from Azure's`);
    notes.push(`BGP addresses to ${ctx.bgp.localIp}: host-bound traffic to a loopback is checked against the policy from the ingress zone to the loopback's`);
    notes.push(`zone (Juniper KB30997, KB27211); outside every zone ${LOOPBACK_UNIT} drops what Azure opens. If ${LOOPBACK_UNIT} already sits in another zone, move it.`);
    notes.push(...junosAdvertisementNotes(prefixAdvertisementOf(ctx.options)));
  }
  notes.push(`MSS: security flow tcp-mss ipsec-vpn mss ${TUNNEL_MSS} clamps TCP through every IPsec tunnel.`);
  notes.push(
    `DPD: probe-idle-tunnel, interval ${v.dpd.interval} s, threshold ${v.dpd.threshold}: Azure declared dead after about ${v.dpd.interval * v.dpd.threshold} s (Azure's DPD timeout: ${ctx.dpdTimeoutSeconds} s${v.dpd.interval * v.dpd.threshold < ctx.dpdTimeoutSeconds ? '; the SRX allows at most 60 s x 5' : ''}).`,
  );
  if (ctx.outsideAddress) {
    notes.push(`NAT: ${v.externalInterface} holds ${ctx.outsideAddress} behind NAT (IKE local-address); the IKE identity stays the public IP ${ctx.site.publicIp}.`);
    notes.push('NAT-T is on by default (never set no-nat-traversal): IKE moves to UDP 4500; establish-tunnels immediately makes the SRX initiate.');
  }
  if (v.tunnels.length > 1) {
    notes.push(
      ctx.bgp
        ? 'Load sharing: BGP multipath installs both Azure instances\' routes (same AS path 65515), and the forwarding-table export policy'
        : 'Load sharing: the static routes list both st0 units as next hops, and the forwarding-table export policy',
    );
    notes.push('load-balance per-packet (per flow on current SRX) puts both next hops into the forwarding table for the Azure prefixes only.');
    notes.push('routing-options forwarding-table export adds this policy to any export policy the SRX already has.');
  }
  if (ctx.azure.spokePrefixes.length) {
    notes.push(`Spokes: ${ctx.azure.spokePrefixes.join(', ')} (and their more specifics) are accepted from Azure and allowed by the security policies like the VNet's own prefixes.`);
  }
  notes.push('Address book: global; if this SRX uses zone-attached address books instead, move the address entries into the zones.');
  notes.push(`Zones: ${v.externalInterface} must not already sit in a zone other than ${String(ctx.options.untrustZone)}; the st0 units go into ${String(ctx.options.vpnZone)};`);
  notes.push(`the zone ${String(ctx.options.trustZone)} must already exist and hold the on-premises interfaces.`);
  if (ctx.proposals.ike.some((x) => isGcm(x.encryption))) {
    notes.push('IKE with AES-GCM: no authentication-algorithm; the SRX derives the PRF from the cipher (Azure ikeIntegrity).');
  }
  return notes;
}

/** Which mechanism makes the site prefixes exportable, and why. */
function junosAdvertisementNotes(mode: PrefixAdvertisement): string[] {
  if (mode === 'anchor') {
    return [
      'Site prefixes (prefixAdvertisement anchor, the default): an aggregate route per prefix, active while one more specific route exists,',
      'lets the export policy announce it. RISK: the aggregate\'s next hop is reject, so traffic to any part of a site prefix the SRX reaches',
      'only through a less specific route (a default or summary toward the core) is dropped. Safe when the SRX holds routes for every part',
      'of the prefix; otherwise set prefixAdvertisement: table.',
    ];
  }
  return [
    'Site prefixes (prefixAdvertisement table): no aggregate; the export policy announces each prefix only while inet.0 holds an active',
    'route for exactly that prefix (BGP exports active routes). Nothing is dropped, but a prefix known only as more specifics is not announced.',
  ];
}

/** Header and note lines are comments: no control character may break out of one. */
function commentSafe(lines: string[]): string[] {
  return lines.map((l) => l.replace(/[\u0000-\u001f\u007f]/g, ' '));
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
