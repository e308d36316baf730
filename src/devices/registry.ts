/**
 * The device registry: one plain table of every device tunnelsmith renders. Reached one way, by a static
 * import of `DEVICES`.
 */
import type { DeviceId } from '../hub/deviceIds';
import type { DeviceDefinition } from './kit/contract';
import { ciscoIos } from './cisco-ios/device';
import { fortigate } from './fortigate/device';
import { juniperSrx } from './juniper-srx/device';
import { paloalto } from './paloalto/device';
import { strongswan } from './strongswan/device';
import { windowsRras } from './windows-rras/device';

export const DEVICES: Readonly<Record<DeviceId, DeviceDefinition>> = {
  'cisco-ios': ciscoIos,
  'juniper-srx': juniperSrx,
  strongswan,
  'windows-rras': windowsRras,
  fortigate,
  paloalto,
};
