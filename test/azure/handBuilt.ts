/**
 * Hand-built setups for the takeover tests: resources created with the raw SDK, as a team would have made
 * them in the portal (no tunnelsmith tags, their own names), in the emulator.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { stringify } from 'yaml';
import { staticTokenCredential } from '../../src/azure/client/credentials';
import type { Harness } from '../support/emulator';
import { SUB } from '../support/hubs';

const POLL = { updateIntervalInMs: 5 };
const LOCATION = 'centralus';

export function rawNetwork(h: Harness): NetworkManagementClient {
  return new NetworkManagementClient(staticTokenCredential(h.emu.token), SUB, {
    endpoint: h.emu.endpoint,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: h.emu.caPem },
  });
}

function rawResources(h: Harness): ResourceManagementClient {
  return new ResourceManagementClient(staticTokenCredential(h.emu.token), SUB, {
    endpoint: h.emu.endpoint,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: h.emu.caPem },
  });
}

export const nid = (rg: string, type: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;

export interface HandBuiltSite {
  lng: string;
  connection: string;
  publicIp: string;
  prefixes: string[];
  bgp?: { asn: number; peerIp: string };
  policy?: Record<string, unknown>;
  dpd?: number;
  sharedKey: string;
  /** Default IKEv2. */
  protocol?: 'IKEv1' | 'IKEv2';
}

export interface HandBuiltOptions {
  rg: string;
  /** The group's own region (may differ from the resources'). */
  rgLocation?: string;
  vnet?: string;
  addressSpace?: string[];
  gatewaySubnet?: string;
  subnets?: Array<{ name: string; prefix: string }>;
  /** Omit to build no VPN gateway. */
  vpn?: { name: string; sku?: string; vpnType?: 'RouteBased' | 'PolicyBased'; enableBgp?: boolean; pip: string; pipSku?: 'Standard' | 'Basic'; ipConfigName?: string };
  er?: { name: string; sku?: string; pip: string; connection?: { name: string; circuitId: string } };
  sites?: HandBuiltSite[];
}

/** Builds the setup; gateways one after the other (Azure serializes them per VNet). */
export async function buildByHand(h: Harness, o: HandBuiltOptions): Promise<void> {
  const net = rawNetwork(h);
  const rg = o.rg;
  const vnet = o.vnet ?? 'hand-vnet';
  await rawResources(h).resourceGroups.createOrUpdate(rg, { location: o.rgLocation ?? LOCATION });
  await net.virtualNetworks.beginCreateOrUpdateAndWait(rg, vnet, {
    location: LOCATION,
    addressSpace: { addressPrefixes: o.addressSpace ?? ['10.200.0.0/16'] },
    subnets: [{ name: 'GatewaySubnet', addressPrefix: o.gatewaySubnet ?? '10.200.255.224/27' }, ...(o.subnets ?? []).map((s) => ({ name: s.name, addressPrefix: s.prefix }))],
  }, POLL);
  const subnet = { id: `${nid(rg, 'virtualNetworks', vnet)}/subnets/GatewaySubnet` };
  const pip = async (name: string, sku: 'Standard' | 'Basic' = 'Standard') =>
    net.publicIPAddresses.beginCreateOrUpdateAndWait(rg, name, { location: LOCATION, sku: { name: sku }, publicIPAllocationMethod: sku === 'Standard' ? 'Static' : 'Dynamic' }, POLL);
  if (o.er) {
    await pip(o.er.pip);
    await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(rg, o.er.name, {
      location: LOCATION,
      gatewayType: 'ExpressRoute',
      sku: { name: o.er.sku ?? 'ErGw1AZ', tier: o.er.sku ?? 'ErGw1AZ' },
      ipConfigurations: [{ name: 'default', subnet, publicIPAddress: { id: nid(rg, 'publicIPAddresses', o.er.pip) } }],
    }, POLL);
  }
  if (o.vpn) {
    const v = o.vpn;
    await pip(v.pip, v.pipSku);
    await net.virtualNetworkGateways.beginCreateOrUpdateAndWait(rg, v.name, {
      location: LOCATION,
      gatewayType: 'Vpn',
      vpnType: v.vpnType ?? 'RouteBased',
      sku: { name: v.sku ?? 'VpnGw1AZ', tier: v.sku ?? 'VpnGw1AZ' },
      enableBgp: v.enableBgp ?? true,
      active: false,
      bgpSettings: { asn: 65515 },
      ipConfigurations: [{ name: v.ipConfigName ?? 'default', subnet, publicIPAddress: { id: nid(rg, 'publicIPAddresses', v.pip) } }],
    }, POLL);
    for (const s of o.sites ?? []) {
      await net.localNetworkGateways.beginCreateOrUpdateAndWait(rg, s.lng, {
        location: LOCATION,
        gatewayIpAddress: s.publicIp,
        localNetworkAddressSpace: { addressPrefixes: s.prefixes },
        ...(s.bgp ? { bgpSettings: { asn: s.bgp.asn, bgpPeeringAddress: s.bgp.peerIp } } : {}),
      }, POLL);
      await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(rg, s.connection, {
        location: LOCATION,
        connectionType: 'IPsec',
        connectionProtocol: s.protocol ?? 'IKEv2',
        virtualNetworkGateway1: { id: nid(rg, 'virtualNetworkGateways', v.name) } as never,
        localNetworkGateway2: { id: nid(rg, 'localNetworkGateways', s.lng) } as never,
        sharedKey: s.sharedKey,
        enableBgp: s.bgp !== undefined,
        ...(s.policy ? { ipsecPolicies: [s.policy as never] } : {}),
        ...(s.dpd !== undefined ? { dpdTimeoutSeconds: s.dpd } : {}),
      }, POLL);
    }
  }
  if (o.er?.connection) {
    await net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(rg, o.er.connection.name, {
      location: LOCATION,
      connectionType: 'ExpressRoute',
      virtualNetworkGateway1: { id: nid(rg, 'virtualNetworkGateways', o.er.name) } as never,
      peer: { id: o.er.connection.circuitId },
    }, POLL);
  }
}

export const SECURE_POLICY = {
  ikeEncryption: 'AES256',
  ikeIntegrity: 'SHA256',
  dhGroup: 'DHGroup14',
  ipsecEncryption: 'GCMAES256',
  ipsecIntegrity: 'GCMAES256',
  pfsGroup: 'PFS2048',
  saLifeTimeSeconds: 27000,
  saDataSizeKilobytes: 102400000,
};

/** The hub's YAML for a hand-built setup with the usual names (a starting point the tests vary). */
export function handBuiltHubYaml(o: {
  rg: string;
  vpnSku?: string;
  erSku?: string;
  circuitId?: string;
  gatewaySubnet?: string;
  addressSpace?: string[];
  subnets?: Array<{ name: string; prefix: string }>;
  siteBgp?: boolean;
  sites?: boolean;
}): string {
  const hub = {
    azure: {
      subscriptionId: SUB,
      resourceGroup: o.rg,
      location: 'centralus',
      vnet: {
        name: 'hand-vnet',
        addressSpace: o.addressSpace ?? ['10.200.0.0/16'],
        gatewaySubnet: o.gatewaySubnet ?? '10.200.255.224/27',
        ...(o.subnets ? { subnets: o.subnets } : {}),
      },
      vpnGateway: { name: 'hand-vgw', sku: o.vpnSku ?? 'VpnGw1AZ', publicIpNames: ['hand-vgw-ip'] },
      ...(o.erSku || o.circuitId
        ? { expressRoute: { gatewayName: 'hand-ergw', sku: o.erSku ?? 'ErGw1AZ', publicIpName: 'hand-ergw-ip', ...(o.circuitId ? { circuitId: o.circuitId, connectionName: 'hand-er-cn' } : {}) } }
        : {}),
    },
    sites: o.sites === false
      ? []
      : [{
          name: 'hq',
          device: 'strongswan',
          publicIp: '40.50.60.70',
          addressSpace: ['192.168.0.0/16'],
          ...(o.siteBgp === false ? {} : { bgp: { asn: 65010, peerIp: '192.168.255.1' } }),
          localNetworkGatewayName: 'hand-lng-hq',
          connectionName: 'hand-cn-hq',
        }],
  };
  return stringify(hub);
}

/** The hand-built site that matches `handBuiltHubYaml`'s (secure default policy, BGP unless told otherwise). */
export function handBuiltSite(o: { bgp?: boolean; key?: string; policy?: boolean; protocol?: 'IKEv1' | 'IKEv2' } = {}): HandBuiltSite {
  return {
    lng: 'hand-lng-hq',
    connection: 'hand-cn-hq',
    publicIp: '40.50.60.70',
    prefixes: ['192.168.0.0/16'],
    ...(o.bgp === false ? {} : { bgp: { asn: 65010, peerIp: '192.168.255.1' } }),
    ...(o.policy === false ? {} : { policy: SECURE_POLICY }),
    sharedKey: o.key ?? 'HandMadeKey0123456789abcdefXYZ',
    ...(o.protocol ? { protocol: o.protocol } : {}),
  };
}
