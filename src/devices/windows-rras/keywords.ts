/**
 * Azure policy values -> Windows RRAS `Set-VpnS2SInterface -CustomPolicy` enum values, each value with
 * its enum value or the reason RRAS cannot carry it, and the lifetimes RRAS accepts. The accepted values are the ones Microsoft's
 * RemoteAccess module documents for Add-/Set-VpnS2SInterface (Windows Server 2016 and 2022). Pure.
 */
import { isGcm, POLICY_CATALOG, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';
import { carriedValues, keywordOf, outside, type FieldKeywords, type Keyword, type LifetimeRefusal, type ProposalKeywords, type Wording } from '../kit/keywordTable';

const CMDLET = 'Set-VpnS2SInterface parameter values (RemoteAccess module)';

/** The wording for a value RRAS has no enum value for: the fix lists the ones it has. */
function unknownValue(table: Pick<FieldKeywords, 'values'>): (value: string) => Wording {
  return (value) => ({ message: `${JSON.stringify(value)} has no Windows RRAS equivalent`, fix: `use one of ${carriedValues(table).join(', ')}` });
}

/** A table whose unlisted values get `special` when it has something to say about them, else the generic wording. */
function field(values: Readonly<Record<string, Keyword>>, special?: (value: string) => Wording | undefined): FieldKeywords {
  const unknown = unknownValue({ values });
  return { values, unlisted: (value) => special?.(value) ?? unknown(value) };
}

const gcmIkeEncryption = (value: string): Wording => ({
  message: `RRAS -EncryptionMethod has no GCM cipher (it accepts DES, DES3, AES128, AES192, AES256), so ${value} cannot be set for IKE`,
  fix: 'use AES256 for ikeEncryption (GCM stays available for ipsecEncryption)',
});
const gcmIkeIntegrity = (value: string): Wording => ({ message: `RRAS -IntegrityCheckMethod has no GCM value; ${value} cannot be set`, fix: 'use SHA256 or SHA384' });

/** -IntegrityCheckMethod (IKE): MD5, SHA1, SHA256, SHA384. */
const IKE_INTEGRITY = field(
  {
    SHA384: 'SHA384',
    SHA256: 'SHA256',
    SHA1: 'SHA1',
    MD5: 'MD5',
    GCMAES256: { ...gcmIkeIntegrity('GCMAES256'), source: `${CMDLET}: -IntegrityCheckMethod` },
    GCMAES128: { ...gcmIkeIntegrity('GCMAES128'), source: `${CMDLET}: -IntegrityCheckMethod` },
  },
  (value) => (isGcm(value) ? gcmIkeIntegrity(value) : undefined),
);

/** -AuthenticationTransformConstants (ESP integrity). */
const AUTHENTICATION_TRANSFORM: Readonly<Record<string, string>> = {
  GCMAES256: 'GCMAES256',
  GCMAES192: 'GCMAES192',
  GCMAES128: 'GCMAES128',
  SHA256: 'SHA256128',
  SHA1: 'SHA196',
  MD5: 'MD596',
};

/**
 * ESP integrity read with its encryption: a GCM encryption takes the identical GCM integrity, any other
 * encryption a SHA or MD5 one. A value RRAS has no constant for gets the generic wording first.
 */
function espIntegrity(encryption: string): FieldKeywords {
  const values: Record<string, Keyword> = {};
  for (const [integrity, keyword] of Object.entries(AUTHENTICATION_TRANSFORM)) {
    const source = 'azure-facts.md section 1: GCM IPsec encryption requires the identical GCM value as ipsecIntegrity';
    if (isGcm(encryption) && integrity !== encryption) {
      values[integrity] = { message: `GCM encryption ${encryption} needs the identical ipsecIntegrity, not ${integrity}`, fix: `set ipsecIntegrity to ${encryption}`, source };
    } else if (!isGcm(encryption) && isGcm(integrity)) {
      values[integrity] = { message: `${integrity} integrity needs the identical GCM encryption, not ${encryption}`, fix: `set ipsecEncryption to ${integrity}, or use SHA256 integrity`, source };
    } else values[integrity] = keyword;
  }
  return { values, unlisted: unknownValue({ values: AUTHENTICATION_TRANSFORM }) };
}

export const RRAS_KEYWORDS: ProposalKeywords = {
  carries: 'first proposal',
  /** -EncryptionMethod (IKE). RRAS documents DES, DES3, AES128, AES192, AES256: no GCM for IKE. */
  ikeEncryption: field(
    {
      AES256: 'AES256',
      AES192: 'AES192',
      AES128: 'AES128',
      DES3: 'DES3',
      DES: 'DES',
      GCMAES256: { ...gcmIkeEncryption('GCMAES256'), source: `${CMDLET}: -EncryptionMethod` },
      GCMAES128: { ...gcmIkeEncryption('GCMAES128'), source: `${CMDLET}: -EncryptionMethod` },
    },
    (value) => (isGcm(value) ? gcmIkeEncryption(value) : undefined),
  ),
  ikeIntegrity: () => IKE_INTEGRITY,
  /** -DHGroup: None, Group1, Group2, Group14, ECP256, ECP384, Group24. */
  dhGroup: field({
    DHGroup1: 'Group1',
    DHGroup2: 'Group2',
    DHGroup14: 'Group14',
    DHGroup2048: 'Group14',
    DHGroup24: 'Group24',
    ECP256: 'ECP256',
    ECP384: 'ECP384',
    None: {
      message: 'IKEv2 always needs a Diffie-Hellman group; None cannot be rendered',
      fix: 'use DHGroup14, ECP256 or ECP384',
      source: `refused for every device: ${POLICY_CATALOG.dhGroup.refused.None}`,
    },
  }),
  /** -CipherTransformConstants (ESP encryption). */
  ipsecEncryption: field({
    GCMAES256: 'GCMAES256',
    GCMAES192: 'GCMAES192',
    GCMAES128: 'GCMAES128',
    AES256: 'AES256',
    AES192: 'AES192',
    AES128: 'AES128',
    DES3: 'DES3',
    DES: 'DES',
    None: {
      message: 'tunnelsmith renders no unencrypted tunnel',
      fix: 'use GCMAES256 (with ipsecIntegrity GCMAES256) or AES256',
      source: `refused for every device: ${POLICY_CATALOG.ipsecEncryption.refused.None}`,
    },
  }),
  ipsecIntegrity: espIntegrity,
  /** -PfsGroup: None, PFS1, PFS2, PFS2048, ECP256, ECP384, PFSMM, PFS24. */
  pfsGroup: field({
    None: 'None',
    PFS1: 'PFS1',
    PFS2: 'PFS2',
    PFS2048: 'PFS2048',
    PFS14: 'PFS2048',
    PFS24: 'PFS24',
    ECP256: 'ECP256',
    ECP384: 'ECP384',
    PFSMM: 'PFSMM',
  }),
  lifetimes,
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
  const k = RRAS_KEYWORDS;
  return {
    encryptionMethod: keywordOf(k.ikeEncryption, ike.encryption),
    integrityCheckMethod: keywordOf(IKE_INTEGRITY, ike.integrity),
    dhGroup: keywordOf(k.dhGroup, ike.dhGroup),
    cipherTransformConstants: keywordOf(k.ipsecEncryption, esp.encryption),
    authenticationTransformConstants: keywordOf(k.ipsecIntegrity(esp.encryption), esp.integrity),
    pfsGroup: keywordOf(k.pfsGroup, p.pfsGroup),
    saLifeTimeSeconds: p.saLifeTimeSeconds,
    saDataSizeKilobytes: p.saDataSizeKilobytes,
    mmSaLifeTimeSeconds: p.ikeLifetimeSeconds,
  };
}

function lifetimes(p: Proposals): LifetimeRefusal[] {
  const out: LifetimeRefusal[] = [];
  const life = p.saLifeTimeSeconds;
  if (outside(life, SA_LIFETIME_RANGE, true)) {
    out.push({ field: 'saLifeTimeSeconds', message: `${life} s is outside the ${SA_LIFETIME_RANGE.min}..${SA_LIFETIME_RANGE.max} s RRAS accepts for -SALifeTimeSeconds`, fix: "use a value in that range (Azure's default is 27000)" });
  }
  const size = p.saDataSizeKilobytes;
  if (outside(size, SA_DATA_SIZE_RANGE, true)) {
    out.push({ field: 'saDataSizeKilobytes', message: `${size} KB is outside the ${SA_DATA_SIZE_RANGE.min}..${SA_DATA_SIZE_RANGE.max} KB RRAS accepts for -SADataSizeForRenegotiationKilobytes (a UInt32)`, fix: "use a value in that range (Azure's default is 102400000)" });
  }
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
