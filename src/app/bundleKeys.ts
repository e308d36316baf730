/**
 * The facts a bundle is rendered from and the shared key each site's bundle carries (hub-file.md, "Which
 * shared key is the real one"): the reads (a facts file or Azure, the key journal, the site's reference)
 * around the pure choice in bundle/keySource.ts.
 */
import { InputError, isAppError, type Problem } from '../errors';
import type { AzureFacts } from '../facts/types';
import type { JournalKey } from '../bundle/keySource';
import type { RotationJournalEntry } from '../rotation/journalStore';
import { describeSecretRef, type HubSession } from './session';

/** Each site's key (undefined: none) and where it came from, for messages. */
export interface BundleKeys {
  keys: Record<string, string | undefined>;
  keySources: Record<string, string>;
}

/** Azure's keys, as read back with the facts (`deploy --out`, the demo). Pure. */
export function azureKeys(facts: AzureFacts): BundleKeys {
  return { keys: Object.fromEntries(facts.sites.map((s) => [s.name, s.sharedKey])), keySources: Object.fromEntries(facts.sites.map((s) => [s.name, 'Azure'])) };
}

/** Facts for rendering: from a facts file, or read back from Azure (without keys: the caller supplies them). */
export async function readFactsFor(session: HubSession, factsFile: string | undefined): Promise<AzureFacts> {
  if (factsFile) {
    const { readFactsFile } = await import('../io/factsFile');
    return readFactsFile(factsFile);
  }
  const { readBackFacts } = await import('../azure/readBack');
  return readBackFacts((await session.azure()).api, session.hub, { includeKeys: false });
}

/**
 * `render` and `bundle`: the facts and the keys. Live: the keys Azure holds, with a warning for a
 * reference or journal that disagrees. From a facts file (Azure is not asked): the key journal's active
 * key, else the facts file's key, else the site's reference; sources that disagree stop the render
 * (exit 3) with the stale one named. A site with no key at all is left without one: the render plan
 * then refuses it clearly (unless redacted).
 */
export async function keysForBundle(
  session: HubSession,
  factsFile: string | undefined,
  onlySites: readonly string[] | undefined,
  onWarning: (p: Problem) => void,
): Promise<{ facts: AzureFacts } & BundleKeys> {
  const hub = session.hub;
  let facts: AzureFacts;
  if (factsFile) {
    const { readFactsFile } = await import('../io/factsFile');
    facts = await readFactsFile(factsFile);
  } else {
    const { readBackFacts } = await import('../azure/readBack');
    facts = await readBackFacts((await session.azure()).api, hub, { includeKeys: true });
  }
  const { chooseFactsKey, compareLiveKey } = await import('../bundle/keySource');
  const journal = await readJournalKeys(session);
  const factsKeys = new Map(facts.sites.map((s) => [s.name, s.sharedKey]));
  const keys: Record<string, string | undefined> = {};
  const keySources: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [i, site] of hub.sites.entries()) {
    if (onlySites && !onlySites.includes(site.name)) continue;
    const sitePath = `sites[${i}]`;
    const journalKey = journal.get(site.connectionName);
    const factsKey = factsKeys.get(site.name);
    const resolve = async (strict: boolean): Promise<{ key: string; label: string } | undefined> => {
      if (!site.sharedKey) return undefined;
      try {
        const r = await session.secrets.resolve(site.sharedKey, `${sitePath}.sharedKey`);
        for (const w of r.warnings) onWarning(w);
        return { key: r.value, label: describeSecretRef(site.sharedKey) };
      } catch (e) {
        // Only for a comparison: a reference that cannot be read here says nothing about the key in use.
        if (strict || !isAppError(e)) throw e;
        return undefined;
      }
    };
    if (!factsFile) {
      const azure = factsKey;
      keys[site.name] = azure;
      keySources[site.name] = 'Azure';
      if (azure !== undefined) {
        const reference = await resolve(false);
        for (const w of compareLiveKey({ site: site.name, sitePath, azure, ...(journalKey ? { journal: journalKey } : {}), ...(reference ? { reference } : {}) })) onWarning(w);
      }
      continue;
    }
    // Azure is not asked, Key Vault included: a vault reference is read only when it is the only source.
    const higher = journalKey !== undefined || factsKey !== undefined;
    const reference = !higher ? await resolve(true) : site.sharedKey && !('keyVault' in site.sharedKey) ? await resolve(false) : undefined;
    const choice = chooseFactsKey({ site: site.name, sitePath, ...(journalKey ? { journal: journalKey } : {}), ...(factsKey !== undefined ? { facts: factsKey } : {}), ...(reference ? { reference } : {}) });
    problems.push(...choice.problems);
    keys[site.name] = choice.key;
    if (choice.source) keySources[site.name] = choice.source;
  }
  if (problems.length > 0) {
    throw new InputError('StaleKey', 'nothing was written: the sources of a shared key disagree, and a bundle must carry the key Azure holds', problems, 'fix the stale source named above, or render without --facts to take the keys Azure holds');
  }
  return { facts, keys, keySources };
}

/** The key journal's active key per connection of the hub (with the rotation's state). */
async function readJournalKeys(session: HubSession): Promise<Map<string, JournalKey>> {
  const { keyJournalDir, listKeyJournal } = await import('../io/keyJournal');
  const out = new Map<string, JournalKey>();
  for (const entry of (await listKeyJournal(keyJournalDir(session.file), session.hubId)) as RotationJournalEntry[]) {
    if (entry.current.state !== 'active') continue;
    const rotationState = entry.rotation?.state ?? (entry.pending ? 'prepared' : 'idle');
    out.set(entry.connectionName, { key: entry.current.key, since: entry.current.since, rotationState });
  }
  return out;
}
