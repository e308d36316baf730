/**
 * juniper-srx keyword table and checkProposals: each Azure value renders as the Junos keyword from
 * azure-facts.md section 1 (stated literally here, independent of the table under test), and every value
 * or lifetime the SRX cannot express is an error with a path and a fix, never clamped.
 */
import { juniperSrx } from '../../../src/devices/juniper-srx/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { AZURE_DEFAULT_PROPOSALS, buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { GCM_ECP384_POLICY, makeContext } from './contexts';

function render(policy: IpsecPolicy | 'azure-default'): string {
  const r = renderDeviceFiles(makeContext(juniperSrx, { policy }), juniperSrx);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

/** The statements under one prefix, without the prefix: `set security ike proposal az-hq-ike-prop ...`. */
const under = (text: string, prefix: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(`${prefix} `)).map((l) => l.slice(prefix.length + 1));

const policy = (over: Partial<IpsecPolicy>): IpsecPolicy => ({ ...SECURE_DEFAULT_POLICY, ...over });
const IKE = 'set security ike proposal az-hq-ike-prop';
const ESP = 'set security ipsec proposal az-hq-ipsec-prop';

describe('juniper-srx keywords (azure-facts.md section 1)', () => {
  it('renders the secure default as aes-256-cbc / sha-256 / group14 with ESP aes-256-gcm and PFS group14', () => {
    const text = render(SECURE_DEFAULT_POLICY);
    expect(under(text, IKE)).toEqual([
      'authentication-method pre-shared-keys',
      'dh-group group14',
      'authentication-algorithm sha-256',
      'encryption-algorithm aes-256-cbc',
      'lifetime-seconds 28800',
    ]);
    expect(under(text, ESP)).toEqual(['protocol esp', 'encryption-algorithm aes-256-gcm', 'lifetime-seconds 27000', 'lifetime-kilobytes 102400000']);
    expect(under(text, 'set security ipsec policy az-hq-ipsec-policy')).toEqual(['perfect-forward-secrecy keys group14', 'proposals az-hq-ipsec-prop']);
    expect(under(text, 'set security ike policy az-hq-ike-policy')[0]).toBe('proposals az-hq-ike-prop');
  });

  it('renders IKE GCMAES256 + SHA384 as aes-256-gcm with no authentication algorithm, ECP384 as group20', () => {
    const text = render(GCM_ECP384_POLICY);
    expect(under(text, IKE)).toEqual(['authentication-method pre-shared-keys', 'dh-group group20', 'encryption-algorithm aes-256-gcm', 'lifetime-seconds 28800']);
    expect(under(text, ESP)).toEqual(['protocol esp', 'encryption-algorithm aes-256-gcm', 'lifetime-seconds 3600', 'lifetime-kilobytes 1024000']);
    expect(text).toContain('set security ipsec policy az-hq-ipsec-policy perfect-forward-secrecy keys group20\n');
  });

  it.each([
    [{ ikeEncryption: 'AES192' }, 'encryption-algorithm aes-192-cbc'],
    [{ ikeEncryption: 'AES128' }, 'encryption-algorithm aes-128-cbc'],
    [{ ikeEncryption: 'GCMAES128', ikeIntegrity: 'SHA256' }, 'encryption-algorithm aes-128-gcm'],
    [{ ikeIntegrity: 'SHA384' }, 'authentication-algorithm sha-384'],
    [{ ikeIntegrity: 'SHA1' }, 'authentication-algorithm sha1'],
    [{ ikeIntegrity: 'MD5' }, 'authentication-algorithm md5'],
    [{ dhGroup: 'DHGroup24' }, 'dh-group group24'],
    [{ dhGroup: 'ECP256' }, 'dh-group group19'],
    [{ dhGroup: 'DHGroup2048' }, 'dh-group group14'],
    [{ dhGroup: 'DHGroup2' }, 'dh-group group2'],
    [{ dhGroup: 'DHGroup1' }, 'dh-group group1'],
  ])('IKE %j -> "%s"', (over, statement) => {
    expect(under(render(policy(over)), IKE)).toContain(statement);
  });

  it('IKE GCMAES128 + SHA256 carries no authentication-algorithm', () => {
    expect(under(render(policy({ ikeEncryption: 'GCMAES128', ikeIntegrity: 'SHA256' })), IKE).some((l) => l.startsWith('authentication-algorithm'))).toBe(false);
  });

  it.each([
    ['AES256', 'SHA256', ['encryption-algorithm aes-256-cbc', 'authentication-algorithm hmac-sha-256-128']],
    ['AES256', 'SHA1', ['encryption-algorithm aes-256-cbc', 'authentication-algorithm hmac-sha1-96']],
    ['AES192', 'SHA1', ['encryption-algorithm aes-192-cbc', 'authentication-algorithm hmac-sha1-96']],
    ['AES128', 'SHA1', ['encryption-algorithm aes-128-cbc', 'authentication-algorithm hmac-sha1-96']],
    ['AES128', 'MD5', ['encryption-algorithm aes-128-cbc', 'authentication-algorithm hmac-md5-96']],
    ['DES3', 'SHA256', ['encryption-algorithm 3des-cbc', 'authentication-algorithm hmac-sha-256-128']],
    ['GCMAES192', 'GCMAES192', ['encryption-algorithm aes-192-gcm']],
    ['GCMAES128', 'GCMAES128', ['encryption-algorithm aes-128-gcm']],
  ])('ESP %s + %s -> %j', (ipsecEncryption, ipsecIntegrity, statements) => {
    const esp = under(render(policy({ ipsecEncryption, ipsecIntegrity })), ESP).filter((l) => /-algorithm /.test(l));
    expect(esp.sort()).toEqual([...statements].sort());
  });

  it.each([
    ['PFS24', 'group24'],
    ['ECP256', 'group19'],
    ['PFS2', 'group2'],
    ['PFS1', 'group1'],
    ['PFS14', 'group14'],
  ])('PFS %s -> keys %s', (pfsGroup, group) => {
    expect(render(policy({ pfsGroup }))).toContain(`set security ipsec policy az-hq-ipsec-policy perfect-forward-secrecy keys ${group}\n`);
  });

  it('omits perfect-forward-secrecy for PFS None', () => {
    expect(render(policy({ pfsGroup: 'None' }))).not.toMatch(/perfect-forward-secrecy/);
  });

  it("offers Azure's default proposals in order, without PFS", () => {
    expect(juniperSrx.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
    const text = render('azure-default');
    expect(text).toContain('set security ike policy az-hq-ike-policy proposals [ az-hq-ike-prop-1 az-hq-ike-prop-2 az-hq-ike-prop-3 az-hq-ike-prop-4 ]\n');
    const ike = [1, 2, 3, 4].map((n) => under(text, `${IKE}-${n}`).filter((l) => /^(dh-group|authentication-algorithm|encryption-algorithm) /.test(l)));
    expect(ike).toEqual([
      ['dh-group group2', 'authentication-algorithm sha-256', 'encryption-algorithm aes-256-cbc'],
      ['dh-group group2', 'authentication-algorithm sha1', 'encryption-algorithm aes-256-cbc'],
      ['dh-group group2', 'authentication-algorithm sha-256', 'encryption-algorithm aes-128-cbc'],
      ['dh-group group2', 'authentication-algorithm sha1', 'encryption-algorithm aes-128-cbc'],
    ]);
    expect(text).toContain('set security ipsec policy az-hq-ipsec-policy proposals [ az-hq-ipsec-prop-1 az-hq-ipsec-prop-2 az-hq-ipsec-prop-3 az-hq-ipsec-prop-4 ]\n');
    const esp = [1, 2, 3, 4].map((n) => under(text, `${ESP}-${n}`).filter((l) => /-algorithm /.test(l)));
    expect(esp).toEqual([
      ['encryption-algorithm aes-256-gcm'],
      ['authentication-algorithm hmac-sha-256-128', 'encryption-algorithm aes-256-cbc'],
      ['authentication-algorithm hmac-sha1-96', 'encryption-algorithm aes-256-cbc'],
      ['authentication-algorithm hmac-sha1-96', 'encryption-algorithm aes-128-cbc'],
    ]);
    expect(text).not.toMatch(/perfect-forward-secrecy/);
    expect(text).toContain("WARNING: the connection uses Azure's default proposals");
  });
});

describe('juniper-srx checkProposals refusals', () => {
  const check = (over: Partial<IpsecPolicy>) => juniperSrx.checkProposals(buildProposals(policy(over)));

  it('refuses IKE GCMAES256 + SHA256 (the SRX ties aes-256-gcm to a 384-bit PRF) and says what works', () => {
    const problems = check({ ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA256' });
    expect(problems).toEqual([expect.objectContaining({ path: 'ipsecPolicy.ikeIntegrity', severity: 'error' })]);
    expect(problems[0].message).toMatch(/aes-256-gcm/);
    expect(problems[0].fix).toMatch(/SHA384/);
  });

  it.each([
    [{ ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA1' }, 'ipsecPolicy.ikeIntegrity'],
    [{ ikeEncryption: 'GCMAES128', ikeIntegrity: 'SHA384' }, 'ipsecPolicy.ikeIntegrity'],
    [{ ikeEncryption: 'GCMAES128', ikeIntegrity: 'GCMAES128' }, 'ipsecPolicy.ikeIntegrity'],
    [{ ikeIntegrity: 'GCMAES256' }, 'ipsecPolicy.ikeIntegrity'],
    [{ dhGroup: 'None' }, 'ipsecPolicy.dhGroup'],
    [{ ipsecEncryption: 'None', ipsecIntegrity: 'SHA256' }, 'ipsecPolicy.ipsecEncryption'],
    [{ ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'GCMAES128' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'SHA1' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES256' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ pfsGroup: 'PFSMM' }, 'ipsecPolicy.pfsGroup'],
    [{ saLifeTimeSeconds: 86401 }, 'ipsecPolicy.saLifeTimeSeconds'],
    [{ saLifeTimeSeconds: 179 }, 'ipsecPolicy.saLifeTimeSeconds'],
    [{ saDataSizeKilobytes: 4294967295 }, 'ipsecPolicy.saDataSizeKilobytes'],
    [{ saDataSizeKilobytes: 63 }, 'ipsecPolicy.saDataSizeKilobytes'],
  ])('refuses %j at %s with a fix, and render writes nothing', (over, path) => {
    const problems = check(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, severity: 'error' });
    expect(problems[0].fix).toEqual(expect.any(String));
    const r = renderDeviceFiles(makeContext(juniperSrx, { policy: policy(over) }), juniperSrx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(problems);
  });

  it('accepts the lifetime range edges exactly (no clamping either way)', () => {
    expect(check({ saLifeTimeSeconds: 86400, saDataSizeKilobytes: 4294967294 })).toEqual([]);
    expect(check({ saLifeTimeSeconds: 180, saDataSizeKilobytes: 64 })).toEqual([]);
    const text = render(policy({ saLifeTimeSeconds: 86400, saDataSizeKilobytes: 4294967294 }));
    expect(text).toContain(`${ESP} lifetime-seconds 86400\n`);
    expect(text).toContain(`${ESP} lifetime-kilobytes 4294967294\n`);
  });

  it('reports every problem of a policy at once', () => {
    const paths = check({ ikeEncryption: 'GCMAES256', ikeIntegrity: 'SHA256', dhGroup: 'None', ipsecEncryption: 'None', pfsGroup: 'PFSMM', saDataSizeKilobytes: 2 ** 33 }).map((p) => p.path);
    expect(paths.sort()).toEqual(['ipsecPolicy.dhGroup', 'ipsecPolicy.ikeIntegrity', 'ipsecPolicy.ipsecEncryption', 'ipsecPolicy.pfsGroup', 'ipsecPolicy.saDataSizeKilobytes']);
  });
});
