/** Every device tunnelsmith renders, by id. The id names the template folder `device-templates/<id>/`. */
export const DEVICE_IDS = ['cisco-ios', 'juniper-srx', 'strongswan', 'windows-rras'] as const;
export type DeviceId = (typeof DEVICE_IDS)[number];

export function isDeviceId(v: unknown): v is DeviceId {
  return typeof v === 'string' && (DEVICE_IDS as readonly string[]).includes(v);
}
