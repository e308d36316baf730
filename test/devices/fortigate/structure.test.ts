/**
 * Structural checks for fortigate: every rendered file parses, every reference resolves, nothing defined is
 * unused, names obey FortiOS' limits, and the file means what its context says. Over the named shapes and
 * over fast-check-generated policies, shapes and options.
 */
import fc from 'fast-check';
import { fortigate } from '../../../src/devices/fortigate/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { POLICY_CATALOG } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { makeContext, NAMED_SHAPES, type Shape } from './contexts';
import { parseFortios } from './structure';
import { fortiosMeaningProblems } from './meaning';

function renderAndCheck(shape: Shape): { problems: string[]; refused?: string[] } {
  const ctx = makeContext(fortigate, shape);
  const r = renderDeviceFiles(ctx, fortigate);
  if (!r.ok) return { problems: [], refused: r.problems.map((p) => `${p.path}: ${p.message}`) };
  expect(r.files).toHaveLength(1);
  const text = r.files[0].content;
  const parsed = parseFortios(text, { interfaces: [String(ctx.options.outsideInterface), String(ctx.options.insideInterface)] });
  return { problems: [...parsed.problems, ...fortiosMeaningProblems(ctx, parsed, text)] };
}

function renderText(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(fortigate, shape), fortigate);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

describe('fortigate structure over the named shapes', () => {
  it.each(Object.entries(NAMED_SHAPES))('%s: parses, resolves, uses everything, means its context', (_name, shape) => {
    const { problems, refused } = renderAndCheck(shape);
    expect(refused).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('the parser catches a dangling reference, an unused object, a bad name, broken nesting, stray quotes and unknown attributes', () => {
    const text = renderText({ bgp: 'multihop', activeActive: true });
    const ext = { interfaces: ['port1', 'port2'] };
    expect(parseFortios(text.replace('set route-map-in "az-hq-rm-in"', 'set route-map-in "missing-map"'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('route-map "missing-map" is referenced but never defined')]),
    );
    expect(parseFortios(text.replaceAll('set route-map-in "az-hq-rm-in"', 'set route-map-in "az-hq-rm-out"'), ext).problems).toEqual([
      expect.stringContaining('route-map "az-hq-rm-in" is defined but never used'),
    ]);
    expect(parseFortios(text.replace('set phase1name "az-hq-2"', 'set phase1name "az-hq-9"'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('tunnel "az-hq-9" is referenced but never defined')]),
    );
    expect(parseFortios(text.replace('edit "az-hq-1"\n        set interface', 'edit "az-hq-tunnel-name-1"\n        set interface'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('tunnel name "az-hq-tunnel-name-1" breaks FortiOS naming rules')]),
    );
    expect(parseFortios(text.replace('set dst-subnet 0.0.0.0 0.0.0.0\n    next', 'set dst-subnet 0.0.0.0 0.0.0.0'), ext).problems.length).toBeGreaterThan(0);
    expect(parseFortios(text.replace('set description "Azure instance 1', 'set description "Azure "instance 1'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('cannot split')]),
    );
    expect(parseFortios(`${text}config system admin\nend\n`, ext).problems).toEqual([expect.stringContaining('unknown table "config system admin"')]);
    expect(parseFortios(text.replace('set replay enable', 'set replay enable\n        set encapsulation transport-mode'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('unknown attribute "encapsulation"')]),
    );
    expect(parseFortios(text.replace('set srcintf "port2"', 'set srcintf "port9"'), ext).problems).toEqual([expect.stringContaining('interface "port9" is referenced but never defined')]);
    const demoted = renderText({ bgp: 'multihop', activeActive: true, expressRoute: true, expressRouteRoutesVia: 'igp' });
    expect(parseFortios(demoted, ext).problems).toEqual([]);
    expect(parseFortios(demoted.replace('set neighbour-prefix 10.200.255.253 255.255.255.255', 'set neighbour-prefix 10.200.255.9 255.255.255.255'), ext).problems).toEqual([
      expect.stringContaining('neighbor "10.200.255.9" is referenced but never defined'),
    ]);
    expect(parseFortios(demoted.replace('set neighbour-prefix 10.200.255.253 255.255.255.255', 'set neighbour-prefix 10.200.255.253 255.255.255.0'), ext).problems).toEqual([
      expect.stringContaining('neighbour-prefix must be one neighbour (/32)'),
    ]);
    expect(parseFortios(demoted.replace('    config admin-distance\n        edit 0', '    config admin-distance\n        edit 1'), ext).problems).toEqual([
      expect.stringContaining('admin-distance "edit 1" would overwrite an existing entry'),
    ]);
  });

  it('the meaning check catches a proposal, a route or a neighbor that does not match the context', () => {
    const shape: Shape = { bgp: 'multihop', activeActive: true, expressRoute: true };
    const ctx = makeContext(fortigate, shape);
    const text = renderText(shape);
    const ext = { interfaces: ['port1', 'port2'] };
    const meaning = (t: string) => fortiosMeaningProblems(ctx, parseFortios(t, ext), t);
    expect(meaning(text)).toEqual([]);
    expect(meaning(text.replace('set proposal aes256-sha256', 'set proposal aes128-sha256'))).toEqual([expect.stringContaining('phase 1 to 20.30.40.50')]);
    expect(meaning(text.replace('set dst 10.200.255.253 255.255.255.255\n        set device "az-hq-2"', 'set dst 10.200.255.253 255.255.255.255\n        set device "az-hq-1"'))).toEqual([
      expect.stringContaining('/32 route to each Azure BGP address through the tunnel of its instance'),
    ]);
    expect(meaning(text.replace('set set-local-preference 50', 'set set-local-preference 200')).join()).toContain('route-map-in');
    expect(meaning(text.replace('set keylifekbs 102400000', 'set keylifekbs 4294967295')).join()).toContain('phase 2 az-hq-1');
    expect(meaning(text.replace('set dhgrp 14\n        set keylife', 'set dhgrp DHGroup14\n        set keylife')).join()).toMatch(/Azure enum name in FortiOS syntax/);
    expect(meaning(text.replace('    set ebgp-multipath enable\n', '')).join()).toContain('router bgp (ebgp-multipath');
    const spokes: Shape = { ...shape, spokePrefixes: ['10.201.0.0/16'], expressRouteRoutesVia: 'static' };
    const spokeCtx = makeContext(fortigate, spokes);
    const spokeText = renderText(spokes);
    const spokeMeaning = (t: string) => fortiosMeaningProblems(spokeCtx, parseFortios(t, ext), t);
    expect(spokeMeaning(spokeText)).toEqual([]);
    expect(spokeMeaning(spokeText.replace('                set le 32\n', '')).join()).toContain('route-map-in');
    expect(spokeMeaning(spokeText.replace('set distance 250\n        next\n    end\nend', 'set distance 200\n        next\n    end\nend')).join()).toContain('admin-distance 250');
  });
});

const enumValue = (field: keyof typeof POLICY_CATALOG): fc.Arbitrary<string> => fc.constantFrom(...POLICY_CATALOG[field].documented, ...POLICY_CATALOG[field].armOnly);

/** Any policy ARM could hold, valid for FortiOS or not. */
const anyPolicy: fc.Arbitrary<IpsecPolicy> = fc.record({
  ikeEncryption: enumValue('ikeEncryption'),
  ikeIntegrity: enumValue('ikeIntegrity'),
  dhGroup: enumValue('dhGroup'),
  ipsecEncryption: enumValue('ipsecEncryption'),
  ipsecIntegrity: enumValue('ipsecIntegrity'),
  pfsGroup: enumValue('pfsGroup'),
  saLifeTimeSeconds: fc.oneof(fc.integer({ min: 300, max: 172800 }), fc.integer({ min: 172801, max: 10_000_000 })),
  saDataSizeKilobytes: fc.oneof(fc.integer({ min: 1024, max: 5119 }), fc.integer({ min: 5120, max: 4294967295 }), fc.integer({ min: 4294967296, max: 2 ** 40 })),
});

/** Policies that only use values FortiOS can express. */
const expressiblePolicy: fc.Arbitrary<IpsecPolicy> = fc
  .record({
    ike: fc.constantFrom(
      ...['GCMAES256', 'GCMAES128'].flatMap((e) => ['SHA384', 'SHA256', 'SHA1'].map((i) => [e, i])),
      ...['AES256', 'AES192', 'AES128', 'DES3', 'DES'].flatMap((e) => ['SHA384', 'SHA256', 'SHA1', 'MD5'].map((i) => [e, i])),
    ),
    dhGroup: fc.constantFrom('ECP384', 'ECP256', 'DHGroup14', 'DHGroup2048', 'DHGroup2', 'DHGroup1'),
    esp: fc.constantFrom(...['GCMAES256', 'GCMAES128'].map((g) => [g, g]), ...['AES256', 'AES192', 'AES128', 'DES3', 'DES'].flatMap((e) => ['SHA256', 'SHA1', 'MD5'].map((i) => [e, i]))),
    pfsGroup: fc.constantFrom('ECP384', 'ECP256', 'PFS2048', 'PFS14', 'PFS2', 'PFS1', 'None'),
    saLifeTimeSeconds: fc.integer({ min: 300, max: 172800 }),
    saDataSizeKilobytes: fc.integer({ min: 5120, max: 4294967295 }),
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
    spokePrefixes: fc.constantFrom(undefined, ['10.201.0.0/16'], ['10.201.0.0/16', '10.202.128.0/17']),
    expressRouteRoutesVia: fc.constantFrom(undefined, 'bgp' as const, 'igp' as const, 'static' as const),
    options: fc.record({
      outsideInterface: fc.constantFrom('port1', 'wan1', 'x1', 'port10.100'),
      insideInterface: fc.constantFrom('port2', 'internal', 'lan-zone', 'port3'),
      loopbackInterface: fc.constantFrom('azure-bgp', 'lo-azure', 'bgp0'),
      vdom: fc.constantFrom('root', 'vpn', 'customer_a'),
      prefixAdvertisement: fc.constantFrom('anchor', 'table'),
    }),
  });

describe('fortigate structure over generated contexts', () => {
  it('every expressible policy renders a file that parses, resolves and means its context', () => {
    fc.assert(
      fc.property(anyShape(fc.oneof(expressiblePolicy, fc.constant('azure-default' as const))), (shape) => {
        const { problems, refused } = renderAndCheck(shape);
        expect(refused).toBeUndefined();
        expect(problems).toEqual([]);
      }),
      { numRuns: 150 },
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
      { numRuns: 150 },
    );
  });
});
