/** juniper-srx option specs: defaults from hub-file.md, and checks that refuse anything that could inject config. */
import { checkJunosSite, juniperSrx } from '../../../src/devices/juniper-srx/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { makeContext } from './contexts';

describe('juniper-srx options', () => {
  it('has the defaults of hub-file.md (plus vpnZone for the st0 units)', () => {
    expect(Object.fromEntries(Object.entries(juniperSrx.options).map(([k, v]) => [k, v.default]))).toEqual({
      externalInterface: 'ge-0/0/0.0',
      untrustZone: 'untrust',
      trustZone: 'trust',
      vpnZone: 'azure-vpn',
      st0UnitBase: 0,
      prefixAdvertisement: 'anchor',
    });
    for (const [key, spec] of Object.entries(juniperSrx.options)) expect([key, spec.check(spec.default)]).toEqual([key, undefined]);
  });

  it.each([
    'ge-0/0/0.0\nset system services telnet',
    'ge-0/0/0.0;',
    'ge-0/0/0.0 ',
    'ge-0/0/0.0"',
    "ge-0/0/0.0'",
    'ge-0/0/0',
    'ge-0/0/0.0 unit 1',
    'GE-0/0/0.0',
    '',
    '.0',
    42,
  ])('externalInterface refuses %j', (value) => {
    expect(juniperSrx.options.externalInterface.check(value)).toEqual(expect.any(String));
  });

  it.each(['ge-0/0/0.0', 'reth0.0', 'xe-1/0/2:1.100', 'pp0.0', 'ae1.20', 'irb.10'])('externalInterface accepts %s', (value) => {
    expect(juniperSrx.options.externalInterface.check(value)).toBeUndefined();
  });

  it.each(['un trust', 'untrust;', 'untrust"', 'untrust\n', 'junos-host', 'Junos-Global', '1zone', '', 'a'.repeat(64), 'zone{', 5])('zone options refuse %j', (value) => {
    for (const key of ['untrustZone', 'trustZone', 'vpnZone']) expect([key, juniperSrx.options[key].check(value)]).toEqual([key, expect.any(String)]);
  });

  it.each(['untrust', 'Internet', 'wan_1', 'azure-vpn', 'a'.repeat(63)])('zone options accept %s', (value) => {
    for (const key of ['untrustZone', 'trustZone', 'vpnZone']) expect([key, juniperSrx.options[key].check(value)]).toEqual([key, undefined]);
  });

  it.each([-1, 1.5, '0', '0\nset', 16383, Number.NaN])('st0UnitBase refuses %j', (value) => {
    expect(juniperSrx.options.st0UnitBase.check(value)).toEqual(expect.any(String));
  });

  it.each([0, 10, 16382])('st0UnitBase accepts %j', (value) => {
    expect(juniperSrx.options.st0UnitBase.check(value)).toBeUndefined();
  });

  it('uses the options: st0 units from the base, the external interface and the zones', () => {
    const ctx = makeContext(juniperSrx, {
      activeActive: true,
      bgp: 'multihop',
      options: { st0UnitBase: 16382, externalInterface: 'reth0.0', untrustZone: 'Internet', trustZone: 'LAN', vpnZone: 'azure' },
    });
    const r = renderDeviceFiles(ctx, juniperSrx);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const text = r.files[0].content;
    expect(text.match(/bind-interface \S+/g)).toEqual(['bind-interface st0.16382', 'bind-interface st0.16383']);
    expect(text).toContain('set security zones security-zone Internet interfaces reth0.0 host-inbound-traffic system-services ike\n');
    expect(text).toContain('set security zones security-zone azure interfaces st0.16383 host-inbound-traffic protocols bgp\n');
    expect(text).toContain('set security policies from-zone LAN to-zone azure policy az-hq-to-azure then permit\n');
    expect(text.match(/external-interface \S+/g)).toEqual(['external-interface reth0.0', 'external-interface reth0.0']);
  });

  it('refuses a tunnel zone equal to another zone and equal trust/untrust zones', () => {
    expect(checkJunosSite(makeContext(juniperSrx, { options: { vpnZone: 'trust' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.vpnZone', severity: 'error', fix: expect.any(String) })]);
    expect(checkJunosSite(makeContext(juniperSrx, { options: { trustZone: 'untrust' } }))).toEqual([expect.objectContaining({ path: 'deviceOptions.trustZone', severity: 'error' })]);
    expect(renderDeviceFiles(makeContext(juniperSrx, { options: { vpnZone: 'untrust' } }), juniperSrx).ok).toBe(false);
    const ctx = makeContext(juniperSrx, { activeActive: true });
    expect(checkJunosSite(ctx)).toEqual([]);
  });

  it('refuses shared keys with a double quote or a backslash, naming the characters but never the key', () => {
    for (const key of ['abc"def', 'abc\\def']) {
      const r = renderDeviceFiles(makeContext(juniperSrx, { sharedKey: key }), juniperSrx);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problems).toEqual([expect.objectContaining({ path: 'sharedKey', severity: 'error' })]);
        expect(JSON.stringify(r.problems)).not.toContain(key.replace('\\', '\\\\'));
      }
    }
    expect(juniperSrx.unsafeKeyChars).toEqual(['"', '\\']);
  });
});
