/** The `deviceOptions` juniper-srx understands (hub-file.md), with defaults and checks that refuse config injection. */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';
import { PREFIX_ADVERTISEMENT_OPTION } from '../kit/prefixAdvertisement';

/** A logical interface with its unit: ge-0/0/0.0, xe-1/0/2:1.100, reth0.0, ae1.20, irb.10, pp0.0. */
const LOGICAL_INTERFACE = /^[a-z][a-z0-9]{0,15}(-[0-9]{1,3}(\/[0-9]{1,3}){2}(:[0-9]{1,3})?)?\.[0-9]{1,5}$/;
/** Zone names: a letter, then letters, digits, `_` and `-` (at most 63); `junos-` names are the system's. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** Highest st0 logical unit tunnelsmith numbers. */
export const MAX_ST0_UNIT = 16383;

function logicalInterface(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !LOGICAL_INTERFACE.test(value)) {
    return 'must be a logical interface with its unit, such as ge-0/0/0.0, reth0.0 or pp0.0 (no spaces, quotes or ";")';
  }
  return undefined;
}

function zoneName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !ZONE_NAME.test(value) || value.toLowerCase().startsWith('junos-')) {
    return 'must be a security zone name: a letter, then letters, digits, "_" or "-" (at most 63 characters, not junos-...)';
  }
  return undefined;
}

function st0Unit(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ST0_UNIT - 1) {
    return `must be an integer from 0 to ${MAX_ST0_UNIT - 1} (tunnels get st0 units from this number up)`;
  }
  return undefined;
}

export const JUNOS_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  externalInterface: {
    default: 'ge-0/0/0.0',
    description: 'the logical interface facing the Internet (IKE external-interface)',
    check: logicalInterface,
  },
  untrustZone: {
    default: 'untrust',
    description: 'the security zone of the external interface (IKE allowed in as host-inbound traffic)',
    check: zoneName,
  },
  trustZone: {
    default: 'trust',
    description: 'the security zone of the on-premises networks that talk to Azure',
    check: zoneName,
  },
  vpnZone: {
    default: 'azure-vpn',
    description: 'the security zone that holds the st0 tunnel units (created by the file)',
    check: zoneName,
  },
  st0UnitBase: {
    default: 0,
    description: 'first st0 unit (st0.0, st0.1 for active-active)',
    check: st0Unit,
  },
  prefixAdvertisement: PREFIX_ADVERTISEMENT_OPTION,
};
