/** Azure's refusals, as ARM answers them (400 with an Azure-like code and message). */
import { ArmError } from './http';
import { isAzureApipa, parseIp } from './ipv4';

export function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message);
}

// ---- ASNs
const RESERVED_ALWAYS: Array<[number, number]> = [
  [8074, 8075],
  [12076, 12076],
  [23456, 23456],
  [64496, 64511],
  [65517, 65520],
  [65535, 65551],
  [4294967295, 4294967295],
];

function inRanges(asn: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([a, b]) => asn >= a && asn <= b);
}

/** The gateway's own ASN: 65515 is Azure's default and allowed; the other reserved ASNs are not. */
export function checkGatewayAsn(asn: unknown, gatewayId: string): void {
  if (asn === undefined) return;
  if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4294967295) {
    throw badRequest('InvalidAsn', `The ASN ${String(asn)} of virtual network gateway ${gatewayId} is not valid: it must be a whole number between 1 and 4294967294.`);
  }
  if (inRanges(asn, RESERVED_ALWAYS)) {
    throw badRequest(
      'AsnReservedForAzureUse',
      `The ASN ${asn} of virtual network gateway ${gatewayId} is reserved by Azure. Reserved ASNs: 8074, 8075, 12076, 23456, 64496-64511, 65517-65520, 65535-65551, 4294967295.`,
    );
  }
}

/** An on-premises (local network gateway / peering) ASN: Azure's 65515 is reserved too. */
export function checkOnPremAsn(asn: unknown, resourceId: string): void {
  if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4294967295) {
    throw badRequest('InvalidAsn', `The ASN ${String(asn)} of ${resourceId} is not valid: it must be a whole number between 1 and 4294967294.`);
  }
  if (asn === 65515 || inRanges(asn, RESERVED_ALWAYS)) {
    throw badRequest(
      'AsnReservedForAzureUse',
      `The ASN ${asn} of ${resourceId} is reserved by Azure. Reserved ASNs: 8074, 8075, 12076, 23456, 64496-64511, 65515, 65517-65520, 65535-65551, 4294967295.`,
    );
  }
}

// ---- IPsec policy
export const IPSEC_ENUMS = {
  ikeEncryption: ['DES', 'DES3', 'AES128', 'AES192', 'AES256', 'GCMAES256', 'GCMAES128'],
  ikeIntegrity: ['MD5', 'SHA1', 'SHA256', 'SHA384', 'GCMAES256', 'GCMAES128'],
  dhGroup: ['None', 'DHGroup1', 'DHGroup2', 'DHGroup14', 'DHGroup2048', 'ECP256', 'ECP384', 'DHGroup24'],
  ipsecEncryption: ['None', 'DES', 'DES3', 'AES128', 'AES192', 'AES256', 'GCMAES128', 'GCMAES192', 'GCMAES256'],
  ipsecIntegrity: ['MD5', 'SHA1', 'SHA256', 'GCMAES128', 'GCMAES192', 'GCMAES256'],
  pfsGroup: ['None', 'PFS1', 'PFS2', 'PFS2048', 'ECP256', 'ECP384', 'PFS24', 'PFS14', 'PFSMM'],
} as const;

/** Validates `ipsecPolicies` (at most one, every field, ARM enums, GCM pairing, lifetimes); returns the normalized list. */
export function checkIpsecPolicies(policies: unknown, connectionId: string): Record<string, unknown>[] {
  if (policies === undefined || policies === null) return [];
  if (!Array.isArray(policies)) throw badRequest('InvalidRequestFormat', `Cannot parse the request: ipsecPolicies of ${connectionId} must be an array.`);
  if (policies.length > 1) {
    throw badRequest('OnlyOneIpsecPolicyIsSupported', `Connection ${connectionId} has ${policies.length} IPsec policies; at most one is supported.`);
  }
  return policies.map((p) => {
    const policy = (p ?? {}) as Record<string, unknown>;
    for (const [field, allowed] of Object.entries(IPSEC_ENUMS)) {
      const v = policy[field];
      if (v === undefined || v === null || v === '') {
        throw badRequest('IpsecPolicyParameterMissing', `The IPsec policy of connection ${connectionId} is missing ${field}; all eight policy fields are required.`);
      }
      if (!(allowed as readonly string[]).includes(String(v))) {
        throw badRequest(
          'InvalidIpsecPolicyParameter',
          `The value '${String(v)}' of ${field} in the IPsec policy of connection ${connectionId} is not valid. Allowed values: ${allowed.join(', ')}.`,
        );
      }
    }
    for (const [field, min] of [
      ['saLifeTimeSeconds', 300],
      ['saDataSizeKilobytes', 1024],
    ] as const) {
      const v = policy[field];
      if (v === undefined || v === null) {
        throw badRequest('IpsecPolicyParameterMissing', `The IPsec policy of connection ${connectionId} is missing ${field}; all eight policy fields are required.`);
      }
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        throw badRequest('InvalidIpsecPolicyParameter', `${field} of the IPsec policy of connection ${connectionId} must be a whole number >= ${min}; got ${String(v)}.`);
      }
    }
    const enc = String(policy.ipsecEncryption);
    const integ = String(policy.ipsecIntegrity);
    if ((enc.startsWith('GCM') || integ.startsWith('GCM')) && enc !== integ) {
      throw badRequest(
        'IpsecEncryptionAndIntegrityMismatch',
        `IPsec encryption ${enc} and IPsec integrity ${integ} of connection ${connectionId} do not match: a GCM algorithm must be used for both IPsec encryption and integrity.`,
      );
    }
    return {
      saLifeTimeSeconds: policy.saLifeTimeSeconds,
      saDataSizeKilobytes: policy.saDataSizeKilobytes,
      ipsecEncryption: enc,
      ipsecIntegrity: integ,
      ikeEncryption: policy.ikeEncryption,
      ikeIntegrity: policy.ikeIntegrity,
      dhGroup: policy.dhGroup,
      pfsGroup: policy.pfsGroup,
    };
  });
}

// ---- shared key
/** 1..128 printable ASCII characters, without space, `-` and `~`. */
export function checkSharedKey(key: unknown, connectionId: string): string {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
    throw badRequest('InvalidSharedKeyLength', `The shared key of connection ${connectionId} must be 1 to 128 characters long.`);
  }
  for (const ch of key) {
    const c = ch.charCodeAt(0);
    if (c <= 0x20 || c >= 0x7f || ch === '-' || ch === '~') {
      throw badRequest(
        'InvalidSharedKey',
        `The shared key of connection ${connectionId} contains a character that is not allowed. Use printable ASCII characters except space, '-' and '~'.`,
      );
    }
  }
  return key;
}

export function checkKeyLength(n: unknown, connectionId: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 128) {
    throw badRequest('InvalidSharedKeyLength', `keyLength of the shared key reset of connection ${connectionId} must be between 1 and 128; got ${String(n)}.`);
  }
  return n;
}

export function checkDpdTimeout(v: unknown, connectionId: string): number {
  if (v === undefined || v === null) return 45;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 9 || v > 3600) {
    throw badRequest('InvalidDpdTimeout', `dpdTimeoutSeconds of connection ${connectionId} must be between 9 and 3600; got ${String(v)}.`);
  }
  return v;
}

// ---- gateways
export const VPN_SKUS = ['Basic', 'VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5', 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'];
export const ER_SKUS = ['Standard', 'HighPerformance', 'UltraPerformance', 'ErGw1AZ', 'ErGw2AZ', 'ErGw3AZ', 'ErGwScale'];

/** The retired VPN SKUs, accepted only while the `allowRetiredSkus` rule is on (Azure before the retirement). */
export const RETIRED_VPN_SKUS = ['Standard', 'HighPerformance'];

export function checkGatewaySku(gatewayType: string, sku: string, gatewayId: string, allowRetired = false): void {
  const allowed = gatewayType === 'Vpn' ? VPN_SKUS : ER_SKUS;
  if (gatewayType === 'Vpn' && allowRetired && RETIRED_VPN_SKUS.includes(sku)) return;
  if (RETIRED_VPN_SKUS.includes(sku) && gatewayType === 'Vpn') {
    throw badRequest(
      'VpnGatewaySkuRetired',
      `The ${sku} SKU for VPN gateway ${gatewayId} is retired; use VpnGw1AZ or VpnGw2AZ (or another VpnGw1AZ-5AZ SKU).`,
    );
  }
  if (!allowed.includes(sku)) {
    throw badRequest('InvalidGatewaySku', `The SKU ${sku} is not valid for a gateway of type ${gatewayType} (${gatewayId}). Allowed: ${allowed.join(', ')}.`);
  }
}

/** The non-AZ VPN SKUs, which Azure no longer creates (existing gateways keep them until Microsoft migrates them). */
export const NON_AZ_VPN_SKUS = ['VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5'];

/** A new VPN gateway: the non-AZ VpnGw1-5 are refused (VPN Gateway SKU consolidation); their AZ twins are not. */
export function checkNewVpnSku(sku: string, gatewayId: string): void {
  if (!NON_AZ_VPN_SKUS.includes(sku)) return;
  throw badRequest(
    'NonAzSkusNotAllowedForVPNGateway',
    `VpnGw1-5 non-AZ SKUs are no longer supported for new VPN gateways: ${gatewayId} cannot be created with ${sku}; use ${sku}AZ.`,
  );
}

/** Basic SKU: no BGP, no active-active. */
export function checkBasicSku(sku: string, enableBgp: boolean, activeActive: boolean, gatewayId: string): void {
  if (sku !== 'Basic') return;
  if (enableBgp) {
    throw badRequest('BasicSkuVirtualNetworkGatewayDoesNotSupportBgp', `A virtual network gateway SKU of Standard or higher is required for BGP support on virtual network gateway ${gatewayId}`);
  }
  if (activeActive) {
    throw badRequest('BasicSkuVirtualNetworkGatewayDoesNotSupportActiveActive', `Active-active mode is not supported by the Basic SKU of virtual network gateway ${gatewayId}.`);
  }
}

export function checkActiveActive(activeActive: boolean, ipConfigCount: number, gatewayId: string): void {
  if (activeActive && ipConfigCount !== 2) {
    throw badRequest('ActiveActiveGatewayMustHaveExactlyTwoIpConfigurations', `ActiveActive Gateway must be created with two IP configurations (${gatewayId}).`);
  }
  if (!activeActive && ipConfigCount !== 1) {
    throw badRequest(
      'ActivePassiveGatewayMustHaveExactlyOneIpConfiguration',
      `Virtual network gateway ${gatewayId} is not active-active and must have exactly one IP configuration; it has ${ipConfigCount}.`,
    );
  }
}

/** Custom BGP addresses must be in Azure's APIPA range 169.254.21.0 - 169.254.22.255. */
export function checkCustomBgpAddress(ip: unknown, owner: string): string {
  if (typeof ip !== 'string' || parseIp(ip) === undefined) {
    throw badRequest('InvalidCustomBgpIpAddress', `Custom BGP IP address '${String(ip)}' of ${owner} is not a valid IPv4 address.`);
  }
  if (!isAzureApipa(ip)) {
    throw badRequest(
      'CustomBgpIpAddressNotInAllowedRange',
      `Custom BGP IP address ${ip} of ${owner} is not in the allowed APIPA range 169.254.21.0 - 169.254.22.255.`,
    );
  }
  return ip;
}

/** SKUs that resize into each other in place; anything else needs a new gateway (or Azure's migration). */
const SKU_FAMILIES: string[][] = [
  ['Basic'],
  ['Standard', 'HighPerformance'],
  ['VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5'],
  ['VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'],
];
/** Each family in ascending size: a move to the left is a downgrade. */
const ER_SKU_FAMILIES: string[][] = [['Standard', 'HighPerformance', 'UltraPerformance'], ['ErGw1AZ', 'ErGw2AZ', 'ErGw3AZ'], ['ErGwScale']];
/** VPN SKUs each generation offers (VpnGw1 only in Generation1, VpnGw4/5 only in Generation2). */
const GENERATION_SKUS: Record<string, string[]> = {
  Generation1: ['Basic', 'VpnGw1', 'VpnGw2', 'VpnGw3', 'VpnGw1AZ', 'VpnGw2AZ', 'VpnGw3AZ', 'Standard', 'HighPerformance'],
  Generation2: ['VpnGw2', 'VpnGw3', 'VpnGw4', 'VpnGw5', 'VpnGw2AZ', 'VpnGw3AZ', 'VpnGw4AZ', 'VpnGw5AZ'],
};

/** The generation a new VPN gateway gets when the request names none. */
export function defaultGeneration(sku: string): string {
  return GENERATION_SKUS.Generation1.includes(sku) && !GENERATION_SKUS.Generation2.includes(sku) ? 'Generation1' : 'Generation2';
}

/** A SKU change of an existing gateway: only within one SKU family and (VPN) one generation. */
export function checkGatewaySkuChange(gatewayType: string, from: string, to: string, generation: string | undefined, gatewayId: string): void {
  if (from === to) return;
  const families = gatewayType === 'Vpn' ? SKU_FAMILIES : ER_SKU_FAMILIES;
  const family = families.find((f) => f.includes(from));
  if (!family || !family.includes(to)) {
    throw badRequest(
      'GatewaySkuResizeNotSupported',
      `Virtual network gateway ${gatewayId} cannot be resized from ${from} to ${to}: a resize stays within one SKU family. Create a new gateway (or migrate the gateway) instead.`,
    );
  }
  if (gatewayType === 'ExpressRoute' && family.indexOf(to) < family.indexOf(from)) {
    throw badRequest(
      'ExpressRouteGatewaySkuDowngradeNotSupported',
      `ExpressRoute gateway ${gatewayId} cannot be downgraded in place from ${from} to ${to}: only upgrades within a SKU family are done in place. Delete the gateway (its connections first) and create it again with ${to}.`,
    );
  }
  if (gatewayType === 'Vpn' && generation && GENERATION_SKUS[generation] && !GENERATION_SKUS[generation].includes(to)) {
    throw badRequest(
      'GatewaySkuResizeNotSupported',
      `Virtual network gateway ${gatewayId} is ${generation}, which has no ${to} SKU; a resize cannot change the generation.`,
    );
  }
}
