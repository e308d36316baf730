/** Azure values the hub file is checked against (azure-facts.md sections 2, 4 and 5). Pure data. */

export const VPN_GATEWAY_SKUS = [
  'VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5',
  'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ',
] as const;

/** VPN SKUs Azure knows but tunnelsmith refuses, with the reason and the replacement. */
export const REFUSED_VPN_GATEWAY_SKUS: Readonly<Record<string, { reason: string; use: string }>> = {
  Basic: { reason: 'Basic has no BGP, no custom IPsec policy, no active-active and cannot coexist with ExpressRoute', use: 'VpnGw1AZ' },
  Standard: { reason: 'the Standard VPN SKU is retired (Azure migrated it to VpnGw1AZ)', use: 'VpnGw1AZ' },
  HighPerformance: { reason: 'the HighPerformance VPN SKU is retired (Azure migrated it to VpnGw2AZ)', use: 'VpnGw2AZ' },
};

export const EXPRESS_ROUTE_GATEWAY_SKUS = ['Standard', 'HighPerformance', 'UltraPerformance', 'ErGw1AZ', 'ErGw2AZ', 'ErGw3AZ'] as const;

export const CIRCUIT_BANDWIDTHS_MBPS = [50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
export const CIRCUIT_SKU_TIERS = ['Standard', 'Premium', 'Local'] as const;
export const CIRCUIT_SKU_FAMILIES = ['MeteredData', 'UnlimitedData'] as const;

export const AZURE_DEFAULT_ASN = 65515;
export const MAX_ASN = 4294967295;

/** Azure's reserved ASNs (azure-facts.md section 2) as inclusive ranges. */
const RESERVED_ASN_RANGES: readonly (readonly [number, number])[] = [
  [8074, 8075],
  [12076, 12076],
  [23456, 23456],
  [64496, 64511],
  [65515, 65515],
  [65517, 65520],
  [65535, 65551],
  [4294967295, 4294967295],
];

/** True when Azure reserves the ASN (it cannot be used on premises, nor on the gateway unless 65515). */
export function isReservedAsn(asn: number): boolean {
  return RESERVED_ASN_RANGES.some(([lo, hi]) => asn >= lo && asn <= hi);
}

/** The smallest GatewaySubnet Azure accepts, and the smallest for ExpressRoute + VPN coexistence. */
export const MIN_GATEWAY_SUBNET_PREFIX = 29;
export const MIN_COEXISTENCE_GATEWAY_SUBNET_PREFIX = 27;
export const GATEWAY_SUBNET_NAME = 'GatewaySubnet';

export const DPD_TIMEOUT_RANGE = { min: 9, max: 3600 } as const;

/** ARM types these lifetimes as int32. */
export const MAX_INT32 = 2147483647;
