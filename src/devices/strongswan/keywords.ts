/**
 * Azure policy values -> strongSwan (swanctl.conf) proposal keywords (azure-facts.md section 1), and
 * the check that reports every value or lifetime strongSwan cannot express. Pure.
 */
import { uniqueProblems, type Problem } from '../../errors';
import { isGcm, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';

/** IKE encryption: Azure `ikeEncryption` -> swanctl keyword. */
export const IKE_ENCRYPTION: Readonly<Record<string, string>> = {
  AES256: 'aes256',
  AES192: 'aes192',
  AES128: 'aes128',
  GCMAES256: 'aes256gcm16',
  GCMAES128: 'aes128gcm16',
  DES3: '3des',
  DES: 'des',
};

/** IKE integrity (and PRF): Azure `ikeIntegrity` -> swanctl integrity keyword. */
export const IKE_INTEGRITY: Readonly<Record<string, string>> = {
  SHA384: 'sha384',
  SHA256: 'sha256',
  SHA1: 'sha1',
  MD5: 'md5',
};

/** With an AEAD (GCM) IKE cipher the Azure integrity value is the PRF only. */
export const IKE_PRF: Readonly<Record<string, string>> = {
  SHA384: 'prfsha384',
  SHA256: 'prfsha256',
  SHA1: 'prfsha1',
  MD5: 'prfmd5',
};

/** Diffie-Hellman groups: Azure `dhGroup` / `pfsGroup` -> swanctl keyword. */
export const DH_GROUP: Readonly<Record<string, string>> = {
  DHGroup1: 'modp768',
  DHGroup2: 'modp1024',
  DHGroup14: 'modp2048',
  DHGroup2048: 'modp2048',
  DHGroup24: 'modp2048s256',
  ECP256: 'ecp256',
  ECP384: 'ecp384',
};

/** PFS: Azure `pfsGroup` -> the group appended to esp_proposals ('' for no PFS). */
export const PFS_GROUP: Readonly<Record<string, string>> = {
  None: '',
  PFS1: 'modp768',
  PFS2: 'modp1024',
  PFS2048: 'modp2048',
  PFS14: 'modp2048',
  PFS24: 'modp2048s256',
  ECP256: 'ecp256',
  ECP384: 'ecp384',
};

/** ESP encryption: Azure `ipsecEncryption` -> swanctl keyword. */
export const ESP_ENCRYPTION: Readonly<Record<string, string>> = {
  GCMAES256: 'aes256gcm16',
  GCMAES192: 'aes192gcm16',
  GCMAES128: 'aes128gcm16',
  AES256: 'aes256',
  AES192: 'aes192',
  AES128: 'aes128',
  DES3: '3des',
  DES: 'des',
};

/** ESP integrity for non-GCM ciphers: Azure `ipsecIntegrity` -> swanctl keyword. */
export const ESP_INTEGRITY: Readonly<Record<string, string>> = {
  SHA256: 'sha256',
  SHA1: 'sha1',
  MD5: 'md5',
};

/**
 * The vici plugin copies each lifetime value into a 16-byte buffer before parsing it and silently cuts
 * what does not fit: measured with strongSwan 5.9.8, `rekey_bytes = 1000000000000000` loads as
 * 100000000000000 and swanctl reports success. So a value (digits plus unit) must stay within 15 characters.
 */
export const MAX_VICI_NUMBER_CHARS = 15;

/** The swanctl IKE proposal for one Azure IKE proposal (callers ran `checkProposals` first). */
export function ikeProposalKeyword(ike: IkeProposal): string {
  const enc = IKE_ENCRYPTION[ike.encryption];
  const integrity = isGcm(ike.encryption) ? IKE_PRF[ike.integrity] : IKE_INTEGRITY[ike.integrity];
  return `${enc}-${integrity}-${DH_GROUP[ike.dhGroup]}`;
}

/** The swanctl ESP proposal for one Azure ESP proposal with the PFS group appended (callers ran `checkProposals` first). */
export function espProposalKeyword(esp: EspProposal, pfsGroup: string): string {
  const parts = [ESP_ENCRYPTION[esp.encryption]];
  if (!isGcm(esp.encryption)) parts.push(ESP_INTEGRITY[esp.integrity]);
  const pfs = PFS_GROUP[pfsGroup];
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

function refuse(field: string, message: string, fix: string): Problem {
  return { path: `ipsecPolicy.${field}`, severity: 'error', message, fix };
}

function unknownValue(field: string, value: string, table: Readonly<Record<string, string>>): Problem {
  return refuse(field, `${JSON.stringify(value)} has no strongSwan equivalent`, `use one of ${Object.keys(table).join(', ')}`);
}

function checkIke(ike: IkeProposal, out: Problem[]): void {
  if (!(ike.encryption in IKE_ENCRYPTION)) out.push(unknownValue('ikeEncryption', ike.encryption, IKE_ENCRYPTION));
  if (!(ike.integrity in IKE_INTEGRITY)) {
    out.push(
      isGcm(ike.integrity)
        ? refuse('ikeIntegrity', `${ike.integrity} is not a PRF; strongSwan needs a hash for the IKEv2 PRF`, 'use SHA256 or SHA384 (with GCM IKE encryption it becomes the PRF)')
        : unknownValue('ikeIntegrity', ike.integrity, IKE_INTEGRITY),
    );
  }
  if (!(ike.dhGroup in DH_GROUP)) {
    out.push(
      ike.dhGroup === 'None'
        ? refuse('dhGroup', 'IKEv2 always needs a Diffie-Hellman group; None cannot be rendered', 'use DHGroup14, ECP256 or ECP384')
        : unknownValue('dhGroup', ike.dhGroup, DH_GROUP),
    );
  }
}

function checkEsp(esp: EspProposal, out: Problem[]): void {
  if (!(esp.encryption in ESP_ENCRYPTION)) {
    out.push(
      esp.encryption === 'None'
        ? refuse('ipsecEncryption', 'tunnelsmith renders no unencrypted tunnel', 'use GCMAES256 (with ipsecIntegrity GCMAES256) or AES256')
        : unknownValue('ipsecEncryption', esp.encryption, ESP_ENCRYPTION),
    );
    return;
  }
  if (isGcm(esp.encryption)) {
    if (esp.integrity !== esp.encryption) {
      out.push(refuse('ipsecIntegrity', `GCM encryption ${esp.encryption} needs the identical ipsecIntegrity, not ${esp.integrity}`, `set ipsecIntegrity to ${esp.encryption}`));
    }
  } else if (!(esp.integrity in ESP_INTEGRITY)) {
    out.push(
      isGcm(esp.integrity)
        ? refuse('ipsecIntegrity', `${esp.integrity} integrity needs the identical GCM encryption, not ${esp.encryption}`, `set ipsecEncryption to ${esp.integrity}, or use SHA256 integrity`)
        : unknownValue('ipsecIntegrity', esp.integrity, ESP_INTEGRITY),
    );
  }
}

function checkLifetimes(p: Proposals, out: Problem[]): void {
  const secondsOk = Number.isSafeInteger(p.saLifeTimeSeconds) && p.saLifeTimeSeconds >= 1;
  const bytesOk = Number.isSafeInteger(p.saDataSizeKilobytes) && p.saDataSizeKilobytes >= 1;
  if (!secondsOk) out.push(refuse('saLifeTimeSeconds', `${p.saLifeTimeSeconds} is not a whole number of seconds >= 1`, 'use Azure\'s default 27000'));
  if (!bytesOk) out.push(refuse('saDataSizeKilobytes', `${p.saDataSizeKilobytes} is not a whole number of kilobytes >= 1`, "use Azure's default 102400000"));
  if (!secondsOk || !bytesOk) return;
  const life = childLifetimes(p);
  if (`${life.lifeSeconds}s`.length > MAX_VICI_NUMBER_CHARS) {
    out.push(refuse('saLifeTimeSeconds', `${p.saLifeTimeSeconds} s gives life_time ${life.lifeSeconds}s, longer than the ${MAX_VICI_NUMBER_CHARS} characters strongSwan's vici parser keeps (it would cut the value silently)`, 'use a lifetime below 90000000000000 seconds (Azure default 27000)'));
  }
  if (life.lifeBytes.length > MAX_VICI_NUMBER_CHARS) {
    out.push(refuse('saDataSizeKilobytes', `${p.saDataSizeKilobytes} KB gives life_bytes ${life.lifeBytes}, longer than the ${MAX_VICI_NUMBER_CHARS} digits strongSwan's vici parser keeps (it would cut the value silently)`, 'use at most 887784090909 KB (Azure default 102400000)'));
  }
}

/**
 * Every proposal value or lifetime strongSwan cannot express, as errors with paths
 * `ipsecPolicy.<field>`. Azure's default proposal list (several IKE/ESP proposals) is checked
 * proposal by proposal. Never clamps.
 */
export function checkStrongswanProposals(p: Proposals): Problem[] {
  const out: Problem[] = [];
  for (const ike of p.ike) checkIke(ike, out);
  for (const esp of p.esp) checkEsp(esp, out);
  if (!(p.pfsGroup in PFS_GROUP)) {
    out.push(
      p.pfsGroup === 'PFSMM'
        ? refuse('pfsGroup', 'PFSMM (reuse the IKE group) has no strongSwan equivalent', 'name the group explicitly, e.g. PFS2048 or ECP384')
        : unknownValue('pfsGroup', p.pfsGroup, PFS_GROUP),
    );
  }
  checkLifetimes(p, out);
  return uniqueProblems(out);
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
