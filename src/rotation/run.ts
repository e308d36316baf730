/**
 * Runs one rotate-key action for one site: the state machine's plans, each journal record written
 * durably before Azure is touched, Azure confirmed by reading the key back until it matches and the
 * connection is Succeeded. A crash anywhere leaves a record that a re-run of the same action finishes.
 * Every Azure request is paced with the fleet (`pacing.ts`): a 429 that outlasted the SDK's retries is
 * waited out and the step run again, within the confirm timeout.
 */
import { azureCodeOf, isAnotherOperationInProgress } from '../azure/client/errors';
import { BUSY_TIMEOUT_MS } from '../azure/deploy/waiting';
import { KeyedMutex } from '../util/keyedMutex';
import { AzureError, InputError, UsageError } from '../errors';
import {
  completeApply,
  completeRollback,
  isRefusal,
  newRecord,
  planAbort,
  planApply,
  planPrepare,
  planRollback,
  summarize,
  type RotationRecord,
  type RotationState,
  type RotationSummary,
  type Step,
} from './machine';
import { currentPacing, FleetPacing, pacedCall } from '../azure/client/pacing';
import type { BundleWriter, Checkpoint, RotationEvent, RotationStore, SharedKeyApi, StagedBundleCheck, VaultSlot } from './ports';

export type RotationAction = 'prepare' | 'apply' | 'rollback' | 'status' | 'abort';

export interface RotationSite {
  site: string;
  connection: string;
  resourceGroup: string;
  /** The VPN gateway of the connection: its connections are written one at a time. */
  gateway?: string;
  /** Set when the site's `sharedKey` is a `{ keyVault }` reference. */
  vault?: VaultSlot;
}

export interface ConfirmOptions {
  /**
   * Give up waiting after this long (the journal stays in its in-progress state; a re-run goes on). Also
   * bounds how long one step keeps waiting out Azure's throttling.
   */
  timeoutMs: number;
  intervalMs: number;
}

export interface RotationDeps {
  store: RotationStore;
  /** Absent for `prepare`, `abort` and an offline `status`. */
  azure?: SharedKeyApi;
  /** Renders and writes the site's bundle with a key (`prepare`, `rollback`). */
  writeBundle?: BundleWriter;
  /**
   * `apply`: whether the staged bundle carries the prepared key (undefined when it does, else what is
   * wrong). A new key is never set on Azure while the bundle the device will get lacks it.
   */
  checkStaged?: StagedBundleCheck;
  generateKey: () => string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  confirm: ConfirmOptions;
  onEvent?: (e: RotationEvent) => void;
  /** Called after each named step; tests throw (or kill the process) here. */
  checkpoint?: (point: Checkpoint, site: string) => void | Promise<void>;
  /**
   * The fleet's pacing (Retry-After pauses, sites in flight). Default: the fleet run's this runs in
   * (`runForSites`), else one of this run's own on `now` and `sleep`.
   */
  pacing?: FleetPacing;
  /** Where sites of one gateway queue for their key change (default: this process's one queue). */
  gatewayQueue?: KeyedMutex;
  /** How long `409 AnotherOperationInProgress` is waited out (the command's --timeout; default 2 h). */
  busyTimeoutMs?: number;
}

/** The process's queue of connection writes per gateway: every rotation of this process shares it. */
const GATEWAY_QUEUE = new KeyedMutex();

/** Which of the journal's keys Azure holds, when it was asked. */
export type AzureAgreement = 'current' | 'pending' | 'previous' | 'unknown-key' | 'unreadable' | 'not-checked';

export interface SiteOutcome {
  site: string;
  action: RotationAction;
  state: RotationState;
  summary: RotationSummary;
  /** What happened, in words, without keys. */
  message: string;
  /** Set by prepare when a prepared key already existed and was kept. */
  reused?: boolean;
  /** Azure already held the target key: nothing was set. */
  alreadyInPlace?: boolean;
  connectionStatus?: string;
  azure?: AzureAgreement;
  bundleDir?: string;
  keyFile?: string;
  archive?: string;
  vaultVersion?: string;
  /** Keys for --show-secret only; the command layer drops them otherwise. */
  secrets?: { current?: string; pending?: string; previous?: string };
}

/** Runs `action` for one site. Refusals throw UsageError; Azure failures AzureError (both without keys). */
export async function runRotation(action: RotationAction, site: RotationSite, given: RotationDeps): Promise<SiteOutcome> {
  const pacing = given.pacing ?? currentPacing() ?? new FleetPacing({ maxInFlight: 1, now: () => given.now().getTime(), sleep: given.sleep });
  const deps: RotationDeps = { ...given, pacing };
  switch (action) {
    case 'prepare':
      return prepare(site, deps);
    case 'apply':
      return apply(site, deps);
    case 'rollback':
      return rollback(site, deps);
    case 'abort':
      return abort(site, deps);
    case 'status':
      return status(site, deps);
  }
}

async function load(site: RotationSite, deps: RotationDeps): Promise<RotationRecord> {
  return (await deps.store.read(site.site, site.connection)) ?? newRecord(site.site, site.connection, iso(deps));
}

async function prepare(site: RotationSite, deps: RotationDeps): Promise<SiteOutcome> {
  let record = await load(site, deps);
  if (!record.current && record.state === 'idle') {
    // The journal must know the key Azure holds before a new one is recorded: it is the rollback target.
    if (!deps.azure) throw new UsageError('CurrentKeyUnknown', `site ${site.site}: the key journal does not know the key Azure holds`, 'run prepare with Azure access so the current key can be read and kept');
    const held = await readAzureKey(deps.azure, site, deps);
    record = { ...record, current: { key: held, origin: 'azure', recordedAt: iso(deps) } };
  }
  const plan = orThrow(planPrepare(record, deps.generateKey(), iso(deps)));
  if (!plan.reused) {
    await deps.store.write(plan.record);
    emit(deps, site, 'journal', 'new key recorded (fsynced, mode 0600)');
  } else {
    emit(deps, site, 'journal', 'a prepared key exists; keeping it');
  }
  await deps.checkpoint?.('prepare:journal-written', site.site);
  const pending = plan.record.pending?.key as string;
  const written = deps.writeBundle ? await deps.writeBundle(site.site, pending) : undefined;
  if (written) emit(deps, site, 'bundle', `written to ${written.dir}`);
  await deps.checkpoint?.('prepare:bundle-written', site.site);
  return {
    ...outcome('prepare', plan.record, plan.reused ? 'already prepared; bundle written again with the same new key' : 'new key prepared; Azure is unchanged until apply'),
    reused: plan.reused,
    ...bundleFields(written),
    secrets: { pending },
  };
}

async function apply(site: RotationSite, deps: RotationDeps): Promise<SiteOutcome> {
  const azure = needAzure(deps);
  const record = await deps.store.read(site.site, site.connection);
  if (!record) throw new UsageError('NothingPrepared', `site ${site.site}: no new key is prepared`, 'run rotate-key prepare first and stage the bundle it writes');
  orThrow(planApply(record, undefined, iso(deps))); // a refusal needs no Azure call
  if (record.state === 'prepared' && record.pending && deps.checkStaged) {
    // Once applying, Azure may hold the new key already: then finishing is the only safe way on.
    const wrong = await deps.checkStaged(site.site, record.pending.key);
    if (wrong !== undefined) {
      throw new InputError(
        'StagedBundleStale',
        `site ${site.site}: the staged bundle ${wrong}; the new key was not set on Azure`,
        [],
        `run tunnelsmith rotate-key prepare --site ${site.site} again (it keeps the prepared key and writes the bundle), stage that bundle, then apply (pass --out if the staged bundle is elsewhere)`,
      );
    }
  }
  // One connection of a gateway is written at a time (Azure answers 409 to a sibling meanwhile).
  const { plan, status } = await inGatewayQueue(site, deps, async () => {
    await waitUntilSettled(azure, site, deps);
    const azureKey = await readAzureKey(azure, site, deps);
    const plan = orThrow(planApply(record, azureKey, iso(deps)));
    if (plan.record !== record) {
      await deps.store.write(plan.record);
      emit(deps, site, 'journal', 'marked applying');
    }
    await deps.checkpoint?.('apply:journal-applying', site.site);
    if (plan.action.kind === 'set') {
      emit(deps, site, 'azure', `setting the new key on connection ${site.connection}`);
      await setKey(azure, site, plan.action.key, deps);
    }
    await deps.checkpoint?.('apply:key-set', site.site);
    const status = await confirmKey(azure, site, plan.action.key, deps);
    await deps.checkpoint?.('apply:confirmed', site.site);
    return { plan, status };
  });
  const done = completeApply(plan.record, iso(deps));
  if (done !== plan.record) await deps.store.write(done);
  await deps.checkpoint?.('apply:journal-applied', site.site);
  const vaultVersion = await storeInVault(site, plan.action.key, 'applied', deps);
  await deps.checkpoint?.('apply:vault-stored', site.site);
  return {
    ...outcome('apply', done, plan.action.kind === 'confirm' ? 'Azure already held the new key; confirmed' : 'new key set on Azure and confirmed'),
    alreadyInPlace: plan.action.kind === 'confirm',
    azure: 'current',
    ...(status ? { connectionStatus: status } : {}),
    ...(vaultVersion ? { vaultVersion } : {}),
  };
}

async function rollback(site: RotationSite, deps: RotationDeps): Promise<SiteOutcome> {
  const azure = needAzure(deps);
  const record = await deps.store.read(site.site, site.connection);
  if (!record) throw new UsageError('NothingToRollBack', `site ${site.site}: the key journal has no rotation for this site`, 'run rotate-key status');
  orThrow(planRollback(record, undefined, iso(deps))); // a refusal needs no Azure call
  const { plan, status } = await inGatewayQueue(site, deps, async () => {
    await waitUntilSettled(azure, site, deps);
    const azureKey = await readAzureKey(azure, site, deps);
    const plan = orThrow(planRollback(record, azureKey, iso(deps)));
    if (plan.record !== record) {
      await deps.store.write(plan.record);
      emit(deps, site, 'journal', 'marked rolling-back');
    }
    await deps.checkpoint?.('rollback:journal-rolling-back', site.site);
    if (plan.action.kind === 'set') {
      emit(deps, site, 'azure', `setting the previous key back on connection ${site.connection}`);
      await setKey(azure, site, plan.action.key, deps);
    }
    await deps.checkpoint?.('rollback:key-set', site.site);
    const status = await confirmKey(azure, site, plan.action.key, deps);
    await deps.checkpoint?.('rollback:confirmed', site.site);
    return { plan, status };
  });
  const done = completeRollback(plan.record, iso(deps));
  if (done !== plan.record) await deps.store.write(done);
  await deps.checkpoint?.('rollback:journal-rolled-back', site.site);
  const vaultVersion = await storeInVault(site, plan.action.key, 'rolled-back', deps);
  await deps.checkpoint?.('rollback:vault-stored', site.site);
  const written = deps.writeBundle ? await deps.writeBundle(site.site, plan.action.key) : undefined;
  if (written) emit(deps, site, 'bundle', `written to ${written.dir}`);
  await deps.checkpoint?.('rollback:bundle-written', site.site);
  return {
    ...outcome('rollback', done, plan.action.kind === 'confirm' ? 'Azure already held the previous key; confirmed' : 'previous key set back on Azure and confirmed'),
    alreadyInPlace: plan.action.kind === 'confirm',
    azure: 'current',
    ...(status ? { connectionStatus: status } : {}),
    ...(vaultVersion ? { vaultVersion } : {}),
    ...bundleFields(written),
  };
}

async function abort(site: RotationSite, deps: RotationDeps): Promise<SiteOutcome> {
  const record = await load(site, deps);
  const plan = orThrow(planAbort(record, iso(deps)));
  if (plan.dropped) {
    await deps.store.write(plan.record);
    emit(deps, site, 'journal', 'prepared key dropped');
  }
  await deps.checkpoint?.('abort:journal-written', site.site);
  return outcome('abort', plan.record, plan.dropped ? 'prepared key dropped; Azure was never changed' : `nothing to abort (state ${plan.record.state})`);
}

async function status(site: RotationSite, deps: RotationDeps): Promise<SiteOutcome> {
  const record = await load(site, deps);
  let agreement: AzureAgreement = 'not-checked';
  let connectionStatus: string | undefined;
  if (deps.azure) {
    const azure = deps.azure;
    try {
      const key = await readAzureKey(azure, site, deps);
      agreement = key === record.current?.key ? 'current' : key === record.pending?.key ? 'pending' : key === record.previous?.key ? 'previous' : 'unknown-key';
      connectionStatus = (await paced(deps, site, 'read connection', () => azure.getConnection(site.resourceGroup, site.connection)))?.connectionStatus;
    } catch {
      agreement = 'unreadable';
    }
  }
  return {
    ...outcome('status', record, describeState(record, agreement)),
    azure: agreement,
    ...(connectionStatus ? { connectionStatus } : {}),
    secrets: {
      ...(record.current ? { current: record.current.key } : {}),
      ...(record.pending ? { pending: record.pending.key } : {}),
      ...(record.previous ? { previous: record.previous.key } : {}),
    },
  };
}

/**
 * Waits while the connection is Updating (a key change an interrupted run started may still be running
 * in Azure): a write now would be refused, and the key read now may be about to change.
 */
async function waitUntilSettled(azure: SharedKeyApi, site: RotationSite, deps: RotationDeps): Promise<void> {
  const start = deps.now().getTime();
  for (;;) {
    const cn = await paced(deps, site, 'read connection', () => azure.getConnection(site.resourceGroup, site.connection));
    if (!cn) throw new AzureError('ConnectionNotFound', `connection ${site.connection} does not exist in resource group ${site.resourceGroup}`, { resource: site.connection }, 'deploy the hub first (tunnelsmith deploy)');
    const state = cn.provisioningState?.toLowerCase();
    if (state !== 'updating' && state !== 'creating') return;
    if (deps.now().getTime() - start >= deps.confirm.timeoutMs) {
      throw new AzureError('ConnectionBusy', `connection ${site.connection} is still ${cn.provisioningState}`, { resource: site.connection }, 'wait for the running operation to end, then run the same rotate-key action again');
    }
    emit(deps, site, 'azure', `waiting: connection ${cn.provisioningState}`);
    await deps.sleep(deps.confirm.intervalMs);
  }
}

/** Reads Azure's key; a connection that cannot be read is an error naming the connection. */
async function readAzureKey(azure: SharedKeyApi, site: RotationSite, deps: RotationDeps): Promise<string> {
  return paced(deps, site, 'read key', () => azure.getSharedKey(site.resourceGroup, site.connection));
}

/**
 * Sets `key` on the connection. After a 429 it never sends the set-key again blindly: the throttled
 * answer may have been a poll of a set-key Azure accepted, so it waits until the connection settles and
 * reads the key back; only a connection that does not hold `key` gets it again (the same key).
 */
async function setKey(azure: SharedKeyApi, site: RotationSite, key: string, deps: RotationDeps): Promise<void> {
  const started = deps.now().getTime();
  const timeoutMs = deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      await paced(deps, site, 'set key', async (attempt) => {
        if (attempt > 0) {
          await waitUntilSettled(azure, site, deps);
          if ((await readAzureKey(azure, site, deps)) === key) {
            emit(deps, site, 'azure', 'Azure holds the key already (the throttled set-key had reached it)');
            return;
          }
        }
        await azure.setSharedKey(site.resourceGroup, site.connection, key);
      });
      return;
    } catch (e) {
      // Another operation on the gateway or the connection (someone else's): Azure did not take this
      // set-key; wait, then send it again.
      if (!isAnotherOperationInProgress(e)) throw e;
      const waited = deps.now().getTime() - started;
      if (waited >= timeoutMs) {
        throw new AzureError(
          'OperationStillInProgress',
          `connection ${site.connection}: Azure kept answering 409 AnotherOperationInProgress for ${Math.round(waited / 1000)} s (another operation on ${site.gateway ? `gateway ${site.gateway}` : 'the gateway'} or the connection); the key was not set`,
          { statusCode: 409, azureCode: 'AnotherOperationInProgress', resource: site.connection },
          'run the same rotate-key action again once the other operation has ended (or with a longer --timeout): the journal says where it stopped',
          { cause: e },
        );
      }
      emit(deps, site, 'azure', `set key: another operation is in progress on ${site.gateway ? `gateway ${site.gateway}` : 'the gateway'} or the connection (409); waiting, then again`);
      await deps.sleep(Math.max(deps.confirm.intervalMs, 100));
      await waitUntilSettled(azure, site, deps);
      if ((await readAzureKey(azure, site, deps)) === key) return;
    }
  }
}

/** Runs `task` in the queue of the site's gateway (one connection write at a time); at once when the gateway is not known. */
function inGatewayQueue<T>(site: RotationSite, deps: RotationDeps, task: () => Promise<T>): Promise<T> {
  if (!site.gateway) return task();
  const queue = deps.gatewayQueue ?? GATEWAY_QUEUE;
  return queue.run(`${site.resourceGroup.toLowerCase()}/${site.gateway.toLowerCase()}`, task, () => emit(deps, site, 'azure', `queued: Azure writes the connections of gateway ${site.gateway} one at a time`));
}

/**
 * Reads the connection until it is Succeeded and then the key, until it is `key` (set-key can return
 * while the connection is still Updating; the key is read only once the connection settled, which
 * spares requests under throttling). Resolves the connection status. On timeout the journal is left as
 * it is: a re-run confirms again.
 */
async function confirmKey(azure: SharedKeyApi, site: RotationSite, key: string, deps: RotationDeps): Promise<string | undefined> {
  const start = deps.now().getTime();
  let lastState = 'unknown';
  for (;;) {
    const cn = await paced(deps, site, 'read connection', () => azure.getConnection(site.resourceGroup, site.connection));
    const state = cn?.provisioningState?.toLowerCase();
    if (state === 'failed') {
      throw new AzureError('ConnectionFailed', `connection ${site.connection} is in state Failed after the key change`, { resource: site.connection }, 'check the connection in Azure, then run the same rotate-key action again');
    }
    if (state === 'succeeded') {
      if ((await readAzureKey(azure, site, deps)) === key) {
        emit(deps, site, 'azure', 'key confirmed by read-back; connection Succeeded');
        return cn?.connectionStatus;
      }
      lastState = 'Azure does not hold the key yet';
    } else {
      lastState = `connection ${cn ? (cn.provisioningState ?? 'in no state') : 'missing'}`;
    }
    if (deps.now().getTime() - start >= deps.confirm.timeoutMs) {
      throw new AzureError(
        'KeyNotConfirmed',
        `connection ${site.connection}: the key change was not confirmed within ${Math.round(deps.confirm.timeoutMs / 1000)} s (${lastState})`,
        { resource: site.connection },
        'run the same rotate-key action again: it picks up where this one stopped',
      );
    }
    emit(deps, site, 'azure', `waiting: ${lastState}`);
    await deps.sleep(deps.confirm.intervalMs);
  }
}

async function storeInVault(site: RotationSite, key: string, state: string, deps: RotationDeps): Promise<string | undefined> {
  if (!site.vault) return undefined;
  const latest = await site.vault.readLatest();
  if (latest === key) return undefined;
  const version = await site.vault.storeVersion(key, { 'managed-by': 'tunnelsmith', connection: site.connection, 'rotation-state': state });
  emit(deps, site, 'keyvault', `new version stored in ${site.vault.label}`);
  return version;
}

/**
 * One Azure request of a step, sent only when no Retry-After the fleet was given is pending. A 429 that
 * outlasted the SDK's own retries pauses the fleet for at least its Retry-After (and halves the sites in
 * flight); then `attempt` runs again, for at most `confirm.timeoutMs` after the step's first 429.
 * `attempt` gets its number: one after a 429 must be safe to repeat.
 */
async function paced<T>(deps: RotationDeps, site: RotationSite, what: string, attempt: (n: number) => Promise<T>): Promise<T> {
  return pacedCall(
    {
      pacing: deps.pacing as FleetPacing,
      now: () => deps.now().getTime(),
      sleep: deps.sleep,
      throttleTimeoutMs: deps.confirm.timeoutMs,
      giveUp: (e, _reason, forMs) => stillThrottled(e, site, what, forMs),
      onWait: (w) => {
        const why = w.asked ? 'as Azure asked (Retry-After)' : 'no Retry-After; backing off';
        emit(deps, site, 'azure', `${what}: throttled (429) past the SDK's retries; waiting ${seconds(w.waitMs)} s ${why}, then again; ${w.sitesInFlight} site(s) at a time`);
      },
    },
    attempt,
  );
}

function stillThrottled(e: unknown, site: RotationSite, what: string, forMs: number): AzureError {
  return new AzureError(
    'AzureThrottled',
    `connection ${site.connection}: ${what}: Azure kept throttling (429) for ${seconds(forMs)} s, past the SDK's retries and the confirm timeout`,
    { statusCode: 429, resource: site.connection, ...(azureCodeOf(e) ? { azureCode: azureCodeOf(e) } : {}) },
    'run the same rotate-key action again later (or with a lower --concurrency): the journal says where it stopped',
    { cause: e },
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}

function describeState(record: RotationRecord, azure: AzureAgreement): string {
  const agree = azure === 'not-checked' ? '' : azure === 'unreadable' ? '; Azure could not be read' : `; Azure holds ${azure === 'unknown-key' ? 'a key the journal does not know' : `the ${azure} key`}`;
  const next: Record<RotationState, string> = {
    idle: 'no rotation in progress',
    prepared: 'new key prepared: stage the bundle, then rotate-key apply in the maintenance window (or abort)',
    applying: 'apply started but not confirmed: run rotate-key apply again to finish (or rollback)',
    applied: `new key applied${record.previous ? '; previous key kept for rollback' : ''}`,
    'rolling-back': 'rollback started but not confirmed: run rotate-key rollback again to finish',
    'rolled-back': 'rolled back to the previous key',
  };
  return `${next[record.state]}${agree}`;
}

function outcome(action: RotationAction, record: RotationRecord, message: string): SiteOutcome {
  return { site: record.site, action, state: record.state, summary: summarize(record), message };
}

function bundleFields(w: { dir: string; keyFile?: string; archive?: string } | undefined): Partial<SiteOutcome> {
  if (!w) return {};
  return { bundleDir: w.dir, ...(w.keyFile ? { keyFile: w.keyFile } : {}), ...(w.archive ? { archive: w.archive } : {}) };
}

function orThrow<T>(step: Step<T>): T {
  if (isRefusal(step)) throw new UsageError(step.code, step.message, step.hint);
  return step;
}

function needAzure(deps: RotationDeps): SharedKeyApi {
  if (!deps.azure) throw new UsageError('AzureNeeded', 'this action talks to Azure but no Azure connection was set up', 'pass the Azure options (--arm-endpoint, credentials)');
  return deps.azure;
}

function emit(deps: RotationDeps, site: RotationSite, step: string, detail?: string): void {
  deps.onEvent?.({ site: site.site, step, ...(detail ? { detail } : {}) });
}

function iso(deps: RotationDeps): string {
  return deps.now().toISOString();
}
