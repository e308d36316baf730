/** The `deviceOptions` paloalto understands (hub-file.md), with defaults and checks that refuse config injection. */
import type { DeviceOptionValue } from '../../hub/types';
import type { DeviceOptionSpec } from '../../hub/rules';
import { PREFIX_ADVERTISEMENT_OPTION } from '../kit/prefixAdvertisement';

/** Layer 3 interfaces an IKE gateway binds to: ethernet1/1, ethernet1/1.100, ae1, ae1.20, vlan.10. */
const OUTSIDE_INTERFACE = /^(ethernet[1-9][0-9]{0,1}\/[1-9][0-9]{0,2}|ae[1-9][0-9]{0,2}|vlan)(\.[1-9][0-9]{0,3})?$/;
/** Zone and virtual router names: a letter or digit, then letters, digits, `.`, `_` and `-`; at most 31 characters. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/;
/** Tunnel and loopback interface units: tunnel.1 .. tunnel.9999, loopback.1 .. loopback.9999. */
export const MAX_UNIT = 9999;

function outsideInterface(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !OUTSIDE_INTERFACE.test(value)) {
    return 'must be a layer 3 interface such as ethernet1/1, ethernet1/1.100, ae1 or vlan.10';
  }
  return undefined;
}

function name(value: DeviceOptionValue): string | undefined {
  if (typeof value !== 'string' || !NAME.test(value)) {
    return 'must be a PAN-OS name: a letter or digit, then letters, digits, ".", "_" or "-", at most 31 characters';
  }
  return undefined;
}

function unit(last: number, what: string) {
  return (value: DeviceOptionValue): string | undefined => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > last) return `must be a whole number from 1 to ${last} (${what})`;
    return undefined;
  };
}

export const PALOALTO_OPTIONS: Readonly<Record<string, DeviceOptionSpec>> = {
  outsideInterface: {
    default: 'ethernet1/1',
    description: 'the layer 3 interface facing the Internet: the IKE gateways\' local address',
    check: outsideInterface,
  },
  outsideZone: {
    default: 'untrust',
    description: 'the zone of the outside interface (IKE and ESP from Azure are allowed in it)',
    check: name,
  },
  insideZone: {
    default: 'trust',
    description: 'the zone of the on-premises networks that talk to Azure',
    check: name,
  },
  vpnZone: {
    default: 'azure-vpn',
    description: 'the layer 3 zone the file creates for the tunnel interfaces (and the BGP loopback)',
    check: name,
  },
  virtualRouter: {
    default: 'default',
    description: 'the virtual router that gets the tunnel interfaces, the routes and BGP',
    check: name,
  },
  tunnelUnitBase: {
    default: 100,
    description: 'unit of the first tunnel interface (tunnel.100, tunnel.101 for active-active)',
    check: unit(MAX_UNIT - 1, 'tunnels get this unit and the next'),
  },
  loopbackUnit: {
    default: 100,
    description: 'unit of the loopback interface that holds the BGP address (loopback.100)',
    check: unit(MAX_UNIT, 'the BGP loopback'),
  },
  prefixAdvertisement: PREFIX_ADVERTISEMENT_OPTION,
};
