/**
 * The rotation state machine, pure: what each `rotate-key` action does to a connection's journal record,
 * given what Azure holds. No I/O; the runner (`run.ts`) writes each returned record durably before it
 * touches Azure, so a crash at any point leaves a record that says exactly what a re-run must do.
 *
 *   idle --prepare--> prepared --apply--> applying --(Azure confirmed)--> applied
 *   prepared --abort--> (the state before prepare)
 *   applying | applied --rollback--> rolling-back --(Azure confirmed)--> rolled-back
 *   applied | rolled-back | idle --prepare--> prepared (the next rotation)
 *
 * The previous key is kept until the next rotation is applied, so the on-prem team can always roll back.
 */
import type { KeyOrigin } from '../hub/sharedKey';

export const ROTATION_STATES = ['idle', 'prepared', 'applying', 'applied', 'rolling-back', 'rolled-back'] as const;
export type RotationState = (typeof ROTATION_STATES)[number];

export interface KeyVersion {
  key: string;
  origin: KeyOrigin;
  /** ISO time the journal first recorded this key. */
  recordedAt: string;
}

/** One connection's rotation record (the rotation part of its key-journal entry). */
export interface RotationRecord {
  site: string;
  connection: string;
  state: RotationState;
  /**
   * The key Azure holds, as last confirmed or read (absent before anything was read). While
   * `rolling-back`: the key being rolled back from.
   */
  current?: KeyVersion;
  /** The key Azure held before the last completed rotation or rollback; kept until the next one. */
  previous?: KeyVersion;
  /** `prepared`/`applying`: the new key. `rolling-back`: the key being restored. */
  pending?: KeyVersion;
  /** The state `abort` returns to. */
  preparedFrom?: RotationState;
  /** ISO time of the last change. */
  updatedAt: string;
}

/** A refused action: the state does not allow it. Messages never hold a key. */
export interface Refusal {
  refused: true;
  code: string;
  message: string;
  hint: string;
}

export type Step<T> = T | Refusal;

export function isRefusal<T>(s: Step<T>): s is Refusal {
  return typeof s === 'object' && s !== null && (s as Refusal).refused === true;
}

function refuse(code: string, message: string, hint: string): Refusal {
  return { refused: true, code, message, hint };
}

/** A fresh record for a connection the journal does not know yet. */
export function newRecord(site: string, connection: string, now: string): RotationRecord {
  return { site, connection, state: 'idle', updatedAt: now };
}

export interface PrepareResult {
  record: RotationRecord;
  /** The record already held a prepared key: it is kept (re-running prepare never replaces it). */
  reused: boolean;
}

/** `prepare`: record a new key as pending. A second prepare keeps the first key (the bundle may be staged). */
export function planPrepare(record: RotationRecord, newKey: string, now: string): Step<PrepareResult> {
  switch (record.state) {
    case 'prepared':
      return { record, reused: true };
    case 'applying':
      return refuse('RotationInProgress', `site ${record.site}: a rotation is being applied`, 'finish it with rotate-key apply (or go back with rotate-key rollback)');
    case 'rolling-back':
      return refuse('RollbackInProgress', `site ${record.site}: a rollback is in progress`, 'finish it with rotate-key rollback');
    default:
      return {
        record: { ...record, state: 'prepared', pending: { key: newKey, origin: 'rotation', recordedAt: now }, preparedFrom: record.state, updatedAt: now },
        reused: false,
      };
  }
}

/** What the runner must do next against Azure. */
export type AzureAction =
  /** Set `key` on the connection, then confirm it. */
  | { kind: 'set'; key: string }
  /** Azure already holds `key`: only confirm it (read back, Succeeded). */
  | { kind: 'confirm'; key: string };

export interface ActionPlan {
  /** Write this record (durably) before touching Azure. */
  record: RotationRecord;
  action: AzureAction;
}

/**
 * `apply`, given the key Azure holds now (undefined when it could not be read). The key Azure holds is
 * recorded as `current` before the set, so whatever Azure held is never lost.
 */
export function planApply(record: RotationRecord, azureKey: string | undefined, now: string): Step<ActionPlan> {
  switch (record.state) {
    case 'prepared':
    case 'applying': {
      const pending = record.pending;
      if (!pending) return refuse('JournalCorrupt', `site ${record.site}: the journal says ${record.state} but holds no new key`, 'run rotate-key abort, then prepare again');
      const current = adoptAzureKey(record.current, azureKey, pending.key, now);
      const next: RotationRecord = { ...record, state: 'applying', ...(current ? { current } : {}), updatedAt: now };
      return { record: next, action: azureKey === pending.key ? { kind: 'confirm', key: pending.key } : { kind: 'set', key: pending.key } };
    }
    case 'applied': {
      if (!record.current) return refuse('JournalCorrupt', `site ${record.site}: the journal says applied but holds no key`, 'run rotate-key status, then prepare a new rotation');
      // A re-run after the journal was marked done: make sure Azure still agrees.
      return { record, action: azureKey === record.current.key ? { kind: 'confirm', key: record.current.key } : { kind: 'set', key: record.current.key } };
    }
    case 'rolling-back':
      return refuse('RollbackInProgress', `site ${record.site}: a rollback is in progress`, 'finish it with rotate-key rollback');
    default:
      return refuse('NothingPrepared', `site ${record.site}: no new key is prepared (state ${record.state})`, 'run rotate-key prepare first and stage the bundle it writes');
  }
}

/** Azure confirmed the new key: it becomes current, the one before it previous. */
export function completeApply(record: RotationRecord, now: string): RotationRecord {
  if (record.state !== 'applying' || !record.pending) return record;
  const { pending, preparedFrom: _dropped, ...rest } = record;
  return {
    ...rest,
    state: 'applied',
    current: pending,
    ...(record.current && record.current.key !== pending.key ? { previous: record.current } : record.previous ? { previous: record.previous } : {}),
    updatedAt: now,
  };
}

/**
 * `rollback`, given the key Azure holds now. From `applied` (or `rolled-back` re-run) the previous key is
 * restored; from `applying` (apply failed or was cut short) the key Azure held before is restored.
 */
export function planRollback(record: RotationRecord, azureKey: string | undefined, now: string): Step<ActionPlan> {
  switch (record.state) {
    case 'applied': {
      if (!record.previous) return refuse('NoPreviousKey', `site ${record.site}: the journal holds no previous key to roll back to`, 'prepare and apply a new rotation instead');
      const target: KeyVersion = { ...record.previous };
      // A key Azure holds that the journal does not know (set by hand) is recorded, never dropped.
      const current = azureKey !== undefined && azureKey !== target.key && azureKey !== record.current?.key ? { key: azureKey, origin: 'azure' as const, recordedAt: now } : record.current;
      const next: RotationRecord = { ...record, state: 'rolling-back', pending: target, ...(current ? { current } : {}), updatedAt: now };
      return { record: next, action: actionFor(azureKey, target.key) };
    }
    case 'applying': {
      if (!record.current) return refuse('NoPreviousKey', `site ${record.site}: the journal does not know the key Azure held before`, 'finish the rotation with rotate-key apply');
      const target: KeyVersion = { ...record.current };
      // The abandoned new key stays as `previous`: Azure may have held it for a moment.
      const abandoned = record.pending;
      const next: RotationRecord = { ...record, state: 'rolling-back', pending: target, ...(abandoned ? { current: abandoned } : {}), updatedAt: now };
      return { record: next, action: actionFor(azureKey, target.key) };
    }
    case 'rolling-back': {
      if (!record.pending) return refuse('JournalCorrupt', `site ${record.site}: the journal says rolling-back but holds no key to restore`, 'run rotate-key status and contact the maintainers');
      return { record, action: actionFor(azureKey, record.pending.key) };
    }
    case 'rolled-back': {
      if (!record.current) return refuse('JournalCorrupt', `site ${record.site}: the journal says rolled-back but holds no key`, 'run rotate-key status');
      return { record, action: actionFor(azureKey, record.current.key) };
    }
    case 'prepared':
      return refuse('NothingApplied', `site ${record.site}: the new key was prepared but never applied`, 'drop it with rotate-key abort; Azure still holds the old key');
    default:
      return refuse('NothingToRollBack', `site ${record.site}: no rotation to roll back (state ${record.state})`, 'run rotate-key status');
  }
}

/** Azure confirmed the restored key: it becomes current; the key rolled back from is kept as previous. */
export function completeRollback(record: RotationRecord, now: string): RotationRecord {
  if (record.state !== 'rolling-back' || !record.pending) return record;
  const { pending, preparedFrom: _dropped, ...rest } = record;
  return {
    ...rest,
    state: 'rolled-back',
    current: pending,
    ...(record.current && record.current.key !== pending.key ? { previous: record.current } : record.previous ? { previous: record.previous } : {}),
    updatedAt: now,
  };
}

export interface AbortResult {
  record: RotationRecord;
  /** False when there was nothing to abort (e.g. a re-run after a completed abort). */
  dropped: boolean;
}

/** `abort`: drop a prepared key that was never applied. */
export function planAbort(record: RotationRecord, now: string): Step<AbortResult> {
  switch (record.state) {
    case 'prepared': {
      const { pending: _pending, preparedFrom, ...rest } = record;
      return { record: { ...rest, state: preparedFrom ?? 'idle', updatedAt: now }, dropped: true };
    }
    case 'applying':
      return refuse('RotationInProgress', `site ${record.site}: the new key is being applied and Azure may hold it already`, 'finish with rotate-key apply, or go back with rotate-key rollback');
    case 'rolling-back':
      return refuse('RollbackInProgress', `site ${record.site}: a rollback is in progress`, 'finish it with rotate-key rollback');
    default:
      return { record, dropped: false };
  }
}

function actionFor(azureKey: string | undefined, target: string): AzureAction {
  return azureKey === target ? { kind: 'confirm', key: target } : { kind: 'set', key: target };
}

/** Azure is the truth: whatever it holds (when it is not the new key) becomes the recorded current key. */
function adoptAzureKey(current: KeyVersion | undefined, azureKey: string | undefined, pendingKey: string, now: string): KeyVersion | undefined {
  if (azureKey === undefined || azureKey === pendingKey) return current;
  if (current && current.key === azureKey) return current;
  return { key: azureKey, origin: 'azure', recordedAt: now };
}

/** The keys a record holds, newest first (for searches and for "no key lost" checks). */
export function keysOf(record: RotationRecord): string[] {
  return [record.pending, record.current, record.previous].filter((k): k is KeyVersion => k !== undefined).map((k) => k.key);
}

/** The record without keys: what status and --json show. */
export interface RotationSummary {
  site: string;
  connection: string;
  state: RotationState;
  currentOrigin?: KeyOrigin;
  hasPrevious: boolean;
  hasPending: boolean;
  updatedAt: string;
}

export function summarize(record: RotationRecord): RotationSummary {
  return {
    site: record.site,
    connection: record.connection,
    state: record.state,
    ...(record.current ? { currentOrigin: record.current.origin } : {}),
    hasPrevious: record.previous !== undefined,
    hasPending: record.pending !== undefined,
    updatedAt: record.updatedAt,
  };
}
