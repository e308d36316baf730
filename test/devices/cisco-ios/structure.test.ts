/**
 * Issue 5 structural checks for cisco-ios: every rendered file parses, every reference resolves, nothing
 * defined is unused, names obey IOS-XE's rules, and the file means what its context says. Over the named
 * shapes and over fast-check-generated policies, shapes and options.
 */
import fc from 'fast-check';
import { ciscoIos } from '../../../src/devices/cisco-ios/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { POLICY_CATALOG } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { makeContext, NAMED_SHAPES, type Shape } from './contexts';
import { parseCisco } from './structure';
import { ciscoMeaningProblems } from './meaning';

function renderAndCheck(shape: Shape): { problems: string[]; refused?: string[] } {
  const ctx = makeContext(ciscoIos, shape);
  const r = renderDeviceFiles(ctx, ciscoIos);
  if (!r.ok) return { problems: [], refused: r.problems.map((p) => `${p.path}: ${p.message}`) };
  expect(r.files).toHaveLength(1);
  const text = r.files[0].content;
  const parsed = parseCisco(text, { interfaces: [String(ctx.options.outsideInterface)] });
  return { problems: [...parsed.problems, ...ciscoMeaningProblems(ctx, parsed, text)] };
}

describe('cisco-ios structure over the named shapes', () => {
  it.each(Object.entries(NAMED_SHAPES))('%s: parses, resolves, uses everything, means its context', (_name, shape) => {
    const { problems, refused } = renderAndCheck(shape);
    expect(refused).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('the parser catches a dangling reference, an unused object, a bad name and an unknown line', () => {
    const ctx = makeContext(ciscoIos, { bgp: 'multihop' });
    const r = renderDeviceFiles(ctx, ciscoIos);
    if (!r.ok) throw new Error('render refused');
    const text = r.files[0].content;
    const ext = { interfaces: ['GigabitEthernet1'] };
    const dangling = parseCisco(text.replace(/ set ikev2-profile (\S+)/, ' set ikev2-profile missing-profile'), ext).problems;
    expect(dangling).toEqual(expect.arrayContaining([expect.stringContaining('ikev2-profile "missing-profile" is referenced but never defined')]));
    expect(dangling).toEqual(expect.arrayContaining([expect.stringMatching(/ikev2-profile "az-hq-ikev2-profile" is defined but never used/)]));
    expect(parseCisco(`${text}\nip prefix-list bad"name seq 10 permit 10.0.0.0/8\n`, ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('breaks IOS-XE naming rules'), expect.stringContaining('prefix-list "bad"name" is defined but never used')]),
    );
    expect(parseCisco(`${text}\nsnmp-server community public RO\n`, ext).problems).toEqual([expect.stringContaining('unrecognized line')]);
  });
});

const enumValue = (field: keyof typeof POLICY_CATALOG): fc.Arbitrary<string> =>
  fc.constantFrom(...POLICY_CATALOG[field].documented, ...POLICY_CATALOG[field].armOnly);

/** Any policy ARM could hold, valid for IOS-XE or not. */
const anyPolicy: fc.Arbitrary<IpsecPolicy> = fc.record({
  ikeEncryption: enumValue('ikeEncryption'),
  ikeIntegrity: enumValue('ikeIntegrity'),
  dhGroup: enumValue('dhGroup'),
  ipsecEncryption: enumValue('ipsecEncryption'),
  ipsecIntegrity: enumValue('ipsecIntegrity'),
  pfsGroup: enumValue('pfsGroup'),
  saLifeTimeSeconds: fc.oneof(fc.integer({ min: 300, max: 86400 }), fc.integer({ min: 86401, max: 10_000_000 })),
  saDataSizeKilobytes: fc.oneof(fc.integer({ min: 2560, max: 4294967295 }), fc.integer({ min: 1024, max: 2559 }), fc.integer({ min: 4294967296, max: 2 ** 40 })),
});

/** Policies that only use values IOS-XE can express (GCM ESP with the matching integrity). */
const expressiblePolicy: fc.Arbitrary<IpsecPolicy> = fc
  .record({
    ikeEncryption: fc.constantFrom('GCMAES256', 'GCMAES128', 'AES256', 'AES192', 'AES128'),
    ikeIntegrity: fc.constantFrom('SHA384', 'SHA256', 'SHA1', 'MD5'),
    dhGroup: fc.constantFrom('DHGroup24', 'ECP384', 'ECP256', 'DHGroup14', 'DHGroup2048', 'DHGroup2', 'DHGroup1'),
    esp: fc.constantFrom(
      ...['GCMAES256', 'GCMAES192', 'GCMAES128'].map((g) => [g, g]),
      ...['AES256', 'AES192', 'AES128', 'DES3', 'DES'].flatMap((e) => ['SHA256', 'SHA1', 'MD5'].map((i) => [e, i])),
    ),
    pfsGroup: fc.constantFrom('PFS24', 'ECP384', 'ECP256', 'PFS2048', 'PFS2', 'PFS1', 'None', 'PFS14'),
    saLifeTimeSeconds: fc.integer({ min: 300, max: 86400 }),
    saDataSizeKilobytes: fc.integer({ min: 2560, max: 4294967295 }),
  })
  .map(({ esp, ...rest }) => ({ ...rest, ipsecEncryption: esp[0], ipsecIntegrity: esp[1] }));

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
      outsideInterface: fc.constantFrom('GigabitEthernet1', 'GigabitEthernet0/0/0', 'TenGigabitEthernet0/1/0.100', 'Dialer1'),
      tunnelNumberBase: fc.integer({ min: 0, max: 100000 }),
      loopbackInterface: fc.constantFrom('Loopback0', 'Loopback10', 'Loopback2147483647'),
      outsideVrf: fc.constantFrom('', 'INTERNET'),
      prefixAdvertisement: fc.constantFrom('anchor', 'table'),
    }),
    spokePrefixes: fc.constantFrom(undefined, ['10.201.0.0/16'], ['10.201.0.0/16', '10.202.128.0/17']),
    expressRouteRoutesVia: fc.constantFrom(undefined, 'bgp' as const, 'igp' as const, 'static' as const),
  });

describe('cisco-ios structure over generated contexts', () => {
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
