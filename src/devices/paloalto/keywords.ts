/**
 * Azure IPsec/IKE policy values -> PAN-OS keywords for the IKE and IPsec crypto profiles, each value with its
 * keyword or the reason PAN-OS cannot carry it, and the lifetimes and lifesizes PAN-OS can hold. Pure.
 *
 * Sources: the PAN-OS configuration schema Palo Alto Networks publishes in pan-os-codegen
 * (specs/objects/profiles/ike-crypto-profile.yaml and ipsec-crypto-profile.yaml: member lists, ranges), and
 * the PAN-OS administrator's guide on IKE phase 1 and phase 2 (IKE AES-GCM since PAN-OS 10.0.3). A crypto
 * profile lists members, and PAN-OS offers their combinations, so the profile carries one Azure proposal:
 * the first (Azure's default list is offered by its first entry, which Azure accepts).
 */
import { carriedProposals, gcmIntegrity, keywordOf, type FieldKeywords, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';
import { isGcm, POLICY_CATALOG, type Proposals } from '../../policy/catalog';

const DEVICE = 'PAN-OS';
const IKE_PROFILE = 'PAN-OS schema (pan-os-codegen specs/objects/profiles/ike-crypto-profile.yaml)';
const IPSEC_PROFILE = 'PAN-OS schema (pan-os-codegen specs/objects/profiles/ipsec-crypto-profile.yaml)';

const cannot = (field: string, fix: string) => (value: string): Wording => ({ message: `${DEVICE} cannot use ${field} ${value}`, fix });
const ikeEncryptionRefused = cannot('ikeEncryption', 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128');
const dhGroupRefused = cannot('dhGroup', 'choose DHGroup14, ECP256 or ECP384 (PAN-OS has no DH group 24)');
const ipsecEncryptionRefused = cannot('ipsecEncryption', 'choose GCMAES256, GCMAES128, AES256 or AES128 (PAN-OS has no AES-GCM with 192-bit keys)');
const pfsGroupRefused = cannot('pfsGroup', 'choose PFS2048, ECP256, ECP384 or None (PAN-OS has no DH group 24)');

const notAHash = (value: string): Wording => ({
  message: `${DEVICE} IKE crypto profile "hash" takes md5, sha1, sha256, sha384 or sha512; ${value} is not a hash`,
  fix: 'choose SHA256 or SHA384 (with a GCM ikeEncryption it becomes the PRF)',
});

/** IKE crypto profile `hash`: the integrity with a CBC cipher, the PRF with an AES-GCM one. */
const IKE_HASH: FieldKeywords = {
  values: {
    SHA384: 'sha384',
    SHA256: 'sha256',
    SHA1: 'sha1',
    MD5: 'md5',
    GCMAES256: { ...notAHash('GCMAES256'), source: `${IKE_PROFILE}: hash members non-auth, md5, sha1, sha256, sha384, sha512` },
    GCMAES128: { ...notAHash('GCMAES128'), source: `${IKE_PROFILE}: hash members non-auth, md5, sha1, sha256, sha384, sha512` },
  },
  unlisted: notAHash,
};

/** One lifetime in the unit that holds it exactly: `seconds 27000`, `hours 24`. */
export interface ExactAmount {
  unit: string;
  value: number;
}

/** `lifetime seconds|minutes|hours|days` ranges (both crypto profiles). */
const LIFETIME_UNITS: readonly { unit: string; seconds: number; min: number; max: number }[] = [
  { unit: 'seconds', seconds: 1, min: 180, max: 65535 },
  { unit: 'minutes', seconds: 60, min: 3, max: 65535 },
  { unit: 'hours', seconds: 3600, min: 1, max: 65535 },
  { unit: 'days', seconds: 86400, min: 1, max: 365 },
];

/**
 * `lifesize kb|mb|gb|tb`, each 1..65535. The multiples are taken as 1024 (PAN-OS does not say; were they 1000,
 * a written MB/GB/TB value would be 2.3 to 6.9 % below Azure's: the firewall would rekey first, never later).
 */
const LIFESIZE_UNITS: readonly { unit: string; kilobytes: number }[] = [
  { unit: 'kb', kilobytes: 1 },
  { unit: 'mb', kilobytes: 1024 },
  { unit: 'gb', kilobytes: 1024 ** 2 },
  { unit: 'tb', kilobytes: 1024 ** 3 },
];
const LIFESIZE_MAX = 65535;
/** The largest data lifetime PAN-OS can hold: 65535 TB. */
export const MAX_LIFESIZE_KB = LIFESIZE_MAX * 1024 ** 3;

/** The first unit (smallest first) that holds the lifetime exactly, or undefined. */
export function panosLifetime(seconds: number): ExactAmount | undefined {
  for (const u of LIFETIME_UNITS) {
    const value = seconds / u.seconds;
    if (Number.isInteger(value) && value >= u.min && value <= u.max) return { unit: u.unit, value };
  }
  return undefined;
}

/** The first unit (smallest first) that holds the data lifetime exactly, or undefined. */
export function panosLifesize(kilobytes: number): ExactAmount | undefined {
  for (const u of LIFESIZE_UNITS) {
    const value = kilobytes / u.kilobytes;
    if (Number.isInteger(value) && value >= 1 && value <= LIFESIZE_MAX) return { unit: u.unit, value };
  }
  return undefined;
}

/** The nearest data lifetimes PAN-OS holds exactly, below and above a value: for the header's advice. */
export function nearestLifesizes(kilobytes: number): { below?: number; above?: number } {
  let below: number | undefined;
  let above: number | undefined;
  for (const u of LIFESIZE_UNITS) {
    const down = Math.min(LIFESIZE_MAX, Math.floor(kilobytes / u.kilobytes)) * u.kilobytes;
    const up = Math.ceil(kilobytes / u.kilobytes) * u.kilobytes;
    if (down >= 1 && (below === undefined || down > below)) below = down;
    if (up / u.kilobytes <= LIFESIZE_MAX && (above === undefined || up < above)) above = up;
  }
  return { below, above };
}

export const PANOS_KEYWORDS: ProposalKeywords = {
  carries: 'first proposal',
  /** IKE crypto profile `encryption`: 3des, aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm. */
  ikeEncryption: {
    values: {
      AES256: 'aes-256-cbc',
      AES192: 'aes-192-cbc',
      AES128: 'aes-128-cbc',
      GCMAES256: 'aes-256-gcm',
      GCMAES128: 'aes-128-gcm',
      DES3: '3des',
      DES: { ...ikeEncryptionRefused('DES'), source: `${IKE_PROFILE}: encryption members have no des` },
    },
    unlisted: ikeEncryptionRefused,
  },
  ikeIntegrity: (encryption) => (encryption === 'DES' ? undefined : IKE_HASH),
  /** IKE crypto profile `dh-group`: group1 group2 group5 group14 group15 group16 group19 group20 group21. */
  dhGroup: {
    values: {
      DHGroup1: 'group1',
      DHGroup2: 'group2',
      DHGroup14: 'group14',
      DHGroup2048: 'group14',
      ECP256: 'group19',
      ECP384: 'group20',
      DHGroup24: { ...dhGroupRefused('DHGroup24'), source: `${IKE_PROFILE}: dh-group members group1-2, 5, 14-16, 19-21; no group24` },
      None: { ...dhGroupRefused('None'), source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}` },
    },
    unlisted: dhGroupRefused,
  },
  /** IPsec crypto profile `esp encryption`: 3des, aes-128/192/256-cbc, aes-128-ccm, aes-128-gcm, aes-256-gcm, null. */
  ipsecEncryption: {
    values: {
      AES256: 'aes-256-cbc',
      AES192: 'aes-192-cbc',
      AES128: 'aes-128-cbc',
      GCMAES256: 'aes-256-gcm',
      GCMAES128: 'aes-128-gcm',
      GCMAES192: { ...ipsecEncryptionRefused('GCMAES192'), source: `${IPSEC_PROFILE}: esp encryption has aes-128-gcm and aes-256-gcm, no aes-192-gcm` },
      DES3: '3des',
      DES: { ...ipsecEncryptionRefused('DES'), source: `${IPSEC_PROFILE}: esp encryption members have no des` },
      None: { ...ipsecEncryptionRefused('None'), source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}` },
    },
    unlisted: ipsecEncryptionRefused,
  },
  /** IPsec crypto profile `esp authentication`: none with AES-GCM, else md5/sha1/sha256. */
  ipsecIntegrity: (encryption) =>
    isGcm(encryption)
      ? gcmIntegrity(encryption, 'none', (integrity) => ({
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
  /** IPsec crypto profile `dh-group`: no-pfs or a group. */
  pfsGroup: {
    values: {
      None: 'no-pfs',
      PFS1: 'group1',
      PFS2: 'group2',
      PFS2048: 'group14',
      PFS14: 'group14',
      ECP256: 'group19',
      ECP384: 'group20',
      PFS24: { ...pfsGroupRefused('PFS24'), source: `${IPSEC_PROFILE}: dh-group no-pfs, group1-2, 5, 14-16, 19-21; no group24` },
      PFSMM: { ...pfsGroupRefused('PFSMM'), source: 'azure-facts.md section 1: PFSMM exists on RRAS only' },
    },
    unlisted: pfsGroupRefused,
  },
  lifetimes(p) {
    const out: LifetimeRefusal[] = [];
    const lifetime = (field: LifetimeRefusal['field'], seconds: number, fix: string): void => {
      if (panosLifetime(seconds) === undefined) {
        out.push({
          field,
          message: `${DEVICE} holds a lifetime as seconds (180..65535), minutes, hours (up to 65535) or days (up to 365); ${seconds} s is none of them exactly`,
          fix,
        });
      }
    };
    lifetime('saLifeTimeSeconds', p.saLifeTimeSeconds, 'set saLifeTimeSeconds to at most 65535, or to a whole number of minutes or hours (e.g. 86400 = 24 hours)');
    if (!Number.isInteger(p.saDataSizeKilobytes) || p.saDataSizeKilobytes < 1 || p.saDataSizeKilobytes > MAX_LIFESIZE_KB) {
      out.push({
        field: 'saDataSizeKilobytes',
        message: `${DEVICE} lifesize holds at most 65535 TB (${MAX_LIFESIZE_KB} KB); ${p.saDataSizeKilobytes} is out of range`,
        fix: `set saDataSizeKilobytes to at most ${MAX_LIFESIZE_KB}`,
      });
    }
    lifetime('ikeLifetimeSeconds', p.ikeLifetimeSeconds, 'report this: the IKE lifetime is fixed by Azure');
    return out;
  },
};

/** The crypto profiles' members for the first (carried) proposal, in PAN-OS keywords (proposals already checked). */
export interface PanosCrypto {
  ike: { encryption: string; hash: string; dhGroup: string; lifetime: ExactAmount };
  ipsec: { encryption: string; authentication: string; dhGroup: string; lifetime: ExactAmount; lifesize: ExactAmount | null };
}

export function panosCrypto(p: Proposals): PanosCrypto {
  const { ike: [ike], esp: [esp] } = carriedProposals(PANOS_KEYWORDS, p);
  return {
    ike: {
      encryption: keywordOf(PANOS_KEYWORDS.ikeEncryption, ike.encryption),
      hash: keywordOf(PANOS_KEYWORDS.ikeIntegrity(ike.encryption)!, ike.integrity),
      dhGroup: keywordOf(PANOS_KEYWORDS.dhGroup, ike.dhGroup),
      lifetime: exact(panosLifetime(p.ikeLifetimeSeconds)),
    },
    ipsec: {
      encryption: keywordOf(PANOS_KEYWORDS.ipsecEncryption, esp.encryption),
      authentication: keywordOf(PANOS_KEYWORDS.ipsecIntegrity(esp.encryption), esp.integrity),
      dhGroup: keywordOf(PANOS_KEYWORDS.pfsGroup, p.pfsGroup),
      lifetime: exact(panosLifetime(p.saLifeTimeSeconds)),
      lifesize: panosLifesize(p.saDataSizeKilobytes) ?? null,
    },
  };
}

function exact(amount: ExactAmount | undefined): ExactAmount {
  if (!amount) throw new Error('a lifetime PAN-OS cannot hold reached the view (checkProposals must run first)');
  return amount;
}

/** The proposal in PAN-OS keywords, for the handoff sheet (proposals already checked). */
export function panosPolicyWords(p: Proposals): string[] {
  const c = panosCrypto(p);
  return [
    `ike-crypto-profile: encryption ${c.ike.encryption}, hash ${c.ike.hash}, dh-group ${c.ike.dhGroup}, lifetime ${c.ike.lifetime.unit} ${c.ike.lifetime.value}`,
    `ipsec-crypto-profile: esp encryption ${c.ipsec.encryption}, authentication ${c.ipsec.authentication}, dh-group ${c.ipsec.dhGroup}`,
    `ipsec-crypto-profile: lifetime ${c.ipsec.lifetime.unit} ${c.ipsec.lifetime.value}, ${c.ipsec.lifesize ? `lifesize ${c.ipsec.lifesize.unit} ${c.ipsec.lifesize.value}` : `no lifesize (${p.saDataSizeKilobytes} KB has no exact PAN-OS unit; Azure rekeys at it)`}`,
  ];
}
