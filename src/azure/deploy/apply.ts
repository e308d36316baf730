/**
 * Applies a plan: reads what exists, diffs, and writes only the difference, following the dependency
 * graph with independent steps in parallel. Resumable by construction: a second run diffs again,
 * waits for resources still `Updating` instead of writing them again, and writes nothing when all is
 * in place. `409 AnotherOperationInProgress` is waited out. The ExpressRoute gateway goes before the
 * VPN gateway, and the other way round when the service refuses that order.
 */
import { setMaxListeners } from 'node:events';
import { AzureError, InternalError, type Problem } from '../../errors';
import type { Hub, Site } from '../../hub/types';
import { mapLimit } from '../../util/async';
import type { AzureApi, CallOptions } from '../client/api';
import { diffPlan, diffResource, type Change, type CircuitChange, type DiffExtras, type DiffOutcome } from './diff';
import { isAbortError, isGatewayOrderRefusal, isTransientOperationFailure, withHubField } from '../client/errors';
import type { ApplyEvent, ApplyEventBody, ApplyEventSink } from '../events';
import { isBusy, isProviderProvisioned, type CircuitModel, type ConnectionModel } from '../client/model';
import type { PlannedResource } from '../resources/contract';
import { describeResource, readResource, writeResource } from '../resources/table';
import type { AzurePlan } from './plan';
import { WorkGraph } from './graph';
import { runGatewaySubnetRecreate } from './recreate';
import { CIRCUIT_POLL_MS, pollUntil, retryWhileBusy, stillInProgress, waitPolicy, type WaitOptions, type WaitPolicy } from './waiting';
import type { SecretResolver, SharedKeyStore } from '../sharedKeys';

export interface ApplyDeps extends WaitOptions {
  api: AzureApi;
  hub: Hub;
  keys: SharedKeyStore;
  /** For secrets other than shared keys (the ExpressRoute authorization key). */
  resolveSecret: SecretResolver;
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

const RESUME_HINT = 'run deploy again later; it resumes where it stopped';

/** A write whose Azure operation failed transiently is tried this many more times. */
const MAX_OPERATION_RETRIES = 2;

/** Reads every planned resource (in parallel); `undefined` for those that do not exist. */
export async function readActualState(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const rg = plan.resources.find((r) => r.kind === 'resourceGroup');
  const group = await api.getResourceGroup(plan.resourceGroup, o);
  if (rg) state[rg.key] = group;
  if (!group) {
    for (const r of plan.resources) state[r.key] = undefined;
    if (rg) state[rg.key] = undefined;
    return state;
  }
  await mapLimit(
    plan.resources.filter((r) => r.kind !== 'resourceGroup'),
    READ_CONCURRENCY,
    async (r) => {
      state[r.key] = await readResource(api, plan.resourceGroup, r, o);
    },
  );
  return state;
}

/** Reads in flight at once: enough to be quick, few enough not to trip ARM's throttling with many sites. */
const READ_CONCURRENCY = 12;

/**
 * What the diff needs besides the planned resources: the group's connections (to name every connection
 * of a gateway in a remedy) and the circuit tunnelsmith creates, if any. Reads in parallel.
 */
export async function readDiffExtras(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<DiffExtras> {
  const [connections, circuit] = await Promise.all([
    api.listByType(plan.resourceGroup, 'connections', o),
    plan.circuit ? api.getCircuit(plan.circuit.id, o) : Promise.resolve(undefined),
  ]);
  return { connections, ...(circuit ? { circuit } : {}) };
}

/** What `deploy --plan` shows: the difference, without writing anything. */
export async function diffAgainstAzure(api: AzureApi, plan: AzurePlan, o?: CallOptions): Promise<DiffOutcome> {
  const [actual, extras] = await Promise.all([readActualState(api, plan, o), readDiffExtras(api, plan, o)]);
  return diffPlan(plan, actual, extras);
}

/** Throws the conflicts of a diff as one AzureError naming every field and remedy. */
export function throwConflicts(conflicts: Problem[]): void {
  if (conflicts.length === 0) return;
  const lines = conflicts.map((p) => `${p.path}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`);
  throw new AzureError(
    'AzureStateConflict',
    `Azure holds state that cannot be changed in place:\n  ${lines.join('\n  ')}`,
    { field: conflicts[0].path },
    'nothing was changed; follow the fix for each line, then deploy again',
  );
}

/** A node of the deploy graph: a planned resource and its change, or the circuit tunnelsmith creates. */
type Step = { planned: PlannedResource; change: Change } | { circuit: CircuitChange };

/** Reads, diffs and applies the plan. Throws AzureError on a refusal (naming the hub field). */
export async function applyPlan(plan: AzurePlan, deps: ApplyDeps): Promise<ApplyReport> {
  const runner = new Runner(plan, deps);
  return runner.run();
}

class Runner {
  private readonly now: () => number;
  private readonly wait: WaitPolicy;
  private readonly emit: ApplyEventSink;
  private readonly internal = new AbortController();
  private readonly warnings: Problem[] = [];
  private readonly waiting: WaitingItem[] = [];
  private actual: Record<string, unknown> = {};
  private writes = 0;
  private circuitTask: Promise<void> = Promise.resolve();
  private circuitReport: CircuitReport | undefined;
  private recreated: string[] | undefined;
  private orderSwapped = false;
  private readonly graph = new WorkGraph<Step>();

  constructor(
    private readonly plan: AzurePlan,
    private readonly deps: ApplyDeps,
  ) {
    this.emit = deps.onEvent ?? (() => undefined);
    // Every request in flight listens on the run's signal (reads run a dozen at a time).
    setMaxListeners(200, this.internal.signal);
    if (deps.signal) {
      if (deps.signal.aborted) this.internal.abort(deps.signal.reason);
      else deps.signal.addEventListener('abort', () => this.internal.abort(deps.signal!.reason), { once: true });
    }
    this.wait = waitPolicy({ ...deps, signal: this.internal.signal });
    this.now = this.wait.now;
  }

  private get signal(): AbortSignal {
    return this.internal.signal;
  }

  private event(e: ApplyEventBody): void {
    this.emit({ ...e, at: this.now() } as ApplyEvent);
  }

  async run(): Promise<ApplyReport> {
    let diff = await this.readAndDiff();
    if (diff.recreate && this.deps.allowRecreate) {
      const r = diff.recreate;
      const approved = this.deps.allowRecreate;
      if (approved.from !== r.from || approved.to !== r.to) {
        throw new AzureError('RecreateNotApproved', `azure.vnet.gatewaySubnet: the GatewaySubnet change now needed (${r.from} -> ${r.to}) is not the one confirmed (${approved.from} -> ${approved.to})`, { field: 'azure.vnet.gatewaySubnet' }, 'run deploy --allow-recreate again and confirm the steps it shows');
      }
      // Every other conflict still stops the run before anything is deleted.
      throwConflicts(diff.conflicts.filter((p) => p.path !== 'azure.vnet.gatewaySubnet'));
      this.recreated = await runGatewaySubnetRecreate(r, {
        api: this.deps.api,
        hub: this.deps.hub,
        keys: this.deps.keys,
        emit: (e) => this.event(e),
        wait: this.wait,
      });
      this.writes += this.recreated.length;
      diff = await this.readAndDiff();
    }
    throwConflicts(diff.conflicts);

    // Keys and secrets first: a missing reference fails the run before anything is written.
    const secrets = await this.prepareSecrets(diff.changes);

    this.buildGraph(diff);
    await this.graph.run((n) => ('circuit' in n.data ? this.startCircuit(n.data.circuit) : this.runNode(n.data, secrets.get(n.id))), {
      onSkipped: (n) => this.event({ type: 'end', id: n.id, outcome: 'skipped', detail: 'waits for a step that could not run' }),
      onFailed: (n, e) => {
        // The circuit's failure does not stop the other steps: it is thrown once they have ended.
        if ('circuit' in n.data) return 'continue';
        if (this.tryOrderFallback(n.id, n.data.change, e)) return 'retry';
        // Stop waiting on the others: Azure carries on, and the next run resumes.
        if (!isAbortError(e)) this.internal.abort(new Error('another step failed'));
        return 'stop';
      },
    });
    await this.circuitTask;

    // Existing connections: confirm journal entries, and compare the hub's reference with Azure's key.
    await this.checkExistingKeys(diff.changes);
    return {
      changes: diff.changes,
      writes: this.writes,
      warnings: this.warnings,
      waiting: this.waiting,
      ...(this.circuitReport ? { circuit: this.circuitReport } : {}),
      ...(this.recreated ? { recreated: this.recreated } : {}),
    };
  }

  private async readAndDiff(): Promise<DiffOutcome> {
    this.event({ type: 'start', id: 'read', what: `read what exists in ${this.plan.resourceGroup}`, kind: 'read' });
    let extras: DiffExtras;
    try {
      [this.actual, extras] = await Promise.all([
        readActualState(this.deps.api, this.plan, { signal: this.signal }),
        readDiffExtras(this.deps.api, this.plan, { signal: this.signal }),
      ]);
    } catch (e) {
      this.event({ type: 'end', id: 'read', outcome: 'failed', detail: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      throw e;
    }
    const diff = diffPlan(this.plan, this.actual, extras);
    if (extras.circuit) this.circuitReport = circuitReport(extras.circuit, false);
    const circuitText = diff.circuit && diff.circuit.action !== 'noop' ? `; circuit ${diff.circuit.circuit.name}: ${diff.circuit.action}` : '';
    this.event({ type: 'end', id: 'read', outcome: 'done', detail: `${summarize(diff.changes)}${circuitText}` });
    return diff;
  }

  /** Creates, updates or waits for the circuit tunnelsmith creates; the ExpressRoute connection waits on this. */
  private async runCircuit(change: CircuitChange): Promise<void> {
    const c = change.circuit;
    const api = this.deps.api;
    const rg = this.plan.resourceGroup;
    if (change.action === 'noop') return;
    if (change.action === 'wait') {
      this.event({ type: 'start', id: c.key, what: `wait for ExpressRoute circuit ${c.name} (${change.state} in Azure)`, kind: 'wait' });
      const cur = await pollUntil(this.wait, {
        read: () => api.getCircuit(c.id, { signal: this.signal }),
        done: (x) => !x || !isBusy(x.provisioningState),
        timedOut: (x) => {
          throw stillInProgress(`ExpressRoute circuit ${c.name} is still ${x?.provisioningState}`, c.field, RESUME_HINT);
        },
      });
      if (cur) this.circuitReport = circuitReport(cur, false);
      this.event({ type: 'end', id: c.key, outcome: 'unchanged', detail: cur ? 'in place' : 'gone' });
      if (cur) return;
    }
    const created = change.action !== 'update';
    const d = c.desired;
    const what = `${created ? 'create' : 'update'} ExpressRoute circuit ${c.name} (${d.serviceProviderName}, ${d.peeringLocation}, ${d.bandwidthInMbps} Mbps, ${d.skuTier}/${d.skuFamily})${change.fields.length ? `: ${change.fields.join('; ')}` : ''}`;
    this.event({ type: 'start', id: c.key, what, kind: created ? 'create' : 'update' });
    try {
      const out = await api.putCircuit(rg, d, { signal: this.signal });
      this.writes++;
      this.circuitReport = circuitReport(out, created);
    } catch (e) {
      this.endFailed(c.key, e);
      throw withHubField(e, c.field);
    }
    this.event({ type: 'end', id: c.key, outcome: 'done', detail: `provider state ${this.circuitReport.serviceProviderProvisioningState ?? 'unknown'}` });
  }

  private async prepareSecrets(changes: Change[]): Promise<Map<string, { sharedKey?: string; authorizationKey?: string }>> {
    const out = new Map<string, { sharedKey?: string; authorizationKey?: string }>();
    for (const c of changes) {
      const r = c.resource;
      // A circuit id that names nothing fails the run before anything is written (a circuit
      // tunnelsmith creates itself is made in this run).
      if (r.kind === 'erConnection' && c.action === 'create' && !this.plan.circuit) await this.requireCircuit(r);
      if (r.kind === 'ipsecConnection' && c.action === 'create') {
        const { site, path } = this.site(r.site);
        out.set(r.key, { sharedKey: await this.deps.keys.keyForNewConnection(site, path) });
      }
      if (r.kind === 'erConnection' && c.action === 'create') {
        const ref = this.deps.hub.azure.expressRoute?.authorizationKey;
        if (ref) out.set(r.key, { authorizationKey: await this.deps.resolveSecret(ref, 'azure.expressRoute.authorizationKey') });
      }
    }
    return out;
  }

  private site(name: string): { site: Site; path: string } {
    const i = this.deps.hub.sites.findIndex((s) => s.name === name);
    if (i < 0) throw new InternalError('PlanSiteMissing', `the plan names site ${name}, which the hub does not have`);
    return { site: this.deps.hub.sites[i], path: `sites[${i}]` };
  }

  /**
   * One node per planned resource, waiting for its dependencies; the order the plan prefers (the
   * ExpressRoute gateway before the VPN gateway) is an ordinary edge too, turned round by
   * `tryOrderFallback`. The circuit tunnelsmith creates goes beside the rest once its resource group exists.
   */
  private buildGraph(diff: DiffOutcome): void {
    const rgKey = this.plan.resources.find((r) => r.kind === 'resourceGroup')?.key;
    if (diff.circuit) {
      this.graph.addNode(diff.circuit.circuit.key, { circuit: diff.circuit }, { dependsOn: rgKey ? [rgKey] : [], state: diff.circuit.action === 'noop' ? 'done' : 'pending' });
    }
    const planned = new Map(this.plan.resources.map((r) => [r.key, r]));
    for (const change of diff.changes) {
      const p = planned.get(change.resource.key)!;
      this.graph.addNode(p.key, { planned: p, change }, { dependsOn: [...p.dependsOn, ...p.orderAfter], state: change.action === 'noop' ? 'done' : 'pending' });
    }
  }

  /** Starts the circuit step; the ExpressRoute connection's create waits for it. */
  private startCircuit(change: CircuitChange): Promise<void> {
    this.circuitTask = this.runCircuit(change);
    // Awaited by the ExpressRoute connection and after the run; never an unhandled rejection.
    this.circuitTask.catch(() => undefined);
    return this.circuitTask;
  }

  /**
   * The service refused to create the ExpressRoute gateway before the VPN gateway: turn the edge round
   * (the VPN gateway first), then try the ExpressRoute gateway again (once).
   */
  private tryOrderFallback(id: string, change: Change, e: unknown): boolean {
    if (this.orderSwapped || change.resource.kind !== 'erGateway' || change.action !== 'create' || !isGatewayOrderRefusal(e)) return false;
    const vpn = this.graph.nodes.find((x) => 'planned' in x.data && x.data.planned.kind === 'vpnGateway' && x.data.planned.orderAfter.includes(id));
    if (!vpn || vpn.state !== 'pending') return false;
    this.orderSwapped = true;
    this.graph.removeDependency(vpn.id, id);
    this.graph.addDependency(id, vpn.id);
    this.event({ type: 'note', level: 'info', message: `Azure refused to create ${describeResource(change.resource)} before the VPN gateway; creating the VPN gateway first` });
    return true;
  }

  private async runNode(n: { planned: PlannedResource; change: Change }, secrets: { sharedKey?: string; authorizationKey?: string } | undefined): Promise<'done' | 'skipped'> {
    let change = n.change;
    const id = n.planned.key;
    if (change.action === 'wait') {
      this.event({ type: 'start', id, what: `wait for ${describeResource(n.planned)} (${change.state} in Azure)`, kind: 'wait' });
      let current: unknown;
      try {
        current = await this.waitWhileBusy(n.planned);
      } catch (e) {
        this.endFailed(id, e);
        throw e;
      }
      this.actual[id] = current;
      const again = diffResource(n.planned, current, { actual: this.actual, plan: this.plan, gatewaysExist: this.gatewaysExist() });
      if ('conflicts' in again) {
        throwConflicts(again.conflicts);
        return 'done';
      }
      if (again.action === 'noop') {
        this.event({ type: 'end', id, outcome: 'unchanged', detail: current === undefined ? 'gone' : 'in place' });
        return 'done';
      }
      if (again.action === 'create') {
        // It disappeared while we waited (a create that failed and was cleaned up): create it now,
        // with the key prepared for it if it is a connection.
        if (n.planned.kind === 'ipsecConnection' && !secrets?.sharedKey) {
          const { site, path } = this.site(n.planned.site);
          secrets = { sharedKey: await this.deps.keys.keyForNewConnection(site, path) };
        }
      }
      change = again;
    }
    if (n.planned.kind === 'erConnection' && change.action === 'create') {
      await this.circuitTask;
      const ready = await this.circuitReady(n.planned);
      if (!ready) return 'skipped';
    }
    const verb = change.action === 'create' ? 'create' : 'update';
    const what = `${verb} ${describeResource(n.planned)}${change.fields.length ? ` (${change.fields.join('; ')})` : ''}`;
    this.event({ type: 'start', id, what, kind: verb });
    try {
      this.actual[id] = await this.writeWaitingOutConflicts(change.resource, secrets);
    } catch (e) {
      this.endFailed(id, e);
      throw e;
    }
    if (n.planned.kind === 'ipsecConnection') await this.deps.keys.confirmConnection(this.site(n.planned.site).site);
    this.event({ type: 'end', id, outcome: 'done' });
    return 'done';
  }

  /** Ends an operation that threw: failed, or stopped waiting when the run was interrupted. */
  private endFailed(id: string, e: unknown): void {
    const stopped = isAbortError(e);
    this.event({
      type: 'end',
      id,
      outcome: stopped ? 'skipped' : 'failed',
      detail: stopped ? 'stopped waiting; the operation goes on in Azure and the next deploy resumes it' : e instanceof Error ? e.message.split('\n')[0] : String(e),
    });
  }

  private gatewaysExist(): boolean {
    return this.plan.resources.some((r) => (r.kind === 'vpnGateway' || r.kind === 'erGateway') && this.actual[r.key] !== undefined);
  }

  private async requireCircuit(r: PlannedResource & { kind: 'erConnection' }) {
    const circuitId = r.desired.circuitId!;
    const circuit = await this.deps.api.getCircuit(circuitId, { signal: this.signal });
    if (!circuit) {
      const field = this.plan.circuit ? 'azure.expressRoute.circuit' : 'azure.expressRoute.circuitId';
      throw new AzureError(
        'CircuitNotFound',
        `${field}: the ExpressRoute circuit ${circuitId} does not exist (or this identity cannot read it)`,
        { field, resource: circuitId, statusCode: 404 },
        this.plan.circuit ? 'run deploy again: it creates the circuit' : 'check the circuit id; a circuit in another subscription also needs azure.expressRoute.authorizationKey',
      );
    }
    return circuit;
  }

  /**
   * The circuit must be provisioned by the provider (with private peering) before a gateway connects.
   * With `circuitWait`, polls until it is (or the wait times out); else the connection waits for a later run.
   */
  private async circuitReady(r: PlannedResource & { kind: 'erConnection' }): Promise<boolean> {
    const field = this.plan.circuit ? 'azure.expressRoute.circuit' : 'azure.expressRoute.circuitId';
    let circuit = await this.requireCircuit(r);
    const ready = (c: CircuitModel) => isProviderProvisioned(c) && c.privatePeering;
    const why = (c: CircuitModel) =>
      isProviderProvisioned(c) ? `circuit ${c.name} has no Azure private peering yet` : `circuit ${c.name} is ${c.serviceProviderProvisioningState ?? 'not provisioned'} at the provider`;
    const wait = this.deps.circuitWait;
    if (!ready(circuit) && wait) {
      const id = `${r.key}:provider`;
      let last = why(circuit);
      this.event({ type: 'start', id, what: `wait for the provider to provision circuit ${circuit.name} (at most ${Math.round(wait.timeoutMs / 1000)} s)`, kind: 'wait' });
      this.event({ type: 'state', id, state: last });
      circuit = await pollUntil(this.wait, {
        first: { value: circuit },
        read: () => this.requireCircuit(r),
        done: ready,
        onValue: (c) => {
          if (why(c) !== last && !ready(c)) this.event({ type: 'state', id, state: (last = why(c)) });
        },
        timeoutMs: wait.timeoutMs,
        pollMs: wait.pollMs ?? CIRCUIT_POLL_MS,
        timedOut: (c) => c,
      });
      this.event({ type: 'end', id, outcome: ready(circuit) ? 'done' : 'skipped', detail: ready(circuit) ? 'provisioned, private peering configured' : `gave up after ${Math.round(wait.timeoutMs / 1000)} s` });
    }
    if (this.circuitReport && this.plan.circuit) this.circuitReport = { ...circuitReport(circuit, this.circuitReport.created) };
    if (ready(circuit)) return true;
    const reason = `${why(circuit)}${wait ? ` (still so after waiting ${Math.round(wait.timeoutMs / 1000)} s)` : ''}`;
    this.waiting.push({ field, what: describeResource(r), reason, key: r.key });
    this.event({ type: 'end', id: r.key, outcome: 'skipped', detail: `waiting: ${reason}` });
    return false;
  }

  /** PUTs a resource; a 409 AnotherOperationInProgress is waited out and the PUT retried. */
  private async writeWaitingOutConflicts(r: PlannedResource, secrets: { sharedKey?: string; authorizationKey?: string } | undefined): Promise<unknown> {
    let failedOperations = 0;
    const out = await retryWhileBusy(this.wait, () => writeResource(this.deps.api, this.plan.resourceGroup, r, secrets ?? {}, { signal: this.signal }), {
      onOtherFailure: async (e) => {
        if (!isTransientOperationFailure(e) || failedOperations >= MAX_OPERATION_RETRIES) throw withHubField(e, r.field);
        failedOperations++;
        this.event({ type: 'state', id: r.key, state: `operation failed in Azure (${(e as AzureError).details.azureCode}); retrying` });
        await this.wait.sleep();
      },
      onBusy: () => this.event({ type: 'state', id: r.key, state: 'waiting: another operation is in progress' }),
      waitOut: () => this.waitForQuiet(r),
      onRetry: () => this.event({ type: 'state', id: r.key, state: 'retrying' }),
      timedOut: () => stillInProgress(`${describeResource(r)}: another operation kept the gateway busy for longer than ${Math.round(this.wait.timeoutMs / 1000)} s`, r.field, RESUME_HINT),
    });
    this.writes++;
    return out;
  }

  /** Polls the resource until it is no longer busy; resolves what it is then (undefined if gone). */
  private async waitWhileBusy(r: PlannedResource): Promise<unknown> {
    let last = '';
    const stateOf = (x: { provisioningState?: string } | undefined) => x?.provisioningState ?? 'gone';
    return pollUntil(this.wait, {
      read: () => readResource(this.deps.api, this.plan.resourceGroup, r, { signal: this.signal }) as Promise<{ provisioningState?: string } | undefined>,
      done: (x) => !x || !isBusy(x.provisioningState),
      onValue: (x) => {
        if (stateOf(x) !== last) this.event({ type: 'state', id: r.key, state: stateOf(x) });
        last = stateOf(x);
      },
      timedOut: (x) => {
        throw stillInProgress(`${describeResource(r)} is still ${stateOf(x)} after ${Math.round(this.wait.timeoutMs / 1000)} s`, r.field, RESUME_HINT);
      },
    });
  }

  /** After a 409: wait until neither the resource nor any gateway of the hub is busy. */
  private async waitForQuiet(r: PlannedResource): Promise<void> {
    const watch = this.plan.resources.filter((x) => x.key === r.key || x.kind === 'vpnGateway' || x.kind === 'erGateway');
    await this.wait.sleep();
    await pollUntil(this.wait, {
      read: () => Promise.all(watch.map((x) => readResource(this.deps.api, this.plan.resourceGroup, x, { signal: this.signal }) as Promise<{ provisioningState?: string } | undefined>)),
      done: (states) => !states.some((s) => isBusy(s?.provisioningState)),
      timeoutMs: Infinity,
      timedOut: (states) => states,
    });
  }

  private async checkExistingKeys(changes: Change[]): Promise<void> {
    for (const c of changes) {
      const r = c.resource;
      if (r.kind !== 'ipsecConnection' || c.action === 'create') continue;
      const node = this.graph.tryNode(r.key);
      if (!node || node.state !== 'done' || this.actual[r.key] === undefined) continue;
      const { site, path } = this.site(r.site);
      await this.deps.keys.confirmConnection(site);
      if (!site.sharedKey) continue;
      let referenced: string | undefined;
      try {
        referenced = await this.deps.keys.referencedKey(site, path);
      } catch (e) {
        this.warn(`${path}.sharedKey`, `could not resolve the reference to compare it with the key Azure holds for ${(this.actual[r.key] as ConnectionModel).name}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const azureKey = await this.deps.api.getSharedKey(this.plan.resourceGroup, r.name, { signal: this.signal });
      if (referenced !== undefined && referenced !== azureKey) {
        this.warn(
          `${path}.sharedKey`,
          `the key this reference names differs from the key Azure holds for connection ${r.name}; Azure's key is the one in use and deploy never changes it`,
          'run tunnelsmith rotate-key to change the key, or point the reference at the key in use',
        );
      }
    }
  }

  private warn(path: string, message: string, fix?: string): void {
    this.warnings.push({ path, message, severity: 'warning', ...(fix ? { fix } : {}) });
    this.event({ type: 'note', level: 'warning', message: `${path}: ${message}${fix ? ` (${fix})` : ''}` });
  }
}

function circuitReport(c: CircuitModel, created: boolean): CircuitReport {
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

/** One line per change kind, e.g. `2 to create, 1 to update, 5 in place`. Pure. */
export function summarize(changes: readonly Change[]): string {
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  const parts = [
    [count('create'), 'to create'],
    [count('update'), 'to update'],
    [count('wait'), 'in progress in Azure'],
    [count('noop'), 'in place'],
  ].filter(([n]) => (n as number) > 0);
  return parts.map(([n, t]) => `${n} ${t}`).join(', ') || 'nothing planned';
}
