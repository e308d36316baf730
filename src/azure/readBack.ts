/**
 * Read-back: what only Azure knows, as the plain `AzureFacts` the renderers use. Public IPs are paired
 * with BGP addresses through `bgpPeeringAddresses[].tunnelIpAddresses` (one entry per gateway instance);
 * each connection's Azure BGP address is the custom APIPA one when the site's BGP address is APIPA,
 * else the instance's GatewaySubnet address. Shared keys come from the shared-key operation.
 */
import { AzureError } from '../errors';
import { FACTS_VERSION, type AzureFacts, type GatewayInstanceFacts, type SiteFacts } from '../facts/types';
import { hubId, type Hub } from '../hub/types';
import { AZURE_DEFAULT_ASN } from '../hub/azureValues';
import { isAzureApipa } from '../net/ipv4';
import { AZURE_DEFAULT_DPD_TIMEOUT_SECONDS } from '../policy/catalog';
import type { AzureApi, CallOptions } from './client/api';
import { isBusy, sameId, type ConnectionModel, type GatewayModel, type VnetModel } from './client/model';

export interface ReadBackOptions extends CallOptions {
  /** Read each connection's shared key (GET .../sharedkey). */
  includeKeys: boolean;
}

/** Reads the facts of a deployed hub. Throws AzureError (`NotDeployed`) naming what is missing. */
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

/** One entry per gateway instance, in the order of `bgpSettings.bgpPeeringAddresses`. */
async function readInstances(api: AzureApi, rg: string, gw: GatewayModel, o: CallOptions): Promise<Instance[]> {
  const legacy = (gw.legacyBgpPeeringAddress ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const source = gw.bgpPeeringAddresses.length > 0
    ? gw.bgpPeeringAddresses.map((b) => ({ ipConfigurationId: b.ipConfigurationId, b }))
    : gw.ipConfigurations.map((c) => ({ ipConfigurationId: c.id ?? c.name, b: undefined }));
  const out: Instance[] = [];
  for (const [index, { ipConfigurationId, b }] of source.entries()) {
    let publicIp = b?.tunnelIps[0];
    if (!publicIp) {
      // Older answers carry no tunnelIpAddresses: follow the IP configuration to its public IP.
      const cfg = gw.ipConfigurations.find((c) => sameId(c.id, ipConfigurationId)) ?? gw.ipConfigurations[index];
      const pipName = cfg?.publicIpId.split('/').pop();
      const pip = pipName ? await api.getPublicIp(rg, pipName, o) : undefined;
      publicIp = pip?.ipAddress;
    }
    if (!publicIp) {
      throw notDeployed(`gateway ${gw.name} instance ${index} has no public IP address yet`, 'wait until the gateway is provisioned (a dynamic IP gets its address then), then read again');
    }
    const defaultBgpIp = b?.defaultBgpIps[0] ?? legacy[index];
    if (!defaultBgpIp) throw notDeployed(`gateway ${gw.name} instance ${index} reports no BGP address`, 'enable BGP on the gateway (tunnelsmith deploy), then read again');
    out.push({ ipConfigurationId, facts: { index, publicIp, defaultBgpIp, apipaBgpIps: [...(b?.customBgpIps ?? [])] } });
  }
  if (out.length === 0) throw notDeployed(`gateway ${gw.name} has no IP configuration`);
  return out;
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

function notDeployed(message: string, hint = 'run tunnelsmith deploy first'): AzureError {
  return new AzureError('NotDeployed', message, { statusCode: 404 }, hint);
}
