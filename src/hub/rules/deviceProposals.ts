/**
 * Every policy value is one the site's device can express (the device's own check). A policy that already
 * breaks Azure's GCM pairing is not checked again here: its one error is enough.
 */
import type { Problem } from '../../errors';
import { buildProposals, SECURE_DEFAULT_POLICY } from '../../policy/catalog';
import { gcmPairingBroken } from './policy';
import { type HubParts, type RuleEnv } from './types';

export function checkDeviceCanExpressPolicy(parts: HubParts, env: RuleEnv): Problem[] {
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const device = env.devices[site.device];
    const policy = site.ipsecPolicy ?? SECURE_DEFAULT_POLICY;
    if (policy !== 'azure-default' && gcmPairingBroken(policy)) continue;
    for (const p of device.checkProposals(buildProposals(policy))) {
      problems.push({ ...p, path: `sites[${index}].${p.path}` });
    }
  }
  return problems;
}
