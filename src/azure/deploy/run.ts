/**
 * One deploy run: what `applyPlan` is given, what its steps share while it runs (the run's signal, its
 * events, what Azure holds, the writes made, warnings, what waits on someone else) and what it reports.
 */
import { setMaxListeners } from 'node:events';
import { InternalError, type Problem } from '../../errors';
import type { Hub, Site } from '../../hub/types';
import type { AzureApi } from '../client/api';
import { isAbortError } from '../client/errors';
import type { CircuitModel } from '../client/model';
import { eventStamper, type ApplyEventBody, type ApplyEventSink } from './events';
import type { ResolveSecret, SharedKeyStore } from './keyStore';
import type { Change } from './diff';
import type { AzurePlan } from './plan';
import { expressRouteCircuit } from '../resources/circuit';
import { describeResource } from '../resources/table';
import { KeyedMutex } from '../../util/keyedMutex';
import { requestPacingFor, type RequestPacing } from '../client/pacing';
import { waitPolicy, type WaitOptions, type WaitPolicy } from './waiting';

export interface ApplyDeps extends WaitOptions {
  /** How long passing server failures (5xx past the SDK's retries) are waited out (default 10 minutes). */
  transientTimeoutMs?: number;
  api: AzureApi;
  hub: Hub;
  keys: SharedKeyStore;
  /** For secrets other than shared keys (the ExpressRoute authorization key). */
  resolveSecret: ResolveSecret;
  onEvent?: ApplyEventSink;
  /**
   * `--wait-for-circuit`: instead of leaving the ExpressRoute connection for a later run, poll the
   * circuit until the provider has provisioned it (with private peering), at most `timeoutMs`.
   */
  circuitWait?: { timeoutMs: number; pollMs?: number };
  /**
   * `--allow-recreate`, confirmed: the GatewaySubnet change from `from` to `to` may delete the gateways
   * that use it (connections first) so the subnet can be recreated. Any other change is not approved.
   */
  allowRecreate?: { from: string; to: string };
  /**
   * `--allow-recreate`, confirmed: these replacements (plan keys) may delete and create again what Azure
   * cannot change in place. A replacement not listed stops the run before anything is written.
   */
  allowReplace?: readonly string[];
  /**
   * Told the run's estimated duration at Azure's documented durations, once the difference is known and
   * before anything is written; throws to stop the run (a static token that expires sooner).
   */
  beforeWrites?: (estimatedMs: number) => void | Promise<void>;
  /** Before each long wait (a gateway operation, a busy resource): e.g. read token files again. */
  beforeLongWait?: () => Promise<void>;
}

/** The circuit tunnelsmith created (or found) for `expressRoute.circuit`, as the provider needs it. */
export interface CircuitReport {
  name: string;
  id: string;
  /** The one value the provider needs to provision the circuit. Not a secret. */
  serviceKey?: string;
  /** NotProvisioned, Provisioning, Provisioned. */
  serviceProviderProvisioningState?: string;
  privatePeering: boolean;
  serviceProviderName?: string;
  peeringLocation?: string;
  /** Created by this run. */
  created: boolean;
}

export interface WaitingItem {
  field: string;
  what: string;
  reason: string;
  /** The plan key of the step that waits. */
  key?: string;
}

export interface ApplyReport {
  /** The difference found before applying. */
  changes: Change[];
  /** Write requests that succeeded (PUTs). */
  writes: number;
  warnings: Problem[];
  /** Steps that could not run yet because someone else must act (the provider's circuit). */
  waiting: WaitingItem[];
  /** Present when the hub has tunnelsmith create the circuit (`expressRoute.circuit`). */
  circuit?: CircuitReport;
  /** What `--allow-recreate` deleted before the subnet was recreated, in order. */
  recreated?: string[];
}

/** The hint of every error that a later deploy gets past by itself. */
export const RESUME_HINT = 'run deploy again later; it resumes where it stopped';

export class DeployRun {
  readonly wait: WaitPolicy;
  /** How every SDK request of the run waits out a 429 or a passing server failure (`applyPlan` runs in it). */
  readonly requestPacing: RequestPacing;
  /** Azure writes one gateway's connections one at a time: so does the run (keyed by the gateway's plan key). */
  readonly connectionWrites = new KeyedMutex();
  /**
   * Azure refused a gateway while another of the VNet was being built (409 AnotherOperationInProgress):
   * it builds them one at a time here, and the rest of the run writes gateways one after the other.
   */
  gatewaysOneAtATime = false;
  /** The run's gateway writes in flight, by plan key. */
  private readonly gatewayWrites = new Map<string, Promise<unknown>>();
  private readonly gatewaysInTurn = new KeyedMutex();
  readonly warnings: Problem[] = [];
  readonly waiting: WaitingItem[] = [];
  /** What Azure holds, by plan key (undefined: it does not exist), as last read or written. */
  actual: Record<string, unknown> = {};
  writes = 0;
  /** The circuit step, once started; the ExpressRoute connection's create waits for it. */
  circuitTask: Promise<void> = Promise.resolve();
  circuitReport: CircuitReport | undefined;
  private readonly stamp: (e: ApplyEventBody) => void;
  private readonly internal = new AbortController();

  constructor(
    readonly plan: AzurePlan,
    readonly deps: ApplyDeps,
  ) {
    this.stamp = eventStamper(deps.onEvent ?? (() => undefined), () => this.wait.now(), (id) => planStepName(plan, id));
    // Every request in flight listens on the run's signal (reads run a dozen at a time).
    setMaxListeners(200, this.internal.signal);
    if (deps.signal) {
      if (deps.signal.aborted) this.internal.abort(deps.signal.reason);
      else deps.signal.addEventListener('abort', () => this.internal.abort(deps.signal!.reason), { once: true });
    }
    this.wait = waitPolicy({ ...deps, signal: this.internal.signal });
    this.requestPacing = requestPacingFor({
      now: this.wait.now,
      sleep: (ms) => this.wait.sleep(ms),
      throttleTimeoutMs: this.wait.timeoutMs,
      ...(deps.transientTimeoutMs !== undefined ? { transientTimeoutMs: deps.transientTimeoutMs } : {}),
      note: (message) => this.event({ type: 'note', level: 'info', message }),
    });
  }

  get api(): AzureApi {
    return this.deps.api;
  }

  /** Aborted when the caller aborts, or when a step failed (the others stop waiting). */
  get signal(): AbortSignal {
    return this.internal.signal;
  }

  /**
   * Runs a gateway write (create, update, replace). Gateways are built at once; once Azure has refused
   * that in this run (`gatewaysOneAtATime`), each write waits until the others have ended.
   */
  async writeGateway<T>(key: string, write: () => Promise<T>): Promise<T> {
    const tracked = async (): Promise<T> => {
      const p = write();
      this.gatewayWrites.set(key, p);
      try {
        return await p;
      } finally {
        if (this.gatewayWrites.get(key) === p) this.gatewayWrites.delete(key);
      }
    };
    if (!this.gatewaysOneAtATime) return tracked();
    return this.gatewaysInTurn.run('gateways', async () => {
      await this.otherGatewayWrites(key);
      return tracked();
    });
  }

  /** The plan keys of the run's other gateway writes in flight. */
  otherGatewaysWriting(key: string): string[] {
    return [...this.gatewayWrites.keys()].filter((k) => k !== key);
  }

  /** Resolves once the run's other gateway writes have ended (whatever their outcome). */
  async otherGatewayWrites(key: string): Promise<void> {
    await Promise.allSettled([...this.gatewayWrites.entries()].filter(([k]) => k !== key).map(([, p]) => p));
  }

  /** Before a wait of many minutes (a gateway, a busy resource): the caller's hook (token files read again). */
  async beforeLongWait(): Promise<void> {
    await this.deps.beforeLongWait?.();
  }

  /** Stops every wait of the run: Azure carries on, and the next run resumes. */
  stopWaiting(why: string): void {
    this.internal.abort(new Error(why));
  }

  event(e: ApplyEventBody): void {
    this.stamp(e);
  }

  /** Ends an operation that threw: failed, or stopped waiting when the run was interrupted. */
  endFailed(id: string, e: unknown): void {
    const stopped = isAbortError(e);
    this.event({
      type: 'end',
      id,
      outcome: stopped ? 'skipped' : 'failed',
      detail: stopped ? 'stopped waiting; the operation goes on in Azure and the next deploy resumes it' : e instanceof Error ? e.message.split('\n')[0] : String(e),
    });
  }

  warn(path: string, message: string, fix?: string): void {
    this.warnings.push({ path, message, severity: 'warning', ...(fix ? { fix } : {}) });
    this.event({ type: 'note', level: 'warning', message: `${path}: ${message}${fix ? ` (${fix})` : ''}` });
  }

  /** A site the plan names, with its hub-file path. */
  site(name: string): { site: Site; path: string } {
    const i = this.deps.hub.sites.findIndex((s) => s.name === name);
    if (i < 0) throw new InternalError('PlanSiteMissing', `the plan names site ${name}, which the hub does not have`);
    return { site: this.deps.hub.sites[i], path: `sites[${i}]` };
  }

  gatewaysExist(): boolean {
    return this.plan.resources.some((r) => (r.kind === 'vpnGateway' || r.kind === 'erGateway') && this.actual[r.key] !== undefined);
  }
}

export function circuitReport(c: CircuitModel, created: boolean): CircuitReport {
  return {
    name: c.name,
    id: c.id,
    ...(c.serviceKey ? { serviceKey: c.serviceKey } : {}),
    ...(c.serviceProviderProvisioningState ? { serviceProviderProvisioningState: c.serviceProviderProvisioningState } : {}),
    privatePeering: c.privatePeering,
    ...(c.serviceProviderName ? { serviceProviderName: c.serviceProviderName } : {}),
    ...(c.peeringLocation ? { peeringLocation: c.peeringLocation } : {}),
    created,
  };
}

/** A plan step in words, by its key (for a step that ends without having started). */
export function planStepName(plan: AzurePlan, key: string): string {
  const resource = plan.resources.find((r) => r.key === key);
  if (resource) return describeResource(resource);
  return plan.circuit?.key === key ? `${expressRouteCircuit.label} ${plan.circuit.name}` : key;
}
