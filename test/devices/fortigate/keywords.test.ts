/**
 * fortigate keyword table and checkProposals: each Azure value renders as the FortiOS keyword from the
 * FortiOS CLI Reference (stated literally here, independent of the table under test), and every value or
 * lifetime FortiOS cannot express is an error with a path and a fix, never clamped.
 */
import { fortigate } from '../../../src/devices/fortigate/device';
import { FORTIOS_KEYWORDS } from '../../../src/devices/fortigate/keywords';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { AZURE_DEFAULT_PROPOSALS, buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { GCM_ECP384_POLICY, makeContext } from './contexts';

function render(policy: IpsecPolicy | 'azure-default'): string {
  const r = renderDeviceFiles(makeContext(fortigate, { policy }), fortigate);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

/** The `set` lines of the first entry of a table, without `set `. */
function settingsOf(text: string, table: string): string[] {
  const block = text.slice(text.indexOf(`config ${table}\n`));
  const entry = block.slice(0, block.indexOf('\n    next\n'));
  return entry.split('\n').filter((l) => l.startsWith('        set ')).map((l) => l.trim().slice(4));
}
const phase1 = (text: string) => settingsOf(text, 'vpn ipsec phase1-interface').filter((l) => /^(proposal|dhgrp|keylife) /.test(l));
const phase2 = (text: string) => settingsOf(text, 'vpn ipsec phase2-interface').filter((l) => /^(proposal|pfs|dhgrp|keylife)/.test(l));
const policy = (over: Partial<IpsecPolicy>): IpsecPolicy => ({ ...SECURE_DEFAULT_POLICY, ...over });

describe('fortigate keywords (FortiOS CLI Reference, phase1-interface and phase2-interface)', () => {
  it('renders the secure default as aes256-sha256 / dhgrp 14, phase 2 aes256gcm with PFS 14 and both lifetimes', () => {
    const text = render(SECURE_DEFAULT_POLICY);
    expect(phase1(text)).toEqual(['proposal aes256-sha256', 'dhgrp 14', 'keylife 28800']);
    expect(phase2(text)).toEqual(['proposal aes256gcm', 'pfs enable', 'dhgrp 14', 'keylife-type both', 'keylifeseconds 27000', 'keylifekbs 102400000']);
  });

  it('renders IKE GCMAES256 + SHA384 as aes256gcm-prfsha384 (the hash is the PRF), ECP384 as group 20', () => {
    const text = render(GCM_ECP384_POLICY);
    expect(phase1(text)).toEqual(['proposal aes256gcm-prfsha384', 'dhgrp 20', 'keylife 28800']);
    expect(phase2(text)).toEqual(['proposal aes256gcm', 'pfs enable', 'dhgrp 20', 'keylife-type both', 'keylifeseconds 3600', 'keylifekbs 1024000']);
  });

  it.each([
    [{ ikeEncryption: 'AES192' }, 'proposal aes192-sha256'],
    [{ ikeEncryption: 'AES128', ikeIntegrity: 'SHA1' }, 'proposal aes128-sha1'],
    [{ ikeIntegrity: 'SHA384' }, 'proposal aes256-sha384'],
    [{ ikeIntegrity: 'MD5' }, 'proposal aes256-md5'],
    [{ ikeEncryption: 'GCMAES128', ikeIntegrity: 'SHA256' }, 'proposal aes128gcm-prfsha256'],
    [{ ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA1' }, 'proposal aes256gcm-prfsha1'],
    [{ ikeEncryption: 'DES3' }, 'proposal 3des-sha256'],
    [{ dhGroup: 'ECP256' }, 'dhgrp 19'],
    [{ dhGroup: 'DHGroup2048' }, 'dhgrp 14'],
    [{ dhGroup: 'DHGroup2' }, 'dhgrp 2'],
    [{ dhGroup: 'DHGroup1' }, 'dhgrp 1'],
  ])('phase 1 %j -> "%s"', (over, statement) => {
    expect(phase1(render(policy(over)))).toContain(statement);
  });

  it.each([
    ['AES256', 'SHA256', 'proposal aes256-sha256'],
    ['AES192', 'SHA1', 'proposal aes192-sha1'],
    ['AES128', 'MD5', 'proposal aes128-md5'],
    ['DES3', 'SHA1', 'proposal 3des-sha1'],
    ['GCMAES128', 'GCMAES128', 'proposal aes128gcm'],
  ])('phase 2 %s + %s -> "%s"', (ipsecEncryption, ipsecIntegrity, statement) => {
    expect(phase2(render(policy({ ipsecEncryption, ipsecIntegrity })))).toContain(statement);
  });

  it.each([
    ['ECP256', '19'],
    ['ECP384', '20'],
    ['PFS2', '2'],
    ['PFS1', '1'],
    ['PFS14', '14'],
  ])('PFS %s -> pfs enable, dhgrp %s', (pfsGroup, group) => {
    expect(phase2(render(policy({ pfsGroup })))).toEqual(expect.arrayContaining(['pfs enable', `dhgrp ${group}`]));
  });

  it('PFS None -> pfs disable and no phase 2 dhgrp', () => {
    const p2 = phase2(render(policy({ pfsGroup: 'None' })));
    expect(p2).toContain('pfs disable');
    expect(p2.some((l) => l.startsWith('dhgrp'))).toBe(false);
  });

  it("offers Azure's default proposals in order, in one phase 1 and one phase 2 list, without PFS", () => {
    expect(fortigate.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
    const text = render('azure-default');
    expect(phase1(text)).toEqual(['proposal aes256-sha256 aes256-sha1 aes128-sha256 aes128-sha1', 'dhgrp 2', 'keylife 28800']);
    expect(phase2(text)).toEqual(['proposal aes256gcm aes256-sha256 aes256-sha1 aes128-sha1', 'pfs disable', 'keylife-type both', 'keylifeseconds 27000', 'keylifekbs 102400000']);
    expect(text).toContain("WARNING: the connection uses Azure's default proposals");
  });

  it('names the FortiOS CLI Reference as the source of each refusal', () => {
    for (const [field, value] of [['dhGroup', 'DHGroup24'], ['ipsecEncryption', 'GCMAES192'], ['pfsGroup', 'PFS24']] as const) {
      const entry = FORTIOS_KEYWORDS[field].values[value];
      expect(typeof entry === 'object' && entry.source).toMatch(/FortiOS 8\.0\.0 CLI Reference/);
    }
  });
});

describe('fortigate checkProposals refusals', () => {
  const check = (over: Partial<IpsecPolicy>) => fortigate.checkProposals(buildProposals(policy(over)));

  it.each([
    [{ dhGroup: 'DHGroup24' }, 'ipsecPolicy.dhGroup', /DH group 24/],
    [{ pfsGroup: 'PFS24' }, 'ipsecPolicy.pfsGroup', /DH group 24/],
    [{ ipsecEncryption: 'GCMAES192', ipsecIntegrity: 'GCMAES192' }, 'ipsecPolicy.ipsecEncryption', /192-bit/],
    [{ ikeEncryption: 'GCMAES256', ikeIntegrity: 'MD5' }, 'ipsecPolicy.ikeIntegrity', /SHA256 or SHA384/],
    [{ ikeIntegrity: 'GCMAES256' }, 'ipsecPolicy.ikeIntegrity', /SHA256 or SHA384/],
    [{ dhGroup: 'None' }, 'ipsecPolicy.dhGroup', /DHGroup14/],
    [{ ipsecEncryption: 'None', ipsecIntegrity: 'SHA256' }, 'ipsecPolicy.ipsecEncryption', /GCMAES256/],
    [{ ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'SHA256' }, 'ipsecPolicy.ipsecIntegrity', /GCMAES256/],
    [{ ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES256' }, 'ipsecPolicy.ipsecIntegrity', /SHA256/],
    [{ pfsGroup: 'PFSMM' }, 'ipsecPolicy.pfsGroup', /PFS2048/],
    [{ saLifeTimeSeconds: 172801 }, 'ipsecPolicy.saLifeTimeSeconds', /120 and 172800/],
    [{ saDataSizeKilobytes: 5119 }, 'ipsecPolicy.saDataSizeKilobytes', /5120 and 4294967295/],
    [{ saDataSizeKilobytes: 4294967296 }, 'ipsecPolicy.saDataSizeKilobytes', /5120 and 4294967295/],
  ])('refuses %j at %s with a fix, and render writes nothing', (over, path, fix) => {
    const problems = check(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, severity: 'error' });
    expect(problems[0].fix).toMatch(fix);
    const r = renderDeviceFiles(makeContext(fortigate, { policy: policy(over) }), fortigate);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(problems);
  });

  it('accepts the lifetime range edges exactly (no clamping either way)', () => {
    expect(check({ saLifeTimeSeconds: 172800, saDataSizeKilobytes: 4294967295 })).toEqual([]);
    expect(check({ saLifeTimeSeconds: 300, saDataSizeKilobytes: 5120 })).toEqual([]);
    const text = render(policy({ saLifeTimeSeconds: 172800, saDataSizeKilobytes: 4294967295 }));
    expect(phase2(text)).toEqual(expect.arrayContaining(['keylifeseconds 172800', 'keylifekbs 4294967295']));
  });

  it('reports every problem of a policy at once', () => {
    const paths = check({ dhGroup: 'DHGroup24', ipsecEncryption: 'GCMAES192', ipsecIntegrity: 'GCMAES192', pfsGroup: 'PFS24', saDataSizeKilobytes: 2048 }).map((p) => p.path);
    expect(paths.sort()).toEqual(['ipsecPolicy.dhGroup', 'ipsecPolicy.ipsecEncryption', 'ipsecPolicy.pfsGroup', 'ipsecPolicy.saDataSizeKilobytes']);
  });
});
