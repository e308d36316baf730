/** One public IP name per VPN gateway instance. */
import type { Problem } from '../../errors';
import { gatewayInstanceCount } from '../defaults';
import { error, type HubParts } from './types';

export function checkPublicIpNameCount(parts: HubParts): Problem[] {
  const gw = parts.vpnGateway;
  if (!gw?.publicIpNames) return [];
  const instances = gatewayInstanceCount(gw.activeActive);
  if (gw.publicIpNames.length === instances) return [];
  return [error('azure.vpnGateway.publicIpNames', `${gw.publicIpNames.length} name(s) for ${instances} gateway instance(s)`, instances === 2 ? 'list two names (the gateway is active-active), or remove the list to use the defaults' : 'list one name, or remove the list to use the default')];
}
