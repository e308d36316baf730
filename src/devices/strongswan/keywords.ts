/**
 * Azure policy values -> strongSwan (swanctl.conf) proposal keywords (azure-facts.md section 1), each
 * value with its keyword or the reason strongSwan cannot carry it, and the lifetimes strongSwan can
 * hold. Pure.
 */
import { isGcm, POLICY_CATALOG, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';
import { carriedValues, gcmIntegrity, keywordOf, outside, type FieldKeywords, type Keyword, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';

const NAMES = 'azure-facts.md section 1, names per device';

/** The wording for a value strongSwan has no keyword for: the fix lists the ones it has. */
function unknownValue(table: Pick<FieldKeywords, 'values'>): (value: string) => Wording {
  return (value) => ({ message: `${JSON.stringify(value)} has no strongSwan equivalent`, fix: `use one of ${carriedValues(table).join(', ')}` });
}

const notAPrf = (value: string): Wording => ({
  message: `${value} is not a PRF; strongSwan needs a hash for the IKEv2 PRF`,
  fix: 'use SHA256 or SHA384 (with GCM IKE encryption it becomes the PRF)',
});
const NOT_A_PRF_SOURCE = 'azure-facts.md section 1: IKEv2 integrity is also the PRF, a hash';

/** IKE integrity (and PRF): Azure `ikeIntegrity` -> swanctl keyword; with a GCM cipher the PRF keyword instead. */
function ikeIntegrity(keywords: Readonly<Record<string, string>>): FieldKeywords {
  const values = {
    ...keywords,
    GCMAES256: { ...notAPrf('GCMAES256'), source: NOT_A_PRF_SOURCE },
    GCMAES128: { ...notAPrf('GCMAES128'), source: NOT_A_PRF_SOURCE },
  };
  const unknown = unknownValue({ values });
  return { values, unlisted: (value) => (isGcm(value) ? notAPrf(value) : unknown(value)) };
}
const IKE_INTEGRITY = ikeIntegrity({ SHA384: 'sha384', SHA256: 'sha256', SHA1: 'sha1', MD5: 'md5' });
const IKE_PRF = ikeIntegrity({ SHA384: 'prfsha384', SHA256: 'prfsha256', SHA1: 'prfsha1', MD5: 'prfmd5' });

/** A table whose unlisted values get the "no strongSwan equivalent" wording. */
function field(values: Readonly<Record<string, Keyword>>): FieldKeywords {
  return { values, unlisted: unknownValue({ values }) };
}

/** ESP integrity for non-GCM ciphers: Azure `ipsecIntegrity` -> swanctl keyword. */
function cbcIntegrity(encryption: string): FieldKeywords {
  const needsGcm = (integrity: string): Wording => ({
    message: `${integrity} integrity needs the identical GCM encryption, not ${encryption}`,
    fix: `set ipsecEncryption to ${integrity}, or use SHA256 integrity`,
  });
  const values = { SHA256: 'sha256', SHA1: 'sha1', MD5: 'md5' };
  const unknown = unknownValue({ values });
  return { values, unlisted: (integrity) => (isGcm(integrity) ? needsGcm(integrity) : unknown(integrity)) };
}

export const STRONGSWAN_KEYWORDS: ProposalKeywords = {
  carries: 'every proposal',
  /** IKE encryption: Azure `ikeEncryption` -> swanctl keyword. */
  ikeEncryption: field({
    AES256: 'aes256',
    AES192: 'aes192',
    AES128: 'aes128',
    GCMAES256: 'aes256gcm16',
    GCMAES128: 'aes128gcm16',
    DES3: '3des',
    DES: 'des',
  }),
  ikeIntegrity: (encryption) => (isGcm(encryption) ? IKE_PRF : IKE_INTEGRITY),
  /** Diffie-Hellman groups: Azure `dhGroup` -> swanctl keyword. */
  dhGroup: field({
    DHGroup1: 'modp768',
    DHGroup2: 'modp1024',
    DHGroup14: 'modp2048',
    DHGroup2048: 'modp2048',
    DHGroup24: 'modp2048s256',
    ECP256: 'ecp256',
    ECP384: 'ecp384',
    None: {
      message: 'IKEv2 always needs a Diffie-Hellman group; None cannot be rendered',
      fix: 'use DHGroup14, ECP256 or ECP384',
      source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}`,
    },
  }),
  /** ESP encryption: Azure `ipsecEncryption` -> swanctl keyword. */
  ipsecEncryption: field({
    GCMAES256: 'aes256gcm16',
    GCMAES192: 'aes192gcm16',
    GCMAES128: 'aes128gcm16',
    AES256: 'aes256',
    AES192: 'aes192',
    AES128: 'aes128',
    DES3: '3des',
    DES: 'des',
    None: {
      message: 'tunnelsmith renders no unencrypted tunnel',
      fix: 'use GCMAES256 (with ipsecIntegrity GCMAES256) or AES256',
      source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}`,
    },
  }),
  /** ESP integrity: none with GCM (the identical GCM value), else the swanctl keyword. */
  ipsecIntegrity: (encryption) =>
    isGcm(encryption)
      ? gcmIntegrity(encryption, '', (integrity) => ({ message: `GCM encryption ${encryption} needs the identical ipsecIntegrity, not ${integrity}`, fix: `set ipsecIntegrity to ${encryption}` }))
      : cbcIntegrity(encryption),
  /** PFS: Azure `pfsGroup` -> the group appended to esp_proposals ('' for no PFS). */
  pfsGroup: field({
    None: '',
    PFS1: 'modp768',
    PFS2: 'modp1024',
    PFS2048: 'modp2048',
    PFS14: 'modp2048',
    PFS24: 'modp2048s256',
    ECP256: 'ecp256',
    ECP384: 'ecp384',
    PFSMM: {
      message: 'PFSMM (reuse the IKE group) has no strongSwan equivalent',
      fix: 'name the group explicitly, e.g. PFS2048 or ECP384',
      source: `${NAMES}: PFSMM exists on RRAS only`,
    },
  }),
  lifetimes,
};

/**
 * The vici plugin copies each lifetime value into a 16-byte buffer before parsing it and silently cuts
 * what does not fit: measured with strongSwan 5.9.8, `rekey_bytes = 1000000000000000` loads as
 * 100000000000000 and swanctl reports success. So a value (digits plus unit) must stay within 15 characters.
 */
export const MAX_VICI_NUMBER_CHARS = 15;

/** The swanctl IKE proposal for one Azure IKE proposal (callers ran `checkProposals` first). */
export function ikeProposalKeyword(ike: IkeProposal): string {
  const k = STRONGSWAN_KEYWORDS;
  return `${keywordOf(k.ikeEncryption, ike.encryption)}-${keywordOf(k.ikeIntegrity(ike.encryption)!, ike.integrity)}-${keywordOf(k.dhGroup, ike.dhGroup)}`;
}

/** The swanctl ESP proposal for one Azure ESP proposal with the PFS group appended (callers ran `checkProposals` first). */
export function espProposalKeyword(esp: EspProposal, pfsGroup: string): string {
  const k = STRONGSWAN_KEYWORDS;
  const parts = [keywordOf(k.ipsecEncryption, esp.encryption)];
  if (!isGcm(esp.encryption)) parts.push(keywordOf(k.ipsecIntegrity(esp.encryption), esp.integrity));
  const pfs = keywordOf(k.pfsGroup, pfsGroup);
  if (pfs) parts.push(pfs);
  return parts.join('-');
}

/** Child SA lifetimes as written to swanctl.conf: rekey values and hard limits 10% above them. */
export interface ChildLifetimes {
  rekeySeconds: number;
  lifeSeconds: number;
  /** Bytes as decimal strings: KB x 1024 can pass 2^53. */
  rekeyBytes: string;
  lifeBytes: string;
}

/**
 * Azure's SA lifetime and data size as strongSwan child lifetimes: `rekey_time` is Azure's lifetime and
 * `life_time` 10% above it (interop-lab.md: strongSwan draws a random rekey margin of up to the
 * difference, so keep it small); `rekey_bytes` is KB x 1024 and `life_bytes` 10% above it.
 */
export function childLifetimes(p: Pick<Proposals, 'saLifeTimeSeconds' | 'saDataSizeKilobytes'>): ChildLifetimes {
  const rekeySeconds = p.saLifeTimeSeconds;
  const rekeyBytes = BigInt(p.saDataSizeKilobytes) * 1024n;
  return {
    rekeySeconds,
    lifeSeconds: rekeySeconds + Math.ceil(rekeySeconds / 10),
    rekeyBytes: rekeyBytes.toString(),
    lifeBytes: (rekeyBytes + (rekeyBytes + 9n) / 10n).toString(),
  };
}

/** IKE SA rekey time and the hard limit above it (`over_time`, strongSwan's default of 10%). */
export function ikeLifetimes(ikeLifetimeSeconds: number): { rekeySeconds: number; overSeconds: number } {
  return { rekeySeconds: ikeLifetimeSeconds, overSeconds: Math.ceil(ikeLifetimeSeconds / 10) };
}

/**
 * Lifetimes must be whole numbers, and their strongSwan values (10% above Azure's) must fit the vici
 * parser; the second check runs only when both values are whole numbers.
 */
function lifetimes(p: Proposals): LifetimeRefusal[] {
  const out: LifetimeRefusal[] = [];
  const positive = { min: 1, max: Number.MAX_SAFE_INTEGER };
  const secondsOk = !outside(p.saLifeTimeSeconds, positive, true);
  const bytesOk = !outside(p.saDataSizeKilobytes, positive, true);
  if (!secondsOk) out.push({ field: 'saLifeTimeSeconds', message: `${p.saLifeTimeSeconds} is not a whole number of seconds >= 1`, fix: 'use Azure\'s default 27000' });
  if (!bytesOk) out.push({ field: 'saDataSizeKilobytes', message: `${p.saDataSizeKilobytes} is not a whole number of kilobytes >= 1`, fix: "use Azure's default 102400000" });
  if (!secondsOk || !bytesOk) return out;
  const life = childLifetimes(p);
  if (`${life.lifeSeconds}s`.length > MAX_VICI_NUMBER_CHARS) {
    out.push({ field: 'saLifeTimeSeconds', message: `${p.saLifeTimeSeconds} s gives life_time ${life.lifeSeconds}s, longer than the ${MAX_VICI_NUMBER_CHARS} characters strongSwan's vici parser keeps (it would cut the value silently)`, fix: 'use a lifetime below 90000000000000 seconds (Azure default 27000)' });
  }
  if (life.lifeBytes.length > MAX_VICI_NUMBER_CHARS) {
    out.push({ field: 'saDataSizeKilobytes', message: `${p.saDataSizeKilobytes} KB gives life_bytes ${life.lifeBytes}, longer than the ${MAX_VICI_NUMBER_CHARS} digits strongSwan's vici parser keeps (it would cut the value silently)`, fix: 'use at most 887784090909 KB (Azure default 102400000)' });
  }
  return out;
}

/** The proposals in swanctl.conf keywords, for the handoff sheet (proposals already checked). */
export function strongswanPolicyWords(p: Proposals): string[] {
  const life = childLifetimes(p);
  return [
    `proposals = ${p.ike.map(ikeProposalKeyword).join(', ')}`,
    `esp_proposals = ${p.esp.map((e) => espProposalKeyword(e, p.pfsGroup)).join(', ')}`,
    `rekey_time = ${life.rekeySeconds}s, rekey_bytes = ${life.rekeyBytes}`,
  ];
}
