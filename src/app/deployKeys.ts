/**
 * The shared keys deploy creates connections with: the key journal beside the hub file, and each site's
 * reference resolved through the session and checked (Azure's rules, the site device's unsafe
 * characters) before it is used.
 */
import type { ResolveSecret, SharedKeyStore } from '../azure/deploy/keyStore';
import { createJournalKeyStore } from '../azure/sharedKeys';
import { DEVICES } from '../devices/registry';
import type { Problem } from '../errors';
import { checkSharedKey } from '../hub/sharedKey';
import { keyJournalDir } from '../io/keyJournal';
import { secretValues, type HubSession } from './session';

export interface DeployKeys {
  keys: SharedKeyStore;
  resolveSecret: ResolveSecret;
}

/** The key store and secret resolver `applyPlan` takes; resolver warnings go to `onWarning`. */
export function deployKeys(session: HubSession, onWarning: (p: Problem) => void): DeployKeys {
  const resolveSecret = secretValues(session, onWarning);
  const keys = createJournalKeyStore({
    journalDir: keyJournalDir(session.file),
    hubId: session.hubId,
    resolveSecret,
    checkKey: (site, key, where) => checkSharedKey(key, where, DEVICES[site.device]),
  });
  return { keys, resolveSecret };
}
