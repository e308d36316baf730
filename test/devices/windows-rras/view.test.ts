import { windowsRras } from '../../../src/devices/windows-rras/device';
import { rrasPolicy } from '../../../src/devices/windows-rras/keywords';
import { buildProposals } from '../../../src/policy/catalog';
import { REDACTED_KEY_PLACEHOLDER } from '../../../src/render/context';
import { renderDeviceFiles } from '../../../src/render/renderSite';
import { ADDR, DEFAULT_KEY, contextFor, policyOf, type Shape } from './contexts';
import { analyzePowerShell, type PsAnalysis } from './psAst';

function script(shape: Shape = {}): string {
  const result = renderDeviceFiles(contextFor(windowsRras, shape), windowsRras);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  expect(result.files.map((f) => [f.path, f.holdsSecret])).toEqual([['tunnelsmith-azure.ps1', true]]);
  return result.files[0].content;
}

/** The hashtable splatted into the n-th call of a cmdlet. */
function splatOf(a: PsAnalysis, cmdlet: string, n = 0): Map<string, string> {
  const calls = a.commands.filter((c) => c.name === cmdlet && c.splats.length > 0);
  const table = calls[n] && a.hashtables.get(calls[n].splats[0]);
  if (!table) throw new Error(`no splatted call ${n} of ${cmdlet}`);
  return table;
}

function calls(a: PsAnalysis, cmdlet: string) {
  return a.commands.filter((c) => c.name === cmdlet);
}

describe('RRAS script: static, single instance', () => {
  let a: PsAnalysis;
  let text: string;
  beforeAll(async () => {
    text = script();
    a = await analyzePowerShell(text);
  });

  test('starts elevated and installs Remote Access with routing and site-to-site VPN', () => {
    expect(text.split('\n')[0]).toBe('#Requires -RunAsAdministrator');
    expect(splatOf(a, 'Install-WindowsFeature').get('Name')).toBe("@('RemoteAccess', 'Routing', 'RSAT-RemoteAccess-PowerShell')");
    expect(calls(a, 'Install-RemoteAccess')[0].values).toEqual({ VpnType: 'VpnS2S' });
  });

  test('one IKEv2 PSK interface to the Azure IP with the key and the VNet route with its metric', () => {
    expect(calls(a, 'Add-VpnS2SInterface')).toHaveLength(1);
    const add = splatOf(a, 'Add-VpnS2SInterface');
    expect(Object.fromEntries(add)).toMatchObject({
      Name: 'azure1',
      Destination: ADDR.azurePublic[0],
      Protocol: 'IKEv2',
      AuthenticationMethod: 'PSKOnly',
      SharedSecret: DEFAULT_KEY,
      IPv4Subnet: "@('10.200.0.0/16:100')",
      Persistent: '$true',
      NumberOfTries: '0',
    });
    expect(add.has('SourceIpAddress')).toBe(false);
  });

  test('the custom policy equals the Azure policy mapped through the keyword table', () => {
    const policy = rrasPolicy(buildProposals(policyOf()));
    expect(Object.fromEntries(splatOf(a, 'Set-VpnS2SInterface'))).toMatchObject({
      Name: 'azure1',
      CustomPolicy: '$true',
      EncryptionMethod: policy.encryptionMethod,
      IntegrityCheckMethod: policy.integrityCheckMethod,
      DHGroup: policy.dhGroup,
      CipherTransformConstants: policy.cipherTransformConstants,
      AuthenticationTransformConstants: policy.authenticationTransformConstants,
      PfsGroup: policy.pfsGroup,
      SALifeTimeSeconds: String(policy.saLifeTimeSeconds),
      SADataSizeForRenegotiationKilobytes: String(policy.saDataSizeKilobytes),
      MMSALifeTimeSeconds: '28800',
      NetworkOutageTimeSeconds: '30',
    });
  });

  test('firewall openings for IKE, NAT-T and ESP from the Azure IP on the outside adapter', () => {
    const ike = Object.fromEntries(splatOf(a, 'New-NetFirewallRule', 0));
    const esp = Object.fromEntries(splatOf(a, 'New-NetFirewallRule', 1));
    expect(ike).toMatchObject({ Direction: 'Inbound', Protocol: 'UDP', LocalPort: "@('500', '4500')", RemoteAddress: `@('${ADDR.azurePublic[0]}')`, InterfaceAlias: 'Ethernet', Action: 'Allow' });
    expect(esp).toMatchObject({ Direction: 'Inbound', Protocol: '50', RemoteAddress: `@('${ADDR.azurePublic[0]}')`, Action: 'Allow' });
  });

  test('MTU 1400 with MSS clamping on the S2S interface, and the header says why', () => {
    expect(Object.fromEntries(splatOf(a, 'Set-NetIPInterface'))).toEqual({ InterfaceAlias: 'azure1', AddressFamily: 'IPv4', NlMtuBytes: '1400', ClampMss: 'Enabled' });
    expect(text).toMatch(/^# DPD: RRAS has no DPD setting/m);
    expect(text).toMatch(/^# MSS: RRAS has no setting for an MSS value \(Azure recommends 1350\)\. Nearest control: MTU 1400 on each S2S interface/m);
    // what -ClampMss really does (Set-NetIPInterface docs): an on/off switch for forwarded TCP leaving the interface, value derived from its MTU
    expect(text).toMatch(/-ClampMss Enabled, an on\/off switch: Windows clamps the MSS of forwarded TCP SYNs sent out of the S2S interface to a value it derives from that interface's MTU \(the docs name no value; presumably the MTU minus 40 bytes of headers, about 1360, not 1350\)/);
    expect(text).not.toMatch(/clamps forwarded TCP to that MTU/);
  });

  test('every S2S interface is added with InitiateConfigPayload $false (as Microsoft\'s own RRAS template for Azure)', () => {
    expect(splatOf(a, 'Add-VpnS2SInterface').get('InitiateConfigPayload')).toBe('$false');
  });

  test('no BGP without BGP, and verification commands close the script', () => {
    expect(a.commands.some((c) => /Bgp/.test(c.name))).toBe(false);
    const last = text.trimEnd().split('\n');
    expect(last[last.length - 1]).toMatch(/^#\s{3}Get-NetRoute -DestinationPrefix 10\.200\.0\.0\/16$/);
    expect(text).toMatch(/^#\s{3}Get-VpnS2SInterface/m);
  });
});

describe('RRAS script: BGP multihop, active-active, ExpressRoute backup', () => {
  let a: PsAnalysis;
  let text: string;
  beforeAll(async () => {
    text = script({ activeActive: true, bgp: 'multihop', expressRoute: true });
    a = await analyzePowerShell(text);
  });

  test('each Azure public IP has its interface; with BGP each carries only its Azure BGP address as /32', () => {
    ADDR.azurePublic.forEach((ip, i) => {
      const add = splatOf(a, 'Add-VpnS2SInterface', i);
      expect(add.get('Destination')).toBe(ip);
      expect(add.get('Name')).toBe(`azure${i + 1}`);
      expect(add.get('IPv4Subnet')).toBe(`@('${ADDR.azureDefaultBgp[i]}/32:${100 + 10 * i}')`);
    });
  });

  test('a BGP router and one peer per Azure BGP address with Azure\'s hold time', () => {
    expect(Object.fromEntries(splatOf(a, 'Add-BgpRouter'))).toEqual({ BgpIdentifier: ADDR.siteBgpLoopback, LocalASN: '65010' });
    ADDR.azureDefaultBgp.forEach((ip, i) => {
      expect(Object.fromEntries(splatOf(a, 'Add-BgpPeer', i))).toMatchObject({
        Name: `azure${i + 1}-bgp`,
        LocalIPAddress: ADDR.siteBgpLoopback,
        PeerIPAddress: ip,
        PeerASN: '65515',
        HoldTimeSec: '180',
        OperationMode: 'Mixed',
      });
    });
    expect(text).toContain(`foreach ($prefix in @('192.168.0.0/16'))`);
    expect(calls(a, 'Add-BgpCustomRoute')[0].parameters).toEqual(['Network']);
  });

  test('filters: deny all but the VNet prefixes in and the site prefixes out; backup lowers local preference', () => {
    const policies = [0, 1, 2].map((n) => Object.fromEntries(splatOf(a, 'Add-BgpRoutingPolicy', n)));
    expect(policies).toEqual([
      { Name: 'azure-hq-in-filter', PolicyType: 'Deny', MatchPrefix: "@('0.0.0.0/0')", IgnorePrefix: "@('10.200.0.0/16')" },
      { Name: 'azure-hq-out-filter', PolicyType: 'Deny', MatchPrefix: "@('0.0.0.0/0')", IgnorePrefix: "@('192.168.0.0/16')" },
      { Name: 'azure-hq-in-backup', PolicyType: 'ModifyAttribute', MatchPrefix: "@('10.200.0.0/16')", NewLocalPref: '50' },
    ]);
    expect(text).toMatch(/^# ExpressRoute is the primary path: this VPN is the BACKUP \(ExpressRoute's routes arrive by BGP: local preference 50 on routes learned over it; RRAS's routing policies cannot prepend the AS path/m);
    expect(Object.fromEntries(splatOf(a, 'Add-BgpRoutingPolicyForPeer', 0))).toMatchObject({
      PeerName: "@('azure1-bgp', 'azure2-bgp')",
      PolicyName: "@('azure-hq-in-filter', 'azure-hq-in-backup')",
      Direction: 'Ingress',
    });
  });

  test('load sharing: says why RRAS uses one tunnel at a time', () => {
    expect(text).toMatch(/^# Load sharing: RRAS's BGP has no multipath setting/m);
  });

  test('preflight: stops when the BGP address is not on the server', () => {
    expect(calls(a, 'Get-NetIPAddress')[0].values).toMatchObject({ IPAddress: ADDR.siteBgpLoopback });
    const preflight = text.indexOf('Get-NetIPAddress');
    expect(preflight).toBeGreaterThan(0);
    expect(preflight).toBeLessThan(text.indexOf('Install-WindowsFeature @features'));
  });
});

describe('RRAS script: variants', () => {
  test('ExpressRoute backup off: no local-preference policy', async () => {
    const a = await analyzePowerShell(script({ bgp: 'multihop' }));
    expect(calls(a, 'Add-BgpRoutingPolicy')).toHaveLength(2);
    expect([...a.hashtables.values()].some((t) => t.has('NewLocalPref'))).toBe(false);
  });

  test('APIPA: peers from the APIPA address to Azure\'s APIPA addresses through /32 routes', async () => {
    const a = await analyzePowerShell(script({ activeActive: true, bgp: 'apipa' }));
    ADDR.azureApipa.forEach((ip, i) => {
      expect(splatOf(a, 'Add-BgpPeer', i).get('PeerIPAddress')).toBe(ip);
      expect(splatOf(a, 'Add-BgpPeer', i).get('LocalIPAddress')).toBe(ADDR.siteBgpApipa);
      expect(splatOf(a, 'Add-VpnS2SInterface', i).get('IPv4Subnet')).toBe(`@('${ip}/32:${100 + 10 * i}')`);
    });
  });

  test('behind NAT: dials from the outside address and warns that the identity cannot be set', () => {
    const ctx = contextFor(windowsRras, { nat: true });
    const result = renderDeviceFiles(ctx, windowsRras);
    expect(windowsRras.checkSite(ctx).map((p) => [p.path, p.severity])).toEqual([['deviceOptions.outsideAddress', 'warning']]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.files[0].content).toContain(`SourceIpAddress = '${ADDR.siteOutside}'`);
      expect(result.files[0].content).toMatch(/RRAS has no setting for its IKE identity/);
    }
  });

  test('GCM/ECP384 for IPsec and PFS maps to RRAS names; IKE GCM is refused', async () => {
    const policy = policyOf({ ikeIntegrity: 'SHA384', dhGroup: 'ECP384', ipsecEncryption: 'GCMAES128', ipsecIntegrity: 'GCMAES128', pfsGroup: 'ECP384' });
    const a = await analyzePowerShell(script({ policy }));
    expect(Object.fromEntries(splatOf(a, 'Set-VpnS2SInterface'))).toMatchObject({ IntegrityCheckMethod: 'SHA384', DHGroup: 'ECP384', CipherTransformConstants: 'GCMAES128', AuthenticationTransformConstants: 'GCMAES128', PfsGroup: 'ECP384' });
    const refused = renderDeviceFiles(contextFor(windowsRras, { policy: policyOf({ ikeEncryption: 'GCMAES256' }) }), windowsRras);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems.map((p) => p.path)).toEqual(['ipsecPolicy.ikeEncryption']);
  });

  test("Azure's default proposals: the first one, no PFS, and the header says so", async () => {
    const text = script({ policy: 'azure-default' });
    const a = await analyzePowerShell(text);
    expect(Object.fromEntries(splatOf(a, 'Set-VpnS2SInterface'))).toMatchObject({ EncryptionMethod: 'AES256', IntegrityCheckMethod: 'SHA256', DHGroup: 'Group2', PfsGroup: 'None' });
    expect(text).toMatch(/uses Azure's first default proposal/);
  });

  test('a redacted script carries the placeholder as the shared secret', async () => {
    const a = await analyzePowerShell(script({ sharedKey: undefined }));
    expect(splatOf(a, 'Add-VpnS2SInterface').get('SharedSecret')).toBe(REDACTED_KEY_PLACEHOLDER);
  });

  test.each(["'", '"', '`', '$'])('refuses a shared key containing %s', (ch) => {
    const result = renderDeviceFiles(contextFor(windowsRras, { sharedKey: `abc${ch}def` }), windowsRras);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(['sharedKey']);
  });

  test('every S2S interface gets InitiateConfigPayload $false, in every shape', async () => {
    for (const shape of [{ activeActive: true }, { activeActive: true, bgp: 'apipa' as const, nat: true }]) {
      const a = await analyzePowerShell(script(shape));
      for (const i of [0, 1]) expect(splatOf(a, 'Add-VpnS2SInterface', i).get('InitiateConfigPayload')).toBe('$false');
    }
  });

  test('spoke prefixes: routed over the S2S interfaces without BGP, spared by the inbound filter and lowered by the backup policy with BGP', async () => {
    const spokes = ['10.201.0.0/16', '10.202.0.0/16'];
    const staticA = await analyzePowerShell(script({ spokePrefixes: spokes }));
    expect(splatOf(staticA, 'Add-VpnS2SInterface').get('IPv4Subnet')).toBe("@('10.200.0.0/16:100', '10.201.0.0/16:100', '10.202.0.0/16:100')");
    const bgpA = await analyzePowerShell(script({ bgp: 'multihop', expressRoute: true, spokePrefixes: spokes }));
    expect(splatOf(bgpA, 'Add-BgpRoutingPolicy', 0).get('IgnorePrefix')).toBe("@('10.200.0.0/16', '10.201.0.0/16', '10.202.0.0/16')");
    expect(splatOf(bgpA, 'Add-BgpRoutingPolicy', 2).get('MatchPrefix')).toBe("@('10.200.0.0/16', '10.201.0.0/16', '10.202.0.0/16')");
  });

  test('ExpressRoute by an IGP or static routes: interface metric 1000 on every S2S interface, the header says why', async () => {
    for (const shape of [{ bgp: 'multihop' as const, activeActive: true }, { activeActive: true }]) {
      const text = script({ ...shape, expressRoute: true, expressRouteRoutesVia: 'igp' });
      const a = await analyzePowerShell(text);
      for (const i of [0, 1]) expect(splatOf(a, 'Set-NetIPInterface', i).get('InterfaceMetric')).toBe('1000');
      expect(text).toMatch(/the S2S interfaces get interface metric 1000: Windows ranks routes to one prefix by route metric plus interface metric/);
    }
    const viaBgp = await analyzePowerShell(script({ bgp: 'multihop', expressRoute: true }));
    expect(splatOf(viaBgp, 'Set-NetIPInterface').has('InterfaceMetric')).toBe(false);
  });

  test('device options rename the interfaces and the firewall adapter', async () => {
    const a = await analyzePowerShell(script({ activeActive: true, deviceOptions: { interfaceNamePrefix: 'az-hub', outsideInterface: 'WAN' } }));
    expect(splatOf(a, 'Add-VpnS2SInterface', 1).get('Name')).toBe('az-hub2');
    expect(splatOf(a, 'New-NetFirewallRule').get('InterfaceAlias')).toBe('WAN');
  });
});
