/**
 * Every device a hub file may name (`sites[].device`), by id. The id names the device's folder in
 * `src/devices/<id>/` and `device-templates/<id>/`; the device registry holds one entry per id.
 */
export const DEVICE_IDS = ['cisco-ios', 'juniper-srx', 'strongswan', 'windows-rras', 'fortigate', 'paloalto'] as const;
export type DeviceId = (typeof DEVICE_IDS)[number];

export function isDeviceId(v: unknown): v is DeviceId {
  return typeof v === 'string' && (DEVICE_IDS as readonly string[]).includes(v);
}
