/**
 * Names of the PAN-OS objects tunnelsmith creates for one site. PAN-OS limits an interface management profile
 * reference to 31 characters (PAN-OS schema, tunnel interface); every name here stays within 31 and uses only
 * letters, digits and `-`, starting with a letter. Pure.
 */
import { objectNameStem } from '../kit/objectNameStem';

export const MAX_OBJECT_NAME = 31;

export interface PanosObjectNames {
  ikeProfile: string;
  ipsecProfile: string;
  managementProfile: string;
  gateway(n: number): string;
  ipsecTunnel(n: number): string;
  vnetAddress(index: number): string;
  spokeAddress(index: number): string;
  vnetGroup: string;
  onpremAddress(index: number): string;
  onpremGroup: string;
  azureGatewayAddress(n: number): string;
  azureGatewayGroup: string;
  outsideAddress: string;
  azureBgpAddress(n: number): string;
  azureBgpGroup: string;
  localBgpAddress: string;
  ruleIkeIn: string;
  ruleToAzure: string;
  ruleFromAzure: string;
  ruleBgpIn: string;
  vnetRoute(prefixIndex: number, tunnel: number): string;
  spokeRoute(prefixIndex: number, tunnel: number): string;
  bgpHostRoute(tunnel: number): string;
  anchorRoute(prefixIndex: number): string;
  peerGroup: string;
  peer(n: number): string;
  importVnet: string;
  importDeny: string;
  exportOnprem: string;
  exportDeny: string;
  redistProfile: string;
}

/** Every object name for a site. */
export function panosObjectNames(siteName: string): PanosObjectNames {
  const s = objectNameStem(siteName);
  return {
    ikeProfile: `${s}-ike`,
    ipsecProfile: `${s}-ipsec`,
    managementProfile: `${s}-ping`,
    gateway: (n) => `${s}-gw-${n}`,
    ipsecTunnel: (n) => `${s}-tunnel-${n}`,
    vnetAddress: (i) => `${s}-vnet-${i + 1}`,
    spokeAddress: (i) => `${s}-spoke-${i + 1}`,
    vnetGroup: `${s}-vnet`,
    onpremAddress: (i) => `${s}-onprem-${i + 1}`,
    onpremGroup: `${s}-onprem`,
    azureGatewayAddress: (n) => `${s}-azure-gw-${n}`,
    azureGatewayGroup: `${s}-azure-gws`,
    outsideAddress: `${s}-outside`,
    azureBgpAddress: (n) => `${s}-azure-bgp-${n}`,
    azureBgpGroup: `${s}-azure-bgp`,
    localBgpAddress: `${s}-bgp-local`,
    ruleIkeIn: `${s}-ike-in`,
    ruleToAzure: `${s}-to-azure`,
    ruleFromAzure: `${s}-from-azure`,
    ruleBgpIn: `${s}-bgp-in`,
    vnetRoute: (i, n) => `${s}-vnet${i + 1}-t${n}`,
    spokeRoute: (i, n) => `${s}-spoke${i + 1}-t${n}`,
    bgpHostRoute: (n) => `${s}-bgp-t${n}`,
    anchorRoute: (i) => `${s}-anchor-${i + 1}`,
    peerGroup: `${s}-azure`,
    peer: (n) => `${s}-azure-${n}`,
    importVnet: `${s}-in-vnet`,
    importDeny: `${s}-in-deny`,
    exportOnprem: `${s}-out-onprem`,
    exportDeny: `${s}-out-deny`,
    redistProfile: `${s}-redist`,
  };
}
