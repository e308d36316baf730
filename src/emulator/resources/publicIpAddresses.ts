/**
 * publicIPAddresses: Standard static ones get an address from 203.0.113.0/24 at creation; dynamic ones
 * only when the gateway that uses them finishes, and lose it when that gateway is deleted.
 */
import type { EmulatorContext } from '../context';
import { asObject } from '../http';
import { badRequest } from '../rules';
import type { ResourceRecord } from '../state';
import { envelope, newRecord } from './generic';
import type { ResourceKind } from './kind';

/** The gateway ipConfiguration id that uses a public IP, if any. */
export function publicIpUser(ctx: EmulatorContext, pip: ResourceRecord): string | undefined {
  for (const gw of ctx.store.list('virtualNetworkGateways')) {
    for (const ipc of gw.props.ipConfigurations ?? []) {
      if ((ipc.properties?.publicIPAddress?.id ?? '').toLowerCase() === pip.key) return ipc.id;
    }
  }
  return undefined;
}

export const publicIpAddressKind: ResourceKind = {
  type: 'publicIPAddresses',
  fullType: 'Microsoft.Network/publicIPAddresses',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(ctx, input) {
    const props = asObject(input.body.properties, 'properties');
    const skuName = String(input.body.sku?.name ?? 'Standard');
    if (!['Standard', 'Basic'].includes(skuName)) {
      throw badRequest('InvalidPublicIpSku', `SKU ${skuName} of public IP ${input.id} is not valid; use Standard.`);
    }
    const method = String(props.publicIPAllocationMethod ?? (skuName === 'Standard' ? 'Static' : 'Dynamic'));
    if (!['Static', 'Dynamic'].includes(method)) {
      throw badRequest('InvalidPublicIpAllocationMethod', `publicIPAllocationMethod of ${input.id} must be Static or Dynamic; got ${method}.`);
    }
    if (skuName === 'Standard' && method !== 'Static') {
      throw badRequest('StandardSkuPublicIPAddressesMustBeStatic', `Standard sku publicIp ${input.id} must have AllocationMethod set to Static.`);
    }
    const version = String(props.publicIPAddressVersion ?? 'IPv4');
    if (version !== 'IPv4') throw badRequest('UnsupportedPublicIpVersion', `The emulator serves IPv4 public IPs only; ${input.id} asks for ${version}.`);
    if (input.existing && input.existing.props.publicIPAllocationMethod !== method && publicIpUser(ctx, input.existing)) {
      throw badRequest('PublicIPAddressInUse', `The allocation method of public IP ${input.id} cannot change while a gateway uses it.`);
    }
    let ipAddress: string | undefined = input.existing?.props.ipAddress;
    if (method === 'Static' && !ipAddress) ipAddress = ctx.store.allocatePublicIp();
    const stored: Record<string, any> = {
      publicIPAddressVersion: version,
      publicIPAllocationMethod: method,
      idleTimeoutInMinutes: typeof props.idleTimeoutInMinutes === 'number' ? props.idleTimeoutInMinutes : 4,
      ipTags: Array.isArray(props.ipTags) ? props.ipTags : [],
    };
    if (ipAddress) stored.ipAddress = ipAddress;
    return newRecord(publicIpAddressKind, input, {
      props: stored,
      sku: { name: skuName, tier: String(input.body.sku?.tier ?? 'Regional') },
      zones: Array.isArray(input.body.zones) ? input.body.zones.map(String) : undefined,
    });
  },
  view(ctx, rec) {
    const extra: Record<string, any> = {};
    const user = publicIpUser(ctx, rec);
    if (user) extra.ipConfiguration = { id: user };
    return envelope(rec, { ...rec.props, ...extra });
  },
  beforeDelete(ctx, rec) {
    const user = publicIpUser(ctx, rec);
    if (user) {
      throw badRequest('PublicIPAddressCannotBeDeleted', `Public IP address ${rec.id} can not be deleted since it is still allocated to resource ${user}.`);
    }
  },
};

/** A gateway finished: its dynamic public IPs get an address now. */
export function assignDynamicAddress(ctx: EmulatorContext, pip: ResourceRecord): void {
  if (!pip.props.ipAddress) {
    pip.props.ipAddress = ctx.store.allocatePublicIp();
    ctx.store.markDirty();
  }
}

/** A gateway was deleted: dynamic public IPs give their address back. */
export function releaseDynamicAddress(ctx: EmulatorContext, pip: ResourceRecord): void {
  if (pip.props.publicIPAllocationMethod === 'Dynamic' && pip.props.ipAddress) {
    delete pip.props.ipAddress;
    ctx.store.markDirty();
  }
}
