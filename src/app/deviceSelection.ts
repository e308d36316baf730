/**
 * `--device`, checked in one place for every command that takes it, before anything is read or written:
 * a device tunnelsmith does not render is a usage error (exit 2).
 */
import { DEVICES } from '../devices/registry';
import { UsageError } from '../errors';
import { isDeviceId, type DeviceId } from '../hub/deviceIds';
import type { DeviceSelection } from '../render/plan';
import { orList } from '../util/orList';

/** `render`, `bundle`, `deploy --out`, `rotate-key`: `own` (each site's device), `all`, or one device id. */
export function parseDeviceSelection(value: string): DeviceSelection {
  if (value === 'own' || value === 'all' || isDeviceId(value)) return value;
  throw unknownDevice(value, ['own', 'all', ...Object.keys(DEVICES)]);
}

/** `import`: one device id, for every site. */
export function parseDeviceId(value: string): DeviceId {
  if (isDeviceId(value)) return value;
  throw unknownDevice(value, Object.keys(DEVICES));
}

function unknownDevice(value: string, choices: readonly string[]): UsageError {
  return new UsageError('UnknownDevice', `--device ${value} is not a device tunnelsmith renders`, `use ${orList(choices)}`);
}
