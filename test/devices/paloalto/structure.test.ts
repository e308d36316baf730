/**
 * Structural checks for paloalto: every rendered file parses, every reference resolves, nothing defined is
 * unused, every interface is imported, zoned and routed, names obey PAN-OS' rules, and the file means what
 * its context says. Over the named shapes and over fast-check-generated policies, shapes and options.
 */
import fc from 'fast-check';
import { paloalto } from '../../../src/devices/paloalto/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { POLICY_CATALOG } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import type { SiteContext } from '../../../src/devices/kit/contract';
import { makeContext, NAMED_SHAPES, type Shape } from './contexts';
import { parsePanos } from './structure';
import { panosMeaningProblems } from './meaning';

const externals = (ctx: SiteContext) => ({
  zones: [String(ctx.options.outsideZone), String(ctx.options.insideZone)],
  interfaces: [String(ctx.options.outsideInterface)],
  virtualRouter: String(ctx.options.virtualRouter),
});

function renderAndCheck(shape: Shape): { problems: string[]; refused?: string[] } {
  const ctx = makeContext(paloalto, shape);
  const r = renderDeviceFiles(ctx, paloalto);
  if (!r.ok) return { problems: [], refused: r.problems.map((p) => `${p.path}: ${p.message}`) };
  expect(r.files).toHaveLength(1);
  const text = r.files[0].content;
  const parsed = parsePanos(text, externals(ctx));
  return { problems: [...parsed.problems, ...panosMeaningProblems(ctx, parsed, text)] };
}

function renderText(shape: Shape): string {
  const r = renderDeviceFiles(makeContext(paloalto, shape), paloalto);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

describe('paloalto structure over the named shapes', () => {
  it.each(Object.entries(NAMED_SHAPES))('%s: parses, resolves, uses everything, means its context', (_name, shape) => {
    const { problems, refused } = renderAndCheck(shape);
    expect(refused).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('the parser catches a dangling reference, an unused object, an interface left out, a bad name, stray quotes and unknown statements', () => {
    const text = renderText({ bgp: 'multihop', activeActive: true });
    const ext = { zones: ['untrust', 'trust'], interfaces: ['ethernet1/1'], virtualRouter: 'default' };
    expect(parsePanos(text, ext).problems).toEqual([]);
    expect(parsePanos(text.replace('ecmp max-path 2', 'ecmp max-path 5'), ext).problems).toEqual([expect.stringContaining('ecmp max-path 5 is outside 2..4')]);
    expect(parsePanos(`${text}set network virtual-router default admin-dists ebgp 250\n`, ext).problems).toEqual([expect.stringContaining('admin-dists ebgp 250 is outside 10..240')]);
    expect(parsePanos(`${text}set network virtual-router default ecmp enable yes\n`, ext).problems).toEqual([expect.stringContaining('"ecmp enable" set twice')]);
    expect(parsePanos(text.replace('auto-key ipsec-crypto-profile az-hq-ipsec', 'auto-key ipsec-crypto-profile missing'), ext).problems).toEqual([
      expect.stringContaining('ipsec-profile "missing" is referenced but never defined'),
    ]);
    expect(parsePanos(text.replaceAll('auto-key ipsec-crypto-profile az-hq-ipsec', 'auto-key ipsec-crypto-profile missing'), ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('ipsec-profile "az-hq-ipsec" is defined but never used')]),
    );
    expect(parsePanos(text.replace('set import network interface [ tunnel.100 tunnel.101 loopback.100 ]', 'set import network interface [ tunnel.100 loopback.100 ]'), ext).problems).toEqual([
      'tunnel.101 is not imported into the vsys',
    ]);
    expect(parsePanos(text.replace('set zone azure-vpn network layer3 [ tunnel.100 tunnel.101 loopback.100 ]', 'set zone azure-vpn network layer3 [ tunnel.100 tunnel.101 ]'), ext).problems).toEqual([
      'loopback.100 is in no zone',
    ]);
    expect(parsePanos(`${text}set address bad;name ip-netmask 10.0.0.0/8\n`, ext).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('breaks PAN-OS naming rules'), expect.stringContaining('address "bad;name" is defined but never used')]),
    );
    expect(parsePanos(`${text}set network interface tunnel units tunnel.100 comment "two words"\n`, ext).problems).toEqual(expect.arrayContaining([expect.stringContaining('quoted word where none belongs')]));
    expect(parsePanos(`${text}set deviceconfig system hostname fw\n`, ext).problems).toEqual([expect.stringContaining('unrecognized statement')]);
    expect(parsePanos(`${text}delete zone azure-vpn\n`, ext).problems).toEqual([expect.stringContaining('not a set command')]);
    expect(parsePanos(text, { ...ext, virtualRouter: 'vr1' }).problems.length).toBeGreaterThan(0);
  });

  it('the meaning check catches a profile, a route or a peer that does not match the context', () => {
    const shape: Shape = { bgp: 'multihop', activeActive: true, expressRoute: true };
    const ctx = makeContext(paloalto, shape);
    const text = renderText(shape);
    const meaning = (t: string) => panosMeaningProblems(ctx, parsePanos(t, externals(ctx)), t);
    expect(meaning(text)).toEqual([]);
    expect(meaning(text.replace('az-hq-ike dh-group group14', 'az-hq-ike dh-group group19'))).toEqual([expect.stringContaining('IKE crypto profile')]);
    expect(meaning(text.replace('static-route az-hq-bgp-t2 interface tunnel.101', 'static-route az-hq-bgp-t2 interface tunnel.100')).join()).toContain('/32 route to each Azure BGP address');
    expect(meaning(text.replace('update local-preference 50', 'update local-preference 150')).join()).toContain('import: only the Azure prefixes');
    expect(meaning(text.replace('lifetime seconds 27000', 'lifetime seconds 28000')).join()).toContain('IPsec lifetime held exactly');
    expect(meaning(text.replace('az-hq-ike dh-group group14', 'az-hq-ike dh-group DHGroup14')).join()).toMatch(/Azure enum name in PAN-OS syntax/);
    expect(meaning(text.replace('set network virtual-router default ecmp enable yes\n', '')).join()).toContain('virtual router settings');
    expect(meaning(text.replace('static-route az-hq-anchor-1 nexthop discard\n', 'static-route az-hq-anchor-1 nexthop discard\nset network virtual-router default admin-dists ebgp 230\n')).join()).toContain('virtual router settings');
    const spokes: Shape = { ...shape, spokePrefixes: ['10.201.0.0/16'], expressRouteRoutesVia: 'igp' };
    const spokeCtx = makeContext(paloalto, spokes);
    const spokeText = renderText(spokes);
    const spokeMeaning = (t: string) => panosMeaningProblems(spokeCtx, parsePanos(t, externals(spokeCtx)), t);
    expect(spokeMeaning(spokeText)).toEqual([]);
    expect(spokeMeaning(spokeText.replace('address-prefix 10.201.0.0/16 exact no', 'address-prefix 10.201.0.0/16 exact yes')).join()).toContain('import: only the Azure prefixes');
    expect(spokeMeaning(spokeText.replace('set network virtual-router default admin-dists ebgp 230\n', '')).join()).toContain('virtual router settings');
  });
});

const enumValue = (field: keyof typeof POLICY_CATALOG): fc.Arbitrary<string> => fc.constantFrom(...POLICY_CATALOG[field].documented, ...POLICY_CATALOG[field].armOnly);

/** Any policy ARM could hold, valid for PAN-OS or not. */
const anyPolicy: fc.Arbitrary<IpsecPolicy> = fc.record({
  ikeEncryption: enumValue('ikeEncryption'),
  ikeIntegrity: enumValue('ikeIntegrity'),
  dhGroup: enumValue('dhGroup'),
  ipsecEncryption: enumValue('ipsecEncryption'),
  ipsecIntegrity: enumValue('ipsecIntegrity'),
  pfsGroup: enumValue('pfsGroup'),
  saLifeTimeSeconds: fc.oneof(fc.integer({ min: 300, max: 65535 }), fc.integer({ min: 65536, max: 10_000_000 }), fc.integer({ min: 1093, max: 65535 }).map((m) => m * 60)),
  saDataSizeKilobytes: fc.oneof(fc.integer({ min: 1024, max: 65535 }), fc.integer({ min: 65536, max: 2 ** 40 }), fc.integer({ min: 1, max: 65535 }).map((g) => g * 1024 ** 2), fc.constant(2 ** 47)),
});

/** Policies that only use values PAN-OS can express (any data lifetime up to 65535 TB: exact, or none with a note). */
const expressiblePolicy: fc.Arbitrary<IpsecPolicy> = fc
  .record({
    ike: fc.constantFrom(...['GCMAES256', 'GCMAES128', 'AES256', 'AES192', 'AES128', 'DES3'].flatMap((e) => ['SHA384', 'SHA256', 'SHA1', 'MD5'].map((i) => [e, i]))),
    dhGroup: fc.constantFrom('ECP384', 'ECP256', 'DHGroup14', 'DHGroup2048', 'DHGroup2', 'DHGroup1'),
    esp: fc.constantFrom(...['GCMAES256', 'GCMAES128'].map((g) => [g, g]), ...['AES256', 'AES192', 'AES128', 'DES3'].flatMap((e) => ['SHA256', 'SHA1', 'MD5'].map((i) => [e, i]))),
    pfsGroup: fc.constantFrom('ECP384', 'ECP256', 'PFS2048', 'PFS14', 'PFS2', 'PFS1', 'None'),
    saLifeTimeSeconds: fc.oneof(fc.integer({ min: 300, max: 65535 }), fc.integer({ min: 5, max: 65535 }).map((m) => m * 60), fc.integer({ min: 1, max: 365 }).map((d) => d * 86400)),
    saDataSizeKilobytes: fc.oneof(fc.integer({ min: 1024, max: 2 ** 40 }), fc.integer({ min: 1, max: 65535 }).map((m) => m * 1024)),
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
      outsideInterface: fc.constantFrom('ethernet1/1', 'ethernet1/3.100', 'ae1', 'vlan.10'),
      outsideZone: fc.constantFrom('untrust', 'Internet', 'wan_1'),
      insideZone: fc.constantFrom('trust', 'LAN', 'inside-net'),
      vpnZone: fc.constantFrom('azure-vpn', 'vpn', 'Azure_S2S'),
      virtualRouter: fc.constantFrom('default', 'vr-main'),
      tunnelUnitBase: fc.integer({ min: 1, max: 9998 }),
      loopbackUnit: fc.integer({ min: 1, max: 9999 }),
      prefixAdvertisement: fc.constantFrom('anchor', 'table'),
    }),
  });

describe('paloalto structure over generated contexts', () => {
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
