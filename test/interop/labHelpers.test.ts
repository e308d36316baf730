/**
 * The interop lab's own parsing and derivation, without root: what it reads from swanctl, BIRD, FRR and
 * ping, and the Azure side it derives from the facts. (The lab itself runs in lab.test.ts.)
 */
import type { AzureFacts } from '../../src/facts/types';
import { expectedEsp, expectedIke } from './lab/algorithms';
import { azureEspProposal, azureIkeProposal, buildAzureSide, type AzureSideInput } from './lab/azureSide';
import { parseBirdProtocols, parseBirdRoutePrefixes } from './lab/bird';
import { POLICIES } from './lab/cases';
import { diagnoseTunnelFailure, sharedInterfaceIds, tunnelUp, withSharedInterfaceId, type TunnelState } from './lab/checks';
import { onPremExpressRouteFrr } from './lab/expressRoute';
import { connectionNames, rewriteInterfaceNames } from './lab/onPrem';
import { measureOutage, parsePingSummary } from './lab/ping';
import { parseListSas } from './lab/vici';

const RAW_SAS = `list-sa event {azure1 {uniqueid=1 version=2 state=ESTABLISHED local-host=198.51.100.10 local-port=4500 local-id=198.51.100.10 remote-host=203.0.113.10 remote-port=4500 remote-id=203.0.113.10 initiator=yes initiator-spi=f631e030340844cd responder-spi=51fd8508118c16ad nat-remote=yes nat-any=yes encr-alg=AES_CBC encr-keysize=256 integ-alg=HMAC_SHA2_256_128 prf-alg=PRF_HMAC_SHA2_256 dh-group=MODP_2048 established=3 rekey-time=14339 child-sas {azure1-1 {name=azure1 uniqueid=1 reqid=1 state=DELETED mode=TUNNEL protocol=ESP encap=yes spi-in=afffaa8c spi-out=d7a7c622 if-id-in=00000064 if-id-out=00000064 encr-alg=AES_GCM_16 encr-keysize=256 bytes-in=0 packets-in=0 bytes-out=0 packets-out=0 rekey-time=26909 life-time=27097 install-time=3 local-ts=[0.0.0.0/0] remote-ts=[0.0.0.0/0]} azure1-2 {name=azure1 uniqueid=2 reqid=1 state=INSTALLED mode=TUNNEL protocol=ESP encap=yes spi-in=494b608c spi-out=7c5054af if-id-in=00000064 if-id-out=00000064 encr-alg=AES_GCM_16 encr-keysize=256 dh-group=MODP_2048 bytes-in=985 packets-in=13 bytes-out=1206 packets-out=16 rekey-time=26917 life-time=27099 install-time=1 local-ts=[0.0.0.0/0] remote-ts=[0.0.0.0/0]}}}}
list-sas reply {}
`;

function facts(activeActive: boolean, bgpIps: string[]): AzureFacts {
  return {
    version: 1,
    hub: 'rg/vnet',
    location: 'centralus',
    vnetAddressSpace: ['10.200.0.0/16'],
    vpnGateway: {
      name: 'vgw',
      asn: 65515,
      activeActive,
      sku: 'VpnGw1AZ',
      instances: (activeActive ? [0, 1] : [0]).map((i) => ({ index: i, publicIp: `203.0.113.${i + 1}`, defaultBgpIp: `10.200.255.${228 + i}`, apipaBgpIps: [] })),
    },
    sites: [
      {
        name: 'lab',
        connectionName: 'cn-lab',
        ipsecPolicy: { ...POLICIES.secureDefault },
        dpdTimeoutSeconds: 45,
        bgpEnabled: bgpIps.length > 0,
        azureBgpIps: bgpIps,
      },
    ],
  };
}

function input(f: AzureFacts, bgpPeer?: string): AzureSideInput {
  return {
    facts: f,
    siteName: 'lab',
    lng: { gatewayIpAddress: '198.51.100.10', addressPrefixes: ['192.168.0.0/16'], ...(bgpPeer ? { bgp: { asn: 65010, peeringAddress: bgpPeer } } : {}) },
    sharedKey: 'Key0123456789abcdef',
    tunnelInterface: 'ipsec0',
    birdLogFile: '/tmp/bird.log',
  };
}

describe('swanctl --list-sas --raw parsing', () => {
  test('reads the IKE_SA and both CHILD_SAs with states, SPIs, if_ids and algorithms', () => {
    const [ike] = parseListSas(RAW_SAS);
    expect(ike).toMatchObject({ name: 'azure1', state: 'ESTABLISHED', initiator: true, remoteHost: '203.0.113.10', encrAlg: 'AES_CBC', prfAlg: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048' });
    expect(ike.children.map((c) => [c.uniqueId, c.state, c.spiIn, c.ifIdIn, c.dhGroup])).toEqual([
      [1, 'DELETED', 'afffaa8c', '00000064', undefined],
      [2, 'INSTALLED', '494b608c', '00000064', 'MODP_2048'],
    ]);
    expect(ike.children[1]).toMatchObject({ bytesIn: 985, packetsOut: 16, localTs: ['0.0.0.0/0'] });
  });

  test('no SA: an empty list', () => {
    expect(parseListSas('list-sas reply {}\n')).toEqual([]);
  });
});

describe('the Azure side derived from the facts', () => {
  test('Azure policy values map to strongSwan proposals on their own table', () => {
    expect(azureIkeProposal(POLICIES.secureDefault)).toBe('aes256-sha256-modp2048');
    expect(azureEspProposal(POLICIES.secureDefault)).toBe('aes256gcm16-modp2048');
    expect(azureIkeProposal(POLICIES.gcmEcp384)).toBe('aes256gcm16-prfsha384-ecp384');
    expect(azureEspProposal(POLICIES.gcmEcp384)).toBe('aes256gcm16-ecp384');
    expect(azureIkeProposal(POLICIES.cbcGroup24)).toBe('aes256-sha384-modp2048s256');
    expect(azureEspProposal(POLICIES.cbcGroup24)).toBe('aes256-sha256-modp2048s256');
    expect(azureEspProposal({ ...POLICIES.secureDefault, pfsGroup: 'None' })).toBe('aes256gcm16');
    expect(azureEspProposal({ ...POLICIES.secureDefault, pfsGroup: 'PFSMM', dhGroup: 'ECP256' })).toBe('aes256gcm16-ecp256');
    expect(() => azureEspProposal({ ...POLICIES.secureDefault, ipsecIntegrity: 'GCMAES128' })).toThrow(/same GCM/);
  });

  test('active-active: one responder connection and one BGP speaker per instance, the second in its own VRF', () => {
    const side = buildAzureSide(input(facts(true, ['10.200.255.228', '10.200.255.229']), '192.168.255.1'));
    expect(side.bgpMode).toBe('multihop');
    expect(side.instances.map((i) => [i.connection, i.publicIp, i.bgpIp, i.bgpProtocol])).toEqual([
      ['azure-inst0', '203.0.113.1', '10.200.255.228', 'azure_inst0'],
      ['azure-inst1', '203.0.113.2', '10.200.255.229', 'azure_inst1'],
    ]);
    expect(side.swanctlConf.match(/start_action = none/g)).toHaveLength(2);
    expect(side.swanctlConf).toContain('local_addrs = 203.0.113.2');
    expect(side.swanctlConf).toContain('remote_addrs = 198.51.100.10');
    expect(side.swanctlConf).toContain('secret = "Key0123456789abcdef"');
    expect(side.birdConf.match(/vrf "ipsec0";/g)).toHaveLength(1);
    expect(side.birdConf).toContain('route 192.168.255.1/32 via "ipsec0";');
    expect(side.birdConf).not.toContain('passive on');
  });

  test('APIPA: Azure never initiates the BGP session', () => {
    const f = facts(false, ['169.254.21.1']);
    const side = buildAzureSide(input(f, '169.254.21.2'));
    expect(side.bgpMode).toBe('apipa');
    expect(side.birdConf).toContain('passive on;');
    expect(side.birdConf).toContain('local 169.254.21.1 as 65515;');
  });

  test('static: no BGP speaker, the LNG prefixes routed into the tunnel', () => {
    const side = buildAzureSide(input(facts(false, [])));
    expect(side.bgpMode).toBe('none');
    expect(side.birdConf).not.toContain('protocol bgp');
    expect(side.birdConf).toContain('route 192.168.0.0/16 via "ipsec0";');
  });

  test('ExpressRoute: a preferred direct session from ASN 12076, and the appliance side of it', () => {
    const er = { azureIp: '192.0.2.1', onPremIp: '192.0.2.2', onPremAsn: 65010, routesVia: 'bgp' as const };
    const side = buildAzureSide({ ...input(facts(false, ['10.200.255.228']), '192.168.255.1'), expressRoute: er });
    expect(side.expressRouteProtocol).toBe('expressroute');
    expect(side.birdConf).toMatch(/protocol bgp expressroute \{[^{]*\{[^}]*\};\s*local 192\.0\.2\.1 as 12076;[^}]*direct;/);
    expect(side.birdConf).toContain('preference 300;');
    const frr = onPremExpressRouteFrr(er, ['10.200.0.0/16'], ['192.168.0.0/16']);
    expect(frr).toContain('neighbor 192.0.2.1 remote-as 12076');
    expect(frr).toContain('ip prefix-list lab-er-out seq 10 permit 192.168.0.0/16');
  });

  test('ExpressRoute reaching the appliance by a non-BGP route: Azure routes the site to the link statically, the appliance has a static route with an IGP\'s distance', () => {
    const er = { azureIp: '192.0.2.1', onPremIp: '192.0.2.2', onPremAsn: 65010, routesVia: 'static' as const };
    const side = buildAzureSide({ ...input(facts(false, ['10.200.255.228']), '192.168.255.1'), expressRoute: er, siteAddressSpace: ['192.168.0.0/16'] });
    expect(side.birdConf).not.toContain('protocol bgp expressroute');
    expect(side.birdConf).toMatch(/protocol static expressroute \{\s*check link on;\s*ipv4 \{ preference 300; \};\s*route 192\.168\.0\.0\/16 via 192\.0\.2\.2;\s*\}/);
    expect(side.birdConf).toContain('export where proto = "lng_routes" || proto = "expressroute" || source = RTS_BGP;');
    expect(onPremExpressRouteFrr(er, ['10.200.0.0/16'], ['192.168.0.0/16'])).toBe('frr defaults traditional\nip route 10.200.0.0/16 192.0.2.1 110\n');
  });

  test('azure-default and unknown values are refused, not guessed', () => {
    const f = facts(false, []);
    f.sites[0].ipsecPolicy = 'azure-default';
    expect(() => buildAzureSide(input(f))).toThrow(/azure-default/);
    expect(() => azureIkeProposal({ ...POLICIES.secureDefault, ikeEncryption: 'CHACHA' })).toThrow(/ikeEncryption CHACHA/);
  });
});

describe('expected algorithm names', () => {
  test('CBC IKE has integrity and PRF; GCM IKE has only the PRF', () => {
    expect(expectedIke(POLICIES.secureDefault)).toEqual({ encrAlg: 'AES_CBC', encrKeysize: '256', integAlg: 'HMAC_SHA2_256_128', prfAlg: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048' });
    expect(expectedIke(POLICIES.gcmEcp384)).toEqual({ encrAlg: 'AES_GCM_16', encrKeysize: '256', prfAlg: 'PRF_HMAC_SHA2_384', dhGroup: 'ECP_384' });
    expect(expectedEsp(POLICIES.aes128Ecp256)).toEqual({ encrAlg: 'AES_GCM_16', encrKeysize: '128', pfsGroup: 'ECP_256' });
    expect(expectedEsp({ ...POLICIES.cbcGroup24, pfsGroup: 'None' })).toEqual({ encrAlg: 'AES_CBC', encrKeysize: '256', integAlg: 'HMAC_SHA2_256_128' });
  });
});

describe('the appliance config adapted for the lab', () => {
  test('only whole tunnel interface names are rewritten', () => {
    const text = 'TUNNEL_IF_1="xfrm-azure1"\nip route 10.200.255.228/32 xfrm-azure1\n xfrm-azure10 my-xfrm-azure1x';
    expect(rewriteInterfaceNames(text, ['xfrm-azure1'], 'ipsec0')).toBe('TUNNEL_IF_1="ipsec0"\nip route 10.200.255.228/32 ipsec0\n xfrm-azure10 my-xfrm-azure1x');
  });

  test('connection and child names in order', () => {
    const conf = 'connections {\n  a-1 {\n    children {\n      a-1-net {\n      }\n    }\n  }\n  # x {\n  b-2 {\n    children {\n      b-2-net {\n      }\n    }\n  }\n}\nsecrets {\n  ike-a {\n  }\n}\n';
    expect(connectionNames(conf)).toEqual([
      { connection: 'a-1', child: 'a-1-net' },
      { connection: 'b-2', child: 'b-2-net' },
    ]);
  });

  test('the shared-interface-id mutation gives every tunnel the first id, and the check names both tunnels', () => {
    const conf = 'if_id_in = 100\nif_id_out = 100\n x\n        if_id_in = 101\n        if_id_out = 101\n';
    expect(withSharedInterfaceId(conf)).toBe('if_id_in = 100\nif_id_out = 100\n x\n        if_id_in = 100\n        if_id_out = 100\n');
    expect(() => withSharedInterfaceId('if_id_in = 100\n')).toThrow(/two distinct/);
    const [ike] = parseListSas(RAW_SAS);
    const a: TunnelState = { connection: 'a', ike, installed: ike.children.filter((c) => c.state === 'INSTALLED') };
    const b: TunnelState = { ...a, connection: 'b' };
    expect(tunnelUp(a)).toBe(true);
    expect(sharedInterfaceIds([a, b])).toEqual([{ ifId: '00000064', connections: ['a', 'b'] }]);
    expect(sharedInterfaceIds([a, { ...b, installed: [{ ...a.installed[0], ifIdIn: '00000065', ifIdOut: '00000065' }] }])).toEqual([]);
  });
});

describe('diagnosis of a failed negotiation', () => {
  test.each([
    ['received AUTHENTICATION_FAILED notify error', '', 'establish', 'authentication-failed'],
    ['received NO_PROPOSAL_CHOSEN notify error', '', 'establish', 'ike-proposal-mismatch'],
    ['received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built', '', 'establish', 'esp-proposal-mismatch'],
    ['giving up after 3 retransmits', '', 'establish', 'peer-not-responding'],
    ['received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built', '', 'rekey', 'pfs-mismatch'],
    ['', 'no acceptable proposal found', 'rekey', 'pfs-mismatch'],
    ['CHILD_SA rekeyed', '', 'rekey', undefined],
  ] as const)('%s / %s during %s -> %s', (onPrem, azure, phase, expected) => {
    expect(diagnoseTunnelFailure(onPrem, azure, phase)).toBe(expected);
  });
});

describe('BIRD and ping output', () => {
  test('protocols and route prefixes', () => {
    const protos = parseBirdProtocols(
      'BIRD 2.0.12 ready.\nName       Proto      Table      State  Since         Info\ndevice1    Device     ---        up     02:43:55.442  \nazure_inst0 BGP        ---        up     02:43:59.909  Established   \nexpressroute BGP        ---        start  02:43:55.442  Active        Socket: Connection reset by peer\n',
    );
    expect(protos.map((p) => [p.name, p.state, p.info])).toEqual([
      ['device1', 'up', ''],
      ['azure_inst0', 'up', 'Established'],
      ['expressroute', 'start', 'Active        Socket: Connection reset by peer'],
    ]);
    expect(parseBirdRoutePrefixes('Table master4:\n192.168.0.0/16       unicast [lng_routes 02:43:55.442] * (150)\n\tdev ipsec0\n                     unicast [azure_inst0 02:44:00.897 from 192.168.255.1] (100/?) [AS65010i]\n10.200.0.0/16        blackhole [vnet 02:43:55.442] * (200)\n')).toEqual([
      '192.168.0.0/16',
      '10.200.0.0/16',
    ]);
  });

  test('the longest gap between replies, less one interval', () => {
    const out = [
      '[1000.000] 64 bytes from 10.200.1.10: icmp_seq=1 ttl=62 time=0.4 ms',
      '[1000.010] 64 bytes from 10.200.1.10: icmp_seq=2 ttl=62 time=0.4 ms',
      '[1000.110] 64 bytes from 10.200.1.10: icmp_seq=12 ttl=62 time=0.4 ms',
      '[1000.120] 64 bytes from 10.200.1.10: icmp_seq=13 ttl=62 time=0.4 ms',
      '',
      '--- 10.200.1.10 ping statistics ---',
      '13 packets transmitted, 4 received, 69% packet loss, time 120ms',
    ].join('\n');
    expect(measureOutage(out, 10)).toEqual({ sent: 13, received: 4, longestGapMs: 90 });
    expect(parsePingSummary('3 packets transmitted, 3 received, 0% packet loss')).toEqual({ transmitted: 3, received: 3 });
  });
});
