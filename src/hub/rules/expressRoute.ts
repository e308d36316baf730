/** The ExpressRoute section: one way to name the circuit, an authorization key only for a circuit id. */
import type { Problem } from '../../errors';
import { error, warning, type HubParts } from './types';

/** `expressRoute.circuitId` and `expressRoute.circuit` exclude each other. */
export function checkCircuitExclusive(parts: HubParts): Problem[] {
  const er = parts.expressRoute;
  if (!er?.circuitId || !er.circuit) return [];
  return [error('azure.expressRoute.circuit', 'circuit (create a circuit) and circuitId (connect an existing one) exclude each other', 'keep circuitId for an existing circuit, or circuit for one tunnelsmith creates')];
}

/** `authorizationKey` redeems a circuit in another subscription, so it needs `circuitId`; a connection name needs a circuit. */
export function checkCircuitConnection(parts: HubParts): Problem[] {
  const er = parts.expressRoute;
  if (!er) return [];
  const problems: Problem[] = [];
  if (er.authorizationKey && !er.circuitId) {
    problems.push(error('azure.expressRoute.authorizationKey', 'an authorization key is only used to connect an existing circuit given by circuitId', er.circuit ? 'remove authorizationKey: tunnelsmith creates this circuit in your subscription' : 'add circuitId, or remove authorizationKey'));
  }
  if (er.connectionName && !er.circuitId && !er.circuit) {
    problems.push(warning('azure.expressRoute.connectionName', 'there is no circuit (circuitId or circuit), so no connection is created and this name is unused', 'add circuitId or circuit, or remove connectionName'));
  }
  return problems;
}
