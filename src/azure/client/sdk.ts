/**
 * The one implementation of `AzureApi`, on @azure/arm-network and @azure/arm-resources.
 * SDK shapes are converted to the plain models of `model.ts` here and nowhere else.
 * Updates are GET-merge-PUT: fields tunnelsmith does not model are sent back as Azure holds them,
 * so a PUT never wipes settings someone else made (NAT rules, DNS servers, subnet NSGs, ...).
 */
import { NetworkManagementClient } from '@azure/arm-network';
import type {
  BgpPeerStatus,
  ExpressRouteCircuit,
  GatewayRoute,
  LocalNetworkGateway,
  PublicIPAddress,
  Subnet,
  VirtualNetwork,
  VirtualNetworkPeering,
  VirtualNetworkGateway,
  VirtualNetworkGatewayConnection,
} from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureApi, CallOptions, ConnectionSecrets } from './api';
import { isAbortError, isNotFound, toAzureError } from './errors';
import { requestPacingPolicy } from './pacingPolicy';
import { tokenFilePolicies } from './tokenPolicy';
import type {
  BgpPeerModel,
  CircuitModel,
  CircuitSpecModel,
  ConnectionModel,
  GatewayModel,
  ListedResource,
  LngModel,
  NetworkResourceType,
  PublicIpModel,
  ResourceGroupModel,
  RouteModel,
  SubnetModel,
  VnetModel,
  VnetPeeringModel,
} from './model';

export interface SdkApiOptions {
  credential: TokenCredential;
  subscriptionId: string;
  /** ARM endpoint; default Azure public cloud. */
  endpoint?: string;
  /** Token scopes for ARM (default `<public ARM>/.default`, which sovereign clouds override). */
  credentialScopes?: string[];
  /** Extra CA certificate(s) (PEM) to trust, e.g. the emulator's. */
  ca?: string;
  /** Poll interval of long-running operations when Azure sends no Retry-After (SDK default 2000). */
  pollIntervalMs?: number;
  /** SDK retry policy (at most maxRetries + 1 attempts). */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

const DEFAULT_SCOPE = 'https://management.azure.com/.default';

/** Creates the SDK-backed AzureApi. Nothing is sent until the first call. */
export function createSdkApi(options: SdkApiOptions): AzureApi {
  return new SdkApi(options);
}

class SdkApi implements AzureApi {
  readonly subscriptionId: string;
  private readonly network: NetworkManagementClient;
  private readonly resources: ResourceManagementClient;
  private readonly otherSubscriptions = new Map<string, NetworkManagementClient>();

  constructor(private readonly options: SdkApiOptions) {
    this.subscriptionId = options.subscriptionId;
    this.network = this.networkClient(options.subscriptionId);
    this.resources = new ResourceManagementClient(options.credential, options.subscriptionId, this.clientOptions());
  }

  private clientOptions() {
    const o = this.options;
    return {
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      credentialScopes: o.credentialScopes ?? [DEFAULT_SCOPE],
      ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
      ...(o.retry ? { retryOptions: o.retry } : {}),
      additionalPolicies: [requestPacingPolicy(), ...tokenFilePolicies(o.credential)] as never,
    };
  }

  private networkClient(subscriptionId: string): NetworkManagementClient {
    return new NetworkManagementClient(this.options.credential, subscriptionId, this.clientOptions());
  }

  private lro(o?: CallOptions) {
    return {
      ...(o?.signal ? { abortSignal: o.signal } : {}),
      ...(this.options.pollIntervalMs !== undefined ? { updateIntervalInMs: this.options.pollIntervalMs } : {}),
    };
  }

  private plain(o?: CallOptions) {
    return o?.signal ? { abortSignal: o.signal } : {};
  }

  /** Runs a read; a 404 (resource or group missing) becomes undefined. */
  private async read<T>(what: string, resource: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw toAzureError(e, { operation: what, resource });
    }
  }

  private async call<T>(what: string, resource: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toAzureError(e, { operation: what, resource });
    }
  }

  // ---- resource group ----
  async getResourceGroup(name: string, o?: CallOptions): Promise<ResourceGroupModel | undefined> {
    const rg = await this.read('get resource group', name, () => this.resources.resourceGroups.get(name, this.plain(o)));
    return rg && { name: rg.name ?? name, location: rg.location, tags: rg.tags ?? {}, id: rg.id, provisioningState: rg.properties?.provisioningState };
  }

  async putResourceGroup(rg: ResourceGroupModel, o?: CallOptions): Promise<ResourceGroupModel> {
    const out = await this.call('create resource group', rg.name, () =>
      this.resources.resourceGroups.createOrUpdate(rg.name, { location: rg.location, tags: rg.tags }, this.plain(o)),
    );
    return { name: out.name ?? rg.name, location: out.location, tags: out.tags ?? {}, id: out.id, provisioningState: out.properties?.provisioningState };
  }

  async deleteResourceGroup(name: string, o?: CallOptions): Promise<void> {
    try {
      await this.resources.resourceGroups.beginDeleteAndWait(name, this.lro(o));
    } catch (e) {
      if (isNotFound(e)) return;
      throw toAzureError(e, { operation: 'delete resource group', resource: name });
    }
  }

  // ---- virtual network ----
  async getVnet(rg: string, name: string, o?: CallOptions): Promise<VnetModel | undefined> {
    const v = await this.read('get virtual network', name, () => this.network.virtualNetworks.get(rg, name, this.plain(o)));
    return v && vnetFromSdk(v, name);
  }

  async putVnet(rg: string, vnet: VnetModel, o?: CallOptions): Promise<VnetModel> {
    const current = await this.read('get virtual network', vnet.name, () => this.network.virtualNetworks.get(rg, vnet.name, this.plain(o)));
    const body: VirtualNetwork = { ...(current ?? {}), location: vnet.location, tags: vnet.tags };
    body.addressSpace = { ...(current?.addressSpace ?? {}), addressPrefixes: [...vnet.addressSpace] };
    const subnets: Subnet[] = [...(current?.subnets ?? [])];
    for (const want of vnet.subnets) {
      const i = subnets.findIndex((s) => (s.name ?? '').toLowerCase() === want.name.toLowerCase());
      if (i >= 0) subnets[i] = { ...subnets[i], addressPrefix: want.addressPrefix, addressPrefixes: undefined };
      else subnets.push({ name: want.name, addressPrefix: want.addressPrefix });
    }
    body.subnets = subnets;
    const out = await this.call('create or update virtual network', vnet.name, () =>
      this.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, vnet.name, body, this.lro(o)),
    );
    return vnetFromSdk(out, vnet.name);
  }

  async listSubnets(rg: string, vnet: string, o?: CallOptions): Promise<SubnetModel[]> {
    const all = await this.read('list subnets', vnet, () => collect(this.network.subnets.list(rg, vnet, this.plain(o))));
    return (all ?? []).map(subnetFromSdk);
  }

  // ---- public IP ----
  async getPublicIp(rg: string, name: string, o?: CallOptions): Promise<PublicIpModel | undefined> {
    const p = await this.read('get public IP', name, () => this.network.publicIPAddresses.get(rg, name, this.plain(o)));
    return p && pipFromSdk(p, name);
  }

  async putPublicIp(rg: string, pip: PublicIpModel, o?: CallOptions): Promise<PublicIpModel> {
    const current = await this.read('get public IP', pip.name, () => this.network.publicIPAddresses.get(rg, pip.name, this.plain(o)));
    const body: PublicIPAddress = {
      ...(current ?? {}),
      location: pip.location,
      tags: pip.tags,
      sku: { ...(current?.sku ?? {}), name: pip.sku, tier: current?.sku?.tier ?? 'Regional' },
      publicIPAllocationMethod: pip.allocation,
      publicIPAddressVersion: current?.publicIPAddressVersion ?? 'IPv4',
    };
    const out = await this.call('create or update public IP', pip.name, () =>
      this.network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, pip.name, body, this.lro(o)),
    );
    return pipFromSdk(out, pip.name);
  }

  // ---- virtual network gateway ----
  async getGateway(rg: string, name: string, o?: CallOptions): Promise<GatewayModel | undefined> {
    const g = await this.read('get gateway', name, () => this.network.virtualNetworkGateways.get(rg, name, this.plain(o)));
    return g && gatewayFromSdk(g, name);
  }

  async putGateway(rg: string, gw: GatewayModel, o?: CallOptions): Promise<GatewayModel> {
    const current = await this.read('get gateway', gw.name, () => this.network.virtualNetworkGateways.get(rg, gw.name, this.plain(o)));
    const body: VirtualNetworkGateway = {
      ...(current ?? {}),
      location: gw.location,
      tags: gw.tags,
      gatewayType: gw.gatewayType,
      sku: { ...(current?.sku ?? {}), name: gw.sku, tier: gw.sku },
      active: gw.activeActive,
      enableBgp: gw.enableBgp,
      ipConfigurations: gw.ipConfigurations.map((c) => {
        const old = current?.ipConfigurations?.find((x) => (x.name ?? '').toLowerCase() === c.name.toLowerCase());
        return {
          ...(old ?? {}),
          name: c.name,
          privateIPAllocationMethod: old?.privateIPAllocationMethod ?? 'Dynamic',
          subnet: { id: c.subnetId },
          publicIPAddress: { id: c.publicIpId },
        };
      }),
    };
    if (gw.vpnType !== undefined) body.vpnType = gw.vpnType;
    if (gw.asn !== undefined) {
      body.bgpSettings = {
        ...(current?.bgpSettings ?? {}),
        asn: gw.asn,
        bgpPeeringAddresses: gw.bgpPeeringAddresses.map((b) => ({ ipconfigurationId: b.ipConfigurationId, customBgpIpAddresses: [...b.customBgpIps] })),
      };
    }
    const out = await this.call(`create or update ${gw.gatewayType === 'ExpressRoute' ? 'ExpressRoute' : 'VPN'} gateway`, gw.name, () =>
      this.network.virtualNetworkGateways.beginCreateOrUpdateAndWait(rg, gw.name, body, this.lro(o)),
    );
    return gatewayFromSdk(out, gw.name);
  }

  async getBgpPeerStatus(rg: string, gateway: string, o?: CallOptions): Promise<BgpPeerModel[]> {
    const out = await this.call('get BGP peer status', gateway, () =>
      this.network.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(rg, gateway, this.lro(o)),
    );
    return (out.value ?? []).map(peerFromSdk);
  }

  async getLearnedRoutes(rg: string, gateway: string, o?: CallOptions): Promise<RouteModel[]> {
    const out = await this.call('get learned routes', gateway, () =>
      this.network.virtualNetworkGateways.beginGetLearnedRoutesAndWait(rg, gateway, this.lro(o)),
    );
    return (out.value ?? []).map(routeFromSdk);
  }

  async getAdvertisedRoutes(rg: string, gateway: string, peer: string, o?: CallOptions): Promise<RouteModel[]> {
    const out = await this.call('get advertised routes', gateway, () =>
      this.network.virtualNetworkGateways.beginGetAdvertisedRoutesAndWait(rg, gateway, peer, this.lro(o)),
    );
    return (out.value ?? []).map(routeFromSdk);
  }

  // ---- local network gateway ----
  async getLocalNetworkGateway(rg: string, name: string, o?: CallOptions): Promise<LngModel | undefined> {
    const l = await this.read('get local network gateway', name, () => this.network.localNetworkGateways.get(rg, name, this.plain(o)));
    return l && lngFromSdk(l, name);
  }

  async putLocalNetworkGateway(rg: string, lng: LngModel, o?: CallOptions): Promise<LngModel> {
    const current = await this.read('get local network gateway', lng.name, () => this.network.localNetworkGateways.get(rg, lng.name, this.plain(o)));
    const body: LocalNetworkGateway = {
      ...(current ?? {}),
      location: lng.location,
      tags: lng.tags,
      gatewayIpAddress: lng.gatewayIpAddress,
      localNetworkAddressSpace: { ...(current?.localNetworkAddressSpace ?? {}), addressPrefixes: [...lng.addressPrefixes] },
      bgpSettings: lng.bgp ? { asn: lng.bgp.asn, bgpPeeringAddress: lng.bgp.peeringAddress } : undefined,
    };
    const out = await this.call('create or update local network gateway', lng.name, () =>
      this.network.localNetworkGateways.beginCreateOrUpdateAndWait(rg, lng.name, body, this.lro(o)),
    );
    return lngFromSdk(out, lng.name);
  }

  // ---- connection ----
  async getConnection(rg: string, name: string, o?: CallOptions): Promise<ConnectionModel | undefined> {
    const c = await this.read('get connection', name, () => this.network.virtualNetworkGatewayConnections.get(rg, name, this.plain(o)));
    return c && connectionFromSdk(c, name);
  }

  async putConnection(rg: string, cn: ConnectionModel, secrets: ConnectionSecrets = {}, o?: CallOptions): Promise<ConnectionModel> {
    const current = await this.read('get connection', cn.name, () => this.network.virtualNetworkGatewayConnections.get(rg, cn.name, this.plain(o)));
    const body: VirtualNetworkGatewayConnection = {
      ...(current ?? {}),
      location: cn.location,
      tags: cn.tags,
      connectionType: cn.connectionType,
      virtualNetworkGateway1: { id: cn.gatewayId },
      enableBgp: cn.enableBgp,
    };
    if (cn.localNetworkGatewayId) body.localNetworkGateway2 = { id: cn.localNetworkGatewayId };
    if (cn.circuitId) body.peer = { id: cn.circuitId };
    if (cn.connectionType === 'IPsec') {
      body.connectionProtocol = cn.connectionProtocol;
      body.ipsecPolicies = cn.ipsecPolicy ? [{ ...cn.ipsecPolicy }] : [];
      body.dpdTimeoutSeconds = cn.dpdTimeoutSeconds;
      body.gatewayCustomBgpIpAddresses = cn.customBgpIps.map((c) => ({ ipConfigurationId: c.ipConfigurationId, customBgpIpAddress: c.address }));
    }
    if (cn.routingWeight !== undefined) body.routingWeight = cn.routingWeight;
    // The key goes only into a create: a PUT never changes an existing connection's key (hub-file.md).
    if (!current && secrets.sharedKey !== undefined) body.sharedKey = secrets.sharedKey;
    if (secrets.authorizationKey !== undefined) body.authorizationKey = secrets.authorizationKey;
    const out = await this.call('create or update connection', cn.name, () =>
      this.network.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(rg, cn.name, body, this.lro(o)),
    );
    return connectionFromSdk(out, cn.name);
  }

  async getSharedKey(rg: string, connection: string, o?: CallOptions): Promise<string> {
    const out = await this.call('get shared key', connection, () =>
      this.network.virtualNetworkGatewayConnections.getSharedKey(rg, connection, this.plain(o)),
    );
    return out.value;
  }

  async setSharedKey(rg: string, connection: string, key: string, o?: CallOptions): Promise<void> {
    await this.call('set shared key', connection, () =>
      this.network.virtualNetworkGatewayConnections.beginSetSharedKeyAndWait(rg, connection, { value: key }, this.lro(o)),
    );
  }

  // ---- circuit ----
  async getCircuit(circuitId: string, o?: CallOptions): Promise<CircuitModel | undefined> {
    const parsed = parseArmId(circuitId);
    if (!parsed) throw toAzureError(new Error(`not an ExpressRoute circuit id: ${circuitId}`), { operation: 'get circuit', resource: circuitId });
    const client = parsed.subscriptionId.toLowerCase() === this.subscriptionId.toLowerCase()
      ? this.network
      : this.clientFor(parsed.subscriptionId);
    const c = await this.read('get ExpressRoute circuit', parsed.name, () => client.expressRouteCircuits.get(parsed.resourceGroup, parsed.name, this.plain(o)));
    return c && circuitFromSdk(c, circuitId, parsed.name);
  }

  async putCircuit(rg: string, circuit: CircuitSpecModel, o?: CallOptions): Promise<CircuitModel> {
    const current = await this.read('get ExpressRoute circuit', circuit.name, () => this.network.expressRouteCircuits.get(rg, circuit.name, this.plain(o)));
    // GET-merge-PUT: the peerings and authorizations the provider and the owner made stay as they are.
    const body: ExpressRouteCircuit = {
      ...(current ?? {}),
      location: circuit.location,
      tags: circuit.tags,
      sku: { name: `${circuit.skuTier}_${circuit.skuFamily}`, tier: circuit.skuTier, family: circuit.skuFamily },
      serviceProviderProperties: {
        ...(current?.serviceProviderProperties ?? {}),
        serviceProviderName: circuit.serviceProviderName,
        peeringLocation: circuit.peeringLocation,
        bandwidthInMbps: circuit.bandwidthInMbps,
      },
    };
    const out = await this.call('create or update ExpressRoute circuit', circuit.name, () =>
      this.network.expressRouteCircuits.beginCreateOrUpdateAndWait(rg, circuit.name, body, this.lro(o)),
    );
    const id = out.id ?? `/subscriptions/${this.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/expressRouteCircuits/${circuit.name}`;
    return circuitFromSdk(out, id, circuit.name);
  }

  private clientFor(subscriptionId: string): NetworkManagementClient {
    let c = this.otherSubscriptions.get(subscriptionId);
    if (!c) {
      c = this.networkClient(subscriptionId);
      this.otherSubscriptions.set(subscriptionId, c);
    }
    return c;
  }

  // ---- lists and deletes ----
  async listByType(rg: string, type: NetworkResourceType, o?: CallOptions): Promise<ListedResource[]> {
    const p = this.plain(o);
    const n = this.network;
    const listed = await this.read(`list ${type}`, rg, async (): Promise<ListedResource[]> => {
      switch (type) {
        case 'virtualNetworks':
          return (await collect(n.virtualNetworks.list(rg, p))).map((r) => toListed(type, r));
        case 'publicIPAddresses':
          return (await collect(n.publicIPAddresses.list(rg, p))).map((r) => toListed(type, r));
        case 'virtualNetworkGateways':
          return (await collect(n.virtualNetworkGateways.list(rg, p))).map((r) => ({ ...toListed(type, r), gatewayType: r.gatewayType }));
        case 'localNetworkGateways':
          return (await collect(n.localNetworkGateways.list(rg, p))).map((r) => toListed(type, r));
        case 'connections':
          return (await collect(n.virtualNetworkGatewayConnections.list(rg, p))).map((r) => ({
            ...toListed(type, r),
            gatewayType: r.connectionType,
            ...(r.virtualNetworkGateway1?.id ? { gatewayId: r.virtualNetworkGateway1.id } : {}),
          }));
        case 'expressRouteCircuits':
          return (await collect(n.expressRouteCircuits.list(rg, p))).map((r) => ({
            ...toListed(type, r),
            ...(r.serviceProviderProvisioningState ? { serviceProviderProvisioningState: r.serviceProviderProvisioningState } : {}),
          }));
      }
    });
    return listed ?? [];
  }

  async listResourceGroupContents(rg: string, o?: CallOptions): Promise<string[] | undefined> {
    try {
      const all = await collect(this.resources.resources.listByResourceGroup(rg, this.plain(o)));
      return all.map((r) => r.id ?? r.name ?? '');
    } catch (e) {
      if (isAbortError(e)) throw e;
      return undefined;
    }
  }

  async deleteResource(rg: string, type: NetworkResourceType, name: string, o?: CallOptions): Promise<void> {
    const n = this.network;
    const opts = this.lro(o);
    try {
      switch (type) {
        case 'virtualNetworks':
          return await n.virtualNetworks.beginDeleteAndWait(rg, name, opts);
        case 'publicIPAddresses':
          return await n.publicIPAddresses.beginDeleteAndWait(rg, name, opts);
        case 'virtualNetworkGateways':
          return await n.virtualNetworkGateways.beginDeleteAndWait(rg, name, opts);
        case 'localNetworkGateways':
          return await n.localNetworkGateways.beginDeleteAndWait(rg, name, opts);
        case 'connections':
          return await n.virtualNetworkGatewayConnections.beginDeleteAndWait(rg, name, opts);
        case 'expressRouteCircuits':
          return await n.expressRouteCircuits.beginDeleteAndWait(rg, name, opts);
      }
    } catch (e) {
      if (isNotFound(e)) return;
      throw toAzureError(e, { operation: `delete ${type}`, resource: name });
    }
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function toListed(type: NetworkResourceType, r: { name?: string; id?: string; tags?: Record<string, string>; provisioningState?: string }): ListedResource {
  return { type, name: r.name ?? '', id: r.id, tags: r.tags ?? {}, provisioningState: r.provisioningState };
}

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}`. */
export function parseArmId(id: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id.trim());
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

function subnetFromSdk(s: Subnet): SubnetModel {
  return { name: s.name ?? '', addressPrefix: s.addressPrefix ?? s.addressPrefixes?.[0] ?? '', id: s.id };
}

function vnetFromSdk(v: VirtualNetwork, name: string): VnetModel {
  return {
    name: v.name ?? name,
    location: v.location ?? '',
    tags: v.tags ?? {},
    id: v.id,
    provisioningState: v.provisioningState,
    addressSpace: [...(v.addressSpace?.addressPrefixes ?? [])],
    subnets: (v.subnets ?? []).map(subnetFromSdk),
    ...(v.virtualNetworkPeerings ? { peerings: v.virtualNetworkPeerings.map(peeringFromSdk) } : {}),
  };
}

function peeringFromSdk(p: VirtualNetworkPeering): VnetPeeringModel {
  return {
    name: p.name ?? '',
    remotePrefixes: [...(p.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? p.remoteAddressSpace?.addressPrefixes ?? [])],
    allowGatewayTransit: p.allowGatewayTransit === true,
    ...(p.peeringState ? { state: p.peeringState } : {}),
  };
}

function pipFromSdk(p: PublicIPAddress, name: string): PublicIpModel {
  return {
    name: p.name ?? name,
    location: p.location ?? '',
    tags: p.tags ?? {},
    id: p.id,
    provisioningState: p.provisioningState,
    sku: p.sku?.name ?? 'Basic',
    allocation: p.publicIPAllocationMethod ?? 'Dynamic',
    ipAddress: p.ipAddress,
  };
}

function gatewayFromSdk(g: VirtualNetworkGateway, name: string): GatewayModel {
  return {
    name: g.name ?? name,
    location: g.location ?? '',
    tags: g.tags ?? {},
    id: g.id,
    provisioningState: g.provisioningState,
    gatewayType: g.gatewayType ?? '',
    vpnType: g.vpnType,
    sku: g.sku?.name ?? '',
    ...(g.vpnGatewayGeneration && g.vpnGatewayGeneration !== 'None' ? { generation: g.vpnGatewayGeneration } : {}),
    activeActive: g.active ?? false,
    enableBgp: g.enableBgp ?? false,
    ipConfigurations: (g.ipConfigurations ?? []).map((c) => ({
      name: c.name ?? '',
      subnetId: c.subnet?.id ?? '',
      publicIpId: c.publicIPAddress?.id ?? '',
      id: c.id,
    })),
    asn: g.bgpSettings?.asn,
    bgpPeeringAddresses: (g.bgpSettings?.bgpPeeringAddresses ?? []).map((b) => ({
      ipConfigurationId: b.ipconfigurationId ?? '',
      defaultBgpIps: [...(b.defaultBgpIpAddresses ?? [])],
      customBgpIps: [...(b.customBgpIpAddresses ?? [])],
      tunnelIps: [...(b.tunnelIpAddresses ?? [])],
    })),
    legacyBgpPeeringAddress: g.bgpSettings?.bgpPeeringAddress,
  };
}

function lngFromSdk(l: LocalNetworkGateway, name: string): LngModel {
  const bgp = l.bgpSettings?.asn !== undefined && l.bgpSettings.bgpPeeringAddress
    ? { asn: l.bgpSettings.asn, peeringAddress: l.bgpSettings.bgpPeeringAddress }
    : undefined;
  return {
    name: l.name ?? name,
    location: l.location ?? '',
    tags: l.tags ?? {},
    id: l.id,
    provisioningState: l.provisioningState,
    gatewayIpAddress: l.gatewayIpAddress ?? '',
    addressPrefixes: [...(l.localNetworkAddressSpace?.addressPrefixes ?? [])],
    ...(bgp ? { bgp } : {}),
  };
}

function connectionFromSdk(c: VirtualNetworkGatewayConnection, name: string): ConnectionModel {
  const p = c.ipsecPolicies?.[0];
  return {
    name: c.name ?? name,
    location: c.location ?? '',
    tags: c.tags ?? {},
    id: c.id,
    provisioningState: c.provisioningState,
    connectionType: c.connectionType,
    gatewayId: c.virtualNetworkGateway1?.id ?? '',
    localNetworkGatewayId: c.localNetworkGateway2?.id,
    circuitId: c.peer?.id,
    connectionProtocol: c.connectionProtocol,
    ipsecPolicy: p
      ? {
          ikeEncryption: p.ikeEncryption,
          ikeIntegrity: p.ikeIntegrity,
          dhGroup: p.dhGroup,
          ipsecEncryption: p.ipsecEncryption,
          ipsecIntegrity: p.ipsecIntegrity,
          pfsGroup: p.pfsGroup,
          saLifeTimeSeconds: p.saLifeTimeSeconds,
          saDataSizeKilobytes: p.saDataSizeKilobytes,
        }
      : undefined,
    dpdTimeoutSeconds: c.dpdTimeoutSeconds,
    enableBgp: c.enableBgp ?? false,
    customBgpIps: (c.gatewayCustomBgpIpAddresses ?? []).map((x) => ({ ipConfigurationId: x.ipConfigurationId, address: x.customBgpIpAddress })),
    routingWeight: c.routingWeight,
    connectionStatus: c.connectionStatus,
  };
}

function circuitFromSdk(c: ExpressRouteCircuit, id: string, name: string): CircuitModel {
  const privatePeering = (c.peerings ?? []).some(
    (p) => (p.peeringType ?? p.name ?? '').toLowerCase() === 'azureprivatepeering' && (p.state === undefined || p.state.toLowerCase() === 'enabled'),
  );
  const spp = c.serviceProviderProperties;
  return {
    id: c.id ?? id,
    name: c.name ?? name,
    location: c.location,
    tags: c.tags ?? {},
    serviceProviderProvisioningState: c.serviceProviderProvisioningState,
    provisioningState: c.provisioningState,
    privatePeering,
    ...(c.serviceKey ? { serviceKey: c.serviceKey } : {}),
    ...(spp?.serviceProviderName ? { serviceProviderName: spp.serviceProviderName } : {}),
    ...(spp?.peeringLocation ? { peeringLocation: spp.peeringLocation } : {}),
    ...(spp?.bandwidthInMbps !== undefined ? { bandwidthInMbps: spp.bandwidthInMbps } : {}),
    ...(c.sku?.tier ? { skuTier: c.sku.tier } : {}),
    ...(c.sku?.family ? { skuFamily: c.sku.family } : {}),
  };
}

function peerFromSdk(p: BgpPeerStatus): BgpPeerModel {
  return { localAddress: p.localAddress, neighbor: p.neighbor ?? '', asn: p.asn, state: p.state ?? 'Unknown', routesReceived: p.routesReceived };
}

function routeFromSdk(r: GatewayRoute): RouteModel {
  return {
    localAddress: r.localAddress,
    network: r.network ?? '',
    nextHop: r.nextHop,
    sourcePeer: r.sourcePeer,
    origin: r.origin,
    asPath: r.asPath,
    weight: r.weight,
  };
}
