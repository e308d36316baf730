/**
 * The lab's one source of "what deploy created": AzureFacts, the local network gateway and the
 * connection's shared key. Everything on the Azure side of the lab is derived from this.
 */
import { randomBytes } from 'node:crypto';
import type { AzureFacts } from '../../../src/facts/types';
import { FACTS_VERSION } from '../../../src/facts/types';
import type { Hub } from '../../../src/hub/types';
import { cidr, intToIp, isAzureApipa } from '../../../src/net/ipv4';
import type { LabLocalNetworkGateway } from './azureSide';

export interface LabDeployment {
  /** `hub`: facts built from the hub the way read-back reports them; `emulator`: deployed and read back. */
  source: 'hub' | 'emulator';
  facts: AzureFacts;
  /** Per site: the local network gateway as Azure holds it. */
  lngs: Record<string, LabLocalNetworkGateway>;
  /** Per site: the connection's shared key as Azure holds it. */
  sharedKeys: Record<string, string>;
}

/** A key of letters and digits (safe for every device), 40 characters. */
export function labSharedKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Facts as read-back would report them for a freshly deployed hub: public IPs from 203.0.113.0/24 (as
 * the emulator hands them out), GatewaySubnet BGP addresses after Azure's reserved ones, APIPA addresses
 * when the site's BGP address is APIPA.
 */
export function factsFromHub(hub: Hub): LabDeployment {
  const gw = hub.azure.vpnGateway;
  const count = gw.activeActive ? 2 : 1;
  const gwSubnet = cidr(hub.azure.vnet.gatewaySubnet);
  const instances = Array.from({ length: count }, (_, i) => ({
    index: i,
    publicIp: `203.0.113.${i + 1}`,
    defaultBgpIp: intToIp(gwSubnet.start + 4 + i),
    apipaBgpIps: gw.apipaBgpIps?.[i] ? [gw.apipaBgpIps[i]] : [],
  }));
  const facts: AzureFacts = {
    version: FACTS_VERSION,
    hub: `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`,
    location: hub.azure.location,
    vnetAddressSpace: [...hub.azure.vnet.addressSpace],
    vpnGateway: { name: gw.name, asn: gw.asn, activeActive: gw.activeActive, sku: gw.sku, instances },
    ...(hub.azure.expressRoute ? { expressRoute: { gatewayName: hub.azure.expressRoute.gatewayName, connected: true } } : {}),
    sites: hub.sites.map((s) => ({
      name: s.name,
      connectionName: s.connectionName,
      ipsecPolicy: s.ipsecPolicy,
      dpdTimeoutSeconds: s.dpdTimeoutSeconds,
      bgpEnabled: s.bgp !== undefined,
      azureBgpIps: s.bgp ? instances.map((inst) => (isAzureApipa(s.bgp!.peerIp) ? inst.apipaBgpIps[0] : inst.defaultBgpIp)) : [],
      connectionStatus: 'NotConnected',
    })),
  };
  const lngs: Record<string, LabLocalNetworkGateway> = {};
  const sharedKeys: Record<string, string> = {};
  for (const s of hub.sites) {
    lngs[s.name] = {
      gatewayIpAddress: s.publicIp,
      addressPrefixes: [...s.addressSpace],
      ...(s.bgp ? { bgp: { asn: s.bgp.asn, peeringAddress: s.bgp.peerIp } } : {}),
    };
    sharedKeys[s.name] = labSharedKey();
  }
  return { source: 'hub', facts, lngs, sharedKeys };
}

/**
 * The facts source of every lab case. Deploys to the ARM emulator and reads back when the product's
 * deploy path is available; see `deployToEmulator`.
 */
export async function labDeployment(hub: Hub): Promise<LabDeployment> {
  return factsFromHub(hub);
}
