import fc from 'fast-check';
import { checkRrasSite, windowsRras } from '../../../src/devices/windows-rras/device';
import { RRAS_OPTIONS } from '../../../src/devices/windows-rras/options';
import { psArray, psString } from '../../../src/devices/windows-rras/view';
import { contextFor } from './contexts';

const INJECTIONS = [
  "azure'; Remove-Item C:\\ -Recurse; '",
  'azure\nRemove-Item x',
  'Ethernet 2',
  'azure"',
  'azure`n',
  'azure$env:TEMP',
  'azure;x',
  'azure$(calc)',
  'azure{x}',
  '',
  '1azure',
];

describe('RRAS device options', () => {
  test("the defaults are the hub-file table's and pass their own checks", () => {
    expect(Object.fromEntries(Object.entries(RRAS_OPTIONS).map(([k, s]) => [k, s.default]))).toEqual({ interfaceNamePrefix: 'azure', outsideInterface: 'Ethernet' });
    for (const spec of Object.values(RRAS_OPTIONS)) expect(spec.check(spec.default)).toBeUndefined();
    expect(windowsRras.options).toBe(RRAS_OPTIONS);
  });

  test.each(INJECTIONS)('both options refuse %j', (value) => {
    expect(RRAS_OPTIONS.interfaceNamePrefix.check(value)).toBeDefined();
    expect(RRAS_OPTIONS.outsideInterface.check(value)).toBeDefined();
  });

  test('numbers and overlong names are refused', () => {
    expect(RRAS_OPTIONS.interfaceNamePrefix.check(5)).toBeDefined();
    expect(RRAS_OPTIONS.outsideInterface.check(5)).toBeDefined();
    expect(RRAS_OPTIONS.interfaceNamePrefix.check('a'.repeat(31))).toBeUndefined();
    expect(RRAS_OPTIONS.interfaceNamePrefix.check('a'.repeat(32))).toBeDefined();
  });

  test('a space in the adapter alias is refused with the rename hint', () => {
    expect(RRAS_OPTIONS.outsideInterface.check('Ethernet 2')).toMatch(/Rename-NetAdapter/);
  });

  test('whatever the checks accept cannot leave a single-quoted PowerShell string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        for (const spec of Object.values(RRAS_OPTIONS)) {
          if (spec.check(value) === undefined) expect(value).toMatch(/^[A-Za-z][A-Za-z0-9_.-]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('checkSite re-checks the options a context carries and names the field', () => {
    const ctx = contextFor(windowsRras, {});
    expect(checkRrasSite(ctx)).toEqual([]);
    const bad = { ...ctx, options: { ...ctx.options, interfaceNamePrefix: "x'; calc; '" } };
    expect(checkRrasSite(bad).map((p) => [p.path, p.severity])).toEqual([['deviceOptions.interfaceNamePrefix', 'error']]);
  });
});

describe('PowerShell literals', () => {
  test('strings are single-quoted and a quote or newline is an internal error, never output', () => {
    expect(psString('10.0.0.0/8:100')).toBe("'10.0.0.0/8:100'");
    expect(psArray(['a', 'b'])).toBe("@('a', 'b')");
    for (const bad of ["a'b", 'a\u2019b', 'a\nb']) expect(() => psString(bad)).toThrow(/quote or newline/);
  });
});
