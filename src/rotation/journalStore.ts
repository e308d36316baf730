/**
 * The rotation store on the key journal (`src/io/keyJournal.ts`): a rotation record is the journal entry's
 * `current`/`previous`/`pending` keys plus an additive `rotation` field (state, the state abort returns to,
 * time of the last change). Entries written by deploy (no `rotation` field) read as `idle`.
 */
import { readKeyJournal, writeKeyJournal, type KeyJournalEntry, type KeyRecord } from '../io/keyJournal';
import type { KeyVersion, RotationRecord, RotationState } from './machine';
import { ROTATION_STATES } from './machine';
import type { RotationStore } from './ports';

/** The journal entry as rotation writes it: the base entry plus the rotation's own state. */
export type RotationJournalEntry = KeyJournalEntry & {
  rotation?: { state: RotationState; preparedFrom?: RotationState; updatedAt: string };
};

export function createJournalRotationStore(journalDir: string, hubId: string): RotationStore {
  return {
    async read(_site, connection) {
      const entry = (await readKeyJournal(journalDir, hubId, connection)) as RotationJournalEntry | undefined;
      return entry ? recordFromEntry(entry) : undefined;
    },
    async write(record) {
      await writeKeyJournal(journalDir, entryFromRecord(record, hubId));
    },
  };
}

/** Journal entry -> rotation record. Pure. */
export function recordFromEntry(entry: RotationJournalEntry): RotationRecord {
  const state: RotationState = entry.rotation && ROTATION_STATES.includes(entry.rotation.state) ? entry.rotation.state : entry.pending ? 'prepared' : 'idle';
  const preparedFrom = entry.rotation?.preparedFrom;
  // A deploy entry whose key never reached Azure (state pending) is still the best knowledge of the key.
  return {
    site: entry.site,
    connection: entry.connectionName,
    state,
    current: version(entry.current),
    ...(entry.previous ? { previous: version(entry.previous) } : {}),
    ...(entry.pending ? { pending: version(entry.pending) } : {}),
    ...(preparedFrom ? { preparedFrom } : {}),
    updatedAt: entry.rotation?.updatedAt ?? entry.current.since,
  };
}

/**
 * Rotation record -> journal entry. Pure. A record always has a current key by the time it is written
 * (prepare reads the key Azure holds first when the journal has none).
 */
export function entryFromRecord(record: RotationRecord, hubId: string): RotationJournalEntry {
  if (!record.current) throw new Error(`rotation record of ${record.connection} has no current key`);
  return {
    version: 1,
    hub: hubId,
    site: record.site,
    connectionName: record.connection,
    current: keyRecord(record.current, 'active'),
    ...(record.previous ? { previous: keyRecord(record.previous, 'retired') } : {}),
    ...(record.pending ? { pending: keyRecord(record.pending, 'pending') } : {}),
    rotation: { state: record.state, ...(record.preparedFrom ? { preparedFrom: record.preparedFrom } : {}), updatedAt: record.updatedAt },
  };
}

function version(r: KeyRecord): KeyVersion {
  return { key: r.key, origin: r.origin, recordedAt: r.since };
}

function keyRecord(v: KeyVersion, state: KeyRecord['state']): KeyRecord {
  return { key: v.key, origin: v.origin, state, since: v.recordedAt };
}
