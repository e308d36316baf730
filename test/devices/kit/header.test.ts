import { buildHeaderLines } from '../../../src/devices/kit/header';
import type { SiteContext } from '../../../src/devices/kit/contract';
import { AZURE_DEFAULT_PROPOSALS, buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';

const DEVICE = { displayName: 'Test Router', targets: 'TestOS 2 and later' };

function context(over: Partial<SiteContext> = {}): SiteContext {
  return {
    hubId: 'rg-hub/vnet-hub',
    site: {
      name: 'hq',
      device: 'strongswan',
      publicIp: '40.50.60.70',
      addressSpace: ['192.168.0.0/16', '172.16.0.0/24'],
      localNetworkGatewayName: 'lng-hq',
      connectionName: 'cn-hq',
      ipsecPolicy: { ...SECURE_DEFAULT_POLICY },
      dpdTimeoutSeconds: 45,
      deviceOptions: {},
    },
    deviceId: 'strongswan',
    options: {},
    proposals: buildProposals({ ...SECURE_DEFAULT_POLICY }),
    dpdTimeoutSeconds: 45,
    azure: { location: 'centralus', vpnGatewayName: 'vgw-hub', connectionName: 'cn-hq', asn: 65515, activeActive: false, vnetPrefixes: ['10.200.0.0/16'], spokePrefixes: [] },
    tunnels: [{ index: 0, number: 1, azurePublicIp: '203.0.113.4' }],
    expressRouteBackup: false,
    expressRouteRoutesVia: 'bgp',
    sharedKey: 'k',
    keyRedacted: false,
    ...over,
  };
}

describe('buildHeaderLines', () => {
  it('states the values a file was built from, one plain line each (no comment markers)', () => {
    expect(buildHeaderLines(context(), DEVICE, 'test.conf for site hq', 'the rule of this device')).toEqual([
      'tunnelsmith: test.conf for site hq',
      'Device: Test Router; targets TestOS 2 and later',
      'Hub: rg-hub/vnet-hub (centralus); site: hq',
      'Azure VPN gateway: vgw-hub, ASN 65515, single instance (1 tunnel)',
      '  Azure instance 1: public IP 203.0.113.4',
      'Azure VNet prefixes: 10.200.0.0/16',
      'Connection: cn-hq; DPD timeout 45 s',
      'On-premises: public IP 40.50.60.70; prefixes 192.168.0.0/16, 172.16.0.0/24',
      'Routing: static (no BGP)',
      'IKEv2 proposal (Azure names): AES256 / SHA256 / DHGroup14, IKE SA lifetime 28800 s',
      'IPsec proposal (Azure names): GCMAES256 / GCMAES256',
      'PFS: PFS2048; IPsec SA lifetime 27000 s / 102400000 KB',
    ]);
  });

  it('names the spoke prefixes, and prints the backup rule only when ExpressRoute is primary', () => {
    const lines = buildHeaderLines(context({ azure: { location: 'centralus', vpnGatewayName: 'vgw-hub', connectionName: 'cn-hq', asn: 65515, activeActive: false, vnetPrefixes: ['10.200.0.0/16'], spokePrefixes: ['10.201.0.0/16', '10.202.0.0/16'] } }), DEVICE, 'x', 'never printed');
    expect(lines).toContain("Azure spoke prefixes (peered VNets using this hub's gateways; more specifics accepted too): 10.201.0.0/16, 10.202.0.0/16");
    expect(lines.join('\n')).not.toContain('never printed');
  });

  it('adds BGP, NAT, both instances, the backup role, the redaction and the weak default proposals when they apply', () => {
    const lines = buildHeaderLines(
      context({
        proposals: AZURE_DEFAULT_PROPOSALS,
        azure: { location: 'centralus', vpnGatewayName: 'vgw-hub', connectionName: 'cn-hq', asn: 65515, activeActive: true, vnetPrefixes: ['10.200.0.0/16'], spokePrefixes: [] },
        tunnels: [
          { index: 0, number: 1, azurePublicIp: '203.0.113.4', azureBgpIp: '169.254.21.1' },
          { index: 1, number: 2, azurePublicIp: '203.0.113.5', azureBgpIp: '169.254.22.1' },
        ],
        bgp: { localAsn: 65010, localIp: '169.254.21.2', azureAsn: 65515, mode: 'apipa', keepaliveSeconds: 60, holdSeconds: 180 },
        outsideAddress: '10.0.0.5',
        expressRouteBackup: true,
        keyRedacted: true,
      }),
      DEVICE,
      'x',
      'the rule of this device',
    );
    expect(lines).toContain('Azure VPN gateway: vgw-hub, ASN 65515, active-active (2 instances, 2 tunnels)');
    expect(lines).toContain('  Azure instance 2: public IP 203.0.113.5, BGP address 169.254.22.1');
    expect(lines).toContain('On-premises: public IP 40.50.60.70 (behind NAT, outside address 10.0.0.5); prefixes 192.168.0.0/16, 172.16.0.0/24');
    expect(lines).toContain('Routing: BGP, on-prem ASN 65010 at 169.254.21.2, Azure ASN 65515, APIPA addresses (the appliance initiates), timers 60/180');
    expect(lines.filter((l) => l.startsWith('IKEv2 proposal '))).toHaveLength(4);
    expect(lines).toContain('IPsec proposal 4 (Azure names): AES128 / SHA1');
    expect(lines.slice(-3)).toEqual([
      "WARNING: the connection uses Azure's default proposals (DH group 2, no PFS): weak; set a custom ipsecPolicy",
      'ExpressRoute is the primary path: this VPN is the BACKUP (the rule of this device)',
      'Shared key: REDACTED; it travels separately (replace the placeholder before applying)',
    ]);
  });
});
