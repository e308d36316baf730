/** virtualNetworks, with subnets both inline and as child resources (`.../virtualNetworks/{n}/subnets/{s}`). */
import type { EmulatorContext } from '../context';
import { asObject } from '../http';
import { keyOf } from '../ids';
import { type Cidr, containsCidr, overlaps, parseCidr } from '../ipv4';
import { badRequest } from '../rules';
import type { ResourceRecord } from '../state';
import { envelope, newRecord } from './generic';
import { vnetKeyOfGateway } from './topology';
import type { PutInput, ResourceKind } from './kind';

function subnetPrefixes(props: Record<string, any>): string[] {
  if (Array.isArray(props.addressPrefixes) && props.addressPrefixes.length > 0) return props.addressPrefixes.map(String);
  return typeof props.addressPrefix === 'string' ? [props.addressPrefix] : [];
}

/** Gateways placed in a VNet: a VNet or subnet change waits for theirs to finish (409 otherwise). */
function gatewaysInVnet(ctx: EmulatorContext, vnetKey: string): ResourceRecord[] {
  return ctx.store.list('virtualNetworkGateways').filter((g) => vnetKeyOfGateway(g) === vnetKey);
}

/** Gateway ipConfigurations that use a subnet. */
export function subnetUsers(ctx: EmulatorContext, subnetKey: string): string[] {
  const users: string[] = [];
  for (const gw of ctx.store.list('virtualNetworkGateways')) {
    for (const ipc of gw.props.ipConfigurations ?? []) {
      if (keyOf(ipc.properties?.subnet?.id ?? '') === subnetKey) users.push(ipc.id);
    }
  }
  return users;
}

function parsePrefixes(list: unknown, owner: string, field: string): Cidr[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest('InvalidAddressPrefix', `${field} of ${owner} must list at least one address prefix.`);
  }
  return list.map((p) => {
    const c = parseCidr(p);
    if (!c) throw badRequest('InvalidAddressPrefixFormat', `Address prefix ${String(p)} of ${owner} has an invalid format (use a.b.c.d/n with the host bits zero).`);
    return c;
  });
}

/** Checks a subnet's prefixes against the VNet address space and its sibling subnets. */
function checkSubnet(vnetSpace: Cidr[], siblings: ResourceRecord[], subnetId: string, prefixes: string[]): void {
  if (prefixes.length === 0) throw badRequest('InvalidAddressPrefix', `Subnet ${subnetId} must have an addressPrefix.`);
  for (const p of prefixes) {
    const c = parseCidr(p);
    if (!c) throw badRequest('InvalidAddressPrefixFormat', `Address prefix ${p} of subnet ${subnetId} has an invalid format.`);
    if (!vnetSpace.some((v) => containsCidr(v, c))) {
      throw badRequest('NetcfgSubnetRangeOutsideVnet', `Subnet '${subnetId}' is not valid because its IP address range is outside the IP address range of virtual network.`);
    }
    if (c.prefix > 29) {
      throw badRequest('InvalidAddressPrefix', `Subnet ${subnetId} prefix ${p} is too small; the smallest supported subnet is /29.`);
    }
    for (const s of siblings) {
      for (const q of subnetPrefixes(s.props)) {
        const o = parseCidr(q);
        if (o && overlaps(c, o)) {
          throw badRequest('NetcfgSubnetRangesOverlap', `Subnet '${subnetId}' is not valid because its IP address range overlaps with that of an existing subnet '${s.name}' in virtual network.`);
        }
      }
    }
  }
}

function subnetView(rec: ResourceRecord): Record<string, any> {
  return envelope(rec, rec.props);
}

export const subnetKind: ResourceKind = {
  type: 'subnets',
  fullType: 'Microsoft.Network/virtualNetworks/subnets',
  parentType: 'virtualnetworks',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(ctx, input) {
    const vnet = input.parent!;
    const props = asObject(input.body.properties, 'properties');
    const prefixes = subnetPrefixes(props);
    const space = (vnet.props.addressSpace?.addressPrefixes ?? []).map(parseCidr).filter(Boolean) as Cidr[];
    const siblings = ctx.store.children(vnet.key, 'subnets').filter((s) => s.key !== keyOf(input.id));
    checkSubnet(space, siblings, input.id, prefixes);
    if (input.existing) {
      const users = subnetUsers(ctx, input.existing.key);
      if (users.length > 0 && subnetPrefixes(input.existing.props).join(',') !== prefixes.join(',')) {
        throw badRequest('InUseSubnetCannotBeUpdated', `Subnet ${input.existing.name} is in use by ${users[0]} and its address prefix cannot be updated.`);
      }
    }
    const stored: Record<string, any> = { ...props };
    delete stored.provisioningState;
    delete stored.ipConfigurations;
    return newRecord(subnetKind, input, { props: stored });
  },
  blockers: (ctx, rec) => gatewaysInVnet(ctx, rec.parentKey!),
  view: (ctx, rec) => withIpConfigurations(ctx, rec),
  beforeDelete(ctx, rec) {
    const users = subnetUsers(ctx, rec.key);
    if (users.length > 0) {
      throw badRequest('InUseSubnetCannotBeDeleted', `Subnet ${rec.name} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
    }
  },
};

function withIpConfigurations(ctx: EmulatorContext, rec: ResourceRecord): Record<string, any> {
  const body = subnetView(rec);
  const users = subnetUsers(ctx, rec.key);
  if (users.length > 0) body.properties.ipConfigurations = users.map((id) => ({ id }));
  return body;
}

export const virtualNetworkKind: ResourceKind = {
  type: 'virtualNetworks',
  fullType: 'Microsoft.Network/virtualNetworks',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(ctx, input) {
    const props = asObject(input.body.properties, 'properties');
    const space = parsePrefixes(props.addressSpace?.addressPrefixes, input.id, 'addressSpace.addressPrefixes');
    for (let i = 0; i < space.length; i++) {
      for (let j = i + 1; j < space.length; j++) {
        if (overlaps(space[i], space[j])) {
          throw badRequest('VnetAddressSpacesOverlap', `Address spaces ${space[i].text} and ${space[j].text} of virtual network ${input.id} overlap.`);
        }
      }
    }
    const inline = Array.isArray(props.subnets) ? (props.subnets as unknown[]) : [];
    const seen: ResourceRecord[] = [];
    const names = new Set<string>();
    for (const raw of inline) {
      const s = asObject(raw, 'a subnet');
      const name = String(s.name ?? '');
      if (!name) throw badRequest('InvalidRequestFormat', `Cannot parse the request: every subnet of ${input.id} needs a name.`);
      if (names.has(name.toLowerCase())) throw badRequest('DuplicateResourceName', `Virtual network ${input.id} lists subnet ${name} twice.`);
      names.add(name.toLowerCase());
      const sp = subnetPrefixes(asObject(s.properties, 'subnet properties'));
      const sid = `${input.id}/subnets/${name}`;
      checkSubnet(space, seen, sid, sp);
      seen.push({ name, props: { addressPrefix: sp[0], addressPrefixes: sp.length > 1 ? sp : undefined } } as unknown as ResourceRecord);
    }
    // Subnets left out of the PUT are deleted, as in Azure; one in use refuses that.
    if (input.existing) {
      for (const child of ctx.store.children(input.existing.key, 'subnets')) {
        const kept = inline.find((s) => String((s as any)?.name ?? '').toLowerCase() === child.name.toLowerCase()) as any;
        const users = subnetUsers(ctx, child.key);
        if (users.length === 0) continue;
        if (!kept) {
          throw badRequest('InUseSubnetCannotBeDeleted', `Subnet ${child.name} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
        }
        if (subnetPrefixes(kept.properties ?? {}).join(',') !== subnetPrefixes(child.props).join(',')) {
          throw badRequest('InUseSubnetCannotBeUpdated', `Subnet ${child.name} is in use by ${users[0]} and its address prefix cannot be updated.`);
        }
      }
    }
    const stored: Record<string, any> = { ...props, addressSpace: { addressPrefixes: space.map((c) => c.text) } };
    delete stored.subnets;
    delete stored.provisioningState;
    stored.virtualNetworkPeerings = stored.virtualNetworkPeerings ?? [];
    return newRecord(virtualNetworkKind, input, { props: stored });
  },
  blockers: (ctx, rec) => gatewaysInVnet(ctx, rec.key),
  afterPut(ctx, rec, input: PutInput) {
    const props = asObject(input.body.properties, 'properties');
    const inline = Array.isArray(props.subnets) ? (props.subnets as any[]) : [];
    const keep = new Set<string>();
    for (const s of inline) {
      const id = `${rec.id}/subnets/${s.name}`;
      const existing = ctx.store.get(id);
      const child = newRecord(subnetKind, { ...input, id, name: String(s.name), body: s, existing, parent: rec }, { props: stripSubnet(s.properties ?? {}) });
      child.provisioningState = 'Succeeded';
      child.provisioned = true;
      ctx.store.put(child);
      keep.add(child.key);
    }
    for (const child of ctx.store.children(rec.key, 'subnets')) if (!keep.has(child.key)) ctx.store.delete(child);
  },
  view(ctx, rec) {
    const subnets = ctx.store.children(rec.key, 'subnets').map((s) => withIpConfigurations(ctx, s));
    return envelope(rec, { ...rec.props, subnets });
  },
  beforeDelete(ctx, rec) {
    for (const child of ctx.store.children(rec.key, 'subnets')) subnetKind.beforeDelete!(ctx, child);
  },
};

function stripSubnet(props: Record<string, any>): Record<string, any> {
  const out = { ...props };
  delete out.provisioningState;
  delete out.ipConfigurations;
  return out;
}

/** The VNet a subnet id belongs to, and its GatewaySubnet. */
export function gatewaySubnetOf(ctx: EmulatorContext, vnet: ResourceRecord): ResourceRecord | undefined {
  return ctx.store.children(vnet.key, 'subnets').find((s) => s.name.toLowerCase() === 'gatewaysubnet');
}

export function firstPrefix(subnet: ResourceRecord): Cidr | undefined {
  return parseCidr(subnetPrefixes(subnet.props)[0]);
}
