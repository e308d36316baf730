/**
 * What every hub rule sees: the parts of the file that passed the schema (a part that failed is absent,
 * so one typo does not hide the semantic problems elsewhere), and the device table.
 */
import type { Problem } from '../../errors';
import type { Proposals } from '../../policy/catalog';
import type { DeviceId } from '../deviceIds';
import type { RawExpressRoute, RawSite, RawVnet, RawVpnGateway } from '../schema';
import type { DeviceOptionValue } from '../types';

/** One `deviceOptions` key a device understands. */
export interface DeviceOptionSpec {
  /** The default (with `deriveDefault`: the value it gives for the other options' defaults). */
  default: DeviceOptionValue;
  /** A default computed from the site's other options (e.g. `Loopback<tunnelNumberBase>`); wins over `default`. */
  deriveDefault?: (options: Readonly<Record<string, DeviceOptionValue>>) => DeviceOptionValue;
  /** How the default reads in messages and docs when it is derived, e.g. `Loopback<tunnelNumberBase>`. */
  defaultText?: string;
  description: string;
  /** Returns a problem message for a bad value, or undefined. */
  check: (value: DeviceOptionValue) => string | undefined;
}

/**
 * What the validator needs from a device: its options, its key limits and its proposal check. Declared
 * here and passed in by the caller (every device definition is one), so the hub never imports a device.
 */
export interface DeviceRules {
  id: DeviceId;
  displayName: string;
  options: Record<string, DeviceOptionSpec>;
  /** Characters this device cannot carry safely in a PSK (azure-facts.md section 3). */
  unsafeKeyChars: readonly string[];
  /**
   * Proposal values and lifetimes this device cannot express (never clamped silently). Paths are relative
   * to the site, e.g. `ipsecPolicy.pfsGroup`. Used by `validate` (the hub's policy) and by `render` (the
   * policy Azure reports).
   */
  checkProposals(proposals: Proposals): Problem[];
}
export type DeviceTable = Readonly<Record<DeviceId, DeviceRules>>;

export interface IndexedSite {
  /** Position in the file's `sites` list. */
  index: number;
  site: RawSite;
}

export interface HubParts {
  vnet?: RawVnet;
  vpnGateway?: RawVpnGateway;
  expressRoute?: RawExpressRoute;
  /** True when the file has an `expressRoute` section, valid or not. */
  hasExpressRoute: boolean;
  /** The sites that passed the schema, with their positions. */
  sites: IndexedSite[];
  /** How many sites the file lists (valid or not). */
  siteCount: number;
}

export interface RuleEnv {
  devices: DeviceTable;
}

/** One named check of hub-file.md "Rules the file is checked against". Returns every problem it finds. */
export type HubRule = (parts: HubParts, env: RuleEnv) => Problem[];

export function error(path: string, message: string, fix: string): Problem {
  return { path, severity: 'error', message, fix };
}

export function warning(path: string, message: string, fix: string): Problem {
  return { path, severity: 'warning', message, fix };
}

export function sitePath(index: number, rest: string): string {
  return `sites[${index}].${rest}`;
}
