/**
 * The contract between the core and each device. A device is a registry entry (`registry.ts`) plus
 * templates under `device-templates/<id>/`. What validation needs of a device (`DeviceRules`) is declared
 * by the hub; a device definition is one. Everything here is pure.
 */
import type { Problem } from '../../errors';
import type { DeviceId } from '../../hub/deviceIds';
import type { DeviceRules } from '../../hub/rules';
import type { DeviceOptionValue, ExpressRouteRoutesVia, Site } from '../../hub/types';
import type { Proposals } from '../../policy/catalog';
import type { ProposalKeywords } from './keywordTable';
import type { DeviceProcedure, ProcedureInput } from './procedure';

/** One tunnel: one per Azure VPN gateway instance. */
export interface TunnelContext {
  /** 0-based gateway instance index. */
  index: number;
  /** 1-based, for names and human text. */
  number: number;
  azurePublicIp: string;
  /** The Azure BGP address this site peers with through this tunnel (absent without BGP). */
  azureBgpIp?: string;
}

export interface BgpContext {
  localAsn: number;
  /** The appliance's BGP address (`sites[].bgp.peerIp`): a loopback (multihop) or an APIPA address. */
  localIp: string;
  azureAsn: number;
  /**
   * `multihop`: Azure peers from GatewaySubnet addresses; eBGP multihop from a loopback holding localIp.
   * `apipa`: Azure peers from custom APIPA addresses; the appliance must initiate.
   */
  mode: 'multihop' | 'apipa';
  /** Azure's fixed timers. */
  keepaliveSeconds: 60;
  holdSeconds: 180;
}

/**
 * Everything a view builder may use for one (site, device) pair: the hub's intent joined with what
 * Azure reported. Built by `buildSiteContext`; values are already validated.
 */
export interface SiteContext {
  hubId: string;
  site: Site;
  deviceId: DeviceId;
  /** The device's defaults, overlaid with the site's `deviceOptions` when `deviceId === site.device`. */
  options: Record<string, DeviceOptionValue>;
  proposals: Proposals;
  dpdTimeoutSeconds: number;
  azure: {
    location: string;
    vpnGatewayName: string;
    connectionName: string;
    asn: number;
    activeActive: boolean;
    /** The hub VNet's own prefixes (as Azure reports them): accepted exactly. */
    vnetPrefixes: string[];
    /** Peered spoke VNets' prefixes (`azure.vnet.spokePrefixes`): accepted with their more specifics. */
    spokePrefixes: string[];
  };
  tunnels: TunnelContext[];
  bgp?: BgpContext;
  /** ExpressRoute carries the same prefixes: the VPN must be the backup path. */
  expressRouteBackup: boolean;
  /**
   * How ExpressRoute routes reach the appliance (`sites[].expressRouteRoutesVia`, default bgp). With igp or
   * static, the VPN's BGP routes need a worse administrative distance than that route, not only a lower
   * local preference. Meaningful only when `expressRouteBackup`.
   */
  expressRouteRoutesVia: ExpressRouteRoutesVia;
  /** The PSK, or the redaction placeholder. */
  sharedKey: string;
  keyRedacted: boolean;
  /** Set when the appliance sits behind NAT: its own address on the outside interface. */
  outsideAddress?: string;
}

export interface DeviceFileSpec {
  /** Template path relative to `device-templates/<id>/`. */
  template: string;
  /** Output path relative to `<out>/<site>/<id>/`. */
  output: string;
  /** The file carries the shared key (written 0600, redacted on request). */
  holdsSecret: boolean;
  /** File mode for scripts (0o755) vs configs; secrets force 0o600. */
  executable?: boolean;
}

export interface DeviceDefinition extends DeviceRules {
  /** Minimum device OS versions the files target, for headers and the handoff README. */
  targets: string;
  /** Each Azure policy value's keyword on this device, or why it cannot carry it; `checkProposals` reads it. */
  keywords: ProposalKeywords;
  /** The proposals in the device's own keywords, one line each, for the handoff sheet (checked proposals only). */
  policyWords(proposals: Proposals): string[];
  /** Anything else this device cannot do for this context (paths relative to the site); often []. */
  checkSite(ctx: SiteContext): Problem[];
  /** The plain object the templates see. No CIDR math or defaulting happens in templates. */
  buildView(ctx: SiteContext): Record<string, unknown>;
  /** The files to write for this context. */
  files(ctx: SiteContext): DeviceFileSpec[];
  /** How the on-prem engineer applies, verifies and rolls back these files (the handoff README). */
  procedure(input: ProcedureInput): DeviceProcedure;
}
