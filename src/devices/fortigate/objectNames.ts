/**
 * Names of the FortiOS objects tunnelsmith creates for one site. Pure.
 *
 * A route-based tunnel is named by its `phase1-interface`, and that name is also the tunnel interface's:
 * at most 15 characters (FortiOS CLI Reference, phase1-interface `name`; Fortinet KB FD31562). Every other
 * name stays within 35 characters, the shortest limit of the tables used (firewall policy `name`, router
 * static `device`, phase2-interface `name`).
 */
import { createHash } from 'node:crypto';
import { objectNameStem } from '../kit/objectNameStem';

export const MAX_TUNNEL_NAME = 15;
export const MAX_OBJECT_NAME = 35;

export interface FortiosObjectNames {
  /** The phase1-interface (and tunnel interface) of Azure instance `n` (1-based). */
  tunnel(n: number): string;
  vnetAddress(index: number): string;
  spokeAddress(index: number): string;
  vnetGroup: string;
  onpremAddress(index: number): string;
  onpremGroup: string;
  azureBgpAddress(n: number): string;
  azureBgpGroup: string;
  localBgpAddress: string;
  policyToAzure: string;
  policyFromAzure: string;
  policyBgp: string;
  prefixListVnet: string;
  prefixListOnprem: string;
  routeMapIn: string;
  routeMapOut: string;
}

/**
 * `az-<site>-<n>` when it fits 15 characters; else the site name's first characters and four hex digits of
 * its SHA-256 (`az-branc-1f3a-1`), so distinct sites keep distinct tunnel names.
 */
export function fortiosTunnelName(siteName: string, n: number): string {
  const plain = `az-${siteName}-${n}`;
  if (plain.length <= MAX_TUNNEL_NAME) return plain;
  const hash = createHash('sha256').update(siteName).digest('hex').slice(0, 4);
  const suffix = `-${hash}-${n}`;
  const head = siteName.slice(0, MAX_TUNNEL_NAME - 'az-'.length - suffix.length).replace(/-+$/, '');
  return `az-${head}${suffix}`;
}

/** Every object name for a site. */
export function fortiosObjectNames(siteName: string): FortiosObjectNames {
  const s = objectNameStem(siteName);
  return {
    tunnel: (n) => fortiosTunnelName(siteName, n),
    vnetAddress: (i) => `${s}-vnet-${i + 1}`,
    spokeAddress: (i) => `${s}-spoke-${i + 1}`,
    vnetGroup: `${s}-vnet`,
    onpremAddress: (i) => `${s}-onprem-${i + 1}`,
    onpremGroup: `${s}-onprem`,
    azureBgpAddress: (n) => `${s}-azure-bgp-${n}`,
    azureBgpGroup: `${s}-azure-bgp`,
    localBgpAddress: `${s}-bgp-local`,
    policyToAzure: `${s}-to-azure`,
    policyFromAzure: `${s}-from-azure`,
    policyBgp: `${s}-bgp-in`,
    prefixListVnet: `${s}-pl-vnet`,
    prefixListOnprem: `${s}-pl-onprem`,
    routeMapIn: `${s}-rm-in`,
    routeMapOut: `${s}-rm-out`,
  };
}
