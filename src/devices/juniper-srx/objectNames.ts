/** Names of the Junos objects tunnelsmith creates for one site (Junos IKE/IPsec names: at most 32 characters). Pure. */
import { objectNameStem } from '../kit/objectNameStem';


export const MAX_OBJECT_NAME = 32;

export interface JunosObjectNames {
  ikeProposal(index: number, count: number): string;
  ikePolicy: string;
  gateway(tunnelNumber: number): string;
  ipsecProposal(index: number, count: number): string;
  ipsecPolicy: string;
  vpn(tunnelNumber: number): string;
  vnetAddress(index: number): string;
  vnetAddressSet: string;
  onpremAddress(index: number): string;
  onpremAddressSet: string;
  policyToAzure: string;
  policyFromAzure: string;
  /** Intra-zone policy: BGP and ping from Azure's BGP addresses to the loopback. */
  policyBgpToLoopback: string;
  azureBgpAddress(index: number): string;
  azureBgpAddressSet: string;
  loopbackAddress: string;
  loopbackAddressSet: string;
  prefixListVnet: string;
  prefixListSpokes: string;
  loadBalancePolicy: string;
  prefixListOnprem: string;
  importPolicy: string;
  exportPolicy: string;
  bgpGroup: string;
}

/** Every object name for a site; numbered only when Azure's default proposals give several. */
export function junosObjectNames(siteName: string): JunosObjectNames {
  const s = objectNameStem(siteName);
  const numbered = (base: string, index: number, count: number): string => (count > 1 ? `${base}-${index + 1}` : base);
  return {
    ikeProposal: (i, n) => numbered(`${s}-ike-prop`, i, n),
    ikePolicy: `${s}-ike-policy`,
    gateway: (n) => `${s}-gw-${n}`,
    ipsecProposal: (i, n) => numbered(`${s}-ipsec-prop`, i, n),
    ipsecPolicy: `${s}-ipsec-policy`,
    vpn: (n) => `${s}-vpn-${n}`,
    vnetAddress: (i) => `${s}-vnet-${i + 1}`,
    vnetAddressSet: `${s}-vnet`,
    onpremAddress: (i) => `${s}-onprem-${i + 1}`,
    onpremAddressSet: `${s}-onprem`,
    policyToAzure: `${s}-to-azure`,
    policyFromAzure: `${s}-from-azure`,
    policyBgpToLoopback: `${s}-bgp-to-lo0`,
    azureBgpAddress: (i) => `${s}-azure-bgp-${i + 1}`,
    azureBgpAddressSet: `${s}-azure-bgp`,
    loopbackAddress: `${s}-lo0-bgp-1`,
    loopbackAddressSet: `${s}-lo0-bgp`,
    prefixListVnet: `${s}-vnet`,
    prefixListSpokes: `${s}-spokes`,
    loadBalancePolicy: `${s}-load-balance`,
    prefixListOnprem: `${s}-onprem`,
    importPolicy: `${s}-import`,
    exportPolicy: `${s}-export`,
    bgpGroup: `${s}-bgp`,
  };
}
