/** paloalto option specs: defaults, checks that refuse anything that could inject config, and the key rules. */
import { checkPaloaltoSite, paloalto } from '../../../src/devices/paloalto/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { makeContext } from './contexts';

describe('paloalto options', () => {
  it('has the documented defaults, each valid', () => {
    expect(Object.fromEntries(Object.entries(paloalto.options).map(([k, v]) => [k, v.default]))).toEqual({
      outsideInterface: 'ethernet1/1',
      outsideZone: 'untrust',
      insideZone: 'trust',
      vpnZone: 'azure-vpn',
      virtualRouter: 'default',
      tunnelUnitBase: 100,
      loopbackUnit: 100,
      prefixAdvertisement: 'anchor',
    });
    for (const [key, spec] of Object.entries(paloalto.options)) expect([key, spec.check(spec.default)]).toEqual([key, undefined]);
  });

  it.each(['ethernet1/1\nset zone x', 'ethernet1/1 ', 'ethernet1/1"', 'ethernet1/1;', 'ethernet1', 'tunnel.1', 'loopback.1', 'eth0', '', 11])('outsideInterface refuses %j', (value) => {
    expect(paloalto.options.outsideInterface.check(value)).toEqual(expect.any(String));
  });

  it.each(['ethernet1/1', 'ethernet1/24.100', 'ae1', 'ae2.30', 'vlan.10'])('outsideInterface accepts %s', (value) => {
    expect(paloalto.options.outsideInterface.check(value)).toBeUndefined();
  });

  it.each(['un trust', 'untrust;', 'untrust"', 'untrust\n', "it's", '', 'a'.repeat(32), '-zone', 5])('zone and virtual router options refuse %j', (value) => {
    for (const key of ['outsideZone', 'insideZone', 'vpnZone', 'virtualRouter']) expect([key, paloalto.options[key].check(value)]).toEqual([key, expect.any(String)]);
  });

  it.each([0, -1, 1.5, '100', 9999, Number.NaN])('tunnelUnitBase refuses %j (tunnels take this unit and the next, up to 9999)', (value) => {
    expect(paloalto.options.tunnelUnitBase.check(value)).toEqual(expect.any(String));
  });


  it.each(['anchor', 'table'])('prefixAdvertisement accepts %s', (value) => {
    expect(paloalto.options.prefixAdvertisement.check(value)).toBeUndefined();
  });

  it.each(['Anchor', 'none', 1, 'table;'])('prefixAdvertisement refuses %j', (value) => {
    expect(paloalto.options.prefixAdvertisement.check(value)).toEqual(expect.any(String));
  });
  it('loopbackUnit takes 1..9999', () => {
    expect(paloalto.options.loopbackUnit.check(9999)).toBeUndefined();
    for (const bad of [0, 10000, '1']) expect(paloalto.options.loopbackUnit.check(bad)).toEqual(expect.any(String));
  });

  it('uses the options: units from the bases, the outside interface, zones and the virtual router', () => {
    const ctx = makeContext(paloalto, {
      activeActive: true,
      bgp: 'multihop',
      options: { tunnelUnitBase: 9998, loopbackUnit: 7, outsideInterface: 'ae1.20', outsideZone: 'Internet', insideZone: 'LAN', vpnZone: 'azure', virtualRouter: 'vr-main' },
    });
    const r = renderDeviceFiles(ctx, paloalto);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const text = r.files[0].content;
    expect(text.match(/tunnel-interface \S+/g)).toEqual(['tunnel-interface tunnel.9998', 'tunnel-interface tunnel.9999']);
    expect(text).toContain('set zone azure network layer3 [ tunnel.9998 tunnel.9999 loopback.7 ]\n');
    expect(text).toContain('set network virtual-router vr-main interface [ tunnel.9998 tunnel.9999 loopback.7 ]\n');
    expect(text.match(/local-address interface \S+/g)).toEqual(['local-address interface ae1.20', 'local-address interface ae1.20', 'local-address interface loopback.7', 'local-address interface loopback.7']);
    expect(text).toContain('set rulebase security rules az-hq-ike-in from Internet\n');
    expect(text).toContain('set rulebase security rules az-hq-to-azure from LAN\n');
    expect(text).not.toMatch(/virtual-router default/);
  });

  it('refuses a tunnel zone equal to another zone and equal inside/outside zones', () => {
    expect(checkPaloaltoSite(makeContext(paloalto, { options: { vpnZone: 'trust' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.vpnZone', severity: 'error', fix: expect.any(String) })]);
    expect(checkPaloaltoSite(makeContext(paloalto, { options: { insideZone: 'untrust' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.insideZone', severity: 'error' })]);
    expect(renderDeviceFiles(makeContext(paloalto, { options: { vpnZone: 'untrust' } }), paloalto).ok).toBe(false);
    expect(checkPaloaltoSite(makeContext(paloalto, { activeActive: true }))).toEqual([]);
  });

  it('refuses shared keys with " \\ \' ? or ;, naming the characters but never the key', () => {
    expect(paloalto.unsafeKeyChars).toEqual(['"', '\\', "'", '?', ';']);
    for (const key of ['abc"def', 'abc\\def', "abc'def", 'abc?def', 'abc;def']) {
      const r = renderDeviceFiles(makeContext(paloalto, { sharedKey: key }), paloalto);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problems).toEqual([expect.objectContaining({ path: 'sharedKey', severity: 'error' })]);
        expect(JSON.stringify(r.problems)).not.toContain(key.replace('\\', '\\\\'));
      }
    }
  });
});
