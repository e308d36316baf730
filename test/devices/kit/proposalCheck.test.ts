/**
 * The one proposal check, driven by each device's keyword table. For every registered device, every Azure
 * value of every policy field either maps to a keyword (and the device's check accepts it) or gives the
 * table's refusal (and the check reports exactly that, at that field's path). Then the engine itself, on
 * a small table written here.
 */
import { DEVICES } from '../../../src/devices/registry';
import { checkProposalsAgainst } from '../../../src/devices/kit/proposalCheck';
import { carriedValues, keywordOf, readKeyword, type FieldKeywords, type ProposalKeywords } from '../../../src/devices/kit/keywordTable';
import type { Problem } from '../../../src/errors';
import { buildProposals, POLICY_CATALOG, SECURE_DEFAULT_POLICY, type PolicyEnumField, type Proposals } from '../../../src/policy/catalog';

/** Every value the catalog names for a field: documented, ARM-only (refused by validate, but Azure may report it) and refused. */
const azureValues = (field: PolicyEnumField): string[] => [...POLICY_CATALOG[field].documented, ...POLICY_CATALOG[field].armOnly];

const SECURE = buildProposals(SECURE_DEFAULT_POLICY);
const withIke = (over: Partial<Proposals['ike'][number]>): Proposals => ({ ...SECURE, ike: [{ ...SECURE.ike[0], ...over }] });
const withEsp = (over: Partial<Proposals['esp'][number]>): Proposals => ({ ...SECURE, esp: [{ ...SECURE.esp[0], ...over }] });

/** What the check must report at one field's path for a value: nothing for a keyword, else exactly the refusal. */
function expected(field: string, keywords: FieldKeywords, value: string): Problem[] {
  const read = readKeyword(keywords, value);
  return 'keyword' in read ? [] : [{ path: `ipsecPolicy.${field}`, severity: 'error', message: read.refusal.message, fix: read.refusal.fix }];
}
const at = (problems: Problem[], field: string): Problem[] => problems.filter((p) => p.path === `ipsecPolicy.${field}`);

describe.each(Object.values(DEVICES).map((d) => [d.id, d] as const))('%s keyword table', (_id, device) => {
  const k = device.keywords;
  const independent: [PolicyEnumField, FieldKeywords, (v: string) => Proposals][] = [
    ['ikeEncryption', k.ikeEncryption, (v) => withIke({ encryption: v })],
    ['dhGroup', k.dhGroup, (v) => withIke({ dhGroup: v })],
    ['ipsecEncryption', k.ipsecEncryption, (v) => withEsp({ encryption: v, integrity: v })],
    ['pfsGroup', k.pfsGroup, (v) => ({ ...SECURE, pfsGroup: v })],
  ];

  test('carries the secure default', () => {
    expect(device.checkProposals(SECURE)).toEqual([]);
  });

  test('lists every Azure value of its encryption, DH and PFS fields; each refusal names its source', () => {
    for (const [field, keywords] of independent) {
      expect([field, azureValues(field).filter((v) => !Object.hasOwn(keywords.values, v))]).toEqual([field, []]);
      for (const entry of Object.values(keywords.values)) {
        if (typeof entry !== 'string') expect(entry.source).toMatch(/\w{3}/);
      }
    }
  });

  test.each(['ikeEncryption', 'dhGroup', 'ipsecEncryption', 'pfsGroup'] as const)('every %s value: a keyword the check accepts, or exactly the refusal', (field) => {
    const [, keywords, proposals] = independent.find(([f]) => f === field)!;
    for (const value of [...azureValues(field), 'NotAnAzureValue']) {
      expect([value, at(device.checkProposals(proposals(value)), field)]).toEqual([value, expected(field, keywords, value)]);
    }
  });

  test('every ikeIntegrity value, with every ikeEncryption the device carries', () => {
    for (const encryption of carriedValues(k.ikeEncryption)) {
      const keywords = k.ikeIntegrity(encryption);
      expect(keywords).toBeDefined();
      for (const value of [...azureValues('ikeIntegrity'), 'NotAnAzureValue']) {
        const problems = device.checkProposals(withIke({ encryption, integrity: value }));
        expect([encryption, value, at(problems, 'ikeIntegrity')]).toEqual([encryption, value, expected('ikeIntegrity', keywords!, value)]);
      }
    }
  });

  test('every ipsecIntegrity value, with every ipsecEncryption the device carries', () => {
    for (const encryption of carriedValues(k.ipsecEncryption)) {
      for (const value of [...azureValues('ipsecIntegrity'), 'NotAnAzureValue']) {
        const problems = device.checkProposals(withEsp({ encryption, integrity: value }));
        expect([encryption, value, at(problems, 'ipsecIntegrity')]).toEqual([encryption, value, expected('ipsecIntegrity', k.ipsecIntegrity(encryption), value)]);
      }
    }
  });
});

describe('checkProposalsAgainst', () => {
  const refusal = (message: string) => ({ message, fix: `fix ${message}`, source: 'test' });
  const unlisted = (field: string) => (value: string) => ({ message: `${field} ${value} unlisted`, fix: 'use a listed value' });
  const table = (over: Partial<ProposalKeywords> = {}): ProposalKeywords => ({
    carries: 'every proposal',
    ikeEncryption: { values: { A: 'a', B: refusal('ike B') }, unlisted: unlisted('ikeEncryption') },
    ikeIntegrity: (encryption) => (encryption === 'A' ? { values: { H: 'h' }, unlisted: unlisted(`ikeIntegrity with ${encryption}`) } : undefined),
    dhGroup: { values: { G: 'g' }, unlisted: unlisted('dhGroup') },
    ipsecEncryption: { values: { E: 'e', N: refusal('esp N') }, unlisted: unlisted('ipsecEncryption') },
    ipsecIntegrity: () => ({ values: { I: 'i' }, unlisted: unlisted('ipsecIntegrity') }),
    pfsGroup: { values: { P: 'p', None: '' }, unlisted: unlisted('pfsGroup') },
    lifetimes: (p) => (p.saLifeTimeSeconds > 100 ? [{ field: 'saLifeTimeSeconds', message: 'too long', fix: 'shorter' }] : []),
    ...over,
  });
  const proposals = (over: Partial<Proposals> = {}): Proposals => ({
    custom: true,
    ike: [{ encryption: 'A', integrity: 'H', dhGroup: 'G' }],
    esp: [{ encryption: 'E', integrity: 'I' }],
    pfsGroup: 'P',
    ikeLifetimeSeconds: 28800,
    saLifeTimeSeconds: 100,
    saDataSizeKilobytes: 1024,
    ...over,
  });
  const paths = (problems: Problem[]) => problems.map((p) => `${p.path}: ${p.message}`);

  test('accepts what the table carries', () => {
    expect(checkProposalsAgainst(table(), proposals())).toEqual([]);
  });

  test('reports every refusal in proposal order, with the listed or unlisted wording', () => {
    const p = proposals({
      ike: [{ encryption: 'A', integrity: 'X', dhGroup: 'Y' }, { encryption: 'Z', integrity: 'H', dhGroup: 'G' }],
      esp: [{ encryption: 'N', integrity: 'I' }, { encryption: 'E', integrity: 'W' }],
      pfsGroup: 'Q',
      saLifeTimeSeconds: 101,
    });
    expect(checkProposalsAgainst(table(), p)).toEqual([
      { path: 'ipsecPolicy.ikeIntegrity', severity: 'error', message: 'ikeIntegrity with A X unlisted', fix: 'use a listed value' },
      { path: 'ipsecPolicy.dhGroup', severity: 'error', message: 'dhGroup Y unlisted', fix: 'use a listed value' },
      { path: 'ipsecPolicy.ikeEncryption', severity: 'error', message: 'ikeEncryption Z unlisted', fix: 'use a listed value' },
      { path: 'ipsecPolicy.ipsecEncryption', severity: 'error', message: 'esp N', fix: 'fix esp N' },
      { path: 'ipsecPolicy.ipsecIntegrity', severity: 'error', message: 'ipsecIntegrity W unlisted', fix: 'use a listed value' },
      { path: 'ipsecPolicy.pfsGroup', severity: 'error', message: 'pfsGroup Q unlisted', fix: 'use a listed value' },
      { path: 'ipsecPolicy.saLifeTimeSeconds', severity: 'error', message: 'too long', fix: 'shorter' },
    ]);
  });

  test('judges an integrity only beside an encryption the table reads it with', () => {
    // ESP: never beside a refused encryption; IKE: when the table gives no reading (here: beside B)
    const p = proposals({ ike: [{ encryption: 'B', integrity: 'X', dhGroup: 'G' }], esp: [{ encryption: 'N', integrity: 'X' }] });
    expect(paths(checkProposalsAgainst(table(), p))).toEqual(['ipsecPolicy.ikeEncryption: ike B', 'ipsecPolicy.ipsecEncryption: esp N']);
  });

  test('a refusal repeated by several proposals is reported once', () => {
    const p = proposals({ ike: [1, 2, 3].map(() => ({ encryption: 'B', integrity: 'H', dhGroup: 'G' })) });
    expect(paths(checkProposalsAgainst(table(), p))).toEqual(['ipsecPolicy.ikeEncryption: ike B']);
  });

  test('a device that carries only the first proposal is judged on the first IKE and ESP proposal alone', () => {
    const p = proposals({
      ike: [{ encryption: 'A', integrity: 'H', dhGroup: 'G' }, { encryption: 'B', integrity: 'H', dhGroup: 'G' }],
      esp: [{ encryption: 'E', integrity: 'I' }, { encryption: 'N', integrity: 'I' }],
    });
    expect(checkProposalsAgainst(table({ carries: 'first proposal' }), p)).toEqual([]);
    expect(paths(checkProposalsAgainst(table(), p))).toEqual(['ipsecPolicy.ikeEncryption: ike B', 'ipsecPolicy.ipsecEncryption: esp N']);
  });

  test('a name inherited by every object is no table entry', () => {
    expect(paths(checkProposalsAgainst(table(), proposals({ pfsGroup: 'constructor' })))).toEqual(['ipsecPolicy.pfsGroup: pfsGroup constructor unlisted']);
  });

  test('keywordOf gives the keyword (also an empty one) and refuses to read a refused or unlisted value', () => {
    expect(keywordOf(table().pfsGroup, 'P')).toBe('p');
    expect(keywordOf(table().pfsGroup, 'None')).toBe('');
    expect(() => keywordOf(table().ikeEncryption, 'B')).toThrow(/checkProposals must run first/);
    expect(() => keywordOf(table().ikeEncryption, 'Z')).toThrow(/checkProposals must run first/);
    expect(carriedValues(table().ikeEncryption)).toEqual(['A']);
  });
});
