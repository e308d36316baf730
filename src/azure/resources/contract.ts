/**
 * What the plan wants of each Azure resource, and what every kind of resource provides: how it is
 * named, its ARM type, and how it is read, written and compared. One file per kind implements this
 * (`vpnGateway.ts`, ...); `table.ts` lists them.
 */
import type { AzureApi, CallOptions, ConnectionSecrets } from '../client/api';
import type {
  CircuitSpecModel,
  ConnectionModel,
  GatewayModel,
  ListedResource,
  LngModel,
  NetworkResourceType,
  PublicIpModel,
  ResourceGroupModel,
  VnetModel,
} from '../client/model';

export type ResourceKind =
  | 'resourceGroup'
  | 'virtualNetwork'
  | 'publicIp'
  | 'erGateway'
  | 'vpnGateway'
  | 'localNetworkGateway'
  | 'ipsecConnection'
  | 'erConnection';

interface PlannedBase {
  /** Unique in the plan: `<kind>:<name>`. */
  key: string;
  name: string;
  /** The hub-file path the resource comes from (errors name it). */
  field: string;
  /** Keys that must exist (and be settled) first. */
  dependsOn: string[];
  /**
   * VPN gateway only: BGP is on by tunnelsmith's choice alone (no site peers over BGP, default ASN, no
   * APIPA addresses), so an existing gateway without BGP is adopted as it is rather than updated.
   */
  bgpOptional?: boolean;
}

export type PlannedResource =
  | (PlannedBase & { kind: 'resourceGroup'; desired: ResourceGroupModel })
  | (PlannedBase & { kind: 'virtualNetwork'; desired: VnetModel })
  | (PlannedBase & { kind: 'publicIp'; desired: PublicIpModel })
  | (PlannedBase & { kind: 'erGateway'; desired: GatewayModel })
  | (PlannedBase & { kind: 'vpnGateway'; desired: GatewayModel })
  | (PlannedBase & {
      kind: 'localNetworkGateway';
      desired: LngModel;
      site: string;
      /** The hub file sets `localNetworkGatewayPrefixes`: only then are prefixes Azure holds beyond them removed. */
      prefixesExplicit: boolean;
      /** The site peers over BGP. */
      bgp: boolean;
    })
  | (PlannedBase & { kind: 'ipsecConnection'; desired: ConnectionModel; site: string })
  | (PlannedBase & { kind: 'erConnection'; desired: ConnectionModel });

export type PlannedOf<K extends ResourceKind> = Extract<PlannedResource, { kind: K }>;
export type DesiredOf<K extends ResourceKind> = PlannedOf<K>['desired'];

/** The circuit tunnelsmith creates for `expressRoute.circuit` (the seed's second template). */
export interface PlannedCircuit {
  /** `circuit:<name>`. */
  key: string;
  name: string;
  field: 'azure.expressRoute.circuit';
  /** Its ARM id, which the ExpressRoute connection names. */
  id: string;
  desired: CircuitSpecModel;
}

export function resourceKey(kind: ResourceKind, name: string): string {
  return `${kind}:${name}`;
}

/** Actual resources by plan key; `undefined` = does not exist. */
export type ActualState = Readonly<Record<string, unknown>>;

/** What a kind's diff may know besides the two resources it compares. */
export interface DiffContext {
  actual: ActualState;
  plan: { hubId: string; resources: readonly PlannedResource[] };
  gatewaysExist: boolean;
  /** A listing of the group's connections, when read (remedies then name every connection of a gateway). */
  connections?: readonly ListedResource[];
  /** Called instead of a conflict when the GatewaySubnet must change while gateways use it. */
  onGatewaySubnetInUse?: (have: string, want: string) => void;
}

/** Where a diff puts what it finds: fields to update, and states that cannot be changed in place. */
export interface Findings {
  /** What differs, e.g. `sku: VpnGw1 -> VpnGw2`. */
  fields: string[];
  conflict(path: string, message: string, fix: string): void;
  /**
   * Azure cannot change `what` in place, but deleting the resource and creating it again reaches the
   * desired state (a replacement, which `deploy --allow-recreate` carries out once confirmed).
   */
  replace(path: string, what: string): void;
  /** Worth telling, not a change (e.g. an adopted SKU that Microsoft migrates). */
  note(path: string, message: string, fix?: string): void;
}

/** An ARM type tunnelsmith creates: how destroy names it, and in which stage it deletes it (0 first). */
export interface ArmTypeSpec {
  type: NetworkResourceType;
  label: string;
  destroyStage: number;
}

/** One kind of resource tunnelsmith plans. */
export interface KindSpec<K extends ResourceKind> {
  readonly kind: K;
  /** How messages and progress name it: `VPN gateway`. */
  readonly label: string;
  /** Its ARM type; none for the resource group (destroy deletes that last, once it is empty). */
  readonly arm?: ArmTypeSpec;
  /** What Azure holds; undefined when it does not exist. */
  read(api: AzureApi, rg: string, name: string, o?: CallOptions): Promise<DesiredOf<K> | undefined>;
  /** Creates or updates it and waits until Azure is done. */
  write(api: AzureApi, rg: string, desired: DesiredOf<K>, secrets: ConnectionSecrets, o?: CallOptions): Promise<DesiredOf<K>>;
  /**
   * The body to write over what exists (which keeps its tags and what tunnelsmith does not own); what
   * differs and what cannot be changed in place go to `found`. Pure.
   */
  diff(r: PlannedOf<K>, actual: DesiredOf<K>, ctx: DiffContext, found: Findings): DesiredOf<K>;
  /** Why Azure would refuse to create it (a refusal known before any write), if it would. Pure. */
  refuseCreate?(r: PlannedOf<K>): { path: string; message: string; fix: string } | undefined;
}
