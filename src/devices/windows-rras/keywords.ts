/**
 * Azure policy values -> Windows RRAS `Set-VpnS2SInterface -CustomPolicy` enum values, and the check that
 * reports every value or lifetime RRAS cannot express. The accepted values are the ones Microsoft's
 * RemoteAccess module documents for Add-/Set-VpnS2SInterface (Windows Server 2016 and 2022). Pure.
 */
import type { Problem } from '../../errors';
import { isGcm, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';

/** -EncryptionMethod (IKE). RRAS documents DES, DES3, AES128, AES192, AES256: no GCM for IKE. */
export const ENCRYPTION_METHOD: Readonly<Record<string, string>> = {
  AES256: 'AES256',
  AES192: 'AES192',
  AES128: 'AES128',
  DES3: 'DES3',
  DES: 'DES',
};

/** -IntegrityCheckMethod (IKE): MD5, SHA1, SHA256, SHA384. */
export const INTEGRITY_CHECK_METHOD: Readonly<Record<string, string>> = {
  SHA384: 'SHA384',
  SHA256: 'SHA256',
  SHA1: 'SHA1',
  MD5: 'MD5',
};

/** -DHGroup: None, Group1, Group2, Group14, ECP256, ECP384, Group24. */
export const DH_GROUP: Readonly<Record<string, string>> = {
  DHGroup1: 'Group1',
  DHGroup2: 'Group2',
  DHGroup14: 'Group14',
  DHGroup2048: 'Group14',
  DHGroup24: 'Group24',
  ECP256: 'ECP256',
  ECP384: 'ECP384',
};

/** -CipherTransformConstants (ESP encryption). */
export const CIPHER_TRANSFORM: Readonly<Record<string, string>> = {
  GCMAES256: 'GCMAES256',
  GCMAES192: 'GCMAES192',
  GCMAES128: 'GCMAES128',
  AES256: 'AES256',
  AES192: 'AES192',
  AES128: 'AES128',
  DES3: 'DES3',
  DES: 'DES',
};

/** -AuthenticationTransformConstants (ESP integrity). */
export const AUTHENTICATION_TRANSFORM: Readonly<Record<string, string>> = {
  GCMAES256: 'GCMAES256',
  GCMAES192: 'GCMAES192',
  GCMAES128: 'GCMAES128',
  SHA256: 'SHA256128',
  SHA1: 'SHA196',
  MD5: 'MD596',
};

/** -PfsGroup: None, PFS1, PFS2, PFS2048, ECP256, ECP384, PFSMM, PFS24. */
export const PFS_GROUP: Readonly<Record<string, string>> = {
  None: 'None',
  PFS1: 'PFS1',
  PFS2: 'PFS2',
  PFS2048: 'PFS2048',
  PFS14: 'PFS2048',
  PFS24: 'PFS24',
  ECP256: 'ECP256',
  ECP384: 'ECP384',
  PFSMM: 'PFSMM',
};

/** -SALifeTimeSeconds range RRAS accepts (azure-facts.md section 1). */
export const SA_LIFETIME_RANGE = { min: 300, max: 17279999 } as const;
/** -SADataSizeForRenegotiationKilobytes: at least 1024 KB, and a UInt32 parameter. */
export const SA_DATA_SIZE_RANGE = { min: 1024, max: 4294967295 } as const;

/** The custom policy RRAS carries: exactly one IKE and one ESP proposal, in RRAS enum names. */
export interface RrasPolicy {
  encryptionMethod: string;
  integrityCheckMethod: string;
  dhGroup: string;
  cipherTransformConstants: string;
  authenticationTransformConstants: string;
  pfsGroup: string;
  saLifeTimeSeconds: number;
  saDataSizeKilobytes: number;
  mmSaLifeTimeSeconds: number;
}

/**
 * RRAS holds one custom policy per interface. A custom Azure policy has exactly one proposal; with
 * Azure's default list RRAS takes the first IKE and ESP proposal (both are in the list Azure accepts).
 */
export function selectedProposals(p: Proposals): { ike: IkeProposal; esp: EspProposal } {
  return { ike: p.ike[0], esp: p.esp[0] };
}

/** The RRAS custom policy for checked proposals (callers ran `checkProposals` first). */
export function rrasPolicy(p: Proposals): RrasPolicy {
  const { ike, esp } = selectedProposals(p);
  return {
    encryptionMethod: ENCRYPTION_METHOD[ike.encryption],
    integrityCheckMethod: INTEGRITY_CHECK_METHOD[ike.integrity],
    dhGroup: DH_GROUP[ike.dhGroup],
    cipherTransformConstants: CIPHER_TRANSFORM[esp.encryption],
    authenticationTransformConstants: AUTHENTICATION_TRANSFORM[esp.integrity],
    pfsGroup: PFS_GROUP[p.pfsGroup],
    saLifeTimeSeconds: p.saLifeTimeSeconds,
    saDataSizeKilobytes: p.saDataSizeKilobytes,
    mmSaLifeTimeSeconds: p.ikeLifetimeSeconds,
  };
}

function refuse(field: string, message: string, fix: string): Problem {
  return { path: `ipsecPolicy.${field}`, severity: 'error', message, fix };
}

function unknownValue(field: string, value: string, table: Readonly<Record<string, string>>): Problem {
  return refuse(field, `${JSON.stringify(value)} has no Windows RRAS equivalent`, `use one of ${Object.keys(table).join(', ')}`);
}

function checkIke(ike: IkeProposal, out: Problem[]): void {
  if (!(ike.encryption in ENCRYPTION_METHOD)) {
    out.push(
      isGcm(ike.encryption)
        ? refuse('ikeEncryption', `RRAS -EncryptionMethod has no GCM cipher (it accepts DES, DES3, AES128, AES192, AES256), so ${ike.encryption} cannot be set for IKE`, 'use AES256 for ikeEncryption (GCM stays available for ipsecEncryption)')
        : unknownValue('ikeEncryption', ike.encryption, ENCRYPTION_METHOD),
    );
  }
  if (!(ike.integrity in INTEGRITY_CHECK_METHOD)) {
    out.push(
      isGcm(ike.integrity)
        ? refuse('ikeIntegrity', `RRAS -IntegrityCheckMethod has no GCM value; ${ike.integrity} cannot be set`, 'use SHA256 or SHA384')
        : unknownValue('ikeIntegrity', ike.integrity, INTEGRITY_CHECK_METHOD),
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
  if (!(esp.encryption in CIPHER_TRANSFORM)) {
    out.push(
      esp.encryption === 'None'
        ? refuse('ipsecEncryption', 'tunnelsmith renders no unencrypted tunnel', 'use GCMAES256 (with ipsecIntegrity GCMAES256) or AES256')
        : unknownValue('ipsecEncryption', esp.encryption, CIPHER_TRANSFORM),
    );
    return;
  }
  if (!(esp.integrity in AUTHENTICATION_TRANSFORM)) {
    out.push(unknownValue('ipsecIntegrity', esp.integrity, AUTHENTICATION_TRANSFORM));
    return;
  }
  if (isGcm(esp.encryption) && esp.integrity !== esp.encryption) {
    out.push(refuse('ipsecIntegrity', `GCM encryption ${esp.encryption} needs the identical ipsecIntegrity, not ${esp.integrity}`, `set ipsecIntegrity to ${esp.encryption}`));
  } else if (!isGcm(esp.encryption) && isGcm(esp.integrity)) {
    out.push(refuse('ipsecIntegrity', `${esp.integrity} integrity needs the identical GCM encryption, not ${esp.encryption}`, `set ipsecEncryption to ${esp.integrity}, or use SHA256 integrity`));
  }
}

function checkLifetimes(p: Proposals, out: Problem[]): void {
  const life = p.saLifeTimeSeconds;
  if (!Number.isInteger(life) || life < SA_LIFETIME_RANGE.min || life > SA_LIFETIME_RANGE.max) {
    out.push(refuse('saLifeTimeSeconds', `${life} s is outside the ${SA_LIFETIME_RANGE.min}..${SA_LIFETIME_RANGE.max} s RRAS accepts for -SALifeTimeSeconds`, "use a value in that range (Azure's default is 27000)"));
  }
  const size = p.saDataSizeKilobytes;
  if (!Number.isInteger(size) || size < SA_DATA_SIZE_RANGE.min || size > SA_DATA_SIZE_RANGE.max) {
    out.push(refuse('saDataSizeKilobytes', `${size} KB is outside the ${SA_DATA_SIZE_RANGE.min}..${SA_DATA_SIZE_RANGE.max} KB RRAS accepts for -SADataSizeForRenegotiationKilobytes (a UInt32)`, "use a value in that range (Azure's default is 102400000)"));
  }
}

/**
 * Every proposal value or lifetime RRAS cannot express, as errors with paths `ipsecPolicy.<field>`.
 * Only the proposals RRAS would carry are checked (see `selectedProposals`). Never clamps.
 */
export function checkRrasProposals(p: Proposals): Problem[] {
  const out: Problem[] = [];
  const { ike, esp } = selectedProposals(p);
  checkIke(ike, out);
  checkEsp(esp, out);
  if (!(p.pfsGroup in PFS_GROUP)) out.push(unknownValue('pfsGroup', p.pfsGroup, PFS_GROUP));
  checkLifetimes(p, out);
  return out;
}

/** The custom policy in Set-VpnS2SInterface parameter words, for the handoff sheet (proposals already checked). */
export function rrasPolicyWords(p: Proposals): string[] {
  const r = rrasPolicy(p);
  return [
    `-EncryptionMethod ${r.encryptionMethod} -IntegrityCheckMethod ${r.integrityCheckMethod} -DHGroup ${r.dhGroup}`,
    `-CipherTransformConstants ${r.cipherTransformConstants} -AuthenticationTransformConstants ${r.authenticationTransformConstants} -PfsGroup ${r.pfsGroup}`,
    `-SALifeTimeSeconds ${r.saLifeTimeSeconds} -SADataSizeForRenegotiationKilobytes ${r.saDataSizeKilobytes}`,
  ];
}
