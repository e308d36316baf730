/**
 * The Azure resources a hub needs, as desired plain models with a dependency graph. Pure.
 *
 * Decisions worth knowing:
 * - The VPN gateway always has BGP enabled (with the hub's ASN): a BGP site added later then needs no
 *   45-minute gateway update, and static sites are unaffected.
 * - The ExpressRoute gateway gets its own Standard static public IP (`<gatewayName>-pip1`).
 * - The two gateways do not wait for each other: Azure lets either be created first (azure-facts.md
 *   section 4), and deploy creates them at once (one after the other where Azure refuses that).
 * - A circuit the hub asks tunnelsmith to create (`expressRoute.circuit`) is `AzurePlan.circuit`, not one
 *   of `resources`: it is created beside the rest, and the ExpressRoute connection to it waits until the
 *   provider has provisioned it.
 */
import { hubId as hubIdOf, type Hub, type Site } from '../../hub/types';
import { isAzureApipa } from '../../net/ipv4';
import { AZURE_DEFAULT_ASN } from '../../hub/azureValues';
import { defaultExpressRoutePublicIpName } from '../../hub/defaults';
import { networkResourceId, ownershipTags, type ConnectionModel, type LngModel, type Tags } from '../client/model';
import { resourceKey, type PlannedCircuit, type PlannedResource, type ResourceKind } from '../resources/contract';
import { IPSEC_PROTOCOL } from '../resources/ipsecConnection';
import { GATEWAY_SUBNET, gatewaySubnetId } from '../resources/virtualNetwork';

export interface AzurePlan {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** `<resourceGroup>/<vnet>`. */
  hubId: string;
  tags: Tags;
  /** In a valid creation order. */
  resources: PlannedResource[];
  /** Present when the hub asks tunnelsmith to create the ExpressRoute circuit. */
  circuit?: PlannedCircuit;
}

/** `<gatewayId>/ipConfigurations/gwipconfig<n>` for instance index i. */
export function ipConfigurationId(gatewayId: string, index: number): string {
  return `${gatewayId}/ipConfigurations/${ipConfigurationName(index)}`;
}

export function ipConfigurationName(index: number): string {
  return `gwipconfig${index + 1}`;
}

/** The ExpressRoute gateway's default public IP name (`expressRoute.publicIpName` overrides it). */
export function erPublicIpName(gatewayName: string): string {
  return defaultExpressRoutePublicIpName(gatewayName);
}

/** The circuit's id, from `circuitId` or from the circuit tunnelsmith creates. Pure. */
export function circuitIdOf(hub: Hub, subscriptionId: string): string | undefined {
  const er = hub.azure.expressRoute;
  if (!er) return undefined;
  if (er.circuitId) return er.circuitId;
  return er.circuit ? networkResourceId(subscriptionId, hub.azure.resourceGroup, 'expressRouteCircuits', er.circuit.name) : undefined;
}

/**
 * Plans the desired Azure resources for a hub. Pure: the subscription is passed in.
 * Every resource carries the ownership tags (`managed-by`, `tunnelsmith-hub`).
 */
export function planAzure(hub: Hub, subscriptionId: string): AzurePlan {
  const az = hub.azure;
  const rg = az.resourceGroup;
  const location = az.location;
  const id = hubIdOf(hub);
  const tags = ownershipTags(id);
  const nid = (type: Parameters<typeof networkResourceId>[2], name: string) => networkResourceId(subscriptionId, rg, type, name);
  const resources: PlannedResource[] = [];
  const base = <K extends ResourceKind>(kind: K, name: string, field: string, dependsOn: string[] = []) => ({
    key: resourceKey(kind, name),
    name,
    field,
    dependsOn,
  });

  const rgKey = resourceKey('resourceGroup', rg);
  resources.push({ ...base('resourceGroup', rg, 'azure.resourceGroup'), kind: 'resourceGroup', desired: { name: rg, location, tags: { ...tags } } });

  const vnetName = az.vnet.name;
  const vnetKey = resourceKey('virtualNetwork', vnetName);
  const gatewaySubnet = gatewaySubnetId(nid('virtualNetworks', vnetName));
  resources.push({
    ...base('virtualNetwork', vnetName, 'azure.vnet', [rgKey]),
    kind: 'virtualNetwork',
    desired: {
      name: vnetName,
      location,
      tags: { ...tags },
      addressSpace: [...az.vnet.addressSpace],
      subnets: [{ name: GATEWAY_SUBNET, addressPrefix: az.vnet.gatewaySubnet }, ...az.vnet.subnets.map((s) => ({ name: s.name, addressPrefix: s.prefix }))],
    },
  });

  const pip = (name: string, field: string): PlannedResource => ({
    ...base('publicIp', name, field, [rgKey]),
    kind: 'publicIp',
    desired: { name, location, tags: { ...tags }, sku: 'Standard', allocation: 'Static' },
  });

  let erGatewayKey: string | undefined;
  const er = az.expressRoute;
  if (er) {
    const erPip = er.publicIpName ?? erPublicIpName(er.gatewayName);
    resources.push(pip(erPip, er.publicIpName ? 'azure.expressRoute.publicIpName' : 'azure.expressRoute.gatewayName'));
    erGatewayKey = resourceKey('erGateway', er.gatewayName);
    const erGatewayId = nid('virtualNetworkGateways', er.gatewayName);
    resources.push({
      ...base('erGateway', er.gatewayName, 'azure.expressRoute', [vnetKey, resourceKey('publicIp', erPip)]),
      kind: 'erGateway',
      desired: {
        name: er.gatewayName,
        location,
        tags: { ...tags },
        gatewayType: 'ExpressRoute',
        sku: er.sku,
        activeActive: false,
        enableBgp: false,
        ipConfigurations: [{ name: ipConfigurationName(0), subnetId: gatewaySubnet, publicIpId: nid('publicIPAddresses', erPip), id: ipConfigurationId(erGatewayId, 0) }],
        bgpPeeringAddresses: [],
      },
    });
  }

  const vpn = az.vpnGateway;
  const vpnGatewayId = nid('virtualNetworkGateways', vpn.name);
  const instances = vpn.activeActive ? 2 : 1;
  const vpnPipNames = vpn.publicIpNames.slice(0, instances);
  vpnPipNames.forEach((name, i) => resources.push(pip(name, `azure.vpnGateway.publicIpNames[${i}]`)));
  const vpnGatewayKey = resourceKey('vpnGateway', vpn.name);
  const bgpOptional = !hub.sites.some((s) => s.bgp) && vpn.asn === AZURE_DEFAULT_ASN && (vpn.apipaBgpIps ?? []).length === 0;
  resources.push({
    ...base('vpnGateway', vpn.name, 'azure.vpnGateway', [vnetKey, ...vpnPipNames.map((n) => resourceKey('publicIp', n))]),
    ...(bgpOptional ? { bgpOptional } : {}),
    kind: 'vpnGateway',
    desired: {
      name: vpn.name,
      location,
      tags: { ...tags },
      gatewayType: 'Vpn',
      vpnType: 'RouteBased',
      sku: vpn.sku,
      activeActive: vpn.activeActive,
      enableBgp: true,
      asn: vpn.asn,
      ipConfigurations: vpnPipNames.map((n, i) => ({ name: ipConfigurationName(i), subnetId: gatewaySubnet, publicIpId: nid('publicIPAddresses', n), id: ipConfigurationId(vpnGatewayId, i) })),
      bgpPeeringAddresses: vpnPipNames.map((_, i) => ({
        ipConfigurationId: ipConfigurationId(vpnGatewayId, i),
        defaultBgpIps: [],
        customBgpIps: vpn.apipaBgpIps?.[i] !== undefined ? [vpn.apipaBgpIps[i]] : [],
        tunnelIps: [],
      })),
    },
  });

  hub.sites.forEach((site, i) => {
    const lngKey = resourceKey('localNetworkGateway', site.localNetworkGatewayName);
    resources.push({
      ...base('localNetworkGateway', site.localNetworkGatewayName, `sites[${i}]`, [rgKey]),
      kind: 'localNetworkGateway',
      site: site.name,
      prefixesExplicit: site.localNetworkGatewayPrefixes !== undefined,
      bgp: site.bgp !== undefined,
      desired: planLng(site, location, tags),
    });
    resources.push({
      ...base('ipsecConnection', site.connectionName, `sites[${i}]`, [vpnGatewayKey, lngKey]),
      kind: 'ipsecConnection',
      site: site.name,
      desired: planIpsecConnection(site, {
        location,
        tags,
        gatewayId: vpnGatewayId,
        lngId: nid('localNetworkGateways', site.localNetworkGatewayName),
        instances,
        apipaBgpIps: vpn.apipaBgpIps,
      }),
    });
  });

  let circuit: PlannedCircuit | undefined;
  if (er?.circuit && !er.circuitId) {
    const c = er.circuit;
    circuit = {
      key: `circuit:${c.name}`,
      name: c.name,
      field: 'azure.expressRoute.circuit',
      id: nid('expressRouteCircuits', c.name),
      desired: {
        name: c.name,
        location,
        tags: { ...tags },
        serviceProviderName: c.serviceProviderName,
        peeringLocation: c.peeringLocation,
        bandwidthInMbps: c.bandwidthInMbps,
        skuTier: c.skuTier,
        skuFamily: c.skuFamily,
      },
    };
  }

  const circuitId = er?.circuitId ?? circuit?.id;
  if (er && erGatewayKey && circuitId) {
    resources.push({
      ...base('erConnection', er.connectionName, 'azure.expressRoute', [erGatewayKey]),
      kind: 'erConnection',
      desired: {
        name: er.connectionName,
        location,
        tags: { ...tags },
        connectionType: 'ExpressRoute',
        gatewayId: nid('virtualNetworkGateways', er.gatewayName),
        circuitId,
        enableBgp: false,
        customBgpIps: [],
      },
    });
  }

  return { subscriptionId, resourceGroup: rg, location, hubId: id, tags, resources, ...(circuit ? { circuit } : {}) };
}

/**
 * A site's local network gateway. Its prefixes are static routes in Azure: the site's addressSpace for a
 * static site, none for a BGP site (Azure learns them over BGP and adds the peer's host route itself;
 * azure-facts.md section 2), or what `localNetworkGatewayPrefixes` says.
 */
function planLng(site: Site, location: string, tags: Tags): LngModel {
  return {
    name: site.localNetworkGatewayName,
    location,
    tags: { ...tags },
    gatewayIpAddress: site.publicIp,
    addressPrefixes: [...(site.localNetworkGatewayPrefixes ?? (site.bgp ? [] : site.addressSpace))],
    ...(site.bgp ? { bgp: { asn: site.bgp.asn, peeringAddress: site.bgp.peerIp } } : {}),
  };
}

function planIpsecConnection(
  site: Site,
  c: { location: string; tags: Tags; gatewayId: string; lngId: string; instances: number; apipaBgpIps?: string[] },
): ConnectionModel {
  // Azure uses custom (APIPA) BGP addresses only when the on-prem BGP address is APIPA; then the
  // connection names the one to use per gateway instance (azure-facts.md section 2).
  const apipa = site.bgp !== undefined && isAzureApipa(site.bgp.peerIp) && c.apipaBgpIps !== undefined;
  return {
    name: site.connectionName,
    location: c.location,
    tags: { ...c.tags },
    connectionType: 'IPsec',
    gatewayId: c.gatewayId,
    localNetworkGatewayId: c.lngId,
    connectionProtocol: IPSEC_PROTOCOL,
    ...(site.ipsecPolicy === 'azure-default' ? {} : { ipsecPolicy: { ...site.ipsecPolicy } }),
    dpdTimeoutSeconds: site.dpdTimeoutSeconds,
    enableBgp: site.bgp !== undefined,
    customBgpIps: apipa
      ? Array.from({ length: c.instances }, (_, i) => ({ ipConfigurationId: ipConfigurationId(c.gatewayId, i), address: c.apipaBgpIps![i] })).filter((x) => x.address !== undefined)
      : [],
  };
}
