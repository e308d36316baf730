/**
 * strongSwan `deviceOptions` (hub-file.md table) with their defaults and checks. Every check allows only
 * a tight character class so no value can inject a line into swanctl.conf, frr.conf or the shell script.
 */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';
import { PREFIX_ADVERTISEMENT_OPTION } from '../kit/prefixAdvertisement';

/** Linux interface names are at most 15 characters (IFNAMSIZ - 1). */
export const LINUX_IFNAME_MAX = 15;
/** `if_id` is a 32-bit XFRM interface id; 0 means "none", and the second tunnel uses base + 1. */
export const IF_ID_RANGE = { min: 1, max: 4294967294 } as const;
/** At most two tunnels (active-active), so one digit follows the prefix. */
const TUNNEL_NUMBER_DIGITS = 1;

const IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const TUNNEL_PREFIX = new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${LINUX_IFNAME_MAX - TUNNEL_NUMBER_DIGITS - 1}}$`);

function checkInterfaceName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !IFNAME.test(value)) {
    return `must be a Linux interface name: a letter, then letters, digits, '_', '.', '-', at most ${LINUX_IFNAME_MAX} characters`;
  }
  return undefined;
}

function checkTunnelPrefix(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !TUNNEL_PREFIX.test(value)) {
    return `must be a letter, then letters, digits, '_' or '-', at most ${LINUX_IFNAME_MAX - TUNNEL_NUMBER_DIGITS} characters (the tunnel number is appended; Linux names are at most ${LINUX_IFNAME_MAX})`;
  }
  return undefined;
}

function checkIfIdBase(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < IF_ID_RANGE.min || value > IF_ID_RANGE.max) {
    return `must be a whole number ${IF_ID_RANGE.min}..${IF_ID_RANGE.max} (the XFRM if_id of tunnel 1; tunnel 2 uses the next number)`;
  }
  return undefined;
}

export const STRONGSWAN_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  outsideInterface: {
    default: 'eth0',
    description: 'The Linux interface facing the internet; the XFRM interfaces are created on it',
    check: checkInterfaceName,
  },
  tunnelInterfacePrefix: {
    default: 'xfrm-azure',
    description: 'Name prefix of the XFRM tunnel interfaces; the tunnel number (1, 2) is appended',
    check: checkTunnelPrefix,
  },
  ifIdBase: {
    default: 100,
    description: 'XFRM interface id (if_id) of tunnel 1; tunnel n uses ifIdBase + n - 1',
    check: checkIfIdBase,
  },
  prefixAdvertisement: PREFIX_ADVERTISEMENT_OPTION,
};
