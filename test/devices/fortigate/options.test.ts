/** fortigate option specs: defaults, checks that refuse anything that could inject config, and the key rules. */
import { checkFortigateSite, fortigate } from '../../../src/devices/fortigate/device';
import { fortiosTunnelName } from '../../../src/devices/fortigate/objectNames';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { makeContext } from './contexts';

describe('fortigate options', () => {
  it('has the documented defaults, each valid', () => {
    expect(Object.fromEntries(Object.entries(fortigate.options).map(([k, v]) => [k, v.default]))).toEqual({
      outsideInterface: 'port1',
      insideInterface: 'port2',
      loopbackInterface: 'azure-bgp',
      vdom: 'root',
      prefixAdvertisement: 'anchor',
    });
    for (const [key, spec] of Object.entries(fortigate.options)) expect([key, spec.check(spec.default)]).toEqual([key, undefined]);
  });

  it.each(['port1\nset vdom root', 'port1"', 'port 1', 'port1;', "wan'1", '', 'a'.repeat(16), '-port1', 7])('outsideInterface and loopbackInterface refuse %j', (value) => {
    for (const key of ['outsideInterface', 'loopbackInterface']) expect([key, fortigate.options[key].check(value)]).toEqual([key, expect.any(String)]);
  });

  it.each(['port1', 'wan1', 'x1', 'port10.100', 'a'.repeat(15)])('outsideInterface accepts %s', (value) => {
    expect(fortigate.options.outsideInterface.check(value)).toBeUndefined();
  });


  it.each(['anchor', 'table'])('prefixAdvertisement accepts %s', (value) => {
    expect(fortigate.options.prefixAdvertisement.check(value)).toBeUndefined();
  });

  it.each(['Anchor', 'none', 1, 'table;'])('prefixAdvertisement refuses %j', (value) => {
    expect(fortigate.options.prefixAdvertisement.check(value)).toEqual(expect.any(String));
  });
  it('insideInterface takes a zone name up to 35 characters, nothing that could break a line', () => {
    expect(fortigate.options.insideInterface.check('lan-zone-with-a-rather-long-name-35')).toBeUndefined();
    for (const bad of ['a'.repeat(36), 'lan zone', 'lan"', 'lan\n', 2]) expect(fortigate.options.insideInterface.check(bad)).toEqual(expect.any(String));
  });

  it('vdom refuses anything but a plain name', () => {
    expect(fortigate.options.vdom.check('customer_a')).toBeUndefined();
    for (const bad of ['root"', 'root vdom', '', 'a'.repeat(32)]) expect(fortigate.options.vdom.check(bad)).toEqual(expect.any(String));
  });

  it('uses the options: outside interface in phase 1, inside interface in the policies, the loopback and its VDOM', () => {
    const ctx = makeContext(fortigate, { bgp: 'multihop', options: { outsideInterface: 'wan1', insideInterface: 'internal', loopbackInterface: 'lo-azure', vdom: 'vpn' } });
    const r = renderDeviceFiles(ctx, fortigate);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const text = r.files[0].content;
    expect(text.match(/set interface "\S+"/g)).toEqual(['set interface "wan1"']);
    expect(text).toContain('    edit "lo-azure"\n        set vdom "vpn"\n        set type loopback\n');
    expect(text.match(/set srcintf "internal"/g)).toHaveLength(1);
    expect(text).toContain('set update-source "lo-azure"');
  });

  it('refuses colliding interfaces', () => {
    expect(checkFortigateSite(makeContext(fortigate, { options: { insideInterface: 'port1' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.insideInterface', severity: 'error' })]);
    expect(checkFortigateSite(makeContext(fortigate, { bgp: 'multihop', options: { loopbackInterface: 'port1' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.loopbackInterface' })]);
    expect(checkFortigateSite(makeContext(fortigate, { bgp: 'apipa', activeActive: true, options: { loopbackInterface: 'az-hq-2' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.loopbackInterface' })]);
    expect(checkFortigateSite(makeContext(fortigate, { bgp: 'multihop', activeActive: true }))).toEqual([]);
  });

  it('refuses shared keys with " \\ \' ? or ; and keys FortiOS would read as hexadecimal, naming the characters but never the key', () => {
    expect(fortigate.unsafeKeyChars).toEqual(['"', '\\', "'", '?', ';']);
    for (const key of ['abc"def', 'abc\\def', "abc'def", 'abc?def', 'abc;def', '0xDEADBEEF', '0Xabc123']) {
      const r = renderDeviceFiles(makeContext(fortigate, { sharedKey: key }), fortigate);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problems).toEqual([expect.objectContaining({ path: 'sharedKey', severity: 'error' })]);
        expect(JSON.stringify(r.problems)).not.toContain(key.replace('\\', '\\\\'));
      }
    }
    expect(renderDeviceFiles(makeContext(fortigate, { sharedKey: 'x0DEADBEEF' }), fortigate).ok).toBe(true);
  });

  it('derives tunnel names of at most 15 characters, distinct per site and instance', () => {
    expect(fortiosTunnelName('hq', 1)).toBe('az-hq-1');
    expect(fortiosTunnelName('plant-0123', 2)).toBe('az-plant-0123-2');
    const long = ['branch-office-frankfurt-main-01', 'branch-office-frankfurt-main-02', 'branch-of-11', 'branc'];
    const names = long.flatMap((s) => [fortiosTunnelName(s, 1), fortiosTunnelName(s, 2)]);
    for (const n of names) expect(n).toMatch(/^az-[a-z0-9-]+-[12]$/);
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(15);
    expect(new Set(names).size).toBe(names.length);
    expect(fortiosTunnelName('branch-office-frankfurt-main-01', 1)).toBe(fortiosTunnelName('branch-office-frankfurt-main-01', 1));
  });
});
