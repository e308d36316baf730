/** Default names and values of the hub file, shared by `normalize.ts` and the naming rules. Pure. */

/** Number of VPN gateway instances: two when active-active. */
export function gatewayInstanceCount(activeActive: boolean | undefined): 1 | 2 {
  return activeActive ? 2 : 1;
}

/** `<name>-pip1` (and `<name>-pip2` when active-active). */
export function defaultPublicIpNames(gatewayName: string, activeActive: boolean | undefined): string[] {
  return Array.from({ length: gatewayInstanceCount(activeActive) }, (_, i) => `${gatewayName}-pip${i + 1}`);
}

/** `lng-<site>`. */
export function defaultLocalNetworkGatewayName(siteName: string): string {
  return `lng-${siteName}`;
}

/** `cn-<site>`. */
export function defaultConnectionName(siteName: string): string {
  return `cn-${siteName}`;
}

/** `<gatewayName>-cn`: the ExpressRoute gateway's connection to its circuit. */
export function defaultExpressRouteConnectionName(gatewayName: string): string {
  return `${gatewayName}-cn`;
}

/** `<gatewayName>-pip1`: the ExpressRoute gateway's public IP when `expressRoute.publicIpName` is not set. */
export function defaultExpressRoutePublicIpName(gatewayName: string): string {
  return `${gatewayName}-pip1`;
}

/**
 * What `tunnelsmith import` writes as a site's device when no `--device` was given: not a device id, so
 * `validate` refuses the file until the user names the appliance.
 */
export const IMPORT_DEVICE_PLACEHOLDER = 'FILL-IN-DEVICE';
