/** `--device` of `deploy --out`: `own`, `all` or a device id. */
import { UsageError } from '../errors';
import { DEVICE_IDS } from '../hub/deviceIds';

/** `own`, `all` or a device id; anything else is a usage error (checked before deploying). */
export function checkDeviceSelection(device: string): void {
  if (device !== 'own' && device !== 'all' && !(DEVICE_IDS as readonly string[]).includes(device)) {
    throw new UsageError('UnknownDevice', `unknown device ${device}`, `use own, all or one of ${DEVICE_IDS.join(', ')}`);
  }
}
