/**
 * The narrow interfaces the rotation runner works through. The CLI wires them to the key journal, the
 * Azure adapter, Key Vault and the bundle writer; tests pass fakes or the emulator-backed real ones.
 */
import type { RotationRecord } from './machine';

/** Where rotation records live (the key journal). `write` is durable (fsync) before it resolves. */
export interface RotationStore {
  read(site: string, connection: string): Promise<RotationRecord | undefined>;
  write(record: RotationRecord): Promise<void>;
}

/** The Azure calls rotation needs; `AzureApi` (src/azure/api.ts) satisfies it. */
export interface SharedKeyApi {
  getSharedKey(resourceGroup: string, connection: string): Promise<string>;
  /** Long-running: resolves when Azure reports the operation done (the connection may still be Updating). */
  setSharedKey(resourceGroup: string, connection: string, key: string): Promise<void>;
  getConnection(resourceGroup: string, connection: string): Promise<{ provisioningState?: string; connectionStatus?: string } | undefined>;
}

/** A site's key in Key Vault: one secret, a new version per rotation. */
export interface VaultSlot {
  /** The value of the secret's latest version, or undefined when the secret does not exist. */
  readLatest(): Promise<string | undefined>;
  /** Stores `value` as a new version; resolves the version id. */
  storeVersion(value: string, tags: Record<string, string>): Promise<string>;
  /** For messages: `<vault>/<secret>`. */
  readonly label: string;
}

/** Writes a site's bundle rendered with `key`; resolves the folder it wrote. */
export type BundleWriter = (site: string, key: string) => Promise<{ dir: string; keyFile?: string; archive?: string }>;

/** Undefined when the staged bundle of `site` carries `key`; else what is wrong (never the key). */
export type StagedBundleCheck = (site: string, key: string) => Promise<string | undefined>;

/** Named points in each action; tests stop a run at any of them to prove a re-run finishes it. */
export type Checkpoint =
  | 'prepare:journal-written'
  | 'prepare:bundle-written'
  | 'apply:journal-applying'
  | 'apply:key-set'
  | 'apply:confirmed'
  | 'apply:journal-applied'
  | 'apply:vault-stored'
  | 'rollback:journal-rolling-back'
  | 'rollback:key-set'
  | 'rollback:confirmed'
  | 'rollback:journal-rolled-back'
  | 'rollback:vault-stored'
  | 'rollback:bundle-written'
  | 'abort:journal-written';

export const CHECKPOINTS: readonly Checkpoint[] = [
  'prepare:journal-written',
  'prepare:bundle-written',
  'apply:journal-applying',
  'apply:key-set',
  'apply:confirmed',
  'apply:journal-applied',
  'apply:vault-stored',
  'rollback:journal-rolling-back',
  'rollback:key-set',
  'rollback:confirmed',
  'rollback:journal-rolled-back',
  'rollback:vault-stored',
  'rollback:bundle-written',
  'abort:journal-written',
];

/** Progress the runner reports; never carries a key. */
export interface RotationEvent {
  site: string;
  step: string;
  detail?: string;
}
