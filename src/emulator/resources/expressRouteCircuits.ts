/**
 * expressRouteCircuits and their peerings. A created circuit waits for its provider
 * (serviceProviderProvisioningState NotProvisioned); the control surface plays the provider.
 */
import type { EmulatorContext } from '../context';
import { ArmError, asObject } from '../http';
import { keyOf, newEtag, newGuid, normalizeLocation, resourceId, rgId } from '../ids';
import { formatIp, parseCidr } from '../ipv4';
import { badRequest, checkOnPremAsn } from '../rules';
import type { ResourceRecord } from '../state';
import type { CircuitInfo, PrivatePeeringSpec, ProvisionedCircuitSpec } from '../types';
import { envelope, newRecord } from './generic';
import type { PutInput, ResourceKind } from './kind';

const TIERS = ['Standard', 'Premium', 'Local', 'Basic'];
const FAMILIES = ['MeteredData', 'UnlimitedData'];
const PEERING_NAMES = ['AzurePrivatePeering', 'MicrosoftPeering', 'AzurePublicPeering'];

/** An authorization on a circuit: its key, and the connection that redeemed it (a key serves one connection). */
export interface CircuitAuthorization {
  name: string;
  key: string;
  used?: boolean;
  /** Lower-case id of the connection that redeemed the key. */
  usedBy?: string;
}

/** A circuit owned by someone else: the caller has no role on its resource group. */
export function isUnreadable(circuit: ResourceRecord): boolean {
  return circuit.internal.unreadable === true;
}

export function privatePeering(ctx: EmulatorContext, circuit: ResourceRecord): ResourceRecord | undefined {
  return ctx.store.children(circuit.key, 'peerings').find((p) => p.name === 'AzurePrivatePeering');
}

export function pathState(ctx: EmulatorContext, circuit: ResourceRecord): 'up' | 'down' {
  return ctx.store.state.sim.expressRoutePath[circuit.key] ?? ctx.store.state.sim.expressRoutePathGlobal;
}

/** Provisioned by the provider, private peering configured, and the path up. */
export function circuitCarriesTraffic(ctx: EmulatorContext, circuit: ResourceRecord | undefined): boolean {
  return (
    circuit !== undefined &&
    circuit.props.serviceProviderProvisioningState === 'Provisioned' &&
    privatePeering(ctx, circuit) !== undefined &&
    pathState(ctx, circuit) === 'up'
  );
}

export function erConnectionsOfCircuit(ctx: EmulatorContext, circuit: ResourceRecord): ResourceRecord[] {
  return ctx.store.list('connections').filter((c) => (c.props.peer?.id ?? '').toLowerCase() === circuit.key);
}

function checkPeering(circuitId: string, name: string, props: Record<string, any>): Record<string, any> {
  if (!PEERING_NAMES.includes(name)) {
    throw badRequest('InvalidPeeringName', `Peering name ${name} of circuit ${circuitId} must be one of ${PEERING_NAMES.join(', ')}.`);
  }
  const peeringType = String(props.peeringType ?? name);
  if (peeringType !== name) throw badRequest('PeeringTypeMismatch', `Peering ${name} of circuit ${circuitId} has peeringType ${peeringType}; they must match.`);
  checkOnPremAsn(props.peerASN, `peering ${name} of circuit ${circuitId}`);
  const prefixes: string[] = [];
  for (const field of ['primaryPeerAddressPrefix', 'secondaryPeerAddressPrefix']) {
    const c = parseCidr(props[field]);
    if (!c || c.prefix !== 30) {
      throw badRequest('InvalidPeeringAddressPrefix', `${field} of peering ${name} of circuit ${circuitId} must be a /30 prefix; got ${String(props[field])}.`);
    }
    prefixes.push(c.text);
  }
  if (prefixes[0] === prefixes[1]) throw badRequest('InvalidPeeringAddressPrefix', `The primary and secondary prefixes of peering ${name} of circuit ${circuitId} must differ.`);
  const vlanId = props.vlanId;
  if (typeof vlanId !== 'number' || !Number.isInteger(vlanId) || vlanId < 1 || vlanId > 4094) {
    throw badRequest('InvalidVlanId', `vlanId of peering ${name} of circuit ${circuitId} must be between 1 and 4094; got ${String(vlanId)}.`);
  }
  return {
    peeringType,
    state: 'Enabled',
    azureASN: 12076,
    peerASN: props.peerASN,
    primaryPeerAddressPrefix: prefixes[0],
    secondaryPeerAddressPrefix: prefixes[1],
    primaryAzurePort: 'EmulatorPort-PRI',
    secondaryAzurePort: 'EmulatorPort-SEC',
    vlanId,
    gatewayManagerEtag: '',
    lastModifiedBy: 'Customer',
  };
}

/** The MSEE (Azure) side of a /30 peering prefix: its second host address. */
export function azurePeerAddress(prefix: string): string {
  const c = parseCidr(prefix)!;
  return formatIp(c.base + 2);
}

export const peeringKind: ResourceKind = {
  type: 'peerings',
  fullType: 'Microsoft.Network/expressRouteCircuits/peerings',
  parentType: 'expressroutecircuits',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(_ctx, input) {
    const circuit = input.parent!;
    if (circuit.props.serviceProviderProvisioningState !== 'Provisioned') {
      throw badRequest(
        'CircuitNotProvisionedByServiceProvider',
        `Peering ${input.name} cannot be configured on circuit ${circuit.id}: the service provider has not provisioned the circuit (serviceProviderProvisioningState is ${circuit.props.serviceProviderProvisioningState}).`,
      );
    }
    const props = asObject(input.body.properties, 'properties');
    return newRecord(peeringKind, input, { props: checkPeering(circuit.id, input.name, props) });
  },
  view: (_ctx, rec) => envelope(rec, rec.props),
  beforeDelete(ctx, rec) {
    const circuit = ctx.store.get(rec.parentKey!)!;
    const conns = erConnectionsOfCircuit(ctx, circuit);
    if (rec.name === 'AzurePrivatePeering' && conns.length > 0) {
      throw badRequest('PeeringInUseByConnection', `Private peering of circuit ${circuit.id} is in use by connection ${conns[0].id}; delete the connection first.`);
    }
  },
};

export const expressRouteCircuitKind: ResourceKind = {
  type: 'expressRouteCircuits',
  fullType: 'Microsoft.Network/expressRouteCircuits',
  putDurationMs: (ctx) => ctx.settings.durations.defaultMs,
  build(_ctx, input) {
    const id = input.existing?.id ?? input.id;
    const props = asObject(input.body.properties, 'properties');
    const sku = asObject(input.body.sku, 'sku');
    const tier = String(sku.tier ?? '');
    const family = String(sku.family ?? '');
    if (!TIERS.includes(tier)) throw badRequest('InvalidCircuitSku', `sku.tier of circuit ${id} must be one of ${TIERS.join(', ')}; got '${tier}'.`);
    if (!FAMILIES.includes(family)) throw badRequest('InvalidCircuitSku', `sku.family of circuit ${id} must be one of ${FAMILIES.join(', ')}; got '${family}'.`);
    if (sku.name !== undefined && sku.name !== `${tier}_${family}`) {
      throw badRequest('InvalidCircuitSku', `sku.name of circuit ${id} must be ${tier}_${family}; got '${String(sku.name)}'.`);
    }
    const spp = asObject(props.serviceProviderProperties, 'serviceProviderProperties');
    if (typeof spp.serviceProviderName !== 'string' || !spp.serviceProviderName || typeof spp.peeringLocation !== 'string' || !spp.peeringLocation) {
      throw badRequest('InvalidServiceProviderProperties', `Circuit ${id} needs serviceProviderProperties.serviceProviderName and peeringLocation.`);
    }
    if (typeof spp.bandwidthInMbps !== 'number' || !Number.isInteger(spp.bandwidthInMbps) || spp.bandwidthInMbps <= 0) {
      throw badRequest('InvalidBandwidth', `serviceProviderProperties.bandwidthInMbps of circuit ${id} must be a positive whole number.`);
    }
    const prev = input.existing?.props;
    if (prev && prev.serviceProviderProvisioningState === 'Provisioned') {
      const p = prev.serviceProviderProperties;
      if (p.serviceProviderName !== spp.serviceProviderName || p.peeringLocation !== spp.peeringLocation) {
        throw badRequest('CannotChangeProviderOfProvisionedCircuit', `The service provider and peering location of provisioned circuit ${id} cannot be changed.`);
      }
    }
    const stored: Record<string, any> = {
      serviceProviderProperties: { serviceProviderName: spp.serviceProviderName, peeringLocation: spp.peeringLocation, bandwidthInMbps: spp.bandwidthInMbps },
      allowClassicOperations: props.allowClassicOperations === true,
      circuitProvisioningState: 'Enabled',
      serviceProviderProvisioningState: prev?.serviceProviderProvisioningState ?? 'NotProvisioned',
      serviceKey: prev?.serviceKey ?? newGuid(),
      serviceProviderNotes: prev?.serviceProviderNotes ?? '',
      globalReachEnabled: false,
      gatewayManagerEtag: '',
    };
    const rec = newRecord(expressRouteCircuitKind, input, { props: stored, sku: { name: `${tier}_${family}`, tier, family } });
    if (Array.isArray(props.peerings)) {
      for (const p of props.peerings as any[]) {
        if (stored.serviceProviderProvisioningState !== 'Provisioned') {
          throw badRequest('CircuitNotProvisionedByServiceProvider', `Peerings cannot be configured on circuit ${id} before the service provider provisions it.`);
        }
        checkPeering(id, String(p?.name ?? ''), asObject(p?.properties, 'peering properties'));
      }
    }
    return rec;
  },
  afterPut(ctx, rec, input: PutInput) {
    const props = asObject(input.body.properties, 'properties');
    if (!Array.isArray(props.peerings)) return;
    const keep = new Set<string>();
    for (const p of props.peerings as any[]) {
      const id = `${rec.id}/peerings/${p.name}`;
      const child = newRecord(peeringKind, { ...input, id, name: String(p.name), body: p, existing: ctx.store.get(id), parent: rec }, {
        props: checkPeering(rec.id, String(p.name), p.properties ?? {}),
      });
      child.provisioningState = 'Succeeded';
      child.provisioned = true;
      ctx.store.put(child);
      keep.add(child.key);
    }
    for (const child of ctx.store.children(rec.key, 'peerings')) if (!keep.has(child.key)) ctx.store.delete(child);
  },
  view(ctx, rec) {
    const peerings = ctx.store.children(rec.key, 'peerings').map((p) => peeringKind.view(ctx, p));
    const authorizations = (rec.internal.authorizations ?? []).map((a: CircuitAuthorization) => ({
      name: a.name,
      id: `${rec.id}/authorizations/${a.name}`,
      etag: rec.etag,
      type: 'Microsoft.Network/expressRouteCircuits/authorizations',
      properties: { provisioningState: 'Succeeded', authorizationKey: a.key, authorizationUseStatus: a.used ? 'InUse' : 'Available' },
    }));
    return envelope(rec, { ...rec.props, peerings, authorizations });
  },
  beforeDelete(ctx, rec) {
    const conns = erConnectionsOfCircuit(ctx, rec);
    if (conns.length > 0) {
      throw badRequest('CircuitInUseByConnection', `ExpressRoute circuit ${rec.id} is in use by connection ${conns[0].id}; delete the connection first.`);
    }
    const state = rec.props.serviceProviderProvisioningState;
    if (state === 'Provisioned' || state === 'Provisioning') {
      throw badRequest(
        'CircuitCannotBeDeletedWhileProvisioned',
        `ExpressRoute circuit ${rec.id} is ${state} by its service provider; ask the provider to deprovision it, then delete it.`,
      );
    }
  },
};

/** Finds a circuit by id, or by name when the name is unique. */
export function findCircuit(ctx: EmulatorContext, nameOrId: string): ResourceRecord {
  if (nameOrId.startsWith('/')) {
    const rec = ctx.store.get(nameOrId);
    if (rec && rec.type === 'expressRouteCircuits') return rec;
  } else {
    const matches = ctx.store.list('expressRouteCircuits').filter((c) => c.name.toLowerCase() === nameOrId.toLowerCase());
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new ArmError(400, 'AmbiguousCircuitName', `More than one circuit is named ${nameOrId}; use its id.`);
  }
  throw new ArmError(404, 'ResourceNotFound', `ExpressRoute circuit ${nameOrId} was not found.`);
}

function putPrivatePeering(ctx: EmulatorContext, circuit: ResourceRecord, spec: PrivatePeeringSpec): void {
  const id = `${circuit.id}/peerings/AzurePrivatePeering`;
  const props = checkPeering(circuit.id, 'AzurePrivatePeering', {
    peeringType: 'AzurePrivatePeering',
    peerASN: spec.peerASN ?? 65010,
    primaryPeerAddressPrefix: spec.primaryPeerAddressPrefix ?? '172.16.0.0/30',
    secondaryPeerAddressPrefix: spec.secondaryPeerAddressPrefix ?? '172.16.0.4/30',
    vlanId: spec.vlanId ?? 100,
  });
  props.lastModifiedBy = 'ServiceProvider';
  const existing = ctx.store.get(id);
  ctx.store.put({
    id,
    key: keyOf(id),
    name: 'AzurePrivatePeering',
    type: 'peerings',
    fullType: peeringKind.fullType,
    sub: circuit.sub,
    rg: circuit.rg,
    location: circuit.location,
    parentKey: circuit.key,
    etag: newEtag(),
    resourceGuid: existing?.resourceGuid ?? newGuid(),
    provisioningState: 'Succeeded',
    props,
    internal: {},
    provisioned: true,
  });
}

export function circuitInfo(circuit: ResourceRecord, authorizationKey?: string): CircuitInfo {
  const out: CircuitInfo = { id: circuit.id, serviceKey: circuit.props.serviceKey };
  if (authorizationKey) out.authorizationKey = authorizationKey;
  return out;
}

/** The provider's side: marks the circuit Provisioned and adds AzurePrivatePeering (unless present). */
export function provisionCircuit(ctx: EmulatorContext, nameOrId: string, peering?: PrivatePeeringSpec): CircuitInfo {
  const circuit = findCircuit(ctx, nameOrId);
  circuit.props.serviceProviderProvisioningState = 'Provisioned';
  circuit.etag = newEtag();
  if (!privatePeering(ctx, circuit) || peering) putPrivatePeering(ctx, circuit, peering ?? {});
  ctx.store.markDirty();
  return circuitInfo(circuit);
}

/** The provider's side of a cancellation: serviceProviderProvisioningState NotProvisioned, private peering removed. */
export function deprovisionCircuit(ctx: EmulatorContext, nameOrId: string): CircuitInfo {
  const circuit = findCircuit(ctx, nameOrId);
  const conns = erConnectionsOfCircuit(ctx, circuit);
  if (conns.length > 0) {
    throw badRequest('CircuitInUseByConnection', `ExpressRoute circuit ${circuit.id} is in use by connection ${conns[0].id}; delete the connection first.`);
  }
  for (const p of ctx.store.children(circuit.key, 'peerings')) ctx.store.delete(p);
  circuit.props.serviceProviderProvisioningState = 'NotProvisioned';
  circuit.etag = newEtag();
  ctx.store.markDirty();
  return circuitInfo(circuit);
}

/** A circuit as a provider would have provisioned it, created directly in the store (and its group if missing). */
export function addProvisionedCircuit(ctx: EmulatorContext, spec: ProvisionedCircuitSpec): CircuitInfo {
  const location = normalizeLocation(spec.location ?? 'westus');
  if (!ctx.store.getRg(spec.subscriptionId, spec.resourceGroup)) {
    ctx.store.putRg({ id: rgId(spec.subscriptionId, spec.resourceGroup), name: spec.resourceGroup, sub: spec.subscriptionId, location, implicit: true });
  }
  const id = resourceId(spec.subscriptionId, spec.resourceGroup, 'expressRouteCircuits', spec.name);
  if (ctx.store.get(id)) throw new ArmError(409, 'CircuitAlreadyExists', `Circuit ${id} already exists.`);
  const tier = spec.skuTier ?? 'Standard';
  const family = spec.skuFamily ?? 'MeteredData';
  const circuit: ResourceRecord = {
    id,
    key: keyOf(id),
    name: spec.name,
    type: 'expressRouteCircuits',
    fullType: expressRouteCircuitKind.fullType,
    sub: spec.subscriptionId,
    rg: spec.resourceGroup,
    location,
    sku: { name: `${tier}_${family}`, tier, family },
    etag: newEtag(),
    resourceGuid: newGuid(),
    provisioningState: 'Succeeded',
    props: {
      serviceProviderProperties: {
        serviceProviderName: spec.serviceProviderName ?? 'Equinix',
        peeringLocation: spec.peeringLocation ?? 'Silicon Valley',
        bandwidthInMbps: spec.bandwidthInMbps ?? 50,
      },
      allowClassicOperations: false,
      circuitProvisioningState: 'Enabled',
      serviceProviderProvisioningState: 'Provisioned',
      serviceKey: newGuid(),
      serviceProviderNotes: '',
      globalReachEnabled: false,
      gatewayManagerEtag: '',
    },
    internal: {},
    provisioned: true,
  };
  let authorizationKey: string | undefined;
  if (spec.authorizationKey) {
    authorizationKey = typeof spec.authorizationKey === 'string' ? spec.authorizationKey : newGuid();
    circuit.internal.authorizations = [{ name: 'tunnelsmith-auth', key: authorizationKey }];
  }
  if (spec.readable === false) circuit.internal.unreadable = true;
  ctx.store.put(circuit);
  putPrivatePeering(ctx, circuit, spec);
  return circuitInfo(circuit, authorizationKey);
}
