/** The `deviceOptions` fortigate understands (hub-file.md), with defaults and checks that refuse config injection. */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';
import { PREFIX_ADVERTISEMENT_OPTION } from '../kit/prefixAdvertisement';

/** FortiOS `config system interface` names: at most 15 characters (Fortinet KB FD31562; system interface `name` size 15). */
export const FORTIOS_INTERFACE_NAME_MAX = 15;
/** Interface and zone names: a letter or digit first, then letters, digits, `-`, `_` and `.` (no spaces, quotes or `;`). */
const INTERFACE_NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${FORTIOS_INTERFACE_NAME_MAX - 1}}$`);
/** `srcintf`/`dstintf` name an interface or a zone: up to 35 characters. */
const POLICY_INTERFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,34}$/;
/** VDOM names: letters, digits, `-` and `_` (no spaces, quotes or `;`). */
const VDOM_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/;

function interfaceName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !INTERFACE_NAME.test(value)) {
    return `must be a FortiOS interface name such as port1 or wan1: letters, digits and . _ - only, at most ${FORTIOS_INTERFACE_NAME_MAX} characters`;
  }
  return undefined;
}

function policyInterfaceName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !POLICY_INTERFACE_NAME.test(value)) {
    return 'must be a FortiOS interface or zone name such as port2, internal or lan-zone: letters, digits and . _ - only, at most 35 characters';
  }
  return undefined;
}

function vdomName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !VDOM_NAME.test(value)) {
    return 'must be a VDOM name such as root: letters, digits, _ and - only, at most 31 characters';
  }
  return undefined;
}

export const FORTIGATE_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  outsideInterface: {
    default: 'port1',
    description: 'the interface facing the Internet: the phase1-interface `interface`, where IKE and ESP arrive',
    check: interfaceName,
  },
  insideInterface: {
    default: 'port2',
    description: 'the interface or zone of the on-premises networks: source and destination of the firewall policies',
    check: policyInterfaceName,
  },
  loopbackInterface: {
    default: 'azure-bgp',
    description: 'the loopback interface the file creates to hold the BGP address (bgp.peerIp)',
    check: interfaceName,
  },
  vdom: {
    default: 'root',
    description: 'the VDOM the loopback interface is created in (root on a FortiGate without VDOMs)',
    check: vdomName,
  },
  prefixAdvertisement: PREFIX_ADVERTISEMENT_OPTION,
};
