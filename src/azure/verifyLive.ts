/** Gathers what `verify` judges: connection statuses, BGP peers and learned routes of both gateways. */
import { AzureError } from '../errors';
import { notDeployed, peeredPrefixes } from './readBack';
import type { RouteModel } from './client/model';
import type { Hub } from '../hub/types';
import type { AzureApi, CallOptions } from './client/api';
import { circuitIdOf } from './deploy/plan';
import { buildVerifyReport, type CircuitObservation, type ConnectionObservation, type VerifyObservations, type VerifyReport } from './verify';

/** Reads the observations for a hub. Throws NotReadyError `NotDeployed` when the VPN gateway is missing. */
export async function readVerifyObservations(api: AzureApi, hub: Hub, o?: CallOptions): Promise<VerifyObservations> {
  const rg = hub.azure.resourceGroup;
  const vpn = await api.getGateway(rg, hub.azure.vpnGateway.name, o);
  if (!vpn) {
    throw notDeployed(`the VPN gateway ${hub.azure.vpnGateway.name} does not exist in resource group ${rg}`);
  }
  const observe = async (name: string): Promise<ConnectionObservation> => {
    const cn = await api.getConnection(rg, name, o);
    return cn ? { exists: true, provisioningState: cn.provisioningState, connectionStatus: cn.connectionStatus } : { exists: false };
  };
  const er = hub.azure.expressRoute;
  const circuitId = circuitIdOf(hub, api.subscriptionId);
  const observeCircuit = async (): Promise<CircuitObservation | undefined> => {
    if (!circuitId) return undefined;
    // Someone else's circuit, used with its owner's authorization key, is never read.
    if (er?.authorizationKey && er.circuitId) return { id: circuitId, exists: true, readable: false };
    const c = await api.getCircuit(circuitId, o);
    return c
      ? { id: circuitId, exists: true, name: c.name, privatePeering: c.privatePeering, ...(c.serviceProviderProvisioningState ? { serviceProviderProvisioningState: c.serviceProviderProvisioningState } : {}) }
      : { id: circuitId, exists: false };
  };
  /** What the gateway advertises to each BGP site; a refusal is reported in the verdict, not thrown. */
  const readAdvertised = async (peer: string): Promise<RouteModel[] | { error: string }> => {
    try {
      return await api.getAdvertisedRoutes(rg, vpn.name, peer, o);
    } catch (e) {
      if (e instanceof AzureError) return { error: e.message };
      throw e;
    }
  };
  const [connections, vpnPeers, vpnRoutes, erObs, vnet, advertised] = await Promise.all([
    Promise.all(hub.sites.map(async (s) => [s.name, await observe(s.connectionName)] as const)).then((e) => Object.fromEntries(e)),
    hub.sites.some((s) => s.bgp) ? api.getBgpPeerStatus(rg, vpn.name, o) : Promise.resolve([]),
    api.getLearnedRoutes(rg, vpn.name, o),
    er
      ? (async () => {
          const [gw, circuit] = await Promise.all([api.getGateway(rg, er.gatewayName, o), observeCircuit()]);
          if (!gw) return { gatewayExists: false, connection: { exists: false }, routes: [], ...(circuit ? { circuit } : {}) };
          const [connection, routes] = await Promise.all([observe(er.connectionName), api.getLearnedRoutes(rg, er.gatewayName, o)]);
          return { gatewayExists: true, connection, routes, ...(circuit ? { circuit } : {}) };
        })()
      : Promise.resolve(undefined),
    api.getVnet(rg, hub.azure.vnet.name, o),
    Promise.all(hub.sites.filter((s) => s.bgp).map(async (s) => [s.name, await readAdvertised(s.bgp!.peerIp)] as const)).then((e) => Object.fromEntries(e)),
  ]);
  return {
    hub,
    connections,
    vpnPeers,
    vpnRoutes,
    ...(erObs ? { expressRoute: erObs } : {}),
    ...(vnet ? { vnet: { addressSpace: [...vnet.addressSpace], peeredPrefixes: peeredPrefixes(vnet) } } : {}),
    advertisedRoutes: advertised,
  };
}

/** Reads and judges. */
export async function verifyLive(api: AzureApi, hub: Hub, o?: CallOptions): Promise<VerifyReport> {
  return buildVerifyReport(await readVerifyObservations(api, hub, o));
}
