/**
 * Gateway SKU changes and retired SKUs, for taking over gateways that already exist. Pure.
 *
 * Azure resizes a gateway in place only within one SKU family (and, for VPN gateways, within the
 * gateway's generation): VpnGw1..5, VpnGw1AZ..5AZ, the legacy Standard/HighPerformance pair, Basic;
 * for ExpressRoute the non-AZ Standard/HighPerformance/UltraPerformance and ErGw1AZ..3AZ. Anything else
 * needs a new gateway, or Azure's own gateway migration. Generation1 offers VpnGw1..3, Generation2
 * VpnGw2..5 (and the AZ variants of each).
 */
import { REFUSED_VPN_GATEWAY_SKUS } from '../../hub/azureValues';

const VPN_FAMILIES: Record<string, readonly string[]> = {
  basic: ['Basic'],
  legacy: ['Standard', 'HighPerformance'],
  vpngw: ['VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5'],
  vpngwaz: ['VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'],
};

const ER_FAMILIES: Record<string, readonly string[]> = {
  nonaz: ['Standard', 'HighPerformance', 'UltraPerformance'],
  az: ['ErGw1AZ', 'ErGw2AZ', 'ErGw3AZ'],
  scale: ['ErGwScale'],
};

const GENERATION_SKUS: Record<string, readonly string[]> = {
  Generation1: ['VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ'],
  Generation2: ['VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'],
};

export type GatewayKind = 'Vpn' | 'ExpressRoute';

export type SkuVerdict =
  | { kind: 'same' }
  /** Azure changes it in place (a resize within the family and generation). */
  | { kind: 'resize' }
  /** Azure cannot change it in place, but a new gateway of that SKU replaces it (delete, then create). */
  | { kind: 'replace'; reason: string }
  /** Azure cannot change it in place; `remedy` is what the user can do. */
  | { kind: 'refuse'; reason: string; remedy: string };

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function familyOf(kind: GatewayKind, sku: string): string | undefined {
  const families = kind === 'Vpn' ? VPN_FAMILIES : ER_FAMILIES;
  return Object.keys(families).find((f) => families[f].some((s) => eq(s, sku)));
}

/**
 * The generation of a VPN gateway: what Azure reports, else the only generation that offers its SKU.
 * Undefined when it cannot be known (then no generation rule is applied).
 */
export function vpnGeneration(sku: string, reported: string | undefined): string | undefined {
  if (reported && GENERATION_SKUS[reported]) return reported;
  const in1 = GENERATION_SKUS.Generation1.some((s) => eq(s, sku));
  const in2 = GENERATION_SKUS.Generation2.some((s) => eq(s, sku));
  if (in1 && !in2) return 'Generation1';
  if (in2 && !in1) return 'Generation2';
  return undefined;
}

/** The retired VPN SKU and Azure's migration path, or undefined when the SKU is not retired. */
export function retiredVpnSku(sku: string): { target: string; migration: string } | undefined {
  const key = Object.keys(REFUSED_VPN_GATEWAY_SKUS).find((k) => k !== 'Basic' && eq(k, sku));
  if (!key) return undefined;
  const target = REFUSED_VPN_GATEWAY_SKUS[key].use;
  return {
    target,
    migration: `the ${key} VPN gateway SKU is retired; Azure migrates ${key} gateways to ${target} itself, keeping their public IP. Once Azure has migrated this gateway, set its sku to ${target} in the hub file and deploy again; to move sooner, delete the gateway (its connections first: the tunnels drop) and deploy again to create a ${target} gateway`,
  };
}

/** The non-AZ VPN SKUs Azure no longer creates (SKU consolidation), with their AZ twin. */
const NON_AZ_VPN_SKUS: Readonly<Record<string, string>> = { VpnGw1: 'VpnGw1AZ', VpnGw2: 'VpnGw2AZ', VpnGw3: 'VpnGw3AZ', VpnGw4: 'VpnGw4AZ', VpnGw5: 'VpnGw5AZ' };

/** The AZ twin of a non-AZ VPN SKU (VpnGw1 -> VpnGw1AZ), or undefined for any other SKU. Pure. */
export function azTwinOf(sku: string): string | undefined {
  const key = Object.keys(NON_AZ_VPN_SKUS).find((k) => eq(k, sku));
  return key ? NON_AZ_VPN_SKUS[key] : undefined;
}

/** Why a Basic public IP cannot stay, and Azure's migration path for it. */
export const BASIC_PUBLIC_IP_MIGRATION =
  "Basic SKU public IPs are retired (30 September 2025). A gateway moves to a Standard IP with Azure's gateway migration (portal: the gateway's migration page for a VPN gateway, the ExpressRoute gateway migration for an ExpressRoute gateway), which keeps the gateway working during the move; an IP no gateway uses can be upgraded in place (make it Static, then az network public-ip update --sku Standard)";

/**
 * Whether Azure can change a gateway's SKU from `from` to `to` in place. Pure.
 * `generation` is what Azure reports for the gateway (VPN only).
 */
export function judgeSkuChange(kind: GatewayKind, from: string, to: string, generation?: string): SkuVerdict {
  if (eq(from, to)) return { kind: 'same' };
  const fromFamily = familyOf(kind, from);
  const toFamily = familyOf(kind, to);
  if (!fromFamily || fromFamily !== toFamily) {
    return { kind: 'refuse', ...crossFamily(kind, from, to, fromFamily) };
  }
  if (kind === 'ExpressRoute') {
    const family = ER_FAMILIES[fromFamily];
    if (family.findIndex((s) => eq(s, to)) < family.findIndex((s) => eq(s, from))) {
      return { kind: 'replace', reason: `sku ${from} -> ${to}: Azure upgrades an ExpressRoute gateway in place but never downgrades it; the gateway is deleted and created again as ${to}` };
    }
  }
  if (kind === 'Vpn') {
    const gen = vpnGeneration(from, generation);
    if (gen && !GENERATION_SKUS[gen].some((s) => eq(s, to))) {
      const offered = GENERATION_SKUS[gen].filter((s) => familyOf('Vpn', s) === fromFamily);
      return {
        kind: 'refuse',
        reason: `the gateway is ${gen}, which has no ${to} SKU, and a resize cannot change the generation`,
        remedy: `choose a SKU of ${gen} (${offered.join(', ')}), or delete the gateway (its connections first: the tunnels drop) and deploy again to create a ${to} gateway`,
      };
    }
  }
  return { kind: 'resize' };
}

function crossFamily(kind: GatewayKind, from: string, to: string, fromFamily: string | undefined): { reason: string; remedy: string } {
  const recreate = `delete the gateway (its connections first: the tunnels drop until deploy recreates them) and deploy again to create a ${to} gateway`;
  if (kind === 'Vpn' && fromFamily === 'legacy') {
    const retired = retiredVpnSku(from)!;
    return { reason: `it has the retired ${from} SKU, which cannot be resized to ${to}`, remedy: retired.migration };
  }
  if (kind === 'Vpn' && fromFamily === 'basic') {
    return {
      reason: `it is a Basic gateway (no BGP, no custom IPsec policy, no active-active, no coexistence with ExpressRoute), and Basic cannot be resized to ${to}`,
      remedy: recreate,
    };
  }
  if (kind === 'Vpn' && fromFamily === 'vpngw') {
    return {
      reason: `${from} and ${to} are different SKU families (non-zonal VpnGw and zone-redundant VpnGwAZ), and Azure resizes only within one`,
      remedy: `keep sku: ${from} in the hub file: Azure no longer creates non-AZ gateways and Microsoft migrates this one to ${azTwinOf(from)} itself, keeping its public IP (a resize to another VpnGw1..5 SKU is done in place meanwhile)${azTwinOf(from) === to ? '' : `; once migrated, a resize to ${to} is done in place`}`,
    };
  }
  if (kind === 'Vpn' && fromFamily === 'vpngwaz') {
    return {
      reason: `${from} and ${to} are different SKU families (zone-redundant VpnGwAZ and the non-zonal VpnGw, which Azure no longer creates), and Azure resizes only within one`,
      remedy: `use ${azTwinOf(to) ?? 'a VpnGw1AZ..5AZ SKU'} (a resize to another VpnGw1AZ..5AZ SKU is done in place)`,
    };
  }
  if (kind === 'ExpressRoute' && fromFamily === 'nonaz') {
    return {
      reason: `${from} is a non-zonal ExpressRoute SKU and ${to} is not in its family, so Azure cannot resize it in place`,
      remedy: `keep sku: ${from} (Standard, HighPerformance and UltraPerformance resize into each other in place), or move with Azure's ExpressRoute gateway migration (portal: the gateway's migration page), then set the sku and gatewayName it gives you, or ${recreate}`,
    };
  }
  return {
    reason: `Azure cannot resize ${from} to ${to} in place`,
    remedy: `keep sku: ${from} in the hub file, or ${recreate}`,
  };
}
