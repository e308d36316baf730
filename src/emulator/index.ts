/**
 * The ARM emulator: "Azure" for tests, the demo and users, spoken to over HTTPS by the real SDK.
 * See src/emulator/README.md for the ARM surface, the Key Vault listener and the control routes.
 */
import { loadOrCreateCertificate, loadOrCreateToken } from './cert';
import { type EmulatorContext, DEFAULT_DURATIONS } from './context';
import { Control } from './control';
import { FaultInjector, Throttle } from './faults';
import { OperationEngine } from './lro';
import { RequestLog } from './requestLog';
import { TOP_LEVEL_KINDS, CHILD_KINDS } from './resources/index';
import { listen, makeHandler, type Listener } from './server';
import { Store } from './state';
import type { EmulatorOptions, RunningEmulator } from './types';

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

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tls = await loadOrCreateCertificate(opts.stateDir);
  const token = loadOrCreateToken(opts.stateDir, opts.token);
  const store = new Store(opts.stateDir, { requireExpressRouteGatewayFirst: opts.requireExpressRouteGatewayFirst === true });
  if (opts.requireExpressRouteGatewayFirst !== undefined) store.state.rules.requireExpressRouteGatewayFirst = opts.requireExpressRouteGatewayFirst;
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
  const control = new Control(ctx, faults, throttle, log);
  const deps = { ctx, control, faults, throttle, log, token, vaultEndpoint: () => vaultEndpoint };

  const listeners: Listener[] = [];
  try {
    const arm = await listen(tls, opts.port ?? 0, makeHandler(deps, 'arm'));
    listeners.push(arm);
    endpoint = `https://127.0.0.1:${arm.port}`;
    const vault = await listen(tls, opts.vaultPort ?? 0, makeHandler(deps, 'vault'));
    listeners.push(vault);
    vaultEndpoint = `https://127.0.0.1:${vault.port}`;
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
