/** Names of the Junos objects tunnelsmith creates for one site (Junos IKE/IPsec names: at most 32 characters). Pure. */

export const MAX_OBJECT_NAME = 32;

/**
 * A short, stable stem from the site name: `az-<site>` when the site name has at most 14 characters,
 * else its first 9 characters and a 4-hex-digit FNV-1a hash of the whole name (distinct sites stay distinct).
 */
export function objectNameStem(siteName: string): string {
  if (siteName.length <= 14) return `az-${siteName}`;
  const head = siteName.slice(0, 9).replace(/-+$/, '');
  return `az-${head}-${fnv1a(siteName).toString(16).padStart(8, '0').slice(0, 4)}`;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

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
  prefixListVnet: string;
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
    prefixListVnet: `${s}-vnet`,
    prefixListOnprem: `${s}-onprem`,
    importPolicy: `${s}-import`,
    exportPolicy: `${s}-export`,
    bgpGroup: `${s}-bgp`,
  };
}
