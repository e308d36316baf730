/**
 * Azure IPsec/IKE policy values -> FortiOS keywords for `config vpn ipsec phase1-interface` and
 * `phase2-interface`, each value with its keyword or the reason FortiOS cannot carry it, and the lifetimes
 * FortiOS accepts. Pure.
 *
 * Sources: FortiOS 8.0.0 CLI Reference, chapter "vpn" (phase1-interface pp. 2411-2452: `proposal`, `dhgrp`,
 * `keylife`; phase2-interface pp. 2471-2489: `proposal`, `dhgrp`, `keylifeseconds`, `keylifekbs`), which list
 * the same options as the FortiOS 6.0-7.6 schemas of Fortinet's Ansible collection (fortios_vpn_ipsec_phase1_interface,
 * fortios_vpn_ipsec_phase2_interface). A FortiOS phase 1 proposal is one word, cipher and hash together:
 * `aes256-sha256`, or `aes256gcm-prfsha384` for AES-GCM, whose hash is the PRF (Azure's rule for IKE GCM).
 */
import { isGcm, POLICY_CATALOG, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';
import { carriedProposals, carries, gcmIntegrity, keywordOf, outside, type FieldKeywords, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';

const DEVICE = 'FortiOS';
const P1 = 'FortiOS 8.0.0 CLI Reference, config vpn ipsec phase1-interface';
const P2 = 'FortiOS 8.0.0 CLI Reference, config vpn ipsec phase2-interface';

const cannot = (field: string, fix: string) => (value: string): Wording => ({ message: `${DEVICE} cannot use ${field} ${value}`, fix });

const ikeEncryptionRefused = cannot('ikeEncryption', 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128');
const dhGroupRefused = cannot('dhGroup', 'choose DHGroup14, ECP256 or ECP384 (FortiOS has no DH group 24)');
const ipsecEncryptionRefused = cannot('ipsecEncryption', 'choose GCMAES256, GCMAES128, AES256 or AES128 (FortiOS has no AES-GCM with 192-bit keys)');
const pfsGroupRefused = cannot('pfsGroup', 'choose PFS2048, ECP256, ECP384 or None (FortiOS has no DH group 24)');

/** Phase 1 cipher part of `set proposal <cipher>-<hash>`. */
const IKE_ENCRYPTION: FieldKeywords = {
  values: {
    AES256: 'aes256',
    AES192: 'aes192',
    AES128: 'aes128',
    GCMAES256: 'aes256gcm',
    GCMAES128: 'aes128gcm',
    DES3: '3des',
    DES: 'des',
  },
  unlisted: ikeEncryptionRefused,
};

const notAHash = (value: string): Wording => ({
  message: `${DEVICE} IKE integrity and PRF are hashes; ${value} is not one`,
  fix: 'choose SHA256 or SHA384 (with a GCM ikeEncryption it becomes the PRF)',
});

/** Phase 1 hash part with a CBC cipher: `aes256-sha256`. */
const IKE_HASH: FieldKeywords = {
  values: {
    SHA384: 'sha384',
    SHA256: 'sha256',
    SHA1: 'sha1',
    MD5: 'md5',
    GCMAES256: { ...notAHash('GCMAES256'), source: `${P1}: set proposal (hash part md5, sha1, sha256, sha384, sha512)` },
    GCMAES128: { ...notAHash('GCMAES128'), source: `${P1}: set proposal (hash part md5, sha1, sha256, sha384, sha512)` },
  },
  unlisted: notAHash,
};

/** Phase 1 PRF part with an AES-GCM cipher: `aes256gcm-prfsha384` (prfsha1, 256, 384, 512; no prfmd5). */
function ikeGcmPrf(encryption: string): FieldKeywords {
  const noPrf = (value: string): Wording => ({
    message: `${DEVICE} IKE ${keywordOf(IKE_ENCRYPTION, encryption)} takes a PRF of SHA1, SHA256 or SHA384 (no prfmd5), so ikeIntegrity ${value} cannot be expressed`,
    fix: `set ikeIntegrity: SHA256 or SHA384 with ikeEncryption ${encryption}`,
  });
  const source = `${P1}: set proposal lists aes128gcm-prfsha1|256|384|512 and aes256gcm-prfsha1|256|384|512 only`;
  return {
    values: {
      SHA384: 'prfsha384',
      SHA256: 'prfsha256',
      SHA1: 'prfsha1',
      MD5: { ...noPrf('MD5'), source },
      GCMAES256: { ...notAHash('GCMAES256'), source },
      GCMAES128: { ...notAHash('GCMAES128'), source },
    },
    unlisted: noPrf,
  };
}

/** FortiOS ranges: phase 1 `keylife`, phase 2 `keylifeseconds` and `keylifekbs`. */
export const FORTIOS_LIMITS = {
  ipsecLifetimeSeconds: { min: 120, max: 172800 },
  ipsecLifetimeKilobytes: { min: 5120, max: 4294967295 },
  ikeLifetimeSeconds: { min: 120, max: 172800 },
} as const;

export const FORTIOS_KEYWORDS: ProposalKeywords = {
  carries: 'every proposal',
  ikeEncryption: IKE_ENCRYPTION,
  ikeIntegrity(encryption) {
    if (!carries(IKE_ENCRYPTION, encryption)) return undefined;
    return isGcm(encryption) ? ikeGcmPrf(encryption) : IKE_HASH;
  },
  /** Phase 1 `set dhgrp N`: 1 2 5 14 15 16 17 18 19 20 21 27-32; no 22, 23 or 24. */
  dhGroup: {
    values: {
      DHGroup1: '1',
      DHGroup2: '2',
      DHGroup14: '14',
      DHGroup2048: '14',
      ECP256: '19',
      ECP384: '20',
      DHGroup24: { ...dhGroupRefused('DHGroup24'), source: `${P1}: set dhgrp options 1 2 5 14-21 27-32, no 24 (same in FortiOS 6.0-7.6)` },
      None: { ...dhGroupRefused('None'), source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}` },
    },
    unlisted: dhGroupRefused,
  },
  /** Phase 2 cipher: `aes256-sha256` for CBC, `aes256gcm` alone for GCM. */
  ipsecEncryption: {
    values: {
      AES256: 'aes256',
      AES192: 'aes192',
      AES128: 'aes128',
      GCMAES256: 'aes256gcm',
      GCMAES128: 'aes128gcm',
      GCMAES192: { ...ipsecEncryptionRefused('GCMAES192'), source: `${P2}: set proposal has aes128gcm and aes256gcm, no aes192gcm` },
      DES3: '3des',
      DES: 'des',
      None: { ...ipsecEncryptionRefused('None'), source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}` },
    },
    unlisted: ipsecEncryptionRefused,
  },
  /** Phase 2 hash part with a CBC cipher; GCM carries no separate hash. */
  ipsecIntegrity: (encryption) =>
    isGcm(encryption)
      ? gcmIntegrity(encryption, '', (integrity) => ({
          message: `with ipsecEncryption ${encryption} the ipsecIntegrity must be ${encryption} (GCM authenticates itself); got ${integrity}`,
          fix: `set ipsecIntegrity: ${encryption}`,
        }))
      : {
          values: { SHA256: 'sha256', SHA1: 'sha1', MD5: 'md5' },
          unlisted: (integrity) => ({
            message: `${DEVICE} cannot combine ipsecEncryption ${encryption} with ipsecIntegrity ${integrity}`,
            fix: 'choose SHA256 (or a GCM ipsecEncryption with the same ipsecIntegrity)',
          }),
        },
  /** Phase 2 `set pfs enable` + `set dhgrp N`; '' for `set pfs disable`. */
  pfsGroup: {
    values: {
      None: '',
      PFS1: '1',
      PFS2: '2',
      PFS2048: '14',
      PFS14: '14',
      ECP256: '19',
      ECP384: '20',
      PFS24: { ...pfsGroupRefused('PFS24'), source: `${P2}: set dhgrp options 1 2 5 14-21 27-32, no 24` },
      PFSMM: { ...pfsGroupRefused('PFSMM'), source: 'azure-facts.md section 1: PFSMM exists on RRAS only' },
    },
    unlisted: pfsGroupRefused,
  },
  lifetimes(p) {
    const out: LifetimeRefusal[] = [];
    const range = (field: LifetimeRefusal['field'], value: number, r: { min: number; max: number }, what: string): void => {
      if (outside(value, r, true)) out.push({ field, message: `${DEVICE} ${what} must be ${r.min}..${r.max}; ${value} is out of range`, fix: `set ${field} between ${r.min} and ${r.max}` });
    };
    range('saLifeTimeSeconds', p.saLifeTimeSeconds, FORTIOS_LIMITS.ipsecLifetimeSeconds, 'phase 2 keylifeseconds');
    range('saDataSizeKilobytes', p.saDataSizeKilobytes, FORTIOS_LIMITS.ipsecLifetimeKilobytes, 'phase 2 keylifekbs');
    if (outside(p.ikeLifetimeSeconds, FORTIOS_LIMITS.ikeLifetimeSeconds, true)) {
      out.push({ field: 'ikeLifetimeSeconds', message: `${DEVICE} phase 1 keylife must be 120..172800; ${p.ikeLifetimeSeconds} is out of range`, fix: 'report this: the IKE lifetime is fixed by Azure' });
    }
    return out;
  },
};

/** One phase 1 proposal word, e.g. `aes256-sha256` or `aes256gcm-prfsha384` (proposal already checked). */
export function fortiosIkeProposal(ike: IkeProposal): string {
  const cipher = keywordOf(FORTIOS_KEYWORDS.ikeEncryption, ike.encryption);
  return `${cipher}-${keywordOf(FORTIOS_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity)}`;
}

/** One phase 2 proposal word, e.g. `aes256gcm` or `aes256-sha256` (proposal already checked). */
export function fortiosEspProposal(esp: EspProposal): string {
  const cipher = keywordOf(FORTIOS_KEYWORDS.ipsecEncryption, esp.encryption);
  if (isGcm(esp.encryption)) return cipher;
  return `${cipher}-${keywordOf(FORTIOS_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity)}`;
}

/** The phase 1 `dhgrp` list: the distinct groups of the carried IKE proposals, in order. */
export function fortiosDhGroups(ike: IkeProposal[]): string[] {
  return [...new Set(ike.map((i) => keywordOf(FORTIOS_KEYWORDS.dhGroup, i.dhGroup)))];
}

/** The phase 2 PFS group number, or null for `set pfs disable`. */
export function fortiosPfsGroup(pfsGroup: string): string | null {
  return keywordOf(FORTIOS_KEYWORDS.pfsGroup, pfsGroup) || null;
}

/** The proposals in FortiOS keywords, for the handoff sheet (proposals already checked). */
export function fortiosPolicyWords(p: Proposals): string[] {
  const { ike, esp } = carriedProposals(FORTIOS_KEYWORDS, p);
  const pfs = fortiosPfsGroup(p.pfsGroup);
  return [
    `phase1-interface: proposal ${ike.map(fortiosIkeProposal).join(' ')}; dhgrp ${fortiosDhGroups(ike).join(' ')}; keylife ${p.ikeLifetimeSeconds}`,
    `phase2-interface: proposal ${esp.map(fortiosEspProposal).join(' ')}; ${pfs ? `pfs enable, dhgrp ${pfs}` : 'pfs disable'}`,
    `phase2-interface: keylife-type both, keylifeseconds ${p.saLifeTimeSeconds}, keylifekbs ${p.saDataSizeKilobytes}`,
  ];
}
