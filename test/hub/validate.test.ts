import { DEVICES } from '../../src/devices/registry';
import { validateHub } from '../../src/hub/validate';
import { SECURE_DEFAULT_POLICY } from '../../src/policy/catalog';
import { branchSite, errorsOf, FAKE_DEVICES, pathsOf, seedHub } from './fixtures';

const validate = (raw: unknown) => validateHub(raw, { devices: FAKE_DEVICES });

describe('validateHub: the seed hub', () => {
  test('is valid and normalized with every default applied', () => {
    const raw = seedHub();
    delete raw.azure.expressRoute.connectionName;
    delete raw.sites[0].localNetworkGatewayName;
    delete raw.sites[0].connectionName;
    const { hub, problems } = validate(raw);
    expect(problems).toEqual([]);
    expect(hub).toBeDefined();
    expect(hub!.azure.vpnGateway).toEqual({ name: 'ra-hybrid-vpn-vgw', sku: 'VpnGw1AZ', activeActive: false, asn: 65515, publicIpNames: ['ra-hybrid-vpn-vgw-pip1'] });
    expect(hub!.azure.expressRoute!.connectionName).toBe('ra-hybrid-er-vgw-cn');
    const site = hub!.sites[0];
    expect(site.localNetworkGatewayName).toBe('lng-hq');
    expect(site.connectionName).toBe('cn-hq');
    expect(site.dpdTimeoutSeconds).toBe(45);
    expect(site.ipsecPolicy).toEqual(SECURE_DEFAULT_POLICY);
    expect(site.ipsecPolicy).not.toBe(SECURE_DEFAULT_POLICY);
    expect(site.deviceOptions).toEqual({});
    expect(site.sharedKey).toEqual({ env: 'HQ_PSK' });
  });

  test('keeps explicit values and defaults subnets to [] and two public IP names when active-active', () => {
    const raw = seedHub();
    delete raw.azure.vnet.subnets;
    raw.azure.vpnGateway = { name: 'vgw', sku: 'VpnGw2', activeActive: true, asn: 65100, apipaBgpIps: ['169.254.21.1', '169.254.22.1'] };
    raw.sites[0].dpdTimeoutSeconds = 30;
    raw.sites[0].ipsecPolicy = 'azure-default';
    raw.sites[0].deviceOptions = { outsideInterface: 'GigabitEthernet0/0/0', tunnelNumberBase: 200, outsideAddress: '10.0.0.5' };
    const { hub, problems } = validate(raw);
    expect(errorsOf(problems)).toEqual([]);
    expect(hub!.azure.vnet.subnets).toEqual([]);
    expect(hub!.azure.vpnGateway.publicIpNames).toEqual(['vgw-pip1', 'vgw-pip2']);
    expect(hub!.azure.vpnGateway.apipaBgpIps).toEqual(['169.254.21.1', '169.254.22.1']);
    expect(hub!.azure.vpnGateway.asn).toBe(65100);
    expect(hub!.sites[0].dpdTimeoutSeconds).toBe(30);
    expect(hub!.sites[0].ipsecPolicy).toBe('azure-default');
    expect(hub!.sites[0].deviceOptions).toEqual({ outsideInterface: 'GigabitEthernet0/0/0', tunnelNumberBase: 200, outsideAddress: '10.0.0.5' });
    expect(pathsOf(problems, 'warning')).toEqual(['azure.vpnGateway.sku', 'sites[0].ipsecPolicy']);
  });

  test('a VPN-only hub has no expressRoute section and may use a /29 GatewaySubnet', () => {
    const raw = seedHub();
    delete raw.azure.expressRoute;
    raw.azure.vnet.gatewaySubnet = '10.200.255.248/29';
    const { hub, problems } = validate(raw);
    expect(problems).toEqual([]);
    expect(hub!.azure).not.toHaveProperty('expressRoute');
  });

  test('spokePrefixes and expressRouteRoutesVia are kept when given, left out (none, bgp) when not', () => {
    const plain = validate(seedHub()).hub!;
    expect(plain.azure.vnet).not.toHaveProperty('spokePrefixes');
    expect(plain.sites[0]).not.toHaveProperty('expressRouteRoutesVia');
    const raw = seedHub();
    raw.azure.vnet.spokePrefixes = ['10.201.0.0/16', '10.202.0.0/16'];
    raw.sites[0].expressRouteRoutesVia = 'igp';
    const { hub, problems } = validate(raw);
    expect(problems).toEqual([]);
    raw.azure.vnet.spokePrefixes.push('10.203.0.0/16');
    expect(hub!.azure.vnet.spokePrefixes).toEqual(['10.201.0.0/16', '10.202.0.0/16']);
    expect(hub!.sites[0].expressRouteRoutesVia).toBe('igp');
  });

  test('the normalized hub shares no object with the input', () => {
    const raw = seedHub();
    const { hub } = validate(raw);
    raw.azure.vnet.addressSpace.push('10.201.0.0/16');
    raw.sites[0].addressSpace[0] = '10.0.0.0/8';
    expect(hub!.azure.vnet.addressSpace).toEqual(['10.200.0.0/16']);
    expect(hub!.sites[0].addressSpace).toEqual(['192.168.0.0/16']);
  });
});

describe('validateHub: shape problems', () => {
  test('unknown keys are errors with their path and a suggestion', () => {
    const raw = seedHub();
    raw.azure.vpnGateway.activeActve = true;
    raw.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, pfsGroupp: 'PFS24' };
    raw.extra = 1;
    const { hub, problems } = validate(raw);
    expect(hub).toBeUndefined();
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['azure.vpnGateway.activeActve'].message).toBe('unknown key "activeActve"');
    expect(byPath['azure.vpnGateway.activeActve'].fix).toBe('did you mean activeActive?');
    expect(byPath['sites[0].ipsecPolicy.pfsGroupp'].fix).toBe('did you mean pfsGroup?');
    expect(byPath.extra.fix).toMatch(/allowed here: \$schema, azure, sites/);
  });

  test('missing required fields name the field and what it is', () => {
    const raw = seedHub();
    delete raw.sites[0].publicIp;
    delete raw.azure.location;
    const { problems } = validate(raw);
    const missing = problems.filter((p) => p.message === 'is required');
    expect(missing.map((p) => p.path)).toEqual(['azure.location', 'sites[0].publicIp']);
    expect(missing[1].fix).toMatch(/public IPv4 address/);
  });

  test('wrong types say what was expected and what was found', () => {
    const raw = seedHub();
    raw.sites[0].bgp.asn = '65010';
    raw.azure.vpnGateway.activeActive = 'yes';
    raw.sites[0].dpdTimeoutSeconds = 45.5;
    const { problems } = validate(raw);
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'sites[0].bgp.asn', message: 'must be a number, not a string' }),
      expect.objectContaining({ path: 'azure.vpnGateway.activeActive', message: 'must be true or false, not a string' }),
      expect.objectContaining({ path: 'sites[0].dpdTimeoutSeconds', message: expect.stringMatching(/whole number/) }),
    ]));
  });

  test('an empty or non-map file is one clear problem', () => {
    expect(validate(null).problems).toEqual([expect.objectContaining({ path: '(top level)', message: expect.stringMatching(/map of keys/) })]);
    expect(validate(undefined).problems).toEqual([expect.objectContaining({ path: '(top level)', message: 'the hub file is empty' })]);
    expect(validate([1, 2]).problems[0].message).toMatch(/not a list/);
  });

  test('enum typos show the value and the accepted ones; refused values say why', () => {
    const raw = seedHub();
    raw.azure.vpnGateway.sku = 'Basic';
    raw.sites[0].device = 'cisco';
    raw.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ikeEncryption: 'DES3', pfsGroup: 'PFSMM', ipsecEncryption: 'None', ipsecIntegrity: 'None' };
    const { problems } = validate(raw);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['azure.vpnGateway.sku'].message).toMatch(/"Basic" is refused: Basic has no BGP/);
    expect(byPath['azure.vpnGateway.sku'].fix).toMatch(/^use VpnGw1AZ/);
    expect(byPath['sites[0].device'].message).toBe('"cisco" is not one of the accepted values');
    expect(byPath['sites[0].device'].fix).toBe('use one of cisco-ios, juniper-srx, strongswan, windows-rras, fortigate, paloalto');
    expect(byPath['sites[0].ipsecPolicy.ikeEncryption'].message).toMatch(/"DES3" is accepted by ARM but is not one of Azure's documented options/);
    expect(byPath['sites[0].ipsecPolicy.pfsGroup'].message).toMatch(/"PFSMM" is accepted by ARM/);
    expect(byPath['sites[0].ipsecPolicy.ipsecEncryption'].message).toMatch(/"None" is refused: tunnelsmith renders no unencrypted tunnel/);
    expect(byPath['sites[0].ipsecPolicy.ipsecIntegrity'].message).toMatch(/is not one of the accepted values/);
  });

  test('ipsecPolicy: a misspelt azure-default and a policy missing fields', () => {
    const raw = seedHub();
    raw.sites[0].ipsecPolicy = 'azure-defalt';
    raw.sites.push(branchSite({ ipsecPolicy: { ikeEncryption: 'AES256' } }));
    const { problems } = validate(raw);
    expect(problems.find((p) => p.path === 'sites[0].ipsecPolicy')!.message).toBe('"azure-defalt" is not azure-default');
    const missing = problems.filter((p) => p.path.startsWith('sites[1].ipsecPolicy.')).map((p) => p.path);
    expect(missing).toHaveLength(7);
    expect(missing).toContain('sites[1].ipsecPolicy.saDataSizeKilobytes');
  });

  test('an inline shared key is refused without echoing it', () => {
    const raw = seedHub();
    raw.sites[0].sharedKey = 'Sup3rS3cretKey';
    raw.azure.expressRoute.authorizationKey = 'Sup3rS3cretKey';
    const { problems } = validate(raw);
    const p = problems.find((x) => x.path === 'sites[0].sharedKey')!;
    expect(p.message).toBe('must be a reference to the secret, never the secret itself');
    expect(problems.find((x) => x.path === 'azure.expressRoute.authorizationKey')).toBeDefined();
    expect(JSON.stringify(problems)).not.toContain('Sup3rS3cretKey');
  });

  test('a secret reference with two kinds, or a bad env name, is refused', () => {
    const raw = seedHub();
    raw.sites[0].sharedKey = { env: 'A', file: 'k.txt' };
    raw.sites.push(branchSite({ sharedKey: { env: 'not a name!' } }));
    const { problems } = validate(raw);
    expect(problems.find((p) => p.path === 'sites[0].sharedKey')!.message).toMatch(/exactly one of env, file or keyVault/);
    expect(problems.find((p) => p.path === 'sites[1].sharedKey.env')!.message).toMatch(/environment variable name/);
  });
});

describe('validateHub: all problems together', () => {
  test('a shape error does not hide rule errors in other sections', () => {
    const raw = seedHub();
    raw.sites[0].publicIp = '40.50.60';                    // schema (site 0)
    raw.sites.push(branchSite({ addressSpace: ['10.200.5.0/24'], bgp: { asn: 65515, peerIp: '172.16.255.1' } })); // rules (site 1)
    raw.azure.vnet.gatewaySubnet = '10.200.255.240/28';    // rule (azure)
    raw.azure.vpnGateway.sku = 'VpnGw9';                   // schema (azure)
    const { hub, problems } = validate(raw);
    expect(hub).toBeUndefined();
    expect(pathsOf(problems)).toEqual([
      'azure.vpnGateway.sku',
      'azure.vnet.gatewaySubnet',
      'sites[0].publicIp',
      'sites[1].addressSpace[0]',
      'sites[1].bgp.asn',
    ]);
  });

  test('warnings alone keep the hub', () => {
    const raw = seedHub();
    raw.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ikeIntegrity: 'SHA1', dhGroup: 'DHGroup2' };
    const { hub, problems } = validate(raw);
    expect(hub).toBeDefined();
    expect(pathsOf(problems, 'warning')).toEqual(['sites[0].ipsecPolicy.ikeIntegrity', 'sites[0].ipsecPolicy.dhGroup']);
    expect(errorsOf(problems)).toEqual([]);
  });

  test('every problem has a path, a message and a fix', () => {
    const raw = seedHub();
    raw.azure.vnet.addressSpace = ['10.200.0.1/16', 'x'];
    raw.sites[0].deviceOptions = { bogus: 1, outsideInterface: 'Gi 1;' };
    raw.sites.push(branchSite(), branchSite());
    const { problems } = validate(raw);
    expect(problems.length).toBeGreaterThan(3);
    for (const p of problems) {
      expect(p.path).not.toBe('');
      expect(p.message.length).toBeGreaterThan(5);
      expect(p.fix ?? '').not.toBe('');
    }
  });
});

describe('validateHub: device checks', () => {
  test('a misspelt device option gets a suggestion', () => {
    const raw = seedHub();
    raw.sites[0].deviceOptions = { outsideInterfce: 'Gi1' };
    const { problems } = validate(raw);
    expect(problems).toEqual([expect.objectContaining({ path: 'sites[0].deviceOptions.outsideInterfce', fix: 'did you mean outsideInterface?' })]);
  });

  test('a policy that breaks GCM pairing is not checked again by the device', () => {
    const calls: string[] = [];
    const picky = {
      ...FAKE_DEVICES,
      'cisco-ios': { ...FAKE_DEVICES['cisco-ios'], checkProposals: (p: any) => { calls.push(p.esp[0].integrity); return []; } },
    };
    const raw = seedHub();
    raw.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ipsecIntegrity: 'SHA256' };
    raw.sites.push(branchSite({ device: 'cisco-ios' }));
    const { problems } = validateHub(raw, { devices: picky });
    expect(problems.map((p) => p.path)).toEqual(['sites[0].ipsecPolicy.ipsecIntegrity']);
    expect(calls).toEqual(['GCMAES256']);
  });
});

describe('validateHub: the device table', () => {
  test('checks options against the table it is given: the device registry', () => {
    const raw = seedHub();
    raw.sites[0].deviceOptions = { outsideInterface: 'GigabitEthernet1', noSuchOption: 1 };
    const { problems } = validateHub(raw, { devices: DEVICES });
    // The registry's cisco-ios device lists its own options, so the unknown one is named with them.
    expect(problems).toEqual([expect.objectContaining({ path: 'sites[0].deviceOptions.noSuchOption', fix: expect.stringMatching(/outsideInterface.*tunnelNumberBase/) })]);
  });
});
