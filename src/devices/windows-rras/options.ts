/**
 * Windows RRAS `deviceOptions` (hub-file.md table) with their defaults and checks. The values land in
 * single-quoted PowerShell strings; the checks allow only letters, digits and a few separators, so no
 * quote, `$`, backtick, `;`, space or newline can reach the script.
 */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';

const INTERFACE_PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;
const INTERFACE_ALIAS = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

function checkInterfacePrefix(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !INTERFACE_PREFIX.test(value)) {
    return "must be a letter, then letters, digits, '_' or '-', at most 31 characters (the tunnel number is appended)";
  }
  return undefined;
}

function checkInterfaceAlias(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !INTERFACE_ALIAS.test(value)) {
    return "must be a network adapter alias of a letter, then letters, digits, '_', '.', '-' (no spaces: rename the adapter with Rename-NetAdapter), at most 64 characters";
  }
  return undefined;
}

export const RRAS_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  interfaceNamePrefix: {
    default: 'azure',
    description: 'Name prefix of the site-to-site (demand-dial) interfaces; the tunnel number (1, 2) is appended',
    check: checkInterfacePrefix,
  },
  outsideInterface: {
    default: 'Ethernet',
    description: 'Alias of the internet-facing network adapter; the IKE/ESP firewall rules apply to it',
    check: checkInterfaceAlias,
  },
};
