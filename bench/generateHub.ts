/**
 * A deterministic (seeded) hub of N sites for the benchmarks, and the facts file Azure would give for it:
 * ExpressRoute plus an active-active VPN gateway, BGP on every site, the six devices mixed, two IPsec
 * policies and each device's options. Same seed, same bytes.
 */
import { FACTS_VERSION, type AzureFacts, type SiteFacts } from '../src/facts/types';
import type { Hub } from '../src/hub/types';
import { DEVICE_IDS } from '../src/hub/deviceIds';
import { KEY_ALPHABET } from '../src/hub/sharedKey';

/** AES256/SHA384 IKE, GCM ESP, ECP384: a stronger policy every device can express. */
const STRONG_POLICY = {
  ikeEncryption: 'AES256',
  ikeIntegrity: 'SHA384',
  dhGroup: 'ECP384',
  ipsecEncryption: 'GCMAES256',
  ipsecIntegrity: 'GCMAES256',
  pfsGroup: 'ECP384',
  saLifeTimeSeconds: 3600,
  saDataSizeKilobytes: 1024000,
};

const DEVICE_OPTIONS: Record<(typeof DEVICE_IDS)[number], Record<string, string | number>> = {
  'cisco-ios': { outsideInterface: 'GigabitEthernet0/0/0', tunnelNumberBase: 200 },
  'juniper-srx': { externalInterface: 'ge-0/0/1.0', untrustZone: 'internet' },
  strongswan: { outsideInterface: 'eth1', ifIdBase: 300 },
  'windows-rras': { outsideInterface: 'Ethernet2', interfaceNamePrefix: 'az' },
  fortigate: { outsideInterface: 'wan1', insideInterface: 'internal' },
  paloalto: { outsideInterface: 'ethernet1/1', outsideZone: 'untrust', insideZone: 'trust', vpnZone: 'azure', virtualRouter: 'default' },
};

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface GeneratedHub {
  /** The hub file's content as a plain object (what the YAML file holds). */
  file: Record<string, unknown>;
  /** The shared key of each site (what a facts file written with --include-secrets holds). */
  keys: Record<string, string>;
}

export interface GenerateOptions {
  sites: number;
  seed: number;
  /** Resource group (default bench-rg). */
  resourceGroup?: string;
  /** ExpressRoute circuit id; absent: no ExpressRoute connection (the gateway still exists). */
  circuitId?: string;
  /** false: no ExpressRoute at all (a VPN-only hub). Default true. */
  expressRoute?: boolean;
  /** Default true. */
  activeActive?: boolean;
  subscriptionId?: string;
}

/** Site i's name: `s0001`, ... */
export function siteName(i: number): string {
  return `s${String(i + 1).padStart(4, '0')}`;
}

/**
 * The hub file of `sites` sites (at most 4096: each site gets a /24 in 172.16.0.0/12 and a /32 loopback
 * in 100.64.0.0/10 for BGP). Deterministic in `seed`.
 */
export function generateHub(o: GenerateOptions): GeneratedHub {
  if (!(o.sites >= 1 && o.sites <= 4096)) throw new Error('generateHub: 1..4096 sites');
  const random = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const activeActive = o.activeActive ?? true;
  const sites: Record<string, unknown>[] = [];
  const keys: Record<string, string> = {};
  const alphabet = KEY_ALPHABET;
  for (let i = 0; i < o.sites; i++) {
    const name = siteName(i);
    const device = pick(DEVICE_IDS);
    const strong = random() < 0.3;
    const prefix = ipv4((172 << 24) + (16 << 16) + i * 256);
    sites.push({
      name,
      device,
      publicIp: ipv4((198 << 24) + (18 << 16) + i + 1),
      addressSpace: [`${prefix}/24`],
      bgp: { asn: 64512 + (i % 1000), peerIp: ipv4((100 << 24) + (64 << 16) + i + 1) },
      ...(strong ? { ipsecPolicy: { ...STRONG_POLICY } } : {}),
      dpdTimeoutSeconds: pick([30, 45, 60]),
      deviceOptions: { ...DEVICE_OPTIONS[device] },
    });
    keys[name] = Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  }
  const rg = o.resourceGroup ?? 'bench-rg';
  const er = o.expressRoute ?? true;
  const file = {
    azure: {
      subscriptionId: o.subscriptionId ?? '00000000-0000-0000-0000-000000000000',
      resourceGroup: rg,
      location: 'westeurope',
      vnet: { name: 'bench-vnet', addressSpace: ['10.10.0.0/16'], gatewaySubnet: '10.10.255.0/27', subnets: [{ name: 'app', prefix: '10.10.1.0/24' }] },
      vpnGateway: { name: 'bench-vgw', sku: 'VpnGw2AZ', activeActive, asn: 65515 },
      ...(er ? { expressRoute: { gatewayName: 'bench-er-vgw', sku: 'ErGw2AZ', connectionName: 'bench-er-cn', ...(o.circuitId ? { circuitId: o.circuitId } : {}) } } : {}),
    },
    sites,
  };
  return { file, keys };
}

/**
 * The facts Azure would report for a deployed hub: two gateway instances (or one), their default BGP
 * addresses at the top of the GatewaySubnet, each connection's policy and BGP addresses, and the keys.
 */
export function factsForHub(hub: Hub, keys: Record<string, string>): AzureFacts {
  const vpn = hub.azure.vpnGateway;
  const instances = vpn.activeActive ? 2 : 1;
  const [base] = hub.azure.vnet.gatewaySubnet.split('/');
  const baseN = base.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(hub.azure.vnet.gatewaySubnet.split('/')[1]));
  const gateway = Array.from({ length: instances }, (_, index) => ({
    index,
    publicIp: ipv4((203 << 24) + (0 << 16) + (113 << 8) + 21 + index),
    defaultBgpIp: ipv4(baseN + size - 2 - index),
    apipaBgpIps: [] as string[],
  }));
  const sites: SiteFacts[] = hub.sites.map((s) => ({
    name: s.name,
    connectionName: s.connectionName,
    ipsecPolicy: s.ipsecPolicy === 'azure-default' ? 'azure-default' : { ...s.ipsecPolicy },
    dpdTimeoutSeconds: s.dpdTimeoutSeconds,
    bgpEnabled: s.bgp !== undefined,
    azureBgpIps: s.bgp ? gateway.map((g) => g.defaultBgpIp) : [],
    connectionStatus: 'Connected',
    sharedKey: keys[s.name],
  }));
  return {
    version: FACTS_VERSION,
    hub: `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`,
    location: hub.azure.location,
    vnetAddressSpace: [...hub.azure.vnet.addressSpace],
    vpnGateway: { name: vpn.name, asn: vpn.asn, activeActive: vpn.activeActive, sku: vpn.sku, instances: gateway },
    ...(hub.azure.expressRoute ? { expressRoute: { gatewayName: hub.azure.expressRoute.gatewayName, connected: hub.azure.expressRoute.circuitId !== undefined } } : {}),
    sites,
  };
}

