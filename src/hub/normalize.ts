/** Applies the hub file's defaults to a file that passed every rule. Pure. */
import { AZURE_DEFAULT_DPD_TIMEOUT_SECONDS, SECURE_DEFAULT_POLICY } from '../policy/catalog';
import { AZURE_DEFAULT_ASN } from './azureValues';
import {
  defaultConnectionName, defaultExpressRouteConnectionName, defaultLocalNetworkGatewayName, defaultPublicIpNames,
} from './defaults';
import type { RawExpressRoute, RawHubFile, RawSite } from './schema';
import type { ExpressRouteSpec, Hub, Site } from './types';

/**
 * The normalized Hub: defaults applied (gateway ASN 65515, single instance, `<name>-pip1`, `lng-<site>`,
 * `cn-<site>`, DPD 45 s, the secure default policy, `<gatewayName>-cn`, no subnets), optional sections
 * left out when absent (spokePrefixes and expressRouteRoutesVia too: readers default them to none and bgp), and nothing shared with the input (every list and object is copied).
 */
export function normalizeHub(raw: RawHubFile): Hub {
  const { azure } = raw;
  const gw = azure.vpnGateway;
  const activeActive = gw.activeActive ?? false;
  return {
    azure: {
      ...(azure.subscriptionId !== undefined ? { subscriptionId: azure.subscriptionId } : {}),
      resourceGroup: azure.resourceGroup,
      location: azure.location,
      vnet: {
        name: azure.vnet.name,
        addressSpace: [...azure.vnet.addressSpace],
        gatewaySubnet: azure.vnet.gatewaySubnet,
        subnets: (azure.vnet.subnets ?? []).map((s) => ({ name: s.name, prefix: s.prefix })),
        ...(azure.vnet.spokePrefixes !== undefined ? { spokePrefixes: [...azure.vnet.spokePrefixes] } : {}),
      },
      vpnGateway: {
        name: gw.name,
        sku: gw.sku,
        activeActive,
        asn: gw.asn ?? AZURE_DEFAULT_ASN,
        ...(gw.apipaBgpIps !== undefined ? { apipaBgpIps: [...gw.apipaBgpIps] } : {}),
        publicIpNames: gw.publicIpNames ? [...gw.publicIpNames] : defaultPublicIpNames(gw.name, activeActive),
      },
      ...(azure.expressRoute ? { expressRoute: normalizeExpressRoute(azure.expressRoute) } : {}),
    },
    sites: raw.sites.map(normalizeSite),
  };
}

function normalizeExpressRoute(er: RawExpressRoute): ExpressRouteSpec {
  return {
    gatewayName: er.gatewayName,
    sku: er.sku,
    ...(er.circuitId !== undefined ? { circuitId: er.circuitId } : {}),
    ...(er.circuit !== undefined ? { circuit: { ...er.circuit } } : {}),
    connectionName: er.connectionName ?? defaultExpressRouteConnectionName(er.gatewayName),
    ...(er.publicIpName !== undefined ? { publicIpName: er.publicIpName } : {}),
    ...(er.authorizationKey !== undefined ? { authorizationKey: copySecretRef(er.authorizationKey) } : {}),
  };
}

function normalizeSite(site: RawSite): Site {
  return {
    name: site.name,
    device: site.device,
    publicIp: site.publicIp,
    addressSpace: [...site.addressSpace],
    ...(site.localNetworkGatewayPrefixes !== undefined ? { localNetworkGatewayPrefixes: [...site.localNetworkGatewayPrefixes] } : {}),
    ...(site.bgp ? { bgp: { asn: site.bgp.asn, peerIp: site.bgp.peerIp } } : {}),
    localNetworkGatewayName: site.localNetworkGatewayName ?? defaultLocalNetworkGatewayName(site.name),
    connectionName: site.connectionName ?? defaultConnectionName(site.name),
    ipsecPolicy: site.ipsecPolicy === undefined ? { ...SECURE_DEFAULT_POLICY } : site.ipsecPolicy === 'azure-default' ? 'azure-default' : { ...site.ipsecPolicy },
    dpdTimeoutSeconds: site.dpdTimeoutSeconds ?? AZURE_DEFAULT_DPD_TIMEOUT_SECONDS,
    ...(site.expressRouteRoutesVia !== undefined ? { expressRouteRoutesVia: site.expressRouteRoutesVia } : {}),
    ...(site.sharedKey !== undefined ? { sharedKey: copySecretRef(site.sharedKey) } : {}),
    deviceOptions: { ...(site.deviceOptions ?? {}) },
  };
}

function copySecretRef(ref: NonNullable<RawSite['sharedKey']>): NonNullable<Site['sharedKey']> {
  if ('env' in ref) return { env: ref.env };
  if ('file' in ref) return { file: ref.file };
  return { keyVault: { vaultName: ref.keyVault.vaultName, secretName: ref.keyVault.secretName } };
}
