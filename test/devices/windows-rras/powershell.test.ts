/**
 * Issue 5: every rendered RRAS script parses with tree-sitter-powershell (no ERROR or MISSING node) and
 * uses only allowlisted cmdlets and parameters (direct or splatted), with documented enum values.
 * Covers every shape and fast-check-generated policies RRAS can express.
 */
import fc from 'fast-check';
import { windowsRras } from '../../../src/devices/windows-rras/device';
import { rrasPolicy } from '../../../src/devices/windows-rras/keywords';
import type { IpsecPolicy, PolicySetting } from '../../../src/hub/types';
import { POLICY_CATALOG, buildProposals } from '../../../src/policy/catalog';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { contextFor, policyOf, type Shape } from './contexts';
import { analyzePowerShell, lintAgainstAllowlist } from './psAst';

function render(shape: Shape): string {
  const result = renderDeviceFiles(contextFor(windowsRras, shape), windowsRras);
  if (!result.ok) throw new Error(`${JSON.stringify(shape)}: ${JSON.stringify(result.problems)}`);
  return result.files[0].content;
}

/** Problems of one script: syntax first, then the allowlist. */
async function problemsOf(script: string): Promise<string[]> {
  const analysis = await analyzePowerShell(script);
  return [...analysis.syntaxProblems, ...lintAgainstAllowlist(analysis)];
}

function allShapes(): Shape[] {
  const shapes: Shape[] = [];
  const policies: PolicySetting[] = [policyOf(), 'azure-default', policyOf({ pfsGroup: 'PFSMM', ipsecEncryption: 'AES256', ipsecIntegrity: 'SHA1' })];
  for (const activeActive of [false, true])
    for (const bgp of [undefined, 'multihop', 'apipa'] as const)
      for (const nat of [false, true])
        for (const expressRoute of [false, true])
          for (const policy of policies)
            for (const sharedKey of ['Abc123XYZ!%&()*+,./:;<=>?@[]^_{|}', undefined]) {
              shapes.push({ activeActive, bgp, nat, expressRoute, policy, sharedKey, vnetPrefixes: ['10.200.0.0/16', '10.201.0.0/16'] });
            }
  return shapes;
}

const gcm = (v: string) => v.startsWith('GCM');
const documented = (field: keyof typeof POLICY_CATALOG) => POLICY_CATALOG[field].documented.filter((v) => !(v in POLICY_CATALOG[field].refused));

/** Policies RRAS can express: documented values, no IKE GCM, GCM ESP paired, lifetimes in RRAS's range. */
const rrasPolicies: fc.Arbitrary<IpsecPolicy> = fc
  .record({
    ikeEncryption: fc.constantFrom(...documented('ikeEncryption').filter((v) => !gcm(v))),
    ikeIntegrity: fc.constantFrom(...documented('ikeIntegrity')),
    dhGroup: fc.constantFrom(...documented('dhGroup')),
    ipsecEncryption: fc.constantFrom(...documented('ipsecEncryption')),
    shaIntegrity: fc.constantFrom('SHA256', 'SHA1', 'MD5'),
    pfsGroup: fc.constantFrom(...POLICY_CATALOG.pfsGroup.documented, 'PFSMM'),
    saLifeTimeSeconds: fc.integer({ min: 300, max: 17279999 }),
    saDataSizeKilobytes: fc.integer({ min: 1024, max: 4294967295 }),
  })
  .map(({ shaIntegrity, ...p }) => ({ ...p, ipsecIntegrity: gcm(p.ipsecEncryption) ? p.ipsecEncryption : shaIntegrity }));

const shapeParts = fc.record({
  activeActive: fc.boolean(),
  bgp: fc.constantFrom(undefined, 'multihop' as const, 'apipa' as const),
  nat: fc.boolean(),
  expressRoute: fc.boolean(),
});

describe('PowerShell check', () => {
  test('every shape renders a script that parses and uses only allowlisted cmdlets and parameters', async () => {
    const shapes = allShapes();
    expect(shapes).toHaveLength(144);
    const failures: string[] = [];
    for (const shape of shapes) {
      const script = render(shape);
      const analysis = await analyzePowerShell(script);
      const problems = [...analysis.syntaxProblems, ...lintAgainstAllowlist(analysis)];
      if (problems.length) failures.push(`${JSON.stringify(shape)}:\n  ${problems.join('\n  ')}`);
      const tunnels = shape.activeActive ? 2 : 1;
      expect(analysis.commands.filter((c) => c.name === 'Add-VpnS2SInterface')).toHaveLength(tunnels);
      expect(analysis.commands.filter((c) => c.name === 'Add-BgpPeer')).toHaveLength(shape.bgp ? tunnels : 0);
    }
    expect(failures).toEqual([]);
  });

  test('fast-check: any policy RRAS can express renders a clean script carrying exactly that policy', async () => {
    await fc.assert(
      fc.asyncProperty(rrasPolicies, shapeParts, async (policy, parts) => {
        const script = render({ ...parts, policy });
        const analysis = await analyzePowerShell(script);
        expect([...analysis.syntaxProblems, ...lintAgainstAllowlist(analysis)]).toEqual([]);
        const expected = rrasPolicy(buildProposals(policy));
        const policySplats = analysis.commands.filter((c) => c.name === 'Set-VpnS2SInterface').map((c) => analysis.hashtables.get(c.splats[0]));
        expect(policySplats).toHaveLength(parts.activeActive ? 2 : 1);
        for (const table of policySplats) {
          expect(table?.get('EncryptionMethod')).toBe(expected.encryptionMethod);
          expect(table?.get('PfsGroup')).toBe(expected.pfsGroup);
          expect(table?.get('SADataSizeForRenegotiationKilobytes')).toBe(String(policy.saDataSizeKilobytes));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the check itself catches what it must', () => {
  test('a syntax error is reported as ERROR or MISSING', async () => {
    const problems = await problemsOf("$x = @{\n    Name = 'a'\nAdd-VpnS2SInterface @x\n");
    expect(problems.some((p) => /^(ERROR|MISSING) at line/.test(p))).toBe(true);
  });

  test('an unknown cmdlet, an unknown parameter and an unknown splatted key are reported', async () => {
    const problems = await problemsOf(
      [
        "Invoke-Expression 'calc'",
        "Connect-VpnS2SInterface -Name 'a' -Bogus 1",
        "$t = @{\n    Name = 'a'\n    Destination = '1.2.3.4'\n    IPv4Subnet = @('10.0.0.0/8:1')\n    Bogus = 1\n}",
        'Add-VpnS2SInterface @t',
        'Add-VpnS2SInterface @missing',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'line 1: cmdlet Invoke-Expression is not on the allowlist',
      'line 2: Connect-VpnS2SInterface has no parameter -Bogus',
      'line 9: Add-VpnS2SInterface has no parameter -Bogus (in @t)',
      'line 10: Add-VpnS2SInterface splats @missing, which holds no hashtable',
    ]);
  });

  test('an enum value Windows does not document is reported, direct or splatted', async () => {
    const problems = await problemsOf("$p = @{\n    Name = 'a'\n    EncryptionMethod = 'GCMAES256'\n}\nSet-VpnS2SInterface @p\nInstall-RemoteAccess -VpnType Vpn2S\n");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/Set-VpnS2SInterface -EncryptionMethod GCMAES256 is not an accepted value/);
    expect(problems[1]).toMatch(/Install-RemoteAccess -VpnType Vpn2S is not an accepted value/);
  });

  test('a digit in an unsplatted parameter name is what the splatting avoids', async () => {
    const analysis = await analyzePowerShell("Set-VpnS2SInterface -Name 'a' -IPv4Subnet '10.0.0.0/8:1'\n");
    const direct = analysis.commands.find((c) => c.name === 'Set-VpnS2SInterface');
    const misread = analysis.syntaxProblems.length > 0 || !direct?.parameters.includes('IPv4Subnet');
    expect(misread).toBe(true);
  });
});

/**
 * Every cmdlet of the RemoteAccess module (Microsoft's windows-powershell-docs, docset/winserver2022-ps/
 * remoteaccess: each page's "Module Name: RemoteAccess").
 */
const REMOTE_ACCESS_CMDLETS = /^(Get|Add|Set|Remove)-Bgp|^(Get|Install)-RemoteAccess$|^(Get|Add|Set|Remove|Connect|Disconnect)-VpnS2SInterface$/i;

describe('fresh server: no RemoteAccess cmdlet before the feature install', () => {
  test.each<[string, Shape]>([
    ['static', {}],
    ['BGP multihop', { bgp: 'multihop' }],
    ['APIPA BGP, active-active, ExpressRoute', { bgp: 'apipa', activeActive: true, expressRoute: true }],
  ])('%s: each RemoteAccess cmdlet runs after Install-WindowsFeature and Import-Module RemoteAccess, or inside an if (Get-Command -Name ...) guard', async (_name, shape) => {
    const analysis = await analyzePowerShell(render(shape));
    const install = analysis.commands.find((c) => c.name === 'Install-WindowsFeature');
    const load = analysis.commands.find((c) => c.name === 'Import-Module' && c.values.Name === 'RemoteAccess');
    expect(install).toBeDefined();
    expect(load).toBeDefined();
    expect(load!.line).toBeGreaterThan(install!.line);
    const early = analysis.commands.filter((c) => REMOTE_ACCESS_CMDLETS.test(c.name) && c.line < load!.line);
    const unguarded = early.filter((c) => !c.guards.some((g) => g.toLowerCase() === c.name.toLowerCase()));
    expect(unguarded.map((c) => `line ${c.line}: ${c.name}`)).toEqual([]);
    if (shape.bgp) expect(early.map((c) => c.name)).toEqual(['Get-BgpRouter']);
    else expect(early).toEqual([]);
  });

  test('the check sees an unguarded call (the script as it was: Get-BgpRouter in the preflight)', async () => {
    const broken = render({ bgp: 'multihop' }).replace(/if \(Get-Command -Name Get-BgpRouter -ErrorAction SilentlyContinue\) \{\n([\s\S]*?)\n\}\n/, '$1\n');
    const analysis = await analyzePowerShell(broken);
    const install = analysis.commands.find((c) => c.name === 'Install-WindowsFeature')!;
    const early = analysis.commands.filter((c) => REMOTE_ACCESS_CMDLETS.test(c.name) && c.line < install.line);
    expect(early.map((c) => [c.name, c.guards])).toEqual([['Get-BgpRouter', []]]);
  });
});
