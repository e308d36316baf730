/**
 * cisco-ios keyword table and checkProposals: each Azure value renders as the IOS-XE keyword from
 * azure-facts.md section 1 (stated literally here, independent of the table under test), and every value
 * or lifetime IOS-XE cannot express is an error with a path and a fix, never clamped.
 */
import { ciscoIos } from '../../../src/devices/cisco-ios/device';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { AZURE_DEFAULT_PROPOSALS, buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import type { IpsecPolicy } from '../../../src/hub/types';
import { GCM_ECP384_POLICY, makeContext } from './contexts';

function render(policy: IpsecPolicy | 'azure-default'): string {
  const r = renderDeviceFiles(makeContext(ciscoIos, { policy }), ciscoIos);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files[0].content;
}

/** The lines of one config block, e.g. `crypto ikev2 proposal az-hq-ike` and its indented lines. */
function block(text: string, header: RegExp): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((l, i) => {
    if (!header.test(l)) return;
    const body: string[] = [l];
    for (let j = i + 1; j < lines.length && lines[j].startsWith(' '); j++) body.push(lines[j].trim());
    out.push(body);
  });
  return out;
}

const policy = (over: Partial<IpsecPolicy>): IpsecPolicy => ({ ...SECURE_DEFAULT_POLICY, ...over });

describe('cisco-ios keywords (azure-facts.md section 1)', () => {
  it('renders the secure default as AES-CBC-256 / SHA256 / group 14 with ESP GCM 256 and PFS group14', () => {
    const text = render(SECURE_DEFAULT_POLICY);
    expect(block(text, /^crypto ikev2 proposal /)).toEqual([['crypto ikev2 proposal az-hq-ike', 'encryption aes-cbc-256', 'integrity sha256', 'group 14']]);
    expect(text).toContain('crypto ipsec transform-set az-hq-esp esp-gcm 256\n mode tunnel\n');
    expect(block(text, /^crypto ipsec profile /)[0]).toEqual([
      'crypto ipsec profile az-hq-ipsec-profile',
      'set transform-set az-hq-esp',
      'set ikev2-profile az-hq-ikev2-profile',
      'set pfs group14',
      'set security-association lifetime seconds 27000',
      'set security-association lifetime kilobytes 102400000',
    ]);
    expect(text).toContain('\n lifetime 28800\n');
  });

  it('renders IKE GCM with a PRF and no integrity, ECP384 as group 20', () => {
    const text = render(GCM_ECP384_POLICY);
    expect(block(text, /^crypto ikev2 proposal /)).toEqual([['crypto ikev2 proposal az-hq-ike', 'encryption aes-gcm-256', 'prf sha384', 'group 20']]);
    expect(text).toContain('crypto ipsec transform-set az-hq-esp esp-gcm 256\n');
    expect(text).toContain('\n set pfs group20\n');
    expect(text).toContain('\n set security-association lifetime seconds 3600\n set security-association lifetime kilobytes 1024000\n');
  });

  it.each([
    ['ikeEncryption', 'AES256', 'encryption aes-cbc-256'],
    ['ikeEncryption', 'AES192', 'encryption aes-cbc-192'],
    ['ikeEncryption', 'AES128', 'encryption aes-cbc-128'],
    ['ikeEncryption', 'GCMAES128', 'encryption aes-gcm-128'],
    ['ikeIntegrity', 'SHA384', 'integrity sha384'],
    ['ikeIntegrity', 'SHA1', 'integrity sha1'],
    ['ikeIntegrity', 'MD5', 'integrity md5'],
    ['dhGroup', 'DHGroup24', 'group 24'],
    ['dhGroup', 'ECP256', 'group 19'],
    ['dhGroup', 'DHGroup2048', 'group 14'],
    ['dhGroup', 'DHGroup2', 'group 2'],
    ['dhGroup', 'DHGroup1', 'group 1'],
  ] as const)('IKE %s %s -> "%s"', (field, value, line) => {
    expect(block(render(policy({ [field]: value })), /^crypto ikev2 proposal /)[0]).toContain(line);
  });

  it.each([
    ['AES256', 'SHA256', 'esp-aes 256 esp-sha256-hmac'],
    ['AES256', 'SHA1', 'esp-aes 256 esp-sha-hmac'],
    ['AES192', 'SHA1', 'esp-aes 192 esp-sha-hmac'],
    ['AES128', 'SHA1', 'esp-aes 128 esp-sha-hmac'],
    ['AES128', 'MD5', 'esp-aes 128 esp-md5-hmac'],
    ['DES3', 'SHA256', 'esp-3des esp-sha256-hmac'],
    ['GCMAES192', 'GCMAES192', 'esp-gcm 192'],
    ['GCMAES128', 'GCMAES128', 'esp-gcm 128'],
  ])('ESP %s + %s -> transform-set "%s"', (ipsecEncryption, ipsecIntegrity, transforms) => {
    expect(render(policy({ ipsecEncryption, ipsecIntegrity }))).toContain(`crypto ipsec transform-set az-hq-esp ${transforms}\n`);
  });

  it.each([
    ['PFS24', 'set pfs group24'],
    ['ECP256', 'set pfs group19'],
    ['PFS2', 'set pfs group2'],
    ['PFS1', 'set pfs group1'],
    ['PFS14', 'set pfs group14'],
  ])('PFS %s -> "%s"', (pfsGroup, line) => {
    expect(render(policy({ pfsGroup }))).toContain(`\n ${line}\n`);
  });

  it('omits set pfs for PFS None', () => {
    expect(render(policy({ pfsGroup: 'None' }))).not.toMatch(/set pfs/);
  });

  it("offers Azure's default proposals in order, without PFS, and warns about the weak groups", () => {
    const text = render('azure-default');
    expect(ciscoIos.checkProposals(AZURE_DEFAULT_PROPOSALS)).toEqual([]);
    expect(block(text, /^crypto ikev2 proposal /)).toEqual([
      ['crypto ikev2 proposal az-hq-ike-1', 'encryption aes-cbc-256', 'integrity sha256', 'group 2'],
      ['crypto ikev2 proposal az-hq-ike-2', 'encryption aes-cbc-256', 'integrity sha1', 'group 2'],
      ['crypto ikev2 proposal az-hq-ike-3', 'encryption aes-cbc-128', 'integrity sha256', 'group 2'],
      ['crypto ikev2 proposal az-hq-ike-4', 'encryption aes-cbc-128', 'integrity sha1', 'group 2'],
    ]);
    expect(block(text, /^crypto ikev2 policy /)[0].slice(2)).toEqual(['proposal az-hq-ike-1', 'proposal az-hq-ike-2', 'proposal az-hq-ike-3', 'proposal az-hq-ike-4']);
    expect(text.match(/^crypto ipsec transform-set .*$/gm)).toEqual([
      'crypto ipsec transform-set az-hq-esp-1 esp-gcm 256',
      'crypto ipsec transform-set az-hq-esp-2 esp-aes 256 esp-sha256-hmac',
      'crypto ipsec transform-set az-hq-esp-3 esp-aes 256 esp-sha-hmac',
      'crypto ipsec transform-set az-hq-esp-4 esp-aes 128 esp-sha-hmac',
    ]);
    expect(text).toContain('\n set transform-set az-hq-esp-1 az-hq-esp-2 az-hq-esp-3 az-hq-esp-4\n');
    expect(text).not.toMatch(/set pfs/);
    expect(text).toContain("WARNING: the connection uses Azure's default proposals");
    expect(text).toContain('crypto engine compliance shield disable');
  });
});

describe('cisco-ios checkProposals refusals', () => {
  const check = (over: Partial<IpsecPolicy>) => ciscoIos.checkProposals(buildProposals(policy(over)));

  it.each([
    [{ ikeEncryption: 'DES' }, 'ipsecPolicy.ikeEncryption'],
    [{ ikeIntegrity: 'GCMAES256' }, 'ipsecPolicy.ikeIntegrity'],
    [{ ikeIntegrity: 'GCMAES128', ikeEncryption: 'GCMAES128' }, 'ipsecPolicy.ikeIntegrity'],
    [{ dhGroup: 'None' }, 'ipsecPolicy.dhGroup'],
    [{ ipsecEncryption: 'None', ipsecIntegrity: 'SHA256' }, 'ipsecPolicy.ipsecEncryption'],
    [{ ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'GCMAES128' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ ipsecEncryption: 'GCMAES256', ipsecIntegrity: 'SHA256' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES256' }, 'ipsecPolicy.ipsecIntegrity'],
    [{ pfsGroup: 'PFSMM' }, 'ipsecPolicy.pfsGroup'],
    [{ saLifeTimeSeconds: 86401 }, 'ipsecPolicy.saLifeTimeSeconds'],
    [{ saLifeTimeSeconds: 119 }, 'ipsecPolicy.saLifeTimeSeconds'],
    [{ saDataSizeKilobytes: 2559 }, 'ipsecPolicy.saDataSizeKilobytes'],
    [{ saDataSizeKilobytes: 4294967296 }, 'ipsecPolicy.saDataSizeKilobytes'],
  ])('refuses %j at %s with a fix, and render writes nothing', (over, path) => {
    const problems = check(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, severity: 'error' });
    expect(problems[0].fix).toEqual(expect.any(String));
    expect(problems[0].message).toMatch(/\S/);
    const r = renderDeviceFiles(makeContext(ciscoIos, { policy: policy(over) }), ciscoIos);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(problems);
  });

  it('accepts the lifetime range edges exactly (no clamping either way)', () => {
    expect(check({ saLifeTimeSeconds: 86400, saDataSizeKilobytes: 2560 })).toEqual([]);
    expect(check({ saLifeTimeSeconds: 300, saDataSizeKilobytes: 4294967295 })).toEqual([]);
    const text = render(policy({ saLifeTimeSeconds: 86400, saDataSizeKilobytes: 4294967295 }));
    expect(text).toContain('lifetime seconds 86400\n');
    expect(text).toContain('lifetime kilobytes 4294967295\n');
  });

  it('reports every problem of a policy at once', () => {
    const paths = check({ ikeEncryption: 'DES', dhGroup: 'None', ipsecEncryption: 'None', pfsGroup: 'PFSMM', saLifeTimeSeconds: 100000 }).map((p) => p.path);
    expect(paths.sort()).toEqual(['ipsecPolicy.dhGroup', 'ipsecPolicy.ikeEncryption', 'ipsecPolicy.ipsecEncryption', 'ipsecPolicy.pfsGroup', 'ipsecPolicy.saLifeTimeSeconds']);
  });
});
