/**
 * The ARM emulator: "Azure" for tests, the demo and users, spoken to over HTTPS by the real SDK.
 * See src/emulator/README.md for the ARM surface, the Key Vault listener and the control routes.
 */
import { preparePrivateDir, readStateFile, writeStateFile } from './stateDir';
import { join } from 'node:path';
import { loadOrCreateCertificate } from './cert';
import { type EmulatorContext, DEFAULT_DURATIONS } from './context';
import { Control } from './control';
import { FaultInjector, Throttle } from './faults';
import { OperationEngine } from './lro';
import { RequestLog } from './requestLog';
import { TOP_LEVEL_KINDS, CHILD_KINDS } from './resources/index';
import { listen, makeHandler, type Listener } from './server';
import { Store } from './state';
import { loadOrCreateToken, TokenRegistry } from './tokens';
import type { EmulatorOptions, EmulatorRules, RunningEmulator } from './types';

export type {
  CircuitInfo,
  EmulatorControl,
  EmulatorCounts,
  EmulatorDurations,
  EmulatorOptions,
  EmulatorRules,
  FaultKind,
  FaultRule,
  FaultStatus,
  IssuedToken,
  PrivatePeeringSpec,
  ProvisionedCircuitSpec,
  RequestLogEntry,
  RunningEmulator,
  ThrottlingOptions,
} from './types';
export { DEFAULT_DURATIONS } from './context';

/** Finishes operations a previous run left running: Updating becomes Succeeded, Deleting is removed. */
function settleLoadedState(ctx: EmulatorContext): void {
  for (const rec of ctx.store.all()) {
    const kind = rec.parentKey ? Object.values(CHILD_KINDS).flatMap((m) => Object.values(m)).find((k) => k.type === rec.type) : TOP_LEVEL_KINDS[rec.type.toLowerCase()];
    if (rec.provisioningState === 'Updating') {
      rec.provisioningState = 'Succeeded';
      rec.provisioned = true;
      kind?.completed?.(ctx, rec);
      ctx.store.markDirty();
    } else if (rec.provisioningState === 'Deleting') {
      ctx.store.delete(rec);
      kind?.deleted?.(ctx, rec);
    }
  }
  for (const rg of ctx.store.state.resourceGroups ? Object.values(ctx.store.state.resourceGroups) : []) {
    if (rg.deleting) ctx.store.deleteRg(rg);
  }
  ctx.store.flush();
}

const PORTS_FILE = 'ports.json';

/** The ports of the previous run with this state dir, so endpoints stay the same across restarts. */
function rememberedPorts(stateDir: string | undefined): { arm?: number; vault?: number } {
  const text = stateDir ? readStateFile(join(stateDir, PORTS_FILE)) : undefined;
  if (text === undefined) return {};
  try {
    const p = JSON.parse(text) as { arm?: unknown; vault?: unknown };
    const ok = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536 ? v : undefined);
    return { arm: ok(p.arm), vault: ok(p.vault) };
  } catch {
    return {};
  }
}

/** Listens on the asked port; a remembered port that is taken now gives way to any free port. */
async function listenPreferring(tls: { cert: string; key: string }, asked: number | undefined, remembered: number | undefined, handler: Parameters<typeof listen>[2]): Promise<Listener> {
  if (asked) return listen(tls, asked, handler);
  if (remembered) {
    try {
      return await listen(tls, remembered, handler);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    }
  }
  return listen(tls, 0, handler);
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  if (opts.requireExpressRouteGatewayFirst === true) {
    throw Object.assign(new Error('requireExpressRouteGatewayFirst was removed: Azure lets either gateway be created first since 2018.'), { code: 'EmulatorOptionRemoved' });
  }
  const tls = await loadOrCreateCertificate(opts.stateDir);
  const tokens = new TokenRegistry(() => Date.now());
  const token = loadOrCreateToken(tokens, 'arm', opts.stateDir, opts.token, Date.now());
  const vaultToken = loadOrCreateToken(tokens, 'vault', opts.stateDir, opts.vaultToken, Date.now());
  const store = new Store(opts.stateDir, {});
  const rules: Partial<EmulatorRules> = { ...(opts.rules ?? {}) };
  if (opts.refuseConcurrentGateways !== undefined) rules.refuseConcurrentGateways = opts.refuseConcurrentGateways;
  Object.assign(store.state.rules, rules);
  if (Object.keys(rules).length > 0) store.markDirty();
  let endpoint = '';
  let vaultEndpoint = '';
  const settings = { durations: { ...DEFAULT_DURATIONS, ...(opts.durations ?? {}) }, retryAfterSeconds: opts.retryAfterSeconds ?? 0 };
  const lro = new OperationEngine(
    () => endpoint,
    () => settings.retryAfterSeconds,
    () => store.flush(),
  );
  const faults = new FaultInjector();
  const ctx: EmulatorContext = { store, lro, faults, settings, endpoint: () => endpoint, now: () => Date.now() };
  settleLoadedState(ctx);
  const throttle = new Throttle();
  const log = new RequestLog();
  const control = new Control(ctx, faults, throttle, log, tokens);
  const deps = { ctx, control, faults, throttle, log, tokens, vaultEndpoint: () => vaultEndpoint };

  const listeners: Listener[] = [];
  const previous = rememberedPorts(opts.stateDir);
  try {
    const arm = await listenPreferring(tls, opts.port, previous.arm, makeHandler(deps, 'arm'));
    listeners.push(arm);
    endpoint = `https://127.0.0.1:${arm.port}`;
    const vault = await listenPreferring(tls, opts.vaultPort, previous.vault, makeHandler(deps, 'vault'));
    listeners.push(vault);
    vaultEndpoint = `https://127.0.0.1:${vault.port}`;
    if (opts.stateDir) {
      preparePrivateDir(opts.stateDir);
      writeStateFile(join(opts.stateDir, PORTS_FILE), `${JSON.stringify({ arm: arm.port, vault: vault.port })}\n`, 0o600);
    }
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    throw e;
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    vaultEndpoint,
    caPem: tls.cert,
    caFile: tls.caFile,
    token,
    vaultToken,
    control,
    stop() {
      stopped ??= (async () => {
        lro.shutdown();
        await Promise.all(listeners.map((l) => l.close()));
        store.flush();
      })();
      return stopped;
    },
  };
}
