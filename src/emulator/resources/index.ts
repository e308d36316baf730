/** The resource types the emulator serves, by lower-case type segment. */
import { connectionKind } from './connections';
import { expressRouteCircuitKind, peeringKind } from './expressRouteCircuits';
import type { ResourceKind } from './kind';
import { localNetworkGatewayKind } from './localNetworkGateways';
import { publicIpAddressKind } from './publicIpAddresses';
import { advertisedRoutesAction, bgpPeerStatusAction, learnedRoutesAction } from './routing';
import { virtualNetworkGatewayKind } from './virtualNetworkGateways';
import { subnetKind, virtualNetworkKind } from './virtualNetworks';

virtualNetworkGatewayKind.actions = [bgpPeerStatusAction, learnedRoutesAction, advertisedRoutesAction];

export const TOP_LEVEL_KINDS: Record<string, ResourceKind> = {
  virtualnetworks: virtualNetworkKind,
  publicipaddresses: publicIpAddressKind,
  virtualnetworkgateways: virtualNetworkGatewayKind,
  localnetworkgateways: localNetworkGatewayKind,
  connections: connectionKind,
  expressroutecircuits: expressRouteCircuitKind,
};

/** parent type (lower) -> child segment (lower) -> kind. */
export const CHILD_KINDS: Record<string, Record<string, ResourceKind>> = {
  virtualnetworks: { subnets: subnetKind },
  expressroutecircuits: { peerings: peeringKind },
};
