/**
 * What the two connection kinds share (`ipsecConnection.ts`, `erConnection.ts`): one ARM type, and the
 * checks of what a connection is bound to, which Azure never changes in place.
 */
import { sameId, type ConnectionModel } from '../client/model';
import { shortId } from './compare';
import type { ArmTypeSpec, Findings, PlannedOf } from './contract';

/** Both connection kinds are `connections`; destroy deletes them first. */
export const CONNECTIONS: ArmTypeSpec = { type: 'connections', label: 'connection', destroyStage: 0 };

type ConnectionKindName = 'ipsecConnection' | 'erConnection';

/** The remedy when a connection is bound to something else than the hub wants. */
export function recreateConnectionRemedy(name: string): string {
  return `delete connection ${name} (the device loses its tunnel until it is recreated) and deploy again, or choose another connectionName`;
}

/**
 * Its type and gateway, which cannot change in place. False when it is another type of connection
 * altogether (then nothing else is worth comparing).
 */
export function checkConnectionBinding(r: PlannedOf<ConnectionKindName>, actual: ConnectionModel, { conflict }: Findings): boolean {
  const d = r.desired;
  if (actual.connectionType.toLowerCase() !== d.connectionType.toLowerCase()) {
    conflict(r.field, `connection ${r.name} exists as a ${actual.connectionType} connection, the hub needs ${d.connectionType}`, recreateConnectionRemedy(r.name));
    return false;
  }
  if (!sameId(actual.gatewayId, d.gatewayId)) conflict(r.field, `connection ${r.name} belongs to gateway ${shortId(actual.gatewayId)}, not ${shortId(d.gatewayId)}`, recreateConnectionRemedy(r.name));
  return true;
}
