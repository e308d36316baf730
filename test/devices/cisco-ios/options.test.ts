/** cisco-ios option specs: defaults from hub-file.md, and checks that refuse anything that could inject config. */
import { ciscoIos, checkCiscoSite } from '../../../src/devices/cisco-ios/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { makeContext } from './contexts';

const INJECTIONS = [
  'GigabitEthernet1\ninterface Loopback99',
  'GigabitEthernet1\r',
  'GigabitEthernet1 ; reload',
  'GigabitEthernet1;',
  'Gigabit Ethernet1',
  'GigabitEthernet"1',
  "GigabitEthernet'1",
  'GigabitEthernet1?',
  'GigabitEthernet1!',
  'GigabitEthernet1\t',
  '',
  '1GigabitEthernet',
  `G${'i'.repeat(64)}`,
];

describe('cisco-ios options', () => {
  it('has the defaults of hub-file.md', () => {
    expect(Object.fromEntries(Object.entries(ciscoIos.options).map(([k, v]) => [k, v.default]))).toEqual({
      outsideInterface: 'GigabitEthernet1',
      tunnelNumberBase: 100,
      loopbackInterface: 'Loopback100',
      outsideVrf: '',
      prefixAdvertisement: 'anchor',
    });
    expect(ciscoIos.options.loopbackInterface.defaultText).toBe('Loopback<tunnelNumberBase>');
    expect(ciscoIos.options.outsideVrf.defaultText).toBe('none (the global table)');
    for (const [key, spec] of Object.entries(ciscoIos.options)) expect([key, spec.check(spec.default)]).toEqual([key, undefined]);
  });

  it.each(INJECTIONS.map((v) => [JSON.stringify(v), v]))('outsideInterface refuses %s', (_label, value) => {
    expect(ciscoIos.options.outsideInterface.check(value)).toEqual(expect.any(String));
  });

  it.each(['GigabitEthernet1', 'GigabitEthernet0/0/0', 'TenGigabitEthernet0/1/0.100', 'Dialer1', 'Cellular0/2/0'])('outsideInterface accepts %s', (value) => {
    expect(ciscoIos.options.outsideInterface.check(value)).toBeUndefined();
  });

  it.each([42, 'Loopback', 'Loopback01', 'loopback0', 'Loopback0\n', 'Loopback0 ', 'Loopback0;', 'Loopback 0', 'Loopback2147483648', 'GigabitEthernet1', 'Loopback"0'])(
    'loopbackInterface refuses %j',
    (value) => {
      expect(ciscoIos.options.loopbackInterface.check(value)).toEqual(expect.any(String));
    },
  );

  it.each(['Loopback0', 'Loopback123', 'Loopback2147483647'])('loopbackInterface accepts %s', (value) => {
    expect(ciscoIos.options.loopbackInterface.check(value)).toBeUndefined();
  });

  it('the loopback default follows tunnelNumberBase unless loopbackInterface is set', () => {
    expect(makeContext(ciscoIos, { bgp: 'multihop' }).options.loopbackInterface).toBe('Loopback100');
    expect(makeContext(ciscoIos, { bgp: 'multihop', options: { tunnelNumberBase: 7 } }).options.loopbackInterface).toBe('Loopback7');
    expect(makeContext(ciscoIos, { bgp: 'multihop', options: { tunnelNumberBase: 7, loopbackInterface: 'Loopback0' } }).options.loopbackInterface).toBe('Loopback0');
  });

  it.each([42, 'INTERNET VRF', 'INTERNET;', 'INTERNET\n', '1VRF', `V${'r'.repeat(32)}`, 'vrf"x'])('outsideVrf refuses %j', (value) => {
    expect(ciscoIos.options.outsideVrf.check(value)).toEqual(expect.any(String));
  });

  it.each(['INTERNET', 'Mgmt-intf', 'fvrf_1.a'])('outsideVrf accepts %s', (value) => {
    expect(ciscoIos.options.outsideVrf.check(value)).toBeUndefined();
  });

  it.each(['anchor', 'table'])('prefixAdvertisement accepts %s', (value) => {
    expect(ciscoIos.options.prefixAdvertisement.check(value)).toBeUndefined();
  });

  it.each(['Anchor', 'none', 1, 'table;'])('prefixAdvertisement refuses %j', (value) => {
    expect(ciscoIos.options.prefixAdvertisement.check(value)).toEqual(expect.any(String));
  });

  it.each([-1, 1.5, '100', '100\nend', 2147483647, Number.NaN, Number.POSITIVE_INFINITY])('tunnelNumberBase refuses %j', (value) => {
    expect(ciscoIos.options.tunnelNumberBase.check(value)).toEqual(expect.any(String));
  });

  it.each([0, 100, 2147483646])('tunnelNumberBase accepts %j', (value) => {
    expect(ciscoIos.options.tunnelNumberBase.check(value)).toBeUndefined();
  });

  it('numbers the tunnels from tunnelNumberBase and sources them from outsideInterface', () => {
    const r = renderDeviceFiles(makeContext(ciscoIos, { activeActive: true, options: { tunnelNumberBase: 7, outsideInterface: 'GigabitEthernet0/0/1' } }), ciscoIos);
    if (!r.ok) throw new Error('refused');
    const text = r.files[0].content;
    expect(text.match(/^interface Tunnel\d+$/gm)).toEqual(['interface Tunnel7', 'interface Tunnel8']);
    expect(text.match(/^ tunnel source .*$/gm)).toEqual([' tunnel source GigabitEthernet0/0/1', ' tunnel source GigabitEthernet0/0/1']);
    expect(text).toContain('!   interface GigabitEthernet0/0/1\n!    ip access-group az-hq-outside-in in\n');
  });

  it('fits both active-active tunnels at the highest base, and refuses a loopback that is the outside interface', () => {
    const high = renderDeviceFiles(makeContext(ciscoIos, { activeActive: true, options: { tunnelNumberBase: 2147483646 } }), ciscoIos);
    expect(high.ok && high.files[0].content.match(/^interface Tunnel\d+$/gm)).toEqual(['interface Tunnel2147483646', 'interface Tunnel2147483647']);
    const same = makeContext(ciscoIos, { bgp: 'multihop', options: { outsideInterface: 'Loopback5', loopbackInterface: 'Loopback5' } });
    expect(checkCiscoSite(same)).toEqual([expect.objectContaining({ path: 'deviceOptions.loopbackInterface', severity: 'error', fix: expect.any(String) })]);
    expect(checkCiscoSite(makeContext(ciscoIos, { options: { outsideInterface: 'Loopback5', loopbackInterface: 'Loopback5' } }))).toEqual([]);
    expect(renderDeviceFiles(same, ciscoIos).ok).toBe(false);
  });

  it('refuses shared keys with "?" or a double quote, naming the characters but never the key', () => {
    for (const key of ['abc?def', 'abc"def']) {
      const r = renderDeviceFiles(makeContext(ciscoIos, { sharedKey: key }), ciscoIos);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problems).toEqual([expect.objectContaining({ path: 'sharedKey', severity: 'error' })]);
        expect(JSON.stringify(r.problems)).not.toContain(key);
      }
    }
    expect(ciscoIos.unsafeKeyChars).toEqual(['?', '"']);
  });
});
