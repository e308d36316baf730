/** IPsec policy: weak values warned, GCM encryption and integrity paired. */
import type { Problem } from '../../errors';
import { isGcm, POLICY_CATALOG, POLICY_ENUM_FIELDS } from '../../policy/catalog';
import type { IpsecPolicy } from '../types';
import { error, sitePath, warning, type HubParts } from './types';

/** `azure-default` and weak values (DES, DES3, MD5, SHA1, DHGroup1/2, PFS1/2) draw a warning. */
export function checkWeakPolicy(parts: HubParts): Problem[] {
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const policy = site.ipsecPolicy;
    if (policy === undefined) continue;
    if (policy === 'azure-default') {
      problems.push(warning(sitePath(index, 'ipsecPolicy'), "azure-default keeps Azure's default proposals: DH group 2 (1024-bit) and no PFS, which are weak", 'remove ipsecPolicy to use the secure default (AES256/SHA256/DHGroup14, GCMAES256, PFS2048)'));
      continue;
    }
    for (const field of POLICY_ENUM_FIELDS) {
      if (POLICY_CATALOG[field].weak.includes(policy[field])) {
        problems.push(warning(sitePath(index, `ipsecPolicy.${field}`), `${policy[field]} is weak; accepted only for old appliances`, 'use the secure default values unless the appliance cannot'));
      }
    }
  }
  return problems;
}

/** A GCM `ipsecEncryption` needs the identical GCM `ipsecIntegrity`, and a GCM integrity the identical encryption. */
export function checkGcmPairing(parts: HubParts): Problem[] {
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const policy = site.ipsecPolicy;
    if (policy === undefined || policy === 'azure-default') continue;
    const enc = policy.ipsecEncryption;
    const integ = policy.ipsecIntegrity;
    if (gcmPairingBroken(policy)) {
      problems.push(error(sitePath(index, 'ipsecPolicy.ipsecIntegrity'), `${integ} does not match ipsecEncryption ${enc}: GCM provides both, so a GCM value must be the same in ipsecEncryption and ipsecIntegrity`, isGcm(enc) ? `set ipsecIntegrity: ${enc}` : `use SHA256 with ${enc}, or set ipsecEncryption: ${integ}`));
    }
  }
  return problems;
}

/** True when one of ipsecEncryption/ipsecIntegrity is GCM and the other is not the same value. */
export function gcmPairingBroken(policy: Pick<IpsecPolicy, 'ipsecEncryption' | 'ipsecIntegrity'>): boolean {
  const { ipsecEncryption: enc, ipsecIntegrity: integ } = policy;
  return (isGcm(enc) || isGcm(integ)) && enc !== integ;
}
