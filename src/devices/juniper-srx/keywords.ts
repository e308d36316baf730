/**
 * Azure IPsec/IKE policy values -> Junos SRX keywords (azure-facts.md section 1), and the check that
 * reports every value or lifetime the SRX cannot express. Pure.
 *
 * SRX rule (Junos `prf-algorithm` reference): an IKE AES-GCM proposal takes no authentication algorithm
 * and its PRF is implied by the cipher (aes-256-gcm: PRF-HMAC-SHA384, aes-128-gcm: PRF-HMAC-SHA256); a
 * different PRF is refused at commit. So Azure's ikeIntegrity (the PRF with GCM) must be that one.
 */
import { uniqueProblems, type Problem } from '../../errors';
import { dhGroupNumber, isGcm, type EspProposal, type IkeProposal, type Proposals } from '../../policy/catalog';

const DEVICE = 'Junos SRX';

/** `security ike proposal` -> `encryption-algorithm`. */
export const JUNOS_IKE_ENCRYPTION: Readonly<Record<string, string>> = {
  AES256: 'aes-256-cbc',
  AES192: 'aes-192-cbc',
  AES128: 'aes-128-cbc',
  GCMAES256: 'aes-256-gcm',
  GCMAES128: 'aes-128-gcm',
  DES3: '3des-cbc',
  DES: 'des-cbc',
};

/** `security ike proposal` -> `authentication-algorithm` (CBC ciphers only). */
export const JUNOS_IKE_AUTHENTICATION: Readonly<Record<string, string>> = {
  SHA384: 'sha-384',
  SHA256: 'sha-256',
  SHA1: 'sha1',
  MD5: 'md5',
};

/** The Azure ikeIntegrity (PRF) each IKE GCM cipher implies on the SRX. */
export const JUNOS_IKE_GCM_PRF: Readonly<Record<string, string>> = {
  GCMAES256: 'SHA384',
  GCMAES128: 'SHA256',
};

/** DH groups the SRX knows for `dh-group groupN` and `perfect-forward-secrecy keys groupN`. */
const JUNOS_DH_GROUPS: readonly number[] = [1, 2, 14, 19, 20, 24];

/** `security ipsec proposal` -> `encryption-algorithm`. */
export const JUNOS_ESP_ENCRYPTION: Readonly<Record<string, string>> = {
  AES256: 'aes-256-cbc',
  AES192: 'aes-192-cbc',
  AES128: 'aes-128-cbc',
  GCMAES256: 'aes-256-gcm',
  GCMAES192: 'aes-192-gcm',
  GCMAES128: 'aes-128-gcm',
  DES3: '3des-cbc',
  DES: 'des-cbc',
};

/** `security ipsec proposal` -> `authentication-algorithm` (none with GCM). */
export const JUNOS_ESP_AUTHENTICATION: Readonly<Record<string, string>> = {
  SHA256: 'hmac-sha-256-128',
  SHA1: 'hmac-sha1-96',
  MD5: 'hmac-md5-96',
};

/** Junos ranges for `lifetime-seconds` / `lifetime-kilobytes`. */
export const JUNOS_LIMITS = {
  ipsecLifetimeSeconds: { min: 180, max: 86400 },
  ipsecLifetimeKilobytes: { min: 64, max: 4294967294 },
  ikeLifetimeSeconds: { min: 180, max: 86400 },
} as const;

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

/** Maps an IKE proposal already accepted by `checkJunosProposals`. Throws on a value it cannot express. */
export function junosIkeProposal(ike: IkeProposal): JunosIkeProposal {
  const encryption = must(JUNOS_IKE_ENCRYPTION, ike.encryption, 'ikeEncryption');
  const group = junosDhGroup(ike.dhGroup);
  if (group === undefined) throw new Error(`unexpressible dhGroup ${ike.dhGroup} reached the Junos view`);
  if (isGcm(ike.encryption)) {
    if (JUNOS_IKE_GCM_PRF[ike.encryption] !== ike.integrity) throw new Error(`unexpressible IKE GCM PRF ${ike.integrity} reached the Junos view`);
    return { encryption, authentication: null, dhGroup: group };
  }
  return { encryption, authentication: must(JUNOS_IKE_AUTHENTICATION, ike.integrity, 'ikeIntegrity'), dhGroup: group };
}

/** Maps an ESP proposal already accepted by `checkJunosProposals`. */
export function junosEspProposal(esp: EspProposal): JunosEspProposal {
  const encryption = must(JUNOS_ESP_ENCRYPTION, esp.encryption, 'ipsecEncryption');
  if (isGcm(esp.encryption)) return { encryption, authentication: null };
  return { encryption, authentication: must(JUNOS_ESP_AUTHENTICATION, esp.integrity, 'ipsecIntegrity') };
}

/** `perfect-forward-secrecy keys groupN`, or null for no PFS. */
export function junosPfsGroup(pfsGroup: string): string | null {
  if (pfsGroup === 'None') return null;
  const g = junosDhGroup(pfsGroup);
  if (g === undefined) throw new Error(`unexpressible pfsGroup ${pfsGroup} reached the Junos view`);
  return g;
}

function junosDhGroup(value: string): string | undefined {
  const n = dhGroupNumber(value);
  return n !== undefined && JUNOS_DH_GROUPS.includes(n) ? `group${n}` : undefined;
}

/**
 * Every proposal value and lifetime the SRX cannot express, as errors with paths `ipsecPolicy.<field>`.
 * Checks every IKE and ESP proposal (Azure's default list too). Never clamps.
 */
export function checkJunosProposals(p: Proposals): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string, fix: string): void => {
    problems.push({ path: `ipsecPolicy.${field}`, severity: 'error', message, fix });
  };
  for (const ike of p.ike) {
    if (!(ike.encryption in JUNOS_IKE_ENCRYPTION)) {
      add('ikeEncryption', `${DEVICE} cannot use ikeEncryption ${ike.encryption}`, 'choose AES256, AES192, AES128, GCMAES256 or GCMAES128');
    } else if (isGcm(ike.encryption)) {
      const prf = JUNOS_IKE_GCM_PRF[ike.encryption];
      if (ike.integrity !== prf) {
        add(
          'ikeIntegrity',
          `${DEVICE} IKE ${JUNOS_IKE_ENCRYPTION[ike.encryption]} always uses the PRF HMAC-${prf} and takes no authentication algorithm, so ikeEncryption ${ike.encryption} with ikeIntegrity ${ike.integrity} cannot be expressed`,
          `set ikeIntegrity: ${prf} with ikeEncryption ${ike.encryption}, or use ikeEncryption AES256 with ikeIntegrity ${ike.integrity}`,
        );
      }
    } else if (!(ike.integrity in JUNOS_IKE_AUTHENTICATION)) {
      add('ikeIntegrity', `${DEVICE} cannot use ikeIntegrity ${ike.integrity} with ikeEncryption ${ike.encryption}`, 'choose SHA384 or SHA256');
    }
    if (junosDhGroup(ike.dhGroup) === undefined) {
      add('dhGroup', `${DEVICE} cannot use dhGroup ${ike.dhGroup}`, 'choose DHGroup14, DHGroup24, ECP256 or ECP384');
    }
  }
  for (const esp of p.esp) problems.push(...checkEsp(esp));
  if (p.pfsGroup !== 'None' && junosDhGroup(p.pfsGroup) === undefined) {
    add('pfsGroup', `${DEVICE} cannot use pfsGroup ${p.pfsGroup}`, 'choose PFS2048, PFS24, ECP256, ECP384 or None');
  }
  const range = (field: string, value: number, r: { min: number; max: number }, what: string): void => {
    if (!Number.isInteger(value) || value < r.min || value > r.max) {
      add(field, `${DEVICE} ${what} must be ${r.min}..${r.max}; ${value} is out of range`, `set ${field} between ${r.min} and ${r.max}`);
    }
  };
  range('saLifeTimeSeconds', p.saLifeTimeSeconds, JUNOS_LIMITS.ipsecLifetimeSeconds, 'IPsec lifetime-seconds');
  range('saDataSizeKilobytes', p.saDataSizeKilobytes, JUNOS_LIMITS.ipsecLifetimeKilobytes, 'IPsec lifetime-kilobytes');
  if (p.ikeLifetimeSeconds < JUNOS_LIMITS.ikeLifetimeSeconds.min || p.ikeLifetimeSeconds > JUNOS_LIMITS.ikeLifetimeSeconds.max) {
    add('ikeLifetimeSeconds', `${DEVICE} IKE lifetime-seconds must be 180..86400; ${p.ikeLifetimeSeconds} is out of range`, 'report this: the IKE lifetime is fixed by Azure');
  }
  return uniqueProblems(problems);
}

function checkEsp(esp: EspProposal): Problem[] {
  const out: Problem[] = [];
  const err = (field: string, message: string, fix: string): void => {
    out.push({ path: `ipsecPolicy.${field}`, severity: 'error', message, fix });
  };
  if (!(esp.encryption in JUNOS_ESP_ENCRYPTION)) {
    err('ipsecEncryption', `${DEVICE} cannot use ipsecEncryption ${esp.encryption}`, 'choose GCMAES256, GCMAES128, AES256 or AES128');
    return out;
  }
  if (isGcm(esp.encryption)) {
    if (esp.integrity !== esp.encryption) {
      err('ipsecIntegrity', `with ipsecEncryption ${esp.encryption} the ipsecIntegrity must be ${esp.encryption} (GCM authenticates itself); got ${esp.integrity}`, `set ipsecIntegrity: ${esp.encryption}`);
    }
  } else if (!(esp.integrity in JUNOS_ESP_AUTHENTICATION)) {
    err('ipsecIntegrity', `${DEVICE} cannot combine ipsecEncryption ${esp.encryption} with ipsecIntegrity ${esp.integrity}`, 'choose SHA256 (or a GCM ipsecEncryption with the same ipsecIntegrity)');
  }
  return out;
}


function must(table: Readonly<Record<string, string>>, key: string, field: string): string {
  const v = table[key];
  if (v === undefined) throw new Error(`unexpressible ${field} ${key} reached the Junos view (checkProposals must run first)`);
  return v;
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
