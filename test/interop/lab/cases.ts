/**
 * The lab's hubs, written as a user writes a hub file and passed through the product's validator.
 * Underlay addresses are documentation addresses (the emulator hands out 203.0.113.0/24 for Azure's
 * public IPs; the appliance sits at 198.51.100.10); everything lives in the lab's own namespaces.
 */
import { strongswan } from '../../../src/devices/strongswan/device';
import { formatProblem } from '../../../src/errors';
import type { DeviceTable } from '../../../src/hub/rules';
import type { Hub } from '../../../src/hub/types';
import { validateHub } from '../../../src/hub/validate';

/** Every lab site uses the strongSwan device, and the validator looks devices up per site. */
const LAB_DEVICES = { strongswan } as Partial<DeviceTable> as DeviceTable;

export const LAB_SITE = 'lab';
export const ONPREM_PUBLIC_IP = '198.51.100.10';
export const ONPREM_ASN = 65010;
export const VNET_PREFIX = '10.200.0.0/16';
export const ONPREM_PREFIX = '192.168.0.0/16';

/** Where the test hosts behind each side sit, and the router's address on that LAN. */
export const AZURE_HOST = { ip: '10.200.1.10', gateway: '10.200.1.1', prefixLength: 24 };
export const ONPREM_HOST = { ip: '192.168.1.10', gateway: '192.168.1.1', prefixLength: 24 };

/** The simulated ExpressRoute private peering link (documentation addresses). */
export const EXPRESSROUTE_LINK = { azureIp: '192.0.2.1', onPremIp: '192.0.2.2', prefixLength: 30 };

export const POLICIES = {
  /** tunnelsmith's secure default, written out. */
  secureDefault: {
    ikeEncryption: 'AES256', ikeIntegrity: 'SHA256', dhGroup: 'DHGroup14',
    ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'GCMAES256', pfsGroup: 'PFS2048',
    saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000,
  },
  /** GCM everywhere with ECP384 (IKE GCM: SHA384 is the PRF). */
  gcmEcp384: {
    ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA384', dhGroup: 'ECP384',
    ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'GCMAES256', pfsGroup: 'ECP384',
    saLifeTimeSeconds: 3600, saDataSizeKilobytes: 1024000,
  },
  /** CBC with HMAC for ESP and the 2048-bit group with 256-bit subgroup. */
  cbcGroup24: {
    ikeEncryption: 'AES256', ikeIntegrity: 'SHA384', dhGroup: 'DHGroup24',
    ipsecEncryption: 'AES256', ipsecIntegrity: 'SHA256', pfsGroup: 'PFS24',
    saLifeTimeSeconds: 7200, saDataSizeKilobytes: 2048000,
  },
  /** AES128 with ECP256 and GCM128 ESP. */
  aes128Ecp256: {
    ikeEncryption: 'AES128', ikeIntegrity: 'SHA256', dhGroup: 'ECP256',
    ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'GCMAES128', pfsGroup: 'ECP256',
    saLifeTimeSeconds: 3600, saDataSizeKilobytes: 1024000,
  },
} as const;

export type LabCaseName = 'seed' | 'activeActive' | 'apipa' | 'static' | 'erViaIgp';

interface CaseShape {
  activeActive: boolean;
  bgp: 'multihop' | 'apipa' | 'none';
  expressRoute: boolean;
  policy: keyof typeof POLICIES;
  /** The site's `expressRouteRoutesVia` (absent: the default, bgp). */
  expressRouteRoutesVia?: 'igp' | 'static';
  /**
   * The appliance's INPUT chain drops by default and only what the rendered `tunnel-setup.sh firewall`
   * opens is accepted (no loopback rule, nothing else).
   */
  inputDrop?: boolean;
}

const SHAPES: Record<LabCaseName, CaseShape> = {
  /** The seed's scenario: ExpressRoute primary, one VPN instance, BGP multihop, secure default. */
  seed: { activeActive: false, bgp: 'multihop', expressRoute: true, policy: 'secureDefault' },
  activeActive: { activeActive: true, bgp: 'multihop', expressRoute: false, policy: 'cbcGroup24' },
  /** The appliance opens the BGP session (Azure is passive): its INPUT drops by default. */
  apipa: { activeActive: false, bgp: 'apipa', expressRoute: false, policy: 'gcmEcp384', inputDrop: true },
  static: { activeActive: false, bgp: 'none', expressRoute: false, policy: 'aes128Ecp256' },
  /**
   * ExpressRoute's routes reach the appliance by a non-BGP route (a static route with an IGP's distance),
   * and its INPUT drops by default.
   */
  erViaIgp: { activeActive: false, bgp: 'multihop', expressRoute: true, policy: 'secureDefault', expressRouteRoutesVia: 'igp', inputDrop: true },
};

export function caseShape(name: LabCaseName): CaseShape {
  return SHAPES[name];
}

/** The raw hub file of a case (what a user would write). */
export function rawLabHub(name: LabCaseName): Record<string, unknown> {
  const shape = SHAPES[name];
  const rg = `tunnelsmith-lab-${name.toLowerCase()}-rg`;
  return {
    azure: {
      subscriptionId: '00000000-0000-0000-0000-00000000a11b',
      resourceGroup: rg,
      location: 'centralus',
      vnet: {
        name: 'lab-vnet',
        addressSpace: [VNET_PREFIX],
        gatewaySubnet: '10.200.255.224/27',
        subnets: [{ name: 'lab-sn', prefix: '10.200.1.0/24' }],
      },
      vpnGateway: {
        name: 'lab-vgw',
        sku: 'VpnGw1AZ',
        activeActive: shape.activeActive,
        ...(shape.bgp === 'apipa' ? { apipaBgpIps: shape.activeActive ? ['169.254.21.1', '169.254.22.1'] : ['169.254.21.1'] } : {}),
      },
      ...(shape.expressRoute
        ? {
            expressRoute: {
              gatewayName: 'lab-er-vgw',
              sku: 'ErGw1AZ',
              // the provider's circuit, in its own resource group (the lab provisions it in the emulator)
              circuitId: '/subscriptions/00000000-0000-0000-0000-00000000a11b/resourceGroups/lab-provider-rg/providers/Microsoft.Network/expressRouteCircuits/lab-erc',
            },
          }
        : {}),
    },
    sites: [
      {
        name: LAB_SITE,
        device: 'strongswan',
        publicIp: ONPREM_PUBLIC_IP,
        addressSpace: [ONPREM_PREFIX],
        ...(shape.bgp === 'multihop' ? { bgp: { asn: ONPREM_ASN, peerIp: '192.168.255.1' } } : {}),
        ...(shape.bgp === 'apipa' ? { bgp: { asn: ONPREM_ASN, peerIp: '169.254.21.2' } } : {}),
        ipsecPolicy: { ...POLICIES[shape.policy] },
        dpdTimeoutSeconds: 45,
        ...(shape.expressRouteRoutesVia ? { expressRouteRoutesVia: shape.expressRouteRoutesVia } : {}),
      },
    ],
  };
}

/** The validated, normalized hub of a case; throws with every problem when the product refuses it. */
export function labHub(name: LabCaseName): Hub {
  const r = validateHub(rawLabHub(name), { devices: LAB_DEVICES });
  if (!r.hub) throw new Error(`the lab hub "${name}" does not validate:\n${r.problems.map(formatProblem).join('\n')}`);
  return r.hub;
}
