/** Test helpers: a valid seed hub (fresh copy per call) and a fake device table shaped like the real one. */
import type { Problem } from '../../src/errors';
import type { DeviceOptionSpec } from '../../src/hub/rules';
import type { DeviceTable } from '../../src/hub/rules';
import type { Proposals } from '../../src/policy/catalog';

/** The seed's reference hub (hub-file.md), with BGP on the site as in the demo. */
export function seedHub(): any {
  return {
    azure: {
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'ra-hybrid-vpn-er-rg',
      location: 'centralus',
      vnet: {
        name: 'ra-hybrid-vpn-er-vnet',
        addressSpace: ['10.200.0.0/16'],
        gatewaySubnet: '10.200.255.224/27',
        subnets: [{ name: 'ra-hybrid-vpn-er-sn', prefix: '10.200.1.0/24' }],
      },
      vpnGateway: { name: 'ra-hybrid-vpn-vgw', sku: 'VpnGw1AZ', activeActive: false },
      expressRoute: {
        gatewayName: 'ra-hybrid-er-vgw',
        sku: 'ErGw1AZ',
        circuitId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ra-hybrid-vpn-er-rg/providers/Microsoft.Network/expressRouteCircuits/ra-hybrid-vpn-er-erc',
        connectionName: 'ra-hybrid-er-cn',
      },
    },
    sites: [
      {
        name: 'hq',
        device: 'cisco-ios',
        publicIp: '40.50.60.70',
        addressSpace: ['192.168.0.0/16'],
        bgp: { asn: 65010, peerIp: '192.168.255.1' },
        localNetworkGatewayName: 'ra-hybrid-vpn-lgw',
        connectionName: 'ra-hybrid-vpn-cn',
        sharedKey: { env: 'HQ_PSK' },
      },
    ],
  };
}

/** A second site that fits beside the seed's. */
export function branchSite(overrides: Record<string, unknown> = {}): any {
  return {
    name: 'branch',
    device: 'strongswan',
    publicIp: '198.51.100.20',
    addressSpace: ['172.16.0.0/16'],
    ...overrides,
  };
}

const text = (pattern: RegExp, def: string, description: string): DeviceOptionSpec => ({
  default: def,
  description,
  check: (v) => (typeof v === 'string' && pattern.test(v) ? undefined : `must match ${pattern.source}`),
});
const int = (min: number, max: number, def: number, description: string): DeviceOptionSpec => ({
  default: def,
  description,
  check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be a whole number ${min}..${max}`),
});
const IFACE = /^[A-Za-z][A-Za-z0-9/._:-]{0,63}$/;

/** Proposal checks in the style of the real devices: each fake refuses one thing, with a site-relative path. */
function refuse(when: (p: Proposals) => Problem | undefined) {
  return (p: Proposals): Problem[] => {
    const r = when(p);
    return r ? [r] : [];
  };
}

export const FAKE_DEVICES: DeviceTable = {
  'cisco-ios': {
    id: 'cisco-ios',
    displayName: 'Cisco IOS-XE (fake)',
    options: {
      outsideInterface: text(IFACE, 'GigabitEthernet1', 'outside interface'),
      tunnelNumberBase: int(0, 10000, 100, 'first tunnel number'),
      loopbackInterface: text(IFACE, 'Loopback0', 'loopback interface'),
    },
    unsafeKeyChars: ['?', '"'],
    checkProposals: refuse((p) => (p.saLifeTimeSeconds > 86400 ? { path: 'ipsecPolicy.saLifeTimeSeconds', severity: 'error', message: 'Cisco allows 120..86400 s', fix: 'use 27000' } : undefined)),
  },
  'juniper-srx': {
    id: 'juniper-srx',
    displayName: 'Juniper SRX (fake)',
    options: {
      externalInterface: text(IFACE, 'ge-0/0/0.0', 'external interface'),
      untrustZone: text(IFACE, 'untrust', 'untrust zone'),
      trustZone: text(IFACE, 'trust', 'trust zone'),
      st0UnitBase: int(0, 16000, 0, 'first st0 unit'),
    },
    unsafeKeyChars: ['"', '\\'],
    checkProposals: refuse((p) =>
      p.ike.some((i) => i.encryption === 'GCMAES256' && i.integrity !== 'SHA384')
        ? { path: 'ipsecPolicy.ikeIntegrity', severity: 'error', message: 'SRX IKE aes-256-gcm needs a 384-bit PRF', fix: 'use SHA384' }
        : undefined),
  },
  strongswan: {
    id: 'strongswan',
    displayName: 'strongSwan (fake)',
    options: {
      outsideInterface: text(IFACE, 'eth0', 'outside interface'),
      tunnelInterfacePrefix: text(/^[a-z][a-z0-9-]{0,9}$/, 'xfrm-azure', 'XFRM interface prefix'),
      ifIdBase: int(1, 65000, 100, 'first if_id'),
    },
    unsafeKeyChars: ['"', '\\'],
    checkProposals: () => [],
  },
  'windows-rras': {
    id: 'windows-rras',
    displayName: 'Windows RRAS (fake)',
    options: {
      interfaceNamePrefix: text(/^[A-Za-z][A-Za-z0-9-]{0,15}$/, 'azure', 'interface name prefix'),
      outsideInterface: text(/^[A-Za-z][A-Za-z0-9 ._-]{0,63}$/, 'Ethernet', 'outside interface'),
    },
    unsafeKeyChars: ["'", '"', '`', '$'],
    checkProposals: refuse((p) => (p.saLifeTimeSeconds > 17279999 ? { path: 'ipsecPolicy.saLifeTimeSeconds', severity: 'error', message: 'RRAS allows up to 17279999 s', fix: 'use 27000' } : undefined)),
  },
  fortigate: {
    id: 'fortigate',
    displayName: 'FortiGate (fake)',
    options: {
      outsideInterface: text(/^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/, 'port1', 'outside interface'),
      insideInterface: text(/^[A-Za-z0-9][A-Za-z0-9._-]{0,34}$/, 'port2', 'inside interface'),
    },
    unsafeKeyChars: ['"', '\\', "'", '?', ';'],
    checkProposals: refuse((p) => (p.ike.some((i) => i.dhGroup === 'DHGroup24') ? { path: 'ipsecPolicy.dhGroup', severity: 'error', message: 'FortiOS has no DH group 24', fix: 'use DHGroup14' } : undefined)),
  },
  paloalto: {
    id: 'paloalto',
    displayName: 'PAN-OS (fake)',
    options: {
      outsideInterface: text(/^ethernet\d+\/\d+$/, 'ethernet1/1', 'outside interface'),
      tunnelUnitBase: int(1, 9998, 100, 'first tunnel unit'),
    },
    unsafeKeyChars: ['"', '\\', "'", '?', ';'],
    checkProposals: refuse((p) => (p.esp.some((e) => e.encryption === 'GCMAES192') ? { path: 'ipsecPolicy.ipsecEncryption', severity: 'error', message: 'PAN-OS has no aes-192-gcm', fix: 'use GCMAES256' } : undefined)),
  },
};

/** A device table whose checks accept anything: proves the schema alone keeps injection out. */
export const PERMISSIVE_DEVICES: DeviceTable = Object.fromEntries(
  Object.entries(FAKE_DEVICES).map(([id, d]) => [
    id,
    { ...d, checkProposals: () => [], options: Object.fromEntries(Object.entries(d.options).map(([k, o]) => [k, { ...o, check: () => undefined }])) },
  ]),
) as unknown as DeviceTable;

export function errorsOf(problems: Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

export function pathsOf(problems: Problem[], severity: 'error' | 'warning' = 'error'): string[] {
  return problems.filter((p) => p.severity === severity).map((p) => p.path);
}
