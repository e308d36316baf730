/**
 * The narrow interface over the Azure operations tunnelsmith uses, on its own plain types.
 * `sdk.ts` implements it on @azure/arm-network and @azure/arm-resources; tests may fake it.
 * Every `get*` resolves `undefined` when the resource (or its resource group) does not exist.
 * Long-running calls wait until Azure reports the operation done. Failures are `AzureError`s.
 */
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
} from './model';

export interface CallOptions {
  /** Stops waiting (and retrying) when aborted; the operation itself may go on in Azure. */
  signal?: AbortSignal;
}

/** Extra inputs of a connection PUT that are never part of the modelled resource (secrets). */
export interface ConnectionSecrets {
  /** Only sent when the connection is created; Azure ignores it on an existing connection. */
  sharedKey?: string;
  /** ExpressRoute: the circuit owner's authorization key. */
  authorizationKey?: string;
}

export interface AzureApi {
  readonly subscriptionId: string;

  getResourceGroup(name: string, o?: CallOptions): Promise<ResourceGroupModel | undefined>;
  putResourceGroup(rg: ResourceGroupModel, o?: CallOptions): Promise<ResourceGroupModel>;
  deleteResourceGroup(name: string, o?: CallOptions): Promise<void>;

  getVnet(rg: string, name: string, o?: CallOptions): Promise<VnetModel | undefined>;
  putVnet(rg: string, vnet: VnetModel, o?: CallOptions): Promise<VnetModel>;
  listSubnets(rg: string, vnet: string, o?: CallOptions): Promise<SubnetModel[]>;

  getPublicIp(rg: string, name: string, o?: CallOptions): Promise<PublicIpModel | undefined>;
  putPublicIp(rg: string, pip: PublicIpModel, o?: CallOptions): Promise<PublicIpModel>;

  getGateway(rg: string, name: string, o?: CallOptions): Promise<GatewayModel | undefined>;
  putGateway(rg: string, gw: GatewayModel, o?: CallOptions): Promise<GatewayModel>;
  getBgpPeerStatus(rg: string, gateway: string, o?: CallOptions): Promise<BgpPeerModel[]>;
  getLearnedRoutes(rg: string, gateway: string, o?: CallOptions): Promise<RouteModel[]>;
  /** What the gateway announces to one BGP peer (`peer`: the peer's BGP address). */
  getAdvertisedRoutes(rg: string, gateway: string, peer: string, o?: CallOptions): Promise<RouteModel[]>;

  getLocalNetworkGateway(rg: string, name: string, o?: CallOptions): Promise<LngModel | undefined>;
  putLocalNetworkGateway(rg: string, lng: LngModel, o?: CallOptions): Promise<LngModel>;

  getConnection(rg: string, name: string, o?: CallOptions): Promise<ConnectionModel | undefined>;
  putConnection(rg: string, cn: ConnectionModel, secrets?: ConnectionSecrets, o?: CallOptions): Promise<ConnectionModel>;
  getSharedKey(rg: string, connection: string, o?: CallOptions): Promise<string>;
  setSharedKey(rg: string, connection: string, key: string, o?: CallOptions): Promise<void>;

  /** By full ARM id (the circuit may live in another resource group or subscription). */
  getCircuit(circuitId: string, o?: CallOptions): Promise<CircuitModel | undefined>;
  /** Creates or updates a circuit in the hub's subscription; keeps its peerings and authorizations. */
  putCircuit(rg: string, circuit: CircuitSpecModel, o?: CallOptions): Promise<CircuitModel>;

  /** Every resource of one type in a resource group (all pages). Empty when the group is missing. */
  listByType(rg: string, type: NetworkResourceType, o?: CallOptions): Promise<ListedResource[]>;
  /**
   * Ids of every resource (any provider) in the group, or undefined when the service cannot list them
   * (then a group is never assumed empty).
   */
  listResourceGroupContents(rg: string, o?: CallOptions): Promise<string[] | undefined>;
  /** Deletes one resource and waits; a missing resource is not an error. */
  deleteResource(rg: string, type: NetworkResourceType, name: string, o?: CallOptions): Promise<void>;
}
