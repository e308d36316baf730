/**
 * Test helper: small hubs and facts for each shape a device must render, turned into SiteContexts by the
 * real `buildSiteContext`. Used by the cisco-ios and juniper-srx tests (same owner).
 */
import type { AzureFacts } from '../../../src/facts/types';
import type { DeviceOptionValue, ExpressRouteRoutesVia, Hub, IpsecPolicy, PolicySetting, Site } from '../../../src/hub/types';
import type { DeviceDefinition, SiteContext } from '../../../src/devices/kit/contract';
import { buildSiteContext } from '../../../src/render/context';
import { SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';

export interface Shape {
  siteName?: string;
  activeActive?: boolean;
  bgp?: 'multihop' | 'apipa';
  /** Behind NAT: the appliance's own outside address. */
  outsideAddress?: string;
  expressRoute?: boolean;
  policy?: PolicySetting;
  options?: Record<string, DeviceOptionValue>;
  dpdTimeoutSeconds?: number;
  /** undefined renders a redacted key. */
  sharedKey?: string | null;
  vnetPrefixes?: string[];
  addressSpace?: string[];
  spokePrefixes?: string[];
  expressRouteRoutesVia?: ExpressRouteRoutesVia;
}

export const AZURE_PUBLIC_IPS = ['20.30.40.50', '20.30.40.51'];
export const AZURE_DEFAULT_BGP_IPS = ['10.200.255.254', '10.200.255.253'];
export const AZURE_APIPA_BGP_IPS = ['169.254.21.1', '169.254.22.1'];
export const SITE_PUBLIC_IP = '40.50.60.70';
export const MULTIHOP_LOCAL_IP = '192.168.255.1';
export const APIPA_LOCAL_IP = '169.254.21.2';
export const TEST_KEY = 'Kx7pQ2mZr9TfB4wLs8HvN3cYd6';

export const GCM_ECP384_POLICY: IpsecPolicy = {
  ikeEncryption: 'GCMAES256',
  ikeIntegrity: 'SHA384',
  dhGroup: 'ECP384',
  ipsecEncryption: 'GCMAES256',
  ipsecIntegrity: 'GCMAES256',
  pfsGroup: 'ECP384',
  saLifeTimeSeconds: 3600,
  saDataSizeKilobytes: 1024000,
};

/** The hub, facts and site for a shape, with `device` as the site's own device. */
export function makeInputs(device: DeviceDefinition, shape: Shape = {}): { hub: Hub; facts: AzureFacts; site: Site } {
  const instances = shape.activeActive ? 2 : 1;
  const policy = shape.policy ?? { ...SECURE_DEFAULT_POLICY };
  const vnetPrefixes = shape.vnetPrefixes ?? ['10.200.0.0/16'];
  const site: Site = {
    name: shape.siteName ?? 'hq',
    device: device.id,
    publicIp: SITE_PUBLIC_IP,
    addressSpace: shape.addressSpace ?? ['192.168.0.0/16'],
    ...(shape.bgp ? { bgp: { asn: 65010, peerIp: shape.bgp === 'apipa' ? APIPA_LOCAL_IP : MULTIHOP_LOCAL_IP } } : {}),
    localNetworkGatewayName: 'lng-hq',
    connectionName: 'cn-hq',
    ipsecPolicy: policy,
    dpdTimeoutSeconds: shape.dpdTimeoutSeconds ?? 45,
    ...(shape.expressRouteRoutesVia ? { expressRouteRoutesVia: shape.expressRouteRoutesVia } : {}),
    sharedKey: { env: 'HQ_PSK' },
    deviceOptions: { ...(shape.options ?? {}), ...(shape.outsideAddress ? { outsideAddress: shape.outsideAddress } : {}) },
  };
  const hub: Hub = {
    azure: {
      resourceGroup: 'ra-hybrid-vpn-er-rg',
      location: 'centralus',
      vnet: {
        name: 'ra-hybrid-vpn-er-vnet',
        addressSpace: vnetPrefixes,
        gatewaySubnet: '10.200.255.224/27',
        subnets: [],
        ...(shape.spokePrefixes ? { spokePrefixes: shape.spokePrefixes } : {}),
      },
      vpnGateway: {
        name: 'ra-hybrid-vpn-vgw',
        sku: 'VpnGw1AZ',
        activeActive: instances === 2,
        asn: 65515,
        ...(shape.bgp === 'apipa' ? { apipaBgpIps: AZURE_APIPA_BGP_IPS.slice(0, instances) } : {}),
        publicIpNames: ['ra-hybrid-vpn-vgw-pip1', 'ra-hybrid-vpn-vgw-pip2'].slice(0, instances),
      },
      ...(shape.expressRoute ? { expressRoute: { gatewayName: 'ra-hybrid-er-vgw', sku: 'ErGw1AZ', connectionName: 'ra-hybrid-er-cn' } } : {}),
    },
    sites: [site],
  };
  const azureBgpIps = shape.bgp === 'apipa' ? AZURE_APIPA_BGP_IPS : shape.bgp ? AZURE_DEFAULT_BGP_IPS : [];
  const facts: AzureFacts = {
    version: 1,
    hub: 'ra-hybrid-vpn-er-rg/ra-hybrid-vpn-er-vnet',
    location: 'centralus',
    vnetAddressSpace: vnetPrefixes,
    vpnGateway: {
      name: 'ra-hybrid-vpn-vgw',
      asn: 65515,
      activeActive: instances === 2,
      sku: 'VpnGw1AZ',
      instances: Array.from({ length: instances }, (_, i) => ({
        index: i,
        publicIp: AZURE_PUBLIC_IPS[i],
        defaultBgpIp: AZURE_DEFAULT_BGP_IPS[i],
        apipaBgpIps: shape.bgp === 'apipa' ? [AZURE_APIPA_BGP_IPS[i]] : [],
      })),
    },
    ...(shape.expressRoute ? { expressRoute: { gatewayName: 'ra-hybrid-er-vgw', connected: true } } : {}),
    sites: [
      {
        name: site.name,
        connectionName: 'cn-hq',
        ipsecPolicy: policy,
        dpdTimeoutSeconds: site.dpdTimeoutSeconds,
        bgpEnabled: shape.bgp !== undefined,
        azureBgpIps: azureBgpIps.slice(0, shape.bgp ? instances : 0),
      },
    ],
  };
  return { hub, facts, site };
}

/** The SiteContext for a shape; fails the test when buildSiteContext refuses it. */
export function makeContext(device: DeviceDefinition, shape: Shape = {}): SiteContext {
  const { hub, facts, site } = makeInputs(device, shape);
  const sharedKey = shape.sharedKey === null ? undefined : (shape.sharedKey ?? TEST_KEY);
  const r = buildSiteContext({ hub, facts, site, device, sharedKey });
  if (!r.ok) throw new Error(`test context refused: ${JSON.stringify(r.problems)}`);
  return r.ctx;
}

/** The shapes every device test runs over, by name. */
export const NAMED_SHAPES: Readonly<Record<string, Shape>> = {
  'static single instance': {},
  'static active-active': { activeActive: true },
  'BGP multihop active-active': { activeActive: true, bgp: 'multihop' },
  'BGP multihop single instance': { bgp: 'multihop' },
  'APIPA BGP active-active': { activeActive: true, bgp: 'apipa' },
  'APIPA BGP single instance': { bgp: 'apipa' },
  'NAT static': { outsideAddress: '10.0.0.5' },
  'NAT BGP active-active': { outsideAddress: '10.0.0.5', activeActive: true, bgp: 'multihop' },
  'ER backup BGP': { expressRoute: true, activeActive: true, bgp: 'multihop' },
  'ER backup static': { expressRoute: true, activeActive: true },
  'GCM/ECP384 policy': { policy: GCM_ECP384_POLICY, bgp: 'multihop', activeActive: true },
  'azure-default proposals': { policy: 'azure-default', activeActive: true },
  'several prefixes': { vnetPrefixes: ['10.200.0.0/16', '10.201.0.0/24'], addressSpace: ['192.168.0.0/16', '172.16.8.0/22'], bgp: 'multihop' },
  'long site name': { siteName: 'branch-office-frankfurt-main-01' },
  'redacted key': { sharedKey: null, bgp: 'apipa', activeActive: true },
  'hub and spoke BGP': { spokePrefixes: ['10.201.0.0/16', '10.202.0.0/16'], bgp: 'multihop', activeActive: true, expressRoute: true },
  'hub and spoke static': { spokePrefixes: ['10.201.0.0/16', '10.202.0.0/16'], activeActive: true },
  'ER via IGP, BGP': { expressRoute: true, expressRouteRoutesVia: 'igp', bgp: 'multihop', activeActive: true },
  'ER via static routes, APIPA BGP': { expressRoute: true, expressRouteRoutesVia: 'static', bgp: 'apipa' },
  'ER via IGP, static routing': { expressRoute: true, expressRouteRoutesVia: 'igp' },
  'prefixes advertised from the table': { bgp: 'multihop', options: { prefixAdvertisement: 'table' } },
};
