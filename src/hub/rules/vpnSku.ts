/** Non-AZ VPN SKUs (azure-facts.md section 5): Azure no longer creates them; existing ones are adopted. */
import type { Problem } from '../../errors';
import { warning, type HubParts } from './types';

const TWINS: Readonly<Record<string, string>> = { VpnGw1: 'VpnGw1AZ', VpnGw2: 'VpnGw2AZ', VpnGw3: 'VpnGw3AZ', VpnGw4: 'VpnGw4AZ', VpnGw5: 'VpnGw5AZ' };

/** `validate` cannot know whether the gateway exists: a warning, which deploy turns into a refusal for a new gateway. */
export function checkNonAzVpnSku(parts: HubParts): Problem[] {
  const sku = parts.vpnGateway?.sku;
  const twin = sku ? TWINS[sku] : undefined;
  if (!sku || !twin) return [];
  return [
    warning(
      'azure.vpnGateway.sku',
      `${sku} is a non-AZ SKU Azure no longer creates (NonAzSkusNotAllowedForVPNGateway): deploy adopts an existing ${sku} gateway as it is (Microsoft migrates it to ${twin} itself, keeping its public IP) and refuses to create a new one`,
      `use ${twin} unless the gateway already exists as ${sku}`,
    ),
  ];
}
