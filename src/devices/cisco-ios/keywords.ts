/**
 * Azure IPsec/IKE policy values -> Cisco IOS-XE keywords (azure-facts.md section 1), each value with its
 * keyword or the reason IOS-XE cannot carry it, and the lifetimes IOS-XE accepts. Pure.
 */
import { isGcm, POLICY_CATALOG, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';
import { gcmIntegrity, keywordOf, outside, type FieldKeywords, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';

const DEVICE = 'Cisco IOS-XE';
const NAMES = 'azure-facts.md section 1, names per device';

const ikeCannot = (field: string, fix: string) => (value: string): Wording => ({ message: `${DEVICE} IKEv2 cannot use ${field} ${value}`, fix });
const cannot = (field: string, fix: string) => (value: string): Wording => ({ message: `${DEVICE} cannot use ${field} ${value}`, fix });

const ikeEncryptionRefused = ikeCannot('ikeEncryption', 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128');
const ikeIntegrityRefused = ikeCannot('ikeIntegrity', 'choose SHA384 or SHA256 (with a GCM ikeEncryption it is the PRF)');
const dhGroupRefused = ikeCannot('dhGroup', 'choose DHGroup14, DHGroup24, ECP256 or ECP384');
const ipsecEncryptionRefused = cannot('ipsecEncryption', 'choose GCMAES256, GCMAES128, AES256 or AES128');
const pfsGroupRefused = cannot('pfsGroup', 'choose PFS2048, PFS24, ECP256, ECP384 or None');

/** `crypto ikev2 proposal` -> `integrity ...` (CBC ciphers) or `prf ...` (GCM ciphers): the same hash words. */
const IKE_HASH: FieldKeywords = {
  values: {
    SHA384: 'sha384',
    SHA256: 'sha256',
    SHA1: 'sha1',
    MD5: 'md5',
    GCMAES256: { ...ikeIntegrityRefused('GCMAES256'), source: `${NAMES}: the IKEv2 integrity and PRF are hashes` },
    GCMAES128: { ...ikeIntegrityRefused('GCMAES128'), source: `${NAMES}: the IKEv2 integrity and PRF are hashes` },
  },
  unlisted: ikeIntegrityRefused,
};

/** IOS-XE ranges: `set security-association lifetime seconds|kilobytes`, IKEv2 profile `lifetime`. */
export const CISCO_LIMITS = {
  ipsecLifetimeSeconds: { min: 120, max: 86400 },
  ipsecLifetimeKilobytes: { min: 2560, max: 4294967295 },
  ikeLifetimeSeconds: { min: 120, max: 86400 },
} as const;

export const CISCO_KEYWORDS: ProposalKeywords = {
  carries: 'every proposal',
  /** `crypto ikev2 proposal` -> `encryption ...`. */
  ikeEncryption: {
    values: {
      AES256: 'aes-cbc-256',
      AES192: 'aes-cbc-192',
      AES128: 'aes-cbc-128',
      GCMAES256: 'aes-gcm-256',
      GCMAES128: 'aes-gcm-128',
      DES3: '3des',
      DES: { ...ikeEncryptionRefused('DES'), source: `${NAMES}: IKEv2 on IOS-XE has no single DES` },
    },
    unlisted: ikeEncryptionRefused,
  },
  ikeIntegrity: () => IKE_HASH,
  /** `crypto ikev2 proposal` -> `group N` (the IANA group number). */
  dhGroup: {
    values: {
      DHGroup1: '1',
      DHGroup2: '2',
      DHGroup14: '14',
      DHGroup2048: '14',
      DHGroup24: '24',
      ECP256: '19',
      ECP384: '20',
      None: { ...dhGroupRefused('None'), source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}` },
    },
    unlisted: dhGroupRefused,
  },
  /** `crypto ipsec transform-set` encryption transform. */
  ipsecEncryption: {
    values: {
      AES256: 'esp-aes 256',
      AES192: 'esp-aes 192',
      AES128: 'esp-aes 128',
      GCMAES256: 'esp-gcm 256',
      GCMAES192: 'esp-gcm 192',
      GCMAES128: 'esp-gcm 128',
      DES3: 'esp-3des',
      DES: 'esp-des',
      None: { ...ipsecEncryptionRefused('None'), source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}` },
    },
    unlisted: ipsecEncryptionRefused,
  },
  /** `crypto ipsec transform-set` integrity transform; none with GCM. */
  ipsecIntegrity: (encryption) =>
    isGcm(encryption)
      ? gcmIntegrity(encryption, '', (integrity) => ({
          message: `with ipsecEncryption ${encryption} the ipsecIntegrity must be ${encryption} (GCM authenticates itself); got ${integrity}`,
          fix: `set ipsecIntegrity: ${encryption}`,
        }))
      : {
          values: { SHA256: 'esp-sha256-hmac', SHA1: 'esp-sha-hmac', MD5: 'esp-md5-hmac' },
          unlisted: (integrity) => ({
            message: `${DEVICE} cannot combine ipsecEncryption ${encryption} with ipsecIntegrity ${integrity}`,
            fix: 'choose SHA256 (or a GCM ipsecEncryption with the same ipsecIntegrity)',
          }),
        },
  /** `set pfs groupN`; '' for no PFS (no `set pfs`). */
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
      PFSMM: { ...pfsGroupRefused('PFSMM'), source: 'azure-facts.md section 1: PFSMM exists on RRAS only' },
    },
    unlisted: pfsGroupRefused,
  },
  lifetimes(p) {
    const out: LifetimeRefusal[] = [];
    const range = (field: LifetimeRefusal['field'], value: number, r: { min: number; max: number }, what: string): void => {
      if (outside(value, r, true)) out.push({ field, message: `${DEVICE} ${what} must be ${r.min}..${r.max}; ${value} is out of range`, fix: `set ${field} between ${r.min} and ${r.max}` });
    };
    range('saLifeTimeSeconds', p.saLifeTimeSeconds, CISCO_LIMITS.ipsecLifetimeSeconds, 'IPsec SA lifetime (seconds)');
    range('saDataSizeKilobytes', p.saDataSizeKilobytes, CISCO_LIMITS.ipsecLifetimeKilobytes, 'IPsec SA lifetime (kilobytes)');
    if (outside(p.ikeLifetimeSeconds, CISCO_LIMITS.ikeLifetimeSeconds, false)) {
      out.push({ field: 'ikeLifetimeSeconds', message: `${DEVICE} IKEv2 SA lifetime must be 120..86400; ${p.ikeLifetimeSeconds} is out of range`, fix: 'report this: the IKE lifetime is fixed by Azure' });
    }
    return out;
  },
};

/** One IKEv2 proposal in IOS-XE words: GCM carries a PRF and no integrity; CBC carries integrity only. */
export interface CiscoIkeProposal {
  encryption: string;
  integrity: string | null;
  prf: string | null;
  group: string;
}

/** Maps an IKE proposal the proposal check accepted. */
export function ciscoIkeProposal(ike: IkeProposal): CiscoIkeProposal {
  const encryption = keywordOf(CISCO_KEYWORDS.ikeEncryption, ike.encryption);
  const hash = keywordOf(IKE_HASH, ike.integrity);
  const group = keywordOf(CISCO_KEYWORDS.dhGroup, ike.dhGroup);
  return isGcm(ike.encryption) ? { encryption, integrity: null, prf: hash, group } : { encryption, integrity: hash, prf: null, group };
}

/** The transforms of one transform-set, e.g. `esp-aes 256 esp-sha256-hmac` or `esp-gcm 256`. */
export function ciscoTransforms(esp: EspProposal): string {
  const encryption = keywordOf(CISCO_KEYWORDS.ipsecEncryption, esp.encryption);
  if (isGcm(esp.encryption)) return encryption;
  return `${encryption} ${keywordOf(CISCO_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity)}`;
}

/** `set pfs groupN`, or null for no PFS. */
export function ciscoPfsGroup(pfsGroup: string): string | null {
  return keywordOf(CISCO_KEYWORDS.pfsGroup, pfsGroup) || null;
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
