/** The emulator's control surface: in-process (`EmulatorControl`) and the same features under `/__emulator/` over HTTPS. */
import type { EmulatorContext } from './context';
import type { FaultInjector, Throttle } from './faults';
import { ArmError, asObject, type HandlerResult, type ParsedRequest } from './http';
import { keyOf } from './ids';
import { parseCidr } from './ipv4';
import type { RequestLog } from './requestLog';
import { addProvisionedCircuit, circuitInfo, deprovisionCircuit, findCircuit, provisionCircuit } from './resources/expressRouteCircuits';
import type { ResourceRecord } from './state';
import type { TokenRegistry } from './tokens';
import type {
  CircuitInfo,
  EmulatorControl,
  EmulatorCounts,
  EmulatorDurations,
  EmulatorRules,
  FaultRule,
  FaultStatus,
  IssuedToken,
  PrivatePeeringSpec,
  ProvisionedCircuitSpec,
  RequestLogEntry,
  ThrottlingOptions,
} from './types';

function invalid(message: string): ArmError {
  return new ArmError(400, 'InvalidControlRequest', message);
}

function checkPrefixes(prefixes: unknown): string[] {
  if (!Array.isArray(prefixes)) throw invalid('prefixes must be an array of CIDR strings (or null).');
  return prefixes.map((p) => {
    const c = parseCidr(p);
    if (!c) throw invalid(`${String(p)} is not a valid IPv4 prefix (a.b.c.d/n, host bits zero).`);
    return c.text;
  });
}

export class Control implements EmulatorControl {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly faults: FaultInjector,
    private readonly throttle: Throttle,
    private readonly log: RequestLog,
    private readonly tokens: TokenRegistry,
  ) {}

  setDurations(d: Partial<EmulatorDurations>): EmulatorDurations {
    const next = { ...this.ctx.settings.durations };
    for (const [k, v] of Object.entries(d ?? {})) {
      if (!(k in next)) throw invalid(`Unknown duration ${k}; use gatewayMs, connectionMs, setSharedKeyMs or defaultMs.`);
      if (typeof v !== 'number' || !(v >= 0)) throw invalid(`${k} must be a number of milliseconds >= 0.`);
      next[k as keyof EmulatorDurations] = v;
    }
    this.ctx.settings.durations = next;
    return { ...next };
  }

  getDurations(): EmulatorDurations {
    return { ...this.ctx.settings.durations };
  }

  setRetryAfter(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) throw invalid('Retry-After must be a whole number of seconds >= 0.');
    this.ctx.settings.retryAfterSeconds = seconds;
  }

  setRules(r: Partial<EmulatorRules> & { requireExpressRouteGatewayFirst?: boolean }): EmulatorRules {
    const rules = this.ctx.store.state.rules;
    const known: Array<keyof EmulatorRules> = ['allowRetiredSkus', 'refuseConcurrentGateways', 'omitTunnelIpAddresses', 'reverseBgpPeeringAddresses'];
    for (const [k, v] of Object.entries(r ?? {})) {
      if (k === 'requireExpressRouteGatewayFirst') {
        if (v === false) continue;
        throw invalid('The rule requireExpressRouteGatewayFirst was removed: Azure lets either gateway be created first since 2018.');
      }
      if (!known.includes(k as keyof EmulatorRules)) throw invalid(`Unknown rule ${k}; rules: ${known.join(', ')}.`);
      if (typeof v !== 'boolean') throw invalid(`Rule ${k} must be true or false.`);
    }
    for (const k of known) if (r?.[k] !== undefined) rules[k] = r[k] === true;
    this.ctx.store.markDirty();
    this.ctx.store.flush();
    return { ...rules };
  }

  addFault(rule: FaultRule): string {
    return this.faults.add(rule);
  }

  removeFault(id: string): boolean {
    return this.faults.remove(id);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  listFaults(): FaultStatus[] {
    return this.faults.list();
  }

  setThrottling(t: ThrottlingOptions | null): void {
    this.throttle.set(t);
  }

  requestLog(): RequestLogEntry[] {
    return this.log.list();
  }

  /** Clears the log and every count (requests, faults fired, throttled, operations). */
  clearRequestLog(): void {
    this.log.clear();
    for (const k of Object.keys(this.faults.fired)) delete this.faults.fired[k];
    this.throttle.throttled = 0;
    this.ctx.lro.started = 0;
    this.ctx.lro.failedCount = 0;
  }

  counts(): EmulatorCounts {
    return this.log.counts({
      faults: { ...this.faults.fired },
      throttled: this.throttle.throttled,
      operationsStarted: this.ctx.lro.started,
      operationsFailed: this.ctx.lro.failedCount,
    });
  }

  setExpressRoutePath(state: 'up' | 'down', circuit?: string): void {
    if (state !== 'up' && state !== 'down') throw invalid(`state must be 'up' or 'down'; got ${String(state)}.`);
    const sim = this.ctx.store.state.sim;
    if (circuit) {
      sim.expressRoutePath[findCircuit(this.ctx, circuit).key] = state;
    } else {
      sim.expressRoutePathGlobal = state;
      sim.expressRoutePath = {};
    }
    this.save();
  }

  addProvisionedCircuit(spec: ProvisionedCircuitSpec): CircuitInfo {
    for (const f of ['subscriptionId', 'resourceGroup', 'name'] as const) {
      if (typeof spec?.[f] !== 'string' || spec[f] === '') throw invalid(`${f} is required.`);
    }
    const out = addProvisionedCircuit(this.ctx, spec);
    this.save();
    return out;
  }

  provisionCircuit(circuit: string, peering?: PrivatePeeringSpec): CircuitInfo {
    const out = provisionCircuit(this.ctx, circuit, peering);
    this.save();
    return out;
  }

  deprovisionCircuit(circuit: string): CircuitInfo {
    const out = deprovisionCircuit(this.ctx, circuit);
    this.save();
    return out;
  }

  setOnPremAdvertisedPrefixes(prefixes: string[] | null, circuit?: string): void {
    const sim = this.ctx.store.state.sim;
    const list = prefixes === null ? null : checkPrefixes(prefixes);
    if (circuit) {
      const key = findCircuit(this.ctx, circuit).key;
      if (list === null) delete sim.onPremPrefixes[key];
      else sim.onPremPrefixes[key] = list;
    } else {
      sim.onPremPrefixesGlobal = list;
      sim.onPremPrefixes = {};
    }
    this.save();
  }

  setSiteReachable(connection: string, reachable: boolean): void {
    if (typeof reachable !== 'boolean') throw invalid('reachable must be true or false.');
    const conn = this.findConnection(connection);
    const sim = this.ctx.store.state.sim;
    if ((sim.siteReachable[conn.key] ?? true) !== reachable) conn.internal.reachabilityChangedAt = this.ctx.now();
    if (reachable) delete sim.siteReachable[conn.key];
    else sim.siteReachable[conn.key] = false;
    this.save();
  }

  setSiteSharedKey(connection: string, key: string | null): void {
    const conn = this.findConnection(connection);
    const sim = this.ctx.store.state.sim;
    if (key === null) delete sim.siteSharedKey[conn.key];
    else if (typeof key === 'string') sim.siteSharedKey[conn.key] = key;
    else throw invalid('key must be a string or null.');
    conn.internal.reachabilityChangedAt = this.ctx.now();
    this.save();
  }

  setSiteAdvertisedPrefixes(connection: string, prefixes: string[] | null): void {
    const conn = this.findConnection(connection);
    const sim = this.ctx.store.state.sim;
    if (prefixes === null) delete sim.siteAdvertisedPrefixes[conn.key];
    else sim.siteAdvertisedPrefixes[conn.key] = checkPrefixes(prefixes);
    this.save();
  }

  setCircuitReadable(circuit: string, readable: boolean): CircuitInfo {
    if (typeof readable !== 'boolean') throw invalid('readable must be true or false.');
    const rec = findCircuit(this.ctx, circuit);
    if (readable) delete rec.internal.unreadable;
    else rec.internal.unreadable = true;
    this.save();
    return circuitInfo(rec);
  }

  issueToken(audience: 'arm' | 'vault', expiresInSeconds: number): IssuedToken {
    if (audience !== 'arm' && audience !== 'vault') throw invalid(`audience must be 'arm' or 'vault'; got ${String(audience)}.`);
    if (typeof expiresInSeconds !== 'number' || !Number.isFinite(expiresInSeconds)) throw invalid('expiresInSeconds must be a number of seconds (negative: already expired).');
    return this.tokens.issue(audience, expiresInSeconds);
  }

  expireToken(token: string): boolean {
    if (typeof token !== 'string' || token === '') throw invalid('token is required.');
    return this.tokens.expire(token);
  }

  reset(): void {
    this.ctx.lro.clear();
    this.ctx.store.clear();
    this.ctx.store.flush();
    this.faults.clear();
    this.throttle.set(null);
    this.clearRequestLog();
  }

  private save(): void {
    this.ctx.store.markDirty();
    this.ctx.store.flush();
  }

  private findConnection(nameOrId: string): ResourceRecord {
    if (typeof nameOrId !== 'string' || nameOrId === '') throw invalid('connection (a name or an id) is required.');
    if (nameOrId.startsWith('/')) {
      const rec = this.ctx.store.get(keyOf(nameOrId));
      if (rec?.type === 'connections') return rec;
    } else {
      const matches = this.ctx.store.list('connections').filter((c) => c.name.toLowerCase() === nameOrId.toLowerCase());
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) throw invalid(`More than one connection is named ${nameOrId}; use its id.`);
    }
    throw new ArmError(404, 'ResourceNotFound', `Connection ${nameOrId} was not found.`);
  }
}

type Route = { method: string; path: string; run: (c: Control, body: Record<string, any>, tail: string) => unknown };

const ROUTES: Route[] = [
  { method: 'GET', path: 'durations', run: (c) => c.getDurations() },
  { method: 'POST', path: 'durations', run: (c, b) => c.setDurations(b) },
  { method: 'POST', path: 'retry-after', run: (c, b) => c.setRetryAfter(b.seconds) },
  { method: 'POST', path: 'rules', run: (c, b) => c.setRules(b) },
  { method: 'GET', path: 'faults', run: (c) => c.listFaults() },
  { method: 'POST', path: 'faults', run: (c, b) => ({ id: c.addFault(b as FaultRule) }) },
  { method: 'DELETE', path: 'faults', run: (c) => c.clearFaults() },
  { method: 'DELETE', path: 'faults/*', run: (c, _b, id) => ({ removed: c.removeFault(id) }) },
  { method: 'POST', path: 'throttling', run: (c, b) => c.setThrottling(b.capacity === undefined ? null : (b as ThrottlingOptions)) },
  { method: 'GET', path: 'requests', run: (c) => c.requestLog() },
  { method: 'DELETE', path: 'requests', run: (c) => c.clearRequestLog() },
  { method: 'GET', path: 'counts', run: (c) => c.counts() },
  { method: 'POST', path: 'expressroute-path', run: (c, b) => c.setExpressRoutePath(b.state, b.circuit) },
  { method: 'POST', path: 'circuits', run: (c, b) => c.addProvisionedCircuit(b as ProvisionedCircuitSpec) },
  { method: 'POST', path: 'circuits/provision', run: (c, b) => c.provisionCircuit(b.circuit, b.peering) },
  { method: 'POST', path: 'circuits/deprovision', run: (c, b) => c.deprovisionCircuit(b.circuit) },
  { method: 'POST', path: 'onprem-prefixes', run: (c, b) => c.setOnPremAdvertisedPrefixes(b.prefixes ?? null, b.circuit) },
  { method: 'POST', path: 'site-reachable', run: (c, b) => c.setSiteReachable(b.connection, b.reachable) },
  { method: 'POST', path: 'site-shared-key', run: (c, b) => c.setSiteSharedKey(b.connection, b.key ?? null) },
  { method: 'POST', path: 'site-advertised-prefixes', run: (c, b) => c.setSiteAdvertisedPrefixes(b.connection, b.prefixes ?? null) },
  { method: 'POST', path: 'circuits/readable', run: (c, b) => c.setCircuitReadable(b.circuit, b.readable) },
  { method: 'POST', path: 'tokens', run: (c, b) => c.issueToken(b.audience, b.expiresInSeconds) },
  { method: 'POST', path: 'tokens/expire', run: (c, b) => ({ expired: c.expireToken(b.token) }) },
  { method: 'POST', path: 'reset', run: (c) => c.reset() },
];

/** Handles `/__emulator/...` (already authenticated). */
export function handleControl(control: Control, req: ParsedRequest): HandlerResult {
  const sub = req.path.replace(/^\/__emulator\/?/, '').replace(/\/+$/, '');
  const route = ROUTES.find((r) => {
    if (r.method !== req.method) return false;
    if (r.path.endsWith('/*')) return sub.startsWith(r.path.slice(0, -1)) && sub.length > r.path.length - 1;
    return r.path === sub;
  });
  if (!route) {
    throw new ArmError(404, 'UnknownControlRoute', `No control route ${req.method} /__emulator/${sub}. Routes: ${ROUTES.map((r) => `${r.method} /__emulator/${r.path}`).join(', ')}`);
  }
  const tail = route.path.endsWith('/*') ? decodeURIComponent(sub.slice(route.path.length - 1)) : '';
  const out = route.run(control, asObject(req.body, 'the body'), tail);
  return out === undefined ? { status: 204 } : { status: 200, body: out };
}
