/**
 * The Azure prefixes a device accepts over BGP and routes into its tunnels: the hub VNet's own prefixes
 * exactly (Azure advertises the VNet address space as it is), and each spoke prefix of
 * `azure.vnet.spokePrefixes` together with its more specifics (one declared range may cover several
 * peered spoke VNets, each advertised with its own address space). Pure.
 */
import type { SiteContext } from './contract';

export interface AzurePrefix {
  prefix: string;
  /** Accept the prefix's more specifics too (spoke ranges). */
  orLonger: boolean;
}

export function azurePrefixes(ctx: SiteContext): AzurePrefix[] {
  return [
    ...ctx.azure.vnetPrefixes.map((prefix) => ({ prefix, orLonger: false })),
    ...ctx.azure.spokePrefixes.map((prefix) => ({ prefix, orLonger: true })),
  ];
}

/** Every Azure prefix as a plain list (static routes, address books): the VNet's, then the spokes'. */
export function azurePrefixList(ctx: SiteContext): string[] {
  return [...ctx.azure.vnetPrefixes, ...ctx.azure.spokePrefixes];
}
