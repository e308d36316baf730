import { AZURE_DEFAULT_PROPOSALS, POLICY_CATALOG, buildProposals, dhGroupNumber, type Proposals } from '../../../src/policy/catalog';
import { windowsRras } from '../../../src/devices/windows-rras/device';
import { RRAS_KEYWORDS as K, SA_DATA_SIZE_RANGE, SA_LIFETIME_RANGE, rrasPolicy } from '../../../src/devices/windows-rras/keywords';
import { carries, type FieldKeywords } from '../../../src/devices/kit/keywordTable';
import { acceptedValues } from './cmdlets';
import { policyOf } from './contexts';

function errors(p: Proposals) {
  return windowsRras.checkProposals(p).filter((x) => x.severity === 'error');
}

/** The (Azure value, RRAS enum value) pairs of a field: its carried values. */
const keywords = (field: FieldKeywords): [string, string][] =>
  Object.entries(field.values).filter((e): e is [string, string] => typeof e[1] === 'string');

describe('RRAS keyword table', () => {
  test('every mapped value is one Set-VpnS2SInterface documents for its parameter', () => {
    const byParameter: [string, FieldKeywords[]][] = [
      ['EncryptionMethod', [K.ikeEncryption]],
      ['IntegrityCheckMethod', [K.ikeIntegrity('AES256')!]],
      ['DHGroup', [K.dhGroup]],
      ['CipherTransformConstants', [K.ipsecEncryption]],
      ['AuthenticationTransformConstants', ['AES256', 'GCMAES256', 'GCMAES192', 'GCMAES128'].map((e) => K.ipsecIntegrity(e))],
      ['PfsGroup', [K.pfsGroup]],
    ];
    for (const [parameter, tables] of byParameter) {
      const accepted = acceptedValues('Set-VpnS2SInterface', parameter);
      expect(accepted).toBeDefined();
      for (const table of tables) for (const [, value] of keywords(table)) expect(accepted).toContain(value);
    }
  });

  test('DH groups keep their IANA group (Group14 for both DHGroup14 and DHGroup2048)', () => {
    const rrasNumber: Record<string, number> = { Group1: 1, Group2: 2, Group14: 14, ECP256: 19, ECP384: 20, Group24: 24 };
    for (const [azure, rras] of keywords(K.dhGroup)) expect(rrasNumber[rras]).toBe(dhGroupNumber(azure));
    expect(keywords(K.pfsGroup)).toContainEqual(['PFS14', 'PFS2048']);
  });

  test('every documented Azure value except GCM for IKE maps, or is refused for every device', () => {
    for (const v of POLICY_CATALOG.ikeEncryption.documented) expect(carries(K.ikeEncryption, v)).toBe(!v.startsWith('GCM'));
    for (const v of POLICY_CATALOG.ikeIntegrity.documented) expect(carries(K.ikeIntegrity('AES256')!, v)).toBe(true);
    for (const v of POLICY_CATALOG.dhGroup.documented) expect(carries(K.dhGroup, v)).toBe(v !== 'None');
    for (const v of POLICY_CATALOG.ipsecEncryption.documented) expect(carries(K.ipsecEncryption, v)).toBe(v !== 'None');
    // each ESP integrity with an encryption it pairs with: itself for GCM, AES256 for the others
    for (const v of POLICY_CATALOG.ipsecIntegrity.documented) expect(carries(K.ipsecIntegrity(v.startsWith('GCM') ? v : 'AES256'), v)).toBe(true);
    for (const v of [...POLICY_CATALOG.pfsGroup.documented, ...POLICY_CATALOG.pfsGroup.armOnly]) expect(carries(K.pfsGroup, v)).toBe(true);
  });

  test('the secure default maps to the RRAS policy values, with Azure\'s fixed IKE lifetime', () => {
    expect(rrasPolicy(buildProposals(policyOf()))).toEqual({
      encryptionMethod: 'AES256',
      integrityCheckMethod: 'SHA256',
      dhGroup: 'Group14',
      cipherTransformConstants: 'GCMAES256',
      authenticationTransformConstants: 'GCMAES256',
      pfsGroup: 'PFS2048',
      saLifeTimeSeconds: 27000,
      saDataSizeKilobytes: 102400000,
      mmSaLifeTimeSeconds: 28800,
    });
  });

  test("Azure's default list: RRAS carries its first proposal, without PFS", () => {
    expect(windowsRras.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
    expect(rrasPolicy(AZURE_DEFAULT_PROPOSALS)).toMatchObject({
      encryptionMethod: 'AES256',
      integrityCheckMethod: 'SHA256',
      dhGroup: 'Group2',
      cipherTransformConstants: 'GCMAES256',
      authenticationTransformConstants: 'GCMAES256',
      pfsGroup: 'None',
    });
  });

  test('PFSMM exists on RRAS (only there)', () => {
    expect(errors(buildProposals(policyOf({ pfsGroup: 'PFSMM' })))).toEqual([]);
    expect(rrasPolicy(buildProposals(policyOf({ pfsGroup: 'PFSMM' }))).pfsGroup).toBe('PFSMM');
  });
});

describe('windows-rras checkProposals', () => {
  test.each([
    ['ikeEncryption', { ikeEncryption: 'GCMAES256' }],
    ['ikeEncryption', { ikeEncryption: 'GCMAES128' }],
    ['ikeIntegrity', { ikeIntegrity: 'GCMAES256' }],
    ['dhGroup', { dhGroup: 'None' }],
    ['ipsecEncryption', { ipsecEncryption: 'None', ipsecIntegrity: 'SHA256' }],
    ['ipsecIntegrity', { ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'SHA256' }],
    ['ipsecIntegrity', { ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES128' }],
    ['pfsGroup', { pfsGroup: 'PFS99' }],
    ['saLifeTimeSeconds', { saLifeTimeSeconds: SA_LIFETIME_RANGE.min - 1 }],
    ['saLifeTimeSeconds', { saLifeTimeSeconds: SA_LIFETIME_RANGE.max + 1 }],
    ['saDataSizeKilobytes', { saDataSizeKilobytes: SA_DATA_SIZE_RANGE.min - 1 }],
    ['saDataSizeKilobytes', { saDataSizeKilobytes: SA_DATA_SIZE_RANGE.max + 1 }],
  ])('refuses %s for %j with a path and a fix', (field, overrides) => {
    const problems = errors(buildProposals(policyOf(overrides)));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`ipsecPolicy.${field}`);
    expect(problems[0].fix).toMatch(/\w/);
  });

  test('the range ends themselves are accepted (no clamping on either side)', () => {
    for (const overrides of [
      { saLifeTimeSeconds: SA_LIFETIME_RANGE.min, saDataSizeKilobytes: SA_DATA_SIZE_RANGE.min },
      { saLifeTimeSeconds: SA_LIFETIME_RANGE.max, saDataSizeKilobytes: SA_DATA_SIZE_RANGE.max },
    ]) {
      const p = buildProposals(policyOf(overrides));
      expect(errors(p)).toEqual([]);
      expect(rrasPolicy(p)).toMatchObject({ saLifeTimeSeconds: overrides.saLifeTimeSeconds, saDataSizeKilobytes: overrides.saDataSizeKilobytes });
    }
  });

  test('several problems are all reported', () => {
    const paths = errors(buildProposals(policyOf({ ikeEncryption: 'GCMAES256', dhGroup: 'None', saLifeTimeSeconds: 100 }))).map((p) => p.path);
    expect(paths).toEqual(['ipsecPolicy.ikeEncryption', 'ipsecPolicy.dhGroup', 'ipsecPolicy.saLifeTimeSeconds']);
  });
});
