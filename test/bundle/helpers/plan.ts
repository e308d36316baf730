/** A hand-built render plan (no device templates needed) for the bundle's unit tests. */
import type { DeviceId } from '../../../src/hub/deviceIds';
import type { DeviceDefinition, SiteContext } from '../../../src/devices/kit/contract';
import { DEVICES } from '../../../src/devices/registry';
import { buildProposals, SECURE_DEFAULT_POLICY } from '../../../src/policy/catalog';
import type { SiteRenderPlan } from '../../../src/render/plan';

export const KEY = 'BundleTestKey7Qz3Lm9Xc2Vb8Nd4Rt6Yw1Pk5Hs0Ja3Gf7Ue2';

export function siteContext(over: Partial<SiteContext> = {}): SiteContext {
  return {
    hubId: 'rg-hub/vnet-hub',
    site: {
      name: 'hq',
      device: 'cisco-ios',
      publicIp: '40.50.60.70',
      addressSpace: ['192.168.0.0/16'],
      bgp: { asn: 65010, peerIp: '192.168.255.1' },
      localNetworkGatewayName: 'lng-hq',
      connectionName: 'cn-hq',
      ipsecPolicy: { ...SECURE_DEFAULT_POLICY },
      dpdTimeoutSeconds: 45,
      deviceOptions: {},
    },
    deviceId: 'cisco-ios',
    options: {},
    proposals: buildProposals({ ...SECURE_DEFAULT_POLICY }),
    dpdTimeoutSeconds: 45,
    azure: { location: 'centralus', vpnGatewayName: 'vgw-hub', connectionName: 'cn-hq', asn: 65515, activeActive: true, vnetPrefixes: ['10.200.0.0/16'], spokePrefixes: [] },
    tunnels: [
      { index: 0, number: 1, azurePublicIp: '203.0.113.4', azureBgpIp: '10.200.255.254' },
      { index: 1, number: 2, azurePublicIp: '203.0.113.5', azureBgpIp: '10.200.255.253' },
    ],
    bgp: { localAsn: 65010, localIp: '192.168.255.1', azureAsn: 65515, mode: 'multihop', keepaliveSeconds: 60, holdSeconds: 180 },
    expressRouteBackup: true,
    expressRouteRoutesVia: 'bgp',
    sharedKey: KEY,
    keyRedacted: false,
    ...over,
  };
}

export function fakeDevice(id: DeviceId, extra: Record<string, unknown> = {}): DeviceDefinition {
  return {
    id,
    displayName: `Fake ${id}`,
    targets: `${id} OS 9.9 and later`,
    options: {},
    unsafeKeyChars: [],
    checkProposals: () => [],
    checkSite: () => [],
    policyWords: () => [],
    buildView: () => ({}),
    files: () => [],
    keywords: DEVICES[id].keywords,
    // the real steps: the bundle tests read them in the README and on the page
    procedure: DEVICES[id].procedure,
    ...extra,
  } as DeviceDefinition;
}

export const FAKE_DEVICES = {
  'cisco-ios': fakeDevice('cisco-ios'),
  'juniper-srx': fakeDevice('juniper-srx'),
  strongswan: fakeDevice('strongswan'),
  'windows-rras': fakeDevice('windows-rras'),
} as Record<DeviceId, DeviceDefinition>;

/** A plan for site hq with cisco-ios and strongswan files; the key sits in the files that hold it. */
export function sitePlan(key: string = KEY, ctx: SiteContext = siteContext({ sharedKey: key })): SiteRenderPlan {
  return {
    site: 'hq',
    context: ctx,
    devices: [
      { deviceId: 'cisco-ios', files: [{ path: 'azure-vpn.cfg', content: `crypto ikev2 keyring k\n pre-shared-key ${key}\n`, holdsSecret: true, executable: false }] },
      {
        deviceId: 'strongswan',
        files: [
          { path: 'swanctl.conf', content: `secrets { ike-1 { secret = "${key}" } }\n`, holdsSecret: true, executable: false },
          { path: 'tunnel-setup.sh', content: '#!/bin/sh\nip link add xfrm-azure1 type xfrm if_id 100\n', holdsSecret: false, executable: true },
          { path: 'frr.conf', content: 'router bgp 65010\n', holdsSecret: false, executable: false },
        ],
      },
    ],
  };
}
