/** Resource names: valid (defaults included) and unique per resource type; site names unique. */
import type { Problem } from '../../errors';
import {
  defaultConnectionName, defaultExpressRouteConnectionName, defaultExpressRoutePublicIpName, defaultLocalNetworkGatewayName, defaultPublicIpNames,
} from '../defaults';
import { RESOURCE_NAME } from '../patterns';
import { error, sitePath, type HubParts } from './types';

/** Default names derived from other names still obey Azure's naming rule (length above all). */
export function checkDerivedNames(parts: HubParts): Problem[] {
  const problems: Problem[] = [];
  const gw = parts.vpnGateway;
  if (gw && !gw.publicIpNames) {
    for (const name of defaultPublicIpNames(gw.name, gw.activeActive)) {
      if (!RESOURCE_NAME.test(name)) {
        problems.push(error('azure.vpnGateway.name', `the default public IP name ${name} is not a valid Azure name (more than 80 characters)`, 'shorten the gateway name or set azure.vpnGateway.publicIpNames'));
        break;
      }
    }
  }
  const er = parts.expressRoute;
  if (er && !er.publicIpName && !RESOURCE_NAME.test(defaultExpressRoutePublicIpName(er.gatewayName))) {
    problems.push(error('azure.expressRoute.gatewayName', `the default public IP name ${defaultExpressRoutePublicIpName(er.gatewayName)} is longer than 80 characters`, 'shorten the gateway name or set azure.expressRoute.publicIpName'));
  }
  if (er && !er.connectionName && !RESOURCE_NAME.test(defaultExpressRouteConnectionName(er.gatewayName))) {
    problems.push(error('azure.expressRoute.gatewayName', `the default connection name ${defaultExpressRouteConnectionName(er.gatewayName)} is longer than 80 characters`, 'shorten the gateway name or set azure.expressRoute.connectionName'));
  }
  return problems;
}

/** Site names are unique (they name folders and default resources). */
export function checkSiteNamesUnique(parts: HubParts): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const first = seen.get(site.name);
    if (first !== undefined) problems.push(error(sitePath(index, 'name'), `the site name ${site.name} is already used by sites[${first}]`, 'give every site a unique name'));
    else seen.set(site.name, index);
  }
  return problems;
}

interface Named { path: string; name: string }

/** Names of one resource type are unique in the hub (case-insensitive, as Azure compares them). */
export function checkResourceNamesUnique(parts: HubParts): Problem[] {
  const gateways: Named[] = [];
  const publicIps: Named[] = [];
  const localGateways: Named[] = [];
  const connections: Named[] = [];
  if (parts.vpnGateway) {
    gateways.push({ path: 'azure.vpnGateway.name', name: parts.vpnGateway.name });
    (parts.vpnGateway.publicIpNames ?? []).forEach((name, k) => publicIps.push({ path: `azure.vpnGateway.publicIpNames[${k}]`, name }));
  }
  if (parts.expressRoute) {
    const er = parts.expressRoute;
    gateways.push({ path: 'azure.expressRoute.gatewayName', name: er.gatewayName });
    publicIps.push({ path: er.publicIpName ? 'azure.expressRoute.publicIpName' : 'azure.expressRoute.gatewayName', name: er.publicIpName ?? defaultExpressRoutePublicIpName(er.gatewayName) });
    connections.push({ path: 'azure.expressRoute.connectionName', name: er.connectionName ?? defaultExpressRouteConnectionName(er.gatewayName) });
  }
  for (const { index, site } of parts.sites) {
    localGateways.push({ path: sitePath(index, 'localNetworkGatewayName'), name: site.localNetworkGatewayName ?? defaultLocalNetworkGatewayName(site.name) });
    connections.push({ path: sitePath(index, 'connectionName'), name: site.connectionName ?? defaultConnectionName(site.name) });
  }
  return [
    ...duplicates(gateways, 'virtual network gateway'),
    ...duplicates(publicIps, 'public IP'),
    ...duplicates(localGateways, 'local network gateway'),
    ...duplicates(connections, 'connection'),
  ];
}

function duplicates(items: Named[], type: string): Problem[] {
  const seen = new Map<string, Named>();
  const problems: Problem[] = [];
  for (const item of items) {
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first) {
      problems.push(error(item.path, `the ${type} name ${item.name} is also used by ${first.path}${first.name === item.name ? '' : ` (${first.name}; Azure names are case-insensitive)`}`, `give each ${type} its own name (a default name counts: set this one explicitly)`));
    } else seen.set(key, item);
  }
  return problems;
}
