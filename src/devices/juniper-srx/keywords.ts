/**
 * Azure IPsec/IKE policy values -> Junos SRX keywords (azure-facts.md section 1), each value with its
 * keyword or the reason the SRX cannot carry it, and the lifetimes Junos accepts. Pure.
 *
 * SRX rule (Junos `prf-algorithm` reference): an IKE AES-GCM proposal takes no authentication algorithm
 * and its PRF is implied by the cipher (aes-256-gcm: PRF-HMAC-SHA384, aes-128-gcm: PRF-HMAC-SHA256); a
 * different PRF is refused at commit. So Azure's ikeIntegrity (the PRF with GCM) must be that one.
 */
import { isGcm, POLICY_CATALOG, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';
import { carries, gcmIntegrity, keywordOf, outside, type FieldKeywords, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';

const DEVICE = 'Junos SRX';
const NAMES = 'azure-facts.md section 1, names per device';

const cannot = (field: string, fix: string) => (value: string): Wording => ({ message: `${DEVICE} cannot use ${field} ${value}`, fix });
const dhGroupRefused = cannot('dhGroup', 'choose DHGroup14, DHGroup24, ECP256 or ECP384');
const ipsecEncryptionRefused = cannot('ipsecEncryption', 'choose GCMAES256, GCMAES128, AES256 or AES128');
const pfsGroupRefused = cannot('pfsGroup', 'choose PFS2048, PFS24, ECP256, ECP384 or None');

/** `security ike proposal` -> `encryption-algorithm`. */
const IKE_ENCRYPTION: FieldKeywords = {
  values: {
    AES256: 'aes-256-cbc',
    AES192: 'aes-192-cbc',
    AES128: 'aes-128-cbc',
    GCMAES256: 'aes-256-gcm',
    GCMAES128: 'aes-128-gcm',
    DES3: '3des-cbc',
    DES: 'des-cbc',
  },
  unlisted: cannot('ikeEncryption', 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128'),
};

/** The Azure ikeIntegrity (PRF) each IKE GCM cipher implies on the SRX (Junos `prf-algorithm` reference). */
export const JUNOS_IKE_GCM_PRF: Readonly<Record<string, string>> = {
  GCMAES256: 'SHA384',
  GCMAES128: 'SHA256',
};

/** Junos ranges for `lifetime-seconds` / `lifetime-kilobytes`. */
export const JUNOS_LIMITS = {
  ipsecLifetimeSeconds: { min: 180, max: 86400 },
  ipsecLifetimeKilobytes: { min: 64, max: 4294967294 },
  ikeLifetimeSeconds: { min: 180, max: 86400 },
} as const;

export const JUNOS_KEYWORDS: ProposalKeywords = {
  carries: 'every proposal',
  ikeEncryption: IKE_ENCRYPTION,
  /**
   * `security ike proposal` -> `authentication-algorithm` (CBC ciphers only). With GCM the PRF is implied
   * by the cipher and no authentication algorithm is set, so ikeIntegrity must be that PRF ('' keyword).
   */
  ikeIntegrity(encryption) {
    if (!carries(IKE_ENCRYPTION, encryption)) return undefined;
    const prf = JUNOS_IKE_GCM_PRF[encryption];
    if (prf !== undefined) {
      return {
        values: { [prf]: '' },
        unlisted: (integrity) => ({
          message: `${DEVICE} IKE ${keywordOf(IKE_ENCRYPTION, encryption)} always uses the PRF HMAC-${prf} and takes no authentication algorithm, so ikeEncryption ${encryption} with ikeIntegrity ${integrity} cannot be expressed`,
          fix: `set ikeIntegrity: ${prf} with ikeEncryption ${encryption}, or use ikeEncryption AES256 with ikeIntegrity ${integrity}`,
        }),
      };
    }
    return {
      values: { SHA384: 'sha-384', SHA256: 'sha-256', SHA1: 'sha1', MD5: 'md5' },
      unlisted: (integrity) => ({ message: `${DEVICE} cannot use ikeIntegrity ${integrity} with ikeEncryption ${encryption}`, fix: 'choose SHA384 or SHA256' }),
    };
  },
  /** `dh-group groupN`. */
  dhGroup: {
    values: {
      DHGroup1: 'group1',
      DHGroup2: 'group2',
      DHGroup14: 'group14',
      DHGroup2048: 'group14',
      DHGroup24: 'group24',
      ECP256: 'group19',
      ECP384: 'group20',
      None: { ...dhGroupRefused('None'), source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}` },
    },
    unlisted: dhGroupRefused,
  },
  /** `security ipsec proposal` -> `encryption-algorithm`. */
  ipsecEncryption: {
    values: {
      AES256: 'aes-256-cbc',
      AES192: 'aes-192-cbc',
      AES128: 'aes-128-cbc',
      GCMAES256: 'aes-256-gcm',
      GCMAES192: 'aes-192-gcm',
      GCMAES128: 'aes-128-gcm',
      DES3: '3des-cbc',
      DES: 'des-cbc',
      None: { ...ipsecEncryptionRefused('None'), source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}` },
    },
    unlisted: ipsecEncryptionRefused,
  },
  /** `security ipsec proposal` -> `authentication-algorithm`; none with GCM. */
  ipsecIntegrity: (encryption) =>
    isGcm(encryption)
      ? gcmIntegrity(encryption, '', (integrity) => ({
          message: `with ipsecEncryption ${encryption} the ipsecIntegrity must be ${encryption} (GCM authenticates itself); got ${integrity}`,
          fix: `set ipsecIntegrity: ${encryption}`,
        }))
      : {
          values: { SHA256: 'hmac-sha-256-128', SHA1: 'hmac-sha1-96', MD5: 'hmac-md5-96' },
          unlisted: (integrity) => ({
            message: `${DEVICE} cannot combine ipsecEncryption ${encryption} with ipsecIntegrity ${integrity}`,
            fix: 'choose SHA256 (or a GCM ipsecEncryption with the same ipsecIntegrity)',
          }),
        },
  /** `perfect-forward-secrecy keys groupN`; '' for no PFS (the statement is left out). */
  pfsGroup: {
    values: {
      None: '',
      PFS1: 'group1',
      PFS2: 'group2',
      PFS2048: 'group14',
      PFS14: 'group14',
      PFS24: 'group24',
      ECP256: 'group19',
      ECP384: 'group20',
      PFSMM: { ...pfsGroupRefused('PFSMM'), source: `${NAMES}: PFSMM exists on RRAS only` },
    },
    unlisted: pfsGroupRefused,
  },
  lifetimes(p) {
    const out: LifetimeRefusal[] = [];
    const range = (field: LifetimeRefusal['field'], value: number, r: { min: number; max: number }, what: string): void => {
      if (outside(value, r, true)) out.push({ field, message: `${DEVICE} ${what} must be ${r.min}..${r.max}; ${value} is out of range`, fix: `set ${field} between ${r.min} and ${r.max}` });
    };
    range('saLifeTimeSeconds', p.saLifeTimeSeconds, JUNOS_LIMITS.ipsecLifetimeSeconds, 'IPsec lifetime-seconds');
    range('saDataSizeKilobytes', p.saDataSizeKilobytes, JUNOS_LIMITS.ipsecLifetimeKilobytes, 'IPsec lifetime-kilobytes');
    if (outside(p.ikeLifetimeSeconds, JUNOS_LIMITS.ikeLifetimeSeconds, false)) {
      out.push({ field: 'ikeLifetimeSeconds', message: `${DEVICE} IKE lifetime-seconds must be 180..86400; ${p.ikeLifetimeSeconds} is out of range`, fix: 'report this: the IKE lifetime is fixed by Azure' });
    }
    return out;
  },
};

export interface JunosIkeProposal {
  encryption: string;
  /** null with GCM (the PRF is implied by the cipher). */
  authentication: string | null;
  dhGroup: string;
}

export interface JunosEspProposal {
  encryption: string;
  /** null with GCM. */
  authentication: string | null;
}

/** Maps an IKE proposal the proposal check accepted. */
export function junosIkeProposal(ike: IkeProposal): JunosIkeProposal {
  const encryption = keywordOf(JUNOS_KEYWORDS.ikeEncryption, ike.encryption);
  const dhGroup = keywordOf(JUNOS_KEYWORDS.dhGroup, ike.dhGroup);
  const authentication = keywordOf(JUNOS_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity);
  return { encryption, authentication: isGcm(ike.encryption) ? null : authentication, dhGroup };
}

/** Maps an ESP proposal the proposal check accepted. */
export function junosEspProposal(esp: EspProposal): JunosEspProposal {
  const encryption = keywordOf(JUNOS_KEYWORDS.ipsecEncryption, esp.encryption);
  if (isGcm(esp.encryption)) return { encryption, authentication: null };
  return { encryption, authentication: keywordOf(JUNOS_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity) };
}

/** `perfect-forward-secrecy keys groupN`, or null for no PFS. */
export function junosPfsGroup(pfsGroup: string): string | null {
  return keywordOf(JUNOS_KEYWORDS.pfsGroup, pfsGroup) || null;
}

/** The proposals in Junos keywords, for the handoff sheet (proposals already checked). */
export function junosPolicyWords(p: Proposals): string[] {
  const ike = p.ike.map((i) => {
    const j = junosIkeProposal(i);
    return `ike proposal: encryption-algorithm ${j.encryption}${j.authentication ? `, authentication-algorithm ${j.authentication}` : ''}, dh-group ${j.dhGroup}`;
  });
  const esp = p.esp.map((e) => {
    const j = junosEspProposal(e);
    return `ipsec proposal: encryption-algorithm ${j.encryption}${j.authentication ? `, authentication-algorithm ${j.authentication}` : ''}`;
  });
  const pfs = junosPfsGroup(p.pfsGroup);
  return [
    ...ike,
    ...esp,
    pfs ? `ipsec policy: perfect-forward-secrecy keys ${pfs}` : 'ipsec policy: no perfect-forward-secrecy',
    `lifetime-seconds ${p.saLifeTimeSeconds}, lifetime-kilobytes ${p.saDataSizeKilobytes}`,
  ];
}
