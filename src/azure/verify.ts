/**
 * The verdict of `verify`, from statuses read back (`verifyLive.ts` gathers them). Pure.
 *
 * A circuit used with an authorization key is its owner's and is not read: ExpressRoute is judged from the
 * connection's state and the routes the ExpressRoute gateway learns.
 *
 * Failover readiness for the seed's scenario: both paths up; every on-prem prefix learned over
 * ExpressRoute (on the ExpressRoute gateway) and over the VPN (BGP-learned, or the local network
 * gateway's static prefixes); and the VPN the backup: Azure prefers ExpressRoute for the same prefix,
 * but a longer prefix over the VPN would win, so none may exist.
 *
 * It also warns (without changing readiness) about Azure prefixes the appliance would drop: a prefix the
 * gateway advertises to a site's BGP peer, or a peered VNet that uses the hub's gateways, that neither the
 * VNet's prefixes nor `azure.vnet.spokePrefixes` cover; on failover it would be unreachable.
 */
import type { Hub, Site } from '../hub/types';
import { containsCidr, parseCidr, type Cidr } from '../net/ipv4';
import type { BgpPeerModel, RouteModel } from './client/model';

export interface ConnectionObservation {
  exists: boolean;
  provisioningState?: string;
  connectionStatus?: string;
}

export interface VerifyObservations {
  hub: Hub;
  connections: Record<string, ConnectionObservation>;
  /** `getBgpPeerStatus` of the VPN gateway. */
  vpnPeers: BgpPeerModel[];
  /** `getLearnedRoutes` of the VPN gateway. */
  vpnRoutes: RouteModel[];
  /** Present when the hub has ExpressRoute. */
  expressRoute?: {
    gatewayExists: boolean;
    connection: ConnectionObservation;
    /** `getLearnedRoutes` of the ExpressRoute gateway. */
    routes: RouteModel[];
    /** The circuit (circuitId or the one tunnelsmith creates), when the hub names one. */
    circuit?: CircuitObservation;
  };
  /** The hub VNet as Azure holds it: its prefixes and those of the peered VNets that use its gateways. */
  vnet?: { addressSpace: string[]; peeredPrefixes: string[] };
  /** `getAdvertisedRoutes` of the VPN gateway to each BGP site's peer, by site name, or why it could not be read. */
  advertisedRoutes?: Record<string, RouteModel[] | { error: string }>;
}

export interface CircuitObservation {
  id: string;
  exists: boolean;
  /** false: used with an authorization key, the circuit is someone else's and is not read. */
  readable?: false;
  name?: string;
  /** NotProvisioned, Provisioning, Provisioned. */
  serviceProviderProvisioningState?: string;
  privatePeering?: boolean;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A warning: reported, but readiness does not depend on it (`ok` stays true). */
  warning?: boolean;
}

export interface SiteVerdict {
  site: string;
  ready: boolean;
  checks: Check[];
}

export type FailoverState =
  /** Both paths carry the prefixes, ExpressRoute preferred. */
  | 'ready'
  /** ExpressRoute carries none of a site's prefixes while the VPN does: traffic has failed over. */
  | 'on-vpn'
  /** Something else is missing. */
  | 'not-ready'
  /** The hub has no ExpressRoute. */
  | 'vpn-only';

export interface VerifyReport {
  hub: string;
  ready: boolean;
  failover: FailoverState;
  expressRoute?: { ready: boolean; checks: Check[] };
  sites: SiteVerdict[];
  /** One line per failed check, `<site>: <check>: <detail>`. */
  reasons: string[];
  /** One line per warning, `<site>: <check>: <detail>`. */
  warnings: string[];
}

const CONNECTED = 'connected';

function isConnected(status: string | undefined): boolean {
  return (status ?? '').toLowerCase() === CONNECTED;
}

/** Routes that came from BGP (not the gateway's own or static `Network` entries). */
function isBgpLearned(r: RouteModel): boolean {
  const o = (r.origin ?? '').toLowerCase();
  return o === 'ebgp' || o === 'ibgp';
}

function cidrOf(s: string): Cidr | undefined {
  const p = parseCidr(s);
  return p.ok ? p.cidr : undefined;
}

/** Builds the verdict. Pure. */
export function buildVerifyReport(obs: VerifyObservations): VerifyReport {
  const hub = obs.hub;
  const hubName = `${hub.azure.resourceGroup}/${hub.azure.vnet.name}`;
  const er = hub.azure.expressRoute ? erChecks(obs) : undefined;
  const sites = hub.sites.map((s) => siteVerdict(s, obs));
  const reasons: string[] = [];
  if (er) for (const c of er.checks.filter((c) => !c.ok)) reasons.push(`expressRoute: ${c.name}: ${c.detail}`);
  for (const s of sites) for (const c of s.checks.filter((c) => !c.ok)) reasons.push(`${s.site}: ${c.name}: ${c.detail}`);
  const ready = reasons.length === 0;
  const warnings = sites.flatMap((s) => s.checks.filter((c) => c.warning).map((c) => `${s.site}: ${c.name}: ${c.detail}`));

  let failover: FailoverState;
  if (!hub.azure.expressRoute) failover = 'vpn-only';
  else if (ready) failover = 'ready';
  else {
    // Every VPN-side check passes, but ExpressRoute carries no on-prem prefix: traffic is on the VPN.
    const vpnFine = sites.every((s) => s.checks.filter((c) => !c.name.startsWith('expressroute')).every((c) => c.ok));
    const erCarriesNothing = sites.every((s) => s.checks.some((c) => c.name === 'expressroute routes' && c.detail.startsWith('none')));
    // A circuit the provider has not provisioned never carried traffic: that is not a failover.
    const circuitUp = !er || er.checks.filter((c) => c.name === 'circuit').every((c) => c.ok);
    failover = vpnFine && erCarriesNothing && circuitUp ? 'on-vpn' : 'not-ready';
  }
  return { hub: hubName, ready, failover, ...(er ? { expressRoute: er } : {}), sites, reasons, warnings };
}

function circuitCheck(c: CircuitObservation): Check {
  if (c.readable === false) {
    return { name: 'circuit', ok: true, detail: `${c.id.split('/').pop()}: not readable (authorization key): the circuit is its owner's; ExpressRoute is judged from the connection's state and the routes the gateway learns` };
  }
  if (!c.exists) return { name: 'circuit', ok: false, detail: `${c.id.split('/').pop()} does not exist (run tunnelsmith deploy: it creates a circuit given as expressRoute.circuit)` };
  const state = c.serviceProviderProvisioningState ?? 'Unknown';
  const provisioned = state.toLowerCase() === 'provisioned';
  if (provisioned && c.privatePeering) return { name: 'circuit', ok: true, detail: `${c.name}: Provisioned by the provider, Azure private peering configured` };
  if (provisioned) return { name: 'circuit', ok: false, detail: `${c.name}: Provisioned, but Azure private peering is not configured yet (the provider or you configure it)` };
  return { name: 'circuit', ok: false, detail: `${c.name}: ${state} at the provider (give the provider the circuit's service key: tunnelsmith deploy prints it)` };
}

function erChecks(obs: VerifyObservations): { ready: boolean; checks: Check[] } {
  const er = obs.expressRoute;
  const name = obs.hub.azure.expressRoute!;
  const checks: Check[] = [];
  if (er?.circuit) checks.push(circuitCheck(er.circuit));
  if (!er || !er.gatewayExists) {
    checks.push({ name: 'gateway', ok: false, detail: `ExpressRoute gateway ${name.gatewayName} does not exist (run tunnelsmith deploy)` });
    return { ready: false, checks };
  }
  checks.push({ name: 'gateway', ok: true, detail: `${name.gatewayName} exists` });
  const cn = er.connection;
  if (!cn.exists) {
    checks.push({
      name: 'connection',
      ok: false,
      detail: name.circuitId || name.circuit
        ? `connection ${name.connectionName} to the circuit does not exist (run tunnelsmith deploy; the provider must have provisioned the circuit)`
        : 'no circuit is configured (azure.expressRoute.circuitId or azure.expressRoute.circuit)',
    });
  } else {
    const state = cn.provisioningState ?? 'Succeeded';
    const okState = state.toLowerCase() === 'succeeded';
    const statusOk = cn.connectionStatus === undefined || isConnected(cn.connectionStatus) || cn.connectionStatus.toLowerCase() === 'unknown';
    checks.push({ name: 'connection', ok: okState && statusOk, detail: `${name.connectionName}: ${state}${cn.connectionStatus ? `, ${cn.connectionStatus}` : ''}` });
  }
  return { ready: checks.every((c) => c.ok), checks };
}

function siteVerdict(site: Site, obs: VerifyObservations): SiteVerdict {
  const checks: Check[] = [];
  const cn = obs.connections[site.name] ?? { exists: false };
  if (!cn.exists) checks.push({ name: 'connection', ok: false, detail: `${site.connectionName} does not exist (run tunnelsmith deploy)` });
  else checks.push({ name: 'connection', ok: isConnected(cn.connectionStatus), detail: `${site.connectionName}: ${cn.connectionStatus ?? 'Unknown'}${isConnected(cn.connectionStatus) ? '' : ' (is the device configured with the rendered files and the same key?)'}` });

  const prefixes = site.addressSpace;
  let vpnCarried: string[] = [];
  if (site.bgp) {
    const peers = obs.vpnPeers.filter((p) => p.neighbor === site.bgp!.peerIp);
    const up = peers.filter((p) => isConnected(p.state));
    checks.push({
      name: 'bgp peer',
      ok: peers.length > 0 && up.length === peers.length,
      detail: peers.length === 0 ? `no BGP peer ${site.bgp.peerIp} on the VPN gateway` : peers.map((p) => `${p.neighbor}${p.localAddress ? ` via ${p.localAddress}` : ''}: ${p.state}`).join(', '),
    });
    const learned = obs.vpnRoutes.filter((r) => isBgpLearned(r) && (r.sourcePeer === undefined || r.sourcePeer === site.bgp!.peerIp || r.nextHop === site.bgp!.peerIp));
    vpnCarried = [...new Set(learned.map((r) => r.network))];
    const missing = prefixes.filter((p) => !vpnCarried.includes(p));
    checks.push({
      name: 'vpn routes',
      ok: missing.length === 0,
      detail: missing.length === 0 ? `learned over BGP: ${prefixes.join(', ')}` : `${missing.length === prefixes.length ? 'none' : 'missing'}: ${missing.join(', ')} not learned from ${site.bgp.peerIp}`,
    });
  } else {
    vpnCarried = [...prefixes];
    checks.push({ name: 'vpn routes', ok: cn.exists, detail: `static (local network gateway): ${prefixes.join(', ')}` });
  }

  if (obs.hub.azure.expressRoute) {
    const erLearned = (obs.expressRoute?.routes ?? []).filter(isBgpLearned);
    const erNetworks = new Set(erLearned.map((r) => r.network));
    const missing = prefixes.filter((p) => !erNetworks.has(p));
    checks.push({
      name: 'expressroute routes',
      ok: missing.length === 0,
      detail: missing.length === 0
        ? `learned over ExpressRoute: ${prefixes.join(', ')}`
        : `${missing.length === prefixes.length ? 'none' : 'missing'}: ${missing.join(', ')} not learned over ExpressRoute${missing.length === prefixes.length ? ' (the ExpressRoute path is down: traffic uses the VPN)' : ''}`,
    });
    // Longest prefix wins before Azure's ExpressRoute preference: a VPN prefix more specific than
    // what ExpressRoute carries would pull traffic onto the VPN.
    const erCidrs = [...erNetworks].map(cidrOf).filter((c): c is Cidr => c !== undefined);
    const stealing = vpnCarried.filter((n) => {
      if (erNetworks.has(n)) return false;
      const c = cidrOf(n);
      return c !== undefined && erCidrs.some((e) => containsCidr(e, c) && e.prefixLength < c.prefixLength);
    });
    checks.push({
      name: 'expressroute preferred',
      ok: stealing.length === 0,
      detail: stealing.length === 0
        ? 'the VPN is the backup: Azure prefers ExpressRoute for the same prefix'
        : `more specific over the VPN than over ExpressRoute (the VPN would carry them): ${stealing.join(', ')}`,
    });
  }
  const azurePrefixes = azurePrefixesCheck(site, obs);
  if (azurePrefixes) checks.push(azurePrefixes);
  return { site: site.name, ready: checks.every((c) => c.ok), checks };
}

/**
 * Azure prefixes the site's appliance would drop. The rendered filters accept the VNet's prefixes exactly
 * over BGP (static routes cover them and everything inside), and each spoke prefix with its more specifics.
 * Prefixes inside a site's own address space (Azure passes sites' routes between them) are dropped on purpose.
 */
function azurePrefixesCheck(site: Site, obs: VerifyObservations): Check | undefined {
  const advertised = site.bgp ? obs.advertisedRoutes?.[site.name] : undefined;
  if (obs.vnet === undefined && advertised === undefined) return undefined;
  const name = 'azure prefixes';
  if (advertised && 'error' in advertised) {
    return { name, ok: true, warning: true, detail: `the routes Azure advertises to ${site.bgp!.peerIp} could not be read (${advertised.error}); not checked` };
  }
  const vnet = (obs.vnet?.addressSpace ?? obs.hub.azure.vnet.addressSpace).map(cidrOf).filter((c): c is Cidr => c !== undefined);
  const spokes = (obs.hub.azure.vnet.spokePrefixes ?? []).map(cidrOf).filter((c): c is Cidr => c !== undefined);
  const sites = obs.hub.sites.flatMap((s) => s.addressSpace).map(cidrOf).filter((c): c is Cidr => c !== undefined);
  const accepted = (c: Cidr): boolean =>
    spokes.some((s) => containsCidr(s, c)) || vnet.some((v) => (site.bgp ? v.text === c.text : containsCidr(v, c)));
  const sources = new Map<string, string>();
  for (const r of advertised ?? []) sources.set(r.network, `advertised to ${site.bgp!.peerIp}`);
  for (const p of obs.vnet?.peeredPrefixes ?? []) sources.set(p, sources.has(p) ? `${sources.get(p)}, a peered VNet` : 'a peered VNet using the hub\'s gateways');
  const dropped = [...sources.entries()].filter(([network]) => {
    const c = cidrOf(network);
    return c !== undefined && !accepted(c) && !sites.some((s) => containsCidr(s, c));
  });
  if (dropped.length === 0) {
    const what = [advertised ? `every prefix Azure advertises to ${site.bgp!.peerIp}` : '', obs.vnet?.peeredPrefixes.length ? 'every peered VNet using the hub\'s gateways' : ''].filter(Boolean).join(' and ');
    return { name, ok: true, detail: `${what || 'every Azure prefix'} is accepted by the appliance (VNet prefixes and azure.vnet.spokePrefixes)` };
  }
  return {
    name,
    ok: true,
    warning: true,
    detail: `${dropped.map(([n, from]) => `${n} (${from})`).join(', ')}: the appliance drops ${dropped.length === 1 ? 'it' : 'them'} (neither a VNet prefix nor inside azure.vnet.spokePrefixes), so on failover ${dropped.length === 1 ? 'it is' : 'they are'} unreachable: add ${dropped.length === 1 ? 'it' : 'them'} to azure.vnet.spokePrefixes and render again`,
  };
}
