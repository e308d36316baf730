/**
 * What strongSwan reports (`swanctl --list-sas --raw`) for a negotiated SA, derived from an Azure policy
 * in the lab's own table: the test compares the negotiated algorithms with the policy Azure holds.
 */
import type { IpsecPolicy } from '../../../src/hub/types';

const ENCR: Record<string, { alg: string; keysize: string }> = {
  AES128: { alg: 'AES_CBC', keysize: '128' },
  AES192: { alg: 'AES_CBC', keysize: '192' },
  AES256: { alg: 'AES_CBC', keysize: '256' },
  GCMAES128: { alg: 'AES_GCM_16', keysize: '128' },
  GCMAES192: { alg: 'AES_GCM_16', keysize: '192' },
  GCMAES256: { alg: 'AES_GCM_16', keysize: '256' },
};
const INTEG: Record<string, string> = { SHA1: 'HMAC_SHA1_96', SHA256: 'HMAC_SHA2_256_128', SHA384: 'HMAC_SHA2_384_192', MD5: 'HMAC_MD5_96' };
const PRF: Record<string, string> = { SHA1: 'PRF_HMAC_SHA1', SHA256: 'PRF_HMAC_SHA2_256', SHA384: 'PRF_HMAC_SHA2_384', MD5: 'PRF_HMAC_MD5' };
const GROUP: Record<string, string | undefined> = {
  DHGroup2: 'MODP_1024', PFS2: 'MODP_1024',
  DHGroup14: 'MODP_2048', DHGroup2048: 'MODP_2048', PFS2048: 'MODP_2048', PFS14: 'MODP_2048',
  DHGroup24: 'MODP_2048_256', PFS24: 'MODP_2048_256',
  ECP256: 'ECP_256', ECP384: 'ECP_384',
  None: undefined,
};

export interface ExpectedIke {
  encrAlg: string;
  encrKeysize: string;
  /** Absent with GCM (AEAD has no separate integrity). */
  integAlg?: string;
  prfAlg: string;
  dhGroup: string;
}

export interface ExpectedEsp {
  encrAlg: string;
  encrKeysize: string;
  integAlg?: string;
  /** The PFS group a rekeyed CHILD_SA reports; absent without PFS. */
  pfsGroup?: string;
}

export function expectedIke(p: IpsecPolicy): ExpectedIke {
  const gcm = p.ikeEncryption.startsWith('GCM');
  return {
    encrAlg: ENCR[p.ikeEncryption].alg,
    encrKeysize: ENCR[p.ikeEncryption].keysize,
    ...(gcm ? {} : { integAlg: INTEG[p.ikeIntegrity] }),
    prfAlg: PRF[p.ikeIntegrity],
    dhGroup: GROUP[p.dhGroup]!,
  };
}

export function expectedEsp(p: IpsecPolicy): ExpectedEsp {
  const gcm = p.ipsecEncryption.startsWith('GCM');
  const pfs = GROUP[p.pfsGroup];
  return {
    encrAlg: ENCR[p.ipsecEncryption].alg,
    encrKeysize: ENCR[p.ipsecEncryption].keysize,
    ...(gcm ? {} : { integAlg: INTEG[p.ipsecIntegrity] }),
    ...(pfs ? { pfsGroup: pfs } : {}),
  };
}
