/**
 * connections (IPsec and ExpressRoute). The body never echoes the shared key; a PUT of an existing
 * connection leaves its key unchanged; only the sharedkey operations change it. After a key change the
 * connection stays Updating (and Connecting) for connectionMs more, as Azure does after the set-key
 * operation already reported success.
 */
import type { EmulatorContext } from '../context';
import { ArmError, asObject, type HandlerResult } from '../http';
import { randomAlnum } from '../ids';
import { badRequest, checkCustomBgpAddress, checkDpdTimeout, checkIpsecPolicies, checkKeyLength, checkSharedKey } from '../rules';
import type { ResourceRecord } from '../state';
import { type CircuitAuthorization, circuitCarriesTraffic, isUnreadable } from './expressRouteCircuits';
import { conflict, envelope, isBusy, newRecord, resolveRef } from './generic';
import type { ActionHandler, ResourceKind } from './kind';
import { connectionsOfGateway, gatewayInstances, gatewayOf, localGatewayOf } from './topology';

export type ConnectionStatus = 'Connected' | 'Connecting' | 'NotConnected' | 'Unknown';

/** Connected / Connecting / NotConnected, following provisioning, the site's reachability and key, and the circuit path. */
export function connectionStatus(ctx: EmulatorContext, conn: ResourceRecord): ConnectionStatus {
  if (conn.provisioningState === 'Failed') return 'NotConnected';
  if (conn.provisioningState === 'Updating') return 'Connecting';
  if (conn.provisioningState === 'Deleting') return 'NotConnected';
  if (ctx.now() < (conn.internal.connectingUntil ?? 0)) return 'Connecting';
  const gw = gatewayOf(ctx, conn);
  if (!gw || !gw.provisioned) return 'NotConnected';
  if (conn.props.connectionType === 'ExpressRoute') {
    return circuitCarriesTraffic(ctx, ctx.store.get(conn.props.peer?.id ?? '')) ? 'Connected' : 'NotConnected';
  }
  const sim = ctx.store.state.sim;
  if (sim.siteReachable[conn.key] === false) return 'NotConnected';
  const deviceKey = sim.siteSharedKey[conn.key];
  if (deviceKey !== undefined && deviceKey !== conn.secret?.sharedKey) return 'NotConnected';
  return 'Connected';
}

function buildIpsec(ctx: EmulatorContext, id: string, props: Record<string, any>, gw: ResourceRecord, stored: Record<string, any>): void {
  if (gw.props.gatewayType !== 'Vpn') {
    throw badRequest('InvalidGatewayTypeForConnection', `An IPsec connection needs a VPN gateway; ${gw.id} is an ${gw.props.gatewayType} gateway.`);
  }
  const lng = resolveRef(ctx, props.localNetworkGateway2, { type: 'localNetworkGateways' }, id, 'localNetworkGateway2');
  stored.localNetworkGateway2 = { id: lng.id, properties: {} };
  stored.connectionProtocol = String(props.connectionProtocol ?? 'IKEv2');
  if (!['IKEv2', 'IKEv1'].includes(stored.connectionProtocol)) {
    throw badRequest('InvalidConnectionProtocol', `connectionProtocol of connection ${id} must be IKEv2 or IKEv1.`);
  }
  const enableBgp = props.enableBgp === true;
  if (enableBgp) {
    if (!gw.props.enableBgp) {
      throw badRequest('BgpNotEnabledOnVirtualNetworkGateway', `Connection ${id} enables BGP, but virtual network gateway ${gw.id} does not have BGP enabled.`);
    }
    if (!lng.props.bgpSettings) {
      throw badRequest('LocalNetworkGatewayHasNoBgpSettings', `Connection ${id} enables BGP, but local network gateway ${lng.id} has no bgpSettings.`);
    }
  }
  stored.enableBgp = enableBgp;
  const policies = checkIpsecPolicies(props.ipsecPolicies, id);
  if (policies.length > 0 && gw.props.sku?.name === 'Basic') {
    throw badRequest('BasicSkuDoesNotSupportCustomIpsecPolicy', `Custom IPsec/IKE policies are not supported on the Basic SKU of virtual network gateway ${gw.id}.`);
  }
  stored.ipsecPolicies = policies;
  stored.usePolicyBasedTrafficSelectors = props.usePolicyBasedTrafficSelectors === true;
  if (stored.usePolicyBasedTrafficSelectors && policies.length === 0) {
    throw badRequest('PolicyBasedTrafficSelectorsNeedIpsecPolicy', `usePolicyBasedTrafficSelectors on connection ${id} needs a custom IPsec policy.`);
  }
  stored.dpdTimeoutSeconds = checkDpdTimeout(props.dpdTimeoutSeconds, id);
  stored.connectionMode = String(props.connectionMode ?? 'Default');
  stored.useLocalAzureIpAddress = props.useLocalAzureIpAddress === true;
  stored.trafficSelectorPolicies = Array.isArray(props.trafficSelectorPolicies) ? props.trafficSelectorPolicies : [];

  const custom = Array.isArray(props.gatewayCustomBgpIpAddresses) ? (props.gatewayCustomBgpIpAddresses as any[]) : [];
  if (custom.length > 0) {
    const instances = gatewayInstances(ctx, gw);
    const seen = new Set<string>();
    stored.gatewayCustomBgpIpAddresses = custom.map((c) => {
      const ipcId = String(c?.ipConfigurationId ?? '');
      const inst = instances.find((i) => i.ipConfigurationId.toLowerCase() === ipcId.toLowerCase());
      if (!inst) {
        throw badRequest('InvalidIpConfigurationIdInGatewayCustomBgpIpAddresses', `gatewayCustomBgpIpAddresses of connection ${id} names '${ipcId}', which is not an IP configuration of ${gw.id}.`);
      }
      const ip = checkCustomBgpAddress(c.customBgpIpAddress, `connection ${id}`);
      if (!inst.customBgpIps.includes(ip)) {
        throw badRequest(
          'CustomBgpIpAddressNotConfiguredOnGateway',
          `Custom BGP address ${ip} of connection ${id} is not one of the custom BGP addresses of IP configuration ${inst.ipConfigurationId}; add it to the gateway's bgpSettings first.`,
        );
      }
      seen.add(inst.ipConfigurationId.toLowerCase());
      return { ipConfigurationId: inst.ipConfigurationId, customBgpIpAddress: ip };
    });
    if (seen.size !== instances.length) {
      throw badRequest(
        'GatewayCustomBgpIpAddressesIncomplete',
        `gatewayCustomBgpIpAddresses of connection ${id} must name one address for each IP configuration of ${gw.id} (${instances.length}).`,
      );
    }
  }
}

function buildExpressRoute(ctx: EmulatorContext, id: string, sub: string, props: Record<string, any>, gw: ResourceRecord, stored: Record<string, any>): void {
  if (gw.props.gatewayType !== 'ExpressRoute') {
    throw badRequest('InvalidGatewayTypeForConnection', `An ExpressRoute connection needs an ExpressRoute gateway; ${gw.id} is a ${gw.props.gatewayType} gateway.`);
  }
  const circuit = resolveRef(ctx, props.peer, { type: 'expressRouteCircuits' }, id, 'peer');
  if (circuit.props.serviceProviderProvisioningState !== 'Provisioned') {
    throw badRequest(
      'ExpressRouteCircuitNotProvisioned',
      `Connection ${id} cannot link to circuit ${circuit.id}: its serviceProviderProvisioningState is ${circuit.props.serviceProviderProvisioningState}. Ask the connectivity provider to provision it.`,
    );
  }
  if (!ctx.store.children(circuit.key, 'peerings').some((p) => p.name === 'AzurePrivatePeering')) {
    throw badRequest('PrivatePeeringNotConfigured', `Connection ${id} cannot link to circuit ${circuit.id}: the circuit has no AzurePrivatePeering.`);
  }
  const auths: CircuitAuthorization[] = circuit.internal.authorizations ?? [];
  const key = typeof props.authorizationKey === 'string' && props.authorizationKey !== '' ? props.authorizationKey : undefined;
  if (key === undefined && isUnreadable(circuit)) {
    throw new ArmError(
      403,
      'LinkedAuthorizationFailed',
      `The client has permission to perform action 'Microsoft.Network/connections/write' on scope '${id}', however it does not have permission to perform action 'Microsoft.Network/expressRouteCircuits/join/action' on the linked scope '${circuit.id}'. A circuit owned by someone else is connected with its authorizationKey.`,
    );
  }
  if (circuit.sub.toLowerCase() !== sub.toLowerCase() || key !== undefined) {
    const auth = auths.find((a) => a.key === key);
    if (!auth) {
      throw new ArmError(
        400,
        'AuthorizationKeyInvalid',
        `Connection ${id} cannot link to circuit ${circuit.id}: ${key === undefined ? 'an authorizationKey is required for a circuit in another subscription' : 'the authorizationKey is not valid for this circuit'}.`,
      );
    }
    if (auth.usedBy !== undefined && auth.usedBy !== id.toLowerCase()) {
      throw new ArmError(
        400,
        'AuthorizationKeyInvalid',
        `Connection ${id} cannot link to circuit ${circuit.id}: its authorizationKey was already redeemed by connection ${auth.usedBy}; an authorization serves one connection, ask the circuit owner for a new one.`,
      );
    }
    stored.authorizationKey = key;
  }
  stored.peer = { id: circuit.id };
}

export const connectionKind: ResourceKind = {
  type: 'connections',
  fullType: 'Microsoft.Network/connections',
  putDurationMs: (ctx) => ctx.settings.durations.connectionMs,
  deleteDurationMs: (ctx) => ctx.settings.durations.connectionMs,
  build(ctx, input) {
    const id = input.existing?.id ?? input.id;
    const props = asObject(input.body.properties, 'properties');
    const connectionType = String(props.connectionType ?? '');
    if (connectionType !== 'IPsec' && connectionType !== 'ExpressRoute') {
      throw badRequest('InvalidConnectionType', `connectionType of connection ${id} must be IPsec or ExpressRoute (the emulator serves no others); got '${connectionType}'.`);
    }
    const gw = resolveRef(ctx, props.virtualNetworkGateway1, { type: 'virtualNetworkGateways' }, id, 'virtualNetworkGateway1');
    if (input.existing) {
      if (input.existing.props.connectionType !== connectionType) {
        throw badRequest('ConnectionTypeCannotBeChanged', `The connectionType of connection ${id} cannot be changed.`);
      }
      if (input.existing.props.virtualNetworkGateway1.id.toLowerCase() !== gw.key) {
        throw badRequest('ConnectionGatewayCannotBeChanged', `The virtual network gateway of connection ${id} cannot be changed.`);
      }
      const before = input.existing.props.connectionProtocol;
      const after = String(props.connectionProtocol ?? 'IKEv2');
      if (connectionType === 'IPsec' && before !== undefined && before !== after) {
        throw badRequest(
          'ConnectionProtocolCannotBeChanged',
          `The connection protocol of connection ${id} cannot be changed from ${before} to ${after}: delete the connection and create it again with ${after} (then set its shared key again).`,
        );
      }
    }
    const stored: Record<string, any> = {
      virtualNetworkGateway1: { id: gw.id, properties: {} },
      connectionType,
      routingWeight: typeof props.routingWeight === 'number' ? props.routingWeight : 0,
    };
    if (connectionType === 'IPsec') buildIpsec(ctx, id, props, gw, stored);
    else buildExpressRoute(ctx, id, input.sub, props, gw, stored);
    const rec = newRecord(connectionKind, input, { props: stored });
    if (connectionType === 'IPsec' && !input.existing) {
      // The key is set at creation only; a PUT of an existing connection never changes it.
      rec.secret = { sharedKey: props.sharedKey !== undefined && props.sharedKey !== null ? checkSharedKey(props.sharedKey, id) : randomAlnum(32) };
    }
    return rec;
  },
  blockers: (ctx, rec) => gatewayAndSiblings(ctx, rec),
  deleteBlockers: (ctx, rec) => gatewayAndSiblings(ctx, rec),
  afterPut(ctx, rec) {
    const key = rec.props.authorizationKey;
    if (key === undefined) return;
    const circuit = ctx.store.get(rec.props.peer?.id ?? '');
    const auth = (circuit?.internal.authorizations as CircuitAuthorization[] | undefined)?.find((a) => a.key === key);
    if (auth) {
      auth.used = true;
      auth.usedBy = rec.key;
      ctx.store.markDirty();
    }
  },
  view(ctx, rec) {
    const status = connectionStatus(ctx, rec);
    const extra: Record<string, any> = { connectionStatus: status, ingressBytesTransferred: 0, egressBytesTransferred: 0 };
    if (rec.props.connectionType === 'IPsec') {
      const gw = gatewayOf(ctx, rec);
      extra.tunnelConnectionStatus = gw
        ? gatewayInstances(ctx, gw)
            .filter((i) => i.publicIp)
            .map((i) => ({ tunnel: `${rec.name}_${i.publicIp}`, connectionStatus: status, ingressBytesTransferred: 0, egressBytesTransferred: 0 }))
        : [];
    }
    return envelope(rec, { ...rec.props, ...extra });
  },
  deleted(ctx, rec) {
    delete ctx.store.state.sim.siteReachable[rec.key];
    delete ctx.store.state.sim.siteSharedKey[rec.key];
  },
};

function requireIpsec(rec: ResourceRecord): void {
  if (rec.props.connectionType !== 'IPsec') {
    throw badRequest('SharedKeyNotSupportedForConnectionType', `Connection ${rec.id} is of type ${rec.props.connectionType} and has no shared key.`);
  }
}

/**
 * What makes a write to a connection 409 AnotherOperationInProgress: its gateway, and every other
 * connection of that gateway (a gateway writes its connections one at a time; parallelism is across
 * gateways).
 */
function gatewayAndSiblings(ctx: EmulatorContext, conn: ResourceRecord): ResourceRecord[] {
  const gw = gatewayOf(ctx, conn);
  if (!gw) return [];
  return [gw, ...connectionsOfGateway(ctx, gw).filter((c) => c.key !== conn.key)];
}

function requireIdle(ctx: EmulatorContext, rec: ResourceRecord): void {
  if (isBusy(rec)) throw conflict(ctx, rec);
  for (const b of gatewayAndSiblings(ctx, rec)) if (isBusy(b)) throw conflict(ctx, b);
}

/** Applies a new key: the connection stays Updating/Connecting for connectionMs, then settles. */
function applyKey(ctx: EmulatorContext, conn: ResourceRecord, key: string): void {
  conn.secret = { ...(conn.secret ?? {}), sharedKey: key };
  const settle = ctx.settings.durations.connectionMs;
  conn.internal.connectingUntil = ctx.now() + settle;
  const tail = ctx.lro.start({
    sub: conn.sub,
    location: conn.location,
    durationMs: settle,
    complete: () => {
      const cur = ctx.store.get(conn.id);
      if (cur && cur.internal.operationId === tail.id) {
        cur.provisioningState = 'Succeeded';
        ctx.store.markDirty();
      }
    },
  });
  conn.internal.operationId = tail.id;
  ctx.store.markDirty();
}

/** Runs a key operation: Updating now, the key applied when the operation ends. */
function startKeyOperation(ctx: EmulatorContext, conn: ResourceRecord, req: { method: string; path: string }, newKey: () => string, result: HandlerResult) {
  conn.provisioningState = 'Updating';
  ctx.store.markDirty();
  const op = ctx.lro.start({
    sub: conn.sub,
    location: conn.location,
    durationMs: ctx.settings.durations.setSharedKeyMs,
    fail: ctx.faults.takeOperationFailure(req.method, req.path),
    complete: () => {
      const cur = ctx.store.get(conn.id);
      if (!cur) throw new ArmError(404, 'ResourceNotFound', `Connection ${conn.id} was deleted.`);
      applyKey(ctx, cur, newKey());
      return result;
    },
    failed: () => {
      const cur = ctx.store.get(conn.id);
      if (cur && cur.internal.operationId === op.id) {
        cur.provisioningState = 'Failed';
        ctx.store.markDirty();
      }
    },
  });
  conn.internal.operationId = op.id;
  return op;
}

const getSharedKey: ActionHandler = {
  method: 'GET',
  action: 'sharedkey',
  handle(_ctx, rec) {
    requireIpsec(rec);
    return { status: 200, body: { id: '', value: rec.secret?.sharedKey ?? '' } };
  },
};

const setSharedKey: ActionHandler = {
  method: 'PUT',
  action: 'sharedkey',
  handle(ctx, rec, req) {
    requireIpsec(rec);
    const value = checkSharedKey(req.body.value, rec.id);
    requireIdle(ctx, rec);
    const op = startKeyOperation(ctx, rec, req, () => value, { status: 200, body: { id: '', value } });
    return { status: 200, body: { id: '', value }, headers: ctx.lro.putHeaders(op) };
  },
};

const resetSharedKey: ActionHandler = {
  method: 'POST',
  action: 'sharedkey/reset',
  handle(ctx, rec, req) {
    requireIpsec(rec);
    const keyLength = checkKeyLength(req.body.keyLength, rec.id);
    requireIdle(ctx, rec);
    const op = startKeyOperation(ctx, rec, req, () => randomAlnum(keyLength), { status: 200, body: { keyLength } });
    return { status: 202, headers: ctx.lro.acceptedHeaders(op) };
  },
};

/** Azure's "Download configuration": a plain text outline; Azure refuses it for BGP on active-active. */
const deviceConfigurationScript: ActionHandler = {
  method: 'POST',
  action: 'vpndeviceconfigurationscript',
  handle(ctx, rec, req) {
    requireIpsec(rec);
    const gw = gatewayOf(ctx, rec);
    if (!gw) throw badRequest('InvalidResourceReference', `The gateway of connection ${rec.id} was not found.`);
    if (gw.props.activeActive && rec.props.enableBgp) {
      throw badRequest('VpnDeviceConfigurationScriptNotSupported', `A device configuration script is not available for a BGP connection on active-active gateway ${gw.id}.`);
    }
    const vendor = String(req.body.vendor ?? '');
    if (!vendor) throw badRequest('InvalidRequestFormat', 'vendor is required.');
    const lng = localGatewayOf(ctx, rec);
    const lines = [
      `# Device configuration outline generated by the tunnelsmith ARM emulator`,
      `# vendor: ${vendor}; family: ${String(req.body.deviceFamily ?? '')}; firmware: ${String(req.body.firmwareVersion ?? '')}`,
      `# connection: ${rec.name}`,
      ...gatewayInstances(ctx, gw).map((i) => `# azure tunnel endpoint: ${i.publicIp ?? '(not allocated)'}`),
      `# on-premises endpoint: ${lng?.props.gatewayIpAddress ?? lng?.props.fqdn ?? ''}`,
      `# pre-shared key: ${rec.secret?.sharedKey ?? ''}`,
    ];
    return { status: 200, body: lines.join('\n') };
  },
};

connectionKind.actions = [getSharedKey, setSharedKey, resetSharedKey, deviceConfigurationScript];
