/**
 * Azure IPsec/IKE policy values -> Cisco IOS-XE keywords (azure-facts.md section 1), and the check that
 * reports every value or lifetime IOS-XE cannot express. Pure.
 */
import { uniqueProblems, type Problem } from '../../errors';
import { dhGroupNumber, isGcm, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';

const DEVICE = 'Cisco IOS-XE';

/** `crypto ikev2 proposal` -> `encryption ...`. IKEv2 on IOS-XE has no single DES. */
export const CISCO_IKE_ENCRYPTION: Readonly<Record<string, string>> = {
  AES256: 'aes-cbc-256',
  AES192: 'aes-cbc-192',
  AES128: 'aes-cbc-128',
  GCMAES256: 'aes-gcm-256',
  GCMAES128: 'aes-gcm-128',
  DES3: '3des',
};

/** `crypto ikev2 proposal` -> `integrity ...` (CBC ciphers) or `prf ...` (GCM ciphers). */
export const CISCO_IKE_HASH: Readonly<Record<string, string>> = {
  SHA384: 'sha384',
  SHA256: 'sha256',
  SHA1: 'sha1',
  MD5: 'md5',
};

/** `crypto ikev2 proposal` -> `group N`, and `set pfs groupN`: IOS-XE knows these DH groups. */
const CISCO_DH_GROUPS: readonly number[] = [1, 2, 14, 19, 20, 24];

/** `crypto ipsec transform-set` encryption transform. */
export const CISCO_ESP_ENCRYPTION: Readonly<Record<string, string>> = {
  AES256: 'esp-aes 256',
  AES192: 'esp-aes 192',
  AES128: 'esp-aes 128',
  GCMAES256: 'esp-gcm 256',
  GCMAES192: 'esp-gcm 192',
  GCMAES128: 'esp-gcm 128',
  DES3: 'esp-3des',
  DES: 'esp-des',
};

/** `crypto ipsec transform-set` integrity transform (none with GCM). */
export const CISCO_ESP_INTEGRITY: Readonly<Record<string, string>> = {
  SHA256: 'esp-sha256-hmac',
  SHA1: 'esp-sha-hmac',
  MD5: 'esp-md5-hmac',
};

/** IOS-XE ranges: `set security-association lifetime seconds|kilobytes`, IKEv2 profile `lifetime`. */
export const CISCO_LIMITS = {
  ipsecLifetimeSeconds: { min: 120, max: 86400 },
  ipsecLifetimeKilobytes: { min: 2560, max: 4294967295 },
  ikeLifetimeSeconds: { min: 120, max: 86400 },
} as const;

/** One IKEv2 proposal in IOS-XE words: GCM carries a PRF and no integrity; CBC carries integrity only. */
export interface CiscoIkeProposal {
  encryption: string;
  integrity: string | null;
  prf: string | null;
  group: string;
}

/** Maps an IKE proposal already accepted by `checkCiscoProposals`. Throws on a value it cannot express. */
export function ciscoIkeProposal(ike: IkeProposal): CiscoIkeProposal {
  const encryption = must(CISCO_IKE_ENCRYPTION, ike.encryption, 'ikeEncryption');
  const hash = must(CISCO_IKE_HASH, ike.integrity, 'ikeIntegrity');
  const group = ciscoDhGroup(ike.dhGroup);
  if (group === undefined) throw new Error(`unexpressible dhGroup ${ike.dhGroup} reached the Cisco view`);
  return isGcm(ike.encryption)
    ? { encryption, integrity: null, prf: hash, group: String(group) }
    : { encryption, integrity: hash, prf: null, group: String(group) };
}

/** The transforms of one transform-set, e.g. `esp-aes 256 esp-sha256-hmac` or `esp-gcm 256`. */
export function ciscoTransforms(esp: EspProposal): string {
  const encryption = must(CISCO_ESP_ENCRYPTION, esp.encryption, 'ipsecEncryption');
  if (isGcm(esp.encryption)) return encryption;
  return `${encryption} ${must(CISCO_ESP_INTEGRITY, esp.integrity, 'ipsecIntegrity')}`;
}

/** `set pfs groupN`, or null for no PFS. */
export function ciscoPfsGroup(pfsGroup: string): string | null {
  if (pfsGroup === 'None') return null;
  const n = ciscoDhGroup(pfsGroup);
  if (n === undefined) throw new Error(`unexpressible pfsGroup ${pfsGroup} reached the Cisco view`);
  return `group${n}`;
}

function ciscoDhGroup(value: string): number | undefined {
  const n = dhGroupNumber(value);
  return n !== undefined && CISCO_DH_GROUPS.includes(n) ? n : undefined;
}

/**
 * Every proposal value and lifetime IOS-XE cannot express, as errors with paths `ipsecPolicy.<field>`.
 * Checks every IKE and ESP proposal (Azure's default list too). Never clamps.
 */
export function checkCiscoProposals(p: Proposals): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string, fix: string): void => {
    problems.push({ path: `ipsecPolicy.${field}`, severity: 'error', message, fix });
  };
  for (const ike of p.ike) {
    if (!(ike.encryption in CISCO_IKE_ENCRYPTION)) {
      add('ikeEncryption', `${DEVICE} IKEv2 cannot use ikeEncryption ${ike.encryption}`, 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128');
    }
    if (!(ike.integrity in CISCO_IKE_HASH)) {
      add('ikeIntegrity', `${DEVICE} IKEv2 cannot use ikeIntegrity ${ike.integrity}`, 'choose SHA384 or SHA256 (with a GCM ikeEncryption it is the PRF)');
    }
    if (ciscoDhGroup(ike.dhGroup) === undefined) {
      add('dhGroup', `${DEVICE} IKEv2 cannot use dhGroup ${ike.dhGroup}`, 'choose DHGroup14, DHGroup24, ECP256 or ECP384');
    }
  }
  for (const esp of p.esp) problems.push(...checkEsp(esp));
  if (p.pfsGroup !== 'None' && ciscoDhGroup(p.pfsGroup) === undefined) {
    add('pfsGroup', `${DEVICE} cannot use pfsGroup ${p.pfsGroup}`, 'choose PFS2048, PFS24, ECP256, ECP384 or None');
  }
  const range = (field: string, value: number, r: { min: number; max: number }, what: string): void => {
    if (!Number.isInteger(value) || value < r.min || value > r.max) {
      add(field, `${DEVICE} ${what} must be ${r.min}..${r.max}; ${value} is out of range`, `set ${field} between ${r.min} and ${r.max}`);
    }
  };
  range('saLifeTimeSeconds', p.saLifeTimeSeconds, CISCO_LIMITS.ipsecLifetimeSeconds, 'IPsec SA lifetime (seconds)');
  range('saDataSizeKilobytes', p.saDataSizeKilobytes, CISCO_LIMITS.ipsecLifetimeKilobytes, 'IPsec SA lifetime (kilobytes)');
  if (p.ikeLifetimeSeconds < CISCO_LIMITS.ikeLifetimeSeconds.min || p.ikeLifetimeSeconds > CISCO_LIMITS.ikeLifetimeSeconds.max) {
    add('ikeLifetimeSeconds', `${DEVICE} IKEv2 SA lifetime must be 120..86400; ${p.ikeLifetimeSeconds} is out of range`, 'report this: the IKE lifetime is fixed by Azure');
  }
  return uniqueProblems(problems);
}


function checkEsp(esp: EspProposal): Problem[] {
  const out: Problem[] = [];
  const err = (field: string, message: string, fix: string): void => {
    out.push({ path: `ipsecPolicy.${field}`, severity: 'error', message, fix });
  };
  if (!(esp.encryption in CISCO_ESP_ENCRYPTION)) {
    err('ipsecEncryption', `${DEVICE} cannot use ipsecEncryption ${esp.encryption}`, 'choose GCMAES256, GCMAES128, AES256 or AES128');
    return out;
  }
  if (isGcm(esp.encryption)) {
    if (esp.integrity !== esp.encryption) {
      err('ipsecIntegrity', `with ipsecEncryption ${esp.encryption} the ipsecIntegrity must be ${esp.encryption} (GCM authenticates itself); got ${esp.integrity}`, `set ipsecIntegrity: ${esp.encryption}`);
    }
  } else if (!(esp.integrity in CISCO_ESP_INTEGRITY)) {
    err('ipsecIntegrity', `${DEVICE} cannot combine ipsecEncryption ${esp.encryption} with ipsecIntegrity ${esp.integrity}`, 'choose SHA256 (or a GCM ipsecEncryption with the same ipsecIntegrity)');
  }
  return out;
}

function must(table: Readonly<Record<string, string>>, key: string, field: string): string {
  const v = table[key];
  if (v === undefined) throw new Error(`unexpressible ${field} ${key} reached the Cisco view (checkProposals must run first)`);
  return v;
}

/** The proposals in IOS-XE keywords, for the handoff sheet (proposals already checked). */
export function ciscoPolicyWords(p: Proposals): string[] {
  const ike = p.ike.map((i) => {
    const c = ciscoIkeProposal(i);
    return `crypto ikev2 proposal: encryption ${c.encryption}; ${c.integrity ? `integrity ${c.integrity}` : `prf ${c.prf}`}; group ${c.group}`;
  });
  const esp = p.esp.map((e) => `crypto ipsec transform-set: ${ciscoTransforms(e)}`);
  const pfs = ciscoPfsGroup(p.pfsGroup);
  return [
    ...ike,
    ...esp,
    pfs ? `set pfs ${pfs}` : 'no PFS (no set pfs)',
    `set security-association lifetime seconds ${p.saLifeTimeSeconds} / kilobytes ${p.saDataSizeKilobytes}`,
  ];
}
