/**
 * The key journal (hub-file.md, "Which shared key is the real one"): beside the hub file in
 * `.tunnelsmith/keys/` (mode 0700), one JSON file per connection (mode 0600) holding the current key,
 * its origin and its state. Written by temporary file + fsync + rename + folder fsync, so a crash leaves
 * the old entry or the new one, never a torn file. `deploy` writes the first entry (a generated key is
 * journaled BEFORE the connection is created with it); `rotate-key` adds `previous`/`pending`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { KeyOrigin } from '../hub/sharedKey';
import { ensureDir, writeFileAtomic } from './atomicWrite';
import { readFileNoFollow, refuseLink } from './noFollow';

const MAX_ENTRY_BYTES = 1024 * 1024;

export const KEY_JOURNAL_VERSION = 1 as const;

/**
 * `pending`: journaled, not yet confirmed in Azure (the connection PUT may not have happened);
 * `active`: the key Azure holds for the connection; `retired`: replaced by a rotation.
 */
export type KeyState = 'pending' | 'active' | 'retired';

export interface KeyRecord {
  key: string;
  origin: KeyOrigin;
  state: KeyState;
  /** ISO time the record was written. */
  since: string;
}

export interface KeyJournalEntry {
  version: typeof KEY_JOURNAL_VERSION;
  /** `<resourceGroup>/<vnet>`. */
  hub: string;
  site: string;
  connectionName: string;
  current: KeyRecord;
  /** Rotation: the key being replaced (kept until the device confirms the new one). */
  previous?: KeyRecord;
  /** Rotation: the key about to be set. */
  pending?: KeyRecord;
}

/** `<dir of the hub file>/.tunnelsmith/keys`. */
export function keyJournalDir(hubFile: string): string {
  return path.join(path.dirname(path.resolve(hubFile)), '.tunnelsmith', 'keys');
}

/** One file per connection of one hub: `<resourceGroup>+<connection>.json` (`+` is in no Azure name). */
export function keyJournalFile(dir: string, hubId: string, connectionName: string): string {
  const rg = hubId.split('/')[0];
  return path.join(dir, `${rg}+${connectionName}.json`);
}

/** Reads the entry for a connection; undefined when there is none. A damaged file is an InputError. */
export async function readKeyJournal(dir: string, hubId: string, connectionName: string): Promise<KeyJournalEntry | undefined> {
  const file = keyJournalFile(dir, hubId, connectionName);
  refuseJournalLinks(dir);
  let text: string;
  try {
    const buf = readFileNoFollow(file, { maxBytes: MAX_ENTRY_BYTES });
    if (buf === undefined) return undefined;
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError('KeyJournalUnreadable', `cannot read the key journal ${file}: ${(e as Error).message}`, [], 'check the file permissions');
  }
  const entry = parseEntry(text);
  if (!entry || entry.hub !== hubId || entry.connectionName !== connectionName) {
    throw new InputError(
      'KeyJournalDamaged',
      `the key journal ${file} is not a valid entry for connection ${connectionName} of ${hubId}`,
      [],
      'restore it from a backup, or move it away: Azure still holds the key (tunnelsmith facts --include-secrets reads it)',
    );
  }
  return entry;
}

function parseEntry(text: string): KeyJournalEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Partial<KeyJournalEntry>;
  const okRecord = (r: unknown) =>
    typeof r === 'object' && r !== null && typeof (r as KeyRecord).key === 'string' && typeof (r as KeyRecord).origin === 'string' && typeof (r as KeyRecord).state === 'string';
  if (e.version !== KEY_JOURNAL_VERSION || typeof e.hub !== 'string' || typeof e.site !== 'string' || typeof e.connectionName !== 'string') return undefined;
  if (!okRecord(e.current)) return undefined;
  if (e.previous !== undefined && !okRecord(e.previous)) return undefined;
  if (e.pending !== undefined && !okRecord(e.pending)) return undefined;
  return e as KeyJournalEntry;
}

/**
 * The journal's folders are never links: a planted `.tunnelsmith` or `keys` link would send keys (or
 * read them) elsewhere.
 */
function refuseJournalLinks(dir: string): void {
  refuseLink(path.dirname(dir));
  refuseLink(dir);
}

/**
 * Writes (replaces) the entry durably: 0700 folders (an existing one is tightened; a link is refused),
 * 0600 file written by temporary file (never following a link) + rename, fsync of file and folder.
 */
export async function writeKeyJournal(dir: string, entry: KeyJournalEntry): Promise<string> {
  await ensureDir(path.dirname(dir), 0o700);
  await ensureDir(dir, 0o700);
  const file = keyJournalFile(dir, entry.hub, entry.connectionName);
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, durable: true });
  return file;
}

/** Every entry of the folder that belongs to the hub (for rotation and status). */
export async function listKeyJournal(dir: string, hubId: string): Promise<KeyJournalEntry[]> {
  refuseJournalLinks(dir);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const rg = hubId.split('/')[0];
  const out: KeyJournalEntry[] = [];
  for (const n of names.filter((x) => x.startsWith(`${rg}+`) && x.endsWith('.json')).sort()) {
    const buf = readFileNoFollow(path.join(dir, n), { maxBytes: MAX_ENTRY_BYTES });
    const entry = buf === undefined ? undefined : parseEntry(buf.toString('utf8'));
    if (entry && entry.hub === hubId) out.push(entry);
  }
  return out;
}
