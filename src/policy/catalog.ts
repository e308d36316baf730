/**
 * Azure's custom IPsec/IKE policy values (azure-facts.md section 1): what the hub file accepts,
 * what draws a warning, the secure default, DH group numbers, and Azure's default proposals.
 * Per-device keywords live with each device (src/devices/<id>/keywords.ts).
 */
import type { IpsecPolicy } from '../hub/types';

export type PolicyEnumField = 'ikeEncryption' | 'ikeIntegrity' | 'dhGroup' | 'ipsecEncryption' | 'ipsecIntegrity' | 'pfsGroup';

export interface FieldCatalog {
  /** Azure's documented options: accepted. */
  documented: readonly string[];
  /** Accepted by ARM but not documented: refused by tunnelsmith, with the suggested replacement. */
  armOnly: readonly string[];
  /** Documented but weak: accepted with a warning. */
  weak: readonly string[];
  /** Documented but never rendered (e.g. no encryption): refused with a reason. */
  refused: Readonly<Record<string, string>>;
}

export const POLICY_CATALOG: Readonly<Record<PolicyEnumField, FieldCatalog>> = {
  ikeEncryption: {
    documented: ['GCMAES256', 'GCMAES128', 'AES256', 'AES192', 'AES128'],
    armOnly: ['DES3', 'DES'],
    weak: [],
    refused: {},
  },
  ikeIntegrity: {
    documented: ['SHA384', 'SHA256', 'SHA1', 'MD5'],
    armOnly: ['GCMAES256', 'GCMAES128'],
    weak: ['SHA1', 'MD5'],
    refused: {},
  },
  dhGroup: {
    documented: ['DHGroup24', 'ECP384', 'ECP256', 'DHGroup14', 'DHGroup2048', 'DHGroup2', 'DHGroup1', 'None'],
    armOnly: [],
    weak: ['DHGroup2', 'DHGroup1'],
    refused: { None: 'IKEv2 always needs a Diffie-Hellman group' },
  },
  ipsecEncryption: {
    documented: ['GCMAES256', 'GCMAES192', 'GCMAES128', 'AES256', 'AES192', 'AES128', 'DES3', 'DES', 'None'],
    armOnly: [],
    weak: ['DES3', 'DES'],
    refused: { None: 'tunnelsmith renders no unencrypted tunnel' },
  },
  ipsecIntegrity: {
    documented: ['GCMAES256', 'GCMAES192', 'GCMAES128', 'SHA256', 'SHA1', 'MD5'],
    armOnly: [],
    weak: ['SHA1', 'MD5'],
    refused: {},
  },
  pfsGroup: {
    documented: ['PFS24', 'ECP384', 'ECP256', 'PFS2048', 'PFS2', 'PFS1', 'None'],
    armOnly: ['PFS14', 'PFSMM'],
    weak: ['PFS2', 'PFS1'],
    refused: {},
  },
};

export const POLICY_ENUM_FIELDS = Object.keys(POLICY_CATALOG) as PolicyEnumField[];
export const POLICY_FIELDS: readonly (keyof IpsecPolicy)[] = [
  'ikeEncryption',
  'ikeIntegrity',
  'dhGroup',
  'ipsecEncryption',
  'ipsecIntegrity',
  'pfsGroup',
  'saLifeTimeSeconds',
  'saDataSizeKilobytes',
];

export const MIN_SA_LIFETIME_SECONDS = 300;
export const MIN_SA_DATA_SIZE_KB = 1024;
/** Azure's IKE SA lifetime is fixed; lifetimes are local and need not match, but devices use this. */
export const AZURE_IKE_SA_LIFETIME_SECONDS = 28800;
export const AZURE_DEFAULT_DPD_TIMEOUT_SECONDS = 45;

/** The policy tunnelsmith sets when the hub file names none. */
export const SECURE_DEFAULT_POLICY: Readonly<IpsecPolicy> = Object.freeze({
  ikeEncryption: 'AES256',
  ikeIntegrity: 'SHA256',
  dhGroup: 'DHGroup14',
  ipsecEncryption: 'GCMAES256',
  ipsecIntegrity: 'GCMAES256',
  pfsGroup: 'PFS2048',
  saLifeTimeSeconds: 27000,
  saDataSizeKilobytes: 102400000,
});

export function isGcm(value: string): boolean {
  return value.startsWith('GCMAES');
}

/** IANA Diffie-Hellman group number for an Azure `dhGroup` or `pfsGroup` value; undefined for None/PFSMM. */
export function dhGroupNumber(value: string): number | undefined {
  const table: Record<string, number> = {
    DHGroup1: 1, PFS1: 1,
    DHGroup2: 2, PFS2: 2,
    DHGroup14: 14, DHGroup2048: 14, PFS2048: 14, PFS14: 14,
    ECP256: 19, ECP384: 20,
    DHGroup24: 24, PFS24: 24,
  };
  return table[value];
}

/** One IKE proposal in Azure's names. */
export interface IkeProposal {
  encryption: string;
  integrity: string;
  dhGroup: string;
}
/** One ESP proposal in Azure's names. */
export interface EspProposal {
  encryption: string;
  integrity: string;
}

/**
 * What a device must offer: the ordered IKE and ESP proposals, PFS and lifetimes.
 * A custom policy gives exactly one of each; `azure-default` gives Azure's default list.
 */
export interface Proposals {
  custom: boolean;
  ike: IkeProposal[];
  esp: EspProposal[];
  /** Azure pfsGroup name; 'None' for no PFS. */
  pfsGroup: string;
  ikeLifetimeSeconds: number;
  saLifeTimeSeconds: number;
  saDataSizeKilobytes: number;
}

/**
 * Azure's default proposals when a connection has no custom policy (Azure docs, "default IPsec/IKE
 * parameters"): IKE with DH group 2 only, ESP without PFS. Weak; rendered only for `azure-default`.
 */
export const AZURE_DEFAULT_PROPOSALS: Readonly<Proposals> = Object.freeze({
  custom: false,
  ike: [
    { encryption: 'AES256', integrity: 'SHA256', dhGroup: 'DHGroup2' },
    { encryption: 'AES256', integrity: 'SHA1', dhGroup: 'DHGroup2' },
    { encryption: 'AES128', integrity: 'SHA256', dhGroup: 'DHGroup2' },
    { encryption: 'AES128', integrity: 'SHA1', dhGroup: 'DHGroup2' },
  ],
  esp: [
    { encryption: 'GCMAES256', integrity: 'GCMAES256' },
    { encryption: 'AES256', integrity: 'SHA256' },
    { encryption: 'AES256', integrity: 'SHA1' },
    { encryption: 'AES128', integrity: 'SHA1' },
  ],
  pfsGroup: 'None',
  ikeLifetimeSeconds: AZURE_IKE_SA_LIFETIME_SECONDS,
  saLifeTimeSeconds: 27000,
  saDataSizeKilobytes: 102400000,
});

/** The proposals a policy setting stands for. Pure. */
export function buildProposals(policy: IpsecPolicy | 'azure-default'): Proposals {
  if (policy === 'azure-default') return AZURE_DEFAULT_PROPOSALS;
  return {
    custom: true,
    ike: [{ encryption: policy.ikeEncryption, integrity: policy.ikeIntegrity, dhGroup: policy.dhGroup }],
    esp: [{ encryption: policy.ipsecEncryption, integrity: policy.ipsecIntegrity }],
    pfsGroup: policy.pfsGroup,
    ikeLifetimeSeconds: AZURE_IKE_SA_LIFETIME_SECONDS,
    saLifeTimeSeconds: policy.saLifeTimeSeconds,
    saDataSizeKilobytes: policy.saDataSizeKilobytes,
  };
}
