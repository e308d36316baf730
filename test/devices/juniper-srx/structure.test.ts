/**
 * Issue 5 structural checks for juniper-srx: every rendered file parses, every reference resolves, nothing
 * defined is unused, names obey Junos' rules, and the file means what its context says. Over the named
 * shapes and over fast-check-generated policies, shapes and options.
 */
import fc from 'fast-check';
import { juniperSrx } from '../../../src/devices/juniper-srx/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { POLICY_CATALOG } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { makeContext, NAMED_SHAPES, type Shape } from './contexts';
import { parseJunos } from './structure';
import { junosMeaningProblems } from './meaning';

function renderAndCheck(shape: Shape): { problems: string[]; refused?: string[] } {
  const ctx = makeContext(juniperSrx, shape);
  const r = renderDeviceFiles(ctx, juniperSrx);
  if (!r.ok) return { problems: [], refused: r.problems.map((p) => `${p.path}: ${p.message}`) };
  expect(r.files).toHaveLength(1);
  const text = r.files[0].content;
  const parsed = parseJunos(text, {
    zones: [String(ctx.options.untrustZone), String(ctx.options.trustZone)],
    interfaces: [String(ctx.options.externalInterface)],
  });
  return { problems: [...parsed.problems, ...junosMeaningProblems(ctx, parsed, text)] };
}

describe('juniper-srx structure over the named shapes', () => {
  it.each(Object.entries(NAMED_SHAPES))('%s: parses, resolves, uses everything, means its context', (_name, shape) => {
    const { problems, refused } = renderAndCheck(shape);
    expect(refused).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('the parser catches a dangling reference, an unused object, a bad name, stray quotes and an unknown statement', () => {
    const ctx = makeContext(juniperSrx, { bgp: 'multihop' });
    const r = renderDeviceFiles(ctx, juniperSrx);
    if (!r.ok) throw new Error('render refused');
    const text = r.files[0].content;
    const ext = { zones: ['untrust', 'trust'], interfaces: ['ge-0/0/0.0'] };
    const dangling = parseJunos(text.replace(/ ike ipsec-policy \S+/, ' ike ipsec-policy missing-policy'), ext).problems;
    expect(dangling).toEqual(expect.arrayContaining([expect.stringContaining('ipsec-policy "missing-policy" is referenced but never defined'), expect.stringContaining('ipsec-policy "az-hq-ipsec-policy" is defined but never used')]));
    expect(parseJunos(`${text}set policy-options prefix-list bad;name 10.0.0.0/8\n`, ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('breaks Junos naming rules'), expect.stringContaining('prefix-list "bad;name" is defined but never used')]),
    );
    expect(parseJunos(`${text}set interfaces st0 unit 0 description "two words"\n`, ext).problems).toEqual(expect.arrayContaining([expect.stringContaining('quoted word where none belongs')]));
    expect(parseJunos(`${text}set system services telnet\n`, ext).problems).toEqual([expect.stringContaining('unrecognized statement')]);
    expect(parseJunos(`${text}delete security ike\n`, ext).problems).toEqual([expect.stringContaining('not a set command')]);
    expect(parseJunos(text.replace(/^set security zones security-zone azure-vpn .*$/gm, ''), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('zone "azure-vpn" is referenced but never defined'), expect.stringContaining('st0.0 is in no security zone')]),
    );
  });
});

const enumValue = (field: keyof typeof POLICY_CATALOG): fc.Arbitrary<string> =>
  fc.constantFrom(...POLICY_CATALOG[field].documented, ...POLICY_CATALOG[field].armOnly);

/** Any policy ARM could hold, valid for the SRX or not. */
const anyPolicy: fc.Arbitrary<IpsecPolicy> = fc.record({
  ikeEncryption: enumValue('ikeEncryption'),
  ikeIntegrity: enumValue('ikeIntegrity'),
  dhGroup: enumValue('dhGroup'),
  ipsecEncryption: enumValue('ipsecEncryption'),
  ipsecIntegrity: enumValue('ipsecIntegrity'),
  pfsGroup: enumValue('pfsGroup'),
  saLifeTimeSeconds: fc.oneof(fc.integer({ min: 300, max: 86400 }), fc.integer({ min: 86401, max: 10_000_000 })),
  saDataSizeKilobytes: fc.oneof(fc.integer({ min: 1024, max: 4294967294 }), fc.integer({ min: 4294967295, max: 2 ** 40 })),
});

/** Policies that only use values the SRX can express (IKE GCM with its implied PRF, ESP GCM with the matching integrity). */
const expressiblePolicy: fc.Arbitrary<IpsecPolicy> = fc
  .record({
    ike: fc.constantFrom(
      ['GCMAES256', 'SHA384'],
      ['GCMAES128', 'SHA256'],
      ...['AES256', 'AES192', 'AES128'].flatMap((e) => ['SHA384', 'SHA256', 'SHA1', 'MD5'].map((i) => [e, i])),
    ),
    dhGroup: fc.constantFrom('DHGroup24', 'ECP384', 'ECP256', 'DHGroup14', 'DHGroup2048', 'DHGroup2', 'DHGroup1'),
    esp: fc.constantFrom(
      ...['GCMAES256', 'GCMAES192', 'GCMAES128'].map((g) => [g, g]),
      ...['AES256', 'AES192', 'AES128', 'DES3', 'DES'].flatMap((e) => ['SHA256', 'SHA1', 'MD5'].map((i) => [e, i])),
    ),
    pfsGroup: fc.constantFrom('PFS24', 'ECP384', 'ECP256', 'PFS2048', 'PFS2', 'PFS1', 'None', 'PFS14'),
    saLifeTimeSeconds: fc.integer({ min: 300, max: 86400 }),
    saDataSizeKilobytes: fc.integer({ min: 1024, max: 4294967294 }),
  })
  .map(({ ike, esp, ...rest }) => ({ ...rest, ikeEncryption: ike[0], ikeIntegrity: ike[1], ipsecEncryption: esp[0], ipsecIntegrity: esp[1] }));

const anyShape = (policy: fc.Arbitrary<IpsecPolicy | 'azure-default'>): fc.Arbitrary<Shape> =>
  fc.record({
    activeActive: fc.boolean(),
    bgp: fc.constantFrom(undefined, 'multihop' as const, 'apipa' as const),
    outsideAddress: fc.constantFrom(undefined, '10.0.0.5', '172.16.0.9'),
    expressRoute: fc.boolean(),
    policy,
    dpdTimeoutSeconds: fc.integer({ min: 9, max: 3600 }),
    siteName: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/),
    vnetPrefixes: fc.constantFrom(['10.200.0.0/16'], ['10.200.0.0/16', '10.210.4.0/22']),
    addressSpace: fc.constantFrom(['192.168.0.0/16'], ['192.168.0.0/16', '172.16.8.0/22', '10.1.0.0/24']),
    options: fc.record({
      externalInterface: fc.constantFrom('ge-0/0/0.0', 'reth0.0', 'xe-1/0/2:1.100', 'pp0.0', 'ae1.20'),
      untrustZone: fc.constantFrom('untrust', 'Internet', 'wan_1'),
      trustZone: fc.constantFrom('trust', 'LAN', 'inside-net'),
      vpnZone: fc.constantFrom('azure-vpn', 'vpn', 'Azure_S2S'),
      st0UnitBase: fc.integer({ min: 0, max: 16382 }),
    }),
  });

describe('juniper-srx structure over generated contexts', () => {
  it('every expressible policy renders a file that parses, resolves and means its context', () => {
    fc.assert(
      fc.property(anyShape(fc.oneof(expressiblePolicy, fc.constant('azure-default' as const))), (shape) => {
        const { problems, refused } = renderAndCheck(shape);
        expect(refused).toBeUndefined();
        expect(problems).toEqual([]);
      }),
      { numRuns: 250 },
    );
  });

  it('any ARM policy either renders correctly or is refused with ipsecPolicy.* errors only', () => {
    fc.assert(
      fc.property(anyShape(anyPolicy), (shape) => {
        const { problems, refused } = renderAndCheck(shape);
        if (refused) {
          expect(refused.length).toBeGreaterThan(0);
          for (const r of refused) expect(r).toMatch(/^ipsecPolicy\.(ikeEncryption|ikeIntegrity|dhGroup|ipsecEncryption|ipsecIntegrity|pfsGroup|saLifeTimeSeconds|saDataSizeKilobytes): /);
        } else {
          expect(problems).toEqual([]);
        }
      }),
      { numRuns: 250 },
    );
  });
});
