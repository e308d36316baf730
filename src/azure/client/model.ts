/**
 * tunnelsmith's own plain shapes of the Azure resources it manages. The SDK implementation
 * (`sdk.ts`) maps to and from these; SDK types never leave `src/azure/`.
 * Only the fields tunnelsmith owns or reads are modelled; an update keeps every other field
 * Azure holds (the SDK layer merges onto the resource it read).
 */
import type { IpsecPolicy } from '../../hub/types';

export type Tags = Record<string, string>;

/** `Succeeded`, `Updating`, `Deleting`, `Failed`, ... as Azure reports it. */
export type ProvisioningState = string;

export const TAG_MANAGED_BY = 'managed-by';
export const TAG_MANAGED_BY_VALUE = 'tunnelsmith';
export const TAG_HUB = 'tunnelsmith-hub';

/** States in which Azure refuses a write to the resource (or its gateway neighbours) and we wait. */
export const BUSY_STATES: readonly string[] = ['Updating', 'Deleting', 'Creating'];

export function isBusy(state: ProvisioningState | undefined): boolean {
  return state !== undefined && BUSY_STATES.some((s) => s.toLowerCase() === state.toLowerCase());
}

export function isFailedState(state: ProvisioningState | undefined): boolean {
  return state !== undefined && state.toLowerCase() === 'failed';
}

/** Fields every top-level resource carries. `id` and `provisioningState` are read-only. */
export interface ResourceBase {
  name: string;
  location: string;
  tags: Tags;
  id?: string;
  provisioningState?: ProvisioningState;
}

export type ResourceGroupModel = ResourceBase;

export interface SubnetModel {
  name: string;
  addressPrefix: string;
  id?: string;
}

export interface VnetModel extends ResourceBase {
  addressSpace: string[];
  subnets: SubnetModel[];
  /** Read-only: the VNet's peerings, as Azure lists them inside the VNet (never written by tunnelsmith). */
  peerings?: VnetPeeringModel[];
}

/** One peering of a VNet: the peered VNet's prefixes and whether it may use this VNet's gateways. */
export interface VnetPeeringModel {
  name: string;
  /** The remote VNet's current address space (else the space peered). */
  remotePrefixes: string[];
  /** This side lets the remote VNet use its gateways (`allowGatewayTransit`). */
  allowGatewayTransit: boolean;
  /** Initiated, Connected or Disconnected. */
  state?: string;
}

export interface PublicIpModel extends ResourceBase {
  /** `Standard` or `Basic`. */
  sku: string;
  /** `Static` or `Dynamic`. */
  allocation: string;
  /** Read-only: the address, once Azure assigned it. */
  ipAddress?: string;
}

export interface GatewayIpConfigModel {
  name: string;
  subnetId: string;
  publicIpId: string;
  id?: string;
}

/** One gateway instance's BGP addresses (`bgpSettings.bgpPeeringAddresses[]`). */
export interface BgpPeeringAddressModel {
  ipConfigurationId: string;
  /** Read-only: the instance's GatewaySubnet BGP address(es). */
  defaultBgpIps: string[];
  /** The custom (APIPA) BGP addresses configured on the instance. */
  customBgpIps: string[];
  /** Read-only: the instance's public IP(s). */
  tunnelIps: string[];
}

export interface GatewayModel extends ResourceBase {
  gatewayType: 'Vpn' | 'ExpressRoute' | string;
  /** `RouteBased` for VPN gateways; absent for ExpressRoute. */
  vpnType?: string;
  sku: string;
  /** Read-only: `Generation1` or `Generation2` (VPN gateways; a resize cannot change it). */
  generation?: string;
  activeActive: boolean;
  enableBgp: boolean;
  ipConfigurations: GatewayIpConfigModel[];
  /** BGP ASN (VPN gateways). */
  asn?: number;
  bgpPeeringAddresses: BgpPeeringAddressModel[];
  /** Read-only: the legacy single-instance `bgpSettings.bgpPeeringAddress`. */
  legacyBgpPeeringAddress?: string;
}

export interface LngModel extends ResourceBase {
  gatewayIpAddress: string;
  addressPrefixes: string[];
  bgp?: { asn: number; peeringAddress: string };
}

export interface CustomBgpIpModel {
  ipConfigurationId: string;
  address: string;
}

export interface ConnectionModel extends ResourceBase {
  connectionType: 'IPsec' | 'ExpressRoute' | string;
  gatewayId: string;
  /** IPsec connections: the local network gateway. */
  localNetworkGatewayId?: string;
  /** ExpressRoute connections: the circuit. */
  circuitId?: string;
  connectionProtocol?: string;
  /** Absent: Azure's default proposals. */
  ipsecPolicy?: IpsecPolicy;
  dpdTimeoutSeconds?: number;
  enableBgp: boolean;
  customBgpIps: CustomBgpIpModel[];
  routingWeight?: number;
  /** Read-only: Connected, NotConnected, Connecting, Unknown. */
  connectionStatus?: string;
}

export interface CircuitModel {
  id: string;
  name: string;
  location?: string;
  tags?: Tags;
  /** NotProvisioned, Provisioning, Provisioned: the connectivity provider's side. */
  serviceProviderProvisioningState?: string;
  provisioningState?: ProvisioningState;
  /** The circuit has Azure private peering configured (needed to connect a gateway). */
  privatePeering: boolean;
  /** Read-only: the key the provider needs to provision the circuit (not a secret). */
  serviceKey?: string;
  serviceProviderName?: string;
  peeringLocation?: string;
  bandwidthInMbps?: number;
  /** Standard, Premium, Local. */
  skuTier?: string;
  /** MeteredData, UnlimitedData. */
  skuFamily?: string;
}

/** A circuit tunnelsmith creates (`expressRoute.circuit`): what a PUT sends. */
export interface CircuitSpecModel extends ResourceBase {
  serviceProviderName: string;
  peeringLocation: string;
  bandwidthInMbps: number;
  skuTier: string;
  skuFamily: string;
}

/** The provider has provisioned the circuit. */
export function isProviderProvisioned(c: Pick<CircuitModel, 'serviceProviderProvisioningState'> | undefined): boolean {
  return (c?.serviceProviderProvisioningState ?? '').toLowerCase() === 'provisioned';
}

export interface BgpPeerModel {
  localAddress?: string;
  neighbor: string;
  asn?: number;
  /** Connected, Connecting, Idle, Stopped, Unknown. */
  state: string;
  routesReceived?: number;
}

export interface RouteModel {
  localAddress?: string;
  network: string;
  nextHop?: string;
  sourcePeer?: string;
  /** EBgp, IBgp, Network, ... */
  origin?: string;
  asPath?: string;
  weight?: number;
}

/** The Microsoft.Network resource types tunnelsmith lists and deletes. */
export type NetworkResourceType =
  | 'virtualNetworks'
  | 'publicIPAddresses'
  | 'virtualNetworkGateways'
  | 'localNetworkGateways'
  | 'connections'
  | 'expressRouteCircuits';

/** An entry of a list by type. */
export interface ListedResource {
  type: NetworkResourceType;
  name: string;
  id?: string;
  tags: Tags;
  provisioningState?: ProvisioningState;
  /** For gateways and connections: enough to order deletions. */
  gatewayType?: string;
  /** For connections: the gateway they belong to (`virtualNetworkGateway1`). */
  gatewayId?: string;
  /** For circuits: the provider's state (a provisioned circuit cannot be deleted). */
  serviceProviderProvisioningState?: string;
}

/** ARM resource id of a Microsoft.Network resource. Pure. */
export function networkResourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: NetworkResourceType,
  name: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/${type}/${name}`;
}

/** Last segment of an ARM id (its name). Pure. */
export function nameFromId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const parts = id.split('/').filter(Boolean);
  return parts[parts.length - 1];
}

/** ARM ids compare case-insensitively. Pure. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** Tags that mark a resource as created by tunnelsmith for the hub `<rg>/<vnet>`. Pure. */
export function ownershipTags(hubId: string): Tags {
  return { [TAG_MANAGED_BY]: TAG_MANAGED_BY_VALUE, [TAG_HUB]: hubId };
}

/** Whether the tags say tunnelsmith created the resource for this hub. Pure. */
export function isOwnedBy(tags: Tags | undefined, hubId: string): boolean {
  return tags?.[TAG_MANAGED_BY] === TAG_MANAGED_BY_VALUE && tags?.[TAG_HUB] === hubId;
}
