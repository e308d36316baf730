/**
 * The one table of the Azure resource kinds tunnelsmith manages, and the lookups deploy and destroy
 * make through it. A new kind is a file beside this one and a line in `RESOURCE_KINDS`.
 */
import type { AzureApi, CallOptions, ConnectionSecrets } from '../client/api';
import type { NetworkResourceType } from '../client/model';
import { expressRouteCircuit } from './circuit';
import type { ArmTypeSpec, DiffContext, Findings, KindSpec, PlannedResource, ResourceKind } from './contract';
import { erConnection } from './erConnection';
import { erGateway } from './erGateway';
import { ipsecConnection } from './ipsecConnection';
import { localNetworkGateway } from './localNetworkGateway';
import { publicIp } from './publicIp';
import { resourceGroup } from './resourceGroup';
import { virtualNetwork } from './virtualNetwork';
import { vpnGateway } from './vpnGateway';

export const RESOURCE_KINDS: { readonly [K in ResourceKind]: KindSpec<K> } = {
  resourceGroup,
  virtualNetwork,
  localNetworkGateway,
  publicIp,
  erGateway,
  vpnGateway,
  ipsecConnection,
  erConnection,
};

/**
 * Every ARM type tunnelsmith creates (the circuit's too), each once, in the order destroy lists and
 * deletes them: by stage, and in the table's order within one.
 */
export const ARM_TYPES: readonly ArmTypeSpec[] = [...Object.values(RESOURCE_KINDS).map((k) => k.arm), expressRouteCircuit.arm]
  .filter((t, i, all): t is ArmTypeSpec => t !== undefined && all.findIndex((x) => x?.type === t.type) === i)
  .sort((a, b) => a.destroyStage - b.destroyStage);

/** Any kind, typed for a planned resource of unknown kind. */
function kindOf(r: PlannedResource): KindSpec<ResourceKind> {
  return RESOURCE_KINDS[r.kind] as KindSpec<ResourceKind>;
}

/** `VPN gateway ra-vgw`: how messages and progress name a planned resource. */
export function describeResource(r: Pick<PlannedResource, 'kind' | 'name'>): string {
  return `${RESOURCE_KINDS[r.kind].label} ${r.name}`;
}

export function armType(type: NetworkResourceType): ArmTypeSpec {
  return ARM_TYPES.find((t) => t.type === type)!;
}

/** What Azure holds for a planned resource; undefined when it does not exist. */
export function readResource(api: AzureApi, rg: string, r: PlannedResource, o?: CallOptions): Promise<PlannedResource['desired'] | undefined> {
  return kindOf(r).read(api, rg, r.name, o);
}

/** Creates or updates a planned resource with its desired body (`secrets` only count for connections). */
export function writeResource(api: AzureApi, rg: string, r: PlannedResource, secrets: ConnectionSecrets, o?: CallOptions): Promise<PlannedResource['desired']> {
  return kindOf(r).write(api, rg, r.desired, secrets, o);
}

/** The body to write over what exists; fields and conflicts go to `found`. Pure. */
export function diffBody<R extends PlannedResource>(r: R, actual: R['desired'], ctx: DiffContext, found: Findings): R['desired'] {
  return kindOf(r).diff(r, actual, ctx, found);
}

/** Why Azure would refuse to create the resource, when that is known before any write. Pure. */
export function createRefusal(r: PlannedResource): { path: string; message: string; fix: string } | undefined {
  return kindOf(r).refuseCreate?.(r);
}
