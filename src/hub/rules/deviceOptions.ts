/** `deviceOptions` keys are the site device's options (or the common outsideAddress), with valid values. */
import type { Problem } from '../../errors';
import { IPV4_ADDRESS } from '../patterns';
import { error, sitePath, warning, type HubParts, type RuleEnv } from './types';
import { quoteKey } from '../paths';
import { closestName } from '../suggest';

export const COMMON_DEVICE_OPTIONS = ['outsideAddress'] as const;

export function checkDeviceOptions(parts: HubParts, env: RuleEnv): Problem[] {
  const problems: Problem[] = [];
  for (const { index, site } of parts.sites) {
    const device = env.devices[site.device];
    const known = [...Object.keys(device.options), ...COMMON_DEVICE_OPTIONS];
    for (const [key, value] of Object.entries(site.deviceOptions ?? {})) {
      const path = sitePath(index, `deviceOptions.${key}`);
      if (key === 'outsideAddress') {
        if (typeof value !== 'string' || !IPV4_ADDRESS.test(value)) {
          problems.push(error(path, 'must be an IPv4 address: the appliance\'s own address on its outside interface (behind NAT)', 'write an address like 10.0.0.5, or remove outsideAddress when the appliance is not behind NAT'));
        } else if (value === site.publicIp) {
          problems.push(warning(path, 'equals the site\'s publicIp, so the appliance is not behind NAT', 'remove outsideAddress'));
        }
        continue;
      }
      // Own keys only: `constructor` or `toString` must not find Object.prototype's members.
      const spec = Object.hasOwn(device.options, key) ? device.options[key] : undefined;
      if (!spec) {
        const near = closestName(key, known);
        problems.push(error(path, `${quoteKey(key)} is not an option of ${device.displayName}`, near ? `did you mean ${near}?` : `options for ${site.device}: ${known.join(', ')}`));
        continue;
      }
      const complaint = spec.check(value);
      if (complaint !== undefined) problems.push(error(path, complaint, `${spec.description}; default ${spec.defaultText ?? String(spec.default)}`));
    }
  }
  return problems;
}
