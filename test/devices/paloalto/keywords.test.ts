/**
 * paloalto keyword table and checkProposals: each Azure value renders as the PAN-OS crypto profile member from
 * the PAN-OS schema (stated literally here, independent of the table under test); lifetimes are written in the
 * unit that holds them exactly; every value or lifetime PAN-OS cannot express is an error with a path and a
 * fix, never clamped; a data lifetime with no exact PAN-OS unit is left to Azure, and the file says so.
 */
import { paloalto } from '../../../src/devices/paloalto/device';
import { MAX_LIFESIZE_KB, nearestLifesizes, panosLifesize, panosLifetime, PANOS_KEYWORDS } from '../../../src/devices/paloalto/keywords';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { AZURE_DEFAULT_PROPOSALS, buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { GCM_ECP384_POLICY, makeContext } from './contexts';

function render(policy: IpsecPolicy | 'azure-default'): string {
  const r = renderDeviceFiles(makeContext(paloalto, { policy }), paloalto);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

const under = (text: string, prefix: string): string[] => text.split('\n').filter((l) => l.startsWith(`${prefix} `)).map((l) => l.slice(prefix.length + 1));
const IKE = 'set network ike crypto-profiles ike-crypto-profiles az-hq-ike';
const IPSEC = 'set network ike crypto-profiles ipsec-crypto-profiles az-hq-ipsec';
const policy = (over: Partial<IpsecPolicy>): IpsecPolicy => ({ ...SECURE_DEFAULT_POLICY, ...over });

describe('paloalto keywords (PAN-OS crypto profiles)', () => {
  it('renders the secure default as aes-256-cbc / sha256 / group14, ESP aes-256-gcm with authentication none, PFS group14', () => {
    const text = render(SECURE_DEFAULT_POLICY);
    expect(under(text, IKE)).toEqual(['encryption aes-256-cbc', 'hash sha256', 'dh-group group14', 'lifetime seconds 28800']);
    expect(under(text, IPSEC)).toEqual(['esp encryption aes-256-gcm', 'esp authentication none', 'dh-group group14', 'lifetime seconds 27000']);
  });

  it("leaves out a lifesize for Azure's default 102400000 KB (no exact PAN-OS unit) and says which values would be exact", () => {
    const text = render(SECURE_DEFAULT_POLICY);
    expect(text).not.toMatch(/^set .* lifesize /m);
    expect(text).toContain("# SA data lifetime: PAN-OS lifesize holds 1..65535 KB, MB, GB or TB; Azure's 102400000 KB is none of them exactly");
    expect(text).toContain('set saDataSizeKilobytes to 101711872 or 102760448 (exact in PAN-OS units)');
    expect([101711872, 102760448].map((kb) => panosLifesize(kb))).toEqual([{ unit: 'gb', value: 97 }, { unit: 'gb', value: 98 }]);
  });

  it('renders IKE GCMAES256 + SHA384 as aes-256-gcm with hash sha384 (the PRF), ECP384 as group20, 1024000 KB as 1000 MB', () => {
    const text = render(GCM_ECP384_POLICY);
    expect(under(text, IKE)).toEqual(['encryption aes-256-gcm', 'hash sha384', 'dh-group group20', 'lifetime seconds 28800']);
    expect(under(text, IPSEC)).toEqual(['esp encryption aes-256-gcm', 'esp authentication none', 'dh-group group20', 'lifetime seconds 3600', 'lifesize mb 1000']);
  });

  it.each([
    [{ ikeEncryption: 'AES192' }, 'encryption aes-192-cbc'],
    [{ ikeEncryption: 'AES128' }, 'encryption aes-128-cbc'],
    [{ ikeEncryption: 'GCMAES128', ikeIntegrity: 'SHA256' }, 'encryption aes-128-gcm'],
    [{ ikeEncryption: 'DES3' }, 'encryption 3des'],
    [{ ikeIntegrity: 'SHA1' }, 'hash sha1'],
    [{ ikeIntegrity: 'MD5' }, 'hash md5'],
    [{ dhGroup: 'ECP256' }, 'dh-group group19'],
    [{ dhGroup: 'DHGroup2048' }, 'dh-group group14'],
    [{ dhGroup: 'DHGroup2' }, 'dh-group group2'],
    [{ dhGroup: 'DHGroup1' }, 'dh-group group1'],
  ])('IKE %j -> "%s"', (over, statement) => {
    expect(under(render(policy(over)), IKE)).toContain(statement);
  });

  it.each([
    ['AES256', 'SHA256', ['esp encryption aes-256-cbc', 'esp authentication sha256']],
    ['AES192', 'SHA1', ['esp encryption aes-192-cbc', 'esp authentication sha1']],
    ['AES128', 'MD5', ['esp encryption aes-128-cbc', 'esp authentication md5']],
    ['DES3', 'SHA256', ['esp encryption 3des', 'esp authentication sha256']],
    ['GCMAES128', 'GCMAES128', ['esp encryption aes-128-gcm', 'esp authentication none']],
  ])('ESP %s + %s -> %j', (ipsecEncryption, ipsecIntegrity, statements) => {
    expect(under(render(policy({ ipsecEncryption, ipsecIntegrity })), IPSEC).filter((l) => l.startsWith('esp '))).toEqual(statements);
  });

  it.each([
    ['None', 'no-pfs'],
    ['ECP256', 'group19'],
    ['ECP384', 'group20'],
    ['PFS2', 'group2'],
    ['PFS1', 'group1'],
    ['PFS14', 'group14'],
  ])('PFS %s -> dh-group %s', (pfsGroup, group) => {
    expect(under(render(policy({ pfsGroup })), IPSEC)).toContain(`dh-group ${group}`);
  });

  it.each([
    [27000, 'seconds 27000'],
    [65535, 'seconds 65535'],
    [65580, 'minutes 1093'],
    [86400, 'minutes 1440'],
    [3932100, 'minutes 65535'],
    [3934800, 'hours 1093'],
    [31536000, 'hours 8760'],
  ])('IPsec lifetime %i s -> lifetime %s', (saLifeTimeSeconds, lifetime) => {
    expect(under(render(policy({ saLifeTimeSeconds })), IPSEC)).toContain(`lifetime ${lifetime}`);
  });

  it.each([
    [1024, 'kb 1024'],
    [65535, 'kb 65535'],
    [65536, 'mb 64'],
    [67107840, 'mb 65535'],
    [1073741824, 'gb 1024'],
    [MAX_LIFESIZE_KB, 'tb 65535'],
  ])('IPsec data lifetime %i KB -> lifesize %s', (saDataSizeKilobytes, lifesize) => {
    expect(under(render(policy({ saDataSizeKilobytes })), IPSEC)).toContain(`lifesize ${lifesize}`);
  });

  it('finds the nearest exact data lifetimes on both sides', () => {
    expect(nearestLifesizes(65537)).toEqual({ below: 65536, above: 66560 });
    expect(panosLifetime(65537)).toBeUndefined();
    expect(panosLifetime(86400)).toEqual({ unit: 'minutes', value: 1440 });
  });

  it("offers the first of Azure's default proposals (one profile per side), without PFS", () => {
    expect(paloalto.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
    const text = render('azure-default');
    expect(under(text, IKE)).toEqual(['encryption aes-256-cbc', 'hash sha256', 'dh-group group2', 'lifetime seconds 28800']);
    expect(under(text, IPSEC)).toEqual(['esp encryption aes-256-gcm', 'esp authentication none', 'dh-group no-pfs', 'lifetime seconds 27000']);
    expect(text).toContain("WARNING: the connection uses Azure's default proposals");
  });

  it('names the PAN-OS schema as the source of each refusal', () => {
    for (const [field, value] of [['dhGroup', 'DHGroup24'], ['ipsecEncryption', 'GCMAES192'], ['pfsGroup', 'PFS24'], ['ikeEncryption', 'DES'], ['ipsecEncryption', 'DES']] as const) {
      const entry = PANOS_KEYWORDS[field].values[value];
      expect(typeof entry === 'object' && entry.source).toMatch(/PAN-OS schema \(pan-os-codegen specs\/objects\/profiles\//);
    }
  });
});

describe('paloalto checkProposals refusals', () => {
  const check = (over: Partial<IpsecPolicy>) => paloalto.checkProposals(buildProposals(policy(over)));

  it.each([
    [{ dhGroup: 'DHGroup24' }, 'ipsecPolicy.dhGroup', /DH group 24/],
    [{ pfsGroup: 'PFS24' }, 'ipsecPolicy.pfsGroup', /DH group 24/],
    [{ ipsecEncryption: 'GCMAES192', ipsecIntegrity: 'GCMAES192' }, 'ipsecPolicy.ipsecEncryption', /192-bit/],
    [{ ikeEncryption: 'DES' }, 'ipsecPolicy.ikeEncryption', /AES256/],
    [{ ipsecEncryption: 'DES', ipsecIntegrity: 'SHA1' }, 'ipsecPolicy.ipsecEncryption', /AES256/],
    [{ ikeIntegrity: 'GCMAES128' }, 'ipsecPolicy.ikeIntegrity', /SHA256 or SHA384/],
    [{ dhGroup: 'None' }, 'ipsecPolicy.dhGroup', /DHGroup14/],
    [{ ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'GCMAES256' }, 'ipsecPolicy.ipsecIntegrity', /GCMAES128/],
    [{ pfsGroup: 'PFSMM' }, 'ipsecPolicy.pfsGroup', /PFS2048/],
    [{ saLifeTimeSeconds: 65537 }, 'ipsecPolicy.saLifeTimeSeconds', /whole number of minutes or hours/],
    [{ saLifeTimeSeconds: 65536 * 3600 }, 'ipsecPolicy.saLifeTimeSeconds', /at most 65535/],
    [{ saDataSizeKilobytes: MAX_LIFESIZE_KB + 1024 ** 3 }, 'ipsecPolicy.saDataSizeKilobytes', /at most 70367670435840\b/],
  ])('refuses %j at %s with a fix, and render writes nothing', (over, path, fix) => {
    const problems = check(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, severity: 'error' });
    expect(problems[0].fix).toMatch(fix);
    const r = renderDeviceFiles(makeContext(paloalto, { policy: policy(over) }), paloalto);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(problems);
  });

  it('reports every problem of a policy at once', () => {
    const paths = check({ dhGroup: 'DHGroup24', ipsecEncryption: 'GCMAES192', ipsecIntegrity: 'GCMAES192', pfsGroup: 'PFS24', saLifeTimeSeconds: 70001 }).map((p) => p.path);
    expect(paths.sort()).toEqual(['ipsecPolicy.dhGroup', 'ipsecPolicy.ipsecEncryption', 'ipsecPolicy.pfsGroup', 'ipsecPolicy.saLifeTimeSeconds']);
  });
});
