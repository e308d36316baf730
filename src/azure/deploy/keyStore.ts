/** What deploy needs to know about shared keys; the journal-backed store is azure/sharedKeys.ts. */
import type { SecretRef, Site } from '../../hub/types';

/** Resolves a secret reference to its value (env, file, Key Vault). Never logs the value. */
export type ResolveSecret = (ref: SecretRef, path: string) => Promise<string>;

/** What the apply layer needs to know about keys. */
export interface SharedKeyStore {
  /** The key to create the site's connection with; journaled (state pending) before it is returned. */
  keyForNewConnection(site: Site, sitePath: string): Promise<string>;
  /** The connection exists in Azure: a pending journal entry becomes active. */
  confirmConnection(site: Site): Promise<void>;
  /** The key the site's reference names (to compare with Azure's); undefined when it has none. */
  referencedKey(site: Site, sitePath: string): Promise<string | undefined>;
  /**
   * The site's connection is about to be deleted and recreated (`deploy --allow-recreate`): keep the key
   * Azure holds for it, so the recreated connection gets the key the device has. A site with a
   * `sharedKey` reference keeps using its reference. Optional for stores that cannot keep keys.
   */
  preserveAzureKey?(site: Site, key: string): Promise<void>;
  /**
   * The site's connection is about to be replaced (deleted and created again): journal the key Azure
   * holds for it (`pending`, origin `azure`) before the delete, so the new connection gets that key, also
   * when a run stops between the delete and the create. Whatever the site's reference says.
   */
  keepForReplacement?(site: Site, key: string): Promise<void>;
}
