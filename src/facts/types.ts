/**
 * AzureFacts: what only Azure knows, as read back after `deploy` (or loaded from a facts file).
 * Versioned JSON; see `docs`-section "Facts file" in the README. SDK shapes never reach this type.
 */
import type { PolicySetting } from '../hub/types';

export const FACTS_VERSION = 1 as const;

/** One Azure VPN gateway instance (one public IP; two instances when active-active). */
export interface GatewayInstanceFacts {
  /** 0-based instance index, in the order of `bgpSettings.bgpPeeringAddresses`. */
  index: number;
  publicIp: string;
  /** The GatewaySubnet address Azure's BGP speaker uses on this instance. */
  defaultBgpIp: string;
  /** Custom APIPA BGP addresses configured on this instance (may be empty). */
  apipaBgpIps: string[];
}

export interface SiteFacts {
  name: string;
  connectionName: string;
  /** The policy the connection carries (`azure-default` when it has none). */
  ipsecPolicy: PolicySetting;
  dpdTimeoutSeconds: number;
  /** BGP enabled on the connection. */
  bgpEnabled: boolean;
  /**
   * The Azure BGP address this connection peers from, per gateway instance index
   * (the default GatewaySubnet address, or the custom APIPA address chosen for the connection).
   * Empty when BGP is off.
   */
  azureBgpIps: string[];
  /** Azure's connection status when read back (Connected, NotConnected, Connecting, Unknown). */
  connectionStatus?: string;
  /** Only present in a facts file written with --include-secrets (mode 0600), or in memory. */
  sharedKey?: string;
}

export interface AzureFacts {
  version: typeof FACTS_VERSION;
  /** `<resourceGroup>/<vnet name>` the facts belong to. */
  hub: string;
  location: string;
  vnetAddressSpace: string[];
  /**
   * Prefixes of the VNets peered with the hub VNet that may use its gateways (the hub side allows gateway
   * transit and the peering is Connected), as read back live: Azure advertises them over the VPN, so each
   * must be in `azure.vnet.spokePrefixes` for the appliance to accept it. Absent when there is none (or in
   * a facts file written before tunnelsmith read peerings).
   */
  peeredPrefixes?: string[];
  vpnGateway: {
    name: string;
    asn: number;
    activeActive: boolean;
    sku: string;
    instances: GatewayInstanceFacts[];
  };
  expressRoute?: {
    gatewayName: string;
    /** The gateway has a connection to a circuit. */
    connected: boolean;
  };
  sites: SiteFacts[];
}
