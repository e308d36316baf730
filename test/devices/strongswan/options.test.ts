import fc from 'fast-check';
import { checkStrongswanSite, strongswan } from '../../../src/devices/strongswan/device';
import { STRONGSWAN_OPTIONS } from '../../../src/devices/strongswan/options';
import { contextFor } from './contexts';

const INJECTIONS = [
  'eth0\nip link del eth0',
  'eth0; reboot',
  'eth0 eth1',
  'eth0"',
  "eth0'",
  'eth0`id`',
  'eth0$(id)',
  'eth0}',
  'eth0#',
  'eth0\\',
  '',
  '0eth',
];

describe('strongSwan device options', () => {
  test('the defaults are the hub-file table\'s and pass their own checks', () => {
    expect(Object.fromEntries(Object.entries(STRONGSWAN_OPTIONS).map(([k, s]) => [k, s.default]))).toEqual({
      outsideInterface: 'eth0',
      tunnelInterfacePrefix: 'xfrm-azure',
      ifIdBase: 100,
      prefixAdvertisement: 'anchor',
    });
    for (const spec of Object.values(STRONGSWAN_OPTIONS)) expect(spec.check(spec.default)).toBeUndefined();
    expect(strongswan.options).toBe(STRONGSWAN_OPTIONS);
  });

  test.each(INJECTIONS)('interface names refuse %j', (value) => {
    expect(STRONGSWAN_OPTIONS.outsideInterface.check(value)).toMatch(/interface name/);
    expect(STRONGSWAN_OPTIONS.tunnelInterfacePrefix.check(value)).toMatch(/letter/);
  });

  test('interface names stay within Linux\'s 15 characters, with the tunnel digit', () => {
    expect(STRONGSWAN_OPTIONS.outsideInterface.check('a'.repeat(15))).toBeUndefined();
    expect(STRONGSWAN_OPTIONS.outsideInterface.check('a'.repeat(16))).toBeDefined();
    expect(STRONGSWAN_OPTIONS.tunnelInterfacePrefix.check('a'.repeat(14))).toBeUndefined();
    expect(STRONGSWAN_OPTIONS.tunnelInterfacePrefix.check('a'.repeat(15))).toBeDefined();
    expect(STRONGSWAN_OPTIONS.outsideInterface.check(7)).toBeDefined();
  });

  test.each([0, -1, 1.5, 4294967295, '100', Number.NaN])('ifIdBase refuses %p', (value) => {
    expect(STRONGSWAN_OPTIONS.ifIdBase.check(value as number)).toMatch(/whole number/);
  });

  test('ifIdBase accepts the whole 32-bit range that leaves room for tunnel 2', () => {
    expect(STRONGSWAN_OPTIONS.ifIdBase.check(1)).toBeUndefined();
    expect(STRONGSWAN_OPTIONS.ifIdBase.check(4294967294)).toBeUndefined();
  });

  test('whatever a name check accepts holds only letters, digits, "_", "." and "-"', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        for (const key of ['outsideInterface', 'tunnelInterfacePrefix']) {
          if (STRONGSWAN_OPTIONS[key].check(value) === undefined) expect(value).toMatch(/^[A-Za-z][A-Za-z0-9_.-]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('checkSite re-checks the options a context carries and names the field', () => {
    const ctx = contextFor(strongswan, {});
    expect(checkStrongswanSite(ctx)).toEqual([]);
    const bad = { ...ctx, options: { ...ctx.options, outsideInterface: 'eth0;reboot', ifIdBase: 0 } };
    expect(checkStrongswanSite(bad).map((p) => [p.path, p.severity])).toEqual([
      ['deviceOptions.outsideInterface', 'error'],
      ['deviceOptions.ifIdBase', 'error'],
    ]);
  });
});
