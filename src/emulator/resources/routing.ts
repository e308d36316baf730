/**
 * What a gateway's BGP speaker would report, derived from what is deployed: getBgpPeerStatus,
 * getLearnedRoutes and getAdvertisedRoutes (POST, Location long-running operations).
 */
import type { EmulatorContext } from '../context';
import { badRequest } from '../rules';
import { isLinkLocal } from '../ipv4';
import type { ResourceRecord } from '../state';
import { connectionStatus } from './connections';
import { azurePeerAddress, privatePeering } from './expressRouteCircuits';
import { startPostOperation } from './generic';
import type { ActionHandler } from './kind';
import { connectionsOfGateway, gatewayInstances, localGatewayOf, vnetKeyOfGateway } from './topology';

interface BgpPeer {
  localAddress: string;
  neighbor: string;
  asn: number;
  state: 'Unknown' | 'Stopped' | 'Idle' | 'Connecting' | 'Connected';
  connectedDuration: string;
  routesReceived: number;
  messagesSent: number;
  messagesReceived: number;
}

interface Route {
  localAddress: string;
  network: string;
  nextHop: string;
  sourcePeer: string;
  origin: string;
  asPath: string;
  weight: number;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

/** When the connection last came up (creation, key change, or reachability change). */
function connectedSince(conn: ResourceRecord): number {
  return Math.max(conn.internal.completedAt ?? 0, conn.internal.connectingUntil ?? 0, conn.internal.reachabilityChangedAt ?? 0);
}

/**
 * What a BGP site announces: set by control (`setSiteAdvertisedPrefixes`: the emulator plays the
 * appliance), else its local network gateway's address space (often empty: see `onPremPrefixes`).
 */
export function siteAdvertisedPrefixes(ctx: EmulatorContext, conn: ResourceRecord, lng: ResourceRecord): string[] {
  return ctx.store.state.sim.siteAdvertisedPrefixes?.[conn.key] ?? lng.props.localNetworkAddressSpace?.addressPrefixes ?? [];
}

/**
 * What on-prem announces over a circuit: set by control (per circuit, then global), else what the sites
 * are known to own: every local network gateway's address space and what each BGP site announces (a BGP
 * site's local network gateway usually lists nothing: Azure learns its prefixes over BGP).
 */
export function onPremPrefixes(ctx: EmulatorContext, circuit: ResourceRecord, gatewaySub: string = circuit.sub): string[] {
  const sim = ctx.store.state.sim;
  const set = sim.onPremPrefixes[circuit.key] ?? sim.onPremPrefixesGlobal;
  if (set) return set;
  // The circuit's subscription and the connected gateway's (a circuit may serve another subscription).
  const subs = [...new Set([circuit.sub, gatewaySub])];
  const all = subs.flatMap((sub) => ctx.store.list('localNetworkGateways', sub)).flatMap((l) => l.props.localNetworkAddressSpace?.addressPrefixes ?? []);
  const announced = subs.flatMap((sub) => ctx.store.list('connections', sub)).flatMap((c) => sim.siteAdvertisedPrefixes?.[c.key] ?? []);
  return [...new Set<string>([...all, ...announced])];
}

interface Session {
  localAddress: string;
  neighbor: string;
  asn: number;
  up: boolean;
  /** Why a session cannot come up even with the tunnel connected. */
  blocked?: boolean;
  since: number;
  prefixes: string[];
  origin: 'EBgp';
  asPath: string;
}

/** Every BGP session of a gateway, one per (instance, peer). */
function sessions(ctx: EmulatorContext, gw: ResourceRecord): Session[] {
  const out: Session[] = [];
  const instances = gatewayInstances(ctx, gw);
  for (const conn of connectionsOfGateway(ctx, gw)) {
    const up = connectionStatus(ctx, conn) === 'Connected';
    if (conn.props.connectionType === 'IPsec') {
      const lng = localGatewayOf(ctx, conn);
      if (!conn.props.enableBgp || !lng?.props.bgpSettings) continue;
      const neighbor: string = lng.props.bgpSettings.bgpPeeringAddress;
      const apipa = isLinkLocal(neighbor);
      for (const inst of instances) {
        const perConn = (conn.props.gatewayCustomBgpIpAddresses ?? []).find(
          (c: { ipConfigurationId: string }) => c.ipConfigurationId.toLowerCase() === inst.ipConfigurationId.toLowerCase(),
        )?.customBgpIpAddress;
        const custom = perConn ?? inst.customBgpIps[0];
        out.push({
          localAddress: apipa && custom ? custom : inst.defaultBgpIp,
          neighbor,
          asn: lng.props.bgpSettings.asn,
          up,
          // Azure peers with an APIPA neighbor only from a custom APIPA address of its own.
          blocked: apipa && !custom,
          since: connectedSince(conn),
          prefixes: siteAdvertisedPrefixes(ctx, conn, lng),
          origin: 'EBgp',
          asPath: String(lng.props.bgpSettings.asn),
        });
      }
    } else if (conn.props.connectionType === 'ExpressRoute') {
      const circuit = ctx.store.get(conn.props.peer?.id ?? '');
      const peering = circuit ? privatePeering(ctx, circuit) : undefined;
      if (!circuit || !peering) continue;
      for (const inst of instances) {
        for (const prefix of [peering.props.primaryPeerAddressPrefix, peering.props.secondaryPeerAddressPrefix]) {
          out.push({
            localAddress: inst.defaultBgpIp,
            neighbor: azurePeerAddress(prefix),
            asn: 12076,
            up,
            since: connectedSince(conn),
            prefixes: onPremPrefixes(ctx, circuit, gw.sub),
            origin: 'EBgp',
            asPath: `12076 ${peering.props.peerASN}`,
          });
        }
      }
    }
  }
  return out;
}

function vnetPrefixes(ctx: EmulatorContext, gw: ResourceRecord): string[] {
  const vnet = ctx.store.get(vnetKeyOfGateway(gw) ?? '');
  return vnet?.props.addressSpace?.addressPrefixes ?? [];
}

/** getBgpPeerStatus body: `{ value: BgpPeerStatus[] }`, optionally for one neighbor. */
export function computeBgpPeerStatus(ctx: EmulatorContext, gw: ResourceRecord, peer?: string): { value: BgpPeer[] } {
  const now = ctx.now();
  const value = sessions(ctx, gw)
    .filter((s) => !peer || s.neighbor === peer)
    .map((s): BgpPeer => {
      const connected = s.up && !s.blocked;
      const minutes = connected ? Math.floor((now - s.since) / 60000) : 0;
      return {
        localAddress: s.localAddress,
        neighbor: s.neighbor,
        asn: s.asn,
        state: connected ? 'Connected' : s.blocked && s.up ? 'Idle' : 'Connecting',
        connectedDuration: connected ? duration(now - s.since) : '',
        routesReceived: connected ? s.prefixes.length : 0,
        messagesSent: connected ? 2 + minutes : 0,
        messagesReceived: connected ? 2 + s.prefixes.length + minutes : 0,
      };
    });
  return { value };
}

/** getLearnedRoutes body: the VNet's own prefixes, static sites' prefixes and what BGP peers announce while up. */
export function computeLearnedRoutes(ctx: EmulatorContext, gw: ResourceRecord): { value: Route[] } {
  const value: Route[] = [];
  const instances = gatewayInstances(ctx, gw);
  for (const inst of instances) {
    for (const p of vnetPrefixes(ctx, gw)) {
      value.push({ localAddress: inst.defaultBgpIp, network: p, nextHop: '', sourcePeer: inst.defaultBgpIp, origin: 'Network', asPath: '', weight: 32768 });
    }
    for (const conn of connectionsOfGateway(ctx, gw)) {
      if (conn.props.connectionType !== 'IPsec' || connectionStatus(ctx, conn) !== 'Connected') continue;
      const lng = localGatewayOf(ctx, conn);
      if (!lng) continue;
      if (conn.props.enableBgp && lng.props.bgpSettings) {
        // Azure adds the host route to the BGP peer itself.
        value.push({
          localAddress: inst.defaultBgpIp,
          network: `${lng.props.bgpSettings.bgpPeeringAddress}/32`,
          nextHop: '',
          sourcePeer: inst.defaultBgpIp,
          origin: 'Network',
          asPath: '',
          weight: 32768,
        });
      } else {
        for (const p of lng.props.localNetworkAddressSpace?.addressPrefixes ?? []) {
          value.push({ localAddress: inst.defaultBgpIp, network: p, nextHop: lng.props.gatewayIpAddress ?? '', sourcePeer: inst.defaultBgpIp, origin: 'Network', asPath: '', weight: 32768 });
        }
      }
    }
  }
  for (const s of sessions(ctx, gw)) {
    if (!s.up || s.blocked) continue;
    for (const p of s.prefixes) {
      value.push({ localAddress: s.localAddress, network: p, nextHop: s.neighbor, sourcePeer: s.neighbor, origin: s.origin, asPath: s.asPath, weight: 32768 });
    }
  }
  return { value };
}

/** getAdvertisedRoutes body: what the gateway announces to one peer (the VNet's prefixes). */
export function computeAdvertisedRoutes(ctx: EmulatorContext, gw: ResourceRecord, peer: string): { value: Route[] } {
  const session = sessions(ctx, gw).filter((s) => s.neighbor === peer && s.up && !s.blocked);
  const asn = String(gw.props.bgpSettings?.asn ?? 65515);
  return {
    value: session.flatMap((s) =>
      vnetPrefixes(ctx, gw).map((p) => ({ localAddress: s.localAddress, network: p, nextHop: s.localAddress, sourcePeer: '', origin: 'Igp', asPath: asn, weight: 0 })),
    ),
  };
}

export const bgpPeerStatusAction: ActionHandler = {
  method: 'POST',
  action: 'getbgppeerstatus',
  handle(ctx, gw, req) {
    const peer = req.query.get('peer') ?? undefined;
    return startPostOperation(ctx, gw, req, ctx.settings.durations.defaultMs, () => ({ status: 200, body: computeBgpPeerStatus(ctx, current(ctx, gw), peer) }));
  },
};

export const learnedRoutesAction: ActionHandler = {
  method: 'POST',
  action: 'getlearnedroutes',
  handle(ctx, gw, req) {
    return startPostOperation(ctx, gw, req, ctx.settings.durations.defaultMs, () => ({ status: 200, body: computeLearnedRoutes(ctx, current(ctx, gw)) }));
  },
};

export const advertisedRoutesAction: ActionHandler = {
  method: 'POST',
  action: 'getadvertisedroutes',
  handle(ctx, gw, req) {
    const peer = req.query.get('peer');
    if (!peer) throw badRequest('MissingPeerParameter', 'The peer query parameter is required.');
    return startPostOperation(ctx, gw, req, ctx.settings.durations.defaultMs, () => ({ status: 200, body: computeAdvertisedRoutes(ctx, current(ctx, gw), peer) }));
  },
};

/** The gateway as stored when the operation ends (it may have changed meanwhile). */
function current(ctx: EmulatorContext, gw: ResourceRecord): ResourceRecord {
  const rec = ctx.store.get(gw.id);
  if (!rec) throw badRequest('ResourceNotFound', `Virtual network gateway ${gw.id} was deleted.`);
  return rec;
}
