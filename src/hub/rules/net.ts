/** CIDR helpers for rules: prefixes that fail to parse are skipped here (their own rule reports them). */
import { parseCidr, type Cidr } from '../../net/ipv4';
import type { HubParts } from './types';

export function tryCidr(text: string): Cidr | undefined {
  const r = parseCidr(text);
  return r.ok ? r.cidr : undefined;
}

/** Parsed prefixes with their positions in the list they came from. */
export function indexedCidrs(texts: readonly string[]): { index: number; cidr: Cidr }[] {
  const out: { index: number; cidr: Cidr }[] = [];
  texts.forEach((t, index) => {
    const cidr = tryCidr(t);
    if (cidr) out.push({ index, cidr });
  });
  return out;
}

/** The GatewaySubnet prefix when the VNet part is valid and the prefix parses. */
export function gatewaySubnetCidr(parts: HubParts): Cidr | undefined {
  return parts.vnet ? tryCidr(parts.vnet.gatewaySubnet) : undefined;
}

/** The VNet's parsed address prefixes (empty when the VNet part is invalid). */
export function vnetCidrs(parts: HubParts): Cidr[] {
  return parts.vnet ? indexedCidrs(parts.vnet.addressSpace).map((c) => c.cidr) : [];
}
