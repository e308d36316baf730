/**
 * One case per rule of hub-file.md "Rules the file is checked against": each mutation of the valid seed
 * hub must be rejected (or warned) at exactly the expected path, and by no other error.
 */
import type { Problem } from '../../src/errors';
import { HUB_RULES } from '../../src/hub/rules';
import { validateHub } from '../../src/hub/validate';
import { SECURE_DEFAULT_POLICY } from '../../src/policy/catalog';
import { branchSite, FAKE_DEVICES, seedHub } from './fixtures';

interface Case {
  rule: string;
  mutate: (h: any) => void;
  path: string;
  severity?: 'error' | 'warning';
  message: RegExp;
  /** Other errors the mutation must also cause. */
  also?: string[];
}

const CASES: Case[] = [
  { rule: 'checkPrefixesAreNetworks (host bits)', mutate: (h) => { h.sites[0].addressSpace = ['192.168.1.0/16']; }, path: 'sites[0].addressSpace[0]', message: /host bits set; the network is 192\.168\.0\.0\/16/ },
  { rule: 'checkPrefixesAreNetworks (gateway subnet)', mutate: (h) => { h.azure.vnet.gatewaySubnet = '10.200.255.225/27'; }, path: 'azure.vnet.gatewaySubnet', message: /host bits set/ },
  { rule: 'schema: addresses are IPv4', mutate: (h) => { h.sites[0].publicIp = '2001:db8::1'; }, path: 'sites[0].publicIp', message: /must be an IPv4 address/ },
  { rule: 'schema: prefixes are IPv4 CIDRs', mutate: (h) => { h.azure.vnet.addressSpace = ['10.200.0.0']; }, path: 'azure.vnet.addressSpace[0]', message: /must be an IPv4 prefix/ },
  { rule: 'checkVnetAddressSpaceDisjoint', mutate: (h) => { h.azure.vnet.addressSpace = ['10.200.0.0/16', '10.200.128.0/17']; }, path: 'azure.vnet.addressSpace[1]', message: /overlaps 10\.200\.0\.0\/16/ },
  { rule: 'checkGatewaySubnetInsideVnet', mutate: (h) => { h.azure.vnet.gatewaySubnet = '10.201.255.224/27'; }, path: 'azure.vnet.gatewaySubnet', message: /not inside the VNet address space/ },
  { rule: 'checkGatewaySubnetOverlaps', mutate: (h) => { h.azure.vnet.subnets.push({ name: 'clash', prefix: '10.200.255.0/24' }); }, path: 'azure.vnet.gatewaySubnet', message: /overlaps azure\.vnet\.subnets\[1\]/ },
  { rule: 'checkGatewaySubnetSize (coexistence)', mutate: (h) => { h.azure.vnet.gatewaySubnet = '10.200.255.240/28'; }, path: 'azure.vnet.gatewaySubnet', message: /\/27 or larger/ },
  { rule: 'checkGatewaySubnetSize (VPN only)', mutate: (h) => { delete h.azure.expressRoute; h.azure.vnet.gatewaySubnet = '10.200.255.252/30'; }, path: 'azure.vnet.gatewaySubnet', message: /\/29 or larger/ },
  { rule: 'checkSubnetsInsideVnet (outside)', mutate: (h) => { h.azure.vnet.subnets[0].prefix = '10.9.1.0/24'; }, path: 'azure.vnet.subnets[0].prefix', message: /not inside the VNet/ },
  { rule: 'checkSubnetsInsideVnet (overlap)', mutate: (h) => { h.azure.vnet.subnets.push({ name: 'b', prefix: '10.200.1.128/25' }); }, path: 'azure.vnet.subnets[1].prefix', message: /overlaps azure\.vnet\.subnets\[0\]/ },
  { rule: 'checkSubnetNames (GatewaySubnet)', mutate: (h) => { h.azure.vnet.subnets[0].name = 'gatewaysubnet'; }, path: 'azure.vnet.subnets[0].name', message: /GatewaySubnet is reserved/ },
  { rule: 'checkSubnetNames (unique)', mutate: (h) => { h.azure.vnet.subnets.push({ name: 'RA-HYBRID-VPN-ER-SN', prefix: '10.200.2.0/24' }); }, path: 'azure.vnet.subnets[1].name', message: /already used/ },
  { rule: 'checkGatewayAsn', mutate: (h) => { h.azure.vpnGateway.asn = 65517; }, path: 'azure.vpnGateway.asn', message: /reserved by Azure/ },
  { rule: 'checkPublicIpNameCount', mutate: (h) => { h.azure.vpnGateway.activeActive = true; h.azure.vpnGateway.publicIpNames = ['only-one']; }, path: 'azure.vpnGateway.publicIpNames', message: /1 name\(s\) for 2 gateway instance/ },
  { rule: 'checkGatewayApipaBgpIps (range)', mutate: (h) => { h.azure.vpnGateway.apipaBgpIps = ['169.254.20.1']; }, path: 'azure.vpnGateway.apipaBgpIps[0]', message: /outside Azure's APIPA range/ },
  { rule: 'checkGatewayApipaBgpIps (one per instance)', mutate: (h) => { h.azure.vpnGateway.activeActive = true; h.azure.vpnGateway.apipaBgpIps = ['169.254.21.1']; }, path: 'azure.vpnGateway.apipaBgpIps', message: /1 address\(es\) for 2 gateway instance/ },
  { rule: 'checkGatewayApipaBgpIps (distinct)', mutate: (h) => { h.azure.vpnGateway.activeActive = true; h.azure.vpnGateway.apipaBgpIps = ['169.254.21.1', '169.254.21.1']; }, path: 'azure.vpnGateway.apipaBgpIps[1]', message: /listed twice/ },
  { rule: 'checkCircuitExclusive', mutate: (h) => { h.azure.expressRoute.circuit = { name: 'erc', serviceProviderName: 'Equinix', peeringLocation: 'Silicon Valley', bandwidthInMbps: 50, skuTier: 'Premium', skuFamily: 'UnlimitedData' }; }, path: 'azure.expressRoute.circuit', message: /exclude each other/ },
  { rule: 'checkCircuitConnection (authorization key)', mutate: (h) => { delete h.azure.expressRoute.circuitId; h.azure.expressRoute.authorizationKey = { env: 'ER_AUTH' }; }, path: 'azure.expressRoute.authorizationKey', message: /only used to connect an existing circuit/ },
  { rule: 'checkCircuitConnection (unused name)', mutate: (h) => { delete h.azure.expressRoute.circuitId; }, path: 'azure.expressRoute.connectionName', severity: 'warning', message: /no circuit/ },
  { rule: 'checkDerivedNames', mutate: (h) => { h.azure.vpnGateway.name = `g${'w'.repeat(78)}`; }, path: 'azure.vpnGateway.name', message: /default public IP name .* not a valid Azure name/ },
  { rule: 'checkResourceNamesUnique (gateways)', mutate: (h) => { h.azure.expressRoute.gatewayName = 'RA-HYBRID-VPN-VGW'; }, path: 'azure.expressRoute.gatewayName', message: /virtual network gateway name .* also used by azure\.vpnGateway\.name/ },
  { rule: 'checkResourceNamesUnique (connections, defaults count)', mutate: (h) => { h.sites.push(branchSite()); h.sites[0].connectionName = 'cn-branch'; }, path: 'sites[1].connectionName', message: /connection name cn-branch is also used by sites\[0\]\.connectionName/ },
  { rule: 'checkResourceNamesUnique (ExpressRoute connection)', mutate: (h) => { h.sites[0].connectionName = 'ra-hybrid-er-cn'; }, path: 'sites[0].connectionName', message: /also used by azure\.expressRoute\.connectionName/ },
  { rule: 'checkResourceNamesUnique (local network gateways)', mutate: (h) => { h.sites.push(branchSite({ localNetworkGatewayName: 'ra-hybrid-vpn-lgw' })); }, path: 'sites[1].localNetworkGatewayName', message: /local network gateway name/ },
  { rule: 'checkResourceNamesUnique (public IPs)', mutate: (h) => { h.azure.vpnGateway.activeActive = true; h.azure.vpnGateway.publicIpNames = ['pip', 'PIP']; }, path: 'azure.vpnGateway.publicIpNames[1]', message: /public IP name PIP/ },
  { rule: 'checkHasSites', mutate: (h) => { h.sites = []; }, path: 'sites', severity: 'warning', message: /no site/ },
  { rule: 'checkSiteNamesUnique', mutate: (h) => { h.sites.push(branchSite({ name: 'hq', localNetworkGatewayName: 'x-lgw', connectionName: 'x-cn' })); }, path: 'sites[1].name', message: /site name hq is already used by sites\[0\]/ },
  { rule: 'checkSitePublicIpsUnique', mutate: (h) => { h.sites.push(branchSite({ publicIp: '40.50.60.70' })); }, path: 'sites[1].publicIp', message: /already the public IP of sites\[0\]/ },
  { rule: 'checkSiteAddressSpace (VNet)', mutate: (h) => { h.sites[0].addressSpace = ['10.0.0.0/8']; h.sites[0].bgp.peerIp = '192.168.255.1'; }, path: 'sites[0].addressSpace[0]', message: /overlaps the VNet prefix 10\.200\.0\.0\/16/ },
  { rule: 'checkSiteAddressSpace (GatewaySubnet outside the VNet)', mutate: (h) => { h.azure.vnet.addressSpace = ['10.200.0.0/17']; h.azure.vnet.gatewaySubnet = '10.200.255.224/27'; h.sites.push(branchSite({ addressSpace: ['10.200.255.0/24'] })); }, path: 'sites[1].addressSpace[0]', message: /overlaps the GatewaySubnet/, also: ['azure.vnet.gatewaySubnet'] },
  { rule: 'checkSiteAddressSpace (another site)', mutate: (h) => { h.sites.push(branchSite({ addressSpace: ['172.16.0.0/12', '192.168.10.0/24'] })); }, path: 'sites[1].addressSpace[1]', message: /overlaps site hq/ },
  { rule: 'checkPrefixesAreNetworks (spoke prefix)', mutate: (h) => { h.azure.vnet.spokePrefixes = ['10.201.0.1/16']; }, path: 'azure.vnet.spokePrefixes[0]', message: /host bits set/ },
  { rule: 'checkSpokePrefixes (VNet)', mutate: (h) => { h.azure.vnet.spokePrefixes = ['10.201.0.0/16', '10.200.128.0/17']; }, path: 'azure.vnet.spokePrefixes[1]', message: /overlaps the VNet prefix 10\.200\.0\.0\/16/ },
  { rule: 'checkSpokePrefixes (another spoke)', mutate: (h) => { h.azure.vnet.spokePrefixes = ['10.201.0.0/16', '10.201.4.0/24']; }, path: 'azure.vnet.spokePrefixes[1]', message: /overlaps azure\.vnet\.spokePrefixes\[0\] 10\.201\.0\.0\/16/ },
  { rule: 'checkSpokePrefixes (a site)', mutate: (h) => { h.azure.vnet.spokePrefixes = ['192.168.64.0/18']; }, path: 'azure.vnet.spokePrefixes[0]', message: /overlaps site hq \(sites\[0\]\.addressSpace\[0\] 192\.168\.0\.0\/16\)/ },
  { rule: 'checkSpokePrefixes (BGP address)', mutate: (h) => { h.azure.vnet.spokePrefixes = ['10.201.0.0/16']; h.sites[0].bgp.peerIp = '10.201.255.1'; }, path: 'sites[0].bgp.peerIp', message: /inside the spoke prefix 10\.201\.0\.0\/16/ },
  { rule: 'checkExpressRouteRoutesVia', mutate: (h) => { delete h.azure.expressRoute; h.sites[0].expressRouteRoutesVia = 'igp'; }, path: 'sites[0].expressRouteRoutesVia', severity: 'warning', message: /no expressRoute section/ },
  { rule: 'schema: expressRouteRoutesVia values', mutate: (h) => { h.sites[0].expressRouteRoutesVia = 'ospf'; }, path: 'sites[0].expressRouteRoutesVia', message: /not one of the accepted values/ },
  { rule: 'schema: bgp.asn range', mutate: (h) => { h.sites[0].bgp.asn = 4294967296; }, path: 'sites[0].bgp.asn', message: /at most 4294967295/ },
  { rule: 'checkSiteAsn (reserved)', mutate: (h) => { h.sites[0].bgp.asn = 64500; }, path: 'sites[0].bgp.asn', message: /reserved by Azure/ },
  { rule: 'checkSiteAsn (same as gateway)', mutate: (h) => { h.azure.vpnGateway.asn = 65100; h.sites[0].bgp.asn = 65100; }, path: 'sites[0].bgp.asn', message: /gateway's own ASN/ },
  { rule: 'checkBgpPeerIp (public IP)', mutate: (h) => { h.sites[0].bgp.peerIp = '40.50.60.70'; }, path: 'sites[0].bgp.peerIp', message: /site's public IP/ },
  { rule: 'checkBgpPeerIp (inside the VNet)', mutate: (h) => { h.sites[0].bgp.peerIp = '10.200.255.230'; }, path: 'sites[0].bgp.peerIp', message: /inside the VNet prefix 10\.200\.0\.0\/16/ },
  { rule: 'checkBgpPeerIp (APIPA range)', mutate: (h) => { h.sites[0].bgp.peerIp = '169.254.0.1'; }, path: 'sites[0].bgp.peerIp', message: /outside Azure's APIPA range/ },
  { rule: 'checkApipaPeering (gateway has no APIPA)', mutate: (h) => { h.sites[0].bgp.peerIp = '169.254.21.2'; }, path: 'sites[0].bgp.peerIp', message: /no custom APIPA BGP addresses/ },
  { rule: 'checkApipaPeering (same address)', mutate: (h) => { h.azure.vpnGateway.apipaBgpIps = ['169.254.21.1']; h.sites[0].bgp.peerIp = '169.254.21.1'; }, path: 'sites[0].bgp.peerIp', message: /gateway's own APIPA addresses/ },
  { rule: 'checkWeakPolicy (azure-default)', mutate: (h) => { h.sites[0].ipsecPolicy = 'azure-default'; }, path: 'sites[0].ipsecPolicy', severity: 'warning', message: /DH group 2/ },
  { rule: 'checkWeakPolicy (weak value)', mutate: (h) => { h.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, pfsGroup: 'PFS1' }; }, path: 'sites[0].ipsecPolicy.pfsGroup', severity: 'warning', message: /PFS1 is weak/ },
  { rule: 'schema: policy values are documented options', mutate: (h) => { h.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ikeIntegrity: 'GCMAES256' }; }, path: 'sites[0].ipsecPolicy.ikeIntegrity', message: /accepted by ARM but is not one of Azure's documented options/ },
  { rule: 'schema: policy is complete', mutate: (h) => { const p: any = { ...SECURE_DEFAULT_POLICY }; delete p.saLifeTimeSeconds; h.sites[0].ipsecPolicy = p; }, path: 'sites[0].ipsecPolicy.saLifeTimeSeconds', message: /is required/ },
  { rule: 'checkGcmPairing (GCM encryption)', mutate: (h) => { h.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ipsecIntegrity: 'SHA256' }; }, path: 'sites[0].ipsecPolicy.ipsecIntegrity', message: /GCM provides both/ },
  { rule: 'checkGcmPairing (GCM integrity)', mutate: (h) => { h.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ipsecEncryption: 'AES256', ipsecIntegrity: 'GCMAES128' }; }, path: 'sites[0].ipsecPolicy.ipsecIntegrity', message: /does not match ipsecEncryption AES256/ },
  { rule: 'checkDeviceCanExpressPolicy', mutate: (h) => { h.sites[0].device = 'juniper-srx'; h.sites[0].ipsecPolicy = { ...SECURE_DEFAULT_POLICY, ikeEncryption: 'GCMAES256' }; }, path: 'sites[0].ipsecPolicy.ikeIntegrity', message: /384-bit PRF/ },
  { rule: 'checkDeviceOptions (unknown key)', mutate: (h) => { h.sites[0].deviceOptions = { externalInterface: 'ge-0/0/0.0' }; }, path: 'sites[0].deviceOptions.externalInterface', message: /not an option of Cisco/ },
  { rule: 'checkDeviceOptions (device check)', mutate: (h) => { h.sites[0].deviceOptions = { tunnelNumberBase: 20000 }; }, path: 'sites[0].deviceOptions.tunnelNumberBase', message: /whole number/ },
  { rule: 'checkDeviceOptions (device check on text)', mutate: (h) => { h.sites[0].deviceOptions = { outsideInterface: 'Gi 1' }; }, path: 'sites[0].deviceOptions.outsideInterface', message: /must match/ },
  { rule: 'checkDeviceOptions (outsideAddress)', mutate: (h) => { h.sites[0].deviceOptions = { outsideAddress: 'eth0' }; }, path: 'sites[0].deviceOptions.outsideAddress', message: /must be an IPv4 address/ },
  { rule: 'checkDeviceOptions (outsideAddress = publicIp)', mutate: (h) => { h.sites[0].deviceOptions = { outsideAddress: '40.50.60.70' }; }, path: 'sites[0].deviceOptions.outsideAddress', severity: 'warning', message: /not behind NAT/ },
  { rule: 'schema: unknown keys', mutate: (h) => { h.sites[0].bgp.peerIP = '1.2.3.4'; }, path: 'sites[0].bgp.peerIP', message: /unknown key "peerIP"/ },
  { rule: 'schema: site names', mutate: (h) => { h.sites[0].name = 'HQ'; }, path: 'sites[0].name', message: /lowercase letters/ },
  { rule: 'schema: resource names', mutate: (h) => { h.sites[0].connectionName = 'cn hq'; }, path: 'sites[0].connectionName', message: /Azure resource name/ },
  { rule: 'schema: dpd range', mutate: (h) => { h.sites[0].dpdTimeoutSeconds = 8; }, path: 'sites[0].dpdTimeoutSeconds', message: /at least 9 seconds/ },
  { rule: 'schema: Basic SKU refused', mutate: (h) => { h.azure.vpnGateway.sku = 'Basic'; }, path: 'azure.vpnGateway.sku', message: /refused/ },
  { rule: 'checkNonAzVpnSku', mutate: (h) => { h.azure.vpnGateway.sku = 'VpnGw2'; }, path: 'azure.vpnGateway.sku', severity: 'warning', message: /^VpnGw2 is a non-AZ SKU Azure no longer creates \(NonAzSkusNotAllowedForVPNGateway\): deploy adopts an existing VpnGw2 gateway as it is \(Microsoft migrates it to VpnGw2AZ itself/ },
  { rule: 'checkLocalNetworkGatewayPrefixes', mutate: (h) => { h.sites[0].localNetworkGatewayPrefixes = ['192.168.0.0/16', '10.200.4.0/24']; }, path: 'sites[0].localNetworkGatewayPrefixes[1]', message: /10\.200\.4\.0\/24 overlaps the VNet prefix 10\.200\.0\.0\/16/ },
  { rule: 'checkBgpStaticPrefixes', mutate: (h) => { h.sites[0].bgp = { asn: 65010, peerIp: '192.168.255.1' }; h.sites[0].localNetworkGatewayPrefixes = ['192.168.0.0/16']; }, path: 'sites[0].localNetworkGatewayPrefixes', severity: 'warning', message: /^static prefixes on a BGP site are rarely wanted: Azure learns the site's prefixes over BGP and adds the route to its BGP address 192\.168\.255\.1 itself, while a static prefix \(192\.168\.0\.0\/16\) stays in Azure's routes/ },
  { rule: 'schema: secrets are references', mutate: (h) => { h.sites[0].sharedKey = 'abc'; }, path: 'sites[0].sharedKey', message: /never the secret itself/ },
];

function run(mutate: (h: any) => void): Problem[] {
  const raw = seedHub();
  mutate(raw);
  return validateHub(raw, { devices: FAKE_DEVICES }).problems;
}

test('the seed hub passes every rule', () => {
  expect(run(() => undefined)).toEqual([]);
});

describe.each(CASES)('$rule', (c) => {
  test(`is reported at ${c.path}`, () => {
    const problems = run(c.mutate);
    const severity = c.severity ?? 'error';
    const hit = problems.filter((p) => p.path === c.path && p.severity === severity);
    expect(hit).toHaveLength(1);
    expect(hit[0].message).toMatch(c.message);
    expect(hit[0].fix).toBeTruthy();
    // Nothing else is an error (a warning case must leave the hub valid).
    expect(problems.filter((p) => p.severity === 'error' && p !== hit[0]).map((p) => p.path)).toEqual(c.also ?? []);
  });
});

test('every named rule has at least one case', () => {
  const named = HUB_RULES.map((r) => r.name);
  for (const name of named) expect(CASES.some((c) => c.rule.startsWith(`${name} `) || c.rule === name)).toBe(true);
});
