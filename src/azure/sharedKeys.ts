/**
 * Shared keys at connection creation (hub-file.md, "Which shared key is the real one"): the site's
 * reference when it has one, else a generated key; either is written to the key journal BEFORE the
 * connection PUT, so a crash between the two never loses the key Azure may end up holding.
 * An existing connection's key is never changed here.
 */
import { InputError, type Problem } from '../errors';
import { generateSharedKey } from '../hub/sharedKey';
import type { Site } from '../hub/types';
import type { ResolveSecret, SharedKeyStore } from './deploy/keyStore';
import { readKeyJournal, writeKeyJournal, type KeyJournalEntry } from '../io/keyJournal';

export interface JournalKeyStoreOptions {
  journalDir: string;
  hubId: string;
  resolveSecret: ResolveSecret;
  generate?: () => string;
  now?: () => Date;
  /**
   * Checks a referenced key before it is used (Azure's rules and the site device's unsafe characters);
   * problems with severity error stop the deploy before anything is written.
   */
  checkKey?: (site: Site, key: string, where: string) => Problem[];
}

/** The key store backed by the key journal beside the hub file. */
export function createJournalKeyStore(o: JournalKeyStoreOptions): SharedKeyStore {
  const generate = o.generate ?? (() => generateSharedKey());
  const now = o.now ?? (() => new Date());
  return {
    async keyForNewConnection(site, sitePath) {
      const existing = await readKeyJournal(o.journalDir, o.hubId, site.connectionName);
      // A connection being replaced gets back the key its device has (kept before the delete).
      if (existing && existing.current.origin === 'azure' && existing.current.state === 'pending') return existing.current.key;
      if (site.sharedKey) {
        const where = `${sitePath}.sharedKey`;
        const key = await o.resolveSecret(site.sharedKey, where);
        const problems = (o.checkKey?.(site, key, where) ?? []).filter((p) => p.severity === 'error');
        if (problems.length > 0) {
          throw new InputError('SharedKeyInvalid', `${where}: the referenced key cannot be used; nothing was written`, problems, 'put a key of 1..128 letters and digits behind the reference, or omit sharedKey to have one generated');
        }
        if (!(existing && existing.current.key === key && existing.current.origin === 'reference')) {
          await writeKeyJournal(o.journalDir, entry(site, key, 'reference', now(), existing));
        }
        return key;
      }
      // A key journaled by an interrupted run may already be in Azure's hands, and a connection
      // re-created after a destroy keeps the key its device holds: reuse a journaled generated key.
      if (existing && existing.current.origin !== 'reference' && existing.current.state !== 'retired') {
        if (existing.current.state !== 'pending') {
          await writeKeyJournal(o.journalDir, { ...existing, current: { ...existing.current, state: 'pending', since: now().toISOString() } });
        }
        return existing.current.key;
      }
      const key = generate();
      await writeKeyJournal(o.journalDir, entry(site, key, 'generated', now(), existing));
      return key;
    },
    async confirmConnection(site) {
      const existing = await readKeyJournal(o.journalDir, o.hubId, site.connectionName);
      if (!existing || existing.current.state !== 'pending') return;
      await writeKeyJournal(o.journalDir, { ...existing, current: { ...existing.current, state: 'active', since: now().toISOString() } });
    },
    async referencedKey(site, sitePath) {
      if (!site.sharedKey) return undefined;
      return o.resolveSecret(site.sharedKey, `${sitePath}.sharedKey`);
    },
    async keepForReplacement(site, key) {
      const existing = await readKeyJournal(o.journalDir, o.hubId, site.connectionName);
      if (existing && existing.current.key === key && existing.current.origin === 'azure' && existing.current.state === 'pending') return;
      await writeKeyJournal(o.journalDir, {
        ...(existing ?? {}),
        version: 1,
        hub: o.hubId,
        site: site.name,
        connectionName: site.connectionName,
        current: { key, origin: 'azure', state: 'pending', since: now().toISOString() },
        ...(existing && existing.current.key !== key ? { previous: { ...existing.current, state: 'retired' as const } } : {}),
      });
    },
    async preserveAzureKey(site, key) {
      if (site.sharedKey) return;
      const existing = await readKeyJournal(o.journalDir, o.hubId, site.connectionName);
      if (existing && existing.current.key === key && existing.current.state !== 'retired') return;
      await writeKeyJournal(o.journalDir, {
        version: 1,
        hub: o.hubId,
        site: site.name,
        connectionName: site.connectionName,
        current: { key, origin: 'azure', state: 'active', since: now().toISOString() },
        ...(existing && existing.current.key !== key ? { previous: { ...existing.current, state: 'retired' as const } } : {}),
      });
    },
  };

  function entry(site: Site, key: string, origin: 'generated' | 'reference', at: Date, existing: KeyJournalEntry | undefined): KeyJournalEntry {
    return {
      version: 1,
      hub: o.hubId,
      site: site.name,
      connectionName: site.connectionName,
      current: { key, origin, state: 'pending', since: at.toISOString() },
      // A replaced pending key never reached Azure as the connection's key; an active one is history.
      ...(existing && existing.current.state === 'active' ? { previous: { ...existing.current, state: 'retired' as const } } : {}),
    };
  }
}
