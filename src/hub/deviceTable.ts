/** The default device table for validation: the device registry, required on first use. */
import type { DeviceTable } from './rules';

let registryCache: DeviceTable | undefined;

/**
 * The device registry, required rather than imported: the validator stays loadable (and testable with an
 * injected table) while device modules are missing or being rebuilt, and `validate` loads devices only
 * when it runs.
 */
export function registryDevices(): DeviceTable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registryCache ??= (require('../devices/registry') as typeof import('../devices/registry')).DEVICES;
  return registryCache;
}
