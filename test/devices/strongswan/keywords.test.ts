import fc from 'fast-check';
import {
  AZURE_DEFAULT_PROPOSALS,
  POLICY_CATALOG,
  buildProposals,
  dhGroupNumber,
  type Proposals,
} from '../../../src/policy/catalog';
import { strongswan } from '../../../src/devices/strongswan/device';
import { MAX_VICI_NUMBER_CHARS, STRONGSWAN_KEYWORDS as K, childLifetimes, espProposalKeyword, ikeProposalKeyword } from '../../../src/devices/strongswan/keywords';
import { carries, type FieldKeywords } from '../../../src/devices/kit/keywordTable';
import { policyOf } from './contexts';

/** The (Azure value, keyword) pairs of a field: its carried values. */
const keywords = (field: FieldKeywords): [string, string][] =>
  Object.entries(field.values).filter((e): e is [string, string] => typeof e[1] === 'string');

/** strongSwan's keyword for each IANA DH group number (strongSwan proposal keyword docs). */
const GROUP_KEYWORD: Record<number, string> = { 1: 'modp768', 2: 'modp1024', 14: 'modp2048', 19: 'ecp256', 20: 'ecp384', 24: 'modp2048s256' };

function errorsFor(p: Proposals) {
  return strongswan.checkProposals(p).filter((x) => x.severity === 'error');
}

describe('strongSwan keyword table', () => {
  test('every documented Azure value maps, except the ones tunnelsmith refuses for every device', () => {
    const tables = { ikeEncryption: K.ikeEncryption, ikeIntegrity: K.ikeIntegrity('AES256')!, dhGroup: K.dhGroup, ipsecEncryption: K.ipsecEncryption, pfsGroup: K.pfsGroup };
    for (const [field, table] of Object.entries(tables)) {
      const catalog = POLICY_CATALOG[field as keyof typeof tables];
      for (const value of catalog.documented) expect([field, value, carries(table, value)]).toEqual([field, value, !(value in catalog.refused)]);
    }
    for (const value of POLICY_CATALOG.ipsecIntegrity.documented.filter((v) => !v.startsWith('GCM'))) expect(carries(K.ipsecIntegrity('AES256'), value)).toBe(true);
  });

  test('DH and PFS groups map to the keyword of the same IANA group', () => {
    for (const [azure, keyword] of [...keywords(K.dhGroup), ...keywords(K.pfsGroup).filter(([k]) => k !== 'None')]) {
      expect(keyword).toBe(GROUP_KEYWORD[dhGroupNumber(azure) as number]);
    }
    expect(keywords(K.pfsGroup)).toContainEqual(['None', '']);
  });

  test('no Azure enum name leaks into a keyword', () => {
    const azureNames = new Set(Object.values(POLICY_CATALOG).flatMap((c) => [...c.documented, ...c.armOnly]));
    const tables = [K.ikeEncryption, K.ikeIntegrity('AES256')!, K.ikeIntegrity('GCMAES256')!, K.dhGroup, K.ipsecEncryption, K.ipsecIntegrity('AES256'), K.pfsGroup];
    for (const table of tables) for (const [, keyword] of keywords(table)) expect(azureNames.has(keyword)).toBe(false);
  });

  test('an IKE proposal is encryption-integrity-group; with GCM the integrity becomes the PRF', () => {
    expect(ikeProposalKeyword({ encryption: 'AES256', integrity: 'SHA256', dhGroup: 'DHGroup14' })).toBe('aes256-sha256-modp2048');
    expect(ikeProposalKeyword({ encryption: 'GCMAES256', integrity: 'SHA384', dhGroup: 'ECP384' })).toBe('aes256gcm16-prfsha384-ecp384');
    expect(ikeProposalKeyword({ encryption: 'AES128', integrity: 'SHA1', dhGroup: 'DHGroup24' })).toBe('aes128-sha1-modp2048s256');
  });

  test('an ESP proposal has no integrity with GCM and the PFS group appended only when set', () => {
    expect(espProposalKeyword({ encryption: 'GCMAES256', integrity: 'GCMAES256' }, 'PFS2048')).toBe('aes256gcm16-modp2048');
    expect(espProposalKeyword({ encryption: 'AES256', integrity: 'SHA256' }, 'ECP384')).toBe('aes256-sha256-ecp384');
    expect(espProposalKeyword({ encryption: 'AES128', integrity: 'SHA1' }, 'None')).toBe('aes128-sha1');
  });
});

describe('strongswan checkProposals', () => {
  test('the secure default and Azure\'s default proposal list are expressible', () => {
    expect(strongswan.checkProposals(buildProposals(policyOf()))).toEqual([]);
    expect(strongswan.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
  });

  test.each([
    ['dhGroup', { dhGroup: 'None' }],
    ['ipsecEncryption', { ipsecEncryption: 'None', ipsecIntegrity: 'SHA256' }],
    ['ikeIntegrity', { ikeIntegrity: 'GCMAES256' }],
    ['pfsGroup', { pfsGroup: 'PFSMM' }],
    ['ipsecIntegrity', { ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'GCMAES128' }],
    ['ipsecIntegrity', { ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES256' }],
    ['ikeEncryption', { ikeEncryption: 'CHACHA20' }],
    ['saLifeTimeSeconds', { saLifeTimeSeconds: 0 }],
    ['saLifeTimeSeconds', { saLifeTimeSeconds: 1.5 }],
    ['saDataSizeKilobytes', { saDataSizeKilobytes: -1 }],
  ])('refuses %s for %j with a path and a fix', (field, overrides) => {
    const problems = errorsFor(buildProposals(policyOf(overrides)));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`ipsecPolicy.${field}`);
    expect(problems[0].fix).toMatch(/\w/);
  });

  test('lifetimes longer than the vici parser keeps are refused at the exact boundary, never clamped', () => {
    const maxKb = 887784090909;
    expect(childLifetimes({ saLifeTimeSeconds: 27000, saDataSizeKilobytes: maxKb }).lifeBytes).toHaveLength(MAX_VICI_NUMBER_CHARS);
    expect(errorsFor(buildProposals(policyOf({ saDataSizeKilobytes: maxKb })))).toEqual([]);
    const over = errorsFor(buildProposals(policyOf({ saDataSizeKilobytes: maxKb + 1 })));
    expect(over.map((p) => p.path)).toEqual(['ipsecPolicy.saDataSizeKilobytes']);
    const longSeconds = errorsFor(buildProposals(policyOf({ saLifeTimeSeconds: 91_000_000_000_000 })));
    expect(longSeconds.map((p) => p.path)).toEqual(['ipsecPolicy.saLifeTimeSeconds']);
  });

  test('every refusal in Azure\'s default list is reported once per field', () => {
    const broken: Proposals = { ...AZURE_DEFAULT_PROPOSALS, ike: AZURE_DEFAULT_PROPOSALS.ike.map((i) => ({ ...i, dhGroup: 'None' })) };
    expect(errorsFor(broken).map((p) => p.path)).toEqual(['ipsecPolicy.dhGroup']);
  });
});

describe('childLifetimes', () => {
  test('rekey values are Azure\'s, hard limits 10% above, bytes exact beyond 2^53', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 10_000_000 }), fc.integer({ min: 1024, max: 800_000_000_000 }), (seconds, kb) => {
        const life = childLifetimes({ saLifeTimeSeconds: seconds, saDataSizeKilobytes: kb });
        const rekeyBytes = BigInt(kb) * 1024n;
        expect(life.rekeySeconds).toBe(seconds);
        expect(life.lifeSeconds - seconds).toBe(Math.ceil(seconds / 10));
        expect(BigInt(life.rekeyBytes)).toBe(rekeyBytes);
        const margin = BigInt(life.lifeBytes) - rekeyBytes;
        expect(margin * 10n >= rekeyBytes && (margin - 1n) * 10n < rekeyBytes).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
