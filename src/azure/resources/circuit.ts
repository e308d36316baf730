/**
 * The ExpressRoute circuit tunnelsmith creates (`expressRoute.circuit`); half of it is the provider's.
 * What Azure changes in place: a higher bandwidth, the tier (Standard, Premium), MeteredData to
 * UnlimitedData, and the provider and location while the provider has not provisioned it. What it does
 * not: a lower bandwidth, UnlimitedData back to MeteredData, another provider or location once provisioned.
 */
import type { AzureApi, CallOptions } from '../client/api';
import type { CircuitModel, CircuitSpecModel } from '../client/model';
import { normLocation } from './compare';
import type { ArmTypeSpec, Findings, PlannedCircuit } from './contract';

export const expressRouteCircuit = {
  label: 'ExpressRoute circuit',
  arm: { type: 'expressRouteCircuits', label: 'ExpressRoute circuit', destroyStage: 2 } satisfies ArmTypeSpec,
  /**
   * The provider holds the circuit (Provisioning or Provisioned): Azure then neither deletes it (destroy
   * keeps it) nor changes its provider or location.
   */
  heldByProvider: (serviceProviderProvisioningState: string | undefined): boolean => ['provisioned', 'provisioning'].includes((serviceProviderProvisioningState ?? '').toLowerCase()),
  /** By full ARM id: a circuit named by `circuitId` may live in another resource group or subscription. */
  read: (api: AzureApi, circuitId: string, o?: CallOptions): Promise<CircuitModel | undefined> => api.getCircuit(circuitId, o),
  write: (api: AzureApi, rg: string, desired: CircuitSpecModel, o?: CallOptions): Promise<CircuitModel> => api.putCircuit(rg, desired, o),
  /** What differs, and what cannot change in place. Pure. */
  diff(planned: PlannedCircuit, actual: CircuitModel, { fields, conflict }: Findings): void {
    const d = planned.desired;
    const at = (key: string) => `${planned.field}.${key}`;
    const recreate = `or ask the provider to deprovision circuit ${planned.name}, delete it (its ExpressRoute connection first) and deploy again to create it anew`;
    const provisioned = expressRouteCircuit.heldByProvider(actual.serviceProviderProvisioningState);
    if (actual.location && normLocation(actual.location) !== normLocation(d.location)) {
      conflict(at('name'), `circuit ${planned.name} exists in ${actual.location}, the hub says ${d.location}`, 'set azure.location to the circuit\'s region, or give the circuit another name');
    }
    for (const [key, have, want] of [
      ['serviceProviderName', actual.serviceProviderName, d.serviceProviderName],
      ['peeringLocation', actual.peeringLocation, d.peeringLocation],
    ] as const) {
      if (have === undefined || have === want) continue;
      if (provisioned) conflict(at(key), `circuit ${planned.name} is provisioned by ${actual.serviceProviderName ?? 'its provider'} at ${actual.peeringLocation ?? 'its location'}; Azure cannot change ${key} of a provisioned circuit`, `set ${key}: ${have}, ${recreate}`);
      else fields.push(`${key}: ${have} -> ${want}`);
    }
    if (actual.bandwidthInMbps !== undefined && actual.bandwidthInMbps !== d.bandwidthInMbps) {
      if (d.bandwidthInMbps < actual.bandwidthInMbps) {
        conflict(at('bandwidthInMbps'), `circuit ${planned.name} has ${actual.bandwidthInMbps} Mbps; Azure raises a circuit's bandwidth in place but never lowers it`, `set bandwidthInMbps: ${actual.bandwidthInMbps}, ${recreate}`);
      } else fields.push(`bandwidthInMbps: ${actual.bandwidthInMbps} -> ${d.bandwidthInMbps}`);
    }
    if (actual.skuTier !== undefined && actual.skuTier.toLowerCase() !== d.skuTier.toLowerCase()) fields.push(`skuTier: ${actual.skuTier} -> ${d.skuTier}`);
    if (actual.skuFamily !== undefined && actual.skuFamily.toLowerCase() !== d.skuFamily.toLowerCase()) {
      if (actual.skuFamily.toLowerCase() === 'unlimiteddata') {
        conflict(at('skuFamily'), `circuit ${planned.name} is UnlimitedData; Azure changes MeteredData to UnlimitedData in place, never back`, `set skuFamily: UnlimitedData, ${recreate}`);
      } else fields.push(`skuFamily: ${actual.skuFamily} -> ${d.skuFamily}`);
    }
  },
};
