/** Normalized Hub objects for the Azure tests (built directly, as validateHub would return them). */
import type { Hub, Site } from '../../src/hub/types';
import { SECURE_DEFAULT_POLICY } from '../../src/policy/catalog';

export const SUB = '00000000-0000-0000-0000-000000000000';

export function site(over: Partial<Site> = {}): Site {
  return {
    name: 'hq',
    device: 'cisco-ios',
    publicIp: '40.50.60.70',
    addressSpace: ['192.168.0.0/16'],
    bgp: { asn: 65010, peerIp: '192.168.255.1' },
    localNetworkGatewayName: 'ra-hybrid-vpn-lgw',
    connectionName: 'ra-hybrid-vpn-cn',
    ipsecPolicy: { ...SECURE_DEFAULT_POLICY },
    dpdTimeoutSeconds: 45,
    deviceOptions: {},
    ...over,
  };
}

/** The demo variant of the seed's reference hub (hub-file.md). */
export function demoHub(over: { rg?: string; circuit?: boolean; sites?: Site[]; activeActive?: boolean; apipa?: string[] } = {}): Hub {
  const rg = over.rg ?? 'ra-hybrid-vpn-er-rg';
  const activeActive = over.activeActive ?? false;
  return {
    azure: {
      subscriptionId: SUB,
      resourceGroup: rg,
      location: 'centralus',
      vnet: {
        name: 'ra-hybrid-vpn-er-vnet',
        addressSpace: ['10.200.0.0/16'],
        gatewaySubnet: '10.200.255.224/27',
        subnets: [{ name: 'ra-hybrid-vpn-er-sn', prefix: '10.200.1.0/24' }],
      },
      vpnGateway: {
        name: 'ra-hybrid-vpn-vgw',
        sku: 'VpnGw1AZ',
        activeActive,
        asn: 65515,
        ...(over.apipa ? { apipaBgpIps: over.apipa } : {}),
        publicIpNames: activeActive ? ['ra-hybrid-vpn-vgw-pip1', 'ra-hybrid-vpn-vgw-pip2'] : ['ra-hybrid-vpn-vgw-pip1'],
      },
      expressRoute: {
        gatewayName: 'ra-hybrid-er-vgw',
        sku: 'ErGw1AZ',
        connectionName: 'ra-hybrid-er-cn',
        ...(over.circuit === false ? {} : { circuitId: circuitId(rg) }),
      },
    },
    sites: over.sites ?? [site()],
  };
}

export function circuitId(rg: string, name = 'ra-hybrid-vpn-er-erc'): string {
  return `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/expressRouteCircuits/${name}`;
}

/** A VPN-only hub (no ExpressRoute). */
export function vpnOnlyHub(sites: Site[] = [site()]): Hub {
  const h = demoHub({ sites });
  delete h.azure.expressRoute;
  return h;
}

/**
 * The text of a small valid hub file (rg1/vnet1 in centralus, a VPN gateway, no ExpressRoute), for the
 * CLI tests that read line numbers from it: `azureLines` go first under `azure:` (each line indented two
 * spaces and ending with a newline), `sites` is the YAML of the list's items.
 */
export function minimalHubYaml(sites: string, azureLines = ''): string {
  return `azure:
${azureLines}  resourceGroup: rg1
  location: centralus
  vnet:
    name: vnet1
    addressSpace: [10.200.0.0/16]
    gatewaySubnet: 10.200.255.224/27
  vpnGateway:
    name: vgw1
    sku: VpnGw1AZ
sites:
${sites}`;
}
