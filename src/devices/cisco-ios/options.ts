/** The `deviceOptions` cisco-ios understands (hub-file.md), with defaults and checks that refuse config injection. */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';
import { PREFIX_ADVERTISEMENT_OPTION } from '../kit/prefixAdvertisement';

/** Interface names: letters first, then letters, digits and `/._:-` only (no spaces, quotes, `;` or newlines). */
const INTERFACE_NAME = /^[A-Za-z][A-Za-z0-9/._:-]{0,63}$/;
const LOOPBACK_NAME = /^Loopback(0|[1-9][0-9]{0,9})$/;
/** VRF names: a letter, then letters, digits, `_`, `.`, `-` (at most 32 characters, no spaces or quotes). */
const VRF_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;
/** IOS-XE tunnel interface numbers run 0..2147483647. */
export const MAX_TUNNEL_NUMBER = 2147483647;

function interfaceName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !INTERFACE_NAME.test(value)) {
    return 'must be an interface name such as GigabitEthernet1 or GigabitEthernet0/0/0.100 (letters, digits and / . _ : - only, at most 64 characters)';
  }
  return undefined;
}

function loopbackName(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !LOOPBACK_NAME.test(value) || Number(value.slice('Loopback'.length)) > MAX_TUNNEL_NUMBER) {
    return 'must be a loopback interface such as Loopback0 or Loopback10';
  }
  return undefined;
}

/** '' is the default (no front-door VRF); a hub file cannot write it (option texts are 1..64 characters). */
function vrfName(value: DeviceOptionValue): string | undefined {
  if (value === '') return undefined;
  if (typeof value !== 'string' || !VRF_NAME.test(value)) {
    return 'must be a VRF name such as INTERNET: a letter, then letters, digits, _ . - (at most 32 characters)';
  }
  return undefined;
}

/** The default BGP loopback: `Loopback<tunnelNumberBase>`, a number routers rarely use (Loopback0 is usually the router-id or iBGP source). */
export function defaultLoopback(options: Readonly<Record<string, DeviceOptionValue>>): string {
  return `Loopback${Number(options.tunnelNumberBase)}`;
}

function tunnelNumber(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TUNNEL_NUMBER - 1) {
    return `must be an integer from 0 to ${MAX_TUNNEL_NUMBER - 1} (tunnels get this number and the next)`;
  }
  return undefined;
}

export const CISCO_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  outsideInterface: {
    default: 'GigabitEthernet1',
    description: 'the interface facing the Internet: tunnel source, and where the ACL snippet belongs',
    check: interfaceName,
  },
  tunnelNumberBase: {
    default: 100,
    description: 'number of the first tunnel interface (Tunnel100, Tunnel101 for active-active)',
    check: tunnelNumber,
  },
  loopbackInterface: {
    default: 'Loopback100',
    deriveDefault: defaultLoopback,
    defaultText: 'Loopback<tunnelNumberBase>',
    description: 'the loopback that holds the BGP address (bgp.peerIp); the tunnels are unnumbered to it. Its primary address is replaced, so it must be a loopback nothing else uses (not the router-id or iBGP source, often Loopback0)',
    check: loopbackName,
  },
  outsideVrf: {
    default: '',
    defaultText: 'none (the global table)',
    description: 'the front-door VRF of outsideInterface: IKE and ESP run in it (keyring/IKEv2 policy and profile match fvrf, tunnel vrf); the tunnels, BGP and LAN stay in the global table',
    check: vrfName,
  },
  prefixAdvertisement: PREFIX_ADVERTISEMENT_OPTION,
};
