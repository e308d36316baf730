/**
 * Small hub + facts pairs for the strongSwan tests, turned into SiteContexts through the real
 * `buildSiteContext`. One `shape` per case: static/BGP (multihop or APIPA), active-active, NAT,
 * ExpressRoute backup, policy and device options.
 */
import type { DeviceDefinition, SiteContext } from '../../../src/devices/kit/contract';
import type { AzureFacts } from '../../../src/facts/types';
import type { ExpressRouteRoutesVia, Hub, IpsecPolicy, PolicySetting } from '../../../src/hub/types';
import { SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import { buildSiteContext } from '../../../src/render/context';

export interface Shape {
  activeActive?: boolean;
  bgp?: 'multihop' | 'apipa';
  nat?: boolean;
  expressRoute?: boolean;
  policy?: PolicySetting;
  deviceOptions?: Record<string, string | number>;
  /** undefined: redacted. */
  sharedKey?: string;
  dpdTimeoutSeconds?: number;
  vnetPrefixes?: string[];
  addressSpace?: string[];
  spokePrefixes?: string[];
  expressRouteRoutesVia?: ExpressRouteRoutesVia;
}

export const ADDR = {
  azurePublic: ['203.0.113.10', '203.0.113.11'],
  azureDefaultBgp: ['10.200.255.236', '10.200.255.237'],
  azureApipa: ['169.254.21.1', '169.254.22.1'],
  sitePublic: '198.51.100.7',
  siteOutside: '192.0.2.50',
  siteBgpLoopback: '192.168.255.1',
  siteBgpApipa: '169.254.21.2',
} as const;

export const DEFAULT_KEY = 'Sup3rSecretKeyAbc123';

export function policyOf(overrides: Partial<IpsecPolicy> = {}): IpsecPolicy {
  return { ...SECURE_DEFAULT_POLICY, ...overrides };
}

export function hubAndFacts(shape: Shape, deviceId: DeviceDefinition['id']): { hub: Hub; facts: AzureFacts } {
  const instances = shape.activeActive ? 2 : 1;
  const vnetPrefixes = shape.vnetPrefixes ?? ['10.200.0.0/16'];
  const addressSpace = shape.addressSpace ?? ['192.168.0.0/16'];
  const policy = shape.policy ?? policyOf();
  const dpd = shape.dpdTimeoutSeconds ?? 45;
  const bgpIp = shape.bgp === 'apipa' ? ADDR.siteBgpApipa : ADDR.siteBgpLoopback;
  const deviceOptions: Record<string, string | number> = { ...(shape.deviceOptions ?? {}) };
  if (shape.nat) deviceOptions.outsideAddress = ADDR.siteOutside;
  const hub: Hub = {
    azure: {
      resourceGroup: 'rg-test',
      location: 'westeurope',
      vnet: {
        name: 'vnet-test',
        addressSpace: vnetPrefixes,
        gatewaySubnet: '10.200.255.224/27',
        subnets: [],
        ...(shape.spokePrefixes ? { spokePrefixes: shape.spokePrefixes } : {}),
      },
      vpnGateway: {
        name: 'vgw-test',
        sku: 'VpnGw1AZ',
        activeActive: instances === 2,
        asn: 65515,
        ...(shape.bgp === 'apipa' ? { apipaBgpIps: ADDR.azureApipa.slice(0, instances) } : {}),
        publicIpNames: ['vgw-test-pip1', 'vgw-test-pip2'].slice(0, instances),
      },
      ...(shape.expressRoute ? { expressRoute: { gatewayName: 'ergw-test', sku: 'ErGw1AZ', connectionName: 'ergw-test-cn' } } : {}),
    },
    sites: [
      {
        name: 'hq',
        device: deviceId,
        publicIp: ADDR.sitePublic,
        addressSpace,
        ...(shape.bgp ? { bgp: { asn: 65010, peerIp: bgpIp } } : {}),
        localNetworkGatewayName: 'lng-hq',
        connectionName: 'cn-hq',
        ipsecPolicy: policy,
        dpdTimeoutSeconds: dpd,
        ...(shape.expressRouteRoutesVia ? { expressRouteRoutesVia: shape.expressRouteRoutesVia } : {}),
        deviceOptions,
      },
    ],
  };
  const azureBgpIps = shape.bgp === 'apipa' ? ADDR.azureApipa.slice(0, instances) : ADDR.azureDefaultBgp.slice(0, instances);
  const facts: AzureFacts = {
    version: 1,
    hub: 'rg-test/vnet-test',
    location: 'westeurope',
    vnetAddressSpace: vnetPrefixes,
    vpnGateway: {
      name: 'vgw-test',
      asn: 65515,
      activeActive: instances === 2,
      sku: 'VpnGw1AZ',
      instances: Array.from({ length: instances }, (_, i) => ({
        index: i,
        publicIp: ADDR.azurePublic[i],
        defaultBgpIp: ADDR.azureDefaultBgp[i],
        apipaBgpIps: shape.bgp === 'apipa' ? [ADDR.azureApipa[i]] : [],
      })),
    },
    ...(shape.expressRoute ? { expressRoute: { gatewayName: 'ergw-test', connected: true } } : {}),
    sites: [
      {
        name: 'hq',
        connectionName: 'cn-hq',
        ipsecPolicy: policy,
        dpdTimeoutSeconds: dpd,
        bgpEnabled: shape.bgp !== undefined,
        azureBgpIps: shape.bgp ? azureBgpIps : [],
      },
    ],
  };
  return { hub, facts };
}

/** The SiteContext for one shape, built by the product's own `buildSiteContext`. */
export function contextFor(device: DeviceDefinition, shape: Shape = {}): SiteContext {
  const { hub, facts } = hubAndFacts(shape, device.id);
  const result = buildSiteContext({ hub, facts, site: hub.sites[0], device, sharedKey: 'sharedKey' in shape ? shape.sharedKey : DEFAULT_KEY });
  if (!result.ok) throw new Error(`test context did not build: ${JSON.stringify(result.problems)}`);
  return result.ctx;
}
