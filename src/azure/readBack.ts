/**
 * Read-back: what only Azure knows, as the plain `AzureFacts` the renderers use. Public IPs are paired
 * with BGP addresses through `bgpPeeringAddresses[].ipconfigurationId` (one entry per gateway instance);
 * each connection's Azure BGP address is the custom APIPA one when the site's BGP address is APIPA,
 * else the instance's GatewaySubnet address. Shared keys come from the shared-key operation.
 */
import { AzureError, NotReadyError } from '../errors';
import { FACTS_VERSION, type AzureFacts, type GatewayInstanceFacts, type SiteFacts } from '../facts/types';
import { hubId, type Hub } from '../hub/types';
import { AZURE_DEFAULT_ASN } from '../hub/azureValues';
import { isAzureApipa } from '../net/ipv4';
import { AZURE_DEFAULT_DPD_TIMEOUT_SECONDS } from '../policy/catalog';
import type { AzureApi, CallOptions } from './client/api';
import { isBusy, nameFromId, sameId, type ConnectionModel, type GatewayModel, type VnetModel } from './client/model';

export interface ReadBackOptions extends CallOptions {
  /** Read each connection's shared key (GET .../sharedkey). */
  includeKeys: boolean;
}

/** Reads the facts of a deployed hub. Throws NotReadyError (`NotDeployed`) naming what is missing. */
export async function readBackFacts(api: AzureApi, hub: Hub, o: ReadBackOptions): Promise<AzureFacts> {
  const rg = hub.azure.resourceGroup;
  const vpnName = hub.azure.vpnGateway.name;
  const [gw, vnet] = await Promise.all([api.getGateway(rg, vpnName, o), api.getVnet(rg, hub.azure.vnet.name, o)]);
  if (!gw) throw notDeployed(`the VPN gateway ${vpnName} does not exist in resource group ${rg}`);
  if (isBusy(gw.provisioningState)) {
    throw notDeployed(`the VPN gateway ${vpnName} is still ${gw.provisioningState}; its addresses are not final yet`, 'wait for it (tunnelsmith deploy resumes and waits), then read again');
  }
  const instances = await readInstances(api, rg, gw, o);

  const missing: string[] = [];
  const sites: SiteFacts[] = [];
  await Promise.all(
    hub.sites.map(async (site, i) => {
      const [cn, lng] = await Promise.all([api.getConnection(rg, site.connectionName, o), api.getLocalNetworkGateway(rg, site.localNetworkGatewayName, o)]);
      if (!cn) {
        missing.push(`connection ${site.connectionName} (sites[${i}])`);
        return;
      }
      const apipa = lng?.bgp !== undefined && isAzureApipa(lng.bgp.peeringAddress);
      const facts: SiteFacts = {
        name: site.name,
        connectionName: cn.name,
        ipsecPolicy: cn.ipsecPolicy ? { ...cn.ipsecPolicy } : 'azure-default',
        dpdTimeoutSeconds: cn.dpdTimeoutSeconds ?? AZURE_DEFAULT_DPD_TIMEOUT_SECONDS,
        bgpEnabled: cn.enableBgp,
        azureBgpIps: cn.enableBgp ? azureBgpIpsFor(cn, instances, gw, apipa) : [],
        ...(cn.connectionStatus ? { connectionStatus: cn.connectionStatus } : {}),
      };
      if (o.includeKeys) facts.sharedKey = await api.getSharedKey(rg, cn.name, o);
      sites[i] = facts;
    }),
  );
  if (missing.length > 0) throw notDeployed(`not deployed yet: ${missing.sort().join(', ')}`);

  let expressRoute: AzureFacts['expressRoute'];
  const er = hub.azure.expressRoute;
  if (er) {
    const cn = await api.getConnection(rg, er.connectionName, o);
    expressRoute = { gatewayName: er.gatewayName, connected: cn !== undefined && (cn.provisioningState ?? 'Succeeded').toLowerCase() === 'succeeded' };
  }

  const peered = vnet ? peeredPrefixes(vnet) : [];
  return {
    version: FACTS_VERSION,
    hub: hubId(hub),
    location: gw.location || hub.azure.location,
    vnetAddressSpace: vnet ? [...vnet.addressSpace] : [...hub.azure.vnet.addressSpace],
    ...(peered.length ? { peeredPrefixes: peered } : {}),
    vpnGateway: {
      name: gw.name,
      asn: gw.asn ?? AZURE_DEFAULT_ASN,
      activeActive: gw.activeActive,
      sku: gw.sku,
      instances: instances.map(({ facts }) => facts),
    },
    ...(expressRoute ? { expressRoute } : {}),
    sites: sites.filter(Boolean),
  };
}

/**
 * The prefixes of the VNets peered with the hub that use its gateways: the hub side allows gateway transit
 * and the peering is up (Azure advertises these spokes to the VPN's BGP peers). Sorted, without duplicates.
 */
export function peeredPrefixes(vnet: VnetModel): string[] {
  const peerings = (vnet.peerings ?? []).filter((p) => p.allowGatewayTransit && (p.state ?? 'Connected').toLowerCase() === 'connected');
  return [...new Set(peerings.flatMap((p) => p.remotePrefixes))].sort();
}

interface Instance {
  facts: GatewayInstanceFacts;
  ipConfigurationId: string;
}

/**
 * One entry per gateway instance, in the order of the gateway's IP configurations. Each public IP is
 * paired with its BGP addresses through `bgpPeeringAddresses[].ipconfigurationId` -> the gateway's IP
 * configuration -> its public IP resource: never by position (answers may list the entries in another
 * order) and whether or not `tunnelIpAddresses` is there (older answers lack it).
 */
async function readInstances(api: AzureApi, rg: string, gw: GatewayModel, o: CallOptions): Promise<Instance[]> {
  const legacy = (gw.legacyBgpPeeringAddress ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (gw.ipConfigurations.length === 0) throw notDeployed(`gateway ${gw.name} has no IP configuration`);
  const out: Instance[] = [];
  for (const [index, cfg] of gw.ipConfigurations.entries()) {
    const ipConfigurationId = cfg.id ?? `${gw.id ?? ''}/ipConfigurations/${cfg.name}`;
    const b = gw.bgpPeeringAddresses.find((x) => sameId(x.ipConfigurationId, ipConfigurationId) || (!cfg.id && nameFromId(x.ipConfigurationId)?.toLowerCase() === cfg.name.toLowerCase()));
    const publicIp = await publicIpOf(api, rg, cfg.publicIpId, o);
    if (!publicIp) {
      throw notDeployed(`gateway ${gw.name} IP configuration ${cfg.name} has no public IP address yet`, 'wait until the gateway is provisioned (a dynamic IP gets its address then), then read again');
    }
    if (b && b.tunnelIps.length > 0 && !b.tunnelIps.includes(publicIp)) {
      throw new AzureError('ReadBackInconsistent', `gateway ${gw.name}: IP configuration ${cfg.name} uses public IP ${publicIp}, but its BGP entry names ${b.tunnelIps.join(', ')}`, { resource: gw.name }, 'read again in a moment (Azure may be moving the gateway); if it stays, check the gateway in the Azure portal');
    }
    // The legacy single-instance field only when Azure lists no per-instance entries.
    const defaultBgpIp = b?.defaultBgpIps[0] ?? (gw.bgpPeeringAddresses.length === 0 && gw.ipConfigurations.length === 1 ? legacy[0] : undefined);
    if (!defaultBgpIp) throw notDeployed(`gateway ${gw.name} reports no BGP address for IP configuration ${cfg.name}`, 'enable BGP on the gateway (tunnelsmith deploy), then read again');
    out.push({ ipConfigurationId, facts: { index, publicIp, defaultBgpIp, apipaBgpIps: [...(b?.customBgpIps ?? [])] } });
  }
  return out;
}

/** The address of the public IP resource an IP configuration names (it may live in another resource group). */
async function publicIpOf(api: AzureApi, hubRg: string, publicIpId: string, o: CallOptions): Promise<string | undefined> {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/publicIPAddresses\/([^/]+)$/i.exec(publicIpId);
  const rg = m?.[1] ?? hubRg;
  const name = m?.[2] ?? nameFromId(publicIpId);
  if (!name) return undefined;
  return (await api.getPublicIp(rg, name, o))?.ipAddress;
}

function azureBgpIpsFor(cn: ConnectionModel, instances: Instance[], gw: GatewayModel, apipa: boolean): string[] {
  return instances.map((inst) => {
    if (!apipa) return inst.facts.defaultBgpIp;
    const chosen = cn.customBgpIps.find((c) => sameId(c.ipConfigurationId, inst.ipConfigurationId));
    const address = chosen?.address ?? inst.facts.apipaBgpIps[0];
    if (!address) {
      throw notDeployed(`connection ${cn.name} peers with an APIPA address but gateway ${gw.name} instance ${inst.facts.index} has no custom APIPA BGP address`, 'set azure.vpnGateway.apipaBgpIps and deploy again');
    }
    return address;
  });
}

/**
 * The hub (or part of it) is not deployed yet: an answer, not an Azure failure (exit 11; design.md,
 * "Conventions"): facts, render, bundle and verify before deploy, or a gateway still being created.
 */
export function notDeployed(message: string, hint = 'run tunnelsmith deploy first'): NotReadyError {
  return new NotReadyError('NotDeployed', message, hint);
}
