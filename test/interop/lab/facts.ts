/**
 * The lab's one source of "what deploy created": AzureFacts, the local network gateway and the
 * connection's shared key. Everything on the Azure side of the lab is derived from this.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPlan } from '../../../src/azure/deploy/apply';
import { staticTokenCredential } from '../../../src/azure/client/credentials';
import { planAzure } from '../../../src/azure/deploy/plan';
import { readBackFacts } from '../../../src/azure/readBack';
import { createSdkApi, parseArmId } from '../../../src/azure/client/sdk';
import { createJournalKeyStore } from '../../../src/azure/sharedKeys';
import { startEmulator } from '../../../src/emulator';
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

/** Emulator operation durations for the lab (ms): fast, the lab is about the data plane. */
const LAB_EMULATOR_DURATIONS = { gatewayMs: 50, connectionMs: 20, setSharedKeyMs: 10, defaultMs: 2 };

/**
 * Deploys the hub to a private ARM emulator with tunnelsmith's own plan and apply (the real SDK over
 * HTTPS), then reads back what deploy created: the facts (with the keys deploy generated), and each
 * site's local network gateway. The emulator is stopped before returning.
 */
export async function deployToEmulator(hub: Hub): Promise<LabDeployment> {
  const subscriptionId = hub.azure.subscriptionId;
  if (!subscriptionId) throw new Error('the lab hub names no subscription');
  const emu = await startEmulator({ durations: LAB_EMULATOR_DURATIONS });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tunnelsmith-lab-deploy-'));
  try {
    const circuitId = hub.azure.expressRoute?.circuitId;
    if (circuitId) {
      // the provider's side: the circuit exists, provisioned, with private peering
      const c = parseArmId(circuitId);
      if (!c) throw new Error(`the lab hub's circuit id does not parse: ${circuitId}`);
      emu.control.addProvisionedCircuit({ subscriptionId: c.subscriptionId, resourceGroup: c.resourceGroup, name: c.name, location: hub.azure.location });
    }
    const api = createSdkApi({
      credential: staticTokenCredential(emu.token),
      subscriptionId,
      endpoint: emu.endpoint,
      ca: emu.caPem,
      pollIntervalMs: 10,
      retry: { retryDelayInMs: 20, maxRetryDelayInMs: 100 },
    });
    const plan = planAzure(hub, subscriptionId);
    const resolveSecret = async (): Promise<string> => {
      throw new Error('the lab hubs reference no secrets');
    };
    const report = await applyPlan(plan, {
      api,
      hub,
      keys: createJournalKeyStore({ journalDir: path.join(dir, 'keys'), hubId: plan.hubId, resolveSecret }),
      resolveSecret,
      busyPollMs: 10,
      busyTimeoutMs: 30_000,
    });
    if (report.waiting.length > 0) throw new Error(`deploy is waiting: ${report.waiting.map((w) => `${w.what}: ${w.reason}`).join('; ')}`);
    const withKeys = await readBackFacts(api, hub, { includeKeys: true });
    const lngs: Record<string, LabLocalNetworkGateway> = {};
    const sharedKeys: Record<string, string> = {};
    for (const site of hub.sites) {
      const lng = await api.getLocalNetworkGateway(hub.azure.resourceGroup, site.localNetworkGatewayName);
      if (!lng) throw new Error(`deploy created no local network gateway ${site.localNetworkGatewayName}`);
      lngs[site.name] = {
        gatewayIpAddress: lng.gatewayIpAddress,
        addressPrefixes: [...lng.addressPrefixes],
        ...(lng.bgp ? { bgp: { asn: lng.bgp.asn, peeringAddress: lng.bgp.peeringAddress } } : {}),
      };
      const key = withKeys.sites.find((s) => s.name === site.name)?.sharedKey;
      if (!key) throw new Error(`read-back returned no shared key for ${site.name}`);
      sharedKeys[site.name] = key;
    }
    // the facts as a facts file holds them: keys travel separately
    const facts: AzureFacts = { ...withKeys, sites: withKeys.sites.map(({ sharedKey: _key, ...rest }) => rest) };
    return { source: 'emulator', facts, lngs, sharedKeys };
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The facts source of every lab case: deploy to the ARM emulator and read back, so the Azure side is
 * derived from what deploy created. `TUNNELSMITH_LAB_FACTS=hub` builds them from the hub instead
 * (`factsFromHub`), for working on the lab without the deploy path.
 */
export async function labDeployment(hub: Hub): Promise<LabDeployment> {
  return process.env.TUNNELSMITH_LAB_FACTS === 'hub' ? factsFromHub(hub) : deployToEmulator(hub);
}
