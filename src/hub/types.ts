/**
 * The normalized hub: what `validateHub` returns once every rule passed and every default is applied.
 * The raw file shape (with optional fields) lives in `schema.ts`; everything downstream uses these types.
 */
import type { DeviceId } from './deviceIds';

export type SecretRef =
  | { env: string }
  | { file: string }
  | { keyVault: { vaultName: string; secretName: string } };

/** The eight fields of an Azure custom IPsec/IKE policy, with Azure's own enum names. */
export interface IpsecPolicy {
  ikeEncryption: string;
  ikeIntegrity: string;
  dhGroup: string;
  ipsecEncryption: string;
  ipsecIntegrity: string;
  pfsGroup: string;
  saLifeTimeSeconds: number;
  saDataSizeKilobytes: number;
}

/** A custom policy, or Azure's own default proposals (weak; warned). */
export type PolicySetting = IpsecPolicy | 'azure-default';

export interface SiteBgp {
  asn: number;
  peerIp: string;
}

export type DeviceOptionValue = string | number;

/**
 * How routes learned over ExpressRoute reach the appliance: over BGP (local preference decides), or by
 * an IGP or static routes (then the VPN's BGP routes need a worse administrative distance).
 */
export const EXPRESS_ROUTE_ROUTES_VIA = ['bgp', 'igp', 'static'] as const;
export type ExpressRouteRoutesVia = (typeof EXPRESS_ROUTE_ROUTES_VIA)[number];
export const DEFAULT_EXPRESS_ROUTE_ROUTES_VIA: ExpressRouteRoutesVia = 'bgp';

export interface Site {
  name: string;
  device: DeviceId;
  publicIp: string;
  addressSpace: string[];
  /**
   * The local network gateway's prefixes when the hub file sets them (`localNetworkGatewayPrefixes`);
   * absent: addressSpace for a static site, none for a BGP site, and an existing gateway keeps its own.
   */
  localNetworkGatewayPrefixes?: string[];
  bgp?: SiteBgp;
  localNetworkGatewayName: string;
  connectionName: string;
  ipsecPolicy: PolicySetting;
  dpdTimeoutSeconds: number;
  /** Absent: `bgp` (DEFAULT_EXPRESS_ROUTE_ROUTES_VIA). */
  expressRouteRoutesVia?: ExpressRouteRoutesVia;
  sharedKey?: SecretRef;
  /** Only the keys the user wrote; each device applies its own defaults. */
  deviceOptions: Record<string, DeviceOptionValue>;
}

export interface SubnetSpec {
  name: string;
  prefix: string;
}

export interface ExpressRouteCircuitSpec {
  name: string;
  serviceProviderName: string;
  peeringLocation: string;
  bandwidthInMbps: number;
  skuTier: 'Standard' | 'Premium' | 'Local';
  skuFamily: 'MeteredData' | 'UnlimitedData';
}

export interface ExpressRouteSpec {
  gatewayName: string;
  sku: string;
  circuitId?: string;
  circuit?: ExpressRouteCircuitSpec;
  /** Default `<gatewayName>-cn`. */
  connectionName: string;
  /** The gateway's public IP; absent: `<gatewayName>-pip1` (additive field, see `erPublicIpName`). */
  publicIpName?: string;
  authorizationKey?: SecretRef;
}

export interface VpnGatewaySpec {
  name: string;
  sku: string;
  activeActive: boolean;
  asn: number;
  /** One per instance when given. */
  apipaBgpIps?: string[];
  /** Defaulted: `<name>-pip1` (and `-pip2` when active-active). */
  publicIpNames: string[];
}

export interface AzureSpec {
  subscriptionId?: string;
  resourceGroup: string;
  location: string;
  vnet: {
    name: string;
    addressSpace: string[];
    gatewaySubnet: string;
    subnets: SubnetSpec[];
    /** Prefixes of peered spoke VNets that use this hub's gateways; absent: none. */
    spokePrefixes?: string[];
  };
  vpnGateway: VpnGatewaySpec;
  expressRoute?: ExpressRouteSpec;
}

export interface Hub {
  azure: AzureSpec;
  sites: Site[];
}

/** `<resourceGroup>/<vnet name>`: the hub's identity in tags and headers. */
export function hubId(hub: Hub): string {
  return `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`;
}
